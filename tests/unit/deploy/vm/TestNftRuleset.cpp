#include "core/deploy/vm/HostFirewallStep.h"
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
};

void TestNftRuleset::rendersOurTableOnly()
{
    FirewallRules rules;
    rules.sshAllowed = {*Cidr::parse(QStringLiteral("198.18.0.0/24")), *Cidr::parse(QStringLiteral("2001:db8::/32"))};
    rules.sshClient = QHostAddress(QStringLiteral("203.0.113.7"));
    rules.sshPort = 2222;
    const QString expected = QStringLiteral("table inet aio_sandbox\n"
                                            "delete table inet aio_sandbox\n"
                                            "table inet aio_sandbox {\n"
                                            "    chain input {\n"
                                            "        type filter hook input priority filter; policy accept;\n"
                                            "        iif \"lo\" accept\n"
                                            "        ct state established,related accept\n"
                                            "        tcp dport { 80, 443 } accept\n"
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
    QVERIFY(schedule.startsWith(QStringLiteral("setsid sh -c ")));
    QVERIFY(schedule.contains(QStringLiteral("sleep 45; nft -f /var/lib/aio-sandbox/firewall.revert.nft")));
    QVERIFY(schedule.contains(QStringLiteral("</dev/null >/dev/null 2>&1 &")));
    QVERIFY(schedule.contains(QStringLiteral("echo $! > /run/aio-sandbox-firewall-revert.pid")));
    QVERIFY(HostFirewallStep::cancelRevertScript().contains(QStringLiteral("kill -TERM \"-$pid\"")));
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

QTEST_GUILESS_MAIN(TestNftRuleset)
#include "TestNftRuleset.moc"
