#pragma once

#include "core/deploy/FileChange.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace aio {

// What apply() would do, exactly: the commands (RemoteCommand::displayText(), secrets never in
// them) and the file changes, plus notes and warnings for the admin. Shown before "Apply".
struct StepPreview
{
    QStringList commands;
    QList<FileChange> fileChanges;
    QStringList notes; // translated, informative
    QStringList warnings; // translated, the admin should read these (":latest", low memory, …)
    // Things only the admin can do, outside the host (the cloud's security group): shown as boxes
    // to tick in the app and as "[ ] …" lines on the command line. Translated.
    QString checklistTitle;
    QStringList checklist;
    bool nothingToDo = false; // detect found the host already done

    // Everything as plain text, as the CLI prints it (commands with "$ ", then the diffs).
    QString toText() const;
};

} // namespace aio
