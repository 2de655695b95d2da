#include "core/deploy/PlanRunner.h"

#include "core/deploy/DeployLogging.h"
#include "core/deploy/History.h"
#include "core/deploy/PlanContext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QMutexLocker>
#include <QtConcurrent/QtConcurrentRun>

namespace aio {

namespace {
// A question nobody answers within this time is answered "no" (every wait is bounded).
constexpr qint64 kConfirmationTimeoutMs = 60LL * 60 * 1000;
} // namespace

PlanRunner::PlanRunner(Plan plan, std::shared_ptr<RemoteHost> host, std::shared_ptr<History> history, QObject* parent)
    : QObject(parent)
    , m_plan(std::move(plan))
    , m_host(std::move(host))
    , m_history(std::move(history))
    , m_context(std::make_unique<PlanContext>(*m_host))
{
    m_pool.setMaxThreadCount(1);
    m_records.resize(size_t(m_plan.size()));
    m_context->redactor() = m_redactor; // copies share one list of secrets
    m_context->setLineSink([this](OutputChannel channel, const QByteArray& line) {
        emit lineReceived(m_currentIndex.load(), channel, QString::fromUtf8(line));
    });
    m_context->setConfirmHandler(
        [this](const QString& question) { return askConfirmation(m_currentIndex.load(), question); });
}

PlanRunner::~PlanRunner()
{
    cancel();
    m_pool.waitForDone();
}

void PlanRunner::setOptions(const Options& options)
{
    QMutexLocker lock(&m_mutex);
    m_options = options;
}

PlanRunner::Options PlanRunner::options() const
{
    QMutexLocker lock(&m_mutex);
    return m_options;
}

bool PlanRunner::isRunning() const
{
    QMutexLocker lock(&m_mutex);
    return m_running;
}

StepRecord PlanRunner::record(int index) const
{
    QMutexLocker lock(&m_mutex);
    if (index < 0 || size_t(index) >= m_records.size())
        return {};
    return m_records[size_t(index)];
}

QJsonObject PlanRunner::facts() const
{
    return m_context->facts();
}

bool PlanRunner::startAll()
{
    return startJob(JobKind::All, 0);
}

bool PlanRunner::startStep(int index)
{
    return startJob(JobKind::Step, index);
}

bool PlanRunner::startPreview(int index)
{
    return startJob(JobKind::Preview, index);
}

bool PlanRunner::startVerify(int index)
{
    return startJob(JobKind::Verify, index);
}

bool PlanRunner::startRollback(int index)
{
    return startJob(JobKind::Rollback, index);
}

bool PlanRunner::startRollbackAll()
{
    return startJob(JobKind::RollbackAll, 0);
}

bool PlanRunner::startJob(JobKind kind, int index)
{
    QMutexLocker lock(&m_mutex);
    if (m_running)
        return false;
    const bool indexNeeded = kind == JobKind::Step || kind == JobKind::Verify || kind == JobKind::Rollback
        || (kind == JobKind::Preview && index != -1);
    if (indexNeeded && (index < 0 || index >= m_plan.size()))
        return false;
    m_running = true;
    m_cancel = CancelToken();
    m_confirmPending = false;
    m_context->setCancelToken(m_cancel);
    m_context->setDryRun(m_options.dryRun || kind == JobKind::Preview);
    m_context->setAssumeYes(m_options.assumeYes);
    m_future = QtConcurrent::run(&m_pool, [this, kind, index] { runJob(kind, index); });
    return true;
}

void PlanRunner::cancel()
{
    QMutexLocker lock(&m_mutex);
    m_cancel.cancel();
    m_confirmCondition.wakeAll();
}

void PlanRunner::cancelAndDeleteLater()
{
    cancel();
    setParent(nullptr);
    if (!isRunning() || m_future.isFinished()) {
        deleteLater();
        return;
    }
    // A finished future runs the continuation too (queued to this object's thread).
    m_future.then(this, [this] { deleteLater(); });
}

void PlanRunner::answerConfirmation(bool accepted)
{
    QMutexLocker lock(&m_mutex);
    if (!m_confirmPending)
        return;
    m_confirmPending = false;
    m_confirmAnswer = accepted;
    m_confirmCondition.wakeAll();
}

void PlanRunner::waitForFinished()
{
    m_pool.waitForDone();
}

bool PlanRunner::skip(int index, const QString& reason)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_running || index < 0 || index >= m_plan.size() || reason.trimmed().isEmpty())
            return false;
        if (!m_plan.step(index).isSkippable())
            return false;
        StepRecord& r = m_records[size_t(index)];
        r.outcome = StepOutcome::Skipped;
        r.skipReason = reason;
        r.error.reset();
    }
    recordHistory(index, QStringLiteral("skip"), StepOutcome::Skipped, {}, reason);
    emit stepFinished(index, StepOutcome::Skipped, reason);
    return true;
}

