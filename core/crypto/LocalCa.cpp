#include "core/crypto/LocalCa.h"

#include "core/crypto/OpenSsl.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace aio {

namespace {

Status addExtension(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    openssl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        return openssl::error(
            ErrorKind::Internal,
            LocalCa::tr("Cannot add the certificate extension %1.").arg(QString::fromLatin1(OBJ_nid2sn(nid))));
    return {};
}

Status setRandomSerial(X509* cert)
{
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return openssl::error(ErrorKind::Internal, LocalCa::tr("The random number generator failed."));
    bytes[0] &= 0x7F; // positive
    openssl::BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)))
        return openssl::error(ErrorKind::Internal, LocalCa::tr("Cannot set the certificate serial number."));
    return {};
}

Status setName(X509_NAME* name, const QString& commonName)
{
    const QByteArray cn = commonName.toUtf8();
    if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>("AIO Sandbox Manager"), -1, -1, 0)
            != 1
        || X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.constData()),
                                      int(cn.size()), -1, 0)
            != 1)
        return openssl::error(ErrorKind::InvalidInput,
                              LocalCa::tr("Cannot set the certificate name \"%1\".").arg(commonName));
    return {};
}

Status writePrivateFile(const QString& path, const QByteArray& content, int mode)
{
    const QByteArray p = QFile::encodeName(path);
    const int fd = ::open(p.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return Error(ErrorKind::Io, LocalCa::tr("Cannot create %1.").arg(path),
                     QString::fromLocal8Bit(std::strerror(errno)));
    qsizetype done = 0;
    int guard = 0;
    while (done < content.size() && guard++ < 64) {
        const ssize_t n = ::write(fd, content.constData() + done, size_t(content.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += n;
    }
    const bool ok = done == content.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok)
        return Error(ErrorKind::Io, LocalCa::tr("Cannot write %1.").arg(path));
    return {};
}
} // namespace

struct LocalCa::Handles
{
    openssl::X509Ptr certificate;
    openssl::PkeyPtr key;
};

Result<LocalCa> LocalCa::create(const QString& commonName, int validDays)
{
    if (commonName.isEmpty() || commonName.size() > 64 || validDays < 1 || validDays > 36500)
        return Error(ErrorKind::Usage,
                     tr("A CA needs a name of 1 to 64 characters and a validity of 1 to 36500 days."));
    openssl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(3072)));
    if (!key)
        return openssl::error(ErrorKind::Internal, tr("Generating the CA key failed."));
    openssl::X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return openssl::error(ErrorKind::Internal, tr("Cannot make the CA certificate."));
    if (Status s = setRandomSerial(cert.get()); !s)
        return s.error();
    if (Status s = setName(X509_get_subject_name(cert.get()), commonName); !s)
        return s.error();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
    X509_time_adj_ex(X509_getm_notAfter(cert.get()), validDays, 0, nullptr);
    X509_set_pubkey(cert.get(), key.get());
    for (const auto& [nid, value] :
         {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
          std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"}, std::pair{NID_subject_key_identifier, "hash"}}) {
        if (Status s = addExtension(cert.get(), cert.get(), nid, value); !s)
            return s.error();
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return openssl::error(ErrorKind::Internal, tr("Signing the CA certificate failed."));
    auto handles = std::make_shared<Handles>();
    handles->certificate = std::move(cert);
    handles->key = std::move(key);
    LocalCa ca;
    ca.m_handles = std::move(handles);
    return ca;
}

Result<LocalCa> LocalCa::fromPem(const QByteArray& certificatePem, const QByteArray& privateKeyPem)
{
    Result<openssl::X509Ptr> cert = openssl::readCertificate(certificatePem);
    if (!cert)
        return cert.error();
    Result<openssl::PkeyPtr> key = openssl::readPrivateKey(privateKeyPem);
    if (!key)
        return key.error();
    if (X509_check_private_key(cert->get(), key->get()) != 1)
        return openssl::error(ErrorKind::InvalidInput, tr("The CA key does not belong to the CA certificate."));
    if (X509_check_ca(cert->get()) <= 0)
        return Error(ErrorKind::InvalidInput, tr("The certificate is not a CA certificate."));
    auto handles = std::make_shared<Handles>();
    handles->certificate = std::move(*cert);
    handles->key = std::move(*key);
    LocalCa ca;
    ca.m_handles = std::move(handles);
    return ca;
}

Result<LocalCa> LocalCa::loadOrCreate(const QString& directory, const QString& commonName)
{
    const QDir dir(directory);
    const QString certPath = dir.filePath(QStringLiteral("ca.crt"));
    const QString keyPath = dir.filePath(QStringLiteral("ca.key"));
    if (QFile::exists(certPath) || QFile::exists(keyPath)) {
        QFile certFile(certPath);
        QFile keyFile(keyPath);
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
            return Error(ErrorKind::Io, tr("Cannot read the CA in %1.").arg(directory),
                         certFile.errorString() + QStringLiteral("; ") + keyFile.errorString(),
                         tr("Both ca.crt and ca.key must be there and readable."));
        QByteArray keyPem = keyFile.readAll();
        Result<LocalCa> ca = fromPem(certFile.readAll(), keyPem);
        keyPem.fill('\0');
        return ca;
    }
    if (!QDir().mkpath(directory))
        return Error(ErrorKind::Io, tr("Cannot create the CA folder %1.").arg(directory));
    QFile::setPermissions(directory, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    Result<LocalCa> ca = create(commonName);
    if (!ca)
        return ca;
    QByteArray keyPem = ca->privateKeyPem();
    Status keyWritten = writePrivateFile(keyPath, keyPem, 0600);
    keyPem.fill('\0');
    if (!keyWritten)
        return keyWritten.error();
    if (Status s = writePrivateFile(certPath, ca->certificatePem(), 0644); !s)
        return s.error();
    return ca;
}

QByteArray LocalCa::certificatePem() const
{
    return m_handles ? openssl::certificatePem(m_handles->certificate.get()).valueOr({}) : QByteArray();
}

QByteArray LocalCa::privateKeyPem() const
{
    return m_handles ? openssl::privateKeyPem(m_handles->key.get()).valueOr({}) : QByteArray();
}

Result<LocalCa::Issued> LocalCa::issueServerCertificate(const HostName& host, int validDays) const
{
    if (!m_handles)
        return Error(ErrorKind::Usage, tr("The CA is not loaded."));
    if (host.isEmpty() || validDays < 1 || validDays > 3650)
        return Error(ErrorKind::Usage, tr("A server certificate needs a host name and 1 to 3650 days of validity."));
    openssl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return openssl::error(ErrorKind::Internal, tr("Generating the server key failed."));
    openssl::X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return openssl::error(ErrorKind::Internal, tr("Cannot make the server certificate."));
    if (Status s = setRandomSerial(cert.get()); !s)
        return s.error();
    if (Status s = setName(X509_get_subject_name(cert.get()), host.toString().left(64)); !s)
        return s.error();
    X509* caCert = m_handles->certificate.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(caCert));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
    X509_time_adj_ex(X509_getm_notAfter(cert.get()), validDays, 0, nullptr);
    X509_set_pubkey(cert.get(), key.get());
    // HostName is validated: no ',' or ':' that could smuggle another SAN entry into the text.
    const QByteArray san
        = (host.isIpAddress() ? QByteArrayLiteral("IP:") : QByteArrayLiteral("DNS:")) + host.toString().toLatin1();
    for (const auto& [nid, value] : {std::pair{NID_basic_constraints, QByteArrayLiteral("critical,CA:FALSE")},
                                     std::pair{NID_key_usage, QByteArrayLiteral("critical,digitalSignature")},
                                     std::pair{NID_ext_key_usage, QByteArrayLiteral("serverAuth")},
                                     std::pair{NID_subject_key_identifier, QByteArrayLiteral("hash")},
                                     std::pair{NID_authority_key_identifier, QByteArrayLiteral("keyid:always")},
                                     std::pair{NID_subject_alt_name, san}}) {
        if (Status s = addExtension(cert.get(), caCert, nid, value.constData()); !s)
            return s.error();
    }
    if (X509_sign(cert.get(), m_handles->key.get(), EVP_sha256()) <= 0)
        return openssl::error(ErrorKind::Internal, tr("Signing the server certificate failed."));
    Result<QByteArray> certPem = openssl::certificatePem(cert.get());
    if (!certPem)
        return certPem.error();
    Result<QByteArray> keyPem = openssl::privateKeyPem(key.get());
    if (!keyPem)
        return keyPem.error();
    return Issued{*certPem + certificatePem(), *keyPem};
}

} // namespace aio
