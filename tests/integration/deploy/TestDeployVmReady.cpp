// End to end on the testbed's vm-ready (docker, nginx, certbot installed; nothing deployed):
// the real `aio-sandbox-manager deploy` binary with certbot against the local pebble ACME server,
// then checks from this workstation like a browser, a second run that changes nothing, and a step
// made to fail (a "certificate" nginx cannot load) that rolls back while the old site serves on.
#include "DeployTestbed.h"
#include "common/WaitUntil.h"

#include "core/crypto/JwtSigner.h"
#include "core/net/HttpsProbe.h"
#include "core/net/PortProbe.h"
#include "core/net/WebSocketProbe.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

using namespace aio;

class TestDeployVmReady : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void dryRunShowsThePlanAndChangesNothing();
    void deployWithCertbotAgainstPebble();
    void httpsAnswersWithTheIssuedCertificate();
    void publicHostRoutedToAPortIsRefusedBeforeAnythingIsSent();
    void unauthenticatedAccessIsRefused();
    void everyEntranceAndBypassIsRefusedAnonymously_data();
    void everyEntranceAndBypassIsRefusedAnonymously();
    void ticketOpensNoVncWithItsFiles();
    void authenticatedRequestAndWebSocketUpgradeWork();
    void port8080IsClosedFromOutside();
    void onlyWebAndAdminSshGetInEvenAfterAReboot();
    void secondRunChangesNothing();
    void rerunDuringAPendingRevertKeepsTheOriginalRules();
    void failingStepRollsBackAndPreviousSiteServes();
    void everyAcceptedAuthCombinationWorksThroughNginx_data();
    void everyAcceptedAuthCombinationWorksThroughNginx();

private:
    QJsonObject answers() const;
    QStringList deployArgs(const QString& answersPath) const;
    ProbeEndpoint endpoint() const;
    QByteArray bearer() const;
    int status(const QByteArray& path, const HttpHeaders& headers) const;
    void resetVm();

    DeployTestbed m_tb;
    QString m_rootPath;
    QString m_answersPath;
    QString m_keyPath;
    QList<QSslCertificate> m_roots;
};

QJsonObject TestDeployVmReady::answers() const
{
    const QJsonObject json
        = QJsonDocument::fromJson(
              QStringLiteral(R"({
        "version": 1,
        "container": {"image": "%1", "cpus": "1", "memory": "1g", "shmSize": "256m", "timeZone": "Europe/Berlin"},
        "publicHost": "%2",
        "tls": {"mode": "acme", "acme": {"email": "admin@example.org", "agreeTos": true,
                                         "directory": "%3", "caBundle": "%4"}},
        "edge": {},
        "sandboxAuth": {"jwt": true, "apiKey": false},
        "firewall": {"tool": "nftables", "adminSshCidrs": ["198.18.0.0/24"], "autoRevertSeconds": 60},
        "installMissing": false
    })")
                  .arg(m_tb.value(QStringLiteral("SANDBOX_IMAGE")), m_tb.value(QStringLiteral("VM_READY_NAME")),
                       m_tb.value(QStringLiteral("ACME_DIRECTORY")), m_tb.value(QStringLiteral("ACME_CA_BUNDLE")))
                  .toUtf8())
              .object();
    return json;
}

QStringList TestDeployVmReady::deployArgs(const QString& answersPath) const
{
    return {QStringLiteral("deploy"),         QStringLiteral("ready"),
            QStringLiteral("--answers"),      answersPath,
            QStringLiteral("--yes"),          QStringLiteral("--strict-host-key"),
            QStringLiteral("--known-hosts"),  m_tb.value(QStringLiteral("KNOWN_HOSTS")),
            QStringLiteral("--trust-ca"),     m_rootPath,
            QStringLiteral("--jwt-key-file"), m_keyPath};
}

ProbeEndpoint TestDeployVmReady::endpoint() const
{
    ProbeEndpoint e;
    e.address = m_tb.vmAddress(QStringLiteral("VM_READY"));
    e.port = Port(443);
    e.hostName = *HostName::parse(m_tb.value(QStringLiteral("VM_READY_NAME")));
    e.extraCaCertificates = m_roots;
    e.useSystemCaCertificates = false;
    e.timeoutMs = 15'000;
    return e;
}

