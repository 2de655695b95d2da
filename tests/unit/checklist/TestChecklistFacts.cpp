#include "core/checklist/AuditReport.h"
#include "core/checklist/HostFacts.h"
#include "core/checklist/VmChecklist.h"
#include "core/deploy/vm/NftRuleset.h"

#include <QFile>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace aio;

// The facts the VM checklist judges, parsed from what the tools print, and the report model.
class TestChecklistFacts : public QObject
{
    Q_OBJECT
private slots:
    void containersKeepBindingsButNeverSecretValues();
    void publishAllAndBoundPortsCountAsPublished();
    void firewallRulesInListsRangesAndWithCommentsAreRead();
    void ourRenderedSitesPassEveryProxyCheck();
    void theGuidesSampleSiteLacksWhatTheGuideDoesNotSay();
    void nginxSizesAndTimes();
    void ufwStatusSaysWhat8080AndSshMeet();
    void nftRulesetSaysWhat8080AndSshMeet();
    void overallVerdictAndExitCode();
    void catalogIdsAreUniqueAndEveryCheckSaysHowToFix();
    void htmlReportEscapesEvidence();
};

void TestChecklistFacts::containersKeepBindingsButNeverSecretValues()
{
    const QByteArray json = R"([
      {"Id":"a1","Name":"/sandbox","State":{"Running":true},
       "Config":{"Image":"ghcr.io/agent-infra/sandbox:latest","Env":["PATH=/bin","SANDBOX_API_KEY=s3cr3t-key"],
                 "ExposedPorts":{"8080/tcp":{}}},
       "HostConfig":{"PortBindings":{"8080/tcp":[{"HostIp":"","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}]},
                     "Memory":0,"NanoCpus":0,"ShmSize":67108864,"RestartPolicy":{"Name":"always"},
                     "LogConfig":{"Type":"json-file","Config":{}},"NetworkMode":"bridge"}},
      {"Id":"b2","Name":"/db","State":{"Running":true},"Config":{"Image":"postgres:16","Env":[]},
       "HostConfig":{"PortBindings":{"5432/tcp":[{"HostIp":"127.0.0.1","HostPort":"5432"}]}}}
    ])";
    Result<QList<ContainerFacts>> c = parseContainers(json);
    QVERIFY2(c, qPrintable(c ? QString() : c.error().toString()));
    QCOMPARE(c->size(), 2);
    const ContainerFacts& s = c->at(0);
    QCOMPARE(s.spec.name, QStringLiteral("sandbox"));
    QVERIFY(s.exposes8080);
    QVERIFY(s.publishesOutsideLoopback());
    QVERIFY(s.authConfigured);
    QVERIFY(s.describeBindings().contains(QStringLiteral("0.0.0.0:8080->8080/tcp")));
    QVERIFY(s.describeBindings().contains(QStringLiteral("[::]:8080->8080/tcp")));
    for (const QString& value : s.spec.env)
        QVERIFY(!value.contains(QStringLiteral("s3cr3t")));
    QVERIFY(!c->at(1).exposes8080);
    QVERIFY(!parseContainers("not json"));
    QVERIFY(parseContainers("[]")->isEmpty());
}

void TestChecklistFacts::publishAllAndBoundPortsCountAsPublished()
{
    // `docker run -P`: nothing in PortBindings, a random port on every address in NetworkSettings.
    const QByteArray json = R"([{"Id":"c","Name":"/sb","State":{"Running":true},
        "Config":{"Image":"sandbox:1.0","ExposedPorts":{"8080/tcp":{}}},
        "HostConfig":{"PortBindings":{},"PublishAllPorts":true},
        "NetworkSettings":{"Ports":{"8080/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"}]}}}])";
    Result<QList<ContainerFacts>> c = parseContainers(json);
    QVERIFY(c);
    QVERIFY(c->first().publishesOutsideLoopback());
    QVERIFY2(c->first().describeBindings().contains(QStringLiteral("0.0.0.0:32768->8080/tcp")),
             qPrintable(c->first().describeBindings()));
    // Bound on loopback only, as asked and as running: not published beyond it.
    const QByteArray loopback = R"([{"Id":"d","Name":"/sb","Config":{"Image":"sandbox:1.0"},
        "HostConfig":{"PortBindings":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}]}},
        "NetworkSettings":{"Ports":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}]}}}])";
    c = parseContainers(loopback);
    QVERIFY(c);
    QVERIFY(!c->first().publishesOutsideLoopback());
    QCOMPARE(c->first().bindings8080.size(), 1);
}

