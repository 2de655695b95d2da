#include "DeployTestbed.h"

#include "common/TestbedEnv.h"

#include "core/net/HttpsProbe.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QUrl>

DeployTestbed::DeployTestbed()
    : m_values(aio::test::readTestbedEnv())
{ }

QString DeployTestbed::binary()
{
    return QStringLiteral(AIO_BINARY_DIR "/app/aio-sandbox-manager");
}

aio::HostName DeployTestbed::vmAddress(const QString& vm) const
{
    return aio::HostName::parse(value(vm + QStringLiteral("_IP"))).valueOr(aio::HostName());
}

QString CliRun::why() const
{
    constexpr int kBudget = 700; // QtTest cuts a message at 1024 bytes (of UTF-8)
    QString head = QStringLiteral("exit %1\n").arg(exitCode);
    const QStringList lines = output.split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        if (head.size() > kBudget / 2)
            break;
        if (line.contains(QStringLiteral("✗")) || line.contains(QStringLiteral("error"), Qt::CaseInsensitive)
            || line.contains(QStringLiteral("failed"), Qt::CaseInsensitive))
            head += line.left(160) + QLatin1Char('\n');
    }
    QString tail;
    for (qsizetype i = lines.size() - 1; i >= 0; --i) {
        const QString line = lines.at(i).left(160) + QLatin1Char('\n');
        if (head.size() + tail.size() + line.size() > kBudget)
            break;
        tail.prepend(line);
    }
    return head + QStringLiteral("…\n") + tail;
}

CliRun DeployTestbed::cli(const QStringList& args, const QByteArray& stdinData, int timeoutMs) const
{
    CliRun run;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // no keychain: secrets go to the files we name
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    p.setProcessEnvironment(env);
    p.start(binary(), QStringList{QStringLiteral("--profile"), m_profile.path()} + args);
    if (!p.waitForStarted(10'000)) {
        run.output = p.errorString();
        return run;
    }
    p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5'000);
        run.output = QString::fromUtf8(p.readAll()) + QStringLiteral("\n[killed after %1 ms]").arg(timeoutMs);
        return run;
    }
    run.output = QString::fromUtf8(p.readAll());
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    // AIO_TEST_OUTPUT_DIR keeps every run's whole output (a failed assertion shows only its end).
    const QString keep = qEnvironmentVariable("AIO_TEST_OUTPUT_DIR");
    if (!keep.isEmpty()) {
        static int n = 0;
        QFile f(QDir(keep).filePath(QStringLiteral("%1-%2-%3.txt")
                                        .arg(QCoreApplication::applicationName())
                                        .arg(++n, 3, 10, QLatin1Char('0'))
                                        .arg(args.value(0))));
        if (f.open(QIODevice::WriteOnly))
            f.write(QStringLiteral("$ %1\nexit %2\n").arg(args.join(QLatin1Char(' '))).arg(run.exitCode).toUtf8()
                    + run.output.toUtf8());
    }
    return run;
}

bool DeployTestbed::addTarget(const QString& name, const QString& vm, QString* error) const
{
    const CliRun r
        = cli({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), name, QStringLiteral("--host"),
               value(vm + QStringLiteral("_IP")), QStringLiteral("--port"),
               value(QStringLiteral("SSH_PORT")).isEmpty() ? QStringLiteral("22") : value(QStringLiteral("SSH_PORT")),
               QStringLiteral("--user"), value(QStringLiteral("USER")), QStringLiteral("--auth"), QStringLiteral("key"),
               QStringLiteral("--key"), value(QStringLiteral("KEY")), QStringLiteral("--sudo")},
              {}, 60'000);
    *error = r.output;
    return r.exitCode == 0;
}

int DeployTestbed::vmExec(const QString& vm, const QStringList& command, QString* output, int timeoutMs) const
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QString exec = value(QStringLiteral("VM_EXEC"));
    if (exec.isEmpty())
        exec = QStringLiteral(AIO_SOURCE_DIR "/tests/testbed/vm-exec");
    p.start(exec, QStringList{vm} + command);
    const bool finished = p.waitForStarted(10'000) && p.waitForFinished(timeoutMs);
    if (!finished)
        p.kill();
    p.waitForFinished(5'000);
    if (output)
        *output = QString::fromUtf8(p.readAll());
    return finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

QByteArray DeployTestbed::fetchPebbleRoot(QString* error) const
{
    const QUrl url(value(QStringLiteral("ACME_ROOTS_URL")));
    QFile bundle(value(QStringLiteral("ACME_CA_BUNDLE")));
    if (!url.isValid() || !bundle.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("no ACME_ROOTS_URL or ACME_CA_BUNDLE in the testbed env");
        return {};
    }
    aio::HttpProbeRequest r;
    r.endpoint.address = aio::HostName::parse(url.host()).valueOr(aio::HostName());
    r.endpoint.port = aio::Port(quint16(url.port(443)));
    r.endpoint.extraCaCertificates = QSslCertificate::fromData(bundle.readAll(), QSsl::Pem);
    r.endpoint.useSystemCaCertificates = false;
    r.path = url.path(QUrl::FullyEncoded).toUtf8();
    // pebble's API certificate is issued for 198.18.0.1 by the testbed's minica, trusted here only.
    r.sendWhenUnverified = false;
    aio::Result<aio::HttpProbeResult> result = aio::HttpsProbe::run(r);
    if (!result || result->status != 200) {
        *error = result ? QStringLiteral("HTTP %1").arg(result->status) : result.error().toString();
        return {};
    }
    return result->bodyPrefix;
}

QString DeployTestbed::writeScratch(const QString& name, const QByteArray& content) const
{
    const QString path = m_profile.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(content);
    return path;
}

void DeployTestbed::resetVmReady() const
{
    QString out;
    vmExec(
        QStringLiteral("vm-ready"),
        {QStringLiteral("sh"), QStringLiteral("-c"),
         QStringLiteral(
             "pid=$(cat /run/aio-sandbox-firewall-revert.pid 2>/dev/null) && kill -TERM -- -$pid; "
             "kill $(cat /run/aio-test-sso.pid 2>/dev/null) 2>/dev/null; "
             "rm -f /etc/nginx/aio-sandbox-upstream-key.conf /run/aio-test-sso.pid /run/aio-test-sso.log; "
             "nft delete table inet aio_sandbox 2>/dev/null; "
             "sed -i '\\#/etc/aio-sandbox/firewall.nft#d; /^# AIO Sandbox Manager: the sandbox/d' /etc/nftables.conf; "
             "kill $(cat /run/aio-test-listener.pid 2>/dev/null) 2>/dev/null; rm -f /run/aio-test-listener.pid; "
             "docker rm -f aio-sandbox aio-sandbox-previous >/dev/null 2>&1; "
             "docker network rm aio-sandbox-net >/dev/null 2>&1; "
             "rm -f /etc/nginx/conf.d/aio-sandbox.conf /etc/nginx/conf.d/aio-sandbox-map.conf "
             "/etc/nginx/aio-sandbox.htpasswd /run/aio-sandbox-firewall-revert.pid; "
             "rm -rf /etc/aio-sandbox /var/lib/aio-sandbox /etc/letsencrypt/live/%1 "
             "/etc/letsencrypt/archive/%1 /etc/letsencrypt/renewal/%1.conf "
             "/etc/letsencrypt/renewal-hooks/deploy/aio-sandbox-reload-nginx; "
             "nginx -t >/dev/null 2>&1 && { service nginx reload || service nginx start; } >/dev/null 2>&1; true")
             .arg(value(QStringLiteral("VM_READY_NAME")))},
        &out);
}
