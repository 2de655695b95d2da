#pragma once

#include "core/common/Result.h"
#include "core/inventory/Target.h"
#include "core/ssh/RemoteHost.h"

#include <memory>

class QWidget;

namespace aio {
class SecretStore;
}

namespace aio::ui {

// Opens the RemoteHost the deployment wizard runs its plan on: an SshSession for a VM target,
// logging in with the target's settings, secrets from the keychain, and unknown host keys put
// to the admin in a dialog (asked from the session's worker thread, answered on the GUI thread,
// never blocking it). Connecting happens on first use, on the runner's worker thread.
class SshHostFactory
{
public:
    // secrets may be null (no keychain lookups); dialogParent is observed (a QPointer), not owned.
    static Result<std::shared_ptr<RemoteHost>> create(const Target& target, SecretStore* secrets,
                                                      QWidget* dialogParent);
};

} // namespace aio::ui