QByteArray TestDeployVmReady::bearer() const
{
    QFile f(m_keyPath);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    Result<JwtSigner> signer = JwtSigner::fromPrivateKeyPem(f.readAll());
    if (!signer)
        return {};
    Result<QByteArray> token = signer->signWithExpiry(QDateTime::currentDateTimeUtc().addSecs(120));
    return token ? "Bearer " + *token : QByteArray();
}

void TestDeployVmReady::resetVm()
{
    m_tb.resetVmReady();
}

void TestDeployVmReady::initTestCase()
{
    QVERIFY2(m_tb.isUp(), "the testbed is not up (tests/testbed/up; the CTest fixture testbed.up does it)");
    QVERIFY2(QFile::exists(DeployTestbed::binary()), qPrintable(DeployTestbed::binary()));
    resetVm();
    QString error;
    QVERIFY2(m_tb.addTarget(QStringLiteral("ready"), QStringLiteral("VM_READY"), &error), qPrintable(error));
    const QByteArray root = m_tb.fetchPebbleRoot(&error);
    QVERIFY2(!root.isEmpty(), qPrintable(error));
    m_roots = QSslCertificate::fromData(root, QSsl::Pem);
    QVERIFY(!m_roots.isEmpty());
    m_rootPath = m_tb.writeScratch(QStringLiteral("pebble-root.pem"), root);
    m_keyPath = m_tb.scratchPath(QStringLiteral("jwt-key.pem"));
    m_answersPath = m_tb.writeScratch(QStringLiteral("answers.json"), QJsonDocument(answers()).toJson());
}

void TestDeployVmReady::cleanupTestCase()
{
    resetVm();
}

void TestDeployVmReady::dryRunShowsThePlanAndChangesNothing()
{
    const CliRun r = m_tb.cli(deployArgs(m_answersPath) << QStringLiteral("--dry-run"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("docker run")), qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("127.0.0.1:8080:8080")), qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("+++ ")), qPrintable(r.why())); // a file diff
    QVERIFY2(r.output.contains(QStringLiteral("certbot certonly")), qPrintable(r.why()));
    QString out;
    QVERIFY(m_tb.vmExec(QStringLiteral("vm-ready"),
                        {QStringLiteral("docker"), QStringLiteral("inspect"), QStringLiteral("--type"),
                         QStringLiteral("container"), QStringLiteral("aio-sandbox")},
                        &out)
            != 0);
    QVERIFY(m_tb.vmExec(
                QStringLiteral("vm-ready"),
                {QStringLiteral("test"), QStringLiteral("-e"), QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf")})
            != 0);
    QVERIFY2(!QFile::exists(m_keyPath), "a dry run must not keep a key");
}

void TestDeployVmReady::deployWithCertbotAgainstPebble()
{
    const CliRun r = m_tb.cli(deployArgs(m_answersPath));
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("✓ Verify from this workstation")), qPrintable(r.why()));
    QVERIFY2(!r.output.contains(QStringLiteral("✗")), qPrintable(r.why()));
    // The verify step itself tried the image's bypasses and read the banner.
    QVERIFY2(r.output.contains(QStringLiteral("Host bypass Host: 8091-x GET /v1/sandbox is refused")),
             qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("static-suffix bypass GET /v1/openapi.json is refused")),
             qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("Image Version: ")), qPrintable(r.why()));
    // And the whole security checklist agrees, over the same session and from here.
    QVERIFY2(r.output.contains(QStringLiteral("✓ the security checklist finds nothing failing (23 checks)")),
             qPrintable(r.why()));
    // Renewals reload nginx, and a renewal against pebble works now.
    QVERIFY2(r.output.contains(QStringLiteral("✓ certbot reloads nginx after a renewal")), qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("✓ renewal works (certbot renew --dry-run")), qPrintable(r.why()));
    QVERIFY(QFile::exists(m_keyPath));
    QString site;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("cat"), QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf")}, &site),
             0);
    QVERIFY2(site.contains(QStringLiteral("/etc/letsencrypt/live/")), qPrintable(site));
}

