#include "ui/deploy/SshHostFactory.h"

#include "core/inventory/Profile.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/SshSession.h"
#include "ui/widgets/MessageBox.h"

#include <QCoreApplication>
#include <QPointer>
#include <QWidget>

#include <chrono>
#include <future>

namespace aio::ui {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("aio::ui::SshHostFactory", text);
}

// The admin has this long to answer a host-key question before the connection is refused.
constexpr auto kQuestionTimeout = std::chrono::minutes(10);
} // namespace

Result<std::shared_ptr<RemoteHost>> SshHostFactory::create(const Target& target, SecretStore* secrets,
                                                           QWidget* dialogParent)
{
    if (!target.isVm())
        return Error(ErrorKind::Usage, tr("Only a VM target can be deployed to over SSH."));
    SshSettings settings = SshSettings::forTarget(target);
    settings.appKnownHostsFile = Profile::dataDir() + QStringLiteral("/known_hosts");

    SshCallbacks callbacks;
    const QUuid id = target.id;
    QPointer<SecretStore> store(secrets);
    // Called on the session's worker thread: the blocking keychain read is meant for that.
    callbacks.secrets = [store, id](const SecretRequest& request) -> std::optional<QString> {
        if (!store || request.attempt > 1)
            return std::nullopt; // a wrong stored secret is not tried again
        SecretKind kind = SecretKind::Password;
        switch (request.kind) {
        case SecretRequest::Kind::LoginPassword:
        case SecretRequest::Kind::KeyboardInteractive:
            kind = SecretKind::Password;
            break;
        case SecretRequest::Kind::KeyPassphrase:
            kind = SecretKind::KeyPassphrase;
            break;
        case SecretRequest::Kind::SudoPassword:
            kind = SecretKind::SudoPassword;
            break;
        }
        Result<QString> secret = store->readBlocking(id, kind);
        if (!secret)
            return std::nullopt;
        return *secret;
    };
    QPointer<QWidget> parent(dialogParent);
    callbacks.hostKeyDecider = [parent](const HostKeyCheck& check) -> HostKeyDecision {
        auto promise = std::make_shared<std::promise<HostKeyDecision>>();
        std::future<HostKeyDecision> answer = promise->get_future();
        const QString host = check.hostForDisplay();
        const QString fingerprint = check.fingerprint();
        const QString type = check.key.type;
        QMetaObject::invokeMethod(
            qApp,
            [parent, promise, host, fingerprint, type] {
                if (!parent) {
                    promise->set_value(HostKeyDecision::Reject);
                    return;
                }
                MessageBox::ask(parent, QMessageBox::Warning, tr("Unknown host key"),
                                tr("This app has never connected to %1. Is this its host key?").arg(host),
                                tr("%1 key fingerprint:\n%2\n\nCompare it with the fingerprint your cloud console "
                                   "or the VM shows (ssh-keygen -lf /etc/ssh/ssh_host_%3_key.pub). Trust it only "
                                   "when they match.")
                                    .arg(type, fingerprint, type.section(QLatin1Char('-'), 1, 1)),
                                QMessageBox::Yes | QMessageBox::No, QMessageBox::No,
                                [promise](QMessageBox::StandardButton button) {
                                    promise->set_value(button == QMessageBox::Yes ? HostKeyDecision::TrustAndRemember
                                                                                  : HostKeyDecision::Reject);
                                });
            },
            Qt::QueuedConnection);
        if (answer.wait_for(kQuestionTimeout) != std::future_status::ready)
            return HostKeyDecision::Reject;
        return answer.get();
    };
    auto session = std::make_shared<SshSession>(settings, callbacks);
    return std::shared_ptr<RemoteHost>(session);
}

} // namespace aio::ui
