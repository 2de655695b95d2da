// The deployment wizard, driven like an admin would: answers with inline validation, the real
// VM plan previewed step by step against a host double that runs real commands on this machine,
// skip with a reason, apply / roll back, confirmation questions, and resuming from history.

#include "common/LocalShellHost.h"
#include "common/LocalSshd.h"
#include "common/WaitUntil.h"

#include "core/common/Profile.h"
#include "core/crypto/LocalCa.h"
#include "core/deploy/History.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/VmDeployAnswers.h"
#include "core/deploy/vm/VmDeploymentSetup.h"
#include "core/deploy/vm/VmPlanBuilder.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/Target.h"
#include "core/ssh/SshSession.h"
#include "ui/deploy/AnswersPage.h"
#include "ui/deploy/DeployCapability.h"
#include "ui/deploy/DeployWizard.h"
#include "ui/deploy/HistoryDialog.h"
#include "ui/deploy/ReachPanel.h"
#include "ui/deploy/SkipReasonDialog.h"
#include "ui/deploy/StepPage.h"
#include "ui/targets/TargetPage.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTreeWidget>

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

using namespace aio;
using namespace aio::ui;

namespace {

using aio::test::LocalShellHost;
using aio::test::waitUntil;

template <typename T>
T* child(QWidget* parent, const char* name)
{
    return parent->findChild<T*>(QString::fromLatin1(name));
}

// A step of a test plan that writes one file under the host's root, streams output, may ask a
// question, verifies by reading the file back, and rolls back to the snapshot detect took.
class FileStep : public Step
{
public:
    FileStep(QString id, QString path, QByteArray content, bool ask = false)
        : Step(id, QStringLiteral("Write %1").arg(id), QStringLiteral("Writes a file for the test."))
        , m_path(std::move(path))
        , m_content(std::move(content))
        , m_ask(ask)
    { }

    Result<StepState> detect(PlanContext& context) override
    {
        Result<FileSnapshot> current = context.readFile(m_path);
        if (!current)
            return current.error();
        StepState state;
        state.files.append(*current);
        state.alreadyDone = current->exists && current->content == m_content;
        state.summary = QStringLiteral("%1 is %2").arg(m_path, current->exists ? "there" : "absent");
        return state;
    }
    Result<StepPreview> preview(PlanContext&, const StepState& state) override
    {
        StepPreview p;
        p.commands << QStringLiteral("seq 1 3000");
        p.fileChanges << FileChange::write(*state.file(m_path), m_content);
        return p;
    }
    Status apply(PlanContext& context, const StepState&) override
    {
        Result<CommandOutcome> out = context.runChecked(
            RemoteCommand::args({QStringLiteral("seq"), QStringLiteral("1"), QStringLiteral("3000")}),
            QStringLiteral("Counting"));
        if (!out)
            return out.error();
        if (m_ask && !context.confirm(QStringLiteral("Write %1 now?").arg(m_path)))
            return Error(ErrorKind::Cancelled, QStringLiteral("Not confirmed."), {}, QStringLiteral("Say yes."));
        return context.writeFile(m_path, m_content, RemoteFileAttributes{});
    }
    Result<VerifyReport> verify(PlanContext& context) override
    {
        Result<FileSnapshot> current = context.readFile(m_path);
        if (!current)
            return current.error();
        VerifyReport report;
        report.add(QStringLiteral("%1 holds the content").arg(m_path), current->content == m_content,
                   QString::fromUtf8(current->content.left(40)));
        return report;
    }
    Status rollback(PlanContext& context, const StepState& state) override
    {
        return context.restoreFile(*state.file(m_path), false);
    }

private:
    QString m_path;
    QByteArray m_content;
    bool m_ask;
};

} // namespace

class TestDeployWizard : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void hostileAnswersShowInlineErrorsAndBuildNothing();
    void latestTagWarnsAndPinnedTagDoesNot();
    void edgeAndFirewallAnswersHaveAPlaceInTheForm();
    void fieldsStayPutWhileWarningsComeAndGo();
    void privateAcmeCaHasAPlaceAndIsTrustedForTheCheck();
    void finishedDeploymentSaysHowToReachIt();
    void everyStepOfTheVmPlanShowsItsPreview();
    void skipAsksForAReasonAndRecordsIt();
    void rollBackIsOfferedOnlyAfterApplyAndRestoresTheFile();
    void confirmationQuestionIsAskedAndNoFailsTheStepWithRetry();
    void reopeningResumesWhereItWas();
    void applyAllRemainingAsksOnceAndStopsAtAFailure();
    void applyAllCountsOnlyWhatIsLeftToChange();
    void changedHostKeyOffersReplacementThenPreviewsAgain();
    void closingTheWizardDuringALoginNeverStallsTheWindow();
    void historyDialogShowsEachChangeWithItsDiff();
    void deployTabIsOnVmTargetsOnly();
    void theDeploymentsPublicHostBecomesTheTargets();

private:
    DeployWizard* newWizard(bool testPlan);
    void fillValidAnswers(DeployWizard* wizard);
    void continueAndWaitForPreviews(DeployWizard* wizard);

    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<QTemporaryDir> m_hostRoot;
    Target m_target;
    std::unique_ptr<DeployWizard> m_wizard;
};

void TestDeployWizard::init()
{
    // Names are never looked up on the network here: a fixed table stands in for DNS.
    ReachPanel::setLookupForTests(
        [](const QString& name, QObject* context, std::function<void(const QList<QHostAddress>&)> done) {
            QList<QHostAddress> addresses;
            if (name == QLatin1String("sandbox.test"))
                addresses << QHostAddress(QStringLiteral("198.18.0.2"));
            else if (name == QLatin1String("elsewhere.test"))
                addresses << QHostAddress(QStringLiteral("198.18.0.9"));
            QTimer::singleShot(0, context, [done, addresses] { done(addresses); });
        });
    m_data = std::make_unique<QTemporaryDir>();
    m_hostRoot = std::make_unique<QTemporaryDir>();
    QVERIFY(m_data->isValid() && m_hostRoot->isValid());
    VmSettings vm;
    vm.host = HostName::parse(QStringLiteral("198.18.0.2")).value();
    vm.publicHost = HostName::parse(QStringLiteral("sandbox.test")).value();
    m_target = Target::makeVm(QStringLiteral("demo-vm"), vm);
}

