#pragma once

#include "core/common/Result.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace aio {

// What a probe concluded. Never Pass for something that was not observed: a probe that could
// not look says Unknown, with why.
enum class Verdict {
    Pass,
    Warning, // works, but weaker than the guide asks (SSH open to everyone, a certificate expiring soon)
    Fail,
    Unknown, // could not tell: the reason is in the summary
    Manual, // cannot be seen from here (the cloud's security group): the admin confirms it
};

enum class Severity { Critical, High, Medium, Low };

// One piece of what was judged: the command and its output, the response, the value.
struct Evidence
{
    QString label; // "docker inspect sandbox", "GET https://sandbox.example.com/vnc/index.html"
    QString text; // verbatim where possible, never a secret
};

// A check of the catalog: stable id, what it enforces and how to fix it.
struct CheckInfo
{
    Q_DECLARE_TR_FUNCTIONS(aio::CheckInfo)

public:
    QString id; // "vm.port8080.published-on-loopback": stable, used in reports, JSON and the CLI
    QString guideItem; // the guide's item it enforces: "C1", "T2", "V3"…
    Severity severity = Severity::High;
    QString title; // translated, one line
    QString explanation; // why it matters
    QString remediation; // what to do about a failure
    QString fixStep; // the deployment step that fixes it ("nginx", "container"…); empty: none
};

// What one check found on one target.
struct CheckResult
{
    QString id;
    Verdict verdict = Verdict::Unknown;
    QString summary; // one line: what was found, or why it could not tell
    QList<Evidence> evidence;

    void addEvidence(const QString& label, const QString& text) { evidence.append(Evidence{label, text}); }
    QJsonObject toJson() const;
    static Result<CheckResult> fromJson(const QJsonObject& json);
};

// "pass", "warning", "fail", "unknown", "manual": the stable names used in JSON.
QString verdictKey(Verdict verdict);
std::optional<Verdict> verdictFromKey(const QString& key);
// Translated: "passed", "warning", "FAILED", "unknown", "to confirm".
QString verdictText(Verdict verdict);
QString severityKey(Severity severity);
// The guide's items, in its order, and their titles (translated): "C1" → "Keep the sandbox's 8080 private".
const QStringList& guideItems();
QString guideItemTitle(const QString& item);
// The verdict of a group of results: any failure fails it; then unknown, warning, manual; all
// pass: pass. An empty group is unknown.
Verdict combinedVerdict(const QList<Verdict>& verdicts);

} // namespace aio
