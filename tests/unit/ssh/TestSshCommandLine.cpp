#include "core/inventory/Target.h"
#include "core/ssh/SshSession.h"
#include "core/ssh/SshSettings.h"

#include <QProcess>
#include <QTest>

using namespace aio;

// The command text SshSession sends, and "[user@]host[:port]" hops; checked with a real sh.
class TestSshCommandLine : public QObject
{
    Q_OBJECT
private slots:
    void argumentsAreQuotedForSh();
    void sudoUsesNonInteractiveFirst();
    void sudoWithPasswordReadsItFromStdin();
    void hopsParse_data();
    void hopsParse();
    void inventoryTargetMapsToSettings();
};

void TestSshCommandLine::argumentsAreQuotedForSh()
{
    const QStringList argv{QStringLiteral("printf"), QStringLiteral("%s\\0"), QStringLiteral("a'b"),
                           QStringLiteral("$(id)"),  QStringLiteral("x\ny"),  QStringLiteral("")};
    const QString line = SshSession::commandLine(RemoteCommand::args(argv));
    QProcess sh;
    sh.start(QStringLiteral("sh"), {QStringLiteral("-c"), line});
    QVERIFY(sh.waitForFinished(5000));
    QCOMPARE(sh.readAllStandardOutput(), QByteArray("a'b\0$(id)\0x\ny\0\0", 15));
}

void TestSshCommandLine::sudoUsesNonInteractiveFirst()
{
    const QString line
        = SshSession::commandLine(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QCOMPARE(line, QStringLiteral("sudo -n -- sh -c 'id -u'"));
}

void TestSshCommandLine::sudoWithPasswordReadsItFromStdin()
{
    const QString line = SshSession::commandLine(RemoteCommand::shell(QStringLiteral("echo 'hi'")).asRoot(),
                                                 /*sudoNeedsPassword=*/true);
    QCOMPARE(line, QStringLiteral("sudo -k -S -p '' -- sh -c 'echo '\\''hi'\\'''"));
}

void TestSshCommandLine::hopsParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("host") << "bastion" << true << ""
                          << "bastion" << 0;
    QTest::newRow("user host port") << "ops@198.18.0.5:2222" << true << "ops"
                                    << "198.18.0.5" << 2222;
    QTest::newRow("ipv6") << "ops@[::1]:22" << true << "ops"
                          << "::1" << 22;
    QTest::newRow("empty user") << "@bastion" << false << ""
                                << "" << 0;
    QTest::newRow("bad port") << "bastion:99999" << false << ""
                              << "" << 0;
    QTest::newRow("shell junk") << "bastion;id" << false << ""
                                << "" << 0;
}

void TestSshCommandLine::hopsParse()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    auto hop = SshHop::parse(text);
    QCOMPARE(bool(hop), ok);
    if (!ok)
        return;
    QFETCH(QString, user);
    QFETCH(QString, host);
    QFETCH(int, port);
    QCOMPARE(hop->user, user);
    QCOMPARE(hop->host.toString(), host);
    QCOMPARE(int(hop->port), port);
}

void TestSshCommandLine::inventoryTargetMapsToSettings()
{
    VmSettings vm;
    vm.host = *HostName::parse(QStringLiteral("198.18.0.2"));
    vm.port = Port(2222);
    vm.user = QStringLiteral("deploy");
    vm.auth = SshAuthMethod::KeyFile;
    vm.keyPath = QStringLiteral("/keys/id_ed25519");
    vm.jumpHost = *JumpHost::parse(QStringLiteral("ops@198.18.0.5:2200"));
    const SshSettings s = SshSettings::forTarget(Target::makeVm(QStringLiteral("prod-vm"), vm));
    QCOMPARE(s.targetName, QStringLiteral("prod-vm"));
    QCOMPARE(s.host.toString(), QStringLiteral("198.18.0.2"));
    QCOMPARE(int(s.port), 2222);
    QCOMPARE(s.user, QStringLiteral("deploy"));
    QCOMPARE(s.identityFiles, QStringList{QStringLiteral("/keys/id_ed25519")});
    QVERIFY(!s.useAgent);
    QVERIFY(!s.allowPassword);
    QCOMPARE(s.jumpHosts.size(), 1);
    QCOMPARE(s.jumpHosts[0].toString(), QStringLiteral("ops@198.18.0.5:2200"));
    QCOMPARE(s.hostKeyPolicy, HostKeyPolicy::Ask);
    QVERIFY(!s.rootThroughSudo); // vm.sudo was left false: root commands run as the user
    vm.sudo = true;
    QVERIFY(SshSettings::forTarget(Target::makeVm(QStringLiteral("prod-vm"), vm)).rootThroughSudo);
}

QTEST_GUILESS_MAIN(TestSshCommandLine)
#include "TestSshCommandLine.moc"
