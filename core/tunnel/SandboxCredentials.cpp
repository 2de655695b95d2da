#include "core/tunnel/SandboxCredentials.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace aio {

Result<SandboxCredentials> SandboxCredentials::fromJwtPrivateKey(const QByteArray& privateKeyPem)
{
    Result<JwtSigner> signer = JwtSigner::fromPrivateKeyPem(privateKeyPem);
    if (!signer)
        return signer.error();
    SandboxCredentials c;
    c.m_kind = Kind::Jwt;
    c.m_signer = *signer;
    return c;
}

SandboxCredentials SandboxCredentials::fromApiKey(const QString& apiKey)
{
    SandboxCredentials c;
    c.m_kind = Kind::ApiKey;
    c.m_apiKey = apiKey.toUtf8();
    return c;
}

QString SandboxCredentials::describe() const
{
    switch (m_kind) {
    case Kind::Jwt:
        return QCoreApplication::translate("aio::SandboxCredentials", "JWT (RS256, renewed every %1 minutes)")
            .arg(kLifetimeSeconds / 60);
    case Kind::ApiKey:
        return QCoreApplication::translate("aio::SandboxCredentials", "API key (X-AIO-API-Key)");
    case Kind::None:
        break;
    }
    return QCoreApplication::translate("aio::SandboxCredentials", "none (the sandbox's own authentication is off)");
}

void SandboxCredentials::setClockForTesting(std::function<QDateTime()> now)
{
    std::lock_guard lock(m_cache->mutex);
    m_cache->now = std::move(now);
    m_cache->token.clear();
}

Result<QList<QPair<QByteArray, QByteArray>>> SandboxCredentials::headers() const
{
    QList<QPair<QByteArray, QByteArray>> out;
    switch (m_kind) {
    case Kind::None:
        return out;
    case Kind::ApiKey:
        out.append({QByteArrayLiteral("X-AIO-API-Key"), m_apiKey});
        return out;
    case Kind::Jwt:
        break;
    }
    std::lock_guard lock(m_cache->mutex);
    const QDateTime now = m_cache->now ? m_cache->now() : QDateTime::currentDateTimeUtc();
    if (m_cache->token.isEmpty() || now.secsTo(m_cache->expires) < kRenewSeconds) {
        const QDateTime expires = now.addSecs(kLifetimeSeconds);
        // iat a little in the past: a sandbox whose clock is a few seconds behind would
        // otherwise see a token from the future.
        const QJsonObject claims{{QStringLiteral("iat"), now.toSecsSinceEpoch() - 30},
                                 {QStringLiteral("sub"), QStringLiteral("aio-sandbox-manager")}};
        Result<QByteArray> token = m_signer->signWithExpiry(expires, claims);
        if (!token)
            return token.error();
        m_cache->token = *token;
        m_cache->expires = expires;
    }
    out.append({QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + m_cache->token});
    return out;
}

} // namespace aio
