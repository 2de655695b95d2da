#include "core/checklist/Check.h"

#include <QJsonArray>

namespace aio {

QString verdictKey(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass:
        return QStringLiteral("pass");
    case Verdict::Warning:
        return QStringLiteral("warning");
    case Verdict::Fail:
        return QStringLiteral("fail");
    case Verdict::Unknown:
        return QStringLiteral("unknown");
    case Verdict::Manual:
        return QStringLiteral("manual");
    }
    return QStringLiteral("unknown");
}

std::optional<Verdict> verdictFromKey(const QString& key)
{
    for (Verdict v : {Verdict::Pass, Verdict::Warning, Verdict::Fail, Verdict::Unknown, Verdict::Manual}) {
        if (verdictKey(v) == key)
            return v;
    }
    return std::nullopt;
}

QString verdictText(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass:
        return CheckInfo::tr("passed");
    case Verdict::Warning:
        return CheckInfo::tr("warning");
    case Verdict::Fail:
        return CheckInfo::tr("FAILED");
    case Verdict::Unknown:
        return CheckInfo::tr("unknown");
    case Verdict::Manual:
        return CheckInfo::tr("to confirm");
    }
    return {};
}

QString severityKey(Severity severity)
{
    switch (severity) {
    case Severity::Critical:
        return QStringLiteral("critical");
    case Severity::High:
        return QStringLiteral("high");
    case Severity::Medium:
        return QStringLiteral("medium");
    case Severity::Low:
        return QStringLiteral("low");
    }
    return {};
}

Verdict combinedVerdict(const QList<Verdict>& verdicts)
{
    if (verdicts.isEmpty())
        return Verdict::Unknown;
    for (Verdict order : {Verdict::Fail, Verdict::Unknown, Verdict::Warning, Verdict::Manual}) {
        if (verdicts.contains(order))
            return order;
    }
    return Verdict::Pass;
}

QJsonObject CheckResult::toJson() const
{
    QJsonArray ev;
    for (const Evidence& e : evidence)
        ev.append(QJsonObject{{QStringLiteral("label"), e.label}, {QStringLiteral("text"), e.text}});
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("verdict"), verdictKey(verdict)},
                       {QStringLiteral("summary"), summary},
                       {QStringLiteral("evidence"), ev}};
}

Result<CheckResult> CheckResult::fromJson(const QJsonObject& json)
{
    CheckResult r;
    r.id = json.value(QStringLiteral("id")).toString();
    const std::optional<Verdict> v = verdictFromKey(json.value(QStringLiteral("verdict")).toString());
    if (r.id.isEmpty() || !v)
        return Error(ErrorKind::InvalidInput, CheckInfo::tr("A stored check result has no id or an unknown verdict."));
    r.verdict = *v;
    r.summary = json.value(QStringLiteral("summary")).toString();
    for (const QJsonValue& e : json.value(QStringLiteral("evidence")).toArray()) {
        const QJsonObject o = e.toObject();
        r.addEvidence(o.value(QStringLiteral("label")).toString(), o.value(QStringLiteral("text")).toString());
    }
    return r;
}

} // namespace aio
