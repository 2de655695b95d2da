#include "core/deploy/Step.h"

namespace aio {

bool stepOutcomeIsFinished(StepOutcome outcome)
{
    return outcome == StepOutcome::Applied || outcome == StepOutcome::AlreadyDone || outcome == StepOutcome::Skipped;
}

QString stepOutcomeName(StepOutcome outcome)
{
    switch (outcome) {
    case StepOutcome::NotRun:
        return QStringLiteral("not-run");
    case StepOutcome::Previewed:
        return QStringLiteral("previewed");
    case StepOutcome::AlreadyDone:
        return QStringLiteral("already-done");
    case StepOutcome::Applied:
        return QStringLiteral("applied");
    case StepOutcome::Skipped:
        return QStringLiteral("skipped");
    case StepOutcome::Failed:
        return QStringLiteral("failed");
    case StepOutcome::RollbackFailed:
        return QStringLiteral("rollback-failed");
    case StepOutcome::RolledBack:
        return QStringLiteral("rolled-back");
    case StepOutcome::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

QString stepPhaseName(StepPhase phase)
{
    switch (phase) {
    case StepPhase::Detect:
        return QStringLiteral("detect");
    case StepPhase::Preview:
        return QStringLiteral("preview");
    case StepPhase::Confirm:
        return QStringLiteral("confirm");
    case StepPhase::Apply:
        return QStringLiteral("apply");
    case StepPhase::Verify:
        return QStringLiteral("verify");
    case StepPhase::Rollback:
        return QStringLiteral("rollback");
    }
    return QStringLiteral("unknown");
}

Step::Step(QString id, QString title, QString description)
    : m_id(std::move(id))
    , m_title(std::move(title))
    , m_description(std::move(description))
{ }

Step::~Step() = default;

} // namespace aio