void TestChecklistFacts::firewallRulesInListsRangesAndWithCommentsAreRead()
{
    const QByteArray ufw
        = "Status: active\nDefault: deny (incoming), allow (outgoing)\n\nTo Action From\n-- ------ ----\n"
          "8000:9000/tcp on eth0         ALLOW IN    Anywhere\n"
          "2222/tcp                   ALLOW IN    Anywhere\n";
    FirewallFacts f = parseUfwStatus(ufw, 2222);
    QVERIFY(f.allows8080); // a range on an interface holds 8080
    QVERIFY(!f.blocks8080());
    QVERIFY(f.sshFromAnywhere); // SSH on 2222, open to all
    f = parseUfwStatus("Status: active\nDefault: deny (incoming)\n\nTo Action From\n-- ------ ----\n"
                       "80,443,8080/tcp            ALLOW IN    Anywhere\n");
    QVERIFY(f.allows8080);
    f = parseUfwStatus("Status: active\nDefault: deny (incoming)\n\nTo Action From\n-- ------ ----\n"
                       "Anywhere                   ALLOW IN    Anywhere\n");
    QVERIFY(f.allows8080);

    const QByteArray nft = "table inet filter {\n\tchain input {\n"
                           "\t\ttype filter hook input priority filter; policy drop;\n"
                           "\t\tct state established,related accept\n"
                           "\t\tiif \"lo\" accept\n"
                           "\t\ttcp dport 8000-9000 counter packets 3 bytes 180 accept comment \"dev ports\"\n"
                           "\t}\n}\n";
    f = parseNftRuleset(nft);
    QVERIFY(f.active);
    QVERIFY(f.defaultDeny);
    QVERIFY(f.allows8080); // a bare range, with a counter and a comment after the verdict
    QVERIFY(!f.blocks8080());
    f = parseNftRuleset("table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n"
                        "\t\ttcp dport 22 accept\n\t\ttcp dport 2222 ip saddr 198.18.0.0/24 accept\n\t}\n}\n",
                        2222);
    QVERIFY(!f.sshFromAnywhere); // the SSH port is 2222, limited; 22 is another service
    QVERIFY(f.blocks8080());
}

