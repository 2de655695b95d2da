#include "core/logs/LogBuffer.h"

#include <QMutexLocker>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/mman.h>

namespace aio {

namespace {

constexpr size_t kHugePage = 2 * 1024 * 1024;

// An open chunk's bytes: whole huge pages of their own when there are kHugePage or more, mapped
// at a huge page's boundary (the kernel backs them with huge pages where transparent huge pages
// are on for madvise; else they are ordinary pages). Mapped, not from malloc: the hint must not
// stay on heap memory that is reused for other things.
std::unique_ptr<char[], LogChunk::Free> allocateBytes(quint32& bytes, bool open)
{
    if (open && bytes >= kHugePage) {
        const size_t size = (size_t(bytes) + kHugePage - 1) / kHugePage * kHugePage;
        void* raw = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw != MAP_FAILED) {
            const uintptr_t start = uintptr_t(raw);
            const uintptr_t aligned = (start + kHugePage - 1) & ~uintptr_t(kHugePage - 1);
            if (aligned > start)
                munmap(raw, aligned - start);
            if (kHugePage - (aligned - start) > 0)
                munmap(reinterpret_cast<char*>(aligned) + size, kHugePage - (aligned - start));
#ifdef MADV_HUGEPAGE
            (void)madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE); // a hint
#endif
            bytes = quint32(size); // all of it is usable, and counted
            return std::unique_ptr<char[], LogChunk::Free>(reinterpret_cast<char*>(aligned), LogChunk::Free{size});
        }
    }
    auto* p = static_cast<char*>(std::malloc(std::max<size_t>(bytes, 1)));
    if (!p)
        throw std::bad_alloc();
    return std::unique_ptr<char[], LogChunk::Free>(p, LogChunk::Free{});
}

std::shared_ptr<LogChunk> newChunk(qint64 firstLine, quint32 bytes, quint32 lines, bool open = false)
{
    auto c = std::make_shared<LogChunk>();
    c->firstLine = firstLine;
    c->bytes = allocateBytes(bytes, open);
    c->capacity = bytes;
    c->lines.reset(new LogLineMeta[lines]);
    c->lineCapacity = lines;
    return c;
}

// Sealing keeps an array that is at least this full as it is: bytes 7/8, the index (a sixth of
// their size for 120-byte lines) 3/4.
bool nearlyFull(quint32 used, quint32 capacity, quint32 eighths)
{
    return quint64(used) * 8 >= quint64(capacity) * eighths;
}

} // namespace

void LogChunk::Free::operator()(char* p) const
{
    if (p && mapped)
        munmap(p, mapped);
    else
        std::free(p);
}

// --- LogSnapshot

const LogChunk* LogSnapshot::chunkOf(qint64 n) const
{
    // The chunks are in line order; the last one whose first line is ≤ n.
    auto it
        = std::upper_bound(m_chunks.begin(), m_chunks.end(), n,
                           [](qint64 line, const std::shared_ptr<const LogChunk>& c) { return line < c->firstLine; });
    Q_ASSERT(it != m_chunks.begin());
    return (it - 1)->get();
}

QByteArrayView LogSnapshot::line(qint64 n) const
{
    Q_ASSERT(n >= m_first && n < m_end);
    const LogChunk* c = chunkOf(n);
    const LogLineMeta& m = c->lines[n - c->firstLine];
    return QByteArrayView(c->bytes.get() + m.offset, m.length);
}

const LogLineMeta& LogSnapshot::meta(qint64 n) const
{
    Q_ASSERT(n >= m_first && n < m_end);
    const LogChunk* c = chunkOf(n);
    return c->lines[n - c->firstLine];
}

