#include "core/logs/LogViewIndex.h"

#include <algorithm>
#include <array>

namespace aio {

namespace {

bool earlier(const LogRow& a, const LogRow& b)
{
    return a.timeMs < b.timeMs;
}

void sortByTime(std::vector<LogRow>& rows)
{
    // A source's lines mostly come in time order already.
    if (!std::is_sorted(rows.begin(), rows.end(), earlier))
        std::stable_sort(rows.begin(), rows.end(), earlier);
}

} // namespace

bool LogViewFilter::accepts(int source, LogFormat format, const LogSnapshot& snapshot, qint64 line) const
{
    if (source < 64 && ((hiddenSources >> source) & 1))
        return false;
    const LogLineMeta& meta = snapshot.meta(line);
    if (meta.timeMs < fromMs || meta.timeMs >= toMs)
        return false;
    if (minLevel != LogLevel::None && meta.logLevel() < minLevel)
        return false;
    if (statusClasses != 0 || !client.isEmpty()) {
        if (format != LogFormat::NginxAccess)
            return false;
        const std::optional<AccessLogLine> access = parseAccessLine(snapshot.line(line));
        if (!access)
            return false;
        if (statusClasses != 0 && (statusClassBit(access->status) & statusClasses) == 0)
            return false;
        if (!client.isEmpty() && access->client != QByteArrayView(client))
            return false;
    }
    return !onlyMatching || onlyMatching->matchesAll() || onlyMatching->matches(snapshot.line(line));
}

void LogViewDelta::applyTo(std::deque<LogRow>& rows) const
{
    if (reset) {
        rows.assign(tail.begin(), tail.end());
        return;
    }
    rows.erase(rows.begin(), rows.begin() + std::min<qint64>(dropFront, qint64(rows.size())));
    rows.erase(rows.begin() + std::min<qint64>(replaceFrom, qint64(rows.size())), rows.end());
    rows.insert(rows.end(), tail.begin(), tail.end());
}

qint64 LogTimeBins::roundInterval(qint64 spanMs, int bars)
{
    static constexpr std::array<qint64, 22> steps{
        1'000,      2'000,      5'000,       10'000,      15'000,        30'000,        60'000,     120'000,
        300'000,    600'000,    900'000,     1'800'000,   3'600'000,     7'200'000,     10'800'000, 21'600'000,
        43'200'000, 86'400'000, 172'800'000, 604'800'000, 2'592'000'000, 31'536'000'000};
    for (qint64 step : steps)
        if (spanMs / step < bars)
            return step;
    return steps.back();
}

LogTimeBins LogTimeBins::count(const std::deque<LogRow>& rows, int bars)
{
    LogTimeBins out;
    if (rows.empty())
        return out;
    bars = std::max(1, bars);
    const qint64 first = rows.front().timeMs;
    const qint64 last = rows.back().timeMs;
    out.binMs = roundInterval(std::max<qint64>(1, last - first), bars);
    out.fromMs = first - (((first % out.binMs) + out.binMs) % out.binMs); // on a whole interval
    const size_t count = size_t((last - out.fromMs) / out.binMs + 1);
    out.bins.assign(count, Bin{});
    // The rows are in time order: walk the bins' ends instead of dividing for every row.
    size_t bin = 0;
    qint64 binEnd = out.fromMs + out.binMs;
    for (const LogRow& row : rows) {
        while (row.timeMs >= binEnd && bin + 1 < count) {
            ++bin;
            binEnd += out.binMs;
        }
        Bin& b = out.bins[bin];
        const LogLevel level = row.level();
        if (level >= LogLevel::Error)
            ++b.errors;
        else if (level == LogLevel::Warning)
            ++b.warnings;
        else
            ++b.other;
    }
    for (const Bin& b : out.bins)
        out.maxBin = std::max(out.maxBin, b.total());
    return out;
}

LogViewIndex::LogViewIndex(std::vector<LogFormat> formats)
    : m_formats(std::move(formats))
    , m_next(m_formats.size(), 0)
{
    if (m_formats.size() > size_t(LogRow::kMaxSources)) {
        m_formats.resize(size_t(LogRow::kMaxSources));
        m_next.resize(size_t(LogRow::kMaxSources));
    }
}

void LogViewIndex::setFilter(LogViewFilter filter)
{
    m_filter = std::move(filter);
    m_resetPending = true;
}

void LogViewIndex::setSearch(std::shared_ptr<const LogMatcher> search)
{
    m_search = search && !search->matchesAll() ? std::move(search) : nullptr;
    m_resetPending = true;
}

bool LogViewIndex::take(int source, const LogSnapshot& snapshot, qint64 line, std::vector<LogRow>& out) const
{
    if (!m_filter.accepts(source, m_formats[size_t(source)], snapshot, line))
        return false;
    const bool match = m_search && m_search->matches(snapshot.line(line));
    const LogLineMeta& meta = snapshot.meta(line);
    out.push_back(LogRow::make(meta.timeMs, source, line, meta.logLevel(), match));
    return match;
}

LogViewDelta LogViewIndex::update(const std::vector<LogSnapshot>& snapshots, const CancelToken& cancel,
                                  const std::function<void(qint64, qint64)>& progress)
{
    LogViewDelta delta;
    const size_t sources = std::min(snapshots.size(), m_formats.size());

    if (m_resetPending) {
        m_resetPending = false;
        delta.reset = true;
        qint64 total = 0;
        for (size_t s = 0; s < sources; ++s)
            total += snapshots[s].size();
        qint64 read = 0;
        qint64 matches = 0;
        std::vector<LogRow> all;
        std::vector<LogRow> part;
        std::vector<LogRow> merged;
        for (size_t s = 0; s < sources; ++s) {
            if (cancel.isCancelled())
                break;
            const LogSnapshot& snap = snapshots[s];
            part.clear();
            for (qint64 n = snap.firstLine(); n < snap.endLine(); ++n) {
                matches += take(int(s), snap, n, part) ? 1 : 0;
                // A reset of millions of lines reports its progress every 256k lines and can be
                // cancelled there.
                if (((n - snap.firstLine()) & 0x3ffff) == 0x3ffff) {
                    if (progress)
                        progress(read + (n - snap.firstLine()), total);
                    if (cancel.isCancelled())
                        break;
                }
            }
            if (cancel.isCancelled())
                break;
            m_next[s] = snap.endLine();
            read += snap.size();
            if (progress)
                progress(read, total);
            sortByTime(part);
            merged.clear();
            merged.reserve(all.size() + part.size());
            std::merge(all.begin(), all.end(), part.begin(), part.end(), std::back_inserter(merged), earlier);
            all.swap(merged);
        }
        if (cancel.isCancelled()) {
            // Nothing changes: the next update reads everything again.
            m_resetPending = true;
            return LogViewDelta{.matchCount = m_matches};
        }
        m_rows.assign(all.begin(), all.end());
        m_matches = matches;
        delta.tail = std::move(all);
        delta.matchCount = m_matches;
        return delta;
    }

    // Rows whose lines left memory go from the front (the oldest first; a row of a slower source
    // further in stays until it reaches the front, and shows as gone).
    while (!m_rows.empty()) {
        const LogRow& row = m_rows.front();
        const size_t s = size_t(row.source());
        if (s >= sources || row.line() >= snapshots[s].firstLine())
            break;
        m_matches -= row.matches() ? 1 : 0;
        m_rows.pop_front();
        ++delta.dropFront;
    }

    std::vector<LogRow> batch;
    qint64 matches = 0;
    for (size_t s = 0; s < sources; ++s) {
        const LogSnapshot& snap = snapshots[s];
        for (qint64 n = std::max(m_next[s], snap.firstLine()); n < snap.endLine(); ++n)
            matches += take(int(s), snap, n, batch) ? 1 : 0;
        m_next[s] = std::max(m_next[s], snap.endLine());
    }
    m_matches += matches;
    delta.matchCount = m_matches;
    delta.replaceFrom = qint64(m_rows.size());
    if (batch.empty())
        return delta;
    sortByTime(batch);
    // Only rows later than the earliest new line move.
    const auto from = std::upper_bound(m_rows.begin(), m_rows.end(), batch.front(), earlier);
    delta.replaceFrom = qint64(from - m_rows.begin());
    delta.tail.reserve(size_t(m_rows.end() - from) + batch.size());
    std::merge(from, m_rows.end(), batch.begin(), batch.end(), std::back_inserter(delta.tail), earlier);
    m_rows.erase(from, m_rows.end());
    m_rows.insert(m_rows.end(), delta.tail.begin(), delta.tail.end());
    return delta;
}

} // namespace aio