void TestDeployWizard::cleanup()
{
    m_wizard.reset();
}

DeployWizard* TestDeployWizard::newWizard(bool testPlan)
{
    auto* wizard = new DeployWizard(m_target, nullptr);
    wizard->setDataDirectory(m_data->path());
    const QString root = m_hostRoot->path();
    wizard->setHostFactory([root](const Target& t) -> Result<std::shared_ptr<RemoteHost>> {
        return std::shared_ptr<RemoteHost>(std::make_shared<LocalShellHost>(root, t.name));
    });
    if (testPlan) {
        wizard->setPlanFactory([root](VmDeployment) -> Result<VmPlanBuilder::Built> {
            VmPlanBuilder::Built built;
            built.plan.setTitle(QStringLiteral("test plan"));
            built.plan.add(std::make_unique<FileStep>(QStringLiteral("first"), root + QStringLiteral("/etc/first.conf"),
                                                      "one\ntwo\n"));
            built.plan.add(std::make_unique<FileStep>(QStringLiteral("second"),
                                                      root + QStringLiteral("/etc/second.conf"), "2\n", true));
            return built;
        });
    }
    // What the target's page does with an edited target (saves it; the next wizard gets it).
    connect(wizard, &DeployWizard::targetEdited, wizard, [this, wizard](const Target& edited) {
        m_target = edited;
        wizard->setTarget(edited);
    });
    wizard->resize(1200, 760);
    wizard->show();
    QSignalSpy loaded(wizard, &DeployWizard::loaded);
    wizard->load();
    if (!loaded.wait(10'000))
        qWarning("the wizard did not load");
    return wizard;
}

void TestDeployWizard::fillValidAnswers(DeployWizard* wizard)
{
    auto* page = wizard->answersPage();
    child<QLineEdit>(page, "publicHost")->setText(QStringLiteral("sandbox.test"));
    auto* tls = child<QComboBox>(page, "tlsMode");
    tls->setCurrentIndex(tls->findData(int(VmDeployAnswers::TlsMode::OwnCa)));
    child<QLineEdit>(page, "edgeAllowlist")->setText(QStringLiteral("198.18.0.0/15"));
    child<QCheckBox>(page, "sandboxJwt")->setChecked(true);
}

void TestDeployWizard::continueAndWaitForPreviews(DeployWizard* wizard)
{
    QSignalSpy ready(wizard, &DeployWizard::planReady);
    QSignalSpy finished(wizard, &DeployWizard::jobFinished);
    QTest::mouseClick(child<QPushButton>(wizard, "wizardNext"), Qt::LeftButton);
    QVERIFY2(ready.wait(60'000) || ready.count() == 1,
             qPrintable(QStringLiteral("the plan was not built: ")
                        + wizard->answersPage()
                              ->findChild<QWidget*>(QStringLiteral("answersProblem"))
                              ->property("accessibleName")
                              .toString()));
    QVERIFY2(waitUntil([&] { return finished.count() >= 1; }, 120'000), "the previews did not finish");
}

void TestDeployWizard::hostileAnswersShowInlineErrorsAndBuildNothing()
{
    m_wizard.reset(newWizard(false));
    auto* page = m_wizard->answersPage();
    auto* host = child<QLineEdit>(page, "publicHost");
    host->clear();
    QTest::keyClicks(host, QStringLiteral("bad host;"));
    auto* hostError = child<QLabel>(page, "publicHostError");
    QVERIFY(hostError->isVisible());
    QVERIFY(!hostError->text().isEmpty());

    auto* source = child<QComboBox>(page, "imageSource");
    source->setCurrentIndex(2); // other repository
    auto* repository = child<QLineEdit>(page, "imageRepository");
    QVERIFY(!repository->isReadOnly());
    repository->clear();
    QTest::keyClicks(repository, QStringLiteral("x$(id)"));
    auto* repositoryError = child<QLabel>(page, "imageRepositoryError");
    QVERIFY(repositoryError->isVisible());
    QVERIFY(!repositoryError->text().isEmpty());

    QTest::mouseClick(child<QPushButton>(m_wizard.get(), "wizardNext"), Qt::LeftButton);
    auto* problem = page->findChild<QWidget*>(QStringLiteral("answersProblem"));
    QVERIFY(problem->isVisible());
    QVERIFY(!m_wizard->runner());
    QVERIFY(!QFile::exists(VmDeploymentSetup::answersPath(m_data->path(), m_target.id)));

    // Fixing the fields clears the inline errors.
    host->setText(QStringLiteral("sandbox.example.com"));
    QVERIFY(!hostError->isVisible());
    source->setCurrentIndex(0);
    QCOMPARE(repository->text(), VmDeployAnswers::defaultRepository());
    QVERIFY(!repositoryError->isVisible());
}

void TestDeployWizard::latestTagWarnsAndPinnedTagDoesNot()
{
    m_wizard.reset(newWizard(false));
    auto* page = m_wizard->answersPage();
    auto* warnings = child<QLabel>(page, "answersWarnings");
    child<QLineEdit>(page, "imageTag")->setText(QStringLiteral("latest"));
    QVERIFY(warnings->isVisible());
    QVERIFY(warnings->text().contains(QStringLiteral("latest")));
    QTest::mouseClick(child<QPushButton>(page, "imageTagPin"), Qt::LeftButton);
    QCOMPARE(child<QLineEdit>(page, "imageTag")->text(), VmDeployAnswers::suggestedTag());
    QVERIFY(!warnings->text().contains(QStringLiteral("latest")));
}

// The answers the CLI takes for the edge and the firewall are shown by the form and come back
// from it unchanged, and a wrong one is refused there.
void TestDeployWizard::edgeAndFirewallAnswersHaveAPlaceInTheForm()
{
    m_wizard.reset(newWizard(false));
    auto* page = m_wizard->answersPage();
    VmDeployAnswers a = VmDeployAnswers::defaults();
    a.publicHost = *HostName::parse(QStringLiteral("sandbox.test"));
    a.tlsMode = VmDeployAnswers::TlsMode::OwnCa;
    a.sandboxJwt = false;
    a.sandboxApiKey = true;
    a.authRequestUrl = QUrl(QStringLiteral("http://127.0.0.1:9091/api/verify"));
    a.signInUrl = QUrl(QStringLiteral("https://auth.example.com/oauth2/start"));
    a.hsts = VmDeployAnswers::Hsts::On;
    a.firewallTool = VmDeployAnswers::FirewallTool::Nftables;
    a.adminSshCidrs = {*Cidr::parse(QStringLiteral("198.18.0.0/24"))};
    a.firewallKeepOpen = {5432, 9000};
    page->setAnswers(a);
    QCOMPARE(child<QLineEdit>(page, "signInUrl")->text(), QStringLiteral("https://auth.example.com/oauth2/start"));
    QCOMPARE(child<QComboBox>(page, "hsts")->currentData().toInt(), int(VmDeployAnswers::Hsts::On));
    QCOMPARE(child<QLineEdit>(page, "firewallKeepOpen")->text(), QStringLiteral("5432, 9000"));
    Result<VmDeployAnswers> back = page->answers();
    QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
    QCOMPARE(back->toJson(), a.toJson());

    child<QLineEdit>(page, "firewallKeepOpen")->setText(QStringLiteral("5432, 8080"));
    back = page->answers();
    QVERIFY(!back);
    QVERIFY2(back.error().message.contains(QStringLiteral("8080")), qPrintable(back.error().toString()));
}

// Once every step is done the wizard says how to reach the sandbox: the URL, the CA to trust (with
// a copy saved where the admin wants it), and whether the name points at the VM from here.
void TestDeployWizard::finishedDeploymentSaysHowToReachIt()
{
    QTemporaryDir caDir;
    QFile ca(caDir.filePath(QStringLiteral("ca.crt")));
    QVERIFY(ca.open(QIODevice::WriteOnly));
    ca.write("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    ca.close();
    m_wizard.reset(newWizard(true));
    fillValidAnswers(m_wizard.get()); // own CA, sandbox.test
    child<QLineEdit>(m_wizard->answersPage(), "ownCaDirectory")->setText(caDir.path());
    continueAndWaitForPreviews(m_wizard.get());
    auto* panel = m_wizard->findChild<ReachPanel*>(QStringLiteral("reachPanel"));
    QVERIFY(panel);
    QVERIFY(!panel->isVisible()); // not before the deployment is complete

    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    QSignalSpy checked(panel, &ReachPanel::nameChecked);
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(child<QPushButton>(m_wizard.get(), "wizardApplyAll"), Qt::LeftButton);
    MessageBox::setNextAnswer(QMessageBox::Yes); // the second step's own question
    QVERIFY(waitUntil([&] { return finished.count() == 1; }));
    QVERIFY(panel->isVisible());
    QVERIFY2(child<QLabel>(panel, "reachUrl")->text().contains(QStringLiteral("https://sandbox.test/")),
             qPrintable(child<QLabel>(panel, "reachUrl")->text()));
    QVERIFY(child<QLabel>(panel, "reachCa")->isVisible());
    QVERIFY(child<QLabel>(panel, "reachCa")->text().contains(QStringLiteral("ca.crt")));
    QVERIFY(checked.count() == 1 || checked.wait(5'000));
    QVERIFY2(child<QLabel>(panel, "reachDns")->text().contains(QStringLiteral("198.18.0.2, the VM's address")),
             qPrintable(child<QLabel>(panel, "reachDns")->text()));

    // Never over the CA's own files; elsewhere, a copy of its certificate.
    QSignalSpy saves(panel, &ReachPanel::caSaved);
    FileDialog::setNextFileName(caDir.filePath(QStringLiteral("ca.key")));
    MessageBox::setNextAnswer(QMessageBox::Ok);
    QTest::mouseClick(child<QPushButton>(panel, "reachSaveCa"), Qt::LeftButton);
    QVERIFY(!QFile::exists(caDir.filePath(QStringLiteral("ca.key"))));
    QCOMPARE(saves.count(), 0);
    const QString copy = m_data->filePath(QStringLiteral("saved-ca.crt"));
    FileDialog::setNextFileName(copy);
    QTest::mouseClick(child<QPushButton>(panel, "reachSaveCa"), Qt::LeftButton);
    QVERIFY(saves.wait(5'000));
    QCOMPARE(saves.first().first().toBool(), true);
    QFile saved(copy);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().startsWith("-----BEGIN CERTIFICATE-----"));

    // A name that points elsewhere is said plainly.
    VmDeployAnswers other = VmDeployAnswers::defaults();
    other.publicHost = *HostName::parse(QStringLiteral("elsewhere.test"));
    panel->showFor(other, m_target.vm.host);
    QVERIFY(checked.wait(5'000));
    QVERIFY2(child<QLabel>(panel, "reachDns")->text().contains(QStringLiteral("not to 198.18.0.2, the address used")),
             qPrintable(child<QLabel>(panel, "reachDns")->text()));
    QVERIFY(!child<QLabel>(panel, "reachCa")->isVisible()); // ACME: publicly trusted
}

// A private ACME server (the CLI's tls.acme.caBundle) can be chosen in the form; its CA is then
// trusted by the final HTTPS check too, and a file that is not a CA stops the build with the reason.
void TestDeployWizard::privateAcmeCaHasAPlaceAndIsTrustedForTheCheck()
{
    Result<LocalCa> ca = LocalCa::create(QStringLiteral("Private ACME CA"));
    QVERIFY(ca);
    const QString pem = m_data->filePath(QStringLiteral("acme-ca.pem"));
    QFile f(pem);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(ca->certificatePem());
    f.close();

    m_wizard.reset(newWizard(true));
    auto* page = m_wizard->answersPage();
    fillValidAnswers(m_wizard.get());
    auto* tls = child<QComboBox>(page, "tlsMode");
    tls->setCurrentIndex(tls->findData(int(VmDeployAnswers::TlsMode::Acme)));
    child<QLineEdit>(page, "acmeEmail")->setText(QStringLiteral("admin@example.com"));
    child<QCheckBox>(page, "acmeAgreeTos")->setChecked(true);
    child<QLineEdit>(page, "acmeDirectory")->setText(QStringLiteral("https://acme.internal/directory"));
    FileDialog::setNextFileName(pem);
    QTest::mouseClick(child<QPushButton>(page, "acmeCaBundleBrowse"), Qt::LeftButton);
    QCOMPARE(child<QLineEdit>(page, "acmeCaBundle")->text(), pem);
    Result<VmDeployAnswers> a = page->answers();
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    QCOMPARE(a->acmeCaBundleLocalPath, pem);
    // Continue: the deployment the plan is built from trusts it for the final check.
    QList<QSslCertificate> trusted;
    const QString root = m_hostRoot->path();
    m_wizard->setPlanFactory([root, &trusted](VmDeployment d) -> Result<VmPlanBuilder::Built> {
        trusted = d.trustedCas;
        VmPlanBuilder::Built built;
        built.plan.add(
            std::make_unique<FileStep>(QStringLiteral("first"), root + QStringLiteral("/etc/first.conf"), "one\n"));
        return built;
    });
    continueAndWaitForPreviews(m_wizard.get());
    QCOMPARE(trusted.size(), 1);
    QCOMPARE(trusted.first().toPem(), QSslCertificate::fromData(ca->certificatePem()).first().toPem());
    const PlanRunner* before = m_wizard->runner();
    m_wizard->showPage(0);

    // Not a certificate: Continue says so, and builds nothing.
    const QString notPem = m_data->filePath(QStringLiteral("not-a-ca.txt"));
    QFile g(notPem);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write("hello\n");
    g.close();
    child<QLineEdit>(page, "acmeCaBundle")->setText(notPem);
    QTest::mouseClick(child<QPushButton>(m_wizard.get(), "wizardNext"), Qt::LeftButton);
    auto* problem = page->findChild<QWidget*>(QStringLiteral("answersProblem"));
    QVERIFY(waitUntil([&] { return problem->isVisible(); }, 10'000));
    QVERIFY2(problem->accessibleDescription().contains(QStringLiteral("holds no PEM certificate")),
             qPrintable(problem->accessibleDescription()));
    QCOMPARE(m_wizard->runner(), before); // no new plan
}

// The form must not move under the mouse: typing the allowlist removes the "no access control at
// the edge" warning, and the next field is still where the admin is about to click.
void TestDeployWizard::fieldsStayPutWhileWarningsComeAndGo()
{
    m_wizard.reset(newWizard(true));
    auto* page = m_wizard->answersPage();
    auto* warnings = page->findChild<QLabel*>(QStringLiteral("answersWarnings"));
    auto* allowlist = child<QLineEdit>(page, "edgeAllowlist");
    auto* user = child<QLineEdit>(page, "basicAuthUser");
    child<QCheckBox>(page, "sandboxJwt")->setChecked(false);
    child<QCheckBox>(page, "sandboxApiKey")->setChecked(true);
    allowlist->clear();
    QCoreApplication::processEvents();
    QVERIFY2(warnings->isVisible(), "the form should warn while nothing guards the edge");
    const QPoint before = user->mapTo(m_wizard.get(), QPoint(0, 0));
    allowlist->setFocus();
    QTest::keyClicks(allowlist, QStringLiteral("198.18.0.0/15"));
    QCoreApplication::processEvents();
    QVERIFY(!warnings->isVisible());
    QCOMPARE(user->mapTo(m_wizard.get(), QPoint(0, 0)), before);
}

void TestDeployWizard::everyStepOfTheVmPlanShowsItsPreview()
{
    m_wizard.reset(newWizard(false));
    fillValidAnswers(m_wizard.get());
    continueAndWaitForPreviews(m_wizard.get());
    QVERIFY(m_wizard->runner());
    QCOMPARE(m_wizard->stepCount(), int(VmPlanBuilder::stepIds().size()));
    QVERIFY(QFile::exists(VmDeploymentSetup::answersPath(m_data->path(), m_target.id)));
    for (int i = 0; i < m_wizard->stepCount(); ++i) {
        m_wizard->showPage(1 + i);
        StepPage* page = m_wizard->stepPage(i);
        const StepRecord record = m_wizard->runner()->record(i);
        const QString id = page->stepId();
        auto* commands = child<QPlainTextEdit>(page, "stepCommands");
        auto* diff = child<QPlainTextEdit>(page, "stepDiff");
        if (record.outcome == StepOutcome::Skipped) { // not applicable with these answers: says why
            QVERIFY2(!record.skipReason.isEmpty(), qPrintable(id));
            QVERIFY2(page->statusText().contains(record.skipReason.left(20)), qPrintable(id));
            continue;
        }
        QVERIFY2(record.previewed,
                 qPrintable(id + QStringLiteral(": ") + (record.error ? record.error->toString() : QString())));
        // What the page shows is what the engine previewed.
        const QString shownCommands = commands->toPlainText();
        for (const QString& c : record.preview.commands)
            QVERIFY2(shownCommands.contains(c), qPrintable(id));
        int changing = 0;
        for (const FileChange& f : record.preview.fileChanges) {
            if (!f.changes())
                continue;
            ++changing;
            QVERIFY2(diff->toPlainText().contains(f.path), qPrintable(id + QStringLiteral(": ") + f.path));
        }
        // A step with nothing to run still tells the admin why (e.g. preflight: warnings only).
        const QStringList remarks = record.preview.warnings + record.preview.notes;
        QVERIFY2(record.preview.nothingToDo || !shownCommands.isEmpty() || changing > 0 || !remarks.isEmpty(),
                 qPrintable(id + QStringLiteral(" previews nothing")));
        auto* notes = child<QLabel>(page, "stepNotes");
        for (const QString& remark : remarks)
            QVERIFY2(notes->isVisible() && notes->text().contains(remark), qPrintable(id));
        QVERIFY(child<QPushButton>(page, "stepApply")->isEnabled());
        QVERIFY(!child<QPushButton>(page, "stepRollback")->isEnabled());
    }
}

void TestDeployWizard::skipAsksForAReasonAndRecordsIt()
{
    m_wizard.reset(newWizard(false));
    fillValidAnswers(m_wizard.get());
    continueAndWaitForPreviews(m_wizard.get());
    QVERIFY(m_wizard->runner());
    const int nginx = m_wizard->runner()->plan().indexOf(QStringLiteral("nginx"));
    QVERIFY(nginx >= 0);
    m_wizard->showPage(1 + nginx);
    StepPage* page = m_wizard->stepPage(nginx);
    auto* skip = child<QPushButton>(page, "stepSkip");
    QVERIFY(skip->isEnabled());
    const QString reason = QStringLiteral("nginx is managed by the platform team (OPS-42)");
    SkipReasonDialog::setNextReason(reason);
    QTest::mouseClick(skip, Qt::LeftButton);
    QCOMPARE(m_wizard->runner()->record(nginx).outcome, StepOutcome::Skipped);
    QCOMPARE(m_wizard->runner()->record(nginx).skipReason, reason);
    QVERIFY(!skip->isEnabled());
    // The reason is in the target's history and the page says so.
    Result<QList<HistoryEntry>> entries = m_wizard->history()->read();
    QVERIFY(entries);
    QCOMPARE(entries->size(), 1);
    QCOMPARE(entries->first().action, QStringLiteral("skip"));
    QCOMPARE(entries->first().skipReason, reason);
    auto* note = child<QLabel>(page, "stepHistory");
    QVERIFY(waitUntil([&] { return note->isVisible() && note->text().contains(reason); }, 10'000));
    // An empty reason (a cancelled dialog) skips nothing; the verify step cannot be skipped.
    const int container = m_wizard->runner()->plan().indexOf(QStringLiteral("container"));
    SkipReasonDialog::setNextReason(QString());
    QTest::mouseClick(child<QPushButton>(m_wizard->stepPage(container), "stepSkip"), Qt::LeftButton);
    QVERIFY(m_wizard->runner()->record(container).outcome != StepOutcome::Skipped);
    const int verify = m_wizard->runner()->plan().indexOf(QStringLiteral("verify"));
    QVERIFY(!child<QPushButton>(m_wizard->stepPage(verify), "stepSkip")->isEnabled());
}

void TestDeployWizard::rollBackIsOfferedOnlyAfterApplyAndRestoresTheFile()
{
    m_wizard.reset(newWizard(true));
    fillValidAnswers(m_wizard.get());
    continueAndWaitForPreviews(m_wizard.get());
    StepPage* page = m_wizard->stepPage(0);
    QVERIFY(child<QPlainTextEdit>(page, "stepDiff")->toPlainText().contains(QStringLiteral("+one")));
    auto* apply = child<QPushButton>(page, "stepApply");
    auto* rollback = child<QPushButton>(page, "stepRollback");
    QVERIFY(apply->isEnabled());
    QVERIFY(!rollback->isEnabled());

    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 1; }));
    QCOMPARE(finished.first().first().toBool(), true);
    const QString path = m_hostRoot->path() + QStringLiteral("/etc/first.conf");
    QVERIFY(QFile::exists(path));
    QCOMPARE(m_wizard->runner()->record(0).outcome, StepOutcome::Applied);
    // The output was streamed, every line of it; the checks show ✓ with evidence.
    QVERIFY(waitUntil([&] { return child<QPlainTextEdit>(page, "stepOutput")->blockCount() == 3000; }, 10'000));
    QCOMPARE(child<QPlainTextEdit>(page, "stepOutput")->document()->lastBlock().text(), QStringLiteral("3000"));
    auto* checks = child<QTreeWidget>(page, "stepChecks");
    QCOMPARE(checks->topLevelItemCount(), 1);
    QCOMPARE(checks->topLevelItem(0)->text(0), QStringLiteral("✓"));
    QVERIFY(checks->topLevelItem(0)->text(2).startsWith(QStringLiteral("one")));
    QVERIFY(rollback->isEnabled());
    QVERIFY(!apply->isEnabled());
    QVERIFY(!child<QPushButton>(page, "stepSkip")->isEnabled());

    // "No" to the roll-back question changes nothing.
    MessageBox::setNextAnswer(QMessageBox::No);
    QTest::mouseClick(rollback, Qt::LeftButton);
    QVERIFY(!m_wizard->runner()->isRunning());
    QVERIFY(QFile::exists(path));

    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(rollback, Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 2; }));
    QCOMPARE(m_wizard->runner()->record(0).outcome, StepOutcome::RolledBack);
    QVERIFY(!QFile::exists(path));
    QVERIFY(!rollback->isEnabled());
    QVERIFY(child<QPushButton>(page, "stepRetry")->isEnabled());
    QCOMPARE(m_wizard->findChild<QListWidget*>(QStringLiteral("wizardSteps"))
                 ->item(1)
                 ->data(Qt::AccessibleDescriptionRole)
                 .toString(),
             QStringLiteral("rolled back"));
}

void TestDeployWizard::confirmationQuestionIsAskedAndNoFailsTheStepWithRetry()
{
    m_wizard.reset(newWizard(true));
    fillValidAnswers(m_wizard.get());
    continueAndWaitForPreviews(m_wizard.get());
    StepPage* page = m_wizard->stepPage(1);
    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    QSignalSpy asked(m_wizard->runner(), &PlanRunner::needsConfirmation);
    MessageBox::setNextAnswer(QMessageBox::No);
    QTest::mouseClick(child<QPushButton>(page, "stepApply"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 1; }));
    QCOMPARE(asked.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(m_wizard->runner()->record(1).outcome, StepOutcome::Failed);
    QVERIFY(!QFile::exists(m_hostRoot->path() + QStringLiteral("/etc/second.conf")));
    // The error says what failed and what to do; Retry is offered and works.
    auto* error = page->findChild<QWidget*>(QStringLiteral("stepError"));
    QVERIFY(error->isVisible());
    QVERIFY(child<QLabel>(page, "stepErrorMessage")->text().contains(QStringLiteral("Not confirmed")));
    QVERIFY(child<QLabel>(page, "stepErrorNext")->text().contains(QStringLiteral("Say yes")));
    auto* retry = child<QPushButton>(page, "stepRetry");
    QVERIFY(retry->isEnabled());
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(retry, Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 2; }));
    QCOMPARE(finished.last().first().toBool(), true);
    QCOMPARE(m_wizard->runner()->record(1).outcome, StepOutcome::Applied);
    QVERIFY(!error->isVisible());
}

void TestDeployWizard::reopeningResumesWhereItWas()
{
    m_wizard.reset(newWizard(true));
    fillValidAnswers(m_wizard.get());
    child<QLineEdit>(m_wizard->answersPage(), "publicHost")->setText(QStringLiteral("resume.example.com"));
    continueAndWaitForPreviews(m_wizard.get());
    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    QTest::mouseClick(child<QPushButton>(m_wizard->stepPage(0), "stepApply"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 1; }));
    QCOMPARE(m_wizard->runner()->record(0).outcome, StepOutcome::Applied);
    m_wizard.reset(); // the admin leaves

    m_wizard.reset(newWizard(true));
    // The answers are remembered for the target, and the banner says a deployment was started.
    QCOMPARE(child<QLineEdit>(m_wizard->answersPage(), "publicHost")->text(), QStringLiteral("resume.example.com"));
    QVERIFY(m_wizard->findChild<QWidget*>(QStringLiteral("wizardBanner"))->isVisible());
    continueAndWaitForPreviews(m_wizard.get());
    // It opens at the first step not done yet; the done step shows as done, with its history.
    QCOMPARE(m_wizard->currentPage(), 2);
    auto* list = m_wizard->findChild<QListWidget*>(QStringLiteral("wizardSteps"));
    QCOMPARE(list->item(1)->data(Qt::AccessibleDescriptionRole).toString(), QStringLiteral("done"));
    QCOMPARE(list->item(2)->data(Qt::AccessibleDescriptionRole).toString(), QStringLiteral("previewed"));
    QVERIFY(child<QLabel>(m_wizard->stepPage(0), "stepHistory")->text().contains(QStringLiteral("applied")));
    // Detect found the file in place: "already done", nothing to change.
    QVERIFY(m_wizard->runner()->record(0).preview.nothingToDo);
    // Applying it now only checks it; the history entry is then what the earlier run did.
    QSignalSpy again(m_wizard.get(), &DeployWizard::jobFinished);
    QTest::mouseClick(child<QPushButton>(m_wizard->stepPage(0), "stepApply"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return again.count() == 1; }));
    QCOMPARE(m_wizard->runner()->record(0).outcome, StepOutcome::AlreadyDone);
    const QString note = child<QLabel>(m_wizard->stepPage(0), "stepHistory")->text();
    QVERIFY2(note.startsWith(QStringLiteral("An earlier run applied it on")), qPrintable(note));
}

void TestDeployWizard::applyAllRemainingAsksOnceAndStopsAtAFailure()
{
    m_wizard.reset(newWizard(true));
    auto* applyAll = child<QPushButton>(m_wizard.get(), "wizardApplyAll");
    QVERIFY(applyAll->isHidden()); // nothing to apply on the answers page
    fillValidAnswers(m_wizard.get());
    continueAndWaitForPreviews(m_wizard.get());
    QVERIFY(applyAll->isVisible());
    QVERIFY(applyAll->isEnabled());
    QVERIFY2(applyAll->text().contains(QStringLiteral("(2)")), qPrintable(applyAll->text()));
    const QString first = m_hostRoot->path() + QStringLiteral("/etc/first.conf");
    const QString second = m_hostRoot->path() + QStringLiteral("/etc/second.conf");

    // "No" to the one question changes nothing.
    MessageBox::setNextAnswer(QMessageBox::No);
    QTest::mouseClick(applyAll, Qt::LeftButton);
    QVERIFY(!m_wizard->runner()->isRunning());
    QVERIFY(!QFile::exists(first));

    // Yes; then "no" to the second step's own question: the first step stays applied, the run
    // stops at the second, which failed and is rolled back; the page shown is the failed step's.
    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    QSignalSpy asked(m_wizard->runner(), &PlanRunner::needsConfirmation);
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(applyAll, Qt::LeftButton);
    MessageBox::setNextAnswer(QMessageBox::No);
    QVERIFY(waitUntil([&] { return finished.count() == 1; }));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(asked.count(), 1); // only the step's own question: no per-step confirmation
    QCOMPARE(m_wizard->runner()->record(0).outcome, StepOutcome::Applied);
    QCOMPARE(m_wizard->runner()->record(1).outcome, StepOutcome::Failed);
    QVERIFY(QFile::exists(first));
    QVERIFY(!QFile::exists(second));
    QCOMPARE(m_wizard->currentPage(), 2);
    // The failed step changed the host, and says it was put back.
    const QString failedStatus = m_wizard->stepPage(1)->findChild<QLabel*>(QStringLiteral("stepStatus"))->text();
    QVERIFY2(failedStatus.contains(QStringLiteral("put back as it was")), qPrintable(failedStatus));
    QVERIFY(applyAll->isEnabled());
    QVERIFY2(applyAll->text().contains(QStringLiteral("(1)")), qPrintable(applyAll->text()));

    // Again, saying yes: only the remaining step runs; then nothing is left to apply.
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(applyAll, Qt::LeftButton);
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QVERIFY(waitUntil([&] { return finished.count() == 2; }));
    QCOMPARE(finished.last().first().toBool(), true);
    QCOMPARE(m_wizard->runner()->record(1).outcome, StepOutcome::Applied);
    QVERIFY(QFile::exists(second));
    QVERIFY(!applyAll->isEnabled());
    QVERIFY(child<QLabel>(m_wizard.get(), "wizardSummary")->text().contains(QStringLiteral("complete")));
}

// A step that is already done is checked, not counted as a change still to make.
void TestDeployWizard::applyAllCountsOnlyWhatIsLeftToChange()
{
    QVERIFY(QDir().mkpath(m_hostRoot->path() + QStringLiteral("/etc")));
    QFile done(m_hostRoot->path() + QStringLiteral("/etc/first.conf"));
    QVERIFY(done.open(QIODevice::WriteOnly));
    done.write("one\ntwo\n");
    done.close();
    m_wizard.reset(newWizard(true));
    fillValidAnswers(m_wizard.get());
    continueAndWaitForPreviews(m_wizard.get());
    auto* applyAll = child<QPushButton>(m_wizard.get(), "wizardApplyAll");
    QVERIFY2(applyAll->text().contains(QStringLiteral("(1)")), qPrintable(applyAll->text()));
    QVERIFY2(applyAll->toolTip().contains(QStringLiteral("already done")), qPrintable(applyAll->toolTip()));

    // Checked and marked done; previewing it again (nothing to change) leaves it done.
    auto* summary = child<QLabel>(m_wizard.get(), "wizardSummary");
    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    QTest::mouseClick(child<QPushButton>(m_wizard->stepPage(0), "stepApply"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 1; }));
    QVERIFY2(summary->text().contains(QStringLiteral("1 of 2 steps done")), qPrintable(summary->text()));
    QTest::mouseClick(child<QPushButton>(m_wizard->stepPage(0), "stepPreview"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 2; }));
    QCOMPARE(m_wizard->runner()->record(0).outcome, StepOutcome::Previewed);
    QVERIFY2(summary->text().contains(QStringLiteral("1 of 2 steps done")), qPrintable(summary->text()));
}

void TestDeployWizard::changedHostKeyOffersReplacementThenPreviewsAgain()
{
    // A real sshd whose key differs from the one on file: the host was reinstalled, or someone
    // is in the middle.
    test::LocalSshd sshd;
    const QString problem = sshd.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString knownHosts = m_data->filePath(QStringLiteral("known_hosts"));
    QVERIFY(test::runTool(QStringLiteral("ssh-keygen"),
                          {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                           QString(), QStringLiteral("-f"), m_data->filePath(QStringLiteral("old"))})
                .ok());
    QFile oldPub(m_data->filePath(QStringLiteral("old.pub")));
    QVERIFY(oldPub.open(QIODevice::ReadOnly));
    const QList<QByteArray> old = oldPub.readAll().split(' ');
    QFile stale(knownHosts);
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.write(QStringLiteral("[127.0.0.1]:%1 ").arg(sshd.port()).toUtf8() + old[0] + ' ' + old[1] + '\n');
    stale.close();

    m_wizard.reset(newWizard(true));
    const SshSettings settings = sshd.settings(knownHosts, m_target.name);
    m_wizard->setHostFactory([settings](const Target&) -> Result<std::shared_ptr<RemoteHost>> {
        return std::shared_ptr<RemoteHost>(std::make_shared<SshSession>(settings));
    });
    fillValidAnswers(m_wizard.get());
    int warnings = 0;
    QString shownNewFingerprint;
    std::optional<ErrorKind> firstError;
    connect(m_wizard.get(), &DeployWizard::hostKeyWarningShown, this, [&](QDialog* dialog) {
        // The warning comes from the failed step; replacing the key starts new previews (a new
        // runner), which may happen before the first job's end is reported: look now.
        if (!firstError && m_wizard->runner() && m_wizard->runner()->record(0).error)
            firstError = m_wizard->runner()->record(0).error->kind;
        ++warnings;
        shownNewFingerprint = dialog->findChild<QLabel*>(QStringLiteral("newFingerprintLabel"))->text();
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("replaceKeyButton")), Qt::LeftButton);
        dialog->findChild<QCheckBox*>(QStringLiteral("confirmCheckBox"))->setChecked(true);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("confirmReplaceButton")), Qt::LeftButton);
    });
    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    connect(m_wizard.get(), &DeployWizard::jobFinished, this, [&] {
        if (!firstError && m_wizard->runner()->record(0).error)
            firstError = m_wizard->runner()->record(0).error->kind;
    });
    continueAndWaitForPreviews(m_wizard.get());
    // The first previews failed on the changed key; one warning, however many steps failed.
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(firstError, ErrorKind::HostKeyChanged);
    QCOMPARE(warnings, 1);
    QCOMPARE(shownNewFingerprint, QStringLiteral("ssh-ed25519 ") + sshd.hostFingerprint());
    // After the replacement every step is previewed again, and this time it works.
    QVERIFY(waitUntil([&] { return finished.count() >= 2; }, 30'000));
    QCOMPARE(finished.last().first().toBool(), true);
    QVERIFY(m_wizard->runner()->record(0).previewed);
    QVERIFY(m_wizard->findChild<QWidget*>(QStringLiteral("wizardBanner"))->isVisible());
    QFile replaced(knownHosts);
    QVERIFY(replaced.open(QIODevice::ReadOnly));
    const QByteArray now = replaced.readAll();
    QVERIFY(!now.contains(old[1]));
    QCOMPARE(warnings, 1);
}

void TestDeployWizard::closingTheWizardDuringALoginNeverStallsTheWindow()
{
    // A login that cannot be interrupted: the key's passphrase is being asked (as a keychain
    // that hangs, or a question nobody answers). Closing the wizard then must return at once,
    // and the app's event loop must keep turning; the login ends on its own later.
    test::LocalSshd sshd;
    const QString problem = sshd.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    SshSettings settings = sshd.settings(m_data->filePath(QStringLiteral("known_hosts_login")), m_target.name);
    settings.identityFiles = {sshd.path(QStringLiteral("client_enc"))};
    struct Gate
    {
        std::mutex mutex;
        std::condition_variable cv;
        bool asked = false;
        bool released = false;
    };
    auto gate = std::make_shared<Gate>();
    SshCallbacks callbacks;
    callbacks.hostKeyDecider = [](const HostKeyCheck&) {
        return HostKeyDecision::AcceptOnce;
    };
    callbacks.secrets = [gate](const SecretRequest&) -> std::optional<QString> {
        std::unique_lock lock(gate->mutex);
        gate->asked = true;
        gate->cv.notify_all();
        gate->cv.wait_for(lock, std::chrono::seconds(60), [&] { return gate->released; });
        return std::nullopt; // nobody answered
    };
    m_wizard.reset(newWizard(false));
    m_wizard->setHostFactory([settings, callbacks](const Target&) -> Result<std::shared_ptr<RemoteHost>> {
        return std::shared_ptr<RemoteHost>(std::make_shared<SshSession>(settings, callbacks));
    });
    fillValidAnswers(m_wizard.get());
    QTest::mouseClick(child<QPushButton>(m_wizard.get(), "wizardNext"), Qt::LeftButton);
    QVERIFY(waitUntil([&] {
        std::lock_guard lock(gate->mutex);
        return gate->asked;
    }));
    QPointer<PlanRunner> runner = m_wizard->runner();
    QVERIFY(runner);
    QVERIFY(runner->isRunning());

    // The longest gap between two turns of the event loop while the wizard closes.
    QElapsedTimer sinceTick;
    qint64 longestGap = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] { longestGap = std::max(longestGap, sinceTick.restart()); });
    sinceTick.start();
    ticker.start();
    QTest::qWait(100);
    QElapsedTimer closing;
    closing.start();
    m_wizard.reset(); // what closing the window does (WA_DeleteOnClose)
    const qint64 closeMs = closing.elapsed();
    QTest::qWait(500);
    ticker.stop();
    qInfo("closing took %lld ms; longest event-loop gap %lld ms", closeMs, longestGap);
    QVERIFY2(closeMs < 100, "closing the wizard waited for the login");
    QVERIFY2(longestGap < 100, "the event loop stalled");
    QVERIFY(runner); // still finishing its job elsewhere

    // The passphrase question ends unanswered; the login fails, the runner goes away.
    {
        std::lock_guard lock(gate->mutex);
        gate->released = true;
    }
    gate->cv.notify_all();
    QTRY_VERIFY_WITH_TIMEOUT(runner.isNull(), 30'000);
}

void TestDeployWizard::historyDialogShowsEachChangeWithItsDiff()
{
    m_wizard.reset(newWizard(true));
    fillValidAnswers(m_wizard.get());
    continueAndWaitForPreviews(m_wizard.get());
    QSignalSpy finished(m_wizard.get(), &DeployWizard::jobFinished);
    QTest::mouseClick(child<QPushButton>(m_wizard->stepPage(0), "stepApply"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return finished.count() == 1; }));
    SkipReasonDialog::setNextReason(QStringLiteral("not on this host"));
    QTest::mouseClick(child<QPushButton>(m_wizard->stepPage(1), "stepSkip"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return m_wizard->runner()->record(1).outcome == StepOutcome::Skipped; }, 10'000));

    QTest::mouseClick(child<QPushButton>(m_wizard.get(), "wizardHistory"), Qt::LeftButton);
    auto* dialog = m_wizard->findChild<HistoryDialog*>(QStringLiteral("historyDialog"));
    QVERIFY(dialog);
    auto* list = child<QTreeWidget>(dialog, "historyList");
    QVERIFY(waitUntil([&] { return list->topLevelItemCount() == 2; }, 10'000));
    // Newest first: the skip, then the apply.
    QCOMPARE(list->topLevelItem(0)->text(2), QStringLiteral("skip"));
    QCOMPARE(list->topLevelItem(0)->text(4), QStringLiteral("not on this host"));
    QCOMPARE(list->topLevelItem(1)->text(2), QStringLiteral("apply"));
    QCOMPARE(list->topLevelItem(1)->text(3), QStringLiteral("applied"));
    list->setCurrentItem(list->topLevelItem(1));
    const QString detail = child<QPlainTextEdit>(dialog, "historyDetail")->toPlainText();
    QVERIFY2(detail.contains(QStringLiteral("$ seq 1 3000")), qPrintable(detail));
    QVERIFY(detail.contains(m_hostRoot->path() + QStringLiteral("/etc/first.conf: created")));
    QVERIFY(detail.contains(QStringLiteral("+one\n+two")));
    QVERIFY(child<QLabel>(dialog, "historySummary")->text().startsWith(QStringLiteral("Changes: 2,")));
}

void TestDeployWizard::deployTabIsOnVmTargetsOnly()
{
    Profile::setDirectory(m_data->path());
    registerDeployCapability();
    const Target cluster = Target::makeCluster(QStringLiteral("cluster"), ClusterSettings{});
    TargetPage vmPage(m_target, nullptr, nullptr);
    TargetPage clusterPage(cluster, nullptr, nullptr);
    auto* wizard = vmPage.findChild<DeployWizard*>(QStringLiteral("deployTab"));
    QVERIFY(wizard);
    QCOMPARE(vmPage.tabs()->tabText(vmPage.tabs()->indexOf(wizard)), QStringLiteral("Deploy"));
    QVERIFY(!clusterPage.findChild<DeployWizard*>());
    // The wizard follows the target's edits, and fills the public name from the target.
    Target renamed = m_target;
    renamed.name = QStringLiteral("renamed-vm");
    vmPage.setTarget(renamed);
    QCOMPARE(wizard->target().name, QStringLiteral("renamed-vm"));
    QVERIFY(waitUntil(
        [&] { return child<QLineEdit>(wizard->answersPage(), "publicHost")->text() == QStringLiteral("sandbox.test"); },
        10'000));
}

// One name, one place: the public host chosen in the wizard is the target's from then on (its
// settings show it, and the next wizard and `deploy` start from it).
void TestDeployWizard::theDeploymentsPublicHostBecomesTheTargets()
{
    Profile::setDirectory(m_data->path());
    registerDeployCapability();
    Inventory inventory;
    QVERIFY(inventory.load(m_data->filePath(QStringLiteral("inventory.json"))).ok());
    Result<Target> added = inventory.add(m_target);
    QVERIFY(added.ok());
    TargetPage page(*added, &inventory, nullptr);
    connect(&inventory, &Inventory::targetChanged, &page, &TargetPage::setTarget);
    auto* wizard = page.findChild<DeployWizard*>(QStringLiteral("deployTab"));
    QVERIFY(wizard);
    wizard->setDataDirectory(m_data->path());
    const QString root = m_hostRoot->path();
    wizard->setHostFactory([root](const Target& t) -> Result<std::shared_ptr<RemoteHost>> {
        return std::shared_ptr<RemoteHost>(std::make_shared<LocalShellHost>(root, t.name));
    });
    wizard->setPlanFactory([root](VmDeployment) -> Result<VmPlanBuilder::Built> {
        VmPlanBuilder::Built built;
        built.plan.add(
            std::make_unique<FileStep>(QStringLiteral("first"), root + QStringLiteral("/etc/first.conf"), "one\n"));
        return built;
    });
    QSignalSpy loaded(wizard, &DeployWizard::loaded);
    wizard->load();
    QVERIFY(loaded.wait(10'000));
    fillValidAnswers(wizard);
    child<QLineEdit>(wizard->answersPage(), "publicHost")->setText(QStringLiteral("sandbox-two.test"));
    continueAndWaitForPreviews(wizard);
    QVERIFY(waitUntil([&] { return inventory.findById(added->id)->vm.publicHost.toString() == "sandbox-two.test"; },
                      10'000));
    QCOMPARE(wizard->target().vm.publicHost.toString(), QStringLiteral("sandbox-two.test"));
    Inventory reread;
    QVERIFY(reread.load(m_data->filePath(QStringLiteral("inventory.json"))).ok());
    QCOMPARE(reread.findById(added->id)->vm.publicHost.toString(), QStringLiteral("sandbox-two.test"));
}

QTEST_MAIN(TestDeployWizard)
#include "TestDeployWizard.moc"