void PlanRunner::setRecord(int index, const std::function<void(StepRecord&)>& change)
{
    QMutexLocker lock(&m_mutex);
    change(m_records[size_t(index)]);
}

bool PlanRunner::askConfirmation(int index, const QString& question)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_options.assumeYes)
            return true;
        if (m_cancel.isCancelled())
            return false;
        m_confirmPending = true;
        m_confirmAnswer = false;
    }
    emit needsConfirmation(index, question);
    QMutexLocker lock(&m_mutex);
    QDeadlineTimer deadline(kConfirmationTimeoutMs);
    while (m_confirmPending && !m_cancel.isCancelled() && !deadline.hasExpired())
        m_confirmCondition.wait(&m_mutex, QDeadlineTimer(qMin<qint64>(deadline.remainingTime(), 1000)));
    if (m_confirmPending) { // cancelled or timed out
        m_confirmPending = false;
        return false;
    }
    return m_confirmAnswer;
}

void PlanRunner::recordHistory(int index, const QString& action, StepOutcome outcome, const QString& message,
                               const QString& skipReason, const PlanJournal& journal)
{
    if (!m_history)
        return;
    HistoryEntry entry;
    entry.when = QDateTime::currentDateTimeUtc();
    entry.targetName = m_host->targetName();
    entry.planTitle = m_plan.title();
    entry.stepId = m_plan.step(index).id();
    entry.stepTitle = m_plan.step(index).title();
    entry.action = action;
    entry.outcome = outcome;
    entry.message = message;
    entry.skipReason = skipReason;
    entry.commands = journal.commands;
    entry.files = journal.files;
    Status written = m_history->append(entry.redacted(m_redactor));
    if (!written)
        qCWarning(lcDeploy) << "history not written:" << written.error().toString();
}

void PlanRunner::runJob(JobKind kind, int index)
{
    emit jobStarted();
    bool success = true;
    switch (kind) {
    case JobKind::All: {
        const bool dryRun = options().dryRun;
        for (int i = 0; i < m_plan.size(); ++i) {
            if (m_cancel.isCancelled()) {
                success = false;
                break;
            }
            if (!dryRun && stepOutcomeIsFinished(record(i).outcome))
                continue;
            if (!runStepCycle(i, dryRun)) {
                success = false;
                if (!dryRun)
                    break; // a dry run shows every step even when one cannot be previewed
            }
        }
        break;
    }
    case JobKind::Step:
        success = runStepCycle(index, options().dryRun);
        break;
    case JobKind::Preview:
        if (index >= 0) {
            success = runStepCycle(index, true);
        } else {
            for (int i = 0; i < m_plan.size() && !m_cancel.isCancelled(); ++i)
                success = runStepCycle(i, true) && success;
        }
        break;
    case JobKind::Verify: {
        m_currentIndex = index;
        emit stepStarted(index, StepPhase::Verify);
        Result<VerifyReport> report = m_plan.step(index).verify(*m_context);
        m_context->takeJournal();
        if (report) {
            setRecord(index, [&](StepRecord& r) {
                r.verified = true;
                r.verifyReport = *report;
            });
            emit verifyResult(index, *report);
            success = report->passed();
        } else {
            success = false;
            setRecord(index, [&](StepRecord& r) { r.error = report.error(); });
            emit stepFinished(index, record(index).outcome, report.error().toString());
        }
        break;
    }
    case JobKind::Rollback:
        if (!record(index).appliedThisRun || options().dryRun) {
            const QString why = tr("The step \"%1\" was not applied in this run; there is nothing to roll back.")
                                    .arg(m_plan.step(index).title());
            setRecord(index, [&](StepRecord& r) { r.error = Error(ErrorKind::Usage, why); });
            emit stepFinished(index, record(index).outcome, why);
            success = false;
        } else {
            success = rollbackStep(index, StepOutcome::RolledBack, tr("Rolled back on request."));
        }
        break;
    case JobKind::RollbackAll:
        for (int i = m_plan.size() - 1; i >= 0; --i) {
            if (record(i).appliedThisRun && !options().dryRun)
                success = rollbackStep(i, StepOutcome::RolledBack, tr("Rolled back on request.")) && success;
        }
        break;
    }
    if (m_cancel.isCancelled())
        success = false;
    {
        QMutexLocker lock(&m_mutex);
        m_running = false;
    }
    emit finished(success);
}

