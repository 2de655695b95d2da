#include "gui/common/GuiTestBase.h"

#include "core/inventory/KeychainProbe.h"
#include "core/inventory/SecretStore.h"
#include "ui/deploy/DeployWizard.h"
#include "ui/main/KeychainBanner.h"

#include <QCheckBox>
#include <QProcess>
#include <QPushButton>
#include <QtConcurrent/QtConcurrentRun>

using namespace aio;
using namespace aio::ui;

// The keychain on first use, as the admin meets it, against a real GNOME Keyring in each state the
// wrapper (tests/unit/inventory/with-test-keyring.sh) sets up through AIO_TEST_KEYRING:
//   none      no D-Bus session (but an X display, where an autolaunched keyring would prompt);
//   nokeyring no default keyring yet;  locked  a locked keyring whose prompt opens (on an Xvfb);
//   refusing  a locked keyring whose prompt cannot open;  unlocked  a keyring ready for use.
// The same tests run in every state and expect what that state should show.
class TestKeychainStates : public GuiTestBase
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void theBannerSaysWhatTheKeychainWillDoBeforeAnythingUsesIt();
    void noKeychainKeepsSecretsInMemoryWithoutAStrayPrompt();
    void aWaitingCallStopsWaitingWhenTheAdminChoosesMemory();
    void answeringNowEndsInTheTrueState();
    void theWizardOffersKeyFilesWhereThereIsNoKeychain();

private:
    static QString mode() { return qEnvironmentVariable("AIO_TEST_KEYRING", QStringLiteral("unlocked")); }
    KeychainBanner* banner() const { return find<KeychainBanner>(QStringLiteral("keychainBanner")); }
    bool probed() const { return banner() && banner()->probed(); }
    // Windows on the wrapper's Xvfb with a name (a keyring prompt has one); -1 without an Xvfb.
    static int namedWindows();
    static QString windowTree();
};

void TestKeychainStates::initTestCase()
{
    QVERIFY2(!mode().isEmpty(), "run through with-test-keyring.sh");
}

void TestKeychainStates::init()
{
    newProfile();
    createWindow();
}

void TestKeychainStates::cleanup()
{
    closeWindow();
}

QString TestKeychainStates::windowTree()
{
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        return {};
    QProcess p;
    p.start(QStringLiteral("xwininfo"), {QStringLiteral("-root"), QStringLiteral("-tree")});
    if (!p.waitForFinished(10000))
        return {};
    return QString::fromLocal8Bit(p.readAllStandardOutput());
}

int TestKeychainStates::namedWindows()
{
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        return -1;
    int named = 0;
    const QStringList lines = windowTree().split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        if (line.contains(QLatin1String(": (\"")))
            ++named;
    }
    return named;
}

void TestKeychainStates::theBannerSaysWhatTheKeychainWillDoBeforeAnythingUsesIt()
{
    QVERIFY(waitUntil([this] { return probed(); }, 10000));
    KeychainBanner* b = banner();
    const QString m = mode();
    if (m == QLatin1String("unlocked")) {
        QCOMPARE(int(b->state().kind), int(KeychainState::Kind::Ready));
        QVERIFY(!b->isVisible());
        QVERIFY(!SecretStore::memoryOnly());
        return;
    }
    QVERIFY(b->isVisible());
    if (m == QLatin1String("none")) {
        QCOMPARE(int(b->state().kind), int(KeychainState::Kind::Absent));
        QCOMPARE(b->title(), QStringLiteral("No system keychain is available"));
        QVERIFY2(b->text().contains(QStringLiteral("until the app quits")), qPrintable(b->text()));
        QVERIFY2(b->text().contains(QStringLiteral("files")), qPrintable(b->text())); // the other way offered
        QVERIFY(SecretStore::memoryOnly());
        return;
    }
    // A keychain that will ask: said before it asks, with both ways forward.
    if (m == QLatin1String("nokeyring")) {
        QCOMPARE(int(b->state().kind), int(KeychainState::Kind::NoKeyring));
        QCOMPARE(b->title(), QStringLiteral("The system keychain has no keyring yet"));
        QCOMPARE(find<QPushButton>(QStringLiteral("keychainPrepare"))->text(), QStringLiteral("Create keyring now"));
    } else {
        QCOMPARE(int(b->state().kind), int(KeychainState::Kind::Locked));
        QCOMPARE(b->title(), QStringLiteral("The system keychain is locked"));
        QCOMPARE(find<QPushButton>(QStringLiteral("keychainPrepare"))->text(), QStringLiteral("Unlock now"));
    }
    QVERIFY2(b->text().contains(QStringLiteral("window of its own")), qPrintable(b->text()));
    QVERIFY(find<QPushButton>(QStringLiteral("keychainMemoryOnly")));
    QVERIFY(!SecretStore::memoryOnly());
    // Nothing asked yet: the probe opened no prompt.
    if (m == QLatin1String("locked"))
        QVERIFY2(!windowTree().contains(QStringLiteral("Keyring")), qPrintable(windowTree()));
}

