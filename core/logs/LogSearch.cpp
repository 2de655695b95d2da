#include "core/logs/LogSearch.h"

#include <QCoreApplication>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cstring>

namespace aio {

struct LogMatcher::Pcre
{
    pcre2_code* code = nullptr;
    pcre2_match_data* data = nullptr; // one matcher is used by one thread at a time
    ~Pcre()
    {
        pcre2_match_data_free(data);
        pcre2_code_free(code);
    }
};

LogMatcher::LogMatcher(LogMatcher&&) noexcept = default;
LogMatcher& LogMatcher::operator=(LogMatcher&&) noexcept = default;
LogMatcher::~LogMatcher() = default;

Result<LogMatcher> LogMatcher::compile(const LogQuery& query)
{
    LogMatcher m;
    const QByteArray pattern = query.text.toUtf8();
    if (pattern.isEmpty()) {
        m.m_matchAll = true;
        return m;
    }
    if (query.mode == LogQuery::Mode::Plain && pattern.contains('\n')) {
        m.m_matchNothing = true;
        return m;
    }
    if (query.mode == LogQuery::Mode::Plain && query.caseSensitive) {
        m.m_literal = pattern;
        return m;
    }
    uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (!query.caseSensitive)
        options |= PCRE2_CASELESS;
    if (query.mode == LogQuery::Mode::Plain)
        options |= PCRE2_LITERAL;
    int code = 0;
    PCRE2_SIZE offset = 0;
    auto pcre = std::make_unique<Pcre>();
    pcre->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.constData()), PCRE2_SIZE(pattern.size()), options,
                               &code, &offset, nullptr);
    if (!pcre->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(code, message, sizeof(message));
        return Error(
            ErrorKind::InvalidInput,
            QCoreApplication::translate("aio::LogMatcher",
                                        "The regular expression is not valid at "
                                        "character %1: %2")
                .arg(QString::fromUtf8(pattern.first(qsizetype(std::min<PCRE2_SIZE>(offset, pattern.size())))).size()
                     + 1)
                .arg(QString::fromUtf8(reinterpret_cast<const char*>(message))));
    }
    pcre2_jit_compile(pcre->code, PCRE2_JIT_COMPLETE); // where JIT is unavailable it interprets
    pcre->data = pcre2_match_data_create_from_pattern(pcre->code, nullptr);
    m.m_perLine = query.mode == LogQuery::Mode::Regex;
    m.m_pcre = std::move(pcre);
    return m;
}

bool LogMatcher::matches(QByteArrayView line) const
{
    if (m_matchAll)
        return true;
    if (m_matchNothing)
        return false;
    if (!m_pcre)
        return QByteArrayView(line).indexOf(QByteArrayView(m_literal)) >= 0;
    return pcre2_match(m_pcre->code, reinterpret_cast<PCRE2_SPTR>(line.data()), PCRE2_SIZE(line.size()), 0, 0,
                       m_pcre->data, nullptr)
        >= 0;
}

std::vector<std::pair<qsizetype, qsizetype>> LogMatcher::ranges(QByteArrayView line, int max) const
{
    std::vector<std::pair<qsizetype, qsizetype>> out;
    if (m_matchAll || m_matchNothing)
        return out;
    qsizetype at = 0;
    while (at <= line.size() && int(out.size()) < max) {
        qsizetype start = -1;
        qsizetype end = -1;
        if (!m_pcre) {
            start = line.sliced(at).indexOf(QByteArrayView(m_literal));
            if (start < 0)
                break;
            start += at;
            end = start + m_literal.size();
        } else {
            const int rc = pcre2_match(m_pcre->code, reinterpret_cast<PCRE2_SPTR>(line.data()), PCRE2_SIZE(line.size()),
                                       PCRE2_SIZE(at), 0, m_pcre->data, nullptr);
            if (rc < 0)
                break;
            const PCRE2_SIZE* v = pcre2_get_ovector_pointer(m_pcre->data);
            start = qsizetype(v[0]);
            end = qsizetype(v[1]);
        }
        out.emplace_back(start, end);
        at = end > start ? end : end + 1; // an empty match moves on
    }
    return out;
}

LogMatcher::Found LogMatcher::search(const LogSnapshot& snapshot, qint64 from, qint64 to, const CancelToken& cancel,
                                     const std::function<void(qint64, qint64)>& progress) const
{
    Found found;
    from = std::max(from, snapshot.firstLine());
    to = std::min(to, snapshot.endLine());
    if (to <= from || m_matchNothing)
        return found;
    const qint64 total = to - from;
    for (const LogSnapshot::Part& part : snapshot.parts()) {
        const LogChunk* c = part.chunk;
        const qint64 partFirst = c->firstLine + part.from;
        const qint64 partEnd = c->firstLine + part.to;
        const qint64 lo = std::max(from, partFirst);
        const qint64 hi = std::min(to, partEnd);
        if (hi <= lo)
            continue;
        if (cancel.isCancelled()) {
            found.cancelled = true;
            return found;
        }
        const quint32 first = quint32(lo - c->firstLine);
        const quint32 last = quint32(hi - c->firstLine); // one past
        const LogLineMeta* meta = c->lines.get();
        const char* bytes = c->bytes.get();
        if (m_matchAll) {
            for (quint32 i = first; i < last; ++i)
                found.lines.push_back(c->firstLine + i);
        } else if (m_perLine) {
            for (quint32 i = first; i < last; ++i) {
                if (pcre2_match(m_pcre->code, reinterpret_cast<PCRE2_SPTR>(bytes + meta[i].offset),
                                PCRE2_SIZE(meta[i].length), 0, 0, m_pcre->data, nullptr)
                    >= 0)
                    found.lines.push_back(c->firstLine + i);
            }
        } else {
            // The whole run of bytes at once ('\n' between lines, which no plain text holds); a hit
            // is mapped to its line, and the search goes on from the next one.
            const quint32 begin = meta[first].offset;
            const quint32 end = meta[last - 1].offset + meta[last - 1].length;
            quint32 at = begin;
            quint32 line = first;
            while (at < end) {
                qsizetype hit = -1;
                if (!m_pcre) {
                    const void* p
                        = memmem(bytes + at, size_t(end - at), m_literal.constData(), size_t(m_literal.size()));
                    if (p)
                        hit = static_cast<const char*>(p) - bytes;
                } else if (pcre2_match(m_pcre->code, reinterpret_cast<PCRE2_SPTR>(bytes), PCRE2_SIZE(end),
                                       PCRE2_SIZE(at), 0, m_pcre->data, nullptr)
                           >= 0) {
                    hit = qsizetype(pcre2_get_ovector_pointer(m_pcre->data)[0]);
                }
                if (hit < 0)
                    break;
                // The line holding the hit: the last one starting at or before it.
                const LogLineMeta* l
                    = std::upper_bound(meta + line, meta + last, quint32(hit),
                                       [](quint32 off, const LogLineMeta& m) { return off < m.offset; });
                line = quint32(l - meta) - 1;
                found.lines.push_back(c->firstLine + line);
                ++line;
                if (line >= last)
                    break;
                at = meta[line].offset;
            }
        }
        found.scanned += hi - lo;
        if (progress)
            progress(found.scanned, total);
    }
    return found;
}

} // namespace aio
