#include "core/crypto/RsaKeyPair.h"

#include "core/crypto/OpenSsl.h"

#include <QCoreApplication>

namespace aio {

Result<RsaKeyPair> RsaKeyPair::generate(int bits)
{
    if (bits != 2048 && bits != 3072 && bits != 4096)
        return Error(ErrorKind::Usage,
                     QCoreApplication::translate("aio::RsaKeyPair", "RSA keys are made with 2048, 3072 or 4096 bits."));
    openssl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(bits)));
    if (!key)
        return openssl::error(ErrorKind::Internal,
                              QCoreApplication::translate("aio::RsaKeyPair", "Generating an RSA key failed."));
    Result<QByteArray> priv = openssl::privateKeyPem(key.get());
    if (!priv)
        return priv.error();
    Result<QByteArray> pub = openssl::publicKeyPem(key.get());
    if (!pub)
        return pub.error();
    return RsaKeyPair{*priv, *pub};
}

Result<QByteArray> RsaKeyPair::publicKeyFromPrivate(const QByteArray& privateKeyPem)
{
    Result<openssl::PkeyPtr> key = openssl::readPrivateKey(privateKeyPem);
    if (!key)
        return key.error();
    return openssl::publicKeyPem(key->get());
}

QByteArray RsaKeyPair::jwtPublicKeyValue(const QByteArray& publicKeyPem)
{
    return publicKeyPem.toBase64();
}

} // namespace aio
