#pragma once

#include "core/common/Result.h"
#include "core/inventory/Target.h"
#include "core/ssh/RemoteHost.h"
#include "core/ssh/SshCallbacks.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include <memory>
#include <mutex>

class QWidget;

namespace aio {
class SecretStore;
class SshSession;
} // namespace aio

namespace aio::ui {

class HostKeyPrompt;
class SecretPrompt;

// Opens the SSH sessions the app's windows use (the deployment wizard, "Check connection"): an
// SshSession for a VM target,
// logging in with the target's settings. Secrets come from what the admin typed earlier in this
// window, the keychain, or a SecretPromptDialog (kept in the keychain when the admin says so);
// unknown host keys are put to the admin in a HostKeyDialog. Questions are asked from the
// session's worker thread and answered on the GUI thread, never blocking it.
//
// Made on the GUI thread (it owns the prompts, children of dialogParent); create() may then be
// called from any thread (the firewall step opens its second connection on the runner's worker).
class SshHostFactory : public QObject
{
    Q_OBJECT
public:
    // secrets may be null (no keychain); dialogParent is where the dialogs open.
    SshHostFactory(SecretStore* secrets, QWidget* dialogParent);
    ~SshHostFactory() override;

    Result<std::shared_ptr<RemoteHost>> create(const Target& target);
    Result<std::shared_ptr<SshSession>> createSession(const Target& target);

    // The callbacks create() gives a session of this target (for tests).
    SshCallbacks callbacksFor(const Target& target);

private:
    QPointer<SecretStore> m_secrets;
    SecretPrompt* m_secretPrompt = nullptr;
    HostKeyPrompt* m_hostKeyPrompt = nullptr;
    std::mutex m_mutex;
    QHash<QUuid, SecretProvider> m_providers; // one per target: what was typed is asked once
};

} // namespace aio::ui
