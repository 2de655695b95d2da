// Takes the deployment wizard's screenshots for docs/ from the real app's main window:
// scripts/screenshot-wizard.sh runs it under Xvfb at 1280x800. With the testbed up
// (AIO_TESTBED_ENV, default /run/aio-testbed/testbed.env) the wizard talks SSH to its vm-ready
// host and the "finished" shot shows the preflight step's real checks after applying it (it
// changes nothing there: docker and nginx are installed). Without the testbed, the plan is
// previewed on this machine through LocalShellHost and no "finished" shot is taken, since there
// is nothing real to show.
//   wizard-screenshots OUTPUT_DIR

#include "common/LocalShellHost.h"
#include "common/TestbedEnv.h"
#include "common/WaitUntil.h"

#include "core/common/Profile.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/SshSession.h"
#include "ui/deploy/AnswersPage.h"
#include "ui/deploy/DeployCapability.h"
#include "ui/deploy/DeployWizard.h"
#include "ui/deploy/HistoryDialog.h"
#include "ui/deploy/SkipReasonDialog.h"
#include "ui/deploy/StepPage.h"
#include "ui/main/MainWindow.h"
#include "ui/targets/ConnectionCheckBar.h"
#include "ui/targets/TargetPage.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTreeWidget>

#include <cstdio>
#include <functional>

using namespace aio;
using namespace aio::ui;

namespace {

using aio::test::LocalShellHost;
using aio::test::waitUntil;

void settle(int ms)
{
    waitUntil([] { return false; }, ms);
}

bool save(QWidget* window, const QString& file)
{
    settle(400);
    const bool ok = window->grab().save(file);
    std::fprintf(ok ? stdout : stderr, "%s %s\n", ok ? "wrote" : "could not write", qPrintable(file));
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("AIO Sandbox Manager"));
    if (argc < 2) {
        std::fprintf(stderr, "usage: wizard-screenshots OUTPUT_DIR\n");
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[1]);
    QDir().mkpath(out);
    QTemporaryDir profile;
    QTemporaryDir hostRoot;
    Profile::setDirectory(profile.path());

    const QHash<QString, QString> tb = aio::test::readTestbedEnv();
    const bool testbed = tb.contains(QStringLiteral("AIO_TB_VM_READY_IP")) && tb.contains(QStringLiteral("AIO_TB_KEY"));
    std::fprintf(stdout, "%s\n",
                 testbed ? "using the testbed's vm-ready over SSH" : "no testbed: previewing on this machine");

    Inventory inventory;
    (void)inventory.load(Inventory::defaultFilePath());
    VmSettings vm;
    vm.host = HostName::parse(testbed ? tb.value(QStringLiteral("AIO_TB_VM_READY_IP")) : QStringLiteral("198.18.0.2"))
                  .value();
    vm.user = QStringLiteral("deploy");
    vm.auth = SshAuthMethod::KeyFile;
    vm.keyPath = testbed ? tb.value(QStringLiteral("AIO_TB_KEY")) : QStringLiteral("/home/ops/.ssh/id_ed25519");
    vm.sudo = true;
    vm.publicHost
        = HostName::parse(tb.value(QStringLiteral("AIO_TB_VM_READY_NAME"), QStringLiteral("sandbox-ready.test")))
              .value();
    Result<Target> added = inventory.add(Target::makeVm(QStringLiteral("prod-web"), vm));
    if (!added) {
        std::fprintf(stderr, "%s\n", qPrintable(added.error().toString()));
        return 1;
    }
    SecretStore secrets;
    registerDeployCapability();
    MainWindow window(&inventory, &secrets, Profile::configDir() + QStringLiteral("/window.ini"));
    window.setGeometry(0, 0, 1280, 800);
    window.show();
    window.selectTarget(added->id);
    TargetPage* page = window.currentTargetPage();
    auto* wizard = page ? page->findChild<DeployWizard*>(QStringLiteral("deployTab")) : nullptr;
    if (!wizard) {
        std::fprintf(stderr, "no Deploy tab\n");
        return 1;
    }
    page->tabs()->setCurrentWidget(wizard);