void TestDeployVmReady::httpsAnswersWithTheIssuedCertificate()
{
    HttpProbeRequest r;
    r.endpoint = endpoint();
    r.path = "/v1/ping";
    r.headers.append({QByteArray("Authorization"), bearer()});
    Result<HttpProbeResult> result = HttpsProbe::run(r);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
    QVERIFY2(result->tls.verified, qPrintable(result->tls.toString()));
    QCOMPARE(result->status, 200);
    QVERIFY2(result->tls.chain.first().issuer.contains(QStringLiteral("Pebble")), qPrintable(result->tls.toString()));
    QVERIFY(result->tls.chain.first().coversHost(m_tb.value(QStringLiteral("VM_READY_NAME"))));
    // Where the VM has IPv6, nginx listens there too, with the same access rules (asked from the VM
    // itself: the testbed's network is IPv4 only).
    QString out;
    if (m_tb.vmExec(QStringLiteral("vm-ready"),
                    {QStringLiteral("test"), QStringLiteral("-e"), QStringLiteral("/proc/net/if_inet6")})
        != 0) {
        qInfo("this kernel has no IPv6: the [::] listener is not written, nor checked");
        return;
    }
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("curl"), QStringLiteral("-sk"), QStringLiteral("-o"),
                          QStringLiteral("/dev/null"), QStringLiteral("-w"), QStringLiteral("%{http_code}"),
                          QStringLiteral("-H"), QStringLiteral("Host: ") + m_tb.value(QStringLiteral("VM_READY_NAME")),
                          QStringLiteral("https://[::1]/v1/file/download?path=/etc/hostname&x=.js")},
                         &out),
             0);
    QCOMPARE(out.trimmed(), QStringLiteral("401"));
}

void TestDeployVmReady::publicHostRoutedToAPortIsRefusedBeforeAnythingIsSent()
{
    // The image routes "Host: <digits>-…" to that port inside the container without auth.
    QJsonObject bad = answers();
    bad.insert(QStringLiteral("publicHost"), QStringLiteral("8091-sandbox.test"));
    const QString path = m_tb.writeScratch(QStringLiteral("digits-host.json"), QJsonDocument(bad).toJson());
    const CliRun r = m_tb.cli(deployArgs(path));
    QVERIFY2(r.exitCode != 0, qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("8091-sandbox.test begins with digits and a hyphen")),
             qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("internal port 8091 without any authentication")), qPrintable(r.why()));
    // Refused while reading the answers: no step ran, nothing reached the VM.
    QVERIFY2(!r.output.contains(QStringLiteral("Preflight")), qPrintable(r.why()));
}

void TestDeployVmReady::everyEntranceAndBypassIsRefusedAnonymously_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("host");
    for (const char* p : {"/", "/index.html", "/vnc/index.html?autoconnect=true", "/code-server/", "/mcp", "/v1/mcp",
                          "/v1/docs", "/terminal", "/jupyter", "/v1/sandbox", "/v1/file/download?path=/etc/hostname",
                          "/proxy/9222/json/version", "/absproxy/8091/v1/sandbox", "/cdp/json/version"})
        QTest::newRow(p) << QByteArray(p) << QByteArray();
    // The image's static-suffix rule: GET with the whole URI ending in .js, .json, …
    for (const char* p : {"/v1/file/download?path=/etc/hostname&x=.js", "/v1/sandbox?x=.json", "/v1/openapi.json",
                          "/v1/shell/sessions?x=.css", "/vnc/../v1/openapi.json", "/vnc/%2e%2e/v1/openapi.json",
                          "/vnc/..%2fv1/sandbox?x=.js", "/vnc/%2e%2e/v1/file/download?path=/etc/hostname&x=.js"})
        QTest::newRow(p) << QByteArray(p) << QByteArray();
    // Its port-preview Host routing: "<digits>-…" goes to that port inside the container.
    QTest::newRow("Host 8091-x") << QByteArray("/v1/sandbox") << QByteArray("8091-x");
    QTest::newRow("Host 8081-x") << QByteArray("/auth") << QByteArray("8081-x");
    QTest::newRow("Host 9222-x") << QByteArray("/json/version") << QByteArray("9222-x");
    QTest::newRow("Host 8080-x") << QByteArray("/v1/sandbox") << QByteArray("8080-x");
}

