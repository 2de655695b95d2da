#pragma once

#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QStringList>

namespace aio {

// What a probe saw of one certificate in the peer's chain.
struct CertificateSummary
{
    QString subject; // the subject's common name (or the whole subject when it has none)
    QString issuer;
    QDateTime notBefore;
    QDateTime notAfter;
    QStringList subjectAltNames; // DNS names and IP addresses
    QString sha256; // hex fingerprint with colons

    static CertificateSummary fromCertificate(const QSslCertificate& certificate);
    // "CN=sandbox.test, issued by Pebble Intermediate CA, valid until 2026-12-01 (DNS:sandbox.test)"
    QString toString() const;
};

// The outcome of a TLS handshake: the peer's chain and whether it verified against the
// trusted CAs for the presented name.
struct TlsPeerInfo
{
    bool encrypted = false; // the handshake completed (possibly with errors we let pass)
    bool verified = false; // chain trusted, name matches, dates valid
    QStringList verificationErrors; // QSslError texts, e.g. "The host name did not match…"
    QList<QSslError::SslError> errorCodes;
    QList<CertificateSummary> chain; // leaf first
    QString protocol; // "TLSv1.3"
    QString cipher;

    bool hasError(QSslError::SslError code) const { return errorCodes.contains(code); }
    // Several lines: verdict, then each certificate.
    QString toString() const;
};

} // namespace aio
