// End to end on the testbed's vm-fresh (Debian with sshd only; no docker CLI, no nginx): the real
// `aio-sandbox-manager deploy` installs docker.io and nginx from the VM's apt sources (the
// testbed's local mirror), runs the sandbox from the mainland-China mirror's image name, serves it
// with a certificate from the admin's own CA made on this workstation, behind HTTP basic auth.
#include "DeployTestbed.h"

#include "core/net/HttpsProbe.h"
#include "core/net/PortProbe.h"
#include "core/net/WebSocketProbe.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace aio;

class TestDeployVmFresh : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void installsDockerAndNginxThenDeploys();
    void ownCaCertificateVerifiesAndBasicAuthGuards();
    void webSocketUpgradeWorksWithThePassword();
    void secondRunChangesNothing();

private:
    QStringList deployArgs() const;
    ProbeEndpoint endpoint() const;
    QByteArray basic() const { return "Basic " + QByteArray("admin:" + m_password).toBase64(); }
    void resetVm();

    DeployTestbed m_tb;
    QString m_answersPath;
    QString m_caDir;
    QByteArray m_password = "correct horse battery staple";
};

QStringList TestDeployVmFresh::deployArgs() const
{
    return {QStringLiteral("deploy"),
            QStringLiteral("fresh"),
            QStringLiteral("--answers"),
            m_answersPath,
            QStringLiteral("--yes"),
            QStringLiteral("--strict-host-key"),
            QStringLiteral("--known-hosts"),
            m_tb.value(QStringLiteral("KNOWN_HOSTS")),
            QStringLiteral("--basic-auth-password-stdin")};
}

ProbeEndpoint TestDeployVmFresh::endpoint() const
{
    ProbeEndpoint e;
    e.address = m_tb.vmAddress(QStringLiteral("VM_FRESH"));
    e.port = Port(443);
    e.hostName = *HostName::parse(m_tb.value(QStringLiteral("VM_FRESH_NAME")));
    QFile ca(m_caDir + QStringLiteral("/ca.crt"));
    if (ca.open(QIODevice::ReadOnly))
        e.extraCaCertificates = QSslCertificate::fromData(ca.readAll(), QSsl::Pem);
    e.useSystemCaCertificates = false;
    e.timeoutMs = 15'000;
    return e;
}

void TestDeployVmFresh::resetVm()
{
    QString out;
    m_tb.vmExec(
        QStringLiteral("vm-fresh"),
        {QStringLiteral("sh"), QStringLiteral("-c"),
         QStringLiteral(
             "for c in aio-sandbox aio-sandbox-previous; do "
             "curl -s -X DELETE --unix-socket /run/docker.sock \"http://d/containers/$c?force=1\" >/dev/null; done; "
             "[ -s /run/nginx.pid ] && kill \"$(cat /run/nginx.pid)\"; "
             "DEBIAN_FRONTEND=noninteractive apt-get purge -y docker.io nginx nginx-common nginx-core "
             ">/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y >/dev/null 2>&1; "
             "rm -rf /etc/nginx /etc/aio-sandbox /var/lib/aio-sandbox /var/www/aio-acme; true")},
        &out, 600'000);
}

void TestDeployVmFresh::initTestCase()
{
    QVERIFY2(m_tb.isUp(), "the testbed is not up (tests/testbed/up; the CTest fixture testbed.up does it)");
    QVERIFY2(QFile::exists(DeployTestbed::binary()), qPrintable(DeployTestbed::binary()));
    resetVm();
    QString out;
    QVERIFY2(m_tb.vmExec(QStringLiteral("vm-fresh"),
                         {QStringLiteral("sh"), QStringLiteral("-c"),
                          QStringLiteral("! command -v docker && ! command -v nginx")},
                         &out)
                 == 0,
             qPrintable(QStringLiteral("vm-fresh is not fresh: ") + out));
    QString error;
    QVERIFY2(m_tb.addTarget(QStringLiteral("fresh"), QStringLiteral("VM_FRESH"), &error), qPrintable(error));
    m_caDir = m_tb.scratchPath(QStringLiteral("own-ca"));
    const QJsonObject answers = QJsonDocument::fromJson(QStringLiteral(R"({
        "version": 1,
        "container": {"image": "%1", "cpus": "1", "memory": "1g", "shmSize": "256m"},
        "publicHost": "%2",
        "tls": {"mode": "own-ca", "ownCa": {"directory": "%3"}},
        "edge": {"basicAuthUser": "admin"},
        "sandboxAuth": {"jwt": false, "apiKey": false},
        "firewall": {"tool": "none"},
        "installMissing": true
    })")
                                                            .arg(m_tb.value(QStringLiteral("SANDBOX_MIRROR_IMAGE")),
                                                                 m_tb.value(QStringLiteral("VM_FRESH_NAME")), m_caDir)
                                                            .toUtf8())
                                    .object();
    QVERIFY(!answers.isEmpty());
    m_answersPath = m_tb.writeScratch(QStringLiteral("answers-fresh.json"), QJsonDocument(answers).toJson());
}

