#pragma once

#include "core/common/Result.h"

#include <QByteArray>

namespace aio {

// An RSA key pair as PEM, made with OpenSSL 3 (EVP). The private key signs the sandbox's JWTs
// and is kept in the keychain; the public key goes to the sandbox as JWT_PUBLIC_KEY.
struct RsaKeyPair
{
    QByteArray privateKeyPem; // PKCS#8 PEM; a secret: keychain only
    QByteArray publicKeyPem; // SubjectPublicKeyInfo "BEGIN PUBLIC KEY"

    // bits: 2048, 3072 or 4096.
    static Result<RsaKeyPair> generate(int bits = 3072);
    // The public key of a PEM private key (PKCS#8 or traditional RSA).
    static Result<QByteArray> publicKeyFromPrivate(const QByteArray& privateKeyPem);
    // base64 of the PEM public key, one line: the JWT_PUBLIC_KEY value.
    static QByteArray jwtPublicKeyValue(const QByteArray& publicKeyPem);
};

} // namespace aio
