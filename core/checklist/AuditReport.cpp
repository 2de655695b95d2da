#include "core/checklist/AuditReport.h"

#include <QJsonArray>

namespace aio {

namespace {

const CheckInfo* findInfo(const QList<CheckInfo>& catalog, const QString& id)
{
    for (const CheckInfo& c : catalog) {
        if (c.id == id)
            return &c;
    }
    return nullptr;
}

QString overallLine(const AuditReport& a)
{
    return AuditReport::tr("%1 — %2: %3 passed, %4 failed, %5 warnings, %6 unknown, %7 to confirm")
        .arg(a.targetName, verdictText(a.overall()))
        .arg(a.count(Verdict::Pass))
        .arg(a.count(Verdict::Fail))
        .arg(a.count(Verdict::Warning))
        .arg(a.count(Verdict::Unknown))
        .arg(a.count(Verdict::Manual));
}

QString mdCode(const QString& text)
{
    QString fence = QStringLiteral("```");
    while (text.contains(fence))
        fence += QLatin1Char('`');
    return fence + QLatin1Char('\n') + text + QLatin1Char('\n') + fence + QLatin1Char('\n');
}

} // namespace

Verdict AuditReport::overall() const
{
    QList<Verdict> all;
    for (const CheckResult& r : results)
        all << r.verdict;
    return combinedVerdict(all);
}

int AuditReport::count(Verdict verdict) const
{
    return int(std::count_if(results.begin(), results.end(),
                             [verdict](const CheckResult& r) { return r.verdict == verdict; }));
}

const CheckResult* AuditReport::result(const QString& checkId) const
{
    for (const CheckResult& r : results) {
        if (r.id == checkId)
            return &r;
    }
    return nullptr;
}

int AuditReport::exitCode() const
{
    if (count(Verdict::Fail) > 0)
        return 1;
    return loginError ? 2 : 0;
}

QJsonObject AuditReport::toJson() const
{
    QJsonArray checks;
    for (const CheckResult& r : results)
        checks.append(r.toJson());
    QJsonObject o{{QStringLiteral("target"), targetName},
                  {QStringLiteral("targetId"), targetId.toString(QUuid::WithoutBraces)},
                  {QStringLiteral("address"), address},
                  {QStringLiteral("started"), started.toUTC().toString(Qt::ISODateWithMs)},
                  {QStringLiteral("durationMs"), durationMs},
                  {QStringLiteral("overall"), verdictKey(overall())},
                  {QStringLiteral("checks"), checks}};
    if (loginError)
        o.insert(QStringLiteral("loginError"), loginError->toString());
    return o;
}

Result<AuditReport> AuditReport::fromJson(const QJsonObject& json)
{
    AuditReport a;
    a.targetName = json.value(QStringLiteral("target")).toString();
    a.targetId = QUuid::fromString(json.value(QStringLiteral("targetId")).toString());
    a.address = json.value(QStringLiteral("address")).toString();
    a.started = QDateTime::fromString(json.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs);
    a.durationMs = json.value(QStringLiteral("durationMs")).toInteger();
    if (json.contains(QStringLiteral("loginError")))
        a.loginError = Error(ErrorKind::ConnectionLost, json.value(QStringLiteral("loginError")).toString());
    if (!a.started.isValid())
        return Error(ErrorKind::Corrupt, tr("A stored audit has no valid time."));
    for (const QJsonValue& v : json.value(QStringLiteral("checks")).toArray()) {
        Result<CheckResult> r = CheckResult::fromJson(v.toObject());
        if (!r)
            return r.error();
        a.results.append(*r);
    }
    return a;
}

QString AuditReport::toMarkdown(const QList<AuditReport>& audits, const QList<CheckInfo>& catalog)
{
    QString md = tr("# Security checklist report") + QStringLiteral("\n\n");
    md += tr("Each target was checked against the AIO Sandbox deployment guide's checklist: the sandbox's port 8080 "
             "kept "
             "private (C1), TLS in front (C2), authentication in front of every entrance (C3), CPU and memory limits "
             "(C4), logs and health (C5), and the setup items T1–T4 and V1–V4. Every verdict comes with the evidence "
             "it "
             "was judged on.")
        + QStringLiteral("\n\n");
    for (const AuditReport& a : audits) {
        md += QStringLiteral("## %1\n\n").arg(a.targetName);
        md += QStringLiteral("- %1\n").arg(overallLine(a));
        md += QStringLiteral("- ")
            + tr("Checked %1 UTC, in %2 s, reaching %3")
                  .arg(a.started.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                  .arg(double(a.durationMs) / 1000.0, 0, 'f', 1)
                  .arg(a.address)
            + QLatin1Char('\n');
        if (a.loginError)
            md += QStringLiteral("- ") + tr("Not reached over SSH: %1").arg(a.loginError->toString())
                + QLatin1Char('\n');
        md += QLatin1Char('\n');
        md += QStringLiteral("| %1 | %2 | %3 | %4 |\n|---|---|---|---|\n")
                  .arg(tr("Item"), tr("Check"), tr("Verdict"), tr("Found"));
        for (const CheckResult& r : a.results) {
            const CheckInfo* info = findInfo(catalog, r.id);
            QString found = r.summary;
            found.replace(QLatin1Char('|'), QStringLiteral("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
            md += QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                      .arg(info ? info->guideItem : QString(), info ? info->title : r.id, verdictText(r.verdict),
                           found);
        }
        md += QLatin1Char('\n');
        for (const CheckResult& r : a.results) {
            const CheckInfo* info = findInfo(catalog, r.id);
            md += QStringLiteral("### %1 — %2\n\n").arg(info ? info->title : r.id, verdictText(r.verdict));
            md += QStringLiteral("`%1`").arg(r.id);
            if (info)
                md += QStringLiteral(" · %1 %2 · %3 %4")
                          .arg(tr("guide item"), info->guideItem, tr("severity"), severityKey(info->severity));
            md += QStringLiteral("\n\n") + r.summary + QStringLiteral("\n\n");
            if (info)
                md += tr("Why it matters:") + QLatin1Char(' ') + info->explanation + QStringLiteral("\n\n");
            for (const Evidence& e : r.evidence)
                md += QStringLiteral("%1:\n\n").arg(e.label) + mdCode(e.text) + QLatin1Char('\n');
            if (info && r.verdict != Verdict::Pass)
                md += tr("How to fix:") + QLatin1Char(' ') + info->remediation + QStringLiteral("\n\n");
        }
    }
    return md;
}

QString AuditReport::toHtml(const QList<AuditReport>& audits, const QList<CheckInfo>& catalog)
{
    auto esc = [](const QString& s) {
        return s.toHtmlEscaped();
    };
    auto cls = [](Verdict v) {
        return verdictKey(v);
    };
    QString h = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title>\n")
                    .arg(esc(tr("Security checklist report")));
    h += QStringLiteral(
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px "
        "8px;text-align:left;vertical-align:top}"
        ".pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}.warning{color:#9a6700}.unknown{color:#57606a}."
        "manual{color:#0550ae}"
        "pre{background:#f6f8fa;padding:8px;overflow:auto;white-space:pre-wrap}details{margin:.3em "
        "0}</style></head><body>\n");
    h += QStringLiteral("<h1>%1</h1>\n<p>%2</p>\n")
             .arg(esc(tr("Security checklist report")),
                  esc(tr("Each target was checked against the AIO Sandbox deployment guide's checklist (C1–C5, T1–T4, "
                         "V1–V4). Every verdict comes with the evidence it was judged on; expand a check to see it.")));
    for (const AuditReport& a : audits) {
        h += QStringLiteral("<h2>%1 <span class=\"%2\">%3</span></h2>\n")
                 .arg(esc(a.targetName), cls(a.overall()), esc(verdictText(a.overall())));
        h += QStringLiteral("<p>%1</p>\n")
                 .arg(esc(tr("Checked %1 UTC, in %2 s, reaching %3. %4 passed, %5 failed, %6 warnings, %7 unknown, %8 "
                             "to confirm.")
                              .arg(a.started.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                              .arg(double(a.durationMs) / 1000.0, 0, 'f', 1)
                              .arg(a.address)
                              .arg(a.count(Verdict::Pass))
                              .arg(a.count(Verdict::Fail))
                              .arg(a.count(Verdict::Warning))
                              .arg(a.count(Verdict::Unknown))
                              .arg(a.count(Verdict::Manual))));
        if (a.loginError)
            h += QStringLiteral("<p class=\"unknown\">%1</p>\n")
                     .arg(esc(tr("Not reached over SSH: %1").arg(a.loginError->toString())));
        h += QStringLiteral("<table><tr><th>%1</th><th>%2</th><th>%3</th><th>%4</th></tr>\n")
                 .arg(esc(tr("Item")), esc(tr("Check")), esc(tr("Verdict")), esc(tr("Found and evidence")));
        for (const CheckResult& r : a.results) {
            const CheckInfo* info = findInfo(catalog, r.id);
            QString cell = esc(r.summary);
            if (!r.evidence.isEmpty() || info) {
                cell += QStringLiteral("<details><summary>%1</summary>").arg(esc(tr("Evidence and fix")));
                for (const Evidence& e : r.evidence)
                    cell += QStringLiteral("<div>%1</div><pre>%2</pre>").arg(esc(e.label), esc(e.text));
                if (info) {
                    cell += QStringLiteral("<p><b>%1</b> %2</p>")
                                .arg(esc(tr("Why it matters:")), esc(info->explanation));
                    if (r.verdict != Verdict::Pass)
                        cell += QStringLiteral("<p><b>%1</b> %2</p>")
                                    .arg(esc(tr("How to fix:")), esc(info->remediation));
                }
                cell += QStringLiteral("</details>");
            }
            h += QStringLiteral(
                     "<tr><td>%1</td><td>%2<br><code>%3</code></td><td class=\"%4\">%5</td><td>%6</td></tr>\n")
                     .arg(esc(info ? info->guideItem : QString()), esc(info ? info->title : r.id), esc(r.id),
                          cls(r.verdict), esc(verdictText(r.verdict)), cell);
        }
        h += QStringLiteral("</table>\n");
    }
    h += QStringLiteral("</body></html>\n");
    return h;
}

} // namespace aio