void TestDeployVmReady::everyEntranceAndBypassIsRefusedAnonymously()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, host);
    HttpProbeRequest r;
    r.endpoint = endpoint();
    r.path = path;
    r.hostHeaderOverride = host;
    Result<HttpProbeResult> result = HttpsProbe::run(r);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
    QVERIFY2(result->status == 401 || result->status == 403 || (!host.isEmpty() && result->status == 400),
             qPrintable(result->evidence() + QStringLiteral(" ") + QString::fromUtf8(result->bodyPrefix.left(200))));
}

void TestDeployVmReady::ticketOpensNoVncWithItsFiles()
{
    // A browser cannot send a Bearer header: noVNC is opened with a ticket, then loads its own files.
    HttpProbeRequest ticketRequest;
    ticketRequest.endpoint = endpoint();
    ticketRequest.method = "POST";
    ticketRequest.path = "/tickets";
    ticketRequest.headers.append({QByteArray("Authorization"), bearer()});
    Result<HttpProbeResult> issued = HttpsProbe::run(ticketRequest);
    QVERIFY(issued.ok());
    QVERIFY2(issued->status == 200, qPrintable(issued->evidence()));
    const QByteArray ticket = QJsonDocument::fromJson(issued->bodyPrefix).object().value("ticket").toString().toUtf8();
    QVERIFY(!ticket.isEmpty());

    HttpProbeRequest page;
    page.endpoint = endpoint();
    page.path = "/vnc/index.html?ticket=" + ticket + "&path=websockify%3Fticket%3D" + ticket;
    Result<HttpProbeResult> opened = HttpsProbe::run(page);
    QVERIFY(opened.ok());
    QVERIFY2(opened->status == 200, qPrintable(opened->evidence()));

    WebSocketProbeRequest ws;
    ws.endpoint = endpoint();
    ws.path = "/websockify?ticket=" + ticket;
    Result<WebSocketProbeResult> upgrade = WebSocketProbe::run(ws);
    QVERIFY(upgrade.ok());
    QVERIFY2(upgrade->upgraded(), qPrintable(upgrade->evidence()));

    // noVNC's own scripts pass the edge without a ticket and reach the sandbox (the stand-in has no such
    // file: 404, not 401); the same suffix outside /vnc/ does not.
    HttpProbeRequest script;
    script.endpoint = endpoint();
    script.path = "/vnc/app/ui.js";
    Result<HttpProbeResult> loaded = HttpsProbe::run(script);
    QVERIFY(loaded.ok());
    QVERIFY2(loaded->status == 404 || loaded->status == 200, qPrintable(loaded->evidence()));
    script.path = "/v1/sandbox/ui.js";
    loaded = HttpsProbe::run(script);
    QVERIFY(loaded.ok());
    QVERIFY2(loaded->status == 401, qPrintable(loaded->evidence()));
}

void TestDeployVmReady::unauthenticatedAccessIsRefused()
{
    HttpProbeRequest r;
    r.endpoint = endpoint();
    r.path = "/vnc/index.html";
    Result<HttpProbeResult> result = HttpsProbe::run(r);
    QVERIFY(result.ok());
    QVERIFY2(result->status == 401 || result->status == 403, qPrintable(result->evidence()));

    WebSocketProbeRequest ws;
    ws.endpoint = endpoint();
    Result<WebSocketProbeResult> upgrade = WebSocketProbe::run(ws);
    QVERIFY(upgrade.ok());
    QVERIFY2(!upgrade->upgraded(), qPrintable(upgrade->evidence()));
}

void TestDeployVmReady::authenticatedRequestAndWebSocketUpgradeWork()
{
    const QByteArray auth = bearer();
    QVERIFY(!auth.isEmpty());
    HttpProbeRequest r;
    r.endpoint = endpoint();
    r.path = "/vnc/index.html";
    r.headers.append({QByteArray("Authorization"), auth});
    Result<HttpProbeResult> result = HttpsProbe::run(r);
    QVERIFY(result.ok());
    QVERIFY2(result->status == 200, qPrintable(result->evidence()));

    WebSocketProbeRequest ws;
    ws.endpoint = endpoint();
    ws.headers.append({QByteArray("Authorization"), auth});
    Result<WebSocketProbeResult> upgrade = WebSocketProbe::run(ws);
    QVERIFY2(upgrade.ok(), qPrintable(upgrade.ok() ? QString() : upgrade.error().toString()));
    QVERIFY2(upgrade->upgraded(), qPrintable(upgrade->evidence()));
    QCOMPARE(upgrade->firstBytes, QByteArray("RFB 003.008\n"));
}

