#include "core/deploy/vm/PreflightFacts.h"
#include "core/deploy/vm/PreflightStep.h"

#include <QProcess>
#include <QTest>

using namespace aio;

class TestPreflightFacts : public QObject
{
    Q_OBJECT
private slots:
    void parsesTheProbeOutput();
    void foreignListenersAreFound();
    void missingPackagesFollowTheAnswers();
    void warningsForSmallHostsAndSkewedClocks();
    void userScriptRunsUnderDash();
};

namespace {
const QByteArray kUser = "os_id=debian\nos_like=\nos_version=12\nos_name=Debian GNU/Linux 12 (bookworm)\n"
                         "mem_kb=1012345\ndisk_kb=9000000\nclock=1700000000\nhas_docker=yes\nhas_nginx=no\n"
                         "has_nft=yes\nhas_certbot=no\nhas_apt-get=yes\nhas_ufw=no\nsystemd=no\n";
const QByteArray kRoot = "uid=0\ndocker_server=4.3.1\nnginx_running=no\nss=yes\n"
                         "listen=0.0.0.0:22 users:((\"sshd\",pid=5,fd=3))\n"
                         "listen=0.0.0.0:80 users:((\"python3\",pid=9,fd=3))\n"
                         "listen=[::]:443 users:((\"nginx\",pid=7,fd=6))\n";
} // namespace

void TestPreflightFacts::parsesTheProbeOutput()
{
    const PreflightFacts f = PreflightFacts::parse(kUser, kRoot);
    QCOMPARE(f.osId, QStringLiteral("debian"));
    QCOMPARE(f.osVersion, QStringLiteral("12"));
    QVERIFY(f.isDebianLike());
    QCOMPARE(f.memoryKb, qint64(1012345));
    QVERIFY(f.sudo);
    QVERIFY(f.dockerCli);
    QCOMPARE(f.dockerServerVersion, QStringLiteral("4.3.1"));
    QVERIFY(!f.nginx);
    QVERIFY(f.nft);
    QCOMPARE(f.listeners.size(), 2); // 22 is not ours to care about
}

void TestPreflightFacts::foreignListenersAreFound()
{
    const PreflightFacts f = PreflightFacts::parse(kUser, kRoot);
    const auto foreign = f.foreignListeners();
    QCOMPARE(foreign.size(), 1);
    QCOMPARE(foreign.first().port, quint16(80));
    QVERIFY(foreign.first().process.contains(QStringLiteral("python3")));
}

void TestPreflightFacts::missingPackagesFollowTheAnswers()
{
    const PreflightFacts f = PreflightFacts::parse(kUser, kRoot);
    VmDeployAnswers a;
    a.tlsMode = VmDeployAnswers::TlsMode::Acme;
    a.firewallTool = VmDeployAnswers::FirewallTool::Nftables;
    QCOMPARE(PreflightStep::missingPackages(f, a), (QStringList{QStringLiteral("nginx"), QStringLiteral("certbot")}));
    a.tlsMode = VmDeployAnswers::TlsMode::OwnCa;
    QCOMPARE(PreflightStep::missingPackages(f, a), QStringList{QStringLiteral("nginx")});
    const auto commands = PreflightStep::installCommands({QStringLiteral("nginx")});
    QCOMPARE(commands.size(), 2);
    QCOMPARE(
        commands.last().displayText(),
        QStringLiteral("sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx"));
}

void TestPreflightFacts::warningsForSmallHostsAndSkewedClocks()
{
    const PreflightFacts f = PreflightFacts::parse(kUser, kRoot);
    const QStringList w = PreflightStep::warningsFor(f, 1700000000 + 600);
    QVERIFY(!w.filter(QStringLiteral("2 GB")).isEmpty());
    QVERIFY(!w.filter(QStringLiteral("20 GB")).isEmpty());
    QVERIFY(!w.filter(QStringLiteral("-600 seconds")).isEmpty());
    QVERIFY(!w.filter(QStringLiteral("Port 80")).isEmpty());
    QVERIFY(PreflightStep::warningsFor(f, 1700000000 + 30).filter(QStringLiteral("seconds")).isEmpty());

    // An active ufw: a warning unless ufw is the tool the firewall step manages.
    PreflightFacts withUfw = f;
    withUfw.ufwActive = true;
    using Tool = VmDeployAnswers::FirewallTool;
    QCOMPARE(PreflightStep::warningsFor(withUfw, 0, Tool::None).filter(QStringLiteral("ufw is active")).size(), 1);
    QVERIFY(!PreflightStep::warningsFor(withUfw, 0, Tool::Nftables).filter(QStringLiteral("choose ufw")).isEmpty());
    QVERIFY(PreflightStep::warningsFor(withUfw, 0, Tool::Ufw).filter(QStringLiteral("ufw")).isEmpty());
}

void TestPreflightFacts::userScriptRunsUnderDash()
{
    // The real script, run by a real POSIX shell here: every key comes out.
    QProcess sh;
    sh.start(QStringLiteral("sh"), {QStringLiteral("-c"), PreflightFacts::userScript()});
    QVERIFY(sh.waitForFinished(30'000));
    QCOMPARE(sh.exitCode(), 0);
    const PreflightFacts f = PreflightFacts::parse(sh.readAllStandardOutput(), {});
    QVERIFY(!f.osId.isEmpty());
    QVERIFY(f.memoryKb > 0);
    QVERIFY(f.clockEpoch > 1700000000);
    QVERIFY(f.apt); // Debian here
}

QTEST_GUILESS_MAIN(TestPreflightFacts)
#include "TestPreflightFacts.moc"
