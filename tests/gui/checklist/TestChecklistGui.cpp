#include "gui/common/GuiTestBase.h"

#include "common/WaitUntil.h"
#include "core/checklist/AuditStore.h"
#include "core/checklist/VmChecklist.h"
#include "ui/checklist/ChecklistCapability.h"
#include "ui/checklist/ChecklistPage.h"
#include "ui/checklist/FleetChecklist.h"
#include "ui/deploy/DeployCapability.h"
#include "ui/main/TargetTreeModel.h"
#include "ui/targets/BulkPage.h"
#include "ui/targets/TargetPage.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MessageBox.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>

using namespace aio;
using namespace aio::ui;

class TestChecklistGui : public GuiTestBase
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void storedAuditShowsOnThePageInTheSidebarAndInTheFleet();
    void auditOfAVmThatDoesNotAnswerIsNeverSafe();
    void recordedAuditOfTheExposedVmReadsLikeTheCli();

private:
    static Target vm(const QString& name, const QString& host, quint16 port = 22);
    static AuditReport audit(const Target& t, Verdict loopback);
    ChecklistPage* openChecklist(const QUuid& id);
    QString sidebarToolTip(const QUuid& id) const;
};

void TestChecklistGui::initTestCase()
{
    registerDeployCapability();
    registerChecklistCapability();
}

void TestChecklistGui::init()
{
    newProfile();
}

void TestChecklistGui::cleanup()
{
    closeWindow();
}

Target TestChecklistGui::vm(const QString& name, const QString& host, quint16 port)
{
    VmSettings s;
    s.host = HostName::parse(host).value();
    s.port = *Port::fromInt(port);
    s.user = QStringLiteral("deploy");
    return Target::makeVm(name, s);
}

AuditReport TestChecklistGui::audit(const Target& t, Verdict loopback)
{
    AuditReport a;
    a.targetName = t.name;
    a.targetId = t.id;
    a.address = t.vm.host.toString();
    a.started = QDateTime::currentDateTimeUtc().addSecs(-180);
    a.durationMs = 640;
    for (const CheckInfo& c : VmChecklist::catalog()) {
        CheckResult r{c.id, Verdict::Pass, QStringLiteral("fine"), {}};
        if (c.id == QLatin1String("vm.8080.loopback-binding")) {
            r.verdict = loopback;
            r.summary = QStringLiteral("Published beyond loopback: sandbox");
            r.addEvidence(QStringLiteral("docker inspect"),
                          QStringLiteral("sandbox (img:1.0): 0.0.0.0:8080->8080/tcp"));
        } else if (c.id == QLatin1String("cloud.security-group")) {
            r.verdict = Verdict::Manual;
        }
        a.results << r;
    }
    return a;
}

QString TestChecklistGui::sidebarToolTip(const QUuid& id) const
{
    auto* tree = find<QTreeView>(QStringLiteral("targetTree"));
    const QAbstractItemModel* model = tree->model();
    if (model->rowCount() == 0)
        return {};
    const QModelIndexList found
        = model->match(model->index(0, 0), TargetTreeModel::TargetIdRole, id, 1, Qt::MatchExactly | Qt::MatchRecursive);
    return found.isEmpty() ? QString() : found.first().data(Qt::ToolTipRole).toString();
}

ChecklistPage* TestChecklistGui::openChecklist(const QUuid& id)
{
    if (!window()->selectTarget(id))
        return nullptr;
    TargetPage* page = window()->currentTargetPage();
    for (int i = 0; page && i < page->tabs()->count(); ++i) {
        if (auto* checklist = qobject_cast<ChecklistPage*>(page->tabs()->widget(i))) {
            page->tabs()->setCurrentIndex(i);
            return checklist;
        }
    }
    return nullptr;
}

