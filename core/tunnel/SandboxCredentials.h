#pragma once

#include "core/common/Result.h"
#include "core/crypto/JwtSigner.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace aio {

// What the sandbox itself expects on every request, as the deployment set it up: an RS256 JWT
// signed by the private key kept for the target (JWT_PUBLIC_KEY on the sandbox), or the API key
// (SANDBOX_API_KEY), or nothing (the sandbox's own authentication is off). Thread-safe: the
// proxy's connections on several threads ask for headers at once.
//
// Tokens are short-lived (kLifetimeSeconds, no "aud": the image refuses tokens that carry one)
// and minted again when less than kRenewSeconds are left, so a tunnel that stays open for days
// never sends an expired token and a token that leaks is worth minutes.
class SandboxCredentials
{
public:
    static constexpr int kLifetimeSeconds = 300;
    static constexpr int kRenewSeconds = 60;

    SandboxCredentials() = default; // none: the sandbox's authentication is off
    static Result<SandboxCredentials> fromJwtPrivateKey(const QByteArray& privateKeyPem);
    static SandboxCredentials fromApiKey(const QString& apiKey);

    enum class Kind { None, Jwt, ApiKey };
    Kind kind() const { return m_kind; }
    // "JWT (RS256)", "API key", "none", for the panel and the CLI.
    QString describe() const;

    // The header fields to add to a request: Authorization: Bearer <JWT> or X-AIO-API-Key.
    Result<QList<QPair<QByteArray, QByteArray>>> headers() const;

    // For tests: the clock tokens are minted by (defaults to the system's).
    void setClockForTesting(std::function<QDateTime()> now);

private:
    Kind m_kind = Kind::None;
    std::optional<JwtSigner> m_signer;
    QByteArray m_apiKey;
    struct Cache
    {
        std::mutex mutex;
        QByteArray token;
        QDateTime expires;
        std::function<QDateTime()> now;
    };
    std::shared_ptr<Cache> m_cache = std::make_shared<Cache>();
};

} // namespace aio
