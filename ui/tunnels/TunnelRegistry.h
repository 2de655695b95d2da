#pragma once

#include "core/inventory/Target.h"
#include "core/tunnel/Tunnel.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include <functional>

namespace aio {
class SecretStore;
}

namespace aio::ui {

class SshHostFactory;

// The app's tunnels, one per VM target at most, kept for as long as the app runs: a tunnel
// outlives the tab that started it (switching targets closes the tab, not the tunnel). Lives on
// the GUI thread; starting reads the target's credentials off it (TunnelSetup) and logs in on
// the tunnel's own SSH session, with the app's usual prompts for secrets and host keys.
class TunnelRegistry : public QObject
{
    Q_OBJECT

public:
    // The process's registry (made on first use, a child of the application object).
    static TunnelRegistry* instance(SecretStore* secrets);

    Tunnel* tunnel(const QUuid& targetId) const;
    // Starts the target's tunnel on `localPort` (0: any free one) to the sandbox on `sandboxPort`
    // of the VM's 127.0.0.1; `done` gets the tunnel or why
    // not, on the GUI thread. A tunnel already running is handed back as it is.
    void start(const Target& target, quint16 localPort, quint16 sandboxPort, std::function<void(Result<Tunnel*>)> done);
    void stop(const QUuid& targetId);

signals:
    // A tunnel was started or stopped.
    void tunnelsChanged(const QUuid& targetId);

private:
    TunnelRegistry(SecretStore* secrets, QObject* parent);

    QPointer<SecretStore> m_secrets;
    SshHostFactory* m_factory = nullptr;
    QHash<QUuid, Tunnel*> m_tunnels;
    QHash<QUuid, int> m_starting; // targets whose start is in progress, and which start
    int m_nextGeneration = 0;
};

} // namespace aio::ui
