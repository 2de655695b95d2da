#pragma once

#include "core/inventory/Target.h"

#include <QHash>
#include <QList>
#include <QString>

namespace aio {

// One line or entry an importer did not turn into a target, and why.
struct ImportIssue
{
    QString file; // the file the line is in (an Include may point to another file)
    int line = 0; // 1-based; 0 when the issue is not about one line
    QString entry; // the Host alias or context name concerned; may be empty
    QString reason; // translated, says why it was skipped
    // "file:line: entry: reason" (parts left out when empty).
    QString toString() const;
};

// What an importer found: targets ready to add (new ids, validated except for name clashes with
// the inventory) and everything it skipped.
struct ImportResult
{
    QList<Target> targets;
    QList<ImportIssue> skipped;
    // The file each target was found in (by id): the imported file or one it includes.
    QHash<QUuid, QString> sourceFiles;

    // Puts the targets found in files Include'd by mainFile in a group named after that file
    // ("prod" for config.d/prod.conf, "work" for ~/.ssh/work); those in mainFile itself keep theirs.
    void groupByIncludedFile(const QString& mainFile);
    // Puts every target in group (normalized; InvalidInput when it is not a valid group).
    Status setGroup(const QString& group);
    // The group a file's targets go in: its name without the extension, cut to a valid group name.
    static QString groupForFile(const QString& file);
};

} // namespace aio
