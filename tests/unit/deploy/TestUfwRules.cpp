// The ufw path of the host firewall step: the commands rendered for admin networks and clients,
// what `ufw show added` / `ufw status verbose` are read as, which existing rules are removed, the
// backup and restore scripts, and that hostile answers never reach a ufw command line.
#include "core/common/ShellQuote.h"
#include "core/deploy/VmDeployAnswers.h"
#include "core/deploy/vm/HostFirewallStep.h"
#include "core/deploy/vm/UfwRules.h"
#include "core/ssh/RemoteHost.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace aio;

class TestUfwRules : public QObject
{
    Q_OBJECT
private slots:
    void rendersClientFirstThenCidrsPortsAndDeny();
    void ipv6ClientAndNetworks();
    void mappedIpv4ClientIsWrittenAsIpv4();
    void unknownClientIsRefused();
    void argumentsAreQuotedOnTheCommandLine();
    void parsesShowAddedAndStatus();
    void missingIgnoresCommentsAndPrepend();
    void conflictingRulesAreDeleted_data();
    void conflictingRulesAreDeleted();
    void splitLineKeepsQuotedComments();
    void backupAndRestoreScripts();
    void revertJobRunsTheRestoreScript();
    void hostileAnswersAreRefused_data();
    void hostileAnswersAreRefused();

private:
    static FirewallRules sample();
};

FirewallRules TestUfwRules::sample()
{
    FirewallRules r;
    r.sshAllowed = {*Cidr::parse(QStringLiteral("198.18.0.0/24")), *Cidr::parse(QStringLiteral("203.0.113.7/32"))};
    r.sshClient = QHostAddress(QStringLiteral("192.0.2.10"));
    r.sshPort = 2222;
    return r;
}

void TestUfwRules::rendersClientFirstThenCidrsPortsAndDeny()
{
    FirewallRules input = sample();
    input.keptPorts = {5432, 443, 2222, 8080}; // only 5432 is new; SSH and 8080 keep their own rules
    Result<QList<QStringList>> rules = UfwRules::rules(input);
    QVERIFY(rules.ok());
    QStringList lines;
    for (const QStringList& r : *rules)
        lines << r.join(QLatin1Char('|'));
    const QStringList expected{
        QStringLiteral("prepend|allow|from|192.0.2.10|to|any|port|2222|proto|tcp|comment|aio: this admin connection"),
        QStringLiteral("allow|from|198.18.0.0/24|to|any|port|2222|proto|tcp|comment|aio: admin SSH"),
        QStringLiteral("allow|from|203.0.113.7|to|any|port|2222|proto|tcp|comment|aio: admin SSH"),
        QStringLiteral("allow|80/tcp|comment|aio: web"),
        QStringLiteral("allow|443/tcp|comment|aio: web"),
        QStringLiteral("allow|5432/tcp|comment|aio: kept open"),
        QStringLiteral("deny|8080/tcp|comment|aio: sandbox port, only through nginx"),
    };
    QCOMPARE(lines, expected);
    QCOMPARE(UfwRules::finalCommands(),
             (QList<QStringList>{{QStringLiteral("default"), QStringLiteral("deny"), QStringLiteral("incoming")},
                                 {QStringLiteral("--force"), QStringLiteral("enable")}}));
    QCOMPARE(UfwRules::addedForm(rules->first()),
             QStringLiteral("allow from 192.0.2.10 to any port 2222 proto tcp comment 'aio: this admin connection'"));
}

void TestUfwRules::ipv6ClientAndNetworks()
{
    FirewallRules r;
    r.sshAllowed = {*Cidr::parse(QStringLiteral("2001:db8::/32")), *Cidr::parse(QStringLiteral("2001:db8:1::5/128"))};
    r.sshClient = QHostAddress(QStringLiteral("2001:db8:ffff::42"));
    Result<QList<QStringList>> rules = UfwRules::rules(r);
    QVERIFY(rules.ok());
    QCOMPARE(rules->at(0).mid(0, 8),
             (QStringList{QStringLiteral("prepend"), QStringLiteral("allow"), QStringLiteral("from"),
                          QStringLiteral("2001:db8:ffff::42"), QStringLiteral("to"), QStringLiteral("any"),
                          QStringLiteral("port"), QStringLiteral("22")}));
    QCOMPARE(rules->at(1).at(2), QStringLiteral("2001:db8::/32"));
    QCOMPARE(rules->at(2).at(2), QStringLiteral("2001:db8:1::5")); // a single host, as ufw prints it
}