void TestChecklistGui::storedAuditShowsOnThePageInTheSidebarAndInTheFleet()
{
    createWindow();
    const Target web = vm(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    const Target db = vm(QStringLiteral("db"), QStringLiteral("198.18.0.12"));
    // Audited before this window opened (by the CLI, or an earlier run): web fails C1, db passes.
    QVERIFY(AuditStore::forProfile().add(audit(web, Verdict::Pass)).ok());
    QVERIFY(AuditStore::forProfile().add(audit(web, Verdict::Fail)).ok());
    QVERIFY(AuditStore::forProfile().add(audit(db, Verdict::Pass)).ok());
    QVERIFY(inventory()->add(web).ok());
    QVERIFY(inventory()->add(db).ok());

    // The sidebar says which one is red, without opening anything.
    // (Each target added rebuilds the sidebar, which loads the states in the background: wait for both.)
    QVERIFY(waitUntil([&] {
        return sidebarToolTip(web.id).contains(QStringLiteral("Checklist: FAILED"))
            && sidebarToolTip(db.id).contains(QStringLiteral("Checklist: to confirm"));
    }));
    QVERIFY(sidebarToolTip(web.id).contains(QStringLiteral("checked 3 min ago")));

    // The page: the guide's items with their checks, the failed one open, its evidence and fix.
    ChecklistPage* page = openChecklist(web.id);
    QVERIFY(page);
    auto* tree = page->findChild<QTreeWidget*>(QStringLiteral("checklistTree"));
    QVERIFY(waitUntil([&] { return tree->topLevelItemCount() > 0; }));
    QTreeWidgetItem* c1 = tree->topLevelItem(0);
    QVERIFY2(c1->text(0).startsWith(QStringLiteral("C1 — ")), qPrintable(c1->text(0)));
    QCOMPARE(c1->text(1), verdictText(Verdict::Fail));
    QVERIFY(c1->isExpanded());
    QVERIFY(!tree->topLevelItem(1)->isExpanded() || tree->topLevelItem(1)->text(1) != verdictText(Verdict::Pass));
    QVERIFY2(
        page->findChild<QLabel*>(QStringLiteral("checklistState"))->text().startsWith(QStringLiteral("At risk: 1 of")),
        qPrintable(page->findChild<QLabel*>(QStringLiteral("checklistState"))->text()));
    const QString changes = page->findChild<QLabel*>(QStringLiteral("checklistChanges"))->text();
    QVERIFY2(changes.contains(QStringLiteral("passed → FAILED")), qPrintable(changes)); // since the audit before
    // The failed check is the one selected: its evidence and its fix are shown.
    const QString details = page->findChild<QTextBrowser*>(QStringLiteral("checklistDetails"))->toPlainText();
    QVERIFY2(details.contains(QStringLiteral("0.0.0.0:8080->8080/tcp")), qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("How to fix:")), qPrintable(details));
    auto* fix = page->findChild<QPushButton*>(QStringLiteral("checklistFix"));
    QVERIFY(fix->isVisible());
    QTest::mouseClick(fix, Qt::LeftButton);
    TargetPage* targetPage = window()->currentTargetPage();
    QCOMPARE(targetPage->tabs()->currentWidget()->objectName(), QStringLiteral("deployTab"));
    auto* banner = targetPage->tabs()->currentWidget()->findChild<MessageBanner*>(QStringLiteral("wizardBanner"));
    QVERIFY(banner && banner->isVisible());

    // The security group is confirmed by hand: kept with who and when, and it passes.
    page = openChecklist(web.id);
    QTreeWidgetItem* manual = nullptr;
    for (QTreeWidgetItemIterator it(tree); *it; ++it) {
        if ((*it)->data(0, Qt::UserRole + 1).toString() == QLatin1String("cloud.security-group"))
            manual = *it;
    }
    QVERIFY(manual);
    tree->setCurrentItem(manual);
    auto* confirm = page->findChild<QPushButton*>(QStringLiteral("checklistConfirm"));
    QVERIFY(confirm->isVisible());
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(confirm, Qt::LeftButton);
    QVERIFY(waitUntil([&] {
        return AuditStore::forProfile().confirmations(web.id).contains(QStringLiteral("cloud.security-group"));
    }));
    QVERIFY(
        !AuditStore::forProfile().confirmations(web.id).value(QStringLiteral("cloud.security-group")).who.isEmpty());
    QVERIFY(waitUntil([&] {
        const CheckResult* r = page->shown() ? page->shown()->result(QStringLiteral("cloud.security-group")) : nullptr;
        return r && r->verdict == Verdict::Pass && r->summary.startsWith(QStringLiteral("Confirmed by "));
    }));

    // The fleet view: both targets, a column per guide item.
    QVERIFY(window()->selectTargets({web.id, db.id}));
    QTableWidget* table = window()->bulkPage()->fleet()->table();
    QCOMPARE(table->rowCount(), 2);
    int c1Column = -1;
    for (int c = 0; c < table->columnCount(); ++c) {
        if (table->horizontalHeaderItem(c)->text() == QLatin1String("C1"))
            c1Column = c;
    }
    QVERIFY(c1Column > 0);
    for (int row = 0; row < 2; ++row) {
        const bool isWeb = table->item(row, 0)->text() == QLatin1String("web");
        QCOMPARE(table->item(row, c1Column)->data(Qt::UserRole).toString(),
                 isWeb ? QStringLiteral("fail") : QStringLiteral("pass"));
        QCOMPARE(table->item(row, 1)->text(), verdictText(isWeb ? Verdict::Fail : Verdict::Manual));
    }
}

