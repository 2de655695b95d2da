#pragma once

#include "core/inventory/Target.h"

#include <QPointer>
#include <QUrl>
#include <QWidget>

#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;

namespace aio {
class SecretStore;
class Tunnel;
} // namespace aio

namespace aio::ui {

class MessageBanner;
class TunnelRegistry;

// The "Tunnel" tab of a VM target: the target's tunnel (TunnelRegistry) with its true state,
// traffic and credentials; Open buttons for VNC, code-server, the terminal, Jupyter and the API
// docs, which start the tunnel when it is not running and open the system browser at a one-time
// link as soon as the tunnel has reached the VM; Copy link for another browser.
class TunnelPage : public QWidget
{
    Q_OBJECT

public:
    TunnelPage(const Target& target, SecretStore* secrets, QWidget* parent = nullptr);

    void setTarget(const Target& target);
    // How links are opened (default: QDesktopServices::openUrl); tests record them instead.
    void setUrlOpener(std::function<void(const QUrl&)> opener) { m_openUrl = std::move(opener); }
    // The sandbox's port on the VM's 127.0.0.1 (8080, where the deployment publishes it).
    void setSandboxPort(quint16 port) { m_sandboxPort = port; }

private:
    void buildUi();
    void attach(Tunnel* tunnel);
    void refresh();
    void startTunnel(std::function<void(Tunnel*)> then = {});
    void openService(const QString& name, bool copyOnly);
    void whenReached(Tunnel* tunnel, std::function<void()> then);

    Target m_target;
    TunnelRegistry* m_registry = nullptr;
    QPointer<Tunnel> m_tunnel;
    std::function<void(const QUrl&)> m_openUrl;

    MessageBanner* m_banner = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_route = nullptr;
    QLabel* m_traffic = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_stop = nullptr;
    QLineEdit* m_port = nullptr;
    QCheckBox* m_withApp = nullptr;
    QList<QPushButton*> m_openButtons;
    QToolButton* m_copy = nullptr;
    bool m_starting = false;
    bool m_updating = false; // refresh() sets the check box: not a click
    quint16 m_sandboxPort = 8080;
};

} // namespace aio::ui
