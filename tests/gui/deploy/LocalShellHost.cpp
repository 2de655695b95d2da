#include "LocalShellHost.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSaveFile>

using namespace aio;

namespace {
// Splits what arrived into whole lines for the sink; the rest waits in `pending`.
void emitLines(QByteArray& pending, const QByteArray& chunk, OutputChannel channel, const LineSink& sink, bool flush)
{
    pending += chunk;
    qsizetype start = 0;
    for (qsizetype nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
        if (sink)
            sink(channel, pending.mid(start, nl - start));
        start = nl + 1;
    }
    pending.remove(0, start);
    if (flush && !pending.isEmpty()) {
        if (sink)
            sink(channel, pending);
        pending.clear();
    }
}
} // namespace

LocalShellHost::LocalShellHost(QString root, QString name)
    : m_root(QDir(root).absolutePath())
    , m_name(std::move(name))
{ }

Result<CommandOutcome> LocalShellHost::run(const RemoteCommand& command, const LineSink& onLine,
                                           const CancelToken& cancel)
{
    QProcess process;
    process.setWorkingDirectory(m_root);
    if (!command.script.isEmpty()) {
        process.setProgram(QStringLiteral("/bin/sh"));
        process.setArguments({QStringLiteral("-c"), command.script});
    } else if (!command.argv.isEmpty()) {
        process.setProgram(command.argv.first());
        process.setArguments(command.argv.mid(1));
    } else {
        return Error(ErrorKind::Usage, QStringLiteral("An empty command."));
    }
    process.start();
    if (!process.waitForStarted(10'000)) {
        if (process.error() == QProcess::FailedToStart)
            return Error(ErrorKind::CommandNotFound, QStringLiteral("%1: not found").arg(process.program()),
                         process.errorString());
        return Error(ErrorKind::Io, QStringLiteral("Could not start %1").arg(process.program()), process.errorString());
    }
    if (!command.stdinData.isEmpty())
        process.write(command.stdinData);
    process.closeWriteChannel();

    CommandOutcome outcome;
    QByteArray pendingOut;
    QByteArray pendingErr;
    const QDeadlineTimer deadline(command.timeoutMs > 0 ? command.timeoutMs : 120'000);
    auto drain = [&](bool flush) {
        const QByteArray out = process.readAllStandardOutput();
        const QByteArray err = process.readAllStandardError();
        outcome.stdoutData += out;
        outcome.stderrData += err;
        emitLines(pendingOut, out, OutputChannel::Stdout, onLine, flush);
        emitLines(pendingErr, err, OutputChannel::Stderr, onLine, flush);
    };
    while (process.state() != QProcess::NotRunning) {
        if (cancel.isCancelled() || deadline.hasExpired()) {
            process.kill();
            process.waitForFinished(5'000);
            if (cancel.isCancelled())
                return Error(ErrorKind::Cancelled, QStringLiteral("The command was cancelled."));
            return Error(ErrorKind::Timeout, QStringLiteral("The command timed out."));
        }
        process.waitForReadyRead(100);
        drain(false);
    }
    drain(true);
    if (process.exitStatus() == QProcess::CrashExit)
        return Error(ErrorKind::CommandFailed, QStringLiteral("%1 crashed").arg(process.program()));
    outcome.exitCode = process.exitCode();
    if (outcome.exitCode == 127)
        return Error(ErrorKind::CommandNotFound, QStringLiteral("command not found"),
                     QString::fromUtf8(outcome.stderrData));
    return outcome;
}

Status LocalShellHost::upload(const QString& remotePath, const QByteArray& content, const RemoteFileAttributes& attrs)
{
    const QString clean = QDir::cleanPath(remotePath);
    if (!clean.startsWith(m_root + QLatin1Char('/')))
        return Error(ErrorKind::PermissionDenied,
                     QStringLiteral("The test host writes only under %1, not %2.").arg(m_root, remotePath));
    QDir().mkpath(QFileInfo(clean).absolutePath());
    QSaveFile file(clean);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit())
        return Error(ErrorKind::Io, QStringLiteral("Could not write %1").arg(clean), file.errorString());
    QFileDevice::Permissions permissions;
    if (attrs.mode & 0400)
        permissions |= QFileDevice::ReadOwner | QFileDevice::ReadUser;
    if (attrs.mode & 0200)
        permissions |= QFileDevice::WriteOwner | QFileDevice::WriteUser;
    if (attrs.mode & 0100)
        permissions |= QFileDevice::ExeOwner | QFileDevice::ExeUser;
    if (attrs.mode & 040)
        permissions |= QFileDevice::ReadGroup;
    if (attrs.mode & 04)
        permissions |= QFileDevice::ReadOther;
    QFile::setPermissions(clean, permissions);
    return {};
}

Result<QByteArray> LocalShellHost::download(const QString& remotePath, bool)
{
    QFile file(remotePath);
    if (!file.exists())
        return Error(ErrorKind::NotFound, QStringLiteral("%1 does not exist").arg(remotePath));
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::PermissionDenied, QStringLiteral("Could not read %1").arg(remotePath),
                     file.errorString());
    return file.readAll();
}