void TestUfwRules::mappedIpv4ClientIsWrittenAsIpv4()
{
    FirewallRules r;
    r.sshClient = QHostAddress(QStringLiteral("::ffff:198.18.0.1"));
    Result<QList<QStringList>> rules = UfwRules::rules(r);
    QVERIFY(rules.ok());
    QCOMPARE(rules->first().at(3), QStringLiteral("198.18.0.1"));
}

void TestUfwRules::unknownClientIsRefused()
{
    FirewallRules r = sample();
    r.sshClient = QHostAddress();
    QVERIFY(!UfwRules::rules(r).ok());
    r = sample();
    r.sshPort = 0;
    QVERIFY(!UfwRules::rules(r).ok());
    // missing() then reports the refusal instead of claiming everything is in place.
    QVERIFY(!UfwRules::missing({}, r).isEmpty());
}

void TestUfwRules::argumentsAreQuotedOnTheCommandLine()
{
    Result<QList<QStringList>> rules = UfwRules::rules(sample());
    QVERIFY(rules.ok());
    const RemoteCommand c = RemoteCommand::args(QStringList{QStringLiteral("ufw")} + rules->first()).asRoot();
    const QString shown = c.displayText();
    QVERIFY2(shown.contains(QStringLiteral("ufw prepend allow from 192.0.2.10 to any port 2222 proto tcp comment ")
                            + shellQuote(QStringLiteral("aio: this admin connection"))),
             qPrintable(shown));
}

void TestUfwRules::parsesShowAddedAndStatus()
{
    const QByteArray added = "Added user rules (see 'ufw status' for running firewall):\n"
                             "ufw allow from 198.18.0.1 to any port 22 proto tcp comment 'aio: this admin connection'\n"
                             "ufw allow 22/tcp\n"
                             "ufw deny 8080/tcp comment 'x y'\n";
    QCOMPARE(UfwRules::parseAdded(added),
             (QStringList{
                 QStringLiteral("allow from 198.18.0.1 to any port 22 proto tcp comment 'aio: this admin connection'"),
                 QStringLiteral("allow 22/tcp"), QStringLiteral("deny 8080/tcp comment 'x y'")}));
    QVERIFY(UfwRules::parseAdded("Added user rules (see 'ufw status' for running firewall):\n(None)\n").isEmpty());

    const UfwStatus active = UfwRules::parseStatus("Status: active\nLogging: on (low)\n"
                                                   "Default: deny (incoming), allow (outgoing), disabled (routed)\n"
                                                   "New profiles: skip\n\nTo  Action  From\n");
    QVERIFY(active.active);
    QCOMPARE(active.defaultIncoming, QStringLiteral("deny"));
    const UfwStatus inactive = UfwRules::parseStatus("Status: inactive\n");
    QVERIFY(!inactive.active);
    QVERIFY(inactive.defaultIncoming.isEmpty());
    QCOMPARE(UfwRules::parseStatus("Status: active\nDefault: allow (incoming), allow (outgoing)\n").defaultIncoming,
             QStringLiteral("allow"));
}

void TestUfwRules::missingIgnoresCommentsAndPrepend()
{
    FirewallRules r = sample();
    r.sshAllowed.clear();
    QStringList added{QStringLiteral("allow from 192.0.2.10 to any port 2222 proto tcp"), // the admin's own, no comment
                      QStringLiteral("allow 80/tcp comment 'aio: web'"), QStringLiteral("allow 443/tcp")};
    QCOMPARE(UfwRules::missing(added, r),
             QStringList{QStringLiteral("deny 8080/tcp comment 'aio: sandbox port, only through nginx'")});
    added << QStringLiteral("deny 8080/tcp");
    QVERIFY(UfwRules::missing(added, r).isEmpty());
    r.sshClient = QHostAddress(QStringLiteral("192.0.2.11"));
    QCOMPARE(UfwRules::missing(added, r).size(), 1);
}

