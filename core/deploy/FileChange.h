#pragma once

#include "core/deploy/FileSnapshot.h"

#include <QByteArray>
#include <QString>

namespace aio {

// One file a step will write, for previews: the content on the host now and what it will be.
// Secret files (env-file with the API key, htpasswd) never show their content, only sizes.
struct FileChange
{
    QString path;
    bool existed = false;
    QByteArray before;
    QByteArray after;
    bool remove = false; // the step removes the file instead of writing it
    bool secret = false;
    int mode = 0644;

    static FileChange write(const FileSnapshot& current, QByteArray newContent, int mode = 0644, bool secret = false);
    static FileChange removal(const FileSnapshot& current);

    bool changes() const { return remove ? existed : (!existed || before != after); }
    // A unified diff ("--- a/path", "+++ b/path", hunks); for secret files a one-line note.
    QString unifiedDiff() const;
};

} // namespace aio