bool PlanRunner::runStepCycle(int index, bool previewOnly)
{
    Step& step = m_plan.step(index);
    m_currentIndex = index;
    auto fail = [&](StepOutcome outcome, const Error& error) {
        setRecord(index, [&](StepRecord& r) {
            r.outcome = outcome;
            r.error = error;
        });
        emit stepFinished(index, outcome, m_redactor.redact(error.toString()));
        return false;
    };
    auto cancelled = [&] {
        return fail(StepOutcome::Cancelled, Error(ErrorKind::Cancelled, tr("The deployment was cancelled.")));
    };
    setRecord(index, [](StepRecord& r) { r = StepRecord(); });

    // Detect
    if (m_cancel.isCancelled())
        return cancelled();
    emit stepStarted(index, StepPhase::Detect);
    Result<StepState> state = step.detect(*m_context);
    m_context->takeJournal(); // detect only reads; its commands are not history
    if (m_cancel.isCancelled())
        return cancelled();
    if (!state)
        return fail(StepOutcome::Failed, state.error());
    setRecord(index, [&](StepRecord& r) {
        r.detected = true;
        r.state = *state;
    });
    if (!state->notApplicableReason.isEmpty()) {
        setRecord(index, [&](StepRecord& r) {
            r.outcome = StepOutcome::Skipped;
            r.skipReason = state->notApplicableReason;
        });
        if (!previewOnly)
            recordHistory(index, QStringLiteral("skip"), StepOutcome::Skipped, {}, state->notApplicableReason);
        emit stepFinished(index, StepOutcome::Skipped, state->notApplicableReason);
        return true;
    }

    // Preview
    emit stepStarted(index, StepPhase::Preview);
    Result<StepPreview> preview = step.preview(*m_context, *state);
    m_context->takeJournal();
    if (m_cancel.isCancelled())
        return cancelled();
    if (!preview)
        return fail(StepOutcome::Failed, preview.error());
    if (state->alreadyDone)
        preview->nothingToDo = true;
    for (QString& c : preview->commands)
        c = m_redactor.redact(c);
    for (FileChange& f : preview->fileChanges) { // a secret may sit in a file not marked secret
        f.before = m_redactor.redact(f.before);
        f.after = m_redactor.redact(f.after);
    }
    setRecord(index, [&](StepRecord& r) {
        r.previewed = true;
        r.preview = *preview;
    });
    emit previewReady(index, *preview);
    if (previewOnly) {
        setRecord(index, [](StepRecord& r) { r.outcome = StepOutcome::Previewed; });
        emit stepFinished(index, StepOutcome::Previewed,
                          state->alreadyDone ? tr("Already done: nothing to change.") : state->summary);
        return true;
    }

    // Already done: verify only.
    if (state->alreadyDone) {
        emit stepStarted(index, StepPhase::Verify);
        Result<VerifyReport> report = step.verify(*m_context);
        m_context->takeJournal();
        if (!report)
            return fail(StepOutcome::Failed, report.error());
        setRecord(index, [&](StepRecord& r) {
            r.verified = true;
            r.verifyReport = *report;
        });
        emit verifyResult(index, *report);
        if (!report->passed())
            return fail(StepOutcome::Failed,
                        Error(ErrorKind::VerificationFailed,
                              tr("The step \"%1\" looked done, but its checks fail.").arg(step.title()),
                              report->toText()));
        setRecord(index, [](StepRecord& r) { r.outcome = StepOutcome::AlreadyDone; });
        emit stepFinished(index, StepOutcome::AlreadyDone, tr("Already done: nothing changed."));
        return true;
    }

    // Confirm
    if (options().confirmEachStep) {
        emit stepStarted(index, StepPhase::Confirm);
        if (!askConfirmation(index, tr("Apply the step \"%1\" on %2?").arg(step.title(), m_host->targetName()))) {
            if (m_cancel.isCancelled())
                return cancelled();
            return fail(StepOutcome::Cancelled,
                        Error(ErrorKind::Cancelled,
                              tr("The step \"%1\" was not confirmed; nothing was changed.").arg(step.title())));
        }
    }

    // Apply
    emit stepStarted(index, StepPhase::Apply);
    m_context->takeJournal();
    setRecord(index, [](StepRecord& r) { r.appliedThisRun = true; });
    Status applied = step.apply(*m_context, *state);
    if (!applied) {
        recordHistory(index, QStringLiteral("apply"), StepOutcome::Failed, applied.error().toString(), {},
                      m_context->takeJournal());
        setRecord(index, [&](StepRecord& r) { r.error = applied.error(); });
        rollbackStep(index, StepOutcome::Failed, applied.error().toString());
        return false;
    }
    PlanJournal applyJournal = m_context->takeJournal();

    // Verify
    emit stepStarted(index, StepPhase::Verify);
    Result<VerifyReport> report = step.verify(*m_context);
    m_context->takeJournal();
    Error verifyError;
    bool verified = false;
    if (!report) {
        verifyError = report.error();
    } else {
        setRecord(index, [&](StepRecord& r) {
            r.verified = true;
            r.verifyReport = *report;
        });
        emit verifyResult(index, *report);
        verified = report->passed();
        if (!verified)
            verifyError
                = Error(ErrorKind::VerificationFailed,
                        tr("The step \"%1\" was applied but its checks fail.").arg(step.title()), report->toText());
    }
    // The apply entry goes to history with the journal of apply and the outcome after verify.
    if (!verified) {
        recordHistory(index, QStringLiteral("apply"), StepOutcome::Failed, verifyError.toString(), {}, applyJournal);
        setRecord(index, [&](StepRecord& r) { r.error = verifyError; });
        rollbackStep(index, StepOutcome::Failed, verifyError.toString());
        return false;
    }
    recordHistory(index, QStringLiteral("apply"), StepOutcome::Applied, state->summary, {}, applyJournal);
    setRecord(index, [](StepRecord& r) { r.outcome = StepOutcome::Applied; });
    emit stepFinished(index, StepOutcome::Applied, tr("Applied and verified."));
    return true;
}

