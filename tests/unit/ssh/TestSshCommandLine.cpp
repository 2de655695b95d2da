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

QTEST_GUILESS_MAIN(TestSshCommandLine)
#include "TestSshCommandLine.moc"
