#include "core/deploy/vm/HostFirewallStep.h"
#include "core/deploy/vm/Listeners.h"
#include "core/deploy/vm/NftRuleset.h"

#include <QTest>

using namespace aio;

class TestNftRuleset : public QObject
{
    Q_OBJECT
private slots:
    void rendersOurTableOnly();
    void mappedIpv4ClientIsWrittenAsIpv4();
    void removalDeletesOnlyOurTable();
    void revertJobIsDetachedAndCancellable();
    void checklistNeverOpens8080();
    void listenersThatWouldBeCutOffAreNamed();
};

void TestNftRuleset::rendersOurTableOnly()
{
    FirewallRules rules;
    rules.sshAllowed = {*Cidr::parse(QStringLiteral("198.18.0.0/24")), *Cidr::parse(QStringLiteral("2001:db8::/32"))};
    rules.sshClient = QHostAddress(QStringLiteral("203.0.113.7"));
    rules.sshPort = 2222;
    rules.keptPorts = {5432, 443, 2222, 8080}; // only 5432 is new; SSH and 8080 keep their own rules
    const QString expected = QStringLiteral("table inet aio_sandbox\n"
                                            "delete table inet aio_sandbox\n"
                                            "table inet aio_sandbox {\n"
                                            "    chain input {\n"
                                            "        type filter hook input priority filter; policy drop;\n"
                                            "        iif \"lo\" accept\n"
                                            "        ct state established,related accept\n"
                                            "        ct state invalid drop\n"
                                            "        meta l4proto { icmp, icmpv6 } accept\n"
                                            "        udp dport { 68, 546 } accept\n"
                                            "        tcp dport { 80, 443, 5432 } accept\n"
                                            "        ip saddr 203.0.113.7 tcp dport 2222 accept\n"
                                            "        ip saddr 198.18.0.0/24 tcp dport 2222 accept\n"
                                            "        ip6 saddr 2001:db8::/32 tcp dport 2222 accept\n"
                                            "        tcp dport 2222 drop\n"
                                            "        tcp dport 8080 drop\n"
                                            "    }\n"
                                            "}\n");
    QCOMPARE(NftRuleset::render(rules), expected);
}

void TestNftRuleset::mappedIpv4ClientIsWrittenAsIpv4()
{
    FirewallRules rules;
    rules.sshClient = QHostAddress(QStringLiteral("::ffff:198.18.0.1"));
    QVERIFY(NftRuleset::render(rules).contains(QStringLiteral("ip saddr 198.18.0.1 tcp dport 22 accept")));
}

void TestNftRuleset::removalDeletesOnlyOurTable()
{
    QCOMPARE(NftRuleset::removal(), QStringLiteral("table inet aio_sandbox\ndelete table inet aio_sandbox\n"));
}

void TestNftRuleset::revertJobIsDetachedAndCancellable()
{
    const QString schedule = HostFirewallStep::scheduleRevertScript(45);
    // Without systemd: a setsid job whose process group the cancel kills.
    QVERIFY(schedule.contains(QStringLiteral("  setsid sh -c ")));
    QVERIFY(schedule.contains(QStringLiteral("sleep 45; nft -f /var/lib/aio-sandbox/firewall.revert.nft")));
    QVERIFY(schedule.contains(QStringLiteral("</dev/null >/dev/null 2>&1 &")));
    QVERIFY(schedule.contains(QStringLiteral("echo $! > /run/aio-sandbox-firewall-revert.pid")));
    QVERIFY(HostFirewallStep::cancelRevertScript().contains(QStringLiteral("kill -TERM \"-$pid\"")));
    // With systemd: a transient timer, which outlives the SSH session even with KillUserProcesses=yes.
    QVERIFY(schedule.startsWith(
        QStringLiteral("if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then\n")));
    QVERIFY2(schedule.contains(QStringLiteral(
                 "systemd-run --quiet --unit=aio-sandbox-firewall-revert --on-active=45 "
                 "--timer-property=AccuracySec=1s /bin/sh -c 'nft -f /var/lib/aio-sandbox/firewall.revert.nft; rm -f "
                 "/run/aio-sandbox-firewall-revert.pid' || exit 1\n")),
             qPrintable(schedule));
    QVERIFY(schedule.contains(QStringLiteral("echo systemd:aio-sandbox-firewall-revert > "
                                             "/run/aio-sandbox-firewall-revert.pid")));
    QVERIFY(HostFirewallStep::cancelRevertScript().contains(
        QStringLiteral("systemctl is-active --quiet \"$unit.timer\" && systemctl stop \"$unit.timer\"")));
}

void TestNftRuleset::checklistNeverOpens8080()
{
    VmDeployAnswers a;
    a.adminSshCidrs = {*Cidr::parse(QStringLiteral("203.0.113.0/24"))};
    const QStringList list = HostFirewallStep::securityGroupChecklist(a);
    QCOMPARE(list.size(), 5);
    QVERIFY(list.filter(QStringLiteral("8080")).first().contains(QStringLiteral("NO inbound rule")));
    QVERIFY(list.filter(QStringLiteral("22")).first().contains(QStringLiteral("203.0.113.0/24")));
}

void TestNftRuleset::listenersThatWouldBeCutOffAreNamed()
{
    // `ss -H -ltnp` as root on a Debian VM: sshd and nginx on every address, a resolver and the
    // sandbox on loopback, postgres public on both families, a test service on one address.
    const QByteArray ss
        = "LISTEN 0      128          0.0.0.0:22         0.0.0.0:*    users:((\"sshd\",pid=412,fd=3))\n"
          "LISTEN 0      511          0.0.0.0:443        0.0.0.0:*    users:((\"nginx\",pid=9,fd=7))\n"
          "LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*    users:((\"systemd-resolve\",pid=3,fd=14))\n"
          "LISTEN 0      4096       127.0.0.1:8080       0.0.0.0:*    users:((\"docker-proxy\",pid=7,fd=4))\n"
          "LISTEN 0      244          0.0.0.0:5432       0.0.0.0:*    users:((\"postgres\",pid=70,fd=5))\n"
          "LISTEN 0      244             [::]:5432          [::]:*    users:((\"postgres\",pid=70,fd=6))\n"
          "LISTEN 0      5         198.18.0.2:9000       0.0.0.0:*\n"
          "LISTEN 0      128            [::1]:631          [::]:*\n"
          "LISTEN 0      128  [::ffff:127.0.0.1]:7000       *:*\n"
          "garbage line\n"
          "LISTEN 0 1 0.0.0.0:99999 0.0.0.0:*\n";
    const QList<Listener> all = Listeners::parse(ss);
    QCOMPARE(all.size(), 9);
    QCOMPARE(all.at(2).address, QStringLiteral("127.0.0.53"));
    QVERIFY(all.at(2).isLoopback());
    QCOMPARE(all.at(5).address, QStringLiteral("::"));
    QCOMPARE(all.at(4).process, QStringLiteral("postgres"));
    QVERIFY(all.at(8).isLoopback());
    QCOMPARE(
        Listeners::cutOff(all, {22, 80, 443}),
        (QStringList{QStringLiteral("5432 (postgres, on 0.0.0.0 and ::)"), QStringLiteral("9000 (on 198.18.0.2)")}));
    QCOMPARE(Listeners::cutOff(all, {22, 80, 443, 5432, 9000}), QStringList());
}

QTEST_GUILESS_MAIN(TestNftRuleset)
#include "TestNftRuleset.moc"
