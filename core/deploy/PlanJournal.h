#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace aio {

// One file written or removed on the host, with what it held before (for history/restore).
struct JournalFileChange
{
    QString path;
    bool existedBefore = false;
    QByteArray previousContent; // empty for secret files
    QByteArray newContent; // empty for removals and secret files
    bool removed = false;
    bool secret = false; // contents are never recorded
};

// What a step did to the host during apply or rollback: commands (already redacted) and file
// changes. The PlanContext fills it; the runner turns it into a HistoryEntry.
struct PlanJournal
{
    QStringList commands;
    QList<JournalFileChange> files;

    bool isEmpty() const { return commands.isEmpty() && files.isEmpty(); }
};

} // namespace aio
