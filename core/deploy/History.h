#pragma once

#include "core/common/Result.h"
#include "core/deploy/HistoryEntry.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace aio {

// The per-target deployment history: a JSON-lines file
// <AppDataLocation>/history/<target-id>.jsonl, one HistoryEntry per line. Appends are one
// write(2) of a whole line to a file opened O_APPEND, then fsync, so concurrent writers never
// interleave and a crash loses at most the last line (read() skips a torn last line).
// Thread-safe; several History objects on the same file are fine.
class History
{
    Q_DECLARE_TR_FUNCTIONS(aio::History)

public:
    // targetId: the inventory Target's id (letters, digits, '-', '_', '.'; braces are dropped).
    explicit History(const QString& targetId, const QString& directory = defaultDirectory());

    static QString defaultDirectory(); // the profile's: Profile::dataDir() + "/history"
    static QString historyDirectory(const QString& dataDirectory); // dataDirectory + "/history"
    QString filePath() const { return m_path; }

    // Writes the entry (redact it first: HistoryEntry::redacted()). InvalidInput for a bad id.
    Status append(const HistoryEntry& entry) const;
    // All entries, oldest first. An empty list when there is no file yet. Lines that do not
    // parse are skipped and counted in `skippedLines` when given.
    Result<QList<HistoryEntry>> read(int* skippedLines = nullptr) const;

private:
    QString m_targetId;
    QString m_path;
    bool m_idValid = false;
};

} // namespace aio
