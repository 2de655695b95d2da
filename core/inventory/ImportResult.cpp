#include "core/inventory/ImportResult.h"

#include <QFileInfo>

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

QString ImportResult::groupForFile(const QString& file)
{
    QString name = QFileInfo(file).completeBaseName();
    if (name.isEmpty())
        name = QFileInfo(file).fileName(); // ".hidden" has no base name
    name = Target::normalizeGroup(name.left(60).replace(QLatin1Char('/'), QLatin1Char('-')));
    return Target::checkGroup(name) ? name : QString();
}

void ImportResult::groupByIncludedFile(const QString& mainFile)
{
    const QString main = QFileInfo(mainFile).absoluteFilePath();
    for (Target& t : targets) {
        const QString file = sourceFiles.value(t.id);
        if (!file.isEmpty() && QFileInfo(file).absoluteFilePath() != main)
            t.group = groupForFile(file);
    }
}

Status ImportResult::setGroup(const QString& group)
{
    const QString normalized = Target::normalizeGroup(group);
    if (Status s = Target::checkGroup(normalized); !s)
        return s;
    for (Target& t : targets)
        t.group = normalized;
    return {};
}

} // namespace aio