std::vector<LogSnapshot::Part> LogSnapshot::parts() const
{
    std::vector<Part> out;
    out.reserve(m_chunks.size());
    for (size_t i = 0; i < m_chunks.size(); ++i) {
        const LogChunk* c = m_chunks[i].get();
        const qint64 from = std::max(m_first, c->firstLine);
        qint64 to = std::min(m_end, c->firstLine + qint64(c->lineCapacity));
        if (i + 1 < m_chunks.size())
            to = std::min(to, m_chunks[i + 1]->firstLine); // a later chunk holds them (joined)
        if (to > from)
            out.push_back(Part{c, quint32(from - c->firstLine), quint32(to - c->firstLine)});
    }
    return out;
}

LogSnapshot LogSnapshot::joined(const LogSnapshot& older, const LogSnapshot& newer)
{
    if (older.isEmpty() || older.m_end != newer.m_first)
        return newer;
    LogSnapshot s;
    s.m_chunks.reserve(older.m_chunks.size() + newer.m_chunks.size());
    s.m_chunks = older.m_chunks;
    // A chunk read back from the spill file may hold lines before older's first or after its end,
    // and so be there twice: lines are looked up in the last chunk that starts at or before them,
    // and parts() stops each chunk where the next one starts.
    s.m_chunks.insert(s.m_chunks.end(), newer.m_chunks.begin(), newer.m_chunks.end());
    s.m_first = older.m_first;
    s.m_end = newer.m_end;
    return s;
}

LogSnapshot LogSnapshot::from(qint64 first) const
{
    LogSnapshot s;
    s.m_first = std::clamp(first, m_first, m_end);
    s.m_end = m_end;
    for (size_t i = 0; i < m_chunks.size(); ++i) {
        const qint64 next = i + 1 < m_chunks.size() ? m_chunks[i + 1]->firstLine : m_end;
        if (next > s.m_first || i + 1 == m_chunks.size())
            s.m_chunks.push_back(m_chunks[i]);
    }
    return s;
}

// --- LogBuffer

LogBuffer::LogBuffer()
    : LogBuffer(Options{})
{ }

LogBuffer::LogBuffer(Options options)
    : m_options(std::move(options))
{
    if (!m_options.spillPath.isEmpty()) {
        m_spill.setFileName(m_options.spillPath);
        if (!m_spill.open(QIODevice::ReadWrite | QIODevice::Truncate))
            m_spillError = m_spill.errorString();
    }
    auto c = newChunk(0, kFirstChunkBytes, kFirstChunkLines, true);
    m_open = c.get();
    m_memory = c->footprint();
    m_chunks.push_back(std::move(c));
}

LogBuffer::~LogBuffer()
{
    if (m_spill.isOpen()) {
        m_spill.close();
        m_spill.remove(); // a cache of this run's lines, nobody else's
    }
}

void LogBuffer::appendBytes(QByteArrayView bytes, qint64 arrivalMs)
{
    qsizetype pos = 0;
    if (!m_partial.isEmpty()) {
        const qsizetype nl = bytes.indexOf('\n');
        if (nl < 0) {
            // Still no end: keep it (bounded: beyond the longest line it is cut when it ends).
            if (m_partial.size() < qsizetype(kMaxLineBytes) + 1)
                m_partial.append(bytes.first(std::min<qsizetype>(bytes.size(), kMaxLineBytes + 1 - m_partial.size())));
            return;
        }
        if (m_partial.size() < qsizetype(kMaxLineBytes) + 1)
            m_partial.append(bytes.first(std::min<qsizetype>(nl, kMaxLineBytes + 1 - m_partial.size())));
        if (m_partial.endsWith('\r'))
            m_partial.chop(1); // CRLF
        appendLine(m_partial, arrivalMs);
        m_partial.clear();
        pos = nl + 1;
    }
    const char* data = bytes.data();
    const qsizetype size = bytes.size();
    while (pos < size) {
        const void* nl = std::memchr(data + pos, '\n', size_t(size - pos));
        if (!nl) {
            m_partial.append(bytes.sliced(pos, std::min<qsizetype>(size - pos, kMaxLineBytes + 1)));
            return;
        }
        const qsizetype end = static_cast<const char*>(nl) - data;
        qsizetype len = end - pos;
        if (len > 0 && data[pos + len - 1] == '\r')
            --len; // CRLF
        appendLine(QByteArrayView(data + pos, len), arrivalMs);
        pos = end + 1;
    }
}

