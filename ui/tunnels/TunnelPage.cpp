#include "ui/tunnels/TunnelPage.h"

#include "core/tunnel/LaunchPage.h"
#include "core/tunnel/Tunnel.h"
#include "core/tunnel/TunnelSetup.h"
#include "ui/tunnels/TunnelRegistry.h"
#include "ui/widgets/Background.h"
#include "ui/widgets/MessageBanner.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDesktopServices>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace aio::ui {

namespace {

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace

TunnelPage::TunnelPage(const Target& target, SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_target(target)
    , m_registry(TunnelRegistry::instance(secrets))
    , m_openUrl([](const QUrl& url) { QDesktopServices::openUrl(url); })
{
    setObjectName(QStringLiteral("tunnelPage"));
    buildUi();
    connect(m_registry, &TunnelRegistry::settingsChanged, this, &TunnelPage::refresh);
    connect(m_registry, &TunnelRegistry::tunnelsChanged, this, [this](const QUuid& id) {
        if (id == m_target.id)
            attach(m_registry->tunnel(id));
    });
    attach(m_registry->tunnel(target.id));
}

void TunnelPage::setTarget(const Target& target)
{
    const bool other = target.id != m_target.id;
    m_target = target;
    if (other)
        attach(m_registry->tunnel(target.id));
    refresh();
}

void TunnelPage::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    m_banner = new MessageBanner(this);
    m_banner->hide();
    layout->addWidget(m_banner);

    auto* intro = new QLabel(
        tr("Reach the sandbox's pages through SSH: port 8080 stays closed to the world, and the app adds the "
           "sandbox's credentials to every request. Each Open gives the browser a link that works once."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("tunnelState"));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("State:"), m_state);
    m_route = new QLabel(this);
    m_route->setObjectName(QStringLiteral("tunnelRoute"));
    m_route->setWordWrap(true);
    m_route->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Route:"), m_route);
    m_traffic = new QLabel(this);
    m_traffic->setObjectName(QStringLiteral("tunnelTraffic"));
    form->addRow(tr("Traffic:"), m_traffic);
    layout->addLayout(form);

    auto* controls = new QHBoxLayout;
    m_start = new QPushButton(tr("Start tunnel"), this);
    m_start->setObjectName(QStringLiteral("tunnelStart"));
    connect(m_start, &QPushButton::clicked, this, [this] { startTunnel(); });
    controls->addWidget(m_start);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("tunnelStop"));
    connect(m_stop, &QPushButton::clicked, this, [this] { m_registry->stop(m_target.id); });
    controls->addWidget(m_stop);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Local port:"), this));
    m_port = new QLineEdit(this);
    m_port->setObjectName(QStringLiteral("tunnelPort"));
    m_port->setPlaceholderText(tr("any free"));
    m_port->setValidator(new QIntValidator(1, 65535, m_port));
    m_port->setMaximumWidth(90);
    m_port->setToolTip(tr("The port on 127.0.0.1 of this workstation; empty for any free port"));
    controls->addWidget(m_port);
    controls->addSpacing(12);
    m_withApp = new QCheckBox(tr("Start with the app"), this);
    m_withApp->setObjectName(QStringLiteral("tunnelWithApp"));
    m_withApp->setToolTip(tr("Start this tunnel whenever AIO Sandbox Manager starts, on the local port above"));
    connect(m_withApp, &QCheckBox::toggled, this, [this](bool on) {
        if (m_updating)
            return;
        const quint16 port = m_tunnel ? m_tunnel->port() : quint16(m_port->text().toUInt());
        if (Status s = m_registry->setStartsWithApp(m_target.id, on, m_port->text().isEmpty() && !m_tunnel ? 0 : port);
            !s) {
            m_banner->showMessage(MessageBanner::Level::Error, tr("Not saved"), s.error().toString());
            refresh(); // the box shows what is kept, not the click
        }
    });
    controls->addWidget(m_withApp);
    controls->addStretch(1);
    layout->addLayout(controls);

    auto* open = new QHBoxLayout;
    open->addWidget(new QLabel(tr("Open:"), this));
    auto* copyMenu = new QMenu(this);
    for (const SandboxService& s : SandboxService::all()) {
        if (s.name == QLatin1String("home"))
            continue;
        auto* b = new QPushButton(s.title, this);
        b->setObjectName(QStringLiteral("tunnelOpen-") + s.name);
        b->setToolTip(tr("Opens %1 in the browser through the tunnel (starting it if needed)").arg(s.path));
        connect(b, &QPushButton::clicked, this, [this, name = s.name] { openService(name, false); });
        open->addWidget(b);
        m_openButtons << b;
        copyMenu->addAction(s.title, this, [this, name = s.name] { openService(name, true); });
    }
    m_copy = new QToolButton(this);
    m_copy->setObjectName(QStringLiteral("tunnelCopy"));
    m_copy->setText(tr("Copy link"));
    m_copy->setToolTip(tr("A one-time link for another browser on this workstation"));
    m_copy->setPopupMode(QToolButton::InstantPopup);
    m_copy->setMenu(copyMenu);
    open->addWidget(m_copy);
    open->addStretch(1);
    layout->addLayout(open);
    layout->addStretch(1);
    refresh();
}

void TunnelPage::attach(Tunnel* tunnel)
{
    if (m_tunnel)
        disconnect(m_tunnel, nullptr, this, nullptr);
    m_tunnel = tunnel;
    if (m_tunnel)
        connect(m_tunnel, &Tunnel::statusChanged, this, &TunnelPage::refresh);
    refresh();
}

