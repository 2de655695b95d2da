#include "ui/tunnels/TunnelRegistry.h"

#include "core/common/Profile.h"
#include "core/ssh/SshSession.h"
#include "core/tunnel/TunnelSetup.h"
#include "ui/ssh/SshHostFactory.h"
#include "ui/widgets/Background.h"

#include "core/inventory/Inventory.h"

#include <QApplication>
#include <QLoggingCategory>
#include <QThreadPool>

namespace aio::ui {

namespace {

Q_LOGGING_CATEGORY(lcTunnelsUi, "aio.ui.tunnels")

QPointer<TunnelRegistry>& theRegistry()
{
    static QPointer<TunnelRegistry> registry;
    return registry;
}

// The settings file is written in order, one write at a time, off the GUI thread.
QThreadPool* settingsWriter()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(1);
        return p;
    }();
    return pool;
}

} // namespace

TunnelRegistry* TunnelRegistry::instance(SecretStore* secrets)
{
    if (!theRegistry())
        theRegistry() = new TunnelRegistry(secrets, QCoreApplication::instance());
    return theRegistry();
}

void TunnelRegistry::shutdown()
{
    // A "Start with the app" ticked just before quitting is still written (a short, bounded wait).
    settingsWriter()->waitForDone(2000);
    if (TunnelRegistry* r = theRegistry()) {
        const QList<QUuid> ids = r->m_tunnels.keys();
        for (const QUuid& id : ids)
            r->stop(id);
        delete r;
    }
}

bool TunnelRegistry::startsWithApp(const QUuid& targetId) const
{
    return m_settings.value(targetId).autostart;
}

Status TunnelRegistry::setStartsWithApp(const QUuid& targetId, bool on, quint16 localPort)
{
    if (m_settingsError)
        return *m_settingsError;
    TunnelSettings::Entry e;
    e.target = targetId;
    e.autostart = on;
    e.localPort = localPort;
    if (on)
        m_settings.insert(targetId, e);
    else
        m_settings.remove(targetId);
    saveSettings();
    emit settingsChanged();
    return {};
}

void TunnelRegistry::saveSettings()
{
    QList<TunnelSettings::Entry> entries = m_settings.values();
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.target.toString() < b.target.toString(); });
    const QString path = m_settingsPath;
    settingsWriter()->start([path, entries] {
        if (Status s = TunnelSettings::write(path, entries); !s)
            qCWarning(lcTunnelsUi).noquote() << s.error().toString();
    });
}

void TunnelRegistry::loadSettings(const QString& path, std::function<void()> then)
{
    m_settingsPath = path;
    runInBackground(
        this, [path] { return TunnelSettings::read(path); },
        [this, then = std::move(then)](const Result<QList<TunnelSettings::Entry>>& read) {
            m_settingsLoaded = true;
            if (!read) {
                m_settingsError = read.error();
                qCWarning(lcTunnelsUi).noquote() << read.error().toString();
            } else {
                for (const TunnelSettings::Entry& e : *read)
                    m_settings.insert(e.target, e);
            }
            emit settingsChanged();
            then();
        });
}

void TunnelRegistry::startMarked(const Inventory& inventory, const QString& settingsPath)
{
    QList<Target> targets = inventory.targets(TargetKind::Vm);
    loadSettings(settingsPath, [this, targets] {
        for (const Target& t : targets) {
            const TunnelSettings::Entry e = m_settings.value(t.id);
            if (!e.autostart)
                continue;
            start(t, e.localPort, 8080, [this, id = t.id, name = t.name](Result<Tunnel*> started) {
                if (!started) {
                    m_startErrors.insert(id, started.error().toString());
                    qCWarning(lcTunnelsUi).noquote()
                        << "tunnel to" << name << "did not start:" << started.error().toString();
                    emit tunnelsChanged(id);
                }
            });
        }
    });
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
    m_waiting[target.id].append(std::move(done)); // told when the start in progress ends
    if (m_starting.contains(target.id))
        return; // told with the start in progress
    const int generation = ++m_nextGeneration;
    m_starting.insert(target.id, generation);
    SecretStore* store = m_secrets;
    const QString data = Profile::dataDir();
    runInBackground(
        this, [data, target, store] { return TunnelSetup::credentialsFor(data, target, store); },
        [this, target, localPort, sandboxPort, generation](const Result<TunnelSetup::Found>& found) {
            if (m_starting.value(target.id) != generation) // stopped meanwhile
                return;
            m_starting.remove(target.id);
            // Everyone who asked while this start ran is told.
            const auto tell = [this, id = target.id](Result<Tunnel*> result) {
                const QList<std::function<void(Result<Tunnel*>)>> waiting = m_waiting.take(id);
                for (const auto& w : waiting)
                    w(result);
            };
            m_startErrors.remove(target.id);
            if (!found) {
                tell(found.error().onTarget(target.name));
                return;
            }
            Result<std::shared_ptr<SshSession>> session = m_factory->createSession(target);
            if (!session) {
                tell(session.error().onTarget(target.name));
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
                tell(s.error().onTarget(target.name));
                return;
            }
            m_tunnels.insert(target.id, t);
            emit tunnelsChanged(target.id);
            tell(t);
        });
}

void TunnelRegistry::stop(const QUuid& targetId)
{
    m_starting.remove(targetId);
    const QList<std::function<void(Result<Tunnel*>)>> waiting = m_waiting.take(targetId);
    for (const auto& w : waiting)
        w(Error(ErrorKind::Cancelled, tr("The tunnel was stopped before it started.")));
    if (Tunnel* t = m_tunnels.take(targetId)) {
        t->stop();
        t->deleteLater(); // its session ends its connections on its own thread
        emit tunnelsChanged(targetId);
    }
}

} // namespace aio::ui
