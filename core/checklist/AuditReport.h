#pragma once

#include "core/checklist/Check.h"
#include "core/common/Error.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUuid>

#include <optional>

namespace aio {

// One audit of one target: every check's result, when, and how long it took. Kept as JSON, and
// written as a report a security reviewer can read on its own (Markdown or HTML).
struct AuditReport
{
    Q_DECLARE_TR_FUNCTIONS(aio::AuditReport)

public:
    QString targetName;
    QUuid targetId;
    QString address; // what the workstation probes reached: "198.18.0.4", "sandbox.example.com via 198.18.0.4"
    QDateTime started; // UTC
    qint64 durationMs = 0;
    std::optional<Error> loginError; // the host could not be reached over SSH: its checks are unknown
    QList<CheckResult> results;

    // Fail when any check failed; unknown when any could not tell; then warning, manual; else pass.
    Verdict overall() const;
    int count(Verdict verdict) const;
    const CheckResult* result(const QString& checkId) const;
    // 0 when nothing failed, 1 when a check failed, 2 when the audit could not run (no SSH).
    int exitCode() const;

    QJsonObject toJson() const;
    static Result<AuditReport> fromJson(const QJsonObject& json);

    // Self-contained reports of several audits: what was checked, when, the evidence, how to fix.
    // catalog: the checks' titles, explanations and remediations.
    static QString toMarkdown(const QList<AuditReport>& audits, const QList<CheckInfo>& catalog);
    static QString toHtml(const QList<AuditReport>& audits, const QList<CheckInfo>& catalog);
};

} // namespace aio
