#include "core/deploy/StepPreview.h"

#include <QCoreApplication>

namespace aio {

QString StepPreview::toText() const
{
    QString out;
    if (nothingToDo)
        out += QCoreApplication::translate("aio::StepPreview", "Already done: nothing to change.\n");
    for (const QString& w : warnings)
        out += QCoreApplication::translate("aio::StepPreview", "warning: %1\n").arg(w);
    for (const QString& n : notes)
        out += QStringLiteral("note: ") + n + QLatin1Char('\n');
    if (!checklist.isEmpty()) {
        out += QStringLiteral("note: ") + checklistTitle + QLatin1Char('\n');
        for (const QString& item : checklist)
            out += QStringLiteral("  [ ] ") + item + QLatin1Char('\n');
    }
    for (const QString& c : commands)
        out += QStringLiteral("$ ") + c + QLatin1Char('\n');
    for (const FileChange& f : fileChanges) {
        if (f.changes())
            out += f.unifiedDiff();
    }
    return out;
}

} // namespace aio
