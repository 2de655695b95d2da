// The first deployment as a newcomer lives it, in the real app's main window on the demo profile
// (the testbed's VMs imported from its ssh_config, as `scripts/run.sh --demo` does), driven like a
// person: each click lands on the widget a person would click (found by objectName), each
// keystroke is typed, dialogs are the real ones. It counts the clicks and keystrokes from the
// opened window to a finished deployment on vm-ready with the answers page's proposals, and proves
// the result: every step done, the reach panel showing the URL, and the sandbox answering over
// HTTPS with the app's own CA only to a signed token.

#include "DeployTestbed.h"

#include "common/WaitUntil.h"

#include "core/common/Profile.h"
#include "core/crypto/JwtSigner.h"
#include "core/deploy/vm/VmDeploymentSetup.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/SecretStore.h"
#include "core/net/HttpsProbe.h"
#include "ui/deploy/DeployCapability.h"
#include "ui/deploy/DeployWizard.h"
#include "ui/main/MainWindow.h"
#include "ui/targets/TargetPage.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

using namespace aio;
using namespace aio::ui;
using aio::test::waitUntil;

class TestFirstDeploymentGui : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void fromTheDemoProfileToAWorkingSandboxInFewClicks();

private:
    // What the person does, counted.
    void click(QWidget* widget, QPoint at = {});
    void type(QWidget* widget, const QString& text);
    static QMessageBox* openQuestion();
    // With AIO_SCREENSHOT_DIR set (scripts/screenshot-wizard.sh), the documentation's pictures.
    static void screenshot(QWidget* widget, const QString& name);

    DeployTestbed m_tb;
    QTemporaryDir m_profile;
    int m_clicks = 0;
    int m_keys = 0;
};