    const QString root = hostRoot.path();
    const QString knownHosts = tb.value(QStringLiteral("AIO_TB_KNOWN_HOSTS"));
    const QString appKnownHosts = profile.path() + QStringLiteral("/known_hosts");
    wizard->setHostFactory(
        [testbed, root, knownHosts, appKnownHosts](const Target& t) -> Result<std::shared_ptr<RemoteHost>> {
            if (!testbed)
                return std::shared_ptr<RemoteHost>(std::make_shared<LocalShellHost>(root, t.name));
            SshSettings s;
            s.targetName = t.name;
            s.host = t.vm.host;
            s.port = 22;
            s.user = t.vm.user;
            s.useAgent = false;
            s.identityFiles = {t.vm.keyPath};
            s.useDefaultIdentities = false;
            s.allowPassword = false;
            s.allowKeyboardInteractive = false;
            s.useSshConfig = false;
            s.userKnownHostsFiles = {knownHosts};
            s.appKnownHostsFile = appKnownHosts;
            s.hostKeyPolicy = HostKeyPolicy::Strict;
            return std::shared_ptr<RemoteHost>(std::make_shared<SshSession>(s));
        });
    if (!waitUntil([&] { return wizard->findChild<QPushButton*>(QStringLiteral("wizardNext"))->isEnabled(); },
                   10'000)) {
        std::fprintf(stderr, "the wizard did not load\n");
        return 1;
    }

    // 1. The answers, as an admin would fill them in.
    AnswersPage* answers = wizard->answersPage();
    answers->findChild<QLineEdit*>(QStringLiteral("publicHost"))->setText(vm.publicHost.toString());
    auto* tls = answers->findChild<QComboBox*>(QStringLiteral("tlsMode"));
    tls->setCurrentIndex(tls->findData(int(VmDeployAnswers::TlsMode::Acme)));
    answers->findChild<QLineEdit*>(QStringLiteral("acmeEmail"))->setText(QStringLiteral("ops@example.com"));
    answers->findChild<QCheckBox*>(QStringLiteral("acmeAgreeTos"))->setChecked(true);
    if (testbed && tb.contains(QStringLiteral("AIO_TB_ACME_DIRECTORY")))
        answers->findChild<QLineEdit*>(QStringLiteral("acmeDirectory"))
            ->setText(tb.value(QStringLiteral("AIO_TB_ACME_DIRECTORY")));
    answers->findChild<QLineEdit*>(QStringLiteral("edgeAllowlist"))->setText(QStringLiteral("198.18.0.0/15"));
    answers->findChild<QCheckBox*>(QStringLiteral("sandboxJwt"))->setChecked(true);
    auto* firewall = answers->findChild<QComboBox*>(QStringLiteral("firewallTool"));
    firewall->setCurrentIndex(firewall->findData(int(VmDeployAnswers::FirewallTool::Nftables)));
    answers->findChild<QLineEdit*>(QStringLiteral("adminSshCidrs"))->setText(QStringLiteral("198.18.0.1/32"));
    bool ok = save(&window, out + QStringLiteral("/wizard-answers.png"));

    // 2. Every step previewed; the nginx step's page with its diff.
    QSignalSpy ready(wizard, &DeployWizard::planReady);
    QSignalSpy finished(wizard, &DeployWizard::jobFinished);
    wizard->continueFromAnswers();
    if (!waitUntil([&] { return finished.count() >= 1; }, 240'000)) {
        std::fprintf(stderr, "the previews did not finish\n");
        return 1;
    }
    const int nginx = wizard->runner()->plan().indexOf(QStringLiteral("nginx"));
    wizard->showPage(1 + nginx);
    ok = save(&window, out + QStringLiteral("/wizard-preview.png")) && ok;

    // 3. A step applied and verified, with its checks (only when there is a real host to show).
    if (testbed) {
        const int preflight = wizard->runner()->plan().indexOf(QStringLiteral("preflight"));
        wizard->showPage(1 + preflight);
        wizard->stepPage(preflight)->findChild<QPushButton*>(QStringLiteral("stepApply"))->click();
        if (!waitUntil([&] { return finished.count() >= 2; }, 240'000)) {
            std::fprintf(stderr, "applying preflight did not finish\n");
            return 1;
        }
        ok = save(&window, out + QStringLiteral("/wizard-finished.png")) && ok;

        // 4. The history, as the admin reads it (a skip with its reason changes nothing on the VM).
        const int firewallStep = wizard->runner()->plan().indexOf(QStringLiteral("firewall"));
        SkipReasonDialog::setNextReason(QStringLiteral("The cloud security group is managed by Terraform."));
        wizard->stepPage(firewallStep)->findChild<QPushButton*>(QStringLiteral("stepSkip"))->click();
        waitUntil([&] { return wizard->runner()->record(firewallStep).outcome == StepOutcome::Skipped; }, 10'000);
        wizard->findChild<QPushButton*>(QStringLiteral("wizardHistory"))->click();
        auto* history = wizard->findChild<HistoryDialog*>(QStringLiteral("historyDialog"));
        if (!history
            || !waitUntil([&] { return history->findChild<QTreeWidget*>()->topLevelItemCount() > 0; }, 20'000)) {
            std::fprintf(stderr, "the history did not load\n");
            return 1;
        }
        history->resize(1000, 620);
        ok = save(history, out + QStringLiteral("/wizard-history.png")) && ok;
        history->close();

        // 5. "Check connection" on the target's page, with the testbed's host keys trusted.
        QDir().mkpath(Profile::dataDir());
        QFile::copy(knownHosts, Profile::dataDir() + QStringLiteral("/known_hosts"));
        page->tabs()->setCurrentIndex(0);
        auto* check = page->connectionCheck();
        QSignalSpy checked(check, &ConnectionCheckBar::checkFinished);
        check->startCheck();
        if (!waitUntil([&] { return checked.count() > 0; }, 30'000)) {
            std::fprintf(stderr, "the connection check did not finish\n");
            return 1;
        }
        ok = save(&window, out + QStringLiteral("/main-window-connected.png")) && ok;
    }
    window.close();
    return ok ? 0 : 1;
}
