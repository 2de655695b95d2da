#include "core/ssh/SshSession.h"

#include "core/common/ShellQuote.h"
#include "core/ssh/ForwardFilter.h"
#include "core/ssh/SshLogging.h"
#include "core/ssh/SshWorker.h"

#include <QCoreApplication>
#include <QtConcurrent/QtConcurrentRun>

namespace aio {

namespace {

int signalNumber(const QString& name)
{
    static const QList<QPair<QString, int>> table{
        {QStringLiteral("HUP"), 1},   {QStringLiteral("INT"), 2},   {QStringLiteral("QUIT"), 3},
        {QStringLiteral("ILL"), 4},   {QStringLiteral("ABRT"), 6},  {QStringLiteral("FPE"), 8},
        {QStringLiteral("KILL"), 9},  {QStringLiteral("SEGV"), 11}, {QStringLiteral("PIPE"), 13},
        {QStringLiteral("ALRM"), 14}, {QStringLiteral("TERM"), 15}, {QStringLiteral("USR1"), 10},
        {QStringLiteral("USR2"), 12}};
    for (const auto& [n, v] : table)
        if (n == name)
            return v;
    return 0;
}

QString firstLine(const QByteArray& text)
{
    const QByteArray trimmed = text.trimmed();
    const qsizetype nl = trimmed.indexOf('\n');
    return QString::fromUtf8(nl < 0 ? trimmed : trimmed.left(nl)).left(500);
}

// The wrapper reports the remote process group (sshd makes each session's shell a session
// leader, so its pid is the group id) before the command replaces it, so cancel can kill it.
// On a pty, echo goes off first (stdin is only written after the marker), so input such as a
// sudo password is never echoed into the output. Every command runs in the C locale, whatever the
// host's own language: the app reads sudo's messages, df, ufw and the like as they print in
// English (sudo keeps LC_ALL for what it runs; gettext ignores LANGUAGE in the C locale).
QByteArray wrapped(const QString& line, bool pty)
{
    return (pty ? QByteArrayLiteral("stty -echo 2>/dev/null; ") : QByteArray())
        + QByteArrayLiteral("printf 'aio-pid:%s\\n' \"$$\" >&2; exec env LC_ALL=C sh -c ") + shellQuote(line).toUtf8();
}

} // namespace

SshSession::SshSession(SshSettings settings, SshCallbacks callbacks, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_callbacks(std::move(callbacks))
    , m_worker(std::make_unique<SshWorker>(m_settings, m_callbacks))
{ }

SshSession::~SshSession()
{
    m_sudoPassword.fill('\0');
}

bool SshSession::waitForClosedSessions(int timeoutMs)
{
    return SshWorker::waitForTeardowns(timeoutMs);
}

SshSession::ForwardStats SshSession::forwardStats() const
{
    return m_worker->forwardStats();
}

Status SshSession::connectToHost(const CancelToken& cancel)
{
    return m_worker->connect(cancel);
}

void SshSession::disconnectFromHost()
{
    m_worker->disconnect();
}

bool SshSession::isConnected() const
{
    return m_worker->isConnected();
}

HostKeyCheck SshSession::lastHostKeyCheck() const
{
    return m_worker->lastHostKeyCheck();
}

KnownHosts SshSession::knownHosts() const
{
    return KnownHosts(m_settings.effectiveUserKnownHostsFiles(), m_settings.effectiveAppKnownHostsFile());
}

QString SshSession::targetName() const
{
    return m_settings.targetName.isEmpty() ? m_settings.displayName() : m_settings.targetName;
}

Error SshSession::named(Error e) const
{
    if (e.target.isEmpty())
        e.target = targetName();
    return e;
}

QString SshSession::commandLine(const RemoteCommand& command, bool sudoNeedsPassword)
{
    const QString payload = command.script.isEmpty() ? shellJoin(command.argv) : command.script;
    if (!command.sudo)
        return payload;
    if (sudoNeedsPassword) // the password goes first on stdin, never on the command line
        return QStringLiteral("sudo -k -S -p '' -- sh -c ") + shellQuote(payload);
    return QStringLiteral("sudo -n -- sh -c ") + shellQuote(payload);
}

Result<CommandOutcome> SshSession::run(const RemoteCommand& requested, const LineSink& onLine,
                                       const CancelToken& cancel)
{
    // A target that runs root commands as its login user (root itself, or a user with the rights)
    // gets them without sudo.
    RemoteCommand command = requested;
    command.sudo = requested.sudo && m_settings.rootThroughSudo;
    if (command.argv.isEmpty() && command.script.isEmpty())
        return named(Error(ErrorKind::Usage, tr("No command to run.")));
    if (command.sudo) {
        if (auto st = ensureSudo(cancel); !st)
            return st.error();
    }
    return runOnce(command, onLine, cancel);
}

Result<CommandOutcome> SshSession::runOnce(const RemoteCommand& command, const LineSink& onLine,
                                           const CancelToken& cancel)
{
    SshWorker::ExecRequest req;
    bool withPassword = false;
    {
        std::lock_guard lock(m_sudoMutex);
        withPassword = command.sudo && m_sudoMode == SudoMode::Password;
        if (withPassword)
            req.stdinData = m_sudoPassword + '\n';
    }
    req.stdinData += command.stdinData;
    req.commandLine = wrapped(commandLine(command, withPassword), command.pty);
    req.pty = command.pty;
    req.sink = onLine;
    req.cancel = cancel;
    req.timeoutMs = command.timeoutMs;
    req.keepOutput = command.keepOutput;
    req.stdoutInChunks = command.stdoutInChunks;
    SshWorker::ExecResult r = m_worker->exec(req);
    req.stdinData.fill('\0');

    const QString shown = command.displayText().left(200);
    switch (r.end) {
    case SshWorker::ExecResult::End::Failed:
        return named(r.error);
    case SshWorker::ExecResult::End::Cancelled:
    case SshWorker::ExecResult::End::TimedOut:
        if (r.pgid > 1)
            killRemoteGroup(r.pgid, command.sudo);
        if (r.end == SshWorker::ExecResult::End::Cancelled)
            return named(Error(ErrorKind::Cancelled, tr("The command was cancelled and stopped on the host."), shown));
        return named(
            Error(ErrorKind::Timeout,
                  tr("The command did not finish within %1 s and was stopped.").arg(command.timeoutMs / 1000.0), shown,
                  tr("Check what the command waits for on the host, or allow it more time.")));
    case SshWorker::ExecResult::End::Exited:
        break;
    }
    CommandOutcome out;
    out.exitCode = r.exitSignal.isEmpty() ? r.exitStatus : 128 + signalNumber(r.exitSignal);
    out.stdoutData = std::move(r.out);
    out.stderrData = std::move(r.err);
    if (command.sudo && out.exitCode == 1 && out.stderrData.contains("sudo: a password is required"))
        return named(Error(ErrorKind::SudoPasswordRequired, tr("sudo on the host asks for a password."),
                           firstLine(out.stderrData),
                           tr("Store the sudo password for this target, or allow the command without a password "
                              "in sudoers.")));
    if (withPassword && out.exitCode == 1
        && (out.stderrData.contains("incorrect password") || out.stderrData.contains("Sorry, try again"))) {
        std::lock_guard lock(m_sudoMutex);
        m_sudoMode = SudoMode::Unknown;
        m_sudoPassword.fill('\0');
        m_sudoPassword.clear();
        return named(Error(ErrorKind::SudoPasswordRequired, tr("sudo on the host no longer accepts the password."),
                           QString(), tr("Enter the current sudo password for this target.")));
    }
    if (out.exitCode == 127)
        return named(Error(ErrorKind::CommandNotFound, tr("A command was not found on the host."),
                           firstLine(out.stderrData) + QStringLiteral(" [") + shown + QLatin1Char(']'),
                           tr("Install the missing program on the host, or check the PATH of the SSH user.")));
    if (out.exitCode == 126)
        return named(Error(ErrorKind::PermissionDenied, tr("A command could not be executed on the host."),
                           firstLine(out.stderrData) + QStringLiteral(" [") + shown + QLatin1Char(']'),
                           tr("Check the file's execute permission, or run it with sudo.")));
    return out;
}

Status SshSession::ensureSudo(const CancelToken& cancel)
{
    std::lock_guard probeGuard(m_sudoProbeMutex); // one probe (and one password question) at a time
    {
        std::lock_guard lock(m_sudoMutex);
        if (m_sudoMode != SudoMode::Unknown)
            return {};
    }
    RemoteCommand probe = RemoteCommand::args({QStringLiteral("sudo"), QStringLiteral("-n"), QStringLiteral("true")});
    probe.timeoutMs = 30'000;
    auto r = runOnce(probe, {}, cancel);
    if (!r) {
        if (r.error().kind == ErrorKind::CommandNotFound)
            return named(Error(ErrorKind::CommandNotFound, tr("sudo is not installed on the host."), r.error().detail,
                               tr("Install sudo on the host, or log in as a user who needs none.")));
        return r.error();
    }
    if (r->exitCode == 0) {
        std::lock_guard lock(m_sudoMutex);
        m_sudoMode = SudoMode::NoPassword;
        return {};
    }
    if (!r->stderrData.contains("password is required"))
        return named(Error(ErrorKind::PermissionDenied, tr("The SSH user may not use sudo on the host."),
                           firstLine(r->stderrData), tr("Add the user to sudoers, or log in as another user.")));
    if (!m_callbacks.secrets)
        return named(Error(ErrorKind::SudoPasswordRequired, tr("sudo on the host asks for a password."), QString(),
                           tr("Store the sudo password for this target, or allow the user to run sudo without a "
                              "password.")));
    for (int attempt = 1; attempt <= 3; ++attempt) {
        SecretRequest req;
        req.kind = SecretRequest::Kind::SudoPassword;
        req.targetName = targetName();
        req.user = m_worker->connectedUser();
        req.host = m_settings.host.toString();
        req.attempt = attempt;
        std::optional<QString> password = m_callbacks.secrets(req);
        if (!password)
            return named(
                Error(ErrorKind::SudoPasswordRequired, tr("sudo on the host asks for a password and none was given.")));
        QByteArray pw = password->toUtf8();
        RemoteCommand check = RemoteCommand::args({QStringLiteral("sudo"), QStringLiteral("-k"), QStringLiteral("-S"),
                                                   QStringLiteral("-p"), QString(), QStringLiteral("true")});
        check.stdinData = pw + '\n';
        check.timeoutMs = 30'000;
        auto c = runOnce(check, {}, cancel);
        check.stdinData.fill('\0');
        if (!c) {
            pw.fill('\0');
            return c.error();
        }
        if (c->exitCode == 0) {
            std::lock_guard lock(m_sudoMutex);
            m_sudoPassword = pw;
            m_sudoMode = SudoMode::Password;
            pw.fill('\0');
            return {};
        }
        pw.fill('\0');
        if (c->stderrData.contains("not in the sudoers") || c->stderrData.contains("not allowed"))
            return named(Error(ErrorKind::PermissionDenied, tr("The SSH user may not use sudo on the host."),
                               firstLine(c->stderrData), tr("Add the user to sudoers, or log in as another user.")));
    }
    return named(Error(ErrorKind::SudoPasswordRequired, tr("sudo on the host did not accept the password."), QString(),
                       tr("Enter the right sudo password for this target.")));
}

void SshSession::killRemoteGroup(qint64 pgid, bool sudo)
{
    const QString g = QString::number(pgid);
    RemoteCommand kill = RemoteCommand::shell(
        QStringLiteral("kill -TERM -%1 2>/dev/null; i=0; while kill -0 -%1 2>/dev/null && [ $i -lt 30 ]; do "
                       "sleep 0.1; i=$((i+1)); done; kill -KILL -%1 2>/dev/null; true")
            .arg(g));
    kill.sudo = sudo;
    kill.timeoutMs = 15'000;
    auto r = runOnce(kill, {}, {});
    if (!r)
        qCWarning(lcSsh) << "could not stop remote process group" << pgid << "on" << targetName() << ":"
                         << r.error().toString();
}

Status SshSession::upload(const QString& remotePath, const QByteArray& content, const RemoteFileAttributes& attrs)
{
    if (!remotePath.startsWith(QLatin1Char('/')) || remotePath.endsWith(QLatin1Char('/')))
        return named(Error(ErrorKind::InvalidInput, tr("Remote paths must be absolute file paths."), remotePath));
    if (attrs.sudo)
        return uploadWithSudo(remotePath, content, attrs);
    auto tmp = m_worker->sftpWriteTemp(remotePath, content, attrs.mode);
    if (!tmp)
        return named(tmp.error());
    if (!attrs.owner.isEmpty() || !attrs.group.isEmpty()) {
        const QString spec = attrs.owner + (attrs.group.isEmpty() ? QString() : QLatin1Char(':') + attrs.group);
        auto r = runOnce(RemoteCommand::args({QStringLiteral("chown"), QStringLiteral("--"), spec, *tmp}), {}, {});
        if (!r || r->exitCode != 0) {
            (void)m_worker->sftpRemove(*tmp);
            return named(r ? Error(ErrorKind::PermissionDenied, tr("Could not give %1 to %2.").arg(remotePath, spec),
                                   firstLine(r->stderrData), tr("Upload with sudo to set another owner."))
                           : r.error());
        }
    }
    if (auto st = m_worker->sftpRename(*tmp, remotePath); !st) {
        // SFTP v3 rename refuses to replace; rename(2) through mv does it atomically.
        auto r = runOnce(
            RemoteCommand::args({QStringLiteral("mv"), QStringLiteral("-f"), QStringLiteral("--"), *tmp, remotePath}),
            {}, {});
        if (!r || r->exitCode != 0) {
            (void)m_worker->sftpRemove(*tmp);
            return named(r ? Error(ErrorKind::PermissionDenied, tr("Could not replace %1.").arg(remotePath),
                                   firstLine(r->stderrData), tr("Upload with sudo, or pick a writable path."))
                           : r.error());
        }
    }
    return {};
}

Status SshSession::uploadWithSudo(const QString& remotePath, const QByteArray& content,
                                  const RemoteFileAttributes& attrs)
{
    const qsizetype slash = remotePath.lastIndexOf(QLatin1Char('/'));
    const QString dir = slash <= 0 ? QStringLiteral("/") : remotePath.left(slash);
    const QString templ = (dir == QLatin1String("/") ? QString() : dir) + QStringLiteral("/.")
        + remotePath.mid(slash + 1) + QStringLiteral(".aio-XXXXXXXX");
    QString script = QStringLiteral("set -e; t=$(mktemp %1); trap 'rm -f -- \"$t\"' EXIT; cat > \"$t\"; "
                                    "chmod %2 \"$t\"; ")
                         .arg(shellQuote(templ), QString::number(attrs.mode & 07777, 8));
    if (!attrs.owner.isEmpty())
        script
            += QStringLiteral("chown -- %1 \"$t\"; ")
                   .arg(shellQuote(attrs.owner + (attrs.group.isEmpty() ? QString() : QLatin1Char(':') + attrs.group)));
    else if (!attrs.group.isEmpty())
        script += QStringLiteral("chgrp -- %1 \"$t\"; ").arg(shellQuote(attrs.group));
    script += QStringLiteral("mv -f -- \"$t\" %1; trap - EXIT").arg(shellQuote(remotePath));
    RemoteCommand cmd = RemoteCommand::shell(script);
    cmd.sudo = true;
    cmd.stdinData = content;
    cmd.timeoutMs = 120'000 + int(std::min<qsizetype>(content.size() / 1000, 3'600'000));
    auto r = run(cmd);
    if (!r)
        return r.error();
    if (r->exitCode != 0) {
        const bool notFound = r->stderrData.contains("No such file");
        return named(Error(notFound ? ErrorKind::NotFound : ErrorKind::PermissionDenied,
                           tr("Could not write %1 with sudo.").arg(remotePath), firstLine(r->stderrData),
                           notFound ? tr("Create the folder %1 first.").arg(dir)
                                    : tr("Check that sudo may write there (read-only file system, immutable file?).")));
    }
    return {};
}

Result<QByteArray> SshSession::download(const QString& remotePath, bool sudo)
{
    if (!remotePath.startsWith(QLatin1Char('/')))
        return named(Error(ErrorKind::InvalidInput, tr("Remote paths must be absolute file paths."), remotePath));
    if (!sudo) {
        auto data = m_worker->sftpRead(remotePath);
        if (!data)
            return named(data.error());
        return data;
    }
    const QString p = shellQuote(remotePath);
    RemoteCommand cmd = RemoteCommand::shell(
        QStringLiteral("[ -e %1 ] || { echo 'aio: no such file' >&2; exit 66; }; exec cat -- %1").arg(p));
    cmd.sudo = true;
    cmd.timeoutMs = 600'000;
    auto r = run(cmd);
    if (!r)
        return r.error();
    if (r->exitCode == 66)
        return named(Error(ErrorKind::NotFound, tr("%1 does not exist on the host.").arg(remotePath)));
    if (r->exitCode != 0)
        return named(Error(ErrorKind::PermissionDenied, tr("Could not read %1 with sudo.").arg(remotePath),
                           firstLine(r->stderrData)));
    return std::move(r->stdoutData);
}

void SshSession::forwardSocket(int fd, const QString& host, quint16 port, std::unique_ptr<ForwardFilter> filter,
                               QByteArray toRemote)
{
    m_worker->adoptForward(fd, host, port, std::move(filter), std::move(toRemote));
}

Result<int> SshSession::openDirectTcpip(const QString& host, quint16 port)
{
    auto fd = m_worker->openForward(host, port);
    if (!fd)
        return named(fd.error());
    return fd;
}

} // namespace aio
