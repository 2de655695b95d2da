#include "ui/targets/ConnectionCheckBar.h"

#include "core/ssh/SshSession.h"
#include "ui/ssh/SshHostFactory.h"
#include "ui/widgets/Background.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include <tuple>

namespace aio::ui {

ConnectionCheckBar::ConnectionCheckBar(SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_factory(new SshHostFactory(secrets, this))
    , m_status(new QLabel(this))
    , m_button(new QPushButton(tr("Check connection"), this))
{
    setObjectName(QStringLiteral("connectionCheck"));
    m_status->setObjectName(QStringLiteral("connectionStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_status->setMinimumWidth(360);
    m_button->setObjectName(QStringLiteral("connectionCheckButton"));
    m_button->setAccessibleName(tr("Check the SSH connection to this target"));
    m_status->setAccessibleName(tr("Connection status"));
    m_button->setToolTip(tr("Log in over SSH and read who you are there, the system, and whether sudo works. "
                            "Changes nothing on the host."));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status, 1);
    layout->addWidget(m_button);
    connect(m_button, &QPushButton::clicked, this, [this] {
        if (m_cancel)
            m_cancel->cancel();
        else
            startCheck();
    });
}

ConnectionCheckBar::~ConnectionCheckBar()
{
    if (m_cancel)
        m_cancel->cancel(); // the worker ends soon; its result is dropped
}

void ConnectionCheckBar::setTarget(const Target& target)
{
    // Only what the connection depends on; the public host, say, does not end a running check.
    auto route = [](const VmSettings& vm) {
        return std::tuple(vm.host.toString(), vm.port.value(), vm.user, int(vm.auth), vm.keyPath,
                          vm.jumpHost.toString(), vm.sudo, vm.knownHostsFiles);
    };
    const bool changed = target.id != m_target.id || route(target.vm) != route(m_target.vm);
    m_target = target;
    if (!changed)
        return;
    ++m_generation;
    if (m_cancel) {
        m_cancel->cancel();
        m_cancel.reset();
    }
    m_status->clear();
    m_status->setToolTip({});
    m_button->setText(tr("Check connection"));
}

void ConnectionCheckBar::startCheck()
{
    if (m_cancel || !m_target.isVm())
        return;
    Result<std::shared_ptr<SshSession>> session = m_factory->createSession(m_target);
    if (!session) {
        showResult(session.error());
        return;
    }
    m_cancel = std::make_shared<CancelToken>();
    m_button->setText(tr("Cancel"));
    m_status->setText(tr("Connecting to %1…").arg(m_target.vm.host.toString()));
    m_status->setToolTip({});
    const int generation = ++m_generation;
    runInBackground(
        this,
        [ssh = *session, cancel = m_cancel]() -> Result<ConnectionReport> {
            Result<ConnectionReport> report = ConnectionCheck::run(*ssh, *cancel);
            ssh->disconnectFromHost();
            return report;
        },
        [this, generation](Result<ConnectionReport> result) {
            if (generation != m_generation)
                return;
            m_cancel.reset();
            m_button->setText(tr("Check connection"));
            showResult(result);
        });
}

void ConnectionCheckBar::showResult(const Result<ConnectionReport>& result)
{
    if (result) {
        const ConnectionReport& r = *result;
        m_status->setText(tr("✓ Connected as %1 · %2\n%3 · %4 ms").arg(r.user, r.os, r.sudoText()).arg(r.roundTripMs));
        m_status->setToolTip(r.lines().join(QLatin1Char('\n')));
        m_status->setAccessibleDescription(QStringLiteral("ok"));
    } else {
        const Error& e = result.error();
        m_status->setText(QStringLiteral("✗ ") + e.message);
        QStringList tip;
        if (!e.detail.isEmpty())
            tip << e.detail;
        if (!e.nextStep.isEmpty())
            tip << e.nextStep;
        m_status->setToolTip(tip.join(QLatin1Char('\n')));
        m_status->setAccessibleDescription(QStringLiteral("failed"));
    }
    emit checkFinished(static_cast<bool>(result));
}

} // namespace aio::ui
