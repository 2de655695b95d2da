// A log read over SSH into the buffer (LogStream's file reader, markers and parsing included)
// against OpenSSH's `ssh HOST cat FILE > /dev/null` moving the same file from the same VM, in the
// same run. The target: at least 0.8× OpenSSH's rate.
//   bench_logs_ssh [--vm VM_EXPOSED] [--lines 1000000] [--runs 3]   (testbed up: tests/testbed/up)

#include "bench/common/OpenSshOptions.h"
#include "core/logs/LogStream.h"
#include "core/ssh/SshSession.h"
#include "integration/ssh/SshTestbed.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace aio;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addOption(
        {QStringLiteral("vm"), QStringLiteral("testbed VM"), QStringLiteral("name"), QStringLiteral("VM_EXPOSED")});
    cli.addOption({QStringLiteral("lines"), QStringLiteral("lines of 120 bytes"), QStringLiteral("n"),
                   QStringLiteral("1000000")});
    cli.addOption({QStringLiteral("runs"), QStringLiteral("best of"), QStringLiteral("n"), QStringLiteral("3")});
    cli.process(app);
    const qint64 lines = std::clamp<qint64>(cli.value(QStringLiteral("lines")).toLongLong(), 1000, 20'000'000);
    const int runs = std::clamp(cli.value(QStringLiteral("runs")).toInt(), 1, 10);

    test::SshTestbed tb;
    if (!tb.isUp()) {
        std::fprintf(stderr, "the testbed is not up (tests/testbed/up)\n");
        return 2;
    }
    QTemporaryDir dir;
    const SshSettings s = tb.settings(cli.value(QStringLiteral("vm")), dir.filePath(QStringLiteral("known_hosts")));
    SshSession ssh(s);
    if (Status st = ssh.connectToHost(); !st) {
        std::fprintf(stderr, "login: %s\n", qPrintable(st.error().toString()));
        return 2;
    }
    // The file, made on the VM: nginx access lines of exactly 120 bytes with their newline.
    const QString remote = QStringLiteral("/tmp/aio-bench-logs.log");
    // (Concatenated, not QString::arg: the awk program is full of %.)
    const QString make = QStringLiteral("awk 'BEGIN { for (i = 0; i < ") + QString::number(lines)
        + QStringLiteral("; i++) { l = sprintf(\"198.18.0.%d - - [03/Dec/2026:04:%02d:%02d +0000] \\\"GET "
                         "/v1/file/%d HTTP/1.1\\\" 200 %d \\\"-\\\" \\\"curl/7.88 \", i % 250, "
                         "int(i / 60) % 60, i % 60, i, i % 9999); while (length(l) < 118) l = l \"a\"; "
                         "print substr(l, 1, 118) \"\\\"\" } }' > ")
        + remote;
    Result<CommandOutcome> made = ssh.run(RemoteCommand::shell(make));
    if (!made || made->exitCode != 0) {
        std::fprintf(stderr, "making the file failed\n");
        return 2;
    }
    Result<CommandOutcome> size
        = ssh.run(RemoteCommand::args({QStringLiteral("stat"), QStringLiteral("-c"), QStringLiteral("%s"), remote}));
    const qint64 bytes = size && size->exitCode == 0 ? size->stdoutData.trimmed().toLongLong() : 0;
    std::printf("file on %s: %lld lines, %.1f MB\n", qPrintable(s.host.toString()), static_cast<long long>(lines),
                double(bytes) / 1e6);

    // OpenSSH: ssh HOST cat FILE > /dev/null.
    const QStringList sshArgs = bench::openSshOptions(s, QStringLiteral("-p"))
        + QStringList{s.user + QLatin1Char('@') + s.host.toString(), QStringLiteral("cat"), remote};
    double sshBest = 0;
    for (int i = 0; i < runs; ++i) {
        QProcess p;
        p.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer t;
        t.start();
        p.start(QStringLiteral("ssh"), sshArgs);
        if (!p.waitForFinished(600'000) || p.exitCode() != 0) {
            std::fprintf(stderr, "ssh cat failed\n");
            return 2;
        }
        sshBest = std::max(sshBest, double(lines) / (double(t.nsecsElapsed()) / 1e9));
    }

    // The engine's own ceiling: SshSession running `cat FILE`, its lines handed to a sink that
    // does nothing (what LogStream adds is the rest).
    double engineBest = 0;
    for (int i = 0; i < runs; ++i) {
        RemoteCommand c = RemoteCommand::args({QStringLiteral("cat"), remote});
        c.keepOutput = false;
        qint64 count = 0;
        QElapsedTimer t;
        t.start();
        Result<CommandOutcome> r = ssh.run(c, [&count](OutputChannel, const QByteArray&) { ++count; });
        if (!r || r->exitCode != 0 || count != lines) {
            std::fprintf(stderr, "SshSession cat failed\n");
            return 2;
        }
        engineBest = std::max(engineBest, double(lines) / (double(t.nsecsElapsed()) / 1e9));
    }

    // Ours: the file source, read to its end into a buffer (split, parsed, indexed).
    double oursBest = 0;
    double oursFirst = 0; // the process's first: every byte the buffer keeps is memory it never used
    qint64 got = 0;
    for (int i = 0; i < runs; ++i) {
        Result<LogSourceSpec> spec
            = LogSourceSpec::file(QStringLiteral("bench"), remote, LogFormat::NginxAccess, false);
        LogBuffer::Options o;
        o.format = LogFormat::NginxAccess;
        o.budgetBytes = 1LL << 40;
        LogBuffer buffer(o);
        LogStream stream(*spec, ssh, buffer);
        LogStartOptions start;
        start.follow = false;
        start.tailLines = -1;
        QElapsedTimer t;
        t.start();
        const Status st = stream.run(start, CancelToken());
        const double seconds = double(t.nsecsElapsed()) / 1e9;
        if (!st) {
            std::fprintf(stderr, "LogStream: %s\n", qPrintable(st.error().toString()));
            return 2;
        }
        got = buffer.endLine();
        if (i == 0)
            oursFirst = double(got) / seconds;
        oursBest = std::max(oursBest, double(got) / seconds);
    }
    (void)ssh.run(RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), remote}));
    if (got != lines)
        std::printf("ERROR: the buffer holds %lld lines, not %lld\n", static_cast<long long>(got),
                    static_cast<long long>(lines));
    std::printf("OpenSSH ssh cat > /dev/null: %.2f M lines/s (%.0f MB/s)\n", sshBest / 1e6, sshBest * 120 / 1e6);
    std::printf("SshSession cat, lines to a sink that does nothing: %.2f M lines/s (%.0f MB/s) = %.2fx OpenSSH\n",
                engineBest / 1e6, engineBest * 120 / 1e6, engineBest / sshBest);
    std::printf("LogStream into LogBuffer:    %.2f M lines/s (%.0f MB/s) = %.2fx OpenSSH (target 0.8x)\n",
                oursBest / 1e6, oursBest * 120 / 1e6, oursBest / sshBest);
    std::printf("  its first run (memory never used by this process): %.2f M lines/s = %.2fx OpenSSH\n",
                oursFirst / 1e6, oursFirst / sshBest);
    return 0;
}