void TestDeployVmFresh::cleanupTestCase()
{
    resetVm();
}

void TestDeployVmFresh::installsDockerAndNginxThenDeploys()
{
    const CliRun r = m_tb.cli(deployArgs(), m_password + '\n', 1'200'000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("apt-get install -y --no-install-recommends docker.io nginx")),
             qPrintable(r.why()));
    QVERIFY2(!r.output.contains(QString::fromUtf8(m_password)), "the password appeared in the output");
    QString out;
    QCOMPARE(m_tb.vmExec(
                 QStringLiteral("vm-fresh"),
                 {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("command -v docker && command -v nginx")},
                 &out),
             0);
}

void TestDeployVmFresh::ownCaCertificateVerifiesAndBasicAuthGuards()
{
    HttpProbeRequest anonymous;
    anonymous.endpoint = endpoint();
    anonymous.path = "/vnc/index.html";
    Result<HttpProbeResult> refused = HttpsProbe::run(anonymous);
    QVERIFY2(refused.ok(), qPrintable(refused.ok() ? QString() : refused.error().toString()));
    QVERIFY2(refused->tls.verified, qPrintable(refused->tls.toString()));
    QVERIFY2(refused->tls.chain.first().issuer.contains(QStringLiteral("CN=AIO Sandbox Manager CA")),
             qPrintable(refused->tls.chain.first().issuer));
    QCOMPARE(refused->status, 401);

    HttpProbeRequest wrong = anonymous;
    wrong.headers.append({QByteArray("Authorization"), "Basic " + QByteArray("admin:nope").toBase64()});
    Result<HttpProbeResult> denied = HttpsProbe::run(wrong);
    QVERIFY(denied.ok());
    QCOMPARE(denied->status, 401);

    HttpProbeRequest right = anonymous;
    right.headers.append({QByteArray("Authorization"), basic()});
    Result<HttpProbeResult> allowed = HttpsProbe::run(right);
    QVERIFY(allowed.ok());
    QVERIFY2(allowed->status == 200, qPrintable(allowed->evidence()));

    const PortProbeResult p = PortProbe::run(m_tb.vmAddress(QStringLiteral("VM_FRESH")), Port(8080), 3000);
    QVERIFY2(p.state != PortState::Open, qPrintable(p.evidence()));
}

void TestDeployVmFresh::webSocketUpgradeWorksWithThePassword()
{
    WebSocketProbeRequest ws;
    ws.endpoint = endpoint();
    ws.headers.append({QByteArray("Authorization"), basic()});
    Result<WebSocketProbeResult> upgrade = WebSocketProbe::run(ws);
    QVERIFY2(upgrade.ok(), qPrintable(upgrade.ok() ? QString() : upgrade.error().toString()));
    QVERIFY2(upgrade->upgraded(), qPrintable(upgrade->evidence()));
    QVERIFY(upgrade->firstBytes.startsWith("RFB "));
}

void TestDeployVmFresh::secondRunChangesNothing()
{
    const CliRun r = m_tb.cli(deployArgs(), m_password + '\n');
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    QVERIFY2(!r.output.contains(QStringLiteral("-- apply")), qPrintable(r.why()));
}

QTEST_GUILESS_MAIN(TestDeployVmFresh)
#include "TestDeployVmFresh.moc"
