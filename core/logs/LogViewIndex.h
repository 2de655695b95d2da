#pragma once

// The rows a log view shows: the lines of several sources (one LogBuffer each) merged in time
// order and filtered, as 16 bytes a row (the line's time and a reference to it; never its text).
// New lines are merged in as they come: a line later than every row is appended, an earlier one
// (a source that lags, or a request logged when it ended) is merged into the tail, which is the
// only part that changes. Each update says what changed as a LogViewDelta, so a copy of the rows
// elsewhere (the GUI's model) follows with the same few steps.
//
// Not thread-safe: one thread (the viewer's worker) owns an index.

#include "core/common/CancelToken.h"
#include "core/logs/LogBuffer.h"
#include "core/logs/LogSearch.h"

#include <QByteArray>

#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

namespace aio {

struct LogRow
{
    qint64 timeMs = 0;
    // The source (bits 56-63), "matches the search" (bit 55), the line's level (bits 48-51, so a
    // histogram needs no lookup) and the line number (bits 0-47).
    quint64 ref = 0;

    static constexpr int kSourceShift = 56;
    static constexpr quint64 kMatchBit = 1ULL << 55;
    static constexpr int kLevelShift = 48;
    static constexpr quint64 kLineMask = (1ULL << kLevelShift) - 1;
    static constexpr int kMaxSources = 64; // hiddenSources is a 64-bit mask

    static LogRow make(qint64 timeMs, int source, qint64 line, LogLevel level, bool match)
    {
        return LogRow{timeMs,
                      (quint64(source) << kSourceShift) | (match ? kMatchBit : 0)
                          | (quint64(level) & 0xf) << kLevelShift | (quint64(line) & kLineMask)};
    }
    int source() const { return int(ref >> kSourceShift); }
    qint64 line() const { return qint64(ref & kLineMask); }
    bool matches() const { return (ref & kMatchBit) != 0; }
    LogLevel level() const { return LogLevel((ref >> kLevelShift) & 0xf); }
};
static_assert(sizeof(LogRow) == 16);

// Which lines are shown. An empty filter shows every line.
struct LogViewFilter
{
    // Only the lines this matches (the search's "show only matching lines"); null: no such limit.
    std::shared_ptr<const LogMatcher> onlyMatching;
    // Lines at least this severe (a line that names no level is then left out); None: any.
    LogLevel minLevel = LogLevel::None;
    // Access lines whose status class is set here (bit k for kxx, 1 ≤ k ≤ 5); other lines are
    // then left out. 0: no limit.
    quint8 statusClasses = 0;
    // Access lines from this client address; other lines are then left out. Empty: any.
    QByteArray client;
    qint64 fromMs = std::numeric_limits<qint64>::min(); // [fromMs, toMs)
    qint64 toMs = std::numeric_limits<qint64>::max();
    quint64 hiddenSources = 0; // bit s: source s is not shown

    static quint8 statusClassBit(int status)
    {
        return status >= 100 && status < 600 ? quint8(1u << (status / 100)) : 0;
    }
    bool accepts(int source, LogFormat format, const LogSnapshot& snapshot, qint64 line) const;
};

// What an update changed, in the order to apply it: first `dropFront` rows go from the front
// (their lines left memory), then the rows from `replaceFrom` on (counted after the drop) are
// replaced by `tail`. After a reset, the rows are `tail` whole.
struct LogViewDelta
{
    bool reset = false;
    qint64 dropFront = 0;
    qint64 replaceFrom = 0;
    std::vector<LogRow> tail;
    qint64 matchCount = 0; // rows that match the search, after the update
    bool isEmpty() const { return !reset && dropFront == 0 && tail.empty(); }
    // Applies it to a copy of the rows (the GUI's).
    void applyTo(std::deque<LogRow>& rows) const;
};

// Lines per interval over the time the rows span (the Logs tab's histogram), each interval split
// into errors (level error and worse: 5xx), warnings (4xx) and the rest. Counted from the 16-byte
// rows alone, on the session's worker thread.
struct LogTimeBins
{
    struct Bin
    {
        int errors = 0;
        int warnings = 0;
        int other = 0;
        int total() const { return errors + warnings + other; }
    };
    qint64 fromMs = 0; // the first bin's start, on a whole interval
    qint64 binMs = 1000; // 1 s, 2 s, 5 s … 1 h … 1 d …: the first that keeps the bins within `bars`
    std::vector<Bin> bins;
    int maxBin = 0;

    // rows sorted by time; bars ≥ 1.
    static LogTimeBins count(const std::deque<LogRow>& rows, int bars);
    static qint64 roundInterval(qint64 spanMs, int bars);
};

class LogViewIndex
{
public:
    // One format per source (how its lines' fields are read); at most LogRow::kMaxSources.
    explicit LogViewIndex(std::vector<LogFormat> formats);

    // The filter and the search (whose matches are flagged and counted, not filtered); either
    // change makes the next update a reset.
    void setFilter(LogViewFilter filter);
    void setSearch(std::shared_ptr<const LogMatcher> search);
    const LogViewFilter& filter() const { return m_filter; }
    // The next update reads every line again (older lines were put before the first ones).
    void requestReset() { m_resetPending = true; }

    // Takes in the lines of the snapshots (one per source, in the order of the formats) that it
    // has not seen, and lets go of rows whose lines left memory. A reset reads every line and may
    // take long: it reports progress(linesRead, linesTotal) and stops when cancelled (every 256k
    // lines); the rows then stay as they were, the delta is empty, and the next update resets.
    LogViewDelta update(const std::vector<LogSnapshot>& snapshots, const CancelToken& cancel = {},
                        const std::function<void(qint64, qint64)>& progress = {});

    const std::deque<LogRow>& rows() const { return m_rows; }
    qint64 matchCount() const { return m_matches; }

private:
    bool take(int source, const LogSnapshot& snapshot, qint64 line, std::vector<LogRow>& out) const;

    std::vector<LogFormat> m_formats;
    LogViewFilter m_filter;
    std::shared_ptr<const LogMatcher> m_search;
    std::vector<qint64> m_next; // per source: the first line not yet looked at
    std::deque<LogRow> m_rows;
    qint64 m_matches = 0;
    bool m_resetPending = true;
};

} // namespace aio
