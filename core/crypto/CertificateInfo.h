#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace aio {

// What an X.509 certificate says, read with OpenSSL: for "shows expiry", for checks, and for the
// chain a TLS probe saw (TlsPeerInfo).
struct CertificateInfo
{
    QString subject; // one line, RFC 2253 ("CN=sandbox.test")
    QString issuer;
    QString commonName;
    QStringList dnsNames; // subjectAltName DNS entries
    QStringList ipAddresses; // subjectAltName IP entries
    QDateTime notBefore; // UTC
    QDateTime notAfter; // UTC
    QString serialHex;
    QString sha256Fingerprint; // "AB:CD:…"
    bool isCa = false;

    // The first certificate of a PEM text.
    static Result<CertificateInfo> fromPem(const QByteArray& pem);
    // Every certificate of a PEM text (a chain), in order.
    static Result<QList<CertificateInfo>> chainFromPem(const QByteArray& pem);
    // One DER-encoded certificate (as a TLS peer sends it).
    static Result<CertificateInfo> fromDer(const QByteArray& der);
    // Whole days from `now` to notAfter (negative when expired).
    qint64 daysLeft(const QDateTime& now = QDateTime::currentDateTimeUtc()) const;
    bool coversHost(const QString& host) const; // SAN match, with one-label wildcards
    // One line for evidence: "sandbox.test, issued by CN=…, valid until 2027-01-01T00:00:00Z (DNS:…)".
    QString toString() const;
};

} // namespace aio
