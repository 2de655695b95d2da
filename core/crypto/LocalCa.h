#pragma once

#include "core/common/HostName.h"
#include "core/common/Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <memory>

namespace aio {

// A small certificate authority the app makes for private networks (TLS mode "own CA"): a
// self-signed CA certificate and key, which issues server certificates for a host name or IP
// (subjectAltName), serverAuth, ECDSA P-256 keys for servers, RSA-3072 for the CA. The admin
// installs the CA certificate in their browsers.
class LocalCa
{
    Q_DECLARE_TR_FUNCTIONS(aio::LocalCa)

public:
    struct Issued
    {
        QByteArray certificatePem; // the server certificate followed by the CA certificate
        QByteArray privateKeyPem;
    };

    static Result<LocalCa> create(const QString& commonName, int validDays = 3650);
    static Result<LocalCa> fromPem(const QByteArray& certificatePem, const QByteArray& privateKeyPem);
    // <dir>/ca.crt and <dir>/ca.key (0600): loads them, or creates and saves a new CA.
    static Result<LocalCa> loadOrCreate(const QString& directory, const QString& commonName);

    QByteArray certificatePem() const;
    QByteArray privateKeyPem() const;
    Result<Issued> issueServerCertificate(const HostName& host, int validDays = 397) const;

private:
    struct Handles;
    std::shared_ptr<const Handles> m_handles;
};

} // namespace aio