void TestUfwRules::conflictingRulesAreDeleted_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<quint16>("sshPort");
    QTest::addColumn<QStringList>("deletion"); // empty: kept

    const auto del = [](const QString& rest) {
        return QStringList{QStringLiteral("delete")} + rest.split(' ');
    };
    QTest::newRow("ssh port to anyone") << "allow 22/tcp" << quint16(22) << del(QStringLiteral("allow 22/tcp"));
    QTest::newRow("ssh both protocols") << "allow 22" << quint16(22) << del(QStringLiteral("allow 22"));
    QTest::newRow("OpenSSH profile") << "allow OpenSSH" << quint16(22) << del(QStringLiteral("allow OpenSSH"));
    QTest::newRow("limit with comment") << "limit 22/tcp comment 'rate limited ssh'" << quint16(22)
                                        << del(QStringLiteral("limit 22/tcp"));
    QTest::newRow("allow in") << "allow in 2222/tcp" << quint16(2222) << del(QStringLiteral("allow in 2222/tcp"));
    QTest::newRow("from any") << "allow from any to any port 22 proto tcp" << quint16(22)
                              << del(QStringLiteral("allow from any to any port 22 proto tcp"));
    QTest::newRow("range covering ssh") << "allow 20:30/tcp" << quint16(22) << del(QStringLiteral("allow 20:30/tcp"));
    QTest::newRow("8080 allowed") << "allow 8080" << quint16(22) << del(QStringLiteral("allow 8080"));
    QTest::newRow("8080 for a network") << "allow from 10.0.0.0/8 to any port 8080 proto tcp" << quint16(22)
                                        << del(QStringLiteral("allow from 10.0.0.0/8 to any port 8080 proto tcp"));
    QTest::newRow("list with 8080") << "allow 80,8080/tcp" << quint16(22) << del(QStringLiteral("allow 80,8080/tcp"));
    QTest::newRow("ssh from a network") << "allow from 10.1.0.0/16 to any port 22 proto tcp" << quint16(22)
                                        << QStringList();
    QTest::newRow("ssh on another port") << "allow 22/tcp" << quint16(2222) << QStringList();
    QTest::newRow("udp only") << "allow 22/udp" << quint16(22) << QStringList();
    QTest::newRow("deny 8080") << "deny 8080/tcp" << quint16(22) << QStringList();
    QTest::newRow("web") << "allow 443/tcp comment 'aio: web'" << quint16(22) << QStringList();
    QTest::newRow("outgoing") << "allow out 22/tcp" << quint16(22) << QStringList();
}

void TestUfwRules::conflictingRulesAreDeleted()
{
    QFETCH(QString, line);
    QFETCH(quint16, sshPort);
    QFETCH(QStringList, deletion);
    FirewallRules r = sample();
    r.sshPort = sshPort;
    const QList<QStringList> found = UfwRules::conflicting({line}, r);
    if (deletion.isEmpty()) {
        QVERIFY2(found.isEmpty(), qPrintable(found.value(0).join(' ')));
    } else {
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first(), deletion);
    }
}

void TestUfwRules::splitLineKeepsQuotedComments()
{
    QCOMPARE(UfwRules::splitLine(QStringLiteral("allow 80/tcp comment 'aio: web'")),
             (QStringList{QStringLiteral("allow"), QStringLiteral("80/tcp"), QStringLiteral("comment"),
                          QStringLiteral("aio: web")}));
    QCOMPARE(UfwRules::splitLine(QStringLiteral("  deny   8080  ")),
             (QStringList{QStringLiteral("deny"), QStringLiteral("8080")}));
    QCOMPARE(UfwRules::splitLine(QStringLiteral("allow 1 comment ''")),
             (QStringList{QStringLiteral("allow"), QStringLiteral("1"), QStringLiteral("comment"), QString()}));
}

void TestUfwRules::backupAndRestoreScripts()
{
    const QString backup = UfwRules::backupScript();
    QVERIFY(backup.startsWith(QStringLiteral("set -e\n")));
    QVERIFY(backup.contains(QStringLiteral("b=/var/lib/aio-sandbox/ufw-backup\n")));
    for (const char* f : {"user.rules user6.rules ufw.conf", "/etc/default/ufw", "Status: active"})
        QVERIFY2(backup.contains(QLatin1String(f)), f);
    QVERIFY(backup.contains(QStringLiteral("mv \"$b.new\" \"$b\"")));

    const QString restore = UfwRules::restoreScript();
    QVERIFY(restore.startsWith(QStringLiteral("#!/bin/sh\n")));
    // Disabled first when it was inactive, reloaded last when it was active.
    const qsizetype disable = restore.indexOf(QStringLiteral("ufw --force disable"));
    const qsizetype copy = restore.indexOf(QStringLiteral("cp -p \"$b/$f\" \"/etc/ufw/$f\""));
    const qsizetype reload = restore.indexOf(QStringLiteral("ufw reload"));
    QVERIFY(disable > 0 && copy > disable && reload > copy);
    QVERIFY(restore.contains(QStringLiteral("exit 3")));
}

