#pragma once

// The bounded, append-only store of one log source's lines: raw bytes in chunks plus a compact
// index of 16 bytes a line (no QString, no allocation per line). Lines have absolute numbers
// that never change; when the memory budget is exceeded the oldest chunks go first, into the
// spill file where one is set (so "load older lines" still works), and the buffer counts what it
// let go, so nothing disappears silently.
//
// One writer appends (a source's reader thread); any number of readers work on snapshots, which
// share the chunks (immutable once written) and never block the writer for longer than it takes
// to copy a list of pointers.

#include "core/common/Result.h"
#include "core/logs/LogLine.h"

#include <QByteArrayView>
#include <QFile>
#include <QMutex>
#include <QString>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <memory>
#include <vector>

namespace aio {

struct LogLineMeta
{
    qint64 timeMs = 0; // the line's own time (UTC ms), or when it arrived if it carries none
    quint32 offset = 0; // first byte in its chunk
    quint32 length : 24 = 0;
    quint32 level : 4 = 0; // LogLevel
    quint32 flags : 4 = 0; // LogLineMeta::Flag
    enum Flag : quint32 {
        TimeFromArrival = 1, // the line carries no time of its own
        Truncated = 2, // longer than kMaxLineBytes: the rest was cut (and counted)
    };
    LogLevel logLevel() const { return LogLevel(level); }
};
static_assert(sizeof(LogLineMeta) == 16);

// A run of lines: their bytes, back to back with a '\n' after each, and their index. The open
// (last) chunk grows in place: its arrays are allocated once and never move, and `published`
// says how many lines readers may see. Sealing it keeps an array that is nearly full as it is and
// copies one that is not to an array of exactly its size.
struct LogChunk
{
    struct Free
    {
        size_t mapped; // bytes mapped with mmap (an open chunk's huge pages); 0 (value-initialized): malloc'd
        void operator()(char* p) const;
    };
    qint64 firstLine = 0;
    std::unique_ptr<char[], Free> bytes;
    quint32 capacity = 0;
    quint32 used = 0;
    std::unique_ptr<LogLineMeta[]> lines;
    quint32 lineCapacity = 0;
    std::atomic<quint32> published{0};
    // What a sealed chunk actually holds (bytes and index), for the budget.
    qint64 footprint() const { return qint64(capacity) + qint64(lineCapacity) * qint64(sizeof(LogLineMeta)); }
};

// An immutable view of lines [firstLine, endLine) at one moment; cheap to copy.
class LogSnapshot
{
public:
    qint64 firstLine() const { return m_first; }
    qint64 endLine() const { return m_end; }
    qint64 size() const { return m_end - m_first; }
    bool isEmpty() const { return m_end <= m_first; }
    // n in [firstLine, endLine).
    QByteArrayView line(qint64 n) const;
    const LogLineMeta& meta(qint64 n) const;
    // The chunks, for whoever scans many lines (search): each with the range of its lines this
    // snapshot covers.
    struct Part
    {
        const LogChunk* chunk;
        quint32 from; // index in the chunk
        quint32 to; // one past
    };
    std::vector<Part> parts() const;
    // older's lines followed by newer's, when older ends where newer starts (older lines read back
    // from the spill file, then the lines in memory); else newer alone.
    static LogSnapshot joined(const LogSnapshot& older, const LogSnapshot& newer);
    // Its lines from `first` on (the chunks wholly before it are let go).
    LogSnapshot from(qint64 first) const;

private:
    friend class LogBuffer;
    std::vector<std::shared_ptr<const LogChunk>> m_chunks;
    qint64 m_first = 0;
    qint64 m_end = 0;
    const LogChunk* chunkOf(qint64 n) const;
};

class LogBuffer
{
public:
    // The bytes of an open chunk: 2 MiB, one huge page where the kernel gives them (fresh memory
    // costs a page fault every 4 KiB otherwise: on a small VM that is more than the copy and
    // parsing together). The first chunk of a buffer is smaller: most logs are short.
    static constexpr quint32 kChunkBytes = 2 * 1024 * 1024;
    static constexpr quint32 kChunkLines = 20480; // 2 MiB of lines of 102 bytes
    static constexpr quint32 kFirstChunkBytes = 256 * 1024;
    static constexpr quint32 kFirstChunkLines = 2048;
    // A longer line gets a chunk of its own; beyond this it is cut (flagged and counted).
    static constexpr quint32 kMaxLineBytes = (1u << 24) - 2;
    static constexpr qint64 kDefaultBudget = 256LL * 1024 * 1024;

