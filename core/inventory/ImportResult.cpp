#include "core/inventory/ImportResult.h"

namespace aio {

QString ImportIssue::toString() const
{
    QString text = file;
    if (line > 0)
        text += QLatin1Char(':') + QString::number(line);
    if (!text.isEmpty())
        text += QStringLiteral(": ");
    if (!entry.isEmpty())
        text += entry + QStringLiteral(": ");
    return text + reason;
}

} // namespace aio
