#include "core/deploy/PlanContext.h"

#include "core/deploy/DeployLogging.h"

#include <QCoreApplication>
#include <QMutexLocker>

namespace aio {

namespace {

Error cancelled()
{
    return Error(ErrorKind::Cancelled, PlanContext::tr("The deployment was cancelled."));
}

Error dryRunRefusal(const QString& path)
{
    return Error(ErrorKind::Internal,
                 PlanContext::tr("A step tried to change %1 during a dry run; nothing was written.").arg(path), {},
                 PlanContext::tr("This is a bug in the step; please report it."));
}
} // namespace

PlanContext::PlanContext(RemoteHost& host)
    : m_host(host)
{ }

Result<CommandOutcome> PlanContext::run(const RemoteCommand& command)
{
    if (isCancelled())
        return cancelled();
    const QString shown = m_redactor.redact(command.displayText());
    {
        QMutexLocker lock(&m_mutex);
        m_journal.commands.append(shown);
    }
    qCDebug(lcDeploy) << "run on" << targetName() << ":" << shown;
    LineSink sink;
    if (m_lineSink && command.showOutput) {
        sink = [this](OutputChannel channel, const QByteArray& line) {
            m_lineSink(channel, m_redactor.redact(line));
        };
    }
    Result<CommandOutcome> outcome = m_host.run(command, sink, m_cancel);
    if (!outcome && isCancelled())
        return cancelled();
    return outcome;
}

Result<CommandOutcome> PlanContext::runChecked(const RemoteCommand& command, const QString& what)
{
    Result<CommandOutcome> outcome = run(command);
    if (!outcome)
        return outcome;
    if (!outcome->succeeded()) {
        QString detail = QString::fromUtf8(m_redactor.redact(outcome->stderrData)).trimmed();
        if (detail.isEmpty())
            detail = QString::fromUtf8(m_redactor.redact(outcome->stdoutData)).trimmed();
        if (detail.size() > 4000)
            detail = QStringLiteral("…") + detail.right(4000);
        return Error(ErrorKind::CommandFailed,
                     tr("%1 failed: `%2` exited with status %3.")
                         .arg(what, m_redactor.redact(command.displayText()))
                         .arg(outcome->exitCode),
                     detail)
            .onTarget(targetName());
    }
    return outcome;
}

Result<FileSnapshot> PlanContext::readFile(const QString& path, bool sudo)
{
    if (isCancelled())
        return cancelled();
    Result<QByteArray> content = m_host.download(path, sudo);
    if (!content) {
        if (content.error().kind == ErrorKind::NotFound)
            return FileSnapshot::absent(path);
        return content.error();
    }
    return FileSnapshot::present(path, *content);
}

Status PlanContext::writeFile(const QString& path, const QByteArray& content, const RemoteFileAttributes& attrs,
                              bool secret)
{
    if (m_dryRun)
        return dryRunRefusal(path);
    if (isCancelled())
        return cancelled();
    Result<FileSnapshot> before = readFile(path, attrs.sudo);
    if (!before)
        return before.error();
    JournalFileChange change;
    change.path = path;
    change.existedBefore = before->exists;
    change.secret = secret;
    if (!secret) {
        change.previousContent = before->content;
        change.newContent = content;
    }
    Status written = m_host.upload(path, content, attrs);
    if (!written)
        return written;
    QMutexLocker lock(&m_mutex);
    m_journal.files.append(change);
    return {};
}

Status PlanContext::removeFile(const QString& path, bool sudo, bool secret)
{
    if (m_dryRun)
        return dryRunRefusal(path);
    Result<FileSnapshot> before = readFile(path, sudo);
    if (!before)
        return before.error();
    if (!before->exists)
        return {};
    RemoteCommand rm = RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("--"), path});
    rm.sudo = sudo;
    Result<CommandOutcome> removed = runChecked(rm, tr("Removing %1").arg(path));
    if (!removed)
        return removed.error();
    JournalFileChange change;
    change.path = path;
    change.existedBefore = true;
    change.removed = true;
    change.secret = secret;
    if (!secret)
        change.previousContent = before->content;
    QMutexLocker lock(&m_mutex);
    m_journal.files.append(change);
    return {};
}

Status PlanContext::restoreFile(const FileSnapshot& snapshot, bool sudo, bool secret)
{
    if (!snapshot.exists)
        return removeFile(snapshot.path, sudo, secret);
    RemoteFileAttributes attrs;
    attrs.mode = snapshot.mode;
    attrs.sudo = sudo;
    return writeFile(snapshot.path, snapshot.content, attrs, secret);
}

bool PlanContext::confirm(const QString& question)
{
    if (m_assumeYes)
        return true;
    if (!m_confirm || isCancelled())
        return false;
    return m_confirm(question);
}

QJsonObject PlanContext::facts() const
{
    QMutexLocker lock(&m_mutex);
    return m_facts;
}

void PlanContext::setFact(const QString& key, const QJsonValue& value)
{
    QMutexLocker lock(&m_mutex);
    m_facts.insert(key, value);
}

PlanJournal PlanContext::takeJournal()
{
    QMutexLocker lock(&m_mutex);
    PlanJournal j = std::move(m_journal);
    m_journal = PlanJournal();
    return j;
}

} // namespace aio
