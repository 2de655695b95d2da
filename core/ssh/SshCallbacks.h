#pragma once

#include "core/ssh/KnownHosts.h"

#include <QString>

#include <functional>
#include <optional>

namespace aio {

// A secret the session needs now. The provider answers from the keychain or asks the user.
struct SecretRequest
{
    enum class Kind {
        LoginPassword, // SSH password authentication
        KeyPassphrase, // to decrypt keyPath
        KeyboardInteractive, // one server prompt (prompt, echo)
        SudoPassword, // sudo on the target asked for the user's password
    };
    Kind kind = Kind::LoginPassword;
    QString targetName;
    QString user;
    QString host; // "host" or "[host]:port"
    QString keyPath; // KeyPassphrase
    QString prompt; // KeyboardInteractive: the server's prompt text
    bool echo = false; // KeyboardInteractive: whether the answer may be shown
    int attempt = 1; // 2, 3 …: the previous answer was wrong
};

// Returns the secret, or nullopt when the user cancels / none is known. Called from the
// session's worker thread or the thread that called run(); a GUI implementation must hop to
// the GUI thread itself (e.g. BlockingQueuedConnection) and must not be called from it.
using SecretProvider = std::function<std::optional<QString>(const SecretRequest& request)>;

enum class HostKeyDecision {
    Reject, // do not connect
    AcceptOnce, // connect this time, remember nothing
    TrustAndRemember, // connect and write the key to the app's known_hosts
};

// Decides about an unknown host key (HostKeyStatus::Unknown only; changed keys are refused
// without asking). Same threading rule as SecretProvider.
using HostKeyDecider = std::function<HostKeyDecision(const HostKeyCheck& check)>;

struct SshCallbacks
{
    SecretProvider secrets;
    HostKeyDecider hostKeyDecider;
};

} // namespace aio