void TestChecklistGui::auditOfAVmThatDoesNotAnswerIsNeverSafe()
{
    createWindow();
    const Target closed = vm(QStringLiteral("closed"), QStringLiteral("127.0.0.1"), 1); // nothing listens on port 1
    QVERIFY(inventory()->add(closed).ok());
    ChecklistPage* page = openChecklist(closed.id);
    QVERIFY(page);
    QCOMPARE(page->findChild<QLabel*>(QStringLiteral("checklistState"))->text(), QStringLiteral("Not audited yet"));
    QSignalSpy finished(page, &ChecklistPage::auditFinished);
    QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("checklistRun")), Qt::LeftButton);
    QVERIFY(page->isAuditing());
    QVERIFY(finished.wait(60'000));
    const AuditReport a = finished.first().first().value<AuditReport>();
    QVERIFY(a.loginError.has_value());
    QVERIFY(a.overall() != Verdict::Pass);
    // What needs the VM itself could not be told, and says why.
    for (const char* id : {"vm.8080.loopback-binding", "vm.8080.no-public-listener", "vm.firewall", "container.limits",
                           "container.health", "auth.proxy-port-header", "nginx.limits"}) {
        const CheckResult* r = a.result(QString::fromLatin1(id));
        QVERIFY2(r && r->verdict == Verdict::Unknown && r->summary.startsWith(QStringLiteral("Could not tell: ")), id);
    }
    QVERIFY(!page->findChild<QLabel*>(QStringLiteral("checklistState"))->text().startsWith(QStringLiteral("Safe")));
    // Kept, and in the sidebar.
    QCOMPARE(AuditStore::forProfile().audits(closed.id)->size(), 1);
    QVERIFY(waitUntil([&] { return sidebarToolTip(closed.id).contains(QStringLiteral("Checklist: ")); }));
}

// A real audit of the testbed's hand-made bad deployment (vm-exposed), recorded with `check --json`
// (tests/data/checklist/), shown the way the admin sees it: every failure with its evidence.
// With AIO_GUI_GRAB_DIR set, the page, the sidebar and the fleet view are saved as pictures there.
void TestChecklistGui::recordedAuditOfTheExposedVmReadsLikeTheCli()
{
    QFile recorded(QStringLiteral(AIO_SOURCE_DIR "/tests/data/checklist/vm-exposed-audit.json"));
    QVERIFY(recorded.open(QIODevice::ReadOnly));
    Result<AuditReport> exposedAudit
        = AuditReport::fromJson(QJsonDocument::fromJson(recorded.readAll()).array().first().toObject());
    QVERIFY(exposedAudit);
    createWindow();
    window()->resize(1280, 800);
    Target exposed = vm(QStringLiteral("vm-exposed"), QStringLiteral("198.18.0.4"));
    exposed.vm.publicHost = *HostName::parse(QStringLiteral("sandbox-exposed.test"));
    exposed.group = QStringLiteral("Lab");
    exposedAudit->targetId = exposed.id;
    exposedAudit->started = QDateTime::currentDateTimeUtc().addSecs(-120);
    QVERIFY(AuditStore::forProfile().add(*exposedAudit).ok());
    QList<QUuid> ids{exposed.id};
    for (const auto& [name, host, loopback] :
         {std::tuple{QStringLiteral("vm-ready"), QStringLiteral("198.18.0.2"), Verdict::Pass},
          std::tuple{QStringLiteral("vm-scratch"), QStringLiteral("198.18.0.6"), Verdict::Pass}}) {
        Target t = vm(name, host);
        t.group = QStringLiteral("Lab");
        QVERIFY(AuditStore::forProfile().add(audit(t, loopback)).ok());
        QVERIFY(inventory()->add(t).ok());
        ids << t.id;
    }
    QVERIFY(inventory()->add(exposed).ok());
    QVERIFY(waitUntil([&] { return sidebarToolTip(exposed.id).contains(QStringLiteral("Checklist: FAILED")); }));

    ChecklistPage* page = openChecklist(exposed.id);
    auto* tree = page->findChild<QTreeWidget*>(QStringLiteral("checklistTree"));
    QVERIFY(waitUntil([&] { return tree->topLevelItemCount() > 0; }));
    // The same verdicts as the CLI printed, and the failures open first.
    QCOMPARE(page->shown()->count(Verdict::Fail), exposedAudit->count(Verdict::Fail));
    QVERIFY(tree->currentItem() && tree->currentItem()->text(1) == verdictText(Verdict::Fail));
    const QString details = page->findChild<QTextBrowser*>(QStringLiteral("checklistDetails"))->toPlainText();
    QVERIFY2(details.contains(QStringLiteral("0.0.0.0:8080->8080/tcp")), qPrintable(details));
    const QString grabDir = qEnvironmentVariable("AIO_GUI_GRAB_DIR");
    if (!grabDir.isEmpty()) {
        QTest::qWait(150);
        window()->grab().save(grabDir + QStringLiteral("/checklist-page.png"));
    }
    QVERIFY(window()->selectGroup(QStringLiteral("Lab")));
    QCOMPARE(window()->bulkPage()->fleet()->table()->rowCount(), 3);
    if (!grabDir.isEmpty()) {
        QTest::qWait(150);
        window()->grab().save(grabDir + QStringLiteral("/checklist-fleet.png"));
    }
}

QTEST_MAIN(TestChecklistGui)
#include "TestChecklistGui.moc"