void TestDeployVmReady::port8080IsClosedFromOutside()
{
    const PortProbeResult p = PortProbe::run(m_tb.vmAddress(QStringLiteral("VM_READY")), Port(8080), 3000);
    QVERIFY2(p.state != PortState::Open, qPrintable(p.evidence()));
    // Still serving on the VM's loopback, where nginx reaches it.
    QString out;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("curl"), QStringLiteral("-s"), QStringLiteral("-o"),
                          QStringLiteral("/dev/null"), QStringLiteral("-w"), QStringLiteral("%{http_code}"),
                          QStringLiteral("http://127.0.0.1:8080/v1/ping")},
                         &out),
             0);
    QVERIFY2(out.trimmed() != QLatin1String("000"), qPrintable(out));
    // On a network of its own, not the VM's default bridge where other containers live.
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("docker"), QStringLiteral("inspect"), QStringLiteral("--format"),
                          QStringLiteral("{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{end}}"),
                          QStringLiteral("aio-sandbox")},
                         &out),
             0);
    QCOMPARE(out.trimmed(), QStringLiteral("aio-sandbox-net"));
}

// The host firewall drops what it does not name: a service the admin left listening on every
// address is cut off (no answer, not refused), and the rules come back from what the
// distribution loads at boot.
void TestDeployVmReady::onlyWebAndAdminSshGetInEvenAfterAReboot()
{
    const QString vm = QStringLiteral("vm-ready");
    const HostName address = m_tb.vmAddress(QStringLiteral("VM_READY"));
    QString out;
    QCOMPARE(m_tb.vmExec(vm,
                         {QStringLiteral("sh"), QStringLiteral("-c"),
                          QStringLiteral("setsid nc -lk 5555 </dev/null >/dev/null 2>&1 & echo $! > "
                                         "/run/aio-test-listener.pid")},
                         &out),
             0);
    auto stop = qScopeGuard([&] {
        QString ignored;
        m_tb.vmExec(
            vm,
            {QStringLiteral("sh"), QStringLiteral("-c"),
             QStringLiteral("kill $(cat /run/aio-test-listener.pid) 2>/dev/null; rm -f /run/aio-test-listener.pid")},
            &ignored);
    });
    QVERIFY(aio::test::waitUntil(
        [&] {
            QString listening;
            m_tb.vmExec(vm,
                        {QStringLiteral("ss"), QStringLiteral("-H"), QStringLiteral("-ltn"), QStringLiteral("sport"),
                         QStringLiteral("="), QStringLiteral(":5555")},
                        &listening);
            return !listening.trimmed().isEmpty();
        },
        10'000));
    const auto reachable = [&] {
        const PortProbeResult service = PortProbe::run(address, Port(5555), 2000);
        QVERIFY2(service.state == PortState::Filtered, qPrintable(service.evidence()));
        const PortProbeResult web = PortProbe::run(address, Port(443), 3000);
        QVERIFY2(web.state == PortState::Open, qPrintable(web.evidence()));
    };
    reachable();
    if (QTest::currentTestFailed())
        return;

    // A reboot, as far as the firewall can tell: our table is gone, then the distribution's boot
    // file is loaded. (Without its "flush ruleset": that would also take the container engine's
    // own rules, which only a restart of the engine brings back, as it would at a real boot.)
    QCOMPARE(m_tb.vmExec(vm,
                         {QStringLiteral("sh"), QStringLiteral("-c"),
                          QStringLiteral("nft delete table inet aio_sandbox && ! nft list table inet aio_sandbox "
                                         ">/dev/null 2>&1 && sed '/^flush ruleset/d' /etc/nftables.conf > "
                                         "/run/aio-boot.nft && nft -f /run/aio-boot.nft && rm -f /run/aio-boot.nft && "
                                         "nft list table inet aio_sandbox")},
                         &out),
             0);
    QVERIFY2(out.contains(QStringLiteral("policy drop")), qPrintable(out));
    reachable();
}

void TestDeployVmReady::secondRunChangesNothing()
{
    QString before;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("docker"), QStringLiteral("inspect"), QStringLiteral("--format"),
                          QStringLiteral("{{.Id}}"), QStringLiteral("aio-sandbox")},
                         &before),
             0);
    const CliRun r = m_tb.cli(deployArgs(m_answersPath));
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    QVERIFY2(!r.output.contains(QStringLiteral(": applied")), qPrintable(r.why()));
    QVERIFY2(!r.output.contains(QStringLiteral("-- apply")), qPrintable(r.why()));
    QCOMPARE(r.output.count(QStringLiteral("already done")) >= 6, true);
    QString after;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("docker"), QStringLiteral("inspect"), QStringLiteral("--format"),
                          QStringLiteral("{{.Id}}"), QStringLiteral("aio-sandbox")},
                         &after),
             0);
    QCOMPARE(after, before);
}

