#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>

#include <memory>

namespace aio {

// Signs RS256 JSON Web Tokens (header {"alg":"RS256","typ":"JWT"}, base64url, no padding) with
// an RSA private key; used to reach a sandbox that has JWT_PUBLIC_KEY set (tunnels, verify).
// Copies share the key. sign() is thread-safe.
class JwtSigner
{
public:
    static Result<JwtSigner> fromPrivateKeyPem(const QByteArray& privateKeyPem);

    // The compact token for this payload, as given.
    Result<QByteArray> sign(const QJsonObject& payload) const;
    // A token with {"exp": <expiry as seconds since the epoch>} plus `claims`.
    Result<QByteArray> signWithExpiry(const QDateTime& expiry, const QJsonObject& claims = {}) const;

    static QByteArray base64Url(const QByteArray& data); // no padding

private:
    struct Key;
    std::shared_ptr<const Key> m_key;
};

} // namespace aio
