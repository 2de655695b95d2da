// End to end on the testbed's vm-scratch with ufw as the host firewall: the real
// `aio-sandbox-manager deploy` installs ufw from the testbed's apt mirror, backs up its state,
// schedules the timed revert, adds the rules (this connection's address first), enables it and
// confirms over a new SSH connection. Then, from this workstation (198.18.0.1, NOT in the admin
// range of the answers: only the "this connection" rule lets us in): 443 answers, a listener on
// 8080 is unreachable, SSH works; from the bastion (198.18.0.5) SSH is refused while 443 answers.
// A second run changes nothing; an admin's `ufw allow 22/tcp` (SSH open to anyone) is found and
// deleted by the next run, from a backup of the then active ufw. Last, a run whose confirmation cannot get through (new
// SSH connections from here are dropped by an nftables rule; the CLI is frozen with SIGSTOP) is undone by the VM's own
// revert job: ufw's rules are exactly as before that run.
// The certificate comes from the local pebble ACME server through certbot's nginx plugin (the
// other ACME challenge; tests/integration/deploy/TestDeployVmReady uses webroot).
#include "DeployTestbed.h"

#include "core/net/HttpsProbe.h"
#include "core/net/PortProbe.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <csignal>
#include <sys/types.h>

using namespace aio;

namespace {
const QString kVm = QStringLiteral("vm-scratch");
const QString kPidFile = QStringLiteral("/run/aio-sandbox-firewall-revert.pid");
} // namespace

class TestDeployUfw : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void deployInstallsAndEnablesUfw();
    void fromOutsideOnlyWebAndAdminSsh();
    void secondRunChangesNothing();
    void ruleOpeningSshToAnyoneIsRemoved();
    void unconfirmedChangeIsRevertedByTheVm();

private:
    QByteArray answers(const QStringList& adminCidrs, int revertSeconds) const;
    QStringList deployArgs(const QString& answersPath) const;
    ProbeEndpoint endpoint() const;
    QString vm(const QString& script, int* exitCode = nullptr, int timeoutMs = 120'000) const;
    bool resetVm(QString* output) const;

    DeployTestbed m_tb;
    QString m_answersPath;
    QString m_rootPath; // pebble's root, which issues the site's certificate
    QList<QSslCertificate> m_roots;
    QByteArray m_password = "ufw test horse battery";
};

QString TestDeployUfw::vm(const QString& script, int* exitCode, int timeoutMs) const
{
    QString out;
    const int rc = m_tb.vmExec(kVm, {QStringLiteral("sh"), QStringLiteral("-c"), script}, &out, timeoutMs);
    if (exitCode)
        *exitCode = rc;
    return out;
}

bool TestDeployUfw::resetVm(QString* output) const
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(AIO_SOURCE_DIR "/tests/testbed/reset"), {kVm});
    const bool finished = p.waitForStarted(10'000) && p.waitForFinished(600'000);
    if (!finished)
        p.kill();
    p.waitForFinished(5'000);
    *output = QString::fromUtf8(p.readAll());
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QByteArray TestDeployUfw::answers(const QStringList& adminCidrs, int revertSeconds) const
{
    QJsonObject a
        = QJsonDocument::fromJson(
              QStringLiteral(R"({
        "version": 1,
        "container": {"image": "%1", "cpus": "1", "memory": "1g", "shmSize": "256m"},
        "publicHost": "%2",
        "tls": {"mode": "acme", "acme": {"email": "admin@example.org", "agreeTos": true, "directory": "%3",
                                         "caBundle": "%4", "challenge": "nginx"}},
        "edge": {"basicAuthUser": "admin"},
        "sandboxAuth": {"jwt": false, "apiKey": false},
        "installMissing": true
    })")
                  .arg(m_tb.value(QStringLiteral("SANDBOX_IMAGE")), m_tb.value(QStringLiteral("VM_SCRATCH_NAME")),
                       m_tb.value(QStringLiteral("ACME_DIRECTORY")), m_tb.value(QStringLiteral("ACME_CA_BUNDLE")))
                  .toUtf8())
              .object();
    a.insert(QStringLiteral("firewall"),
             QJsonObject{{QStringLiteral("tool"), QStringLiteral("ufw")},
                         {QStringLiteral("adminSshCidrs"), QJsonArray::fromStringList(adminCidrs)},
                         {QStringLiteral("autoRevertSeconds"), revertSeconds}});
    return QJsonDocument(a).toJson();
}