void LogBuffer::flushPartial(qint64 arrivalMs)
{
    if (m_partial.isEmpty())
        return;
    appendLine(m_partial, arrivalMs);
    m_partial.clear();
}

void LogBuffer::appendLine(QByteArrayView line, qint64 arrivalMs)
{
    appendFacts(line, lineFacts(m_options.format, line), arrivalMs);
}

void LogBuffer::appendLine(QByteArrayView line, const LineFacts& facts, qint64 arrivalMs)
{
    appendFacts(line, facts, arrivalMs);
}

void LogBuffer::appendFacts(QByteArrayView line, const LineFacts& facts, qint64 arrivalMs)
{
    quint32 flags = 0;
    if (line.size() > qsizetype(kMaxLineBytes)) {
        line = line.first(kMaxLineBytes);
        flags |= LogLineMeta::Truncated;
        ++m_truncated;
    }
    const quint32 need = quint32(line.size()) + 1;
    LogChunk* c = m_open;
    const quint32 n = c->published.load(std::memory_order_relaxed);
    if (n == c->lineCapacity || c->capacity - c->used < need) {
        sealAndOpen(need);
        c = m_open;
    }
    const quint32 index = c->published.load(std::memory_order_relaxed);
    std::memcpy(c->bytes.get() + c->used, line.data(), size_t(line.size()));
    c->bytes[c->used + quint32(line.size())] = '\n';
    LogLineMeta& m = c->lines[index];
    m.timeMs = facts.timeMs != 0 ? facts.timeMs : arrivalMs;
    m.offset = c->used;
    m.length = quint32(line.size());
    m.level = quint32(facts.level);
    m.flags = flags | (facts.timeMs == 0 ? quint32(LogLineMeta::TimeFromArrival) : 0u);
    c->used += need;
    ++m_end;
    c->published.store(index + 1, std::memory_order_release);
}

void LogBuffer::sealAndOpen(quint32 needBytes)
{
    LogChunk* open = m_open;
    const quint32 n = open->published.load(std::memory_order_relaxed);
    // The sealed chunk holds what was written: the open chunk's own arrays where they are nearly
    // full and no snapshot holds the open chunk (no copy, no fresh memory), else copies of exactly
    // their size (readers of the open chunk keep theirs).
    auto next = newChunk(open->firstLine + n, std::max(kChunkBytes, needBytes), kChunkLines, true);
    auto sealed = std::make_shared<LogChunk>();
    sealed->firstLine = open->firstLine;
    sealed->used = open->used;
    sealed->published.store(n, std::memory_order_relaxed);
    const qint64 openFootprint = open->footprint();
    const auto copyBytes = [&] {
        sealed->capacity = std::max<quint32>(open->used, 1);
        sealed->bytes = allocateBytes(sealed->capacity, false);
        std::memcpy(sealed->bytes.get(), open->bytes.get(), open->used);
    };
    const auto copyLines = [&] {
        sealed->lineCapacity = std::max<quint32>(n, 1);
        sealed->lines.reset(new LogLineMeta[sealed->lineCapacity]);
        std::memcpy(static_cast<void*>(sealed->lines.get()), open->lines.get(), size_t(n) * sizeof(LogLineMeta));
    };
    const bool keepBytes = nearlyFull(open->used, open->capacity, 7);
    const bool keepLines = nearlyFull(n, open->lineCapacity, 6);
    if (!keepBytes)
        copyBytes();
    if (!keepLines)
        copyLines();

    // Whether a snapshot holds the open chunk is known under the lock (snapshots are taken under
    // it); moving an array is all that is done under it, so readers do not wait for copies.
    QMutexLocker lock(&m_mutex);
    if ((keepBytes || keepLines) && m_chunks.back().use_count() == 1) {
        if (keepBytes) {
            sealed->bytes = std::move(open->bytes);
            sealed->capacity = open->capacity;
        }
        if (keepLines) {
            sealed->lines = std::move(open->lines);
            sealed->lineCapacity = open->lineCapacity;
        }
    } else if (keepBytes || keepLines) {
        lock.unlock();
        if (keepBytes)
            copyBytes();
        if (keepLines)
            copyLines();
        lock.relock();
    }
    m_memory += next->footprint() - openFootprint;
    if (n == 0) {
        m_chunks.pop_back(); // an empty chunk is not worth keeping (a long line is next)
    } else {
        m_memory += sealed->footprint();
        m_chunks.back() = std::move(sealed);
    }
    m_open = next.get();
    m_chunks.push_back(std::move(next));
    evictLocked();
    lock.unlock();
    writeSpill();
}

