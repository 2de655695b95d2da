#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace aio {

// A line-based unified diff (as `diff -u` prints it) between two texts, for step previews:
// the file on the host now against what the step will write. Longest common subsequence by
// Myers' O(ND) algorithm, hunks with `context` lines around changes. Pure function.
class UnifiedDiff
{
public:
    // "--- oldLabel\n+++ newLabel\n@@ -a,b +c,d @@\n…"; empty when the texts are equal.
    // A missing final newline is shown as "\ No newline at end of file", as diff does.
    static QString render(const QByteArray& before, const QByteArray& after, const QString& oldLabel,
                          const QString& newLabel, int context = 3);

    // The edit script between two line lists: ' ', '-' or '+' followed by the line.
    static QStringList editScript(const QStringList& before, const QStringList& after);
};

} // namespace aio