void TestUfwRules::revertJobRunsTheRestoreScript()
{
    const QString schedule
        = HostFirewallStep::scheduleRevertScript(30, QStringLiteral("sh ") + UfwRules::restorePath());
    QVERIFY(schedule.contains(QStringLiteral("  setsid sh -c ")));
    QVERIFY2(schedule.contains(QStringLiteral("sleep 30; sh /var/lib/aio-sandbox/ufw-restore.sh; rm -f "
                                              "/run/aio-sandbox-firewall-revert.pid")),
             qPrintable(schedule));
    // The nftables form is unchanged.
    QVERIFY(HostFirewallStep::scheduleRevertScript(45).contains(
        QStringLiteral("sleep 45; nft -f /var/lib/aio-sandbox/firewall.revert.nft; rm -f")));
}

void TestUfwRules::hostileAnswersAreRefused_data()
{
    QTest::addColumn<QJsonValue>("cidrs");
    QTest::newRow("command") << QJsonValue(QJsonArray{QStringLiteral("10.0.0.0/8; ufw disable")});
    QTest::newRow("quote") << QJsonValue(QJsonArray{QStringLiteral("10.0.0.0/8' comment 'x")});
    QTest::newRow("substitution") << QJsonValue(QJsonArray{QStringLiteral("$(reboot)")});
    QTest::newRow("newline") << QJsonValue(QJsonArray{QStringLiteral("10.0.0.0/8\nallow 8080")});
    QTest::newRow("ufw words") << QJsonValue(QJsonArray{QStringLiteral("any")});
    QTest::newRow("host bits") << QJsonValue(QJsonArray{QStringLiteral("10.0.0.1/8")});
    QTest::newRow("empty list") << QJsonValue(QJsonArray{});
    QTest::newRow("not a list") << QJsonValue(QStringLiteral("10.0.0.0/8"));
}

void TestUfwRules::hostileAnswersAreRefused()
{
    QFETCH(QJsonValue, cidrs);
    const QJsonObject json{
        {QStringLiteral("version"), 1},
        {QStringLiteral("publicHost"), QStringLiteral("sandbox.example.org")},
        {QStringLiteral("tls"), QJsonObject{{QStringLiteral("mode"), QStringLiteral("own-ca")}}},
        {QStringLiteral("edge"), QJsonObject{{QStringLiteral("basicAuthUser"), QStringLiteral("admin")}}},
        {QStringLiteral("sandboxAuth"), QJsonObject{{QStringLiteral("jwt"), false}}},
        {QStringLiteral("firewall"),
         QJsonObject{{QStringLiteral("tool"), QStringLiteral("ufw")}, {QStringLiteral("adminSshCidrs"), cidrs}}},
    };
    Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(json);
    QVERIFY2(!a.ok(), "hostile admin SSH ranges were accepted");
    QVERIFY2(a.error().message.contains(QStringLiteral("firewall"))
                 || a.error().nextStep.contains(QStringLiteral("firewall"))
                 || a.error().message.contains(QStringLiteral("SSH")),
             qPrintable(a.error().toString()));

    // The same answers with a proper range are accepted, as ufw.
    QJsonObject good = json;
    good[QStringLiteral("firewall")] = QJsonObject{{QStringLiteral("tool"), QStringLiteral("ufw")},
                                                   {QStringLiteral("adminSshCidrs"), QJsonArray{"10.0.0.0/8"}}};
    Result<VmDeployAnswers> ok = VmDeployAnswers::fromJson(good);
    QVERIFY2(ok.ok(), qPrintable(ok.ok() ? QString() : ok.error().toString()));
    QCOMPARE(ok->firewallTool, VmDeployAnswers::FirewallTool::Ufw);
}

QTEST_GUILESS_MAIN(TestUfwRules)
#include "TestUfwRules.moc"