void LogBuffer::evictLocked()
{
    while (m_memory > m_options.budgetBytes && m_chunks.size() > 1) {
        std::shared_ptr<LogChunk> oldest = std::move(m_chunks.front());
        m_chunks.pop_front();
        m_memory -= oldest->footprint();
        if (m_spill.isOpen() && m_spillError.isEmpty())
            m_toSpill.push_back(std::move(oldest));
        else
            m_dropped += oldest->published.load(std::memory_order_relaxed);
    }
}

void LogBuffer::writeSpill()
{
    // Only the writer writes the file, so it does without the lock; the entries change under it.
    for (;;) {
        std::shared_ptr<LogChunk> chunk;
        bool restart = false;
        qint64 at = 0;
        {
            QMutexLocker lock(&m_mutex);
            if (m_toSpill.empty())
                return;
            chunk = m_toSpill.front();
            const qint64 size
                = qint64(chunk->published.load(std::memory_order_relaxed)) * qint64(sizeof(LogLineMeta)) + chunk->used;
            if (m_spillBytes + size > m_options.spillLimitBytes) {
                // Full: start over, so what is kept stays one run of lines that ends where memory
                // begins.
                for (const SpillEntry& e : m_spilled)
                    m_dropped += e.lines;
                m_spilled.clear();
                m_spillBytes = 0;
                ++m_spillGeneration;
                restart = true;
            }
            at = m_spillBytes;
        }
        const quint32 n = chunk->published.load(std::memory_order_relaxed);
        const qint64 indexBytes = qint64(n) * qint64(sizeof(LogLineMeta));
        const bool ok = (!restart || m_spill.resize(0)) && m_spill.seek(at)
            && m_spill.write(reinterpret_cast<const char*>(chunk->lines.get()), indexBytes) == indexBytes
            && m_spill.write(chunk->bytes.get(), chunk->used) == chunk->used
            && m_spill.flush(); // read back through another handle (loadSpilled)
        QMutexLocker lock(&m_mutex);
        m_toSpill.pop_front();
        if (ok) {
            m_spilled.push_back(SpillEntry{chunk->firstLine, n, at, chunk->used});
            m_spillBytes = at + indexBytes + chunk->used;
            continue;
        }
        m_spillError = m_spill.errorString();
        for (const SpillEntry& e : m_spilled)
            m_dropped += e.lines;
        m_dropped += n;
        for (const auto& c : m_toSpill)
            m_dropped += c->published.load(std::memory_order_relaxed);
        m_spilled.clear();
        m_toSpill.clear();
        return;
    }
}

LogSnapshot LogBuffer::snapshot() const
{
    LogSnapshot s;
    QMutexLocker lock(&m_mutex);
    s.m_chunks.assign(m_chunks.begin(), m_chunks.end());
    s.m_first = m_chunks.front()->firstLine;
    const LogChunk* open = m_chunks.back().get();
    s.m_end = open->firstLine + open->published.load(std::memory_order_acquire);
    return s;
}

qint64 LogBuffer::endLine() const
{
    QMutexLocker lock(&m_mutex);
    const LogChunk* open = m_chunks.back().get();
    return open->firstLine + open->published.load(std::memory_order_acquire);
}

