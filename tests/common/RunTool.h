#pragma once

// Runs a command-line tool for a test (openssl, patch, nginx -t, ssh-keygen, a shell) and
// hands back what it printed. Every run is bounded: a tool that hangs is killed at the deadline.

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace aio::test {

struct ToolRun
{
    int exitCode = -1; // -1: did not start, crashed or timed out
    QByteArray out;
    QByteArray err;
    bool ok() const { return exitCode == 0; }
    QByteArray all() const { return out + err; }
};

struct ToolOptions
{
    QByteArray stdinData;
    QString workDir;
    int timeoutMs = 30'000;
};

inline ToolRun runTool(const QString& program, const QStringList& args, const ToolOptions& options = {})
{
    ToolRun run;
    QProcess p;
    if (!options.workDir.isEmpty())
        p.setWorkingDirectory(options.workDir);
    p.start(program, args);
    if (!p.waitForStarted(10'000)) {
        run.err = p.errorString().toUtf8();
        return run;
    }
    p.write(options.stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(options.timeoutMs)) {
        p.kill();
        p.waitForFinished(5'000);
        run.err = "timed out: " + program.toUtf8();
        return run;
    }
    run.out = p.readAllStandardOutput();
    run.err = p.readAllStandardError();
    if (p.exitStatus() == QProcess::NormalExit)
        run.exitCode = p.exitCode();
    return run;
}

// The openssl CLI as the independent peer that checks our keys, tokens and certificates.
// Both streams go to *out. Returns the exit code (-1: did not run to the end).
inline int runOpenssl(const QStringList& args, QByteArray* out = nullptr, const QByteArray& input = {})
{
    const ToolRun run = runTool(QStringLiteral("openssl"), args, {.stdinData = input});
    if (out)
        *out = run.all();
    return run.exitCode;
}

// Writes a file into a test's temporary folder and returns its path.
inline QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    QFile f(dir.filePath(name));
    if (f.open(QIODevice::WriteOnly))
        f.write(content);
    return f.fileName();
}

} // namespace aio::test
