#include "gui/common/GuiTestBase.h"

#include "core/inventory/InventoryFile.h"
#include "ui/main/TargetTreeModel.h"
#include "ui/targets/BulkPage.h"
#include "ui/targets/ImportResultDialog.h"
#include "ui/targets/TargetDialog.h"
#include "ui/targets/TargetPage.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MessageBox.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTreeView>
#include <QTreeWidget>

using namespace aio;
using namespace aio::ui;

// The main window as a user meets it: adding, editing, duplicating, removing and importing
// targets, inline validation, the read-only banner, and the window remembering its geometry.
class TestMainWindow : public GuiTestBase
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void emptyInventoryShowsEmptyStateWithAddAndImportButtons();
    void addVmThroughDialogShowsItInSidebarAndFile();
    void badHostShowsInlineErrorAndKeepsOkDisabled();
    void takenNameIsRefusedInline();
    void passwordGoesToSecretStoreNotToInventoryFile();
    void addClusterThroughDialog();
    void clusterDialogOffersTheKubeconfigContexts();
    void editChangesSettingsPage();
    void duplicatePrefillsCopyName();
    void removeAsksAndCancelKeepsTarget();
    void removeAfterYesDeletesTarget();
    void corruptInventoryShowsBannerAndIsNeverOverwritten();
    void newerInventoryShowsBannerAndIsReadOnly();
    void importSshConfigReportsImportedAndSkipped();
    void importKubeconfigAddsClustersAndListsBrokenContexts();
    void importOfMissingFileSaysWhyAndAddsNothing();
    void geometryAndSplitterAreRemembered();
    void searchFiltersTheSidebarAndEnterOpensTheFirstMatch();
    void groupsFolderTheSidebarAndABulkSelectionActsOnAll();
    void bulkCheckReportsEachTarget();
    void everyActionableWidgetHasObjectAndAccessibleName();
    void registeredCapabilityAddsTabOnlyWhereItApplies();

private:
    // With AIO_GUI_GRAB_DIR set, saves a picture of widget there (for looking at layouts).
    static void grab(QWidget* widget, const QString& name);
    // Adds a VM through the dialog as a user would; returns when the dialog is gone.
    void addVmByDialog(const QString& name, const QString& host);
    QByteArray fileBytes(const QString& path) const;
};

void TestMainWindow::initTestCase()
{
    // No session bus (and no X display to autolaunch one): the keychain is unavailable, and it is
    // never the developer's real one.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
}

void TestMainWindow::init()
{
    newProfile();
}

void TestMainWindow::cleanup()
{
    closeWindow();
    SecretStore::clearMemory();
}

QByteArray TestMainWindow::fileBytes(const QString& path) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void TestMainWindow::grab(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("AIO_GUI_GRAB_DIR");
    if (dir.isEmpty() || !widget)
        return;
    QTest::qWait(100); // let pending layout requests run, as they would before the next paint
    widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

void TestMainWindow::addVmByDialog(const QString& name, const QString& host)
{
    action(QStringLiteral("actionAddVm"))->trigger();
    auto* dialog = waitForWindow<TargetDialog>(QStringLiteral("targetDialog"));
    QVERIFY(dialog);
    typeInto(QStringLiteral("nameEdit"), name);
    typeInto(QStringLiteral("hostEdit"), host);
    auto* ok = find<QPushButton>(QStringLiteral("okButton"));
    QVERIFY(ok);
    QVERIFY2(ok->isEnabled(), qPrintable(find<QLabel>(QStringLiteral("hostEditError"))->text()));
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")); }));
}

void TestMainWindow::emptyInventoryShowsEmptyStateWithAddAndImportButtons()
{
    createWindow();
    auto* stack = find<QStackedWidget>(QStringLiteral("centralStack"));
    QVERIFY(stack);
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("emptyState"));
    for (const char* name :
         {"emptyAddVmButton", "emptyAddClusterButton", "emptyImportSshButton", "emptyImportKubeButton"}) {
        auto* button = find<QPushButton>(QString::fromLatin1(name));
        QVERIFY2(button && button->isVisible() && button->isEnabled(), name);
        QVERIFY(!button->accessibleName().isEmpty());
    }
    QVERIFY(!find<MessageBanner>(QStringLiteral("inventoryBanner"))->isVisible());
    grab(window(), QStringLiteral("empty-state"));
    // The empty state's button opens the same dialog as the menu.
    QTest::mouseClick(find<QPushButton>(QStringLiteral("emptyAddVmButton")), Qt::LeftButton);
    QVERIFY(waitForWindow<TargetDialog>(QStringLiteral("targetDialog")));
}