QStringList TestDeployUfw::deployArgs(const QString& answersPath) const
{
    return {QStringLiteral("deploy"),
            QStringLiteral("scratch"),
            QStringLiteral("--answers"),
            answersPath,
            QStringLiteral("--yes"),
            QStringLiteral("--strict-host-key"),
            QStringLiteral("--known-hosts"),
            m_tb.value(QStringLiteral("KNOWN_HOSTS")),
            QStringLiteral("--trust-ca"),
            m_rootPath,
            QStringLiteral("--basic-auth-password-stdin")};
}

ProbeEndpoint TestDeployUfw::endpoint() const
{
    ProbeEndpoint e;
    e.address = m_tb.vmAddress(QStringLiteral("VM_SCRATCH"));
    e.port = Port(443);
    e.hostName = *HostName::parse(m_tb.value(QStringLiteral("VM_SCRATCH_NAME")));
    e.extraCaCertificates = m_roots;
    e.useSystemCaCertificates = false;
    e.timeoutMs = 15'000;
    return e;
}

void TestDeployUfw::initTestCase()
{
    QVERIFY2(m_tb.isUp(), "the testbed is not up (tests/testbed/up; the CTest fixture testbed.up does it)");
    QVERIFY2(QFile::exists(DeployTestbed::binary()), qPrintable(DeployTestbed::binary()));
    QString out;
    QVERIFY2(resetVm(&out), qPrintable(out));
    int rc = -1;
    out = vm(QStringLiteral("! command -v ufw"), &rc);
    QVERIFY2(rc == 0, qPrintable(QStringLiteral("ufw is already on vm-scratch: ") + out));
    QString error;
    QVERIFY2(m_tb.addTarget(QStringLiteral("scratch"), QStringLiteral("VM_SCRATCH"), &error), qPrintable(error));
    const QByteArray root = m_tb.fetchPebbleRoot(&error);
    QVERIFY2(!root.isEmpty(), qPrintable(error));
    m_roots = QSslCertificate::fromData(root, QSsl::Pem);
    QVERIFY(!m_roots.isEmpty());
    m_rootPath = m_tb.writeScratch(QStringLiteral("pebble-root.pem"), root);
    m_answersPath
        = m_tb.writeScratch(QStringLiteral("answers-ufw.json"), answers({QStringLiteral("203.0.113.0/24")}, 60));

    // Something that listens on 8080 on the VM's own address, so "8080 is closed" below is the
    // firewall's doing and not just nothing listening (the sandbox itself binds 127.0.0.1:8080).
    out = vm(QStringLiteral("cd /tmp && setsid python3 -m http.server 8080 --bind %1 </dev/null >/dev/null 2>&1 & "
                            "echo $! > /run/aio-test-listener.pid")
                 .arg(m_tb.value(QStringLiteral("VM_SCRATCH_IP"))),
             &rc);
    QVERIFY2(rc == 0, qPrintable(out));
    PortProbeResult p;
    for (int i = 0; i < 20; ++i) {
        p = PortProbe::run(m_tb.vmAddress(QStringLiteral("VM_SCRATCH")), Port(8080), 2000);
        if (p.state == PortState::Open)
            break;
        QThread::msleep(250);
    }
    QVERIFY2(p.state == PortState::Open,
             qPrintable(QStringLiteral("the 8080 listener before the firewall: ") + p.evidence()));
}