// An earlier run left its firewall unconfirmed: its revert job still waits, holding the rules from
// before any deployment. A new run must stop that job (not orphan it, where it would later restore
// over the new rules) and keep its saved rules (not replace them with the unconfirmed table).
void TestDeployVmReady::rerunDuringAPendingRevertKeepsTheOriginalRules()
{
    const QString vm = QStringLiteral("vm-ready");
    QString out;
    QCOMPARE(
        m_tb.vmExec(vm,
                    {QStringLiteral("sh"), QStringLiteral("-c"),
                     QStringLiteral(
                         "set -e; cp /var/lib/aio-sandbox/firewall.revert.nft /run/aio-test-revert.keep; "
                         "printf '# the rules from before any deployment\\n' >> "
                         "/var/lib/aio-sandbox/firewall.revert.nft; "
                         "setsid sh -c 'sleep 600; nft -f /var/lib/aio-sandbox/firewall.revert.nft; "
                         "rm -f /run/aio-sandbox-firewall-revert.pid' </dev/null >/dev/null 2>&1 & "
                         "echo $! > /run/aio-sandbox-firewall-revert.pid; cat /run/aio-sandbox-firewall-revert.pid")},
                    &out),
        0);
    const QString firstJob = out.trimmed();
    QVERIFY2(firstJob.toInt() > 1, qPrintable(out));

    const CliRun r = m_tb.cli(deployArgs(m_answersPath));
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("Host firewall: applied")), qPrintable(r.why()));

    QCOMPARE(
        m_tb.vmExec(vm,
                    {QStringLiteral("sh"), QStringLiteral("-c"),
                     QStringLiteral("if kill -0 %1 2>/dev/null; then echo first-job-alive; fi; "
                                    "test -e /run/aio-sandbox-firewall-revert.pid && echo job-pending; "
                                    "grep -c 'from before any deployment' /var/lib/aio-sandbox/firewall.revert.nft; "
                                    "mv /run/aio-test-revert.keep /var/lib/aio-sandbox/firewall.revert.nft")
                         .arg(firstJob)},
                    &out),
        0);
    QVERIFY2(!out.contains(QStringLiteral("first-job-alive")), qPrintable(out));
    QVERIFY2(!out.contains(QStringLiteral("job-pending")), qPrintable(out));
    QVERIFY2(out.trimmed().endsWith(QLatin1Char('1')), qPrintable(out)); // the saved rules are untouched
}

void TestDeployVmReady::failingStepRollsBackAndPreviousSiteServes()
{
    QString siteBefore;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("cat"), QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf")}, &siteBefore),
             0);
    // "Existing files" that are no certificate: nginx -t refuses the new site.
    QJsonObject broken = answers();
    broken.insert(QStringLiteral("tls"),
                  QJsonObject{{QStringLiteral("mode"), QStringLiteral("existing")},
                              {QStringLiteral("certificate"), QStringLiteral("/etc/hostname")},
                              {QStringLiteral("privateKey"), QStringLiteral("/etc/hostname")}});
    const QString path = m_tb.writeScratch(QStringLiteral("broken.json"), QJsonDocument(broken).toJson());
    const CliRun r = m_tb.cli(deployArgs(path));
    QVERIFY2(r.exitCode == 1, qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("nginx -t")), qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("rolled back")), qPrintable(r.why()));

    QString siteAfter;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("cat"), QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf")}, &siteAfter),
             0);
    QCOMPARE(siteAfter, siteBefore);
    HttpProbeRequest ping;
    ping.endpoint = endpoint();
    ping.path = "/v1/ping";
    ping.headers.append({QByteArray("Authorization"), bearer()});
    Result<HttpProbeResult> result = HttpsProbe::run(ping);
    QVERIFY(result.ok());
    QVERIFY2(result->tls.verified && result->status == 200, qPrintable(result->evidence()));
}