void TestMainWindow::addVmThroughDialogShowsItInSidebarAndFile()
{
    createWindow();
    action(QStringLiteral("actionAddVm"))->trigger();
    auto* dialog = waitForWindow<TargetDialog>(QStringLiteral("targetDialog"));
    QVERIFY(dialog);
    auto* ok = find<QPushButton>(QStringLiteral("okButton"));
    QVERIFY(!ok->isEnabled()); // nothing typed yet
    typeInto(QStringLiteral("nameEdit"), QStringLiteral("prod-vm"));
    typeInto(QStringLiteral("hostEdit"), QStringLiteral("198.18.0.10"));
    typeInto(QStringLiteral("portEdit"), QStringLiteral("2222"));
    typeInto(QStringLiteral("userEdit"), QStringLiteral("deploy"));
    typeInto(QStringLiteral("publicHostEdit"), QStringLiteral("sandbox.example.test"));
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")); }));

    QCOMPARE(sidebarNames(TargetKind::Vm), QStringList{QStringLiteral("prod-vm")});
    QCOMPARE(sidebarNames(TargetKind::Cluster), QStringList());
    QCOMPARE(find<QStackedWidget>(QStringLiteral("centralStack"))->currentWidget()->objectName(),
             QStringLiteral("splitterHolder"));
    // It is selected and its page shows what was typed.
    QVERIFY(window()->currentTargetPage());
    QCOMPARE(window()->currentTargetPage()->target().name, QStringLiteral("prod-vm"));
    QCOMPARE(find<QLabel>(QStringLiteral("settingHost"))->text(), QStringLiteral("198.18.0.10"));
    QCOMPARE(find<QLabel>(QStringLiteral("settingPort"))->text(), QStringLiteral("2222"));
    // No "coming soon" tabs: with no capability registered, Settings is the only tab.
    QCOMPARE(window()->currentTargetPage()->tabs()->count(), 1);

    // And it is in the inventory file.
    const auto stored = InventoryFile::read(inventoryPath());
    QVERIFY(stored.ok());
    QCOMPARE(stored->size(), 1);
    QCOMPARE(stored->first().vm.user, QStringLiteral("deploy"));
    QCOMPARE(stored->first().vm.port.value(), quint16(2222));
    QCOMPARE(stored->first().vm.publicHost.toString(), QStringLiteral("sandbox.example.test"));
}