void TestChecklistFacts::ourRenderedSitesPassEveryProxyCheck()
{
    for (const char* name : {"nginx-site-minimal.conf", "nginx-site-full.conf"}) {
        QFile f(QStringLiteral(AIO_SOURCE_DIR "/tests/data/golden/") + QString::fromLatin1(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const NginxFacts n = parseNginx("http {\n" + f.readAll() + "\n}\n");
        QVERIFY(n.parsed);
        QVERIFY2(!n.sandboxLocations.isEmpty(), name);
        for (const NginxFacts::Location& l : n.sandboxLocations) {
            const QString where = QString::fromLatin1(name) + QLatin1Char(' ') + l.path;
            QVERIFY2(l.http11, qPrintable(where));
            QVERIFY2(l.upgradeHeader, qPrintable(where));
            QVERIFY2(l.overwritesProxyPort, qPrintable(where));
            QVERIFY2(l.readTimeoutSec.value_or(0) >= 3600, qPrintable(where));
            QVERIFY2(l.maxBodyBytes.value_or(0) >= 50LL * 1024 * 1024, qPrintable(where));
            // Everything but noVNC's own static files (loaded by a ticketed page without a ticket) is authenticated.
            if (!l.path.startsWith(QStringLiteral("~* ^/vnc/")))
                QVERIFY2(l.authentication, qPrintable(where));
            QVERIFY2(l.listen.contains(QStringLiteral("443")), qPrintable(where + QStringLiteral(": ") + l.listen));
        }
    }
}

void TestChecklistFacts::theGuidesSampleSiteLacksWhatTheGuideDoesNotSay()
{
    // The guide's own sample (V3): TLS, the upgrade map and headers, but no body size, no long
    // timeouts, no X-AIO-Proxy-Port and no authentication.
    const QByteArray sample = R"(
http {
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    server { listen 80; server_name sandbox.example.com; return 301 https://$host$request_uri; }
    server {
        listen 443 ssl http2;
        server_name sandbox.example.com;
        ssl_certificate /etc/letsencrypt/live/sandbox.example.com/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/sandbox.example.com/privkey.pem;
        location / {
            proxy_pass http://127.0.0.1:8080;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;   # "upgrade" { not a block }
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }
    }
})";
    const NginxFacts n = parseNginx(sample);
    QCOMPARE(n.sandboxLocations.size(), 1);
    const NginxFacts::Location& l = n.sandboxLocations.first();
    QCOMPARE(l.path, QStringLiteral("/"));
    QCOMPARE(l.server, QStringLiteral("sandbox.example.com"));
    QVERIFY(l.http11);
    QVERIFY(l.upgradeHeader);
    QVERIFY(!l.fixedHost);
    QVERIFY(!l.overwritesProxyPort);
    QVERIFY(!l.authentication);
    QCOMPARE(l.readTimeoutSec, std::optional<int>(60));
    QCOMPARE(l.maxBodyBytes, std::optional<qint64>(1024 * 1024));
}

void TestChecklistFacts::nginxSizesAndTimes()
{
    QCOMPARE(parseNginxSize(QStringLiteral("50m")), std::optional<qint64>(50LL * 1024 * 1024));
    QCOMPARE(parseNginxSize(QStringLiteral("1G")), std::optional<qint64>(1024LL * 1024 * 1024));
    QCOMPARE(parseNginxSize(QStringLiteral("0")), std::optional<qint64>(0));
    QCOMPARE(parseNginxSize(QStringLiteral("5x")), std::nullopt);
    QCOMPARE(parseNginxTime(QStringLiteral("86400s")), std::optional<int>(86400));
    QCOMPARE(parseNginxTime(QStringLiteral("1h30m")), std::optional<int>(5400));
    QCOMPARE(parseNginxTime(QStringLiteral("60")), std::optional<int>(60));
    QCOMPARE(parseNginxTime(QStringLiteral("soon")), std::nullopt);
}

void TestChecklistFacts::ufwStatusSaysWhat8080AndSshMeet()
{
    const QByteArray good
        = "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\n"
          "New profiles: skip\n\nTo                         Action      From\n"
          "--                         ------      ----\n"
          "22/tcp                     ALLOW IN    198.18.0.0/24\n"
          "80,443/tcp                 ALLOW IN    Anywhere\n"
          "8080/tcp                   DENY IN     Anywhere\n";
    FirewallFacts f = parseUfwStatus(good);
    QVERIFY(f.active);
    QVERIFY(f.defaultDeny);
    QVERIFY(f.denies8080);
    QVERIFY(!f.allows8080);
    QVERIFY(f.blocks8080());
    QVERIFY(!f.sshFromAnywhere);
    QVERIFY(f.sshRule.contains(QStringLiteral("198.18.0.0/24")));

    f = parseUfwStatus(
        "Status: active\nDefault: allow (incoming), allow (outgoing)\n\nTo Action From\n-- ------ ----\n"
        "8080                       ALLOW IN    Anywhere\n22/tcp (v6)                ALLOW IN    Anywhere (v6)\n");
    QVERIFY(f.allows8080);
    QVERIFY(!f.blocks8080());
    QVERIFY(f.sshFromAnywhere);
    QVERIFY(!parseUfwStatus("Status: inactive\n").active);
}

void TestChecklistFacts::nftRulesetSaysWhat8080AndSshMeet()
{
    // What our own firewall step loads.
    FirewallRules rules;
    rules.sshAllowed = {*Cidr::parse(QStringLiteral("198.18.0.0/24"))};
    const QString ours = NftRuleset::render(rules);
    FirewallFacts f = parseNftRuleset(ours.toUtf8());
    QVERIFY2(f.active, qPrintable(ours));
    QVERIFY2(f.defaultDeny, qPrintable(ours));
    QVERIFY2(f.blocks8080(), qPrintable(ours));
    QVERIFY2(!f.allows8080, qPrintable(ours));
    QVERIFY2(!f.sshFromAnywhere, qPrintable(ours));

    // nft prints protocol numbers where the VM has no /etc/protocols: ICMP and ICMPv6 open no TCP port.
    for (const char* icmp : {"meta l4proto { 1, 58 } accept", "meta l4proto { icmp, ipv6-icmp } accept",
                             "ip protocol icmp accept", "icmpv6 type echo-request accept", "udp sport 53 accept"}) {
        f = parseNftRuleset(QByteArray("table inet t {\n\tchain input {\n\t\ttype filter hook input priority filter; "
                                       "policy drop;\n\t\t")
                            + icmp + "\n\t\ttcp dport 8080 drop\n\t}\n}\n");
        QVERIFY2(!f.allows8080, icmp);
        QVERIFY2(f.blocks8080(), icmp);
    }
    for (const char* all : {"meta l4proto { 6, 17 } accept", "meta l4proto tcp accept", "accept"}) {
        f = parseNftRuleset(QByteArray("table inet t {\n\tchain input {\n\t\ttype filter hook input priority filter; "
                                       "policy drop;\n\t\t")
                            + all + "\n\t}\n}\n");
        QVERIFY2(f.allows8080, all);
    }
    // A hand-made one that lets everything in on 8080 and 22.
    f = parseNftRuleset(
        "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n"
        "\t\ttcp dport { 22, 8000-8100 } accept\n\t}\n}\n");
    QVERIFY(f.active);
    QVERIFY(!f.defaultDeny);
    QVERIFY(f.allows8080);
    QVERIFY(f.sshFromAnywhere);
    // Only a forward chain (a container engine's): no input filtering at all.
    QVERIFY(!parseNftRuleset("table ip nat {\n\tchain POSTROUTING {\n\t\ttype nat hook postrouting priority srcnat; "
                             "policy accept;\n\t}\n}\n")
                 .active);
}

void TestChecklistFacts::overallVerdictAndExitCode()
{
    QCOMPARE(combinedVerdict({}), Verdict::Unknown);
    QCOMPARE(combinedVerdict({Verdict::Pass, Verdict::Manual}), Verdict::Manual);
    QCOMPARE(combinedVerdict({Verdict::Pass, Verdict::Warning, Verdict::Unknown}), Verdict::Unknown);
    QCOMPARE(combinedVerdict({Verdict::Pass, Verdict::Fail, Verdict::Unknown}), Verdict::Fail);
    QCOMPARE(combinedVerdict({Verdict::Pass, Verdict::Pass}), Verdict::Pass);

    AuditReport a;
    a.targetName = QStringLiteral("vm");
    a.started = QDateTime::currentDateTimeUtc();
    a.results = {CheckResult{QStringLiteral("x"), Verdict::Pass, {}, {}},
                 CheckResult{QStringLiteral("y"), Verdict::Warning, {}, {}}};
    QCOMPARE(a.exitCode(), 0);
    a.loginError = Error(ErrorKind::Timeout, QStringLiteral("no answer"));
    QCOMPARE(a.exitCode(), 2);
    a.results << CheckResult{QStringLiteral("z"), Verdict::Fail, {}, {}};
    QCOMPARE(a.exitCode(), 1);
    Result<AuditReport> back = AuditReport::fromJson(a.toJson());
    QVERIFY(back);
    QCOMPARE(back->results.size(), 3);
    QCOMPARE(back->overall(), Verdict::Fail);
    QVERIFY(back->loginError.has_value());
}

void TestChecklistFacts::catalogIdsAreUniqueAndEveryCheckSaysHowToFix()
{
    QSet<QString> ids;
    for (const CheckInfo& c : VmChecklist::catalog()) {
        QVERIFY2(!ids.contains(c.id), qPrintable(c.id));
        ids.insert(c.id);
        QVERIFY2(!c.title.isEmpty() && !c.explanation.isEmpty() && !c.remediation.isEmpty(), qPrintable(c.id));
        QVERIFY2(
            QStringList({QStringLiteral("T"), QStringLiteral("V"), QStringLiteral("C")}).contains(c.guideItem.left(1)),
            qPrintable(c.id));
    }
    // Every item of the guide's checklist has a check.
    QStringList items;
    for (const CheckInfo& c : VmChecklist::catalog())
        items << c.guideItem;
    for (const char* item : {"C1", "C2", "C3", "C4", "C5", "T1", "T2", "T4", "V2", "V3"})
        QVERIFY2(items.contains(QString::fromLatin1(item)), item);
}

void TestChecklistFacts::htmlReportEscapesEvidence()
{
    AuditReport a;
    a.targetName = QStringLiteral("<vm>");
    a.started = QDateTime::currentDateTimeUtc();
    CheckResult r{QStringLiteral("auth.entrances"), Verdict::Fail, QStringLiteral("open"), {}};
    r.addEvidence(QStringLiteral("GET /"), QStringLiteral("<script>alert(1)</script>"));
    a.results << r;
    const QString html = AuditReport::toHtml({a}, VmChecklist::catalog());
    QVERIFY(!html.contains(QStringLiteral("<script>")));
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;")));
    QVERIFY(html.contains(QStringLiteral("&lt;vm&gt;")));
    QVERIFY(html.contains(QStringLiteral("How to fix:")));
}

QTEST_GUILESS_MAIN(TestChecklistFacts)
#include "TestChecklistFacts.moc"