    struct Options
    {
        qint64 budgetBytes = kDefaultBudget;
        LogFormat format = LogFormat::Plain;
        // Where dropped chunks go so older lines can be loaded again; empty: they are let go.
        QString spillPath;
        qint64 spillLimitBytes = 4LL * 1024 * 1024 * 1024;
    };
    explicit LogBuffer(Options options);
    LogBuffer();
    ~LogBuffer();
    LogBuffer(const LogBuffer&) = delete;
    LogBuffer& operator=(const LogBuffer&) = delete;

    // Writer side (one thread at a time). appendBytes takes a stream's bytes as they come and
    // keeps a partial last line until its '\n' arrives; appendLine takes one whole line (no '\n').
    // arrivalMs is the time given to lines that carry none.
    void appendBytes(QByteArrayView bytes, qint64 arrivalMs);
    void appendLine(QByteArrayView line, qint64 arrivalMs);
    // Appends a line with facts the caller already read (timeMs 0: arrivalMs).
    void appendLine(QByteArrayView line, const LineFacts& facts, qint64 arrivalMs);
    // The partial last line, as a line of its own (the stream ended without a '\n').
    void flushPartial(qint64 arrivalMs);

    LogSnapshot snapshot() const;
    qint64 endLine() const; // one past the newest line
    qint64 firstLine() const; // the oldest line still in memory
    // Lines let go without a spill file, or beyond its limit: they cannot be loaded again.
    qint64 droppedLines() const;
    // The oldest line the spill file still holds (== firstLine() when nothing was spilled).
    qint64 firstSpilledLine() const;
    qint64 truncatedLines() const;
    // Memory the buffer holds now (chunks and index), which stays within the budget plus one chunk.
    qint64 memoryBytes() const;
    LogFormat format() const { return m_options.format; }
    const Options& options() const { return m_options; }
    // Reads back spilled lines [from, to) (within [firstSpilledLine(), firstLine())). The file is
    // read outside the buffer's lock: neither the writer nor other readers wait for the disk.
    Result<LogSnapshot> loadSpilled(qint64 from, qint64 to) const;
    // The error writing the spill file met, if any (spilling then stops; lines are counted dropped).
    QString spillError() const;

private:
    struct SpillEntry
    {
        qint64 firstLine;
        quint32 lines;
        qint64 offset; // in the file: the index (lines × 16 bytes), then the bytes
        quint32 bytes;
    };
    void sealAndOpen(quint32 needBytes);
    void appendFacts(QByteArrayView line, const LineFacts& facts, qint64 arrivalMs);
    void evictLocked();
    void writeSpill(); // the writer, without the lock

    Options m_options;
    mutable QMutex m_mutex; // guards m_chunks, the counters and the spill file's entries
    std::deque<std::shared_ptr<LogChunk>> m_chunks;
    LogChunk* m_open = nullptr; // the last chunk (written by the writer without the lock)
    qint64 m_memory = 0;
    qint64 m_end = 0;
    qint64 m_dropped = 0;
    qint64 m_truncated = 0;
    QByteArray m_partial;
    // Spill.
    mutable QFile m_spill;
    std::vector<SpillEntry> m_spilled;
    // Chunks out of memory's count, not yet in the file: written by the writer outside the lock
    // (a disk can take long), read back from here meanwhile.
    std::deque<std::shared_ptr<LogChunk>> m_toSpill;
    qint64 m_spillBytes = 0;
    quint64 m_spillGeneration = 0; // counts the times the spill file started over
    QString m_spillError;
};

} // namespace aio