void TestMainWindow::badHostShowsInlineErrorAndKeepsOkDisabled()
{
    createWindow();
    action(QStringLiteral("actionAddVm"))->trigger();
    QVERIFY(waitForWindow<TargetDialog>(QStringLiteral("targetDialog")));
    typeInto(QStringLiteral("nameEdit"), QStringLiteral("web"));
    typeInto(QStringLiteral("hostEdit"), QStringLiteral("bad host;name"));
    auto* error = find<QLabel>(QStringLiteral("hostEditError"));
    QVERIFY(error);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("\" \"")) || error->text().contains(QStringLiteral("U+0020")),
             qPrintable(error->text()));
    auto* ok = find<QPushButton>(QStringLiteral("okButton"));
    QVERIFY(!ok->isEnabled());
    grab(visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")), QStringLiteral("vm-dialog-error"));
    // Pressing Enter does not get past the check either.
    QTest::keyClick(find<QLineEdit>(QStringLiteral("hostEdit")), Qt::Key_Return);
    QVERIFY(visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")));
    QCOMPARE(inventory()->count(), 0);

    // Fixing it clears the hint and enables OK, while typing.
    typeInto(QStringLiteral("hostEdit"), QStringLiteral("good-host.example.test"));
    QVERIFY(!error->isVisible());
    QVERIFY(ok->isEnabled());
    // A bad port is caught too.
    typeInto(QStringLiteral("portEdit"), QStringLiteral("70000"));
    QVERIFY(find<QLabel>(QStringLiteral("portEditError"))->isVisible());
    QVERIFY(!ok->isEnabled());
}

void TestMainWindow::takenNameIsRefusedInline()
{
    createWindow();
    addVmByDialog(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    action(QStringLiteral("actionAddVm"))->trigger();
    QVERIFY(waitForWindow<TargetDialog>(QStringLiteral("targetDialog")));
    typeInto(QStringLiteral("nameEdit"), QStringLiteral("web"));
    typeInto(QStringLiteral("hostEdit"), QStringLiteral("198.18.0.12"));
    auto* error = find<QLabel>(QStringLiteral("nameEditError"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("already exists")), qPrintable(error->text()));
    QVERIFY(!find<QPushButton>(QStringLiteral("okButton"))->isEnabled());
}

void TestMainWindow::passwordGoesToSecretStoreNotToInventoryFile()
{
    createWindow();
    const QString secret = QStringLiteral("pw-7f3a9c1e-never-on-disk");
    action(QStringLiteral("actionAddVm"))->trigger();
    QVERIFY(waitForWindow<TargetDialog>(QStringLiteral("targetDialog")));
    typeInto(QStringLiteral("nameEdit"), QStringLiteral("pw-vm"));
    typeInto(QStringLiteral("hostEdit"), QStringLiteral("198.18.0.13"));
    auto* auth = find<QComboBox>(QStringLiteral("authCombo"));
    auth->setCurrentIndex(auth->findData(int(SshAuthMethod::Password)));
    auto* password = find<QLineEdit>(QStringLiteral("passwordEdit"));
    QVERIFY(password->isVisible());
    QCOMPARE(password->echoMode(), QLineEdit::Password);
    typeInto(QStringLiteral("passwordEdit"), secret);
    QTest::mouseClick(find<QPushButton>(QStringLiteral("okButton")), Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")); }));

    const auto target = inventory()->findByName(QStringLiteral("pw-vm"));
    QVERIFY(target);
    QCOMPARE(target->vm.auth, SshAuthMethod::Password);
    // The SecretStore has it (in memory here: the test has no keychain service)…
    // (the write is asynchronous: ask until it has landed, a bounded number of times)
    SecretStore store;
    QString read;
    QString lastError;
    for (int attempt = 0; attempt < 50 && read.isEmpty(); ++attempt) {
        bool done = false;
        store.read(target->id, SecretKind::Password, this, [&](Result<QString> r) {
            done = true;
            read = r.valueOr(QString());
            if (!r)
                lastError = r.error().toString();
        });
        QVERIFY(waitUntil([&] { return done; }, 20000));
        if (read.isEmpty())
            QTest::qWait(50);
    }
    QVERIFY2(read == secret, qPrintable(lastError));
    // The window says the secret is not persisted.
    QVERIFY(waitUntil([] { return find<MessageBanner>(QStringLiteral("keychainBanner"))->isVisible(); }));
    QVERIFY(find<MessageBanner>(QStringLiteral("keychainBanner"))->title().contains(QStringLiteral("keychain")));
    // …and no file the app wrote holds it.
    closeWindow();
    QDirIterator it(profileDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        const QString path = it.next();
        ++files;
        QVERIFY2(!fileBytes(path).contains(secret.toUtf8()), qPrintable(path));
    }
    QVERIFY(files >= 2); // inventory.json and window.ini
}

void TestMainWindow::addClusterThroughDialog()
{
    const QString kubeconfig = profileDir() + QStringLiteral("/kubeconfig");
    QFile file(kubeconfig);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    file.close();
    createWindow();
    action(QStringLiteral("actionAddCluster"))->trigger();
    QVERIFY(waitForWindow<TargetDialog>(QStringLiteral("targetDialog")));
    typeInto(QStringLiteral("nameEdit"), QStringLiteral("staging"));
    typeInto(QStringLiteral("kubeconfigEdit"), profileDir() + QStringLiteral("/missing"));
    QVERIFY(find<QLabel>(QStringLiteral("kubeconfigEditError"))->isVisible());
    QVERIFY(!find<QPushButton>(QStringLiteral("okButton"))->isEnabled());
    typeInto(QStringLiteral("kubeconfigEdit"), kubeconfig);
    typeInto(QStringLiteral("namespaceEdit"), QStringLiteral("Bad_NS"));
    QVERIFY(find<QLabel>(QStringLiteral("namespaceEditError"))->isVisible());
    typeInto(QStringLiteral("namespaceEdit"), QStringLiteral("sandbox"));
    typeInto(QStringLiteral("contextEdit"), QStringLiteral("kind-staging"));
    auto* ok = find<QPushButton>(QStringLiteral("okButton"));
    QVERIFY(ok->isEnabled());
    grab(visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")), QStringLiteral("cluster-dialog"));
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")); }));
    QCOMPARE(sidebarNames(TargetKind::Cluster), QStringList{QStringLiteral("staging")});
    QCOMPARE(find<QLabel>(QStringLiteral("settingNamespace"))->text(), QStringLiteral("sandbox"));
    QCOMPARE(find<QLabel>(QStringLiteral("settingContext"))->text(), QStringLiteral("kind-staging"));
}

void TestMainWindow::clusterDialogOffersTheKubeconfigContexts()
{
    createWindow();
    action(QStringLiteral("actionAddCluster"))->trigger();
    auto* dialog = waitForWindow<TargetDialog>(QStringLiteral("targetDialog"));
    QVERIFY(dialog);
    QSignalSpy loaded(dialog, &TargetDialog::contextsLoaded);
    typeInto(QStringLiteral("kubeconfigEdit"), QStringLiteral(AIO_SOURCE_DIR "/tests/data/kubeconfig"));
    QVERIFY(loaded.wait(10000));
    auto* combo = find<QComboBox>(QStringLiteral("contextCombo"));
    QStringList offered;
    for (int i = 0; i < combo->count(); ++i)
        offered << combo->itemText(i);
    QVERIFY2(offered.contains(QStringLiteral("prod")) && offered.contains(QStringLiteral("staging")),
             qPrintable(offered.join(QLatin1Char(','))));
    QVERIFY(!offered.contains(QStringLiteral("ghost"))); // refers to a cluster the file does not define
    combo->setCurrentIndex(offered.indexOf(QStringLiteral("staging")));
    typeInto(QStringLiteral("nameEdit"), QStringLiteral("staging"));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("okButton")), Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")); }));
    QCOMPARE(inventory()->findByName(QStringLiteral("staging"))->cluster.context, QStringLiteral("staging"));
}

void TestMainWindow::editChangesSettingsPage()
{
    createWindow();
    addVmByDialog(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    action(QStringLiteral("actionEdit"))->trigger();
    auto* dialog = waitForWindow<TargetDialog>(QStringLiteral("targetDialog"));
    QVERIFY(dialog);
    QCOMPARE(dialog->mode(), TargetDialog::Mode::Edit);
    QCOMPARE(find<QLineEdit>(QStringLiteral("hostEdit"))->text(), QStringLiteral("198.18.0.11"));
    // Its own name is not "taken".
    QVERIFY(find<QPushButton>(QStringLiteral("okButton"))->isEnabled());
    typeInto(QStringLiteral("hostEdit"), QStringLiteral("198.18.0.99"));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("okButton")), Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")); }));
    QCOMPARE(inventory()->count(), 1);
    QCOMPARE(inventory()->findByName(QStringLiteral("web"))->vm.host.toString(), QStringLiteral("198.18.0.99"));
    QCOMPARE(find<QLabel>(QStringLiteral("settingHost"))->text(), QStringLiteral("198.18.0.99"));
    QCOMPARE(window()->currentTargetPage()->target().name, QStringLiteral("web"));
}

void TestMainWindow::duplicatePrefillsCopyName()
{
    createWindow();
    addVmByDialog(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    const QUuid original = inventory()->findByName(QStringLiteral("web"))->id;
    action(QStringLiteral("actionDuplicate"))->trigger();
    QVERIFY(waitForWindow<TargetDialog>(QStringLiteral("targetDialog")));
    QCOMPARE(find<QLineEdit>(QStringLiteral("nameEdit"))->text(), QStringLiteral("web (copy)"));
    QCOMPARE(find<QLineEdit>(QStringLiteral("hostEdit"))->text(), QStringLiteral("198.18.0.11"));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("okButton")), Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")); }));
    QCOMPARE(sidebarNames(TargetKind::Vm), (QStringList{QStringLiteral("web"), QStringLiteral("web (copy)")}));
    const auto copy = inventory()->findByName(QStringLiteral("web (copy)"));
    QVERIFY(copy);
    QVERIFY(copy->id != original);
    QCOMPARE(window()->selectedTargetId(), copy->id);
}

void TestMainWindow::removeAsksAndCancelKeepsTarget()
{
    createWindow();
    addVmByDialog(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    MessageBox::setNextAnswer(QMessageBox::Cancel);
    action(QStringLiteral("actionRemove"))->trigger();
    QVERIFY(!MessageBox::hasNextAnswer()); // the question was asked
    QCOMPARE(inventory()->count(), 1);
    QCOMPARE(sidebarNames(TargetKind::Vm), QStringList{QStringLiteral("web")});
}

void TestMainWindow::removeAfterYesDeletesTarget()
{
    createWindow();
    addVmByDialog(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    addVmByDialog(QStringLiteral("db"), QStringLiteral("198.18.0.12"));
    QVERIFY(window()->selectTarget(inventory()->findByName(QStringLiteral("web"))->id));
    MessageBox::setNextAnswer(QMessageBox::Yes);
    action(QStringLiteral("actionRemove"))->trigger();
    QCOMPARE(sidebarNames(TargetKind::Vm), QStringList{QStringLiteral("db")});
    QVERIFY(!InventoryFile::read(inventoryPath())->isEmpty());
    QCOMPARE(InventoryFile::read(inventoryPath())->first().name, QStringLiteral("db"));
    // The remaining target is selected; removing it too brings back the empty state.
    QCOMPARE(window()->currentTargetPage()->target().name, QStringLiteral("db"));
    MessageBox::setNextAnswer(QMessageBox::Yes);
    action(QStringLiteral("actionRemove"))->trigger();
    QCOMPARE(inventory()->count(), 0);
    QCOMPARE(find<QStackedWidget>(QStringLiteral("centralStack"))->currentWidget()->objectName(),
             QStringLiteral("emptyState"));
}

void TestMainWindow::corruptInventoryShowsBannerAndIsNeverOverwritten()
{
    const QByteArray garbage = "{\"format\": \"aio-sandbox-manager/inventory\", \"version\": 1, \"targets\": [ oops";
    QFile file(inventoryPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(garbage);
    file.close();

    createWindow();
    auto* banner = find<MessageBanner>(QStringLiteral("inventoryBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->title().contains(QStringLiteral("damaged")), qPrintable(banner->title()));
    QVERIFY2(banner->text().contains(inventoryPath()), qPrintable(banner->text()));
    grab(window(), QStringLiteral("corrupt-banner"));
    // Read-only: nothing that would write is enabled, and triggering it anyway does nothing.
    for (const char* name : {"actionAddVm", "actionAddCluster", "actionImportSshConfig", "actionImportKubeconfig",
                             "actionEdit", "actionDuplicate", "actionRemove"})
        QVERIFY2(!action(QString::fromLatin1(name))->isEnabled(), name);
    QVERIFY(!find<QPushButton>(QStringLiteral("emptyAddVmButton"))->isEnabled());
    window()->addVm();
    QVERIFY(!visibleTopLevel<TargetDialog>(QStringLiteral("targetDialog")));
    QVERIFY(find<QLabel>(QStringLiteral("statusCount"))->text().contains(QStringLiteral("read-only")));
    closeWindow();
    QCOMPARE(fileBytes(inventoryPath()), garbage);
}

void TestMainWindow::newerInventoryShowsBannerAndIsReadOnly()
{
    const QByteArray newer = "{\"format\": \"aio-sandbox-manager/inventory\", \"version\": 99, \"targets\": []}";
    QFile file(inventoryPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(newer);
    file.close();
    createWindow();
    auto* banner = find<MessageBanner>(QStringLiteral("inventoryBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->title().contains(QStringLiteral("newer version")), qPrintable(banner->title()));
    QVERIFY(!action(QStringLiteral("actionAddVm"))->isEnabled());
    closeWindow();
    QCOMPARE(fileBytes(inventoryPath()), newer);
}

void TestMainWindow::importSshConfigReportsImportedAndSkipped()
{
    const QString config = profileDir() + QStringLiteral("/ssh_config");
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("Include work.conf\n"
               "Host web\n"
               "    HostName 198.18.0.21\n"
               "    User deploy\n"
               "Host db\n"
               "    HostName 198.18.0.22\n"
               "    Port 2222\n"
               "Host broken\n"
               "    HostName bad;host\n"
               "Host *\n"
               "    ServerAliveInterval 30\n");
    file.close();
    QFile included(profileDir() + QStringLiteral("/work.conf"));
    QVERIFY(included.open(QIODevice::WriteOnly));
    included.write("Host lab\n    HostName 198.18.0.23\n");
    included.close();
    createWindow();
    FileDialog::setNextFileName(config);
    action(QStringLiteral("actionImportSshConfig"))->trigger();
    auto* dialog = waitForWindow<ImportResultDialog>(QStringLiteral("importResultDialog"), 10000);
    QVERIFY(dialog);
    QCOMPARE(dialog->importedList()->topLevelItemCount(), 3);
    QVERIFY(dialog->skippedList()->topLevelItemCount() >= 1);
    // The included file's host is in a group named after the file; the others in none.
    QCOMPARE(inventory()->findByName(QStringLiteral("lab"))->group, QStringLiteral("work"));
    QCOMPARE(inventory()->findByName(QStringLiteral("web"))->group, QString());
    bool brokenReported = false;
    for (int i = 0; i < dialog->skippedList()->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = dialog->skippedList()->topLevelItem(i);
        if (item->text(1) == QLatin1String("broken") && !item->text(2).isEmpty()
            && item->text(0).contains(QStringLiteral(":9")))
            brokenReported = true;
    }
    QVERIFY(brokenReported);
    grab(dialog, QStringLiteral("import-result"));
    QCOMPARE(sidebarNames(TargetKind::Vm),
             (QStringList{QStringLiteral("lab"), QStringLiteral("db"), QStringLiteral("web")}));
    // One group for all of them, chosen in the dialog.
    auto* group = find<QComboBox>(QStringLiteral("importGroup"));
    QVERIFY(group && group->isVisible());
    group->setCurrentText(QStringLiteral("Imported"));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("importGroupMove")), Qt::LeftButton);
    QCOMPARE(inventory()->select({QStringLiteral("Imported")}, {}).size(), 3);
    QCOMPARE(dialog->importedList()->topLevelItem(0)->text(2), QStringLiteral("Imported"));

    // Importing again adds nothing and says why for each entry.
    QTest::mouseClick(find<QPushButton>(QStringLiteral("closeButton")), Qt::LeftButton);
    QVERIFY(waitUntil([] { return !visibleTopLevel<ImportResultDialog>(QStringLiteral("importResultDialog")); }));
    FileDialog::setNextFileName(config);
    action(QStringLiteral("actionImportSshConfig"))->trigger();
    dialog = waitForWindow<ImportResultDialog>(QStringLiteral("importResultDialog"), 10000);
    QVERIFY(dialog);
    QCOMPARE(dialog->importedList()->topLevelItemCount(), 0);
    QCOMPARE(inventory()->count(), 3);
    bool webAlreadyThere = false;
    for (int i = 0; i < dialog->skippedList()->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = dialog->skippedList()->topLevelItem(i);
        webAlreadyThere |= item->text(1) == QLatin1String("web") && item->text(2).contains(QStringLiteral("already"));
    }
    QVERIFY(webAlreadyThere);
}

void TestMainWindow::importKubeconfigAddsClustersAndListsBrokenContexts()
{
    createWindow();
    FileDialog::setNextFileName(QStringLiteral(AIO_SOURCE_DIR "/tests/data/kubeconfig"));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("emptyImportKubeButton")), Qt::LeftButton);
    auto* dialog = waitForWindow<ImportResultDialog>(QStringLiteral("importResultDialog"), 10000);
    QVERIFY(dialog);
    const QStringList clusters = sidebarNames(TargetKind::Cluster);
    QVERIFY2(clusters.contains(QStringLiteral("prod")) && clusters.contains(QStringLiteral("staging")),
             qPrintable(clusters.join(QLatin1Char(','))));
    QCOMPARE(dialog->importedList()->topLevelItemCount(), clusters.size());
    QVERIFY(dialog->skippedList()->topLevelItemCount() >= 3);
    for (int i = 0; i < dialog->skippedList()->topLevelItemCount(); ++i)
        QVERIFY(!dialog->skippedList()->topLevelItem(i)->text(2).isEmpty());
    QVERIFY(sidebarNames(TargetKind::Vm).isEmpty());
}

void TestMainWindow::importOfMissingFileSaysWhyAndAddsNothing()
{
    createWindow();
    const QString missing = profileDir() + QStringLiteral("/no-such-ssh-config");
    FileDialog::setNextFileName(missing);
    action(QStringLiteral("actionImportSshConfig"))->trigger();
    auto* box = waitForWindow<QMessageBox>(QStringLiteral("messageBox"), 10000);
    QVERIFY(box);
    QVERIFY2(box->text().contains(missing), qPrintable(box->text()));
    QVERIFY(!box->informativeText().isEmpty());
    QVERIFY(!visibleTopLevel<ImportResultDialog>(QStringLiteral("importResultDialog")));
    box->button(QMessageBox::Ok)->click();
    QVERIFY(waitUntil([] { return !visibleTopLevel<QMessageBox>(QStringLiteral("messageBox")); }));
    QCOMPARE(inventory()->count(), 0);
}

void TestMainWindow::everyActionableWidgetHasObjectAndAccessibleName()
{
    createWindow();
    addVmByDialog(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    auto check = [](QWidget* root) {
        QList<QWidget*> widgets;
        for (QWidget* w : root->findChildren<QWidget*>()) {
            const bool actionable = qobject_cast<QAbstractButton*>(w) || qobject_cast<QLineEdit*>(w)
                || qobject_cast<QComboBox*>(w) || qobject_cast<QAbstractItemView*>(w)
                || qobject_cast<QPlainTextEdit*>(w);
            // Qt's own inner parts (a toolbar's overflow button) are named qt_*.
            if (actionable && w->isVisibleTo(root) && !w->objectName().startsWith(QLatin1String("qt_")))
                widgets << w;
        }
        QVERIFY(widgets.size() >= 5);
        for (QWidget* w : std::as_const(widgets)) {
            QVERIFY2(!w->objectName().isEmpty(), w->metaObject()->className());
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
        }
    };
    check(window());
    action(QStringLiteral("actionEdit"))->trigger();
    auto* dialog = waitForWindow<TargetDialog>(QStringLiteral("targetDialog"));
    QVERIFY(dialog);
    check(dialog);
    auto* auth = find<QComboBox>(QStringLiteral("authCombo"));
    auth->setCurrentIndex(auth->findData(int(SshAuthMethod::KeyFile)));
    check(dialog);
}

// The sidebar's search, as an admin uses it with many hosts: it narrows as they type (by name,
// address or user, every word must match), Enter opens the first match, and clearing it shows all.
void TestMainWindow::searchFiltersTheSidebarAndEnterOpensTheFirstMatch()
{
    createWindow();
    auto add = [this](const QString& name, const QString& host, const QString& user) {
        VmSettings vm;
        vm.host = HostName::parse(host).value();
        vm.user = user;
        QVERIFY(inventory()->add(Target::makeVm(name, vm)).ok());
    };
    add(QStringLiteral("web-1"), QStringLiteral("198.18.0.11"), QStringLiteral("deploy"));
    add(QStringLiteral("web-2"), QStringLiteral("198.18.0.12"), QStringLiteral("deploy"));
    add(QStringLiteral("db-main"), QStringLiteral("198.18.0.20"), QStringLiteral("postgres"));
    add(QStringLiteral("gpu-box"), QStringLiteral("gpu.lab.example"), QStringLiteral("ml"));
    QCOMPARE(sidebarNames(TargetKind::Vm).size(), 4);

    auto* search = find<QLineEdit>(QStringLiteral("targetSearch"));
    QVERIFY(search);
    QTest::mouseClick(search, Qt::LeftButton);
    QTest::keyClicks(search, QStringLiteral("WEB"));
    QCOMPARE(sidebarNames(TargetKind::Vm), (QStringList{QStringLiteral("web-1"), QStringLiteral("web-2")}));
    QVERIFY2(find<QLabel>(QStringLiteral("statusCount"))->text().contains(QStringLiteral("2 shown")),
             qPrintable(find<QLabel>(QStringLiteral("statusCount"))->text()));
    typeInto(QStringLiteral("targetSearch"), QStringLiteral("postgres")); // by user
    QCOMPARE(sidebarNames(TargetKind::Vm), QStringList{QStringLiteral("db-main")});
    typeInto(QStringLiteral("targetSearch"), QStringLiteral("lab gpu")); // by address, every word
    QCOMPARE(sidebarNames(TargetKind::Vm), QStringList{QStringLiteral("gpu-box")});
    typeInto(QStringLiteral("targetSearch"), QStringLiteral("198.18.0.1"));
    QCOMPARE(sidebarNames(TargetKind::Vm), (QStringList{QStringLiteral("web-1"), QStringLiteral("web-2")}));
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(window()->currentTargetPage()->target().name, QStringLiteral("web-1"));
    typeInto(QStringLiteral("targetSearch"), QStringLiteral("nothing-like-this"));
    QVERIFY(sidebarNames(TargetKind::Vm).isEmpty());
    // A target asked for by name (a new one, an import) is shown even when the search hid it.
    QVERIFY(window()->selectTarget(inventory()->findByName(QStringLiteral("db-main"))->id));
    QVERIFY(search->text().isEmpty());
    QCOMPARE(sidebarNames(TargetKind::Vm).size(), 4);
}

// Many targets organised: folders for groups (a subgroup inside its parent), filters by kind and
// tag that narrow the search, a group selected acts on its targets, several removed with one
// question, and targets dragged onto a folder join that group.
void TestMainWindow::groupsFolderTheSidebarAndABulkSelectionActsOnAll()
{
    createWindow();
    auto add = [this](const QString& name, const QString& host, const QString& group, const QStringList& tags) {
        VmSettings vm;
        vm.host = HostName::parse(host).value();
        vm.user = QStringLiteral("deploy");
        Target t = Target::makeVm(name, vm);
        t.group = group;
        t.tags = tags;
        QVERIFY(inventory()->add(t).ok());
    };
    add(QStringLiteral("web-1"), QStringLiteral("198.18.0.11"), QStringLiteral("Prod/Web"), {QStringLiteral("eu")});
    add(QStringLiteral("web-2"), QStringLiteral("198.18.0.12"), QStringLiteral("Prod/Web"), {QStringLiteral("us")});
    add(QStringLiteral("db"), QStringLiteral("198.18.0.13"), QStringLiteral("Prod"), {QStringLiteral("eu")});
    add(QStringLiteral("lab"), QStringLiteral("198.18.0.14"), QString(), {QStringLiteral("gpu")});
    Target cluster = Target::makeCluster(
        QStringLiteral("k8s"),
        ClusterSettings{QStringLiteral(AIO_SOURCE_DIR "/tests/data/kubeconfig"), QStringLiteral("prod"), {}, {}});
    cluster.group = QStringLiteral("Prod");
    cluster.tags = {QStringLiteral("eu")};
    QVERIFY(inventory()->add(cluster).ok());

    // The folders as shown: Prod (4) holding Web (2) first, then its own targets; lab outside.
    auto* tree = find<QTreeView>(QStringLiteral("targetTree"));
    QAbstractItemModel* model = tree->model();
    QCOMPARE(model->rowCount(), 2);
    const QModelIndex prod = model->index(0, 0);
    QCOMPARE(prod.data().toString(), QStringLiteral("Prod (4)"));
    QCOMPARE(model->index(0, 0, prod).data().toString(), QStringLiteral("Web (2)"));
    QCOMPARE(model->index(1, 0, prod).data().toString(), QStringLiteral("db"));
    QCOMPARE(model->index(1, 0).data().toString(), QStringLiteral("lab"));
    QCOMPARE(
        sidebarNames(TargetKind::Vm),
        (QStringList{QStringLiteral("web-1"), QStringLiteral("web-2"), QStringLiteral("db"), QStringLiteral("lab")}));

    // Filters: by tag, by kind, and with the search (by group name) on top.
    auto* tagFilter = find<QComboBox>(QStringLiteral("tagFilter"));
    auto* kindFilter = find<QComboBox>(QStringLiteral("kindFilter"));
    QCOMPARE(tagFilter->count(), 4); // any, eu, gpu, us
    tagFilter->setCurrentIndex(tagFilter->findData(QStringLiteral("eu")));
    QCOMPARE(sidebarNames(TargetKind::Vm), (QStringList{QStringLiteral("web-1"), QStringLiteral("db")}));
    QCOMPARE(sidebarNames(TargetKind::Cluster), QStringList{QStringLiteral("k8s")});
    kindFilter->setCurrentIndex(kindFilter->findData(int(TargetKind::Cluster)));
    QVERIFY(sidebarNames(TargetKind::Vm).isEmpty());
    kindFilter->setCurrentIndex(kindFilter->findData(int(TargetKind::Vm)));
    typeInto(QStringLiteral("targetSearch"), QStringLiteral("web"));
    QCOMPARE(sidebarNames(TargetKind::Vm), QStringList{QStringLiteral("web-1")});
    QVERIFY2(find<QLabel>(QStringLiteral("statusCount"))->text().contains(QStringLiteral("1 shown")),
             qPrintable(find<QLabel>(QStringLiteral("statusCount"))->text()));
    typeInto(QStringLiteral("targetSearch"), QString());
    tagFilter->setCurrentIndex(0);
    kindFilter->setCurrentIndex(0);

    // A group selected under a search acts on what the search shows of it.
    typeInto(QStringLiteral("targetSearch"), QStringLiteral("eu"));
    QVERIFY(window()->selectGroup(QStringLiteral("prod")));
    QCOMPARE(find<QLabel>(QStringLiteral("bulkTitle"))->text(), QStringLiteral("Group “Prod”"));
    QCOMPARE(window()->bulkPage()->targets().size(), 3);
    // The documentation's picture (scripts/screenshot-wizard.sh): groups, tags and a search.
    window()->resize(1280, 640);
    grab(window(), QStringLiteral("sidebar-groups-search"));
    typeInto(QStringLiteral("targetSearch"), QString());

    // A group selected: the bulk page lists its targets, subgroups included.
    QVERIFY(window()->selectGroup(QStringLiteral("prod")));
    auto* bulk = find<BulkPage>(QStringLiteral("bulkPage"));
    QVERIFY(bulk && bulk->isVisible());
    QCOMPARE(find<QLabel>(QStringLiteral("bulkTitle"))->text(), QStringLiteral("Group “Prod”"));
    QVERIFY(find<QLabel>(QStringLiteral("bulkSummary"))->text().startsWith(QStringLiteral("Targets: 4 (")));
    QCOMPARE(bulk->targets().size(), 4);
    QVERIFY(!action(QStringLiteral("actionEdit"))->isEnabled());
    QVERIFY(action(QStringLiteral("actionRemove"))->isEnabled());
    QVERIFY(action(QStringLiteral("actionRenameGroup"))->isEnabled());

    // Dragged onto the Web folder, lab joins Prod/Web (through the model, as a drop does).
    auto* sourceModel = qobject_cast<TargetTreeModel*>(qobject_cast<QSortFilterProxyModel*>(model)->sourceModel());
    const QModelIndex labRow = sourceModel->indexForId(inventory()->findByName(QStringLiteral("lab"))->id);
    std::unique_ptr<QMimeData> dragged(sourceModel->mimeData({labRow}));
    QVERIFY(dragged);
    QVERIFY(!model->dropMimeData(dragged.get(), Qt::MoveAction, -1, -1,
                                 model->index(0, 0, model->index(0, 0)))); // the view removes nothing itself
    QTRY_COMPARE(inventory()->findByName(QStringLiteral("lab"))->group, QStringLiteral("Prod/Web"));
    QCOMPARE(model->index(0, 0, model->index(0, 0)).data().toString(), QStringLiteral("Web (3)"));
    // Dropped on the empty space, it leaves every group.
    dragged.reset(sourceModel->mimeData({sourceModel->indexForId(inventory()->findByName(QStringLiteral("lab"))->id)}));
    model->dropMimeData(dragged.get(), Qt::MoveAction, -1, -1, QModelIndex());
    QTRY_COMPARE(inventory()->findByName(QStringLiteral("lab"))->group, QString());

    // Several picked by hand (Ctrl+click): one question lists them; the answer removes them at once.
    QVERIFY(window()->selectTarget(inventory()->findByName(QStringLiteral("web-1"))->id));
    const QModelIndex dbRow = qobject_cast<QSortFilterProxyModel*>(model)->mapFromSource(
        sourceModel->indexForId(inventory()->findByName(QStringLiteral("db"))->id));
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::ControlModifier, tree->visualRect(dbRow).center());
    QCOMPARE(window()->selectedTargets().size(), 2);
    QCOMPARE(find<QLabel>(QStringLiteral("bulkTitle"))->text(), QStringLiteral("Several targets selected"));
    // Tagging them keeps them selected (the next action acts on the same two).
    window()->changeTagsOfSelected({QStringLiteral("picked")}, {});
    QCOMPARE(inventory()->select({}, {QStringLiteral("picked")}).size(), 2);
    QCOMPARE(window()->selectedTargets().size(), 2);
    QCOMPARE(window()->selectedTargets().first().name, QStringLiteral("web-1"));
    const QByteArray before = fileBytes(inventoryPath());
    MessageBox::setNextAnswer(QMessageBox::Cancel);
    action(QStringLiteral("actionRemove"))->trigger();
    QCOMPARE(fileBytes(inventoryPath()), before);
    MessageBox::setNextAnswer(QMessageBox::Yes);
    action(QStringLiteral("actionRemove"))->trigger();
    QVERIFY(!inventory()->findByName(QStringLiteral("web-1")));
    QVERIFY(!inventory()->findByName(QStringLiteral("db")));
    QCOMPARE(inventory()->count(), 3);
    Inventory reloaded;
    QVERIFY(reloaded.load(inventoryPath()).ok());
    QCOMPARE(reloaded.count(), 3);
}

// Check connection on a group: every VM is tried (a few at a time, off the GUI thread), each row
// says what happened to it, a cluster is said not to be reached over SSH, and the page reports the
// totals. Ports on loopback where nothing listens refuse at once.
void TestMainWindow::bulkCheckReportsEachTarget()
{
    createWindow();
    QList<QUuid> ids;
    for (int i = 0; i < 6; ++i) {
        VmSettings vm;
        vm.host = HostName::parse(QStringLiteral("127.0.0.1")).value();
        vm.port = *Port::fromInt(1 + i); // nothing listens on ports 1 to 6 here
        vm.user = QStringLiteral("deploy");
        Target t = Target::makeVm(QStringLiteral("closed-%1").arg(i), vm);
        t.group = QStringLiteral("Closed");
        QVERIFY(inventory()->add(t).ok());
        ids << t.id;
    }
    Target cluster = Target::makeCluster(
        QStringLiteral("k8s"),
        ClusterSettings{QStringLiteral(AIO_SOURCE_DIR "/tests/data/kubeconfig"), QStringLiteral("prod"), {}, {}});
    cluster.group = QStringLiteral("Closed");
    QVERIFY(inventory()->add(cluster).ok());
    QVERIFY(window()->selectGroup(QStringLiteral("Closed")));
    BulkPage* bulk = window()->bulkPage();
    QSignalSpy finished(bulk, &BulkPage::checkFinished);
    QTest::mouseClick(find<QPushButton>(QStringLiteral("bulkCheck")), Qt::LeftButton);
    QVERIFY(bulk->isChecking());
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.first().at(0).toInt(), 0); // reached
    QCOMPARE(finished.first().at(1).toInt(), 6); // failed: the VMs; the cluster is not a failed login
    for (const QUuid& id : ids)
        QVERIFY2(bulk->resultText(id).startsWith(QStringLiteral("✗ ")), qPrintable(bulk->resultText(id)));
    QVERIFY2(bulk->resultText(cluster.id).contains(QStringLiteral("not reached over SSH")),
             qPrintable(bulk->resultText(cluster.id)));
    QVERIFY(!bulk->isChecking());
}

void TestMainWindow::geometryAndSplitterAreRemembered()
{
    createWindow();
    addVmByDialog(QStringLiteral("web"), QStringLiteral("198.18.0.11"));
    addVmByDialog(QStringLiteral("db"), QStringLiteral("198.18.0.12"));
    const QUuid web = inventory()->findByName(QStringLiteral("web"))->id;
    QVERIFY(window()->selectTarget(web)); // not the first in the list

    window()->resize(1010, 690);
    auto* splitter = find<QSplitter>(QStringLiteral("mainSplitter"));
    splitter->setSizes({333, 600});
    QTest::qWait(20);
    const QList<int> sizes = splitter->sizes();
    const QSize size = window()->size();
    QCOMPARE(size, QSize(1010, 690));
    closeWindow();
    QVERIFY(QFile::exists(settingsPath()));

    createWindow();
    QCOMPARE(window()->size(), size);
    QCOMPARE(find<QSplitter>(QStringLiteral("mainSplitter"))->sizes().first(), sizes.first());
    QCOMPARE(window()->selectedTargetId(), web);
    QCOMPARE(window()->currentTargetPage()->target().name, QStringLiteral("web"));
}

void TestMainWindow::registeredCapabilityAddsTabOnlyWhereItApplies()
{
    TargetCapability capability;
    capability.id = QStringLiteral("testVmOnlyTab");
    capability.title = QStringLiteral("VM only");
    capability.appliesTo = [](const Target& t) {
        return t.isVm();
    };
    capability.create = [](TargetPage* page) {
        auto* label = new QLabel(page->target().name);
        QObject::connect(page, &TargetPage::targetChanged, label, [label](const Target& t) { label->setText(t.name); });
        return label;
    };
    TargetPage::registerCapability(capability);

    Target vm = Target::makeVm(QStringLiteral("vm"), VmSettings{});
    Target cluster = Target::makeCluster(QStringLiteral("cluster"), ClusterSettings{});
    TargetPage vmPage(vm, nullptr, nullptr);
    TargetPage clusterPage(cluster, nullptr, nullptr);
    QCOMPARE(vmPage.tabs()->count(), 2);
    QCOMPARE(clusterPage.tabs()->count(), 1);
    auto* tab = vmPage.findChild<QLabel*>(QStringLiteral("testVmOnlyTab"));
    QVERIFY(tab);
    vm.name = QStringLiteral("renamed");
    vmPage.setTarget(vm);
    QCOMPARE(tab->text(), QStringLiteral("renamed"));
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