bool PlanRunner::rollbackStep(int index, StepOutcome outcomeAfter, const QString& why)
{
    Step& step = m_plan.step(index);
    m_currentIndex = index;
    emit stepStarted(index, StepPhase::Rollback);
    const StepState state = record(index).state;
    // A rollback after cancel must still run: give it a token of its own.
    const CancelToken jobToken = m_context->cancelToken();
    m_context->setCancelToken(CancelToken());
    const bool wasDryRun = m_context->isDryRun();
    m_context->setDryRun(false);
    m_context->takeJournal();
    Status rolledBack = step.rollback(*m_context, state);
    m_context->setDryRun(wasDryRun);
    m_context->setCancelToken(jobToken);
    if (!rolledBack) {
        const QString message = tr("%1 Rolling back failed too: %2").arg(why, rolledBack.error().toString());
        recordHistory(index, QStringLiteral("rollback"), StepOutcome::RollbackFailed, message, {},
                      m_context->takeJournal());
        setRecord(index, [&](StepRecord& r) {
            r.outcome = StepOutcome::RollbackFailed;
            r.error = rolledBack.error();
        });
        emit stepFinished(index, StepOutcome::RollbackFailed, m_redactor.redact(message));
        return false;
    }
    recordHistory(index, QStringLiteral("rollback"), StepOutcome::RolledBack, why, {}, m_context->takeJournal());
    setRecord(index, [&](StepRecord& r) {
        r.outcome = outcomeAfter;
        r.appliedThisRun = false;
        r.rolledBack = true;
    });
    emit stepFinished(index, outcomeAfter, m_redactor.redact(why));
    return outcomeAfter == StepOutcome::RolledBack;
}

} // namespace aio