void TestDeployUfw::cleanupTestCase()
{
    // Leaves vm-scratch as the testbed made it: no ufw, no listener, nothing deployed.
    (void)m_tb.vmExec(
        QStringLiteral("vm-scratch"),
        {QStringLiteral("sh"), QStringLiteral("-c"),
         QStringLiteral("nft delete table inet aio_test_block 2>/dev/null; "
                        "pid=$(cat /run/aio-sandbox-firewall-revert.pid 2>/dev/null) && kill -TERM -$pid; "
                        "pid=$(cat /run/aio-test-listener.pid 2>/dev/null) && kill $pid; "
                        "command -v ufw >/dev/null && ufw --force reset >/dev/null && ufw --force disable; "
                        "true")});
    QString out;
    if (!resetVm(&out))
        qWarning("resetting vm-scratch failed: %s", qPrintable(out));
}

void TestDeployUfw::deployInstallsAndEnablesUfw()
{
    QElapsedTimer t;
    t.start();
    const CliRun r = m_tb.cli(deployArgs(m_answersPath), m_password + '\n', 1'200'000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    qInfo("first deployment: %lld ms", t.elapsed());
    QVERIFY2(r.output.contains(QStringLiteral("apt-get install -y --no-install-recommends ufw")), qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("ufw prepend allow from 198.18.0.1 to any port 22 proto tcp comment "
                                              "'aio: this admin connection'")),
             qPrintable(r.why()));
    QVERIFY2(!r.output.contains(QString::fromUtf8(m_password)), "the password appeared in the output");
    // The certificate came through certbot's nginx plugin (the TLS step's own check then compares the site byte
    // for byte with ours, so the plugin's temporary edits are gone).
    QVERIFY2(r.output.contains(QStringLiteral("certbot certonly --non-interactive --keep-until-expiring --agree-tos "
                                              "--nginx -d ")),
             qPrintable(r.why()));

    int rc = -1;
    const QString status = vm(QStringLiteral("ufw status verbose"), &rc);
    QCOMPARE(rc, 0);
    QVERIFY2(status.contains(QStringLiteral("Status: active")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("Default: deny (incoming)")), qPrintable(status));
    const auto row = [&status](const QString& pattern) {
        return QRegularExpression(QStringLiteral("(?m)^") + pattern).match(status).hasMatch();
    };
    QVERIFY2(row(QStringLiteral("22/tcp +ALLOW IN +198\\.18\\.0\\.1 +# aio: this admin connection")),
             qPrintable(status));
    QVERIFY2(row(QStringLiteral("22/tcp +ALLOW IN +203\\.0\\.113\\.0/24")), qPrintable(status));
    QVERIFY2(row(QStringLiteral("80/tcp +ALLOW IN +Anywhere ")), qPrintable(status));
    QVERIFY2(row(QStringLiteral("443/tcp +ALLOW IN +Anywhere ")), qPrintable(status));
    QVERIFY2(row(QStringLiteral("8080/tcp +DENY IN +Anywhere ")), qPrintable(status));
    // The first rule is the one for this connection.
    const QString first = vm(QStringLiteral("ufw show added | sed -n 2p"));
    QVERIFY2(first.startsWith(QStringLiteral("ufw allow from 198.18.0.1 to any port 22")), qPrintable(first));
    // Confirmed: no revert job left; the backup says ufw was inactive before.
    QCOMPARE(vm(QStringLiteral("test -e %1 && echo pending || echo none").arg(kPidFile)).trimmed(),
             QStringLiteral("none"));
    QCOMPARE(vm(QStringLiteral("cat /var/lib/aio-sandbox/ufw-backup/state")).trimmed(), QStringLiteral("inactive"));
}

