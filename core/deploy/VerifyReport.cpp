#include "core/deploy/VerifyReport.h"

namespace aio {

QString VerifyReport::toText() const
{
    QString out;
    for (const VerifyCheck& c : checks) {
        out += c.passed ? QStringLiteral("✓ ") : QStringLiteral("✗ ");
        out += c.name;
        if (!c.evidence.isEmpty())
            out += QStringLiteral(" — ") + c.evidence;
        out += QLatin1Char('\n');
    }
    return out;
}

} // namespace aio
