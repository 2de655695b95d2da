#include "core/crypto/JwtSigner.h"

#include "core/crypto/OpenSsl.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace aio {

struct JwtSigner::Key
{
    openssl::PkeyPtr pkey;
};

QByteArray JwtSigner::base64Url(const QByteArray& data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Result<JwtSigner> JwtSigner::fromPrivateKeyPem(const QByteArray& privateKeyPem)
{
    Result<openssl::PkeyPtr> pkey = openssl::readPrivateKey(privateKeyPem);
    if (!pkey)
        return pkey.error();
    if (EVP_PKEY_get_base_id(pkey->get()) != EVP_PKEY_RSA)
        return Error(
            ErrorKind::InvalidInput,
            QCoreApplication::translate("aio::JwtSigner", "RS256 tokens need an RSA key; this key is not RSA."));
    JwtSigner signer;
    auto key = std::make_shared<Key>();
    key->pkey = std::move(*pkey);
    signer.m_key = std::move(key);
    return signer;
}

Result<QByteArray> JwtSigner::sign(const QJsonObject& payload) const
{
    if (!m_key)
        return Error(ErrorKind::Usage, QCoreApplication::translate("aio::JwtSigner", "The JWT signer has no key."));
    const QByteArray header = QByteArrayLiteral(R"({"alg":"RS256","typ":"JWT"})");
    const QByteArray signingInput
        = base64Url(header) + '.' + base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact));

    openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t length = 0;
    // EVP_PKEY is reference-counted and signing does not change it: safe from several threads.
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_key->pkey.get()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(signingInput.constData()),
                          size_t(signingInput.size()))
            != 1)
        return openssl::error(ErrorKind::Internal,
                              QCoreApplication::translate("aio::JwtSigner", "Signing the token failed."));
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(signingInput.constData()), size_t(signingInput.size()))
        != 1)
        return openssl::error(ErrorKind::Internal,
                              QCoreApplication::translate("aio::JwtSigner", "Signing the token failed."));
    signature.truncate(qsizetype(length));
    return signingInput + '.' + base64Url(signature);
}

Result<QByteArray> JwtSigner::signWithExpiry(const QDateTime& expiry, const QJsonObject& claims) const
{
    QJsonObject payload = claims;
    payload.insert(QStringLiteral("exp"), qint64(expiry.toSecsSinceEpoch()));
    return sign(payload);
}

} // namespace aio
