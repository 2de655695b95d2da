// Transfer speed of SshSession (SFTP and the sudo path) against OpenSSH's scp and sftp, to the
// same host, in the same run. Prints a Markdown table for docs/benchmarks.md ("SSH transfer").
//   bench_ssh_transfer [--vm VM_READY] [--mb 100] [--env /run/aio-testbed/testbed.env]

#include "bench/common/OpenSshOptions.h"
#include "integration/ssh/SshTestbed.h"

#include "core/ssh/SshSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <cstdio>

using namespace aio;

namespace {

struct Row
{
    QString tool;
    QString direction;
    qint64 ms = 0;
    bool ok = false;
};

bool runTool(const QString& program, const QStringList& args, qint64* ms)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForFinished(600'000))
        return false;
    *ms = t.elapsed();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

QByteArray fileSha(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addOption({QStringLiteral("vm"), QStringLiteral("testbed VM (VM_READY …)"), QStringLiteral("vm"),
                   QStringLiteral("VM_READY")});
    cli.addOption(
        {QStringLiteral("mb"), QStringLiteral("megabytes (MiB) to move"), QStringLiteral("mb"), QStringLiteral("100")});
    cli.addOption({QStringLiteral("env"), QStringLiteral("testbed.env"), QStringLiteral("path")});
    cli.addHelpOption();
    cli.process(app);
    if (cli.isSet(QStringLiteral("env")))
        qputenv("AIO_TESTBED_ENV", cli.value(QStringLiteral("env")).toLocal8Bit());
    test::SshTestbed tb;
    if (!tb.isUp()) {
        std::fprintf(stderr, "testbed.env not found (tests/testbed/up)\n");
        return 2;
    }
    const QString vm = cli.value(QStringLiteral("vm"));
    QTemporaryDir dir;
    SshSettings s = tb.settings(vm, dir.filePath(QStringLiteral("known_hosts")));
    const qsizetype size = cli.value(QStringLiteral("mb")).toLongLong() * 1024 * 1024;
    QByteArray content(size, Qt::Uninitialized);
    QRandomGenerator(7).fillRange(reinterpret_cast<quint32*>(content.data()), size / 4);
    const QByteArray sha = QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();
    const QString local = dir.filePath(QStringLiteral("payload"));
    {
        QFile f(local);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != size)
            return 2;
    }
    const QString remote = QStringLiteral("/tmp/aio-bench-%1").arg(QRandomGenerator::global()->generate(), 0, 16);
    QList<Row> rows;

    SshSession ssh(s);
    if (auto st = ssh.connectToHost(); !st) {
        std::fprintf(stderr, "%s\n", qPrintable(st.error().toString()));
        return 1;
    }
    auto remoteSha = [&](const QString& path) {
        auto r = ssh.run(RemoteCommand::args({QStringLiteral("sha256sum"), path}).asRoot());
        return r && r->exitCode == 0 ? r->stdoutData.left(64) : QByteArray();
    };
    QElapsedTimer t;
    {
        t.start();
        Row r{QStringLiteral("SshSession (SFTP)"), QStringLiteral("upload"), 0, bool(ssh.upload(remote, content, {}))};
        r.ms = t.elapsed();
        r.ok = r.ok && remoteSha(remote) == sha;
        rows << r;
        t.restart();
        auto down = ssh.download(remote);
        rows << Row{QStringLiteral("SshSession (SFTP)"), QStringLiteral("download"), t.elapsed(),
                    down && QCryptographicHash::hash(*down, QCryptographicHash::Sha256).toHex() == sha};
    }
    {
        RemoteFileAttributes attrs;
        attrs.sudo = true;
        t.restart();
        Row r{QStringLiteral("SshSession (sudo cat)"), QStringLiteral("upload"), 0,
              bool(ssh.upload(remote, content, attrs))};
        r.ms = t.elapsed();
        r.ok = r.ok && remoteSha(remote) == sha;
        rows << r;
        t.restart();
        auto down = ssh.download(remote, true);
        rows << Row{QStringLiteral("SshSession (sudo cat)"), QStringLiteral("download"), t.elapsed(),
                    down && QCryptographicHash::hash(*down, QCryptographicHash::Sha256).toHex() == sha};
    }
    (void)ssh.run(RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), remote}).asRoot());

    const QString userHost = s.user + QLatin1Char('@') + s.host.toString();
    const QStringList common = bench::openSshOptions(s, QStringLiteral("-P"));
    const QString back = dir.filePath(QStringLiteral("back"));
    for (const auto& [tool, extra] :
         {std::pair{QStringLiteral("OpenSSH scp (SFTP mode)"), QStringList{}},
          std::pair{QStringLiteral("OpenSSH scp -O (legacy)"), QStringList{QStringLiteral("-O")}}}) {
        Row up{tool, QStringLiteral("upload")};
        up.ok = runTool(QStringLiteral("scp"),
                        common + extra + QStringList{local, userHost + QLatin1Char(':') + remote}, &up.ms)
            && remoteSha(remote) == sha;
        rows << up;
        QFile::remove(back);
        Row down{tool, QStringLiteral("download")};
        down.ok = runTool(QStringLiteral("scp"),
                          common + extra + QStringList{userHost + QLatin1Char(':') + remote, back}, &down.ms)
            && fileSha(back) == sha;
        rows << down;
    }
    {
        QStringList sftpArgs = common;
        sftpArgs.removeAt(sftpArgs.indexOf(QStringLiteral("-q")));
        const QString batch = dir.filePath(QStringLiteral("batch"));
        QFile b(batch);
        b.open(QIODevice::WriteOnly);
        b.write(QStringLiteral("put %1 %2\nget %2 %3\n").arg(local, remote, back).toUtf8());
        b.close();
        // One sftp run moves both ways; time each direction separately with two batches.
        QFile::remove(back);
        Row up{QStringLiteral("OpenSSH sftp"), QStringLiteral("upload")};
        QFile b1(batch);
        b1.open(QIODevice::WriteOnly);
        b1.write(QStringLiteral("put %1 %2\n").arg(local, remote).toUtf8());
        b1.close();
        up.ok = runTool(QStringLiteral("sftp"), sftpArgs + QStringList{QStringLiteral("-b"), batch, userHost}, &up.ms)
            && remoteSha(remote) == sha;
        rows << up;
        QFile b2(batch);
        b2.open(QIODevice::WriteOnly);
        b2.write(QStringLiteral("get %1 %2\n").arg(remote, back).toUtf8());
        b2.close();
        Row down{QStringLiteral("OpenSSH sftp"), QStringLiteral("download")};
        down.ok
            = runTool(QStringLiteral("sftp"), sftpArgs + QStringList{QStringLiteral("-b"), batch, userHost}, &down.ms)
            && fileSha(back) == sha;
        rows << down;
    }
    (void)ssh.run(RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), remote}).asRoot());

    std::printf("%s, %lld MiB, host %s (%s)\n\n", qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)),
                static_cast<long long>(size >> 20), qPrintable(vm.toLower()), qPrintable(s.host.toString()));
    std::printf("| tool | direction | seconds | MB/s | SHA-256 ok |\n|---|---|---|---|---|\n");
    int failures = 0;
    for (const Row& r : rows) {
        std::printf("| %s | %s | %.2f | %.1f | %s |\n", qPrintable(r.tool), qPrintable(r.direction), r.ms / 1000.0,
                    r.ms > 0 ? size / 1e6 / (r.ms / 1000.0) : 0.0, r.ok ? "yes" : "NO");
        failures += r.ok ? 0 : 1;
    }
    return failures == 0 ? 0 : 1;
}
