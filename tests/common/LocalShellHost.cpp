#include "common/LocalShellHost.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutexLocker>
#include <QProcess>
#include <QSaveFile>

namespace aio::test {

LocalShellHost::LocalShellHost(QString root, QString name)
    : m_root(QDir(root).absolutePath())
    , m_name(std::move(name))
{ }

QString LocalShellHost::localPath(const QString& remotePath) const
{
    const QString clean = QDir::cleanPath(remotePath);
    if (clean == m_root || clean.startsWith(m_root + QLatin1Char('/')))
        return clean;
    return m_root + (clean.startsWith(QLatin1Char('/')) ? clean : QLatin1Char('/') + clean);
}

QStringList LocalShellHost::commandsRun() const
{
    QMutexLocker lock(&m_mutex);
    return m_commands;
}

int LocalShellHost::uploadCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_uploads;
}

Result<CommandOutcome> LocalShellHost::run(const RemoteCommand& command, const LineSink& onLine,
                                           const CancelToken& cancel)
{
    {
        QMutexLocker lock(&m_mutex);
        m_commands << command.displayText();
    }
    QProcess process;
    process.setWorkingDirectory(m_root);
    if (command.script.isEmpty()) {
        if (command.argv.isEmpty())
            return Error(ErrorKind::Usage, QStringLiteral("empty command"));
        // Absolute paths in arguments name files on the "remote" host: map them under the root,
        // so `rm -f -- /etc/x` touches <root>/etc/x and never this machine's /etc.
        QStringList args = command.argv.mid(1);
        for (QString& a : args) {
            if (a.startsWith(QLatin1Char('/')))
                a = localPath(a);
        }
        process.setProgram(command.argv.first());
        process.setArguments(args);
    } else {
        process.setProgram(QStringLiteral("/bin/sh"));
        process.setArguments({QStringLiteral("-c"), command.script});
    }
    process.start();
    if (!process.waitForStarted(10'000))
        return Error(ErrorKind::CommandNotFound, QStringLiteral("cannot start %1").arg(process.program()),
                     process.errorString());
    if (!command.stdinData.isEmpty())
        process.write(command.stdinData);
    process.closeWriteChannel();

    CommandOutcome outcome;
    QByteArray pending[2];
    auto drain = [&](bool flush) {
        const QByteArray chunks[2] = {process.readAllStandardOutput(), process.readAllStandardError()};
        for (int c = 0; c < 2; ++c) {
            if (command.keepOutput || c == 1) // stderr is kept for error messages, as SshSession does
                (c == 0 ? outcome.stdoutData : outcome.stderrData) += chunks[c];
            pending[c] += chunks[c];
            if (c == 0 && command.stdoutInChunks) {
                // As SshSession does: whole lines in one piece, the last one without '\n' at the end.
                const qsizetype last = flush ? pending[c].size() - 1 : pending[c].lastIndexOf('\n');
                if (last >= 0 && onLine)
                    onLine(OutputChannel::Stdout, pending[c].left(last + 1));
                pending[c].remove(0, last + 1);
                continue;
            }
            qsizetype nl;
            while ((nl = pending[c].indexOf('\n')) >= 0) {
                if (onLine)
                    onLine(c == 0 ? OutputChannel::Stdout : OutputChannel::Stderr, pending[c].left(nl));
                pending[c].remove(0, nl + 1);
            }
            if (flush && !pending[c].isEmpty()) {
                if (onLine)
                    onLine(c == 0 ? OutputChannel::Stdout : OutputChannel::Stderr, pending[c]);
                pending[c].clear();
            }
        }
    };
    // <= 0: no limit, as RemoteCommand says (endless streams).
    QDeadlineTimer deadline = command.timeoutMs > 0 ? QDeadlineTimer(command.timeoutMs) : QDeadlineTimer::Forever;
    while (process.state() != QProcess::NotRunning) {
        if (cancel.isCancelled()) {
            process.kill();
            process.waitForFinished(5000);
            return Error(ErrorKind::Cancelled, QStringLiteral("cancelled"));
        }
        if (deadline.hasExpired()) {
            process.kill();
            process.waitForFinished(5000);
            return Error(ErrorKind::Timeout, QStringLiteral("timed out"));
        }
        process.waitForReadyRead(50);
        drain(false);
    }
    drain(true);
    outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    if (outcome.exitCode == 127)
        return Error(ErrorKind::CommandNotFound, QStringLiteral("command not found"),
                     QString::fromUtf8(outcome.stderrData));
    return outcome;
}

Status LocalShellHost::upload(const QString& remotePath, const QByteArray& content, const RemoteFileAttributes& attrs)
{
    const QString path = localPath(remotePath);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, QStringLiteral("cannot write %1").arg(path), file.errorString());
    file.write(content);
    if (!file.commit())
        return Error(ErrorKind::Io, QStringLiteral("cannot write %1").arg(path), file.errorString());
    QFile::Permissions p;
    if (attrs.mode & 0400)
        p |= QFile::ReadOwner;
    if (attrs.mode & 0200)
        p |= QFile::WriteOwner;
    if (attrs.mode & 0040)
        p |= QFile::ReadGroup;
    if (attrs.mode & 0004)
        p |= QFile::ReadOther;
    QFile::setPermissions(path, p);
    QMutexLocker lock(&m_mutex);
    ++m_uploads;
    return {};
}

Result<QByteArray> LocalShellHost::download(const QString& remotePath, bool)
{
    QFile file(localPath(remotePath));
    if (!file.exists())
        return Error(ErrorKind::NotFound, QStringLiteral("%1 does not exist").arg(remotePath));
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, QStringLiteral("cannot read %1").arg(remotePath), file.errorString());
    return file.readAll();
}

} // namespace aio::test
