#pragma once

// Search over a log buffer's lines: plain text (with or without case) or a regular expression
// (PCRE2, with its JIT), run on the raw bytes: no line is turned into a QString to be searched.
// A plain search scans each chunk's bytes whole and maps hits to lines; a regex is matched line by
// line, so it never spans two.

#include "core/common/CancelToken.h"
#include "core/common/Result.h"
#include "core/logs/LogBuffer.h"

#include <QByteArrayView>
#include <QString>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace aio {

struct LogQuery
{
    enum class Mode { Plain, Regex };
    QString text;
    Mode mode = Mode::Plain;
    bool caseSensitive = false;
};

class LogMatcher
{
public:
    // An empty query matches every line; a bad regex is an InvalidInput error that says where.
    static Result<LogMatcher> compile(const LogQuery& query);
    LogMatcher(LogMatcher&&) noexcept;
    LogMatcher& operator=(LogMatcher&&) noexcept;
    ~LogMatcher();

    bool matchesAll() const { return m_matchAll; }
    bool matches(QByteArrayView line) const;
    // Where it matches in the line ([start, end) byte offsets), for highlighting; at most max.
    std::vector<std::pair<qsizetype, qsizetype>> ranges(QByteArrayView line, int max = 256) const;

    struct Found
    {
        std::vector<qint64> lines; // absolute line numbers, ascending
        qint64 scanned = 0; // lines looked at
        bool cancelled = false;
    };
    // The matching lines of [from, to) in the snapshot (clamped to it). progress(scanned, total)
    // is called between chunks; cancel stops it between chunks (what was found so far is kept).
    Found search(const LogSnapshot& snapshot, qint64 from, qint64 to, const CancelToken& cancel = {},
                 const std::function<void(qint64, qint64)>& progress = {}) const;

private:
    LogMatcher() = default;
    struct Pcre;
    std::unique_ptr<Pcre> m_pcre;
    QByteArray m_literal; // a case-sensitive plain search: memmem, no PCRE
    bool m_matchAll = false;
    bool m_perLine = false; // a regex: one line at a time
    bool m_matchNothing = false; // a plain text with a line break in it
};

} // namespace aio
