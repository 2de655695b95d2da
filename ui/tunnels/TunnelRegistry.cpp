#include "ui/tunnels/TunnelRegistry.h"

#include "core/common/Profile.h"
#include "core/ssh/SshSession.h"
#include "core/tunnel/TunnelSetup.h"
#include "ui/ssh/SshHostFactory.h"
#include "ui/widgets/Background.h"

#include <QApplication>

namespace aio::ui {

TunnelRegistry* TunnelRegistry::instance(SecretStore* secrets)
{
    static QPointer<TunnelRegistry> registry;
    if (!registry)
        registry = new TunnelRegistry(secrets, QCoreApplication::instance());
    return registry;
}

TunnelRegistry::TunnelRegistry(SecretStore* secrets, QObject* parent)
    : QObject(parent)
    , m_secrets(secrets)
    , m_factory(new SshHostFactory(secrets, nullptr))
{
    m_factory->setParent(this);
}

Tunnel* TunnelRegistry::tunnel(const QUuid& targetId) const
{
    return m_tunnels.value(targetId);
}

void TunnelRegistry::start(const Target& target, quint16 localPort, quint16 sandboxPort,
                           std::function<void(Result<Tunnel*>)> done)
{
    if (Tunnel* running = m_tunnels.value(target.id)) {
        done(running);
        return;
    }
    const int generation = ++m_nextGeneration;
    m_starting.insert(target.id, generation);
    SecretStore* store = m_secrets;
    const QString data = Profile::dataDir();
    runInBackground(
        this, [data, target, store] { return TunnelSetup::credentialsFor(data, target, store); },
        [this, target, localPort, sandboxPort, generation,
         done = std::move(done)](const Result<TunnelSetup::Found>& found) {
            if (m_starting.value(target.id) != generation) // stopped meanwhile
                return;
            m_starting.remove(target.id);
            if (!found) {
                done(found.error().onTarget(target.name));
                return;
            }
            Result<std::shared_ptr<SshSession>> session = m_factory->createSession(target);
            if (!session) {
                done(session.error().onTarget(target.name));
                return;
            }
            Tunnel::Options o;
            o.targetName = target.name;
            o.localPort = localPort;
            o.remotePort = sandboxPort;
            o.credentials = found->credentials;
            auto* t = new Tunnel(*session, o, this);
            t->setProperty("credentialsNote", found->note);
            if (Status s = t->start(); !s) {
                delete t;
                done(s.error().onTarget(target.name));
                return;
            }
            m_tunnels.insert(target.id, t);
            emit tunnelsChanged(target.id);
            done(t);
        });
}

void TunnelRegistry::stop(const QUuid& targetId)
{
    m_starting.remove(targetId);
    if (Tunnel* t = m_tunnels.take(targetId)) {
        t->stop();
        t->deleteLater(); // its session ends its connections on its own thread
        emit tunnelsChanged(targetId);
    }
}

} // namespace aio::ui