void TunnelPage::refresh()
{
    const bool running = m_tunnel;
    m_updating = true;
    m_withApp->setEnabled(m_registry->settingsLoaded() && m_target.isVm());
    m_withApp->setChecked(m_registry->startsWithApp(m_target.id));
    m_updating = false;
    m_start->setEnabled(!running && !m_starting && m_target.isVm());
    m_stop->setEnabled(running);
    m_port->setEnabled(!running && !m_starting);
    if (!running) {
        const QString failed = m_registry->lastStartError(m_target.id);
        m_state->setText(m_starting             ? tr("starting…")
                             : failed.isEmpty() ? tr("not running")
                                                : tr("not running: the start with the app failed: %1").arg(failed));
        m_route->setText(tr("127.0.0.1:%1 → 127.0.0.1:%2 on %3 over SSH")
                             .arg(m_port->text().isEmpty() ? tr("(any free port)") : m_port->text())
                             .arg(m_sandboxPort)
                             .arg(m_target.name));
        m_traffic->setText(QStringLiteral("–"));
        return;
    }
    const Tunnel::Snapshot s = m_tunnel->snapshot();
    QString state = Tunnel::describe(s);
    if (s.since.isValid())
        state += tr(" (since %1)").arg(QLocale().toString(s.since.toLocalTime().time(), QLocale::ShortFormat));
    m_state->setText(state);
    QPalette pal = m_state->palette();
    const bool bad = s.state == Tunnel::State::Failed || s.state == Tunnel::State::Degraded
        || s.state == Tunnel::State::Reconnecting;
    pal.setColor(QPalette::WindowText, bad ? QColor(0xb0, 0x3a, 0x2e) : palette().color(QPalette::WindowText));
    m_state->setPalette(pal);
    const Tunnel::Options& o = m_tunnel->options();
    m_route->setText(tr("127.0.0.1:%1 → %2:%3 on %4 over SSH · credentials: %5")
                         .arg(m_tunnel->port())
                         .arg(o.remoteHost)
                         .arg(o.remotePort)
                         .arg(m_target.name, m_tunnel->property("credentialsNote").toString()));
    m_traffic->setText(tr("%1 to the browser · %2 to the sandbox · %3 open, %4 in all · %5 refused")
                           .arg(bytesText(s.bytesToBrowser), bytesText(s.bytesToSandbox))
                           .arg(s.activeConnections)
                           .arg(s.totalConnections)
                           .arg(s.refused));
}

void TunnelPage::startTunnel(std::function<void(Tunnel*)> then)
{
    if (m_tunnel) {
        if (then)
            then(m_tunnel);
        return;
    }
    m_starting = true;
    m_banner->hide();
    refresh();
    const quint16 port = quint16(m_port->text().toUInt());
    QPointer<TunnelPage> self(this);
    m_registry->start(m_target, port, m_sandboxPort, [self, then = std::move(then)](Result<Tunnel*> t) {
        if (!self)
            return;
        self->m_starting = false;
        if (!t) {
            self->m_banner->showMessage(MessageBanner::Level::Error, tr("The tunnel did not start"),
                                        t.error().toString());
            self->refresh();
            return;
        }
        self->attach(*t);
        if (then)
            then(*t);
    });
}

void TunnelPage::whenReached(Tunnel* tunnel, std::function<void()> then)
{
    // Open once the tunnel has reached the VM (or said why not): a browser sent earlier would
    // only meet the "reconnecting" page.
    if (tunnel->snapshot().state != Tunnel::State::Connecting) {
        then();
        return;
    }
    auto* once = new QObject(this);
    connect(tunnel, &Tunnel::statusChanged, once, [tunnel, once, then = std::move(then)] {
        if (tunnel->snapshot().state == Tunnel::State::Connecting)
            return;
        once->deleteLater();
        then();
    });
    connect(tunnel, &QObject::destroyed, once, &QObject::deleteLater);
}

void TunnelPage::openService(const QString& name, bool copyOnly)
{
    const std::optional<SandboxService> service = SandboxService::byName(name);
    if (!service)
        return;
    QPointer<TunnelPage> self(this);
    startTunnel([self, service, copyOnly](Tunnel* tunnel) {
        if (!self)
            return;
        QPointer<Tunnel> guarded(tunnel);
        self->whenReached(tunnel, [self, guarded, service, copyOnly] {
            if (!self || !guarded)
                return;
            Result<QUrl> link = guarded->link(service->path);
            if (!link) {
                self->m_banner->showMessage(MessageBanner::Level::Error, tr("No link"), link.error().toString());
                return;
            }
            if (copyOnly) {
                QGuiApplication::clipboard()->setText(link->toString(QUrl::FullyEncoded));
                self->m_banner->showMessage(
                    MessageBanner::Level::Information, tr("Link copied"),
                    tr("The link to %1 is on the clipboard; it opens one browser, once, within %n minute(s).", nullptr,
                       AuthProxy::kLinkMinutes)
                        .arg(service->title));
                return;
            }
            // The browser gets a start page that holds the link, never the link itself on a
            // command line other users can read (LaunchPage); written off the GUI thread.
            runInBackground(
                self.data(), [url = *link] { return LaunchPage::write(url); },
                [self](const Result<QUrl>& page) {
                    if (!page) {
                        self->m_banner->showMessage(MessageBanner::Level::Error, tr("The browser was not opened"),
                                                    page.error().toString());
                        return;
                    }
                    self->m_openUrl(*page);
                });
        });
    });
}

} // namespace aio::ui