void TestKeychainStates::noKeychainKeepsSecretsInMemoryWithoutAStrayPrompt()
{
    if (mode() != QLatin1String("none"))
        QSKIP("only without a D-Bus session");
    QVERIFY(waitUntil([this] { return probed(); }, 10000));
    QVERIFY(SecretStore::memoryOnly() && SecretStore::noKeychain());
    QVERIFY2(!windowTree().isEmpty(), "xwininfo must run on the wrapper's Xvfb");
    const int before = namedWindows();
    QVERIFY(before >= 0);
    // A secret is kept (in memory), read back, and nothing on the display asked for anything:
    // calling the keychain here would autolaunch D-Bus and a keyring prompt on this display.
    SecretStore store;
    const QUuid id = QUuid::createUuid();
    std::optional<Status> written;
    store.write(id, SecretKind::Password, QStringLiteral("typed-once"), this, [&](Status s) { written = s; });
    QVERIFY(waitUntil([&] { return written.has_value(); }, 10000));
    QCOMPARE(int(written->error().kind), int(ErrorKind::KeychainUnavailable));
    auto read = QtConcurrent::run([&store, id] { return store.readBlocking(id, SecretKind::Password); });
    QVERIFY(waitUntil([&] { return read.isFinished(); }, 10000));
    QCOMPARE(read.result().valueOr(QString()), QStringLiteral("typed-once"));
    QTest::qWait(1500); // a stray prompt takes a moment to map
    QCOMPARE(namedWindows(), before);
    QVERIFY2(!windowTree().contains(QStringLiteral("eyring")), qPrintable(windowTree()));
}

void TestKeychainStates::answeringNowEndsInTheTrueState()
{
    const QString m = mode();
    if (m == QLatin1String("none") || m == QLatin1String("unlocked"))
        QSKIP("only where the keychain would ask");
    QVERIFY(waitUntil([this] { return probed(); }, 10000));
    QPushButton* prepare = find<QPushButton>(QStringLiteral("keychainPrepare"));
    QVERIFY(prepare);
    QTest::mouseClick(prepare, Qt::LeftButton);
    KeychainBanner* b = banner();
    if (m == QLatin1String("locked")) {
        // The keyring's own window asks; the banner says where, and offers to stop waiting.
        QCOMPARE(b->title(), QStringLiteral("Waiting for the system keychain"));
        QVERIFY2(!windowTree().isEmpty(), "xwininfo must run on the wrapper's Xvfb");
        QVERIFY2(waitUntil([] { return windowTree().contains(QStringLiteral("Unlock")); }, 15000),
                 qPrintable(windowTree()));
        QTest::mouseClick(find<QPushButton>(QStringLiteral("keychainMemoryOnly")), Qt::LeftButton);
        QVERIFY(waitUntil([b] { return b->title() == QStringLiteral("Secrets are kept in memory only"); }));
        QVERIFY(SecretStore::memoryOnly());
        return;
    }
    // No prompt can open: the keyring refuses, and the banner says so with both ways forward.
    QVERIFY2(waitUntil([b] { return b->title() == QStringLiteral("The system keychain refused"); }, 15000),
             qPrintable(b->title() + QLatin1Char(' ') + b->text()));
    QVERIFY(find<QPushButton>(QStringLiteral("keychainPrepare")));
    QVERIFY2(b->text().startsWith(QStringLiteral("It did not unlock or make a keyring")), qPrintable(b->text()));
    QCOMPARE(find<QPushButton>(QStringLiteral("keychainPrepare"))->text(), QStringLiteral("Try again"));
    QTest::mouseClick(find<QPushButton>(QStringLiteral("keychainMemoryOnly")), Qt::LeftButton);
    QVERIFY(waitUntil([b] { return b->title() == QStringLiteral("Secrets are kept in memory only"); }));
}

