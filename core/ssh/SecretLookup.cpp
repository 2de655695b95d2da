#include "core/ssh/SecretLookup.h"

#include "core/ssh/SshLogging.h"

#include <QHash>
#include <QRegularExpression>

#include <memory>
#include <mutex>

namespace aio {

std::optional<SecretKind> secretKindFor(const SecretRequest& request)
{
    switch (request.kind) {
    case SecretRequest::Kind::LoginPassword:
        return SecretKind::Password;
    case SecretRequest::Kind::KeyPassphrase:
        return SecretKind::KeyPassphrase;
    case SecretRequest::Kind::SudoPassword:
        return SecretKind::SudoPassword;
    case SecretRequest::Kind::KeyboardInteractive: {
        // PAM's "Password: " (or "deploy@host's password:") is the login password; anything
        // else (a verification code, a question) changes every time or is not a secret.
        static const QRegularExpression password(QStringLiteral("\\bpassword\\s*:?\\s*$"),
                                                 QRegularExpression::CaseInsensitiveOption);
        if (!request.echo && password.match(request.prompt.trimmed()).hasMatch())
            return SecretKind::Password;
        return std::nullopt;
    }
    }
    return std::nullopt;
}

SecretProvider makeSecretProvider(const QUuid& targetId, QPointer<SecretStore> store, SecretAsker ask)
{
    struct Memory
    {
        std::mutex mutex;
        QHash<int, QString> typed; // SecretKind → what the user typed in this app run
    };
    auto memory = std::make_shared<Memory>();
    return [targetId, store, ask = std::move(ask), memory](const SecretRequest& request) -> std::optional<QString> {
        const std::optional<SecretKind> kind = secretKindFor(request);
        if (kind && request.attempt <= 1) {
            {
                std::lock_guard lock(memory->mutex);
                if (const auto it = memory->typed.constFind(int(*kind)); it != memory->typed.cend())
                    return *it;
            }
            if (SecretStore* s = store.data()) {
                if (Result<QString> stored = s->readBlocking(targetId, *kind); stored && !stored->isEmpty())
                    return *stored;
            }
        }
        if (kind && request.attempt > 1) {
            std::lock_guard lock(memory->mutex);
            memory->typed.remove(int(*kind));
        }
        if (!ask)
            return std::nullopt;
        const std::optional<SecretAnswer> answer = ask(request, kind.has_value());
        if (!answer)
            return std::nullopt;
        if (kind) {
            {
                std::lock_guard lock(memory->mutex);
                memory->typed.insert(int(*kind), answer->secret);
            }
            if (answer->remember) {
                if (SecretStore* s = store.data()) {
                    if (const Status saved = s->writeBlocking(targetId, *kind, answer->secret); !saved)
                        qCWarning(lcSsh) << "the secret was not kept in the keychain:" << saved.error().message;
                }
            }
        }
        return answer->secret;
    };
}

} // namespace aio
