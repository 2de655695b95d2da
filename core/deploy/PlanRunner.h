#pragma once

#include "core/common/Result.h"
#include "core/deploy/Plan.h"
#include "core/deploy/PlanJournal.h"
#include "core/deploy/SecretRedactor.h"
#include "core/deploy/Step.h"
#include "core/ssh/RemoteHost.h"

#include <QFuture>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QWaitCondition>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace aio {

class History;
class PlanContext;

// What the runner knows about one step so far (a snapshot; see PlanRunner::record()).
struct StepRecord
{
    StepOutcome outcome = StepOutcome::NotRun;
    bool detected = false;
    StepState state; // valid when detected
    bool previewed = false;
    StepPreview preview; // valid when previewed
    bool verified = false;
    VerifyReport verifyReport; // valid when verified
    bool appliedThisRun = false; // apply ran (so a rollback on request makes sense)
    bool rolledBack = false; // apply ran and was undone (after a failure, or on request)
    QString skipReason;
    std::optional<Error> error;
};

// Runs a Plan against a RemoteHost on a worker thread, one job at a time, and reports through
// signals (delivered queued to receivers in other threads, e.g. the GUI). The GUI wizard and
// the CLI use this same runner.
//
// For each step a run does: detect → (not applicable: skipped) → preview → (already done:
// verify only) → confirm (unless options.confirmEachStep is false) → apply → verify. When apply
// or verify fails the step is rolled back to its detected state and the run stops. Dry-run
// stops after preview. Every apply, rollback and skip is appended to the History, redacted.
class PlanRunner : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        bool dryRun = false; // detect + preview only, nothing applied
        bool confirmEachStep = false; // ask needsConfirmation() before each apply (the CLI without --yes)
        bool assumeYes = false; // answer every question yes (--yes); steps' own questions included
    };

    // host must stay alive while the runner exists; history may be null (not recorded).
    PlanRunner(Plan plan, std::shared_ptr<RemoteHost> host, std::shared_ptr<History> history = {},
               QObject* parent = nullptr);
    ~PlanRunner() override; // cancels and waits for the worker to stop

    void setOptions(const Options& options);
    Options options() const;
    const Plan& plan() const { return m_plan; }
    // Secrets of the answers (passwords, keys): redacted from output, previews and history.
    SecretRedactor& redactor() { return m_redactor; }

    bool isRunning() const;
    StepRecord record(int index) const;
    // Facts the steps shared in this runner's context (see PlanContext::facts()).
    QJsonObject facts() const;

    // Each start…() returns false (and does nothing) when a job is running or the index is bad.
    bool startAll(); // every step not yet Applied/AlreadyDone/Skipped, in order
    bool startStep(int index); // one step, the full cycle
    bool startPreview(int index); // detect + preview of one step (-1: every step)
    bool startVerify(int index); // verify only
    bool startRollback(int index); // one step that was applied in this run, back to its detected state
    bool startRollbackAll(); // every step applied in this run, in reverse order
    // Records the step as skipped with the reason (history too). Not while running.
    bool skip(int index, const QString& reason);
    // Cancels the running job; a pending confirmation is answered "no".
    void cancel();
    // Cancels, leaves its parent, and deletes itself once the job in progress has ended (at once
    // when none runs). For the GUI: closing a wizard never waits for a login, a command or an
    // apply that cannot stop at once; the runner's signals then reach nobody.
    void cancelAndDeleteLater();
    // Answers the pending needsConfirmation().
    void answerConfirmation(bool accepted);
    // Blocks the calling thread (never the GUI thread) until the running job ends; for tests/CLI.
    void waitForFinished();

signals:
    void jobStarted();
    void stepStarted(int index, aio::StepPhase phase);
    void lineReceived(int index, aio::OutputChannel channel, const QString& line);
    void previewReady(int index, const aio::StepPreview& preview);
    void verifyResult(int index, const aio::VerifyReport& report);
    // Answer with answerConfirmation(); the worker waits until then (or cancel()).
    void needsConfirmation(int index, const QString& question);
    void stepFinished(int index, aio::StepOutcome outcome, const QString& message);
    // The job ended; success false when a step failed or the job was cancelled.
    void finished(bool success);

private:
    enum class JobKind { All, Step, Preview, Verify, Rollback, RollbackAll };
    bool startJob(JobKind kind, int index);
    void runJob(JobKind kind, int index);
    bool runStepCycle(int index, bool previewOnly);
    bool rollbackStep(int index, StepOutcome outcomeAfter, const QString& why);
    bool askConfirmation(int index, const QString& question);
    void recordHistory(int index, const QString& action, StepOutcome outcome, const QString& message,
                       const QString& skipReason = {}, const PlanJournal& journal = {});
    void setRecord(int index, const std::function<void(StepRecord&)>& change);

    Plan m_plan;
    std::shared_ptr<RemoteHost> m_host;
    std::shared_ptr<History> m_history;
    SecretRedactor m_redactor;
    std::unique_ptr<PlanContext> m_context;
    QThreadPool m_pool;
    QFuture<void> m_future;
    CancelToken m_cancel;
    std::atomic_int m_currentIndex = -1; // the step whose output lines arrive

    mutable QMutex m_mutex; // everything below
    Options m_options;
    std::vector<StepRecord> m_records;
    bool m_running = false;
    QWaitCondition m_confirmCondition;
    bool m_confirmPending = false;
    bool m_confirmAnswer = false;
};

} // namespace aio
