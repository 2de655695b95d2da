#pragma once

#include "core/inventory/Target.h"
#include "core/tunnel/Tunnel.h"
#include "core/tunnel/TunnelSettings.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include <functional>

namespace aio {
class Inventory;
class SecretStore;
} // namespace aio

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
    // Stops every tunnel and deletes the registry (the app is quitting): their SSH sessions end
    // on their own threads.
    static void shutdown();

    // "Start with the app": read from TunnelSettings once (in the background); until then false.
    bool startsWithApp(const QUuid& targetId) const;
    bool settingsLoaded() const { return m_settingsLoaded; }
    // Saved in the background. An error when the settings file could not be read at start (it is
    // then left as it is).
    Status setStartsWithApp(const QUuid& targetId, bool on, quint16 localPort);
    // Reads the settings and starts the tunnels marked to start with the app whose targets are in
    // `inventory` (the app calls it once the inventory is loaded). The settings file may be set
    // for tests.
    void startMarked(const Inventory& inventory, const QString& settingsPath = TunnelSettings::defaultPath());
    // Why the last start of a target's tunnel failed (a start with the app shows it in the tab).
    QString lastStartError(const QUuid& targetId) const { return m_startErrors.value(targetId); }

signals:
    // A tunnel was started or stopped.
    void tunnelsChanged(const QUuid& targetId);
    void settingsChanged();

private:
    TunnelRegistry(SecretStore* secrets, QObject* parent);

    QPointer<SecretStore> m_secrets;
    SshHostFactory* m_factory = nullptr;
    QHash<QUuid, Tunnel*> m_tunnels;
    void loadSettings(const QString& path, std::function<void()> then);
    void saveSettings();

    QHash<QUuid, TunnelSettings::Entry> m_settings;
    QString m_settingsPath = TunnelSettings::defaultPath();
    bool m_settingsLoaded = false;
    std::optional<Error> m_settingsError;
    QHash<QUuid, QString> m_startErrors;
    QHash<QUuid, QList<std::function<void(Result<Tunnel*>)>>> m_waiting; // callers of a start in progress
    QHash<QUuid, int> m_starting; // targets whose start is in progress, and which start
    int m_nextGeneration = 0;
};

} // namespace aio::ui
