#include "core/deploy/render/UnifiedDiff.h"

#include <QList>

#include <algorithm>
#include <vector>

namespace aio {

namespace {

enum class Op : char { Equal = ' ', Delete = '-', Insert = '+' };

struct Edit
{
    Op op;
    int oldIndex; // index in `a` (Equal, Delete)
    int newIndex; // index in `b` (Equal, Insert)
};

// Beyond this many differences the Myers trace would grow too large (it keeps O(D²) integers);
// such texts are shown as "everything removed, everything added", which is still a correct diff.
constexpr int kMaxEditDistance = 4000;

template <typename Line>
std::vector<Edit> myers(const QList<Line>& a, const QList<Line>& b)
{
    const int n = int(a.size());
    const int m = int(b.size());
    const int max = std::min(n + m, kMaxEditDistance);
    std::vector<Edit> edits;
    if (n == 0 && m == 0)
        return edits;

    std::vector<int> v(size_t(2 * max + 2), 0);
    const int offset = max + 1;
    std::vector<std::vector<int>> trace; // trace[d][k + d] = v[k] before step d
    int found = -1;
    for (int d = 0; d <= max && found < 0; ++d) {
        std::vector<int> snapshot(size_t(2 * d + 1));
        for (int k = -d; k <= d; ++k)
            snapshot[size_t(k + d)] = v[size_t(k + offset)];
        trace.push_back(std::move(snapshot));
        for (int k = -d; k <= d; k += 2) {
            int x;
            if (k == -d || (k != d && v[size_t(k - 1 + offset)] < v[size_t(k + 1 + offset)]))
                x = v[size_t(k + 1 + offset)];
            else
                x = v[size_t(k - 1 + offset)] + 1;
            int y = x - k;
            while (x < n && y < m && a.at(x) == b.at(y)) {
                ++x;
                ++y;
            }
            v[size_t(k + offset)] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
    }

    if (found < 0) { // too different: delete everything, then insert everything
        for (int i = 0; i < n; ++i)
            edits.push_back({Op::Delete, i, -1});
        for (int j = 0; j < m; ++j)
            edits.push_back({Op::Insert, -1, j});
        return edits;
    }

    int x = n;
    int y = m;
    for (int d = found; d >= 0; --d) {
        const std::vector<int>& vd = trace[size_t(d)];
        auto at = [&](int k) {
            return vd[size_t(k + d)];
        };
        const int k = x - y;
        int prevK;
        if (d == 0)
            prevK = 0;
        else if (k == -d || (k != d && at(k - 1) < at(k + 1)))
            prevK = k + 1;
        else
            prevK = k - 1;
        const int prevX = d == 0 ? 0 : at(prevK);
        const int prevY = prevX - prevK;
        while (x > prevX && y > prevY) {
            edits.push_back({Op::Equal, x - 1, y - 1});
            --x;
            --y;
        }
        if (d > 0) {
            if (x == prevX)
                edits.push_back({Op::Insert, -1, y - 1});
            else
                edits.push_back({Op::Delete, x - 1, -1});
        }
        x = prevX;
        y = prevY;
    }
    std::reverse(edits.begin(), edits.end());
    return edits;
}

// Lines with their '\n' kept, so a missing final newline is a difference too.
QList<QByteArray> splitKeepingNewlines(const QByteArray& text)
{
    QList<QByteArray> lines;
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype nl = text.indexOf('\n', start);
        if (nl < 0) {
            lines.append(text.mid(start));
            break;
        }
        lines.append(text.mid(start, nl - start + 1));
        start = nl + 1;
    }
    return lines;
}

void appendLine(QString& out, char prefix, const QByteArray& line)
{
    out += QLatin1Char(prefix);
    if (line.endsWith('\n')) {
        out += QString::fromUtf8(line.constData(), line.size() - 1);
        out += QLatin1Char('\n');
    } else {
        out += QString::fromUtf8(line);
        out += QStringLiteral("\n\\ No newline at end of file\n");
    }
}

QString range(int start, int count)
{
    // GNU diff: "start,count", ",count" left out when 1; an empty range names the line before.
    if (count == 1)
        return QString::number(start + 1);
    return QStringLiteral("%1,%2").arg(count == 0 ? start : start + 1).arg(count);
}

} // namespace

QStringList UnifiedDiff::editScript(const QStringList& before, const QStringList& after)
{
    QStringList out;
    for (const Edit& e : myers(before, after)) {
        const QString& line = e.op == Op::Insert ? after.at(e.newIndex) : before.at(e.oldIndex);
        out.append(QChar::fromLatin1(char(e.op)) + line);
    }
    return out;
}

QString UnifiedDiff::render(const QByteArray& before, const QByteArray& after, const QString& oldLabel,
                            const QString& newLabel, int context)
{
    if (before == after)
        return {};
    context = std::max(0, context);
    const QList<QByteArray> a = splitKeepingNewlines(before);
    const QList<QByteArray> b = splitKeepingNewlines(after);
    const std::vector<Edit> edits = myers(a, b);

    QString out = QStringLiteral("--- ") + oldLabel + QStringLiteral("\n+++ ") + newLabel + QLatin1Char('\n');
    const int total = int(edits.size());
    int i = 0;
    while (i < total) {
        // Find the next change.
        while (i < total && edits[size_t(i)].op == Op::Equal)
            ++i;
        if (i >= total)
            break;
        const int hunkStart = std::max(0, i - context);
        // Extend over changes separated by at most 2*context equal lines.
        int end = i; // one past the last change in the hunk
        int j = i;
        while (j < total) {
            if (edits[size_t(j)].op != Op::Equal) {
                end = j + 1;
                ++j;
                continue;
            }
            int run = 0;
            while (j + run < total && edits[size_t(j + run)].op == Op::Equal)
                ++run;
            if (j + run >= total || run > 2 * context)
                break;
            j += run;
        }
        const int hunkEnd = std::min(total, end + context);

        // Line numbers where the hunk starts: count the lines before it.
        int oldStart = 0;
        int newStart = 0;
        for (int p = 0; p < hunkStart; ++p) {
            if (edits[size_t(p)].op != Op::Insert)
                ++oldStart;
            if (edits[size_t(p)].op != Op::Delete)
                ++newStart;
        }
        int oldCount = 0;
        int newCount = 0;
        for (int p = hunkStart; p < hunkEnd; ++p) {
            if (edits[size_t(p)].op != Op::Insert)
                ++oldCount;
            if (edits[size_t(p)].op != Op::Delete)
                ++newCount;
        }
        out += QStringLiteral("@@ -") + range(oldStart, oldCount) + QStringLiteral(" +") + range(newStart, newCount)
            + QStringLiteral(" @@\n");
        for (int p = hunkStart; p < hunkEnd; ++p) {
            const Edit& e = edits[size_t(p)];
            appendLine(out, char(e.op), e.op == Op::Insert ? b.at(e.newIndex) : a.at(e.oldIndex));
        }
        i = hunkEnd;
    }
    return out;
}

} // namespace aio
