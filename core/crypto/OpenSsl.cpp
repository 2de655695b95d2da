#include "core/crypto/OpenSsl.h"

#include <QCoreApplication>

#include <openssl/err.h>
#include <openssl/pem.h>

namespace aio::openssl {

namespace {
// The context of this file's messages.
struct Messages
{
    Q_DECLARE_TR_FUNCTIONS(aio::openssl::Messages)
};
} // namespace

QString errorText()
{
    QStringList parts;
    unsigned long code = 0;
    int guard = 0;
    while ((code = ERR_get_error()) != 0 && guard++ < 32) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        parts << QString::fromLatin1(buffer);
    }
    ERR_clear_error();
    return parts.join(QStringLiteral("; "));
}

Error error(ErrorKind kind, const QString& message)
{
    return Error(kind, message, errorText());
}

BioPtr memoryBio(const QByteArray& data)
{
    return BioPtr(BIO_new_mem_buf(data.constData(), int(data.size())));
}

QByteArray bioContent(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, qsizetype(size)) : QByteArray();
}

Result<PkeyPtr> readPrivateKey(const QByteArray& pem)
{
    BioPtr bio = memoryBio(pem);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        return error(ErrorKind::InvalidInput, Messages::tr("The private key is not a readable unencrypted PEM key."));
    return key;
}

Result<PkeyPtr> readPublicKey(const QByteArray& pem)
{
    BioPtr bio = memoryBio(pem);
    PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        return error(ErrorKind::InvalidInput, Messages::tr("The public key is not a readable PEM public key."));
    return key;
}

Result<X509Ptr> readCertificate(const QByteArray& pem)
{
    BioPtr bio = memoryBio(pem);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert)
        return error(ErrorKind::InvalidInput, Messages::tr("The certificate is not a readable PEM certificate."));
    return cert;
}

Result<QByteArray> privateKeyPem(EVP_PKEY* key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return error(ErrorKind::Internal, Messages::tr("Cannot write the private key as PEM."));
    return bioContent(bio.get());
}

Result<QByteArray> publicKeyPem(EVP_PKEY* key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
        return error(ErrorKind::Internal, Messages::tr("Cannot write the public key as PEM."));
    return bioContent(bio.get());
}

Result<QByteArray> certificatePem(X509* certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1)
        return error(ErrorKind::Internal, Messages::tr("Cannot write the certificate as PEM."));
    return bioContent(bio.get());
}

} // namespace aio::openssl
