#pragma once

#include <QList>
#include <QString>

namespace aio {

// One check made after apply, with its evidence ("HTTP/1.1 200 OK from https://…/v1/ping").
struct VerifyCheck
{
    QString name; // translated: "The sandbox answers on 127.0.0.1:8080"
    bool passed = false;
    QString evidence; // what was seen, verbatim where possible
};

// The result of Step::verify(): every check with ✓/✗ and evidence.
struct VerifyReport
{
    QList<VerifyCheck> checks;

    void add(const QString& name, bool passed, const QString& evidence)
    {
        checks.append(VerifyCheck{name, passed, evidence});
    }
    // True when there is at least one check and all passed.
    bool passed() const
    {
        if (checks.isEmpty())
            return false;
        for (const VerifyCheck& c : checks) {
            if (!c.passed)
                return false;
        }
        return true;
    }
    // "✓ name — evidence" lines.
    QString toText() const;
};

} // namespace aio
