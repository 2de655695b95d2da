#include "core/checklist/Check.h"

#include <QHash>
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

const QStringList& guideItems()
{
    static const QStringList items{
        QStringLiteral("C1"), QStringLiteral("C2"), QStringLiteral("C3"), QStringLiteral("C4"), QStringLiteral("C5"),
        QStringLiteral("T1"), QStringLiteral("T2"), QStringLiteral("T3"), QStringLiteral("T4"), QStringLiteral("V1"),
        QStringLiteral("V2"), QStringLiteral("V3"), QStringLiteral("V4")};
    return items;
}

QString guideItemTitle(const QString& item)
{
    static const QHash<QString, const char*> titles{
        {QStringLiteral("C1"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Keep the sandbox's 8080 listener private")},
        {QStringLiteral("C2"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Terminate TLS before traffic reaches the sandbox")},
        {QStringLiteral("C3"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Authentication in front of every entrance")},
        {QStringLiteral("C4"), QT_TRANSLATE_NOOP("aio::CheckInfo", "CPU and memory limits")},
        {QStringLiteral("C5"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Container logs, proxy logs and health")},
        {QStringLiteral("T1"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Sandbox bound to 127.0.0.1:8080")},
        {QStringLiteral("T2"), QT_TRANSLATE_NOOP("aio::CheckInfo", "TLS at nginx or a load balancer")},
        {QStringLiteral("T3"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Authentication at the edge or the sandbox's JWT")},
        {QStringLiteral("T4"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Only 80/443 open to the internet; never 8080")},
        {QStringLiteral("V1"), QT_TRANSLATE_NOOP("aio::CheckInfo", "Container published on loopback")},
        {QStringLiteral("V2"),
         QT_TRANSLATE_NOOP("aio::CheckInfo", "Cloud network: 80/443 in, SSH from admins, never 8080")},
        {QStringLiteral("V3"),
         QT_TRANSLATE_NOOP("aio::CheckInfo", "nginx in front: redirect, TLS, WebSocket proxying")},
        {QStringLiteral("V4"), QT_TRANSLATE_NOOP("aio::CheckInfo", "SSO, an IP allowlist or JWT authentication")},
    };
    const char* title = titles.value(item);
    return title ? CheckInfo::tr(title) : item;
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