void TestFirstDeploymentGui::initTestCase()
{
    QVERIFY2(m_tb.isUp(), "the testbed is not up (tests/testbed/up; the CTest fixture testbed.up does it)");
    QVERIFY2(QFile::exists(DeployTestbed::binary()), qPrintable(DeployTestbed::binary()));
    m_tb.resetVmReady();
    // A workstation without a keychain (never the developer's own: no session bus to be found).
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("XDG_RUNTIME_DIR", m_profile.filePath(QStringLiteral("run")).toLocal8Bit());
    // The demo profile: the testbed's VMs, imported the way scripts/run.sh --demo does.
    QProcess import;
    import.start(DeployTestbed::binary(),
                 {QStringLiteral("--profile"), m_profile.path(), QStringLiteral("targets"), QStringLiteral("import"),
                  QStringLiteral("ssh-config"), QStringLiteral("/run/aio-testbed/ssh_config")});
    QVERIFY(import.waitForFinished(60'000));
    QVERIFY2(import.exitCode() == 0, import.readAllStandardError().constData());
    Profile::setDirectory(m_profile.path());
}

void TestFirstDeploymentGui::cleanupTestCase()
{
    m_tb.resetVmReady();
}

void TestFirstDeploymentGui::click(QWidget* widget, QPoint at)
{
    QVERIFY(widget);
    QVERIFY2(widget->isVisible() && widget->isEnabled(), qPrintable(widget->objectName()));
    ++m_clicks;
    QTest::mouseClick(widget, Qt::LeftButton, Qt::NoModifier, at.isNull() ? widget->rect().center() : at);
}

void TestFirstDeploymentGui::type(QWidget* widget, const QString& text)
{
    QVERIFY(widget && widget->isVisible());
    m_keys += int(text.size());
    QTest::keyClicks(widget, text);
}

void TestFirstDeploymentGui::screenshot(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("AIO_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // let the last layout and paint happen
    const QString file = QDir(dir).filePath(name);
    QVERIFY2(widget->grab().save(file), qPrintable(file));
    std::printf("wrote %s\n", qPrintable(file));
}

QMessageBox* TestFirstDeploymentGui::openQuestion()
{
    const auto tops = QApplication::topLevelWidgets();
    for (QWidget* top : tops) {
        if (auto* box = qobject_cast<QMessageBox*>(top); box && box->isVisible())
            return box;
    }
    return nullptr;
}

void TestFirstDeploymentGui::fromTheDemoProfileToAWorkingSandboxInFewClicks()
{
    Inventory inventory;
    QVERIFY(inventory.load(Inventory::defaultFilePath()));
    SecretStore secrets;
    registerDeployCapability();
    MainWindow window(&inventory, &secrets, Profile::configDir() + QStringLiteral("/window.ini"));
    // As on first start on a 1920x1080 screen (1040 pixels without a panel).
    window.resize(MainWindow::firstStartSize(QSize(1920, 1040)));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // 1. Pick the VM in the sidebar.
    auto* tree = window.findChild<QTreeView*>(QStringLiteral("targetTree"));
    QVERIFY(tree);
    const QModelIndexList found
        = tree->model()->match(tree->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("vm-ready"), 1,
                               Qt::MatchExactly | Qt::MatchRecursive);
    QCOMPARE(found.size(), 1);
    tree->scrollTo(found.first());
    click(tree->viewport(), tree->visualRect(found.first()).center());
    TargetPage* page = nullptr;
    QVERIFY(waitUntil([&] { return (page = window.currentTargetPage()) != nullptr; }, 5000));

    // 2. Open its Deploy tab.
    auto* wizard = page->findChild<DeployWizard*>(QStringLiteral("deployTab"));
    QVERIFY(wizard);
    QTabBar* tabs = page->tabs()->tabBar();
    click(tabs, tabs->tabRect(page->tabs()->indexOf(wizard)).center());
    QVERIFY(waitUntil([&] { return wizard->isLoaded(); }, 10'000));

    // 3. The answers page: the public name is the only thing a newcomer must type. The rest are
    // the page's proposals (for a .test name: the app's own CA; no keychain here: keys in files).
    auto* publicHost = wizard->findChild<QLineEdit*>(QStringLiteral("publicHost"));
    QVERIFY(publicHost);
    const QString name = m_tb.value(QStringLiteral("VM_READY_NAME"));
    click(publicHost);
    type(publicHost, name);
    QVERIFY(SecretStore::memoryOnly() && SecretStore::noKeychain());
    QVERIFY(wizard->findChild<QCheckBox*>(QStringLiteral("keysInFiles"))->isChecked());
    QCOMPARE(wizard->findChild<QComboBox*>(QStringLiteral("tlsMode"))->currentData().toInt(),
             int(VmDeployAnswers::TlsMode::OwnCa));

    screenshot(&window, QStringLiteral("first-deploy-answers-1920.png"));

    // 4. Continue: the plan is built and every step previewed on the VM.
    QSignalSpy finished(wizard, &DeployWizard::jobFinished);
    click(wizard->findChild<QPushButton*>(QStringLiteral("wizardNext")));
    QVERIFY2(waitUntil([&] { return finished.count() >= 1; }, 240'000), "the previews did not finish");
    QVERIFY2(finished.last().at(0).toBool(), "previewing failed");

    // 5. Apply all remaining, and say yes in the real question box.
    click(wizard->findChild<QPushButton*>(QStringLiteral("wizardApplyAll")));
    QMessageBox* question = nullptr;
    QVERIFY(waitUntil([&] { return (question = openQuestion()) != nullptr; }, 5000));
    click(question->button(QMessageBox::Yes));
    // Further questions a step asks on the way are answered with their default, counted.
    const bool done = waitUntil(
        [&] {
            if (QMessageBox* more = openQuestion(); more && more != question && more->defaultButton()) {
                question = more;
                click(more->defaultButton());
            }
            return finished.count() >= 2;
        },
        600'000);
    QVERIFY2(done, "the deployment did not finish");
    const PlanRunner* runner = wizard->runner();
    QStringList states;
    bool allDone = true;
    for (int i = 0; i < runner->plan().size(); ++i) {
        const StepOutcome o = runner->record(i).outcome;
        states << runner->plan().step(i).id() + QLatin1Char('=') + stepOutcomeName(o);
        allDone = allDone && (o == StepOutcome::Applied || o == StepOutcome::AlreadyDone || o == StepOutcome::Skipped);
    }
    QVERIFY2(finished.last().at(0).toBool() && allDone, qPrintable(states.join(QLatin1Char(' '))));

    // 6. The wizard says how to reach it.
    auto* reach = wizard->findChild<QWidget*>(QStringLiteral("reachPanel"));
    QVERIFY(reach && reach->isVisible());
    screenshot(&window, QStringLiteral("first-deploy-finished.png"));
    screenshot(reach, QStringLiteral("first-deploy-reach.png"));
    auto* url = reach->findChild<QLabel*>(QStringLiteral("reachUrl"));
    QVERIFY(url);
    QVERIFY2(url->text().contains(QStringLiteral("https://") + name), qPrintable(url->text()));

    // 7. What the admin then does: open it over HTTPS, trusting the app's own CA, with a token
    // signed by the key the wizard kept (in a file: this session has no keychain).
    const VmDeploymentSetup::KeyFiles files
        = VmDeploymentSetup::keyFilesIn(Profile::dataDir(), window.currentTargetPage()->target().id);
    QFile keyFile(files.jwtPrivateKey);
    QVERIFY2(keyFile.open(QIODevice::ReadOnly), qPrintable(files.jwtPrivateKey));
    QCOMPARE(int(keyFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther)), 0);
    Result<JwtSigner> signer = JwtSigner::fromPrivateKeyPem(keyFile.readAll());
    QVERIFY(signer);
    QFile caFile(Profile::dataDir() + QStringLiteral("/own-ca/ca.crt"));
    QVERIFY2(caFile.open(QIODevice::ReadOnly), qPrintable(caFile.fileName()));
    HttpProbeRequest request;
    request.endpoint.address = m_tb.vmAddress(QStringLiteral("VM_READY"));
    request.endpoint.port = Port(443);
    request.endpoint.hostName = *HostName::parse(name);
    request.endpoint.extraCaCertificates = QSslCertificate::fromData(caFile.readAll(), QSsl::Pem);
    request.endpoint.useSystemCaCertificates = false;
    request.endpoint.timeoutMs = 15'000;
    request.path = "/v1/ping";
    Result<HttpProbeResult> anonymous = HttpsProbe::run(request);
    QVERIFY2(anonymous, qPrintable(anonymous ? QString() : anonymous.error().toString()));
    QVERIFY2(anonymous->tls.verified, qPrintable(anonymous->tls.toString()));
    QVERIFY2(anonymous->status == 401 || anonymous->status == 403, qPrintable(anonymous->evidence()));
    Result<QByteArray> token = signer->signWithExpiry(QDateTime::currentDateTimeUtc().addSecs(120));
    QVERIFY(token);
    request.headers.append({QByteArray("Authorization"), "Bearer " + *token});
    Result<HttpProbeResult> signedIn = HttpsProbe::run(request);
    QVERIFY2(signedIn && signedIn->status == 200,
             qPrintable(signedIn ? signedIn->evidence() : signedIn.error().toString()));

    std::printf("first deployment from the demo profile: %d clicks, %d keystrokes (%s)\n", m_clicks, m_keys,
                qPrintable(states.join(QLatin1Char(' '))));
    std::fflush(stdout);
    QVERIFY2(m_clicks < 30, qPrintable(QString::number(m_clicks)));
}

QTEST_MAIN(TestFirstDeploymentGui)
#include "TestFirstDeploymentGui.moc"
