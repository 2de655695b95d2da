#pragma once

#include "core/crypto/CertificateInfo.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QStringList>

namespace aio {

// The outcome of a TLS handshake: the peer's chain and whether it verified against the
// trusted CAs for the presented name.
struct TlsPeerInfo
{
    Q_DECLARE_TR_FUNCTIONS(aio::TlsPeerInfo)

public:
    bool encrypted = false; // the handshake completed (possibly with errors we let pass)
    bool verified = false; // chain trusted, name matches, dates valid
    QStringList verificationErrors; // QSslError texts, e.g. "The host name did not match…"
    QList<QSslError::SslError> errorCodes;
    QList<CertificateInfo> chain; // leaf first
    QString protocol; // "TLSv1.3"
    QString cipher;

    bool hasError(QSslError::SslError code) const { return errorCodes.contains(code); }
    // Several lines: verdict, then each certificate.
    QString toString() const;
};

} // namespace aio