void TestKeychainStates::aWaitingCallStopsWaitingWhenTheAdminChoosesMemory()
{
    if (mode() != QLatin1String("locked"))
        QSKIP("only with a keyring whose prompt waits for the admin");
    // Choosing memory cannot be undone in a process: CTest runs this test alone (".locked-wait").
    QVERIFY(!SecretStore::memoryOnly());
    QVERIFY(waitUntil([this] { return probed(); }, 10000));
    // A deployment step stores a key from a worker thread; the keyring's window asks for its
    // password and nobody answers. The banner says so, and "Keep in memory" ends the wait.
    SecretStore store;
    const QUuid id = QUuid::createUuid();
    auto write = QtConcurrent::run(
        [&store, id] { return store.writeBlocking(id, SecretKind::SandboxApiKey, QStringLiteral("k-123")); });
    KeychainBanner* b = banner();
    QVERIFY(waitUntil([b] { return b->title() == QStringLiteral("Waiting for the system keychain"); }, 10000));
    QVERIFY2(b->text().contains(QStringLiteral("behind this one")), qPrintable(b->text()));
    QVERIFY(!write.isFinished());
    QTest::mouseClick(find<QPushButton>(QStringLiteral("keychainMemoryOnly")), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return write.isFinished(); }, 5000)); // not the 10-minute limit
    QCOMPARE(int(write.result().error().kind), int(ErrorKind::KeychainUnavailable));
    auto read = QtConcurrent::run([&store, id] { return store.readBlocking(id, SecretKind::SandboxApiKey); });
    QVERIFY(waitUntil([&] { return read.isFinished(); }, 5000));
    QCOMPARE(read.result().valueOr(QString()), QStringLiteral("k-123"));
    QCOMPARE(b->title(), QStringLiteral("Secrets are kept in memory only"));
}

void TestKeychainStates::theWizardOffersKeyFilesWhereThereIsNoKeychain()
{
    QVERIFY(waitUntil([this] { return probed(); }, 10000));
    VmSettings vm;
    vm.host = HostName::parse(QStringLiteral("198.18.0.10")).value();
    const Target t = Target::makeVm(QStringLiteral("vm"), vm);
    DeployWizard wizard(t, nullptr);
    wizard.setDataDirectory(profileDir());
    wizard.load();
    auto* files = wizard.findChild<QCheckBox*>(QStringLiteral("keysInFiles"));
    QVERIFY(files);
    QVERIFY(waitUntil([&] { return wizard.isLoaded(); }, 10000));
    // Without a keychain the keys would be lost when the app quits: files are proposed. Where one
    // exists (even if this run keeps secrets in memory) it may hold the keys: it stays the place.
    QCOMPARE(files->isChecked(), mode() == QLatin1String("none"));
    QVERIFY2(files->toolTip().contains(t.id.toString(QUuid::WithoutBraces)), qPrintable(files->toolTip()));
}

QTEST_MAIN(TestKeychainStates)
#include "TestKeychainStates.moc"
