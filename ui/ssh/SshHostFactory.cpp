#include "ui/ssh/SshHostFactory.h"

#include "core/inventory/SecretStore.h"
#include "core/ssh/SecretLookup.h"
#include "core/ssh/SshSession.h"
#include "ui/ssh/HostKeyPrompt.h"
#include "ui/ssh/SecretPromptDialog.h"

#include <QWidget>

namespace aio::ui {

SshHostFactory::SshHostFactory(SecretStore* secrets, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_secrets(secrets)
    , m_secretPrompt(new SecretPrompt(dialogParent))
    , m_hostKeyPrompt(new HostKeyPrompt(dialogParent))
{ }

SshHostFactory::~SshHostFactory() = default;

SshCallbacks SshHostFactory::callbacksFor(const Target& target)
{
    SshCallbacks callbacks;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_providers.find(target.id);
        if (it == m_providers.end())
            it = m_providers.insert(target.id, makeSecretProvider(target.id, m_secrets, m_secretPrompt->asker()));
        callbacks.secrets = *it;
    }
    callbacks.hostKeyDecider = m_hostKeyPrompt->decider(target.name);
    return callbacks;
}

Result<std::shared_ptr<RemoteHost>> SshHostFactory::create(const Target& target)
{
    Result<std::shared_ptr<SshSession>> session = createSession(target);
    if (!session)
        return session.error();
    return std::shared_ptr<RemoteHost>(*session);
}

Result<std::shared_ptr<SshSession>> SshHostFactory::createSession(const Target& target)
{
    if (!target.isVm())
        return Error(ErrorKind::Usage, tr("Only a VM target is reached over SSH."));
    return std::make_shared<SshSession>(SshSettings::forTarget(target), callbacksFor(target));
}

} // namespace aio::ui