int TestDeployVmReady::status(const QByteArray& path, const HttpHeaders& headers) const
{
    HttpProbeRequest r;
    r.endpoint = endpoint();
    r.path = path;
    r.headers = headers;
    Result<HttpProbeResult> result = HttpsProbe::run(r);
    return result && result->requestSent ? result->status : -1;
}

// Each combination of edge and sandbox authentication the answers accept, deployed on vm-ready and
// tried from here: no credentials refused, the right ones accepted, wrong ones refused, the image's
// static-suffix bypass closed, and the edge's own secret never reaching the container.
void TestDeployVmReady::everyAcceptedAuthCombinationWorksThroughNginx_data()
{
    QTest::addColumn<QByteArray>("edge");
    QTest::addColumn<QByteArray>("sandboxAuth");
    // (An API key alone is covered by the rows that pair it with the edge's controls.)
    QTest::newRow("JWT and API key") << QByteArray("{}") << QByteArray(R"({"jwt": true, "apiKey": true})");
    QTest::newRow("allowlist + JWT") << QByteArray(R"({"allow": ["198.18.0.0/15"]})")
                                     << QByteArray(R"({"jwt": true, "apiKey": false})");
    QTest::newRow("basic auth only") << QByteArray(R"({"basicAuthUser": "admin"})")
                                     << QByteArray(R"({"jwt": false, "apiKey": false})");
    QTest::newRow("basic auth + API key")
        << QByteArray(R"({"basicAuthUser": "admin"})") << QByteArray(R"({"jwt": false, "apiKey": true})");
    QTest::newRow("SSO with sign-in + API key")
        << QByteArray(R"({"authRequestUrl": "http://127.0.0.1:9091/check", "signInUrl": "https://sso.test/sign_in"})")
        << QByteArray(R"({"jwt": false, "apiKey": true})");
}

void TestDeployVmReady::everyAcceptedAuthCombinationWorksThroughNginx()
{
    QFETCH(QByteArray, edge);
    QFETCH(QByteArray, sandboxAuth);
    const QByteArray apiKey = "matrix-key-0123456789abcdef";
    const QByteArray password = "edge-password-4711-xyz";
    const QByteArray ssoCookie = "sso=good-session";
    QJsonObject a = answers();
    a.insert(QStringLiteral("edge"), QJsonDocument::fromJson(edge).object());
    a.insert(QStringLiteral("sandboxAuth"), QJsonDocument::fromJson(sandboxAuth).object());
    QJsonObject container = a.value(QStringLiteral("container")).toObject();
    container.insert(QStringLiteral("env"),
                     QJsonObject{{QStringLiteral("AIO_FAKE_HEADER_LOG"), QStringLiteral("/var/log/gem/headers.log")}});
    a.insert(QStringLiteral("container"), container);
    const bool basic = edge.contains("basicAuthUser");
    const bool sso = edge.contains("authRequestUrl");
    const bool key = sandboxAuth.contains(R"("apiKey": true)");
    const bool jwt = sandboxAuth.contains(R"("jwt": true)");
    if (sso) {
        // A stand-in for the admin's SSO check on the VM: 200 with the session cookie, else 401.
        QString out;
        QCOMPARE(m_tb.vmExec(
                     QStringLiteral("vm-ready"),
                     {QStringLiteral("sh"), QStringLiteral("-c"),
                      QStringLiteral("kill $(cat /run/aio-test-sso.pid 2>/dev/null) 2>/dev/null; setsid python3 -c '\n"
                                     "import http.server\n"
                                     "class H(http.server.BaseHTTPRequestHandler):\n"
                                     "    def do_GET(self):\n"
                                     "        ok = \"%1\" in self.headers.get(\"Cookie\", \"\")\n"
                                     "        open(\"/run/aio-test-sso.log\", \"a\").write(str(self.headers))\n"
                                     "        self.send_response(200 if ok else 401)\n"
                                     "        self.send_header(\"X-Auth-Request-User\", \"alice\")\n"
                                     "        self.end_headers()\n"
                                     "    def log_message(self, *a): pass\n"
                                     "http.server.HTTPServer((\"127.0.0.1\", 9091), H).serve_forever()' "
                                     ">/dev/null 2>&1 </dev/null & echo $! >/run/aio-test-sso.pid; sleep 1")
                          .arg(QString::fromLatin1(ssoCookie))},
                     &out),
                 0);
    }
    const QString answersPath = m_tb.writeScratch(QStringLiteral("matrix.json"), QJsonDocument(a).toJson());
    const QString keyPath = m_tb.writeScratch(QStringLiteral("api-key.txt"), apiKey);
    QStringList args = deployArgs(answersPath) << QStringLiteral("--api-key-file") << keyPath;
    if (basic)
        args << QStringLiteral("--basic-auth-password-stdin");
    const CliRun r = m_tb.cli(args, basic ? password + '\n' : QByteArray());
    QVERIFY2(r.exitCode == 0, qPrintable(r.output.right(6000))); // the end says what failed
    QVERIFY2(!r.output.contains(QStringLiteral("✗")), qPrintable(r.output.right(6000)));
    QVERIFY2(!r.output.contains(QString::fromLatin1(apiKey)), "the API key was printed");

    const QByteArray basicRight = "Basic " + QByteArray("admin:" + password).toBase64();
    const QByteArray basicWrong = "Basic " + QByteArray("admin:not-the-password").toBase64();
    HttpHeaders right;
    if (basic)
        right.append({QByteArray("Authorization"), basicRight});
    if (sso)
        right.append({QByteArray("Cookie"), ssoCookie});
    if (!basic && !sso) {
        if (key)
            right.append({QByteArray("X-AIO-API-Key"), apiKey});
        else
            right.append({QByteArray("Authorization"), bearer()});
    }
    // No credentials, and the static-suffix bypass, are refused.
    // A refused browser is sent to sign in where a sign-in URL is set.
    const int refused = sso ? 302 : 401;
    QCOMPARE(status("/vnc/index.html", {}), refused);
    QCOMPARE(status("/v1/file/download?path=/etc/hostname&x=.js", {}), refused);
    QCOMPARE(status("/v1/openapi.json", {}), refused);
    // The right credentials work, also for the API.
    QCOMPARE(status("/vnc/index.html", right), 200);
    QCOMPARE(status("/v1/sandbox", right), 200);
    // Wrong ones are refused.
    if (basic)
        QCOMPARE(status("/vnc/index.html", {{QByteArray("Authorization"), basicWrong}}), 401);
    if (sso)
        QCOMPARE(status("/vnc/index.html", {{QByteArray("Cookie"), QByteArray("sso=forged")}}), 302);
    if (key)
        QCOMPARE(status("/vnc/index.html", {{QByteArray("X-AIO-API-Key"), QByteArray("wrong-key-0123456789")}}),
                 refused);
    if (jwt && key && !basic && !sso) {
        // Either credential is enough: the key, or a JWT.
        QCOMPARE(status("/v1/sandbox", {{QByteArray("Authorization"), bearer()}}), 200);
    }
    if (basic || sso) {
        // The API key alone does not pass the edge: the edge's own check decides first.
        QCOMPARE(status("/v1/sandbox", {{QByteArray("X-AIO-API-Key"), apiKey}}), refused);
    }

    // What reached the container: never the edge's password; the key only where nginx hands it over.
    QString headers;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-ready"),
                         {QStringLiteral("docker"), QStringLiteral("exec"), QStringLiteral("aio-sandbox"),
                          QStringLiteral("cat"), QStringLiteral("/var/log/gem/headers.log")},
                         &headers),
             0);
    QVERIFY2(headers.contains(QStringLiteral("GET /v1/sandbox")), qPrintable(headers));
    QVERIFY2(!headers.contains(QString::fromLatin1(password)), qPrintable(headers));
    QVERIFY2(!headers.contains(QString::fromLatin1(QByteArray("admin:" + password).toBase64())), qPrintable(headers));
    QVERIFY2(!headers.contains(QStringLiteral("Authorization: Basic")), qPrintable(headers));
    if (basic && key)
        QVERIFY2(headers.contains(QStringLiteral("X-AIO-API-Key: ") + QString::fromLatin1(apiKey)),
                 qPrintable(headers));
}

QTEST_GUILESS_MAIN(TestDeployVmReady)
#include "TestDeployVmReady.moc"
