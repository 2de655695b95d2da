#pragma once

#include "core/inventory/SecretStore.h"
#include "core/ssh/SshCallbacks.h"

#include <QPointer>
#include <QUuid>

#include <functional>
#include <optional>

namespace aio {

// What the user typed when asked for a secret, and whether to keep it in the keychain.
struct SecretAnswer
{
    QString secret;
    bool remember = false;
};

// Asks the user for a secret (a dialog in the app, the terminal on the command line). Called on
// the session's worker thread; may block it until the user answers. canRemember is false for
// answers that must not be stored (one-time codes, prompts that echo). nullopt: cancelled.
using SecretAsker = std::function<std::optional<SecretAnswer>(const SecretRequest& request, bool canRemember)>;

// The keychain entry that holds the answer to a request; nullopt for keyboard-interactive
// prompts that are not the login password (one-time codes, questions).
std::optional<SecretKind> secretKindFor(const SecretRequest& request);

// The secret provider the app and the CLI give their SSH sessions, in this order:
//  1. a secret the user typed earlier for this target (kept in memory by this provider, so a
//     reconnect does not ask again);
//  2. the keychain (store may be null or go away: then it is skipped);
//  3. asking the user (when ask is set), storing the answer in the keychain when they say so.
// A secret that was refused (request.attempt > 1) is not offered again from memory or the
// keychain: the user is asked, or the provider gives up (nullopt), so a wrong stored password
// never locks an account by retrying.
SecretProvider makeSecretProvider(const QUuid& targetId, QPointer<SecretStore> store, SecretAsker ask);

} // namespace aio
