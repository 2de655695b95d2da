#pragma once

#include "core/common/Result.h"
#include "core/deploy/StepPreview.h"
#include "core/deploy/StepState.h"
#include "core/deploy/VerifyReport.h"

#include <QString>

namespace aio {

class PlanContext;

// What happened to a step in a run, as the runner reports it and history records it.
enum class StepOutcome {
    NotRun,
    Previewed, // dry-run: detect and preview only
    AlreadyDone, // detect found nothing to do (verify still ran and passed)
    Applied, // apply and verify succeeded
    Skipped, // the admin skipped it (with a reason) or it does not apply
    Failed, // apply or verify failed and the step was rolled back to its detected state
    RollbackFailed, // apply or verify failed and rollback failed too: the host needs a look
    RolledBack, // rolled back on request (after it had been applied)
    Cancelled,
};
QString stepOutcomeName(StepOutcome outcome); // "applied", "already-done", … (stable, for JSON)
// The one rule for "this step needs nothing more in this run": applied and verified, found already
// done, or skipped. The runner's "apply all", the wizard's step list and pages, and the CLI use it.
bool stepOutcomeIsFinished(StepOutcome outcome);

enum class StepPhase { Detect, Preview, Confirm, Apply, Verify, Rollback };
QString stepPhaseName(StepPhase phase); // "detect", "preview", …

// One unit of a deployment plan: detect → preview → apply → verify, and rollback to what
// detect found. Steps are data-driven (they get their inputs at construction) and do all host
// work through the PlanContext, so the runner can stream output, honour cancel and dry-run,
// and record history. The GUI wizard shows one page per step; the CLI prints the same.
//
// All methods run on the runner's worker thread, never the GUI thread.
class Step
{
public:
    Step(QString id, QString title, QString description);
    virtual ~Step();
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;

    const QString& id() const { return m_id; } // stable, "preflight", "container", …
    const QString& title() const { return m_title; } // translated
    const QString& description() const { return m_description; } // translated, a paragraph

    // The host's current state as far as this step cares; read-only on the host.
    virtual Result<StepState> detect(PlanContext& context) = 0;
    // The exact commands and file diffs apply() would run against `state`; read-only.
    virtual Result<StepPreview> preview(PlanContext& context, const StepState& state) = 0;
    // Makes the change. Called only when !state.alreadyDone.
    virtual Status apply(PlanContext& context, const StepState& state) = 0;
    // Checks the host is now as intended; an Error means the checks could not run at all.
    virtual Result<VerifyReport> verify(PlanContext& context) = 0;
    // Puts the host back as `state` found it (files, container, firewall…).
    virtual Status rollback(PlanContext& context, const StepState& state) = 0;

    // Whether the admin may skip the step (the final verify step may refuse).
    virtual bool isSkippable() const { return true; }

private:
    QString m_id;
    QString m_title;
    QString m_description;
};

} // namespace aio