void TestDeployUfw::fromOutsideOnlyWebAndAdminSsh()
{
    HttpProbeRequest anonymous;
    anonymous.endpoint = endpoint();
    anonymous.path = "/vnc/index.html";
    Result<HttpProbeResult> https = HttpsProbe::run(anonymous);
    QVERIFY2(https.ok(), qPrintable(https.ok() ? QString() : https.error().toString()));
    QVERIFY2(https->tls.verified, qPrintable(https->tls.toString()));
    QCOMPARE(https->status, 401);
    HttpProbeRequest right = anonymous;
    right.headers.append({QByteArray("Authorization"), "Basic " + QByteArray("admin:" + m_password).toBase64()});
    Result<HttpProbeResult> allowed = HttpsProbe::run(right);
    QVERIFY(allowed.ok());
    QVERIFY2(allowed->status == 200, qPrintable(allowed->evidence()));

    // 8080: the listener still answers on the VM itself, but not from outside (ufw drops).
    int rc = -1;
    const QString inside = vm(QStringLiteral("curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://%1:8080/")
                                  .arg(m_tb.value(QStringLiteral("VM_SCRATCH_IP"))),
                              &rc);
    QVERIFY2(rc == 0 && inside.trimmed() == QLatin1String("200"), qPrintable(inside));
    const PortProbeResult p8080 = PortProbe::run(m_tb.vmAddress(QStringLiteral("VM_SCRATCH")), Port(8080), 3000);
    QVERIFY2(p8080.state == PortState::Filtered, qPrintable(p8080.evidence()));

    // SSH from this workstation (the deploying client) still gets through.
    const PortProbeResult ssh = PortProbe::run(m_tb.vmAddress(QStringLiteral("VM_SCRATCH")), Port(22), 3000);
    QVERIFY2(ssh.state == PortState::Open, qPrintable(ssh.evidence()));
    // From the bastion (198.18.0.5: neither the client nor in 203.0.113.0/24): 443 yes, SSH no.
    // (Up to three tries: the bastion is shared with other tests and may be busy being reset.)
    const QString ip = m_tb.value(QStringLiteral("VM_SCRATCH_IP"));
    QString out;
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_tb.vmExec(QStringLiteral("bastion"),
                    {QStringLiteral("sh"), QStringLiteral("-c"),
                     QStringLiteral("nc -z -w 3 %1 443 && echo web-open; "
                                    "if nc -z -w 3 %1 22; then echo ssh-open; else echo ssh-closed; fi")
                         .arg(ip)},
                    &out);
        if (out.contains(QStringLiteral("web-open")))
            break;
        QThread::msleep(2000);
    }
    QVERIFY2(out.contains(QStringLiteral("web-open")), qPrintable(QStringLiteral("443 from the bastion: ") + out));
    QVERIFY2(out.contains(QStringLiteral("ssh-closed")) && !out.contains(QStringLiteral("ssh-open")),
             qPrintable(QStringLiteral("SSH from the bastion: ") + out));
}

void TestDeployUfw::secondRunChangesNothing()
{
    const QString before = vm(QStringLiteral("ufw show added"));
    QElapsedTimer t;
    t.start();
    const CliRun r = m_tb.cli(deployArgs(m_answersPath), m_password + '\n');
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    qInfo("second deployment: %lld ms", t.elapsed());
    QVERIFY2(!r.output.contains(QStringLiteral("-- apply")), qPrintable(r.why()));
    QCOMPARE(vm(QStringLiteral("ufw show added")), before);
}

void TestDeployUfw::ruleOpeningSshToAnyoneIsRemoved()
{
    int rc = -1;
    QString out = vm(QStringLiteral("ufw allow 22/tcp && ufw show added"), &rc);
    QVERIFY2(rc == 0 && out.contains(QStringLiteral("ufw allow 22/tcp")), qPrintable(out));
    const CliRun r = m_tb.cli(deployArgs(m_answersPath), m_password + '\n');
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    QVERIFY2(r.output.contains(QStringLiteral("sudo ufw delete allow 22/tcp")), qPrintable(r.why()));
    out = vm(QStringLiteral("ufw show added"));
    QVERIFY2(!out.contains(QStringLiteral("ufw allow 22/tcp")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("ufw allow from 198.18.0.1 to any port 22")), qPrintable(out));
    // This time ufw was active before the change, and the backup says so.
    QCOMPARE(vm(QStringLiteral("cat /var/lib/aio-sandbox/ufw-backup/state")).trimmed(), QStringLiteral("active"));
    QCOMPARE(vm(QStringLiteral("test -e %1 && echo pending || echo none").arg(kPidFile)).trimmed(),
             QStringLiteral("none"));
}