qint64 LogBuffer::firstLine() const
{
    QMutexLocker lock(&m_mutex);
    return m_chunks.front()->firstLine;
}

qint64 LogBuffer::droppedLines() const
{
    QMutexLocker lock(&m_mutex);
    return m_dropped;
}

qint64 LogBuffer::firstSpilledLine() const
{
    QMutexLocker lock(&m_mutex);
    if (!m_spilled.empty())
        return m_spilled.front().firstLine;
    return m_toSpill.empty() ? m_chunks.front()->firstLine : m_toSpill.front()->firstLine;
}

qint64 LogBuffer::truncatedLines() const
{
    QMutexLocker lock(&m_mutex);
    return m_truncated;
}

qint64 LogBuffer::memoryBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_memory;
}

QString LogBuffer::spillError() const
{
    QMutexLocker lock(&m_mutex);
    return m_spillError;
}

Result<LogSnapshot> LogBuffer::loadSpilled(qint64 from, qint64 to) const
{
    std::vector<SpillEntry> entries;
    std::vector<std::shared_ptr<const LogChunk>> pending; // not written yet: still in memory
    QString fileName;
    quint64 generation = 0;
    const auto notThere = [&] {
        return Error(ErrorKind::NotFound,
                     QStringLiteral("Lines %1 to %2 are not in the spill file.").arg(from).arg(to - 1));
    };
    {
        QMutexLocker lock(&m_mutex);
        if (from >= to || to > m_chunks.front()->firstLine)
            return notThere();
        // The chunks that hold [from, to), which must follow one another without a gap.
        qint64 next = -1;
        const auto covers = [&](qint64 first, qint64 lines) {
            if (first + lines <= from || first >= to)
                return false;
            if (next < 0 ? first > from : first != next)
                next = -2; // a gap
            else
                next = first + lines;
            return true;
        };
        for (const SpillEntry& e : m_spilled)
            if (next != -2 && covers(e.firstLine, e.lines))
                entries.push_back(e);
        for (const auto& c : m_toSpill)
            if (next != -2 && covers(c->firstLine, c->published.load(std::memory_order_relaxed)))
                pending.push_back(c);
        if (next < to)
            return notThere();
        fileName = m_spill.fileName();
        generation = m_spillGeneration;
    }
    LogSnapshot s;
    s.m_first = from;
    s.m_end = to;
    if (!entries.empty()) {
        QFile file(fileName);
        if (!file.open(QIODevice::ReadOnly))
            return Error(ErrorKind::Io, QStringLiteral("Could not read older lines back from %1.").arg(fileName),
                         file.errorString());
        for (const SpillEntry& e : entries) {
            auto c = newChunk(e.firstLine, std::max<quint32>(e.bytes, 1), std::max<quint32>(e.lines, 1));
            const qint64 indexBytes = qint64(e.lines) * qint64(sizeof(LogLineMeta));
            if (!file.seek(e.offset) || file.read(reinterpret_cast<char*>(c->lines.get()), indexBytes) != indexBytes
                || file.read(c->bytes.get(), e.bytes) != e.bytes) {
                QMutexLocker lock(&m_mutex);
                if (generation != m_spillGeneration) // the file started over while it was read
                    return notThere();
                return Error(ErrorKind::Io, QStringLiteral("Could not read older lines back from %1.").arg(fileName),
                             file.errorString());
            }
            c->used = e.bytes;
            c->published.store(e.lines, std::memory_order_relaxed);
            s.m_chunks.push_back(std::move(c));
        }
    }
    s.m_chunks.insert(s.m_chunks.end(), pending.begin(), pending.end());
    QMutexLocker lock(&m_mutex);
    if (generation != m_spillGeneration)
        return Error(ErrorKind::NotFound,
                     QStringLiteral("Lines %1 to %2 were overwritten in the spill file while they were read back.")
                         .arg(from)
                         .arg(to - 1));
    return s;
}

} // namespace aio