void TestDeployUfw::unconfirmedChangeIsRevertedByTheVm()
{
    const QString before = vm(QStringLiteral("ufw show added"));
    QVERIFY2(before.contains(QStringLiteral("203.0.113.0/24")), qPrintable(before));
    const int revertSeconds = 10;
    const QString path = m_tb.writeScratch(
        QStringLiteral("answers-ufw-2.json"),
        answers({QStringLiteral("203.0.113.0/24"), QStringLiteral("198.51.100.0/24")}, revertSeconds));

    // New SSH connections from this workstation are dropped once one is open: the CLI's own
    // connection gets in, the confirming second one cannot.
    int rc = -1;
    QString out
        = vm(QStringLiteral("nft add table inet aio_test_block && "
                            "nft add chain inet aio_test_block input '{ type filter hook input priority -10; }' && "
                            "nft add rule inet aio_test_block input ip saddr 198.18.0.1 tcp dport 22 "
                            "ct state new ct count over 1 drop"),
             &rc);
    QVERIFY2(rc == 0, qPrintable(out));

    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    cli.setProcessEnvironment(env);
    cli.start(DeployTestbed::binary(), QStringList{QStringLiteral("--profile"), m_tb.profileDir()} + deployArgs(path));
    QVERIFY(cli.waitForStarted(10'000));
    cli.write(m_password + '\n');
    cli.closeWriteChannel();

    // Wait until the new rules are in and the revert job is pending, then freeze the CLI: from
    // here on only the VM can undo the change.
    bool applied = false;
    QDeadlineTimer deadline(300'000);
    while (!deadline.hasExpired() && cli.state() == QProcess::Running) {
        const QString s = vm(QStringLiteral("test -s %1 && ufw status | grep -q '^Status: active' && "
                                            "ufw show added | grep -q 'ufw deny 8080/tcp' && "
                                            "ufw show added | grep -q 198.51.100.0/24 && echo applied")
                                 .arg(kPidFile));
        if (s.contains(QStringLiteral("applied"))) {
            applied = true;
            break;
        }
        cli.waitForFinished(200);
    }
    QVERIFY2(applied, qPrintable(QString::fromUtf8(cli.readAll())));
    QVERIFY2(::kill(pid_t(cli.processId()), SIGSTOP) == 0, "could not stop the CLI");
    QElapsedTimer frozen;
    frozen.start();

    bool reverted = false;
    QString now;
    while (frozen.elapsed() < (revertSeconds + 30) * 1000) {
        now = vm(QStringLiteral("ufw show added"));
        if (now == before
            && vm(QStringLiteral("test -e %1 || echo gone").arg(kPidFile)).contains(QLatin1String("gone"))) {
            reverted = true;
            break;
        }
        QThread::msleep(500);
    }
    qInfo("the VM reverted %lld ms after the CLI was frozen", frozen.elapsed());
    const QString statusAfter = vm(QStringLiteral("ufw status"));
    (void)vm(QStringLiteral("nft delete table inet aio_test_block"));
    ::kill(pid_t(cli.processId()), SIGCONT);
    const bool finished = cli.waitForFinished(120'000);
    if (!finished)
        cli.kill();
    const QString cliOutput = QString::fromUtf8(cli.readAll());
    QVERIFY2(reverted, qPrintable(QStringLiteral("before:\n%1\nnow:\n%2").arg(before, now)));
    QVERIFY2(statusAfter.contains(QStringLiteral("Status: active")), qPrintable(statusAfter));
    QVERIFY2(finished && cli.exitCode() != 0, qPrintable(cliOutput));
    QVERIFY2(cliOutput.contains(QStringLiteral("previous rules are back"))
                 || cliOutput.contains(QStringLiteral("already restored the previous rules")),
             qPrintable(cliOutput));
    // Whatever the CLI did after waking up, ufw is still as before that run.
    QCOMPARE(vm(QStringLiteral("ufw show added")), before);
    const PortProbeResult ssh = PortProbe::run(m_tb.vmAddress(QStringLiteral("VM_SCRATCH")), Port(22), 3000);
    QVERIFY2(ssh.state == PortState::Open, qPrintable(ssh.evidence()));
}

QTEST_GUILESS_MAIN(TestDeployUfw)
#include "TestDeployUfw.moc"
