#include "core/logs/LogStream.h"

#include "core/common/ShellQuote.h"
#include "core/common/ThreadPriority.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <QScopeGuard>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

namespace aio {

namespace {

constexpr char kMarkerStart = '\x1e';
constexpr int kExitMissing = 3; // the file script's exit codes
constexpr int kExitUnreadable = 4;

QString rfc3339Nano(qint64 ns)
{
    const qint64 seconds = ns >= 0 ? ns / 1'000'000'000 : (ns - 999'999'999) / 1'000'000'000;
    const qint64 rest = ns - seconds * 1'000'000'000;
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
        + QStringLiteral(".%1Z").arg(rest, 9, 10, QLatin1Char('0'));
}

bool retryable(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::ConnectionLost:
    case ErrorKind::Timeout:
    case ErrorKind::HostUnreachable:
    case ErrorKind::ConnectionRefused:
    case ErrorKind::Io:
        return true;
    default:
        return false;
    }
}

} // namespace

Result<LogSourceSpec> LogSourceSpec::containerOutput(const QString& container, bool sudo)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"));
    if (!name.match(container).hasMatch())
        return Error(ErrorKind::InvalidInput, LogStream::tr("\"%1\" is not a container name.").arg(container), {},
                     LogStream::tr("Use the name docker ps shows (letters, digits, _ . -)."));
    LogSourceSpec s;
    s.kind = Kind::Container;
    s.id = QStringLiteral("container");
    s.container = container;
    s.sudo = sudo;
    s.format = LogFormat::DockerTimestamped;
    return s;
}

Result<LogSourceSpec> LogSourceSpec::file(const QString& id, const QString& path, LogFormat format, bool sudo,
                                          const QString& insideContainer)
{
    static const QRegularExpression control(QStringLiteral("[\\x00-\\x1f\\x7f]"));
    if (!path.startsWith(QLatin1Char('/')) || path.contains(control) || path.endsWith(QLatin1Char('/')))
        return Error(ErrorKind::InvalidInput, LogStream::tr("\"%1\" is not an absolute file path.").arg(path));
    if (!insideContainer.isEmpty() && !containerOutput(insideContainer, sudo).ok())
        return containerOutput(insideContainer, sudo).error();
    LogSourceSpec s;
    s.kind = Kind::File;
    s.id = id;
    s.path = path;
    s.container = insideContainer;
    s.sudo = sudo;
    s.format = format;
    return s;
}

LogStream::LogStream(LogSourceSpec spec, RemoteHost& host, LogBuffer& buffer)
    : m_spec(std::move(spec))
    , m_host(host)
    , m_buffer(buffer)
{ }

QString LogStream::fileScript(const LogSourceSpec& spec, const LogPosition& from, const LogStartOptions& options,
                              const QByteArray& tag)
{
    // Markers: "\036TAG file INODE OFFSET" (reading this inode from OFFSET on), "\036TAG at INODE
    // OFFSET" (what came before was the file up to OFFSET). Each chunk is at most 32 MiB: starting
    // the processes of a chunk costs about 15 ms on a small VM, so a log read from its start moves
    // at about 190 MB/s in 4 MiB chunks and 650 MB/s in 32 MiB ones (cat: 1.4 GB/s).
    QString s
        = QStringLiteral("f=%1; ino=%2; off=%3; back=%4; follow=%5; M=\"$(printf '\\036')\"%6\n")
              .arg(shellQuote(spec.path), shellQuote(QString::fromLatin1(from.inode)),
                   QString::number(std::max<qint64>(from.offset, 0)), QString::number(options.tailLines),
                   options.follow ? QStringLiteral("1") : QStringLiteral("0"), shellQuote(QString::fromLatin1(tag)));
    // readfrom FILE: the bytes of inode $ino from $off on, through a descriptor opened
    // once, so a rename between looking and reading cannot make it read another file or nothing.
    // (at most 32 MiB a chunk)
    s += QStringLiteral(R"SH(mark() { printf '%s %s %s %s\n' "$M" "$1" "$2" "$3"; }
readfrom() {
  { command exec 3<"$1"; } 2>/dev/null || return 1
  st=$(stat -Lc '%i %s' /dev/fd/3); size=${st#* }
  if [ "${st% *}" != "$ino" ]; then command exec 3<&-; return 1; fi
  if [ "$size" -lt "$off" ]; then off=0; mark file "$ino" 0; fi
  if [ "$size" -le "$off" ]; then command exec 3<&-; return 1; fi
  n=$((size - off)); [ "$n" -gt 33554432 ] && n=33554432
  dd bs=1048576 iflag=skip_bytes,count_bytes skip="$off" count="$n" status=none <&3; off=$((off + n)); mark at "$ino" "$off"
  command exec 3<&-
}
dir=$(dirname -- "$f")
if [ -z "$ino" ]; then
  [ -e "$f" ] || { echo "$f does not exist" >&2; exit 3; }
  [ -r "$f" ] || { echo "$f cannot be read (permission denied)" >&2; exit 4; }
  ino=$(stat -Lc %i -- "$f"); size=$(stat -Lc %s -- "$f")
  if [ "$back" -ge 0 ]; then off=$((size - $(head -c "$size" -- "$f" | tail -n "$back" | wc -c))); else off=0; fi
fi
mark file "$ino" "$off"
idle=0
while :; do
  readfrom "$f" && { idle=0; continue; }
  cur=$(stat -Lc %i -- "$f" 2>/dev/null)
  if [ "$cur" != "$ino" ]; then
    old=$(find "$dir" -maxdepth 1 -inum "$ino" 2>/dev/null | head -n 1)
    [ -n "$old" ] && readfrom "$old" && continue
    newsize=0; [ -n "$cur" ] && newsize=$(stat -Lc %s -- "$f" 2>/dev/null || echo 0)
    # The writer is still on the renamed file until the new one gets data: then the old one is
    # read to its end, and the new one from its start.
    if [ -n "$cur" ] && { [ -z "$old" ] || [ "$newsize" -gt 0 ]; }; then
      if [ -n "$old" ]; then while readfrom "$old"; do :; done; fi
      ino=$cur; off=0; mark file "$ino" 0; continue
    fi
  fi
  [ "$follow" = 1 ] || exit 0
  # Every 5 s without news, a line that nobody needs: if the reader went away (the connection
  # dropped), writing it ends this script instead of leaving it polling a file forever.
  idle=$((idle + 1)); if [ "$idle" -ge 20 ]; then mark alive "$ino" "$off" || exit 0; idle=0; fi
  sleep 0.25
done
)SH");
    return s;
}

Result<CommandOutcome> LogStream::runOnce(const LogStartOptions& options, const CancelToken& cancel,
                                          const EventSink& events)
{
    for (const QByteArray& stray : std::exchange(m_strayTags, {}))
        stopReaderInContainer(stray, cancel);
    RemoteCommand c;
    c.keepOutput = false;
    c.timeoutMs = options.follow ? 0 : 600'000;
    c.sudo = m_spec.sudo;
    LineSink sink;
    if (m_spec.kind == LogSourceSpec::Kind::Container) {
        QStringList args{QStringLiteral("docker"), QStringLiteral("logs"), QStringLiteral("--timestamps")};
        if (options.follow)
            args << QStringLiteral("--follow");
        m_skipBefore = 0;
        m_skipAtLast = 0;
        if (m_position.lastNs != 0) {
            args << QStringLiteral("--since") << rfc3339Nano(m_position.lastNs);
            m_skipBefore = m_position.lastNs;
            m_skipAtLast = m_position.atLast;
        } else if (options.sinceMs) {
            args << QStringLiteral("--since") << rfc3339Nano(*options.sinceMs * 1'000'000);
        } else if (options.tailLines >= 0) {
            args << QStringLiteral("--tail") << QString::number(options.tailLines);
        }
        args << m_spec.container;
        // One stream, in docker's own order: the container's stdout and stderr both carry a timestamp.
        c.script = shellJoin(args) + QStringLiteral(" 2>&1");
        m_unstamped.clear();
        sink = [this](OutputChannel, const QByteArray& line) {
            onContainerLine(line);
        };
    } else {
        quint64 r[2];
        QRandomGenerator::system()->fillRange(r);
        m_tag = QByteArray::number(r[0], 36) + QByteArray::number(r[1], 36);
        m_marker = QByteArray(1, kMarkerStart) + m_tag + ' ';
        clearPending();
        const QString script = fileScript(m_spec, m_position, options, m_tag);
        if (m_spec.container.isEmpty())
            c.script = script;
        else
            c.argv = QStringList{QStringLiteral("docker"), QStringLiteral("exec"), m_spec.container,
                                 QStringLiteral("sh"),     QStringLiteral("-c"),   script};
        // Pieces of whole lines, not a call a line: markers are found with one memchr a piece.
        c.stdoutInChunks = true;
        sink = [this, &events](OutputChannel channel, const QByteArray& piece) {
            if (channel == OutputChannel::Stdout)
                onFilePiece(piece, events);
        };
    }
    return m_host.run(c, sink, cancel);
}

void LogStream::onContainerLine(const QByteArray& line)
{
    QByteArrayView rest(line);
    const std::optional<qint64> ns = parseIsoTimeNs(rest);
    if (!ns) {
        if (m_unstamped.size() < 50)
            m_unstamped << line; // docker's own messages ("No such container")
        return;
    }
    if (m_skipBefore != 0) {
        if (*ns < m_skipBefore)
            return;
        if (*ns == m_skipBefore && m_skipAtLast > 0) {
            --m_skipAtLast;
            return;
        }
        m_skipBefore = 0;
    }
    if (*ns == m_position.lastNs) {
        ++m_position.atLast;
    } else {
        m_position.lastNs = *ns;
        m_position.atLast = 1;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_buffer.appendLine(line, lineFacts(LogFormat::DockerTimestamped, line), now);
    if (m_onLines)
        m_onLines(m_buffer.endLine() - 1, m_buffer.endLine());
}

// Appends a file source's confirmed bytes to the buffer on a thread of its own: the session's
// worker thread only decrypts and finds the markers while the lines are split and parsed here.
class LogStream::Appender
{
public:
    static constexpr qsizetype kMaxQueued = 64 * 1024 * 1024;

    Appender(LogBuffer& buffer, const LinesSink& onLines)
        : m_buffer(buffer)
        , m_onLines(onLines)
        , m_thread([this] {
            lowerThisThreadsPriority();
            loop();
        })
    { }
    ~Appender()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    // Blocks while kMaxQueued bytes wait, that is when parsing is far behind the network. It is
    // called from the session's worker thread, so that holds back every channel of the connection.
    void push(std::vector<Span> spans, qsizetype bytes)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_queued < kMaxQueued; });
        m_queued += bytes;
        m_queue.push_back(Batch{std::move(spans), bytes});
        m_changed.notify_all();
    }
    // Until everything pushed is in the buffer.
    void drain()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_queue.empty() && !m_busy; });
    }

private:
    void loop()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_changed.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty())
                return; // stopped, and nothing left
            Batch batch = std::move(m_queue.front());
            m_queue.pop_front();
            m_busy = true;
            lock.unlock();
            const qint64 from = m_buffer.endLine();
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (const Span& span : batch.spans)
                m_buffer.appendBytes(QByteArrayView(span.owner).sliced(span.from, span.size), now);
            batch.spans.clear(); // the pieces are freed here, not under the lock
            if (m_onLines && m_buffer.endLine() > from)
                m_onLines(from, m_buffer.endLine());
            lock.lock();
            m_busy = false;
            m_queued -= batch.bytes;
            m_changed.notify_all();
        }
    }

    LogBuffer& m_buffer;
    const LinesSink& m_onLines;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    struct Batch
    {
        std::vector<Span> spans;
        qsizetype bytes = 0;
    };
    std::deque<Batch> m_queue;
    qsizetype m_queued = 0;
    bool m_busy = false;
    bool m_stop = false;
    std::thread m_thread;
};

void LogStream::stopReaderInContainer(const QByteArray& tag, const CancelToken& cancel)
{
    // Stopping `docker exec` (the SSH command ends, or the connection drops) leaves the process it
    // started in the container running: this run's reader would follow the file forever. It is
    // found by its tag (in two halves here, so this script's own command line never matches).
    if (m_spec.kind != LogSourceSpec::Kind::File || m_spec.container.isEmpty() || tag.size() < 8)
        return;
    const QString a = QString::fromLatin1(tag.left(tag.size() / 2));
    const QString b = QString::fromLatin1(tag.mid(tag.size() / 2));
    RemoteCommand c = RemoteCommand::args(
        {QStringLiteral("docker"), QStringLiteral("exec"), m_spec.container, QStringLiteral("sh"), QStringLiteral("-c"),
         QStringLiteral("a=%1; b=%2; for p in /proc/[0-9]*; do "
                        "case \"$(tr '\\0' ' ' < \"$p/cmdline\" 2>/dev/null)\" in *\"$a$b\"*) "
                        "kill \"${p#/proc/}\" 2>/dev/null;; esac; done; exit 0")
             .arg(shellQuote(a), shellQuote(b))});
    c.sudo = m_spec.sudo;
    c.timeoutMs = 15'000;
    c.showOutput = false;
    (void)m_host.run(c, {}, cancel); // best effort, bounded
}

void LogStream::addPending(const QByteArray& piece, qsizetype from, qsizetype size)
{
    if (size <= 0)
        return;
    if (!m_partial.isEmpty()) {
        const qsizetype n = m_partial.size();
        m_pending.push_back(Span{std::exchange(m_partial, {}), 0, n});
        m_pendingBytes += n;
    }
    m_pending.push_back(Span{piece, from, size}); // shares the piece: no copy
    m_pendingBytes += size;
}

void LogStream::clearPending()
{
    m_pending.clear();
    m_pendingBytes = 0;
    m_partial.clear();
}

void LogStream::onFilePiece(const QByteArray& piece, const EventSink& events)
{
    const char* data = piece.constData();
    const qsizetype size = piece.size();
    qsizetype pos = 0;
    while (pos < size) {
        // The next marker: a control character log lines rarely hold, then this run's tag.
        qsizetype at = -1;
        for (qsizetype from = pos; from < size;) {
            const void* hit = std::memchr(data + from, kMarkerStart, size_t(size - from));
            if (!hit)
                break;
            const qsizetype i = static_cast<const char*>(hit) - data;
            if (QByteArrayView(data + i, size - i).startsWith(m_marker)) {
                at = i;
                break;
            }
            from = i + 1;
        }
        if (at < 0) {
            addPending(piece, pos, size - pos);
            return;
        }
        // The whole lines before the marker's line wait for it; data before the marker on its own
        // line is the start of a line the chunk cut.
        const void* lastEnd = at > pos ? memrchr(data + pos, '\n', size_t(at - pos)) : nullptr;
        const qsizetype lineStart = lastEnd ? static_cast<const char*>(lastEnd) - data + 1 : pos;
        addPending(piece, pos, lineStart - pos);
        const QByteArray before(data + lineStart, at - lineStart);
        const void* nl = std::memchr(data + at, '\n', size_t(size - at));
        if (!nl)
            return; // a marker the connection cut (every marker ends its line): not to be trusted
        const qsizetype end = static_cast<const char*>(nl) - data;
        onMarker(QByteArrayView(data + at + m_marker.size(), end - at - m_marker.size()), before, events);
        pos = end + 1;
    }
}

void LogStream::onMarker(QByteArrayView marker, const QByteArray& before, const EventSink& events)
{
    const QList<QByteArray> words = marker.toByteArray().split(' ');
    const QByteArray kind = words.value(0);
    const QByteArray inode = words.value(1);
    const qint64 offset = words.value(2).toLongLong();
    if (kind == "at") {
        // Whole lines: the buffer keeps no partial one. Split and parsed on the appender's thread.
        if (!m_pending.empty())
            m_appender->push(std::exchange(m_pending, {}), std::exchange(m_pendingBytes, 0));
        m_partial += before;
        m_position.inode = inode;
        m_position.offset = offset - m_partial.size();
    } else if (kind == "file") {
        if (!m_saidConnected && events) {
            m_saidConnected = true;
            events(Event{Event::Kind::Connected, m_connectedMessage, 0});
        }
        const bool rotated = !m_position.inode.isEmpty() && m_position.inode != inode;
        const bool truncated = m_position.inode == inode && offset == 0 && m_position.offset > 0;
        clearPending();
        m_position.inode = inode;
        m_position.offset = offset;
        if ((rotated || truncated) && events)
            events(Event{Event::Kind::Rotated,
                         rotated ? tr("%1 was rotated; following the new file.").arg(m_spec.path)
                                 : tr("%1 was truncated; reading it from the start.").arg(m_spec.path),
                         0});
    }
}

Status LogStream::run(const LogStartOptions& options, const CancelToken& cancel, const EventSink& events)
{
    Appender appender(m_buffer, m_onLines);
    m_appender = &appender;
    const auto done = qScopeGuard([this] { m_appender = nullptr; });
    int failures = 0;
    for (;;) {
        if (cancel.isCancelled())
            return Status();
        const bool resumed = m_position.started();
        const qint64 linesBefore = m_buffer.endLine();
        m_connectedMessage = resumed ? tr("Resumed.") : tr("Reading.");
        m_saidConnected = false;
        // A container's output is read from the moment docker runs; a file from its first marker,
        // once the reader knows where it starts.
        if (events && m_spec.kind == LogSourceSpec::Kind::Container) {
            m_saidConnected = true;
            events(Event{Event::Kind::Connected, m_connectedMessage, failures});
        }
        Result<CommandOutcome> r = runOnce(options, cancel, events);
        appender.drain(); // every confirmed line is in the buffer
        // The reader this run started in a container: stopped now when the connection is there
        // (also after a cancel: the tab was closed), else once the next run has reconnected.
        if (r.ok() || r.error().kind == ErrorKind::Cancelled)
            stopReaderInContainer(m_tag, CancelToken());
        else if (m_spec.kind == LogSourceSpec::Kind::File && !m_spec.container.isEmpty())
            m_strayTags << m_tag;
        if (cancel.isCancelled())
            return Status();
        QString why;
        if (r.ok()) {
            const int code = r->exitCode;
            if (code == 0) {
                if (m_spec.kind == LogSourceSpec::Kind::File && !m_partial.isEmpty()) {
                    // The file ends without a newline: its last line, as it is.
                    m_buffer.appendLine(std::exchange(m_partial, {}), QDateTime::currentMSecsSinceEpoch());
                    if (m_onLines)
                        m_onLines(m_buffer.endLine() - 1, m_buffer.endLine());
                }
                if (!options.follow) {
                    if (events)
                        events(Event{Event::Kind::Ended, tr("The end of the log."), 0});
                    return Status();
                }
                // A followed container's output ends when it stops; it may be restarted.
                why = m_spec.kind == LogSourceSpec::Kind::Container ? tr("the container stopped")
                                                                    : tr("the reader ended");
            } else {
                const QByteArray said = m_spec.kind == LogSourceSpec::Kind::Container ? m_unstamped.join('\n').trimmed()
                                                                                      : r->stderrData.trimmed();
                const QString text = QString::fromUtf8(said.left(500));
                if (m_spec.kind == LogSourceSpec::Kind::File && (code == kExitMissing || code == kExitUnreadable))
                    return Error(code == kExitMissing ? ErrorKind::NotFound : ErrorKind::PermissionDenied,
                                 tr("The log %1 on %2 cannot be read.").arg(m_spec.path, m_host.targetName()), text,
                                 code == kExitMissing ? tr("Check the path (nginx -T shows where nginx logs).")
                                                      : tr("Read it as root (the target's sudo setting)."));
                if (m_spec.kind == LogSourceSpec::Kind::Container
                    && (text.contains(QStringLiteral("No such container"), Qt::CaseInsensitive)
                        || text.contains(QStringLiteral("no container with name"), Qt::CaseInsensitive)))
                    return Error(ErrorKind::NotFound,
                                 tr("There is no container %1 on %2.").arg(m_spec.container, m_host.targetName()), text,
                                 tr("docker ps -a on the VM lists its containers."));
                if (code == 127)
                    return Error(ErrorKind::CommandNotFound, tr("%1 has no docker command.").arg(m_host.targetName()),
                                 text);
                if (!options.follow)
                    return Error(ErrorKind::Io,
                                 tr("Reading the log %1 on %2 failed.")
                                     .arg(m_spec.path.isEmpty() ? m_spec.container : m_spec.path, m_host.targetName()),
                                 text);
                why = text.isEmpty() ? tr("exit code %1").arg(code) : text;
            }
        } else {
            if (!retryable(r.error().kind))
                return r.error();
            why = r.error().message;
        }
        // What was cut off is read again on the next run: only confirmed lines were kept.
        clearPending();
        if (m_buffer.endLine() > linesBefore)
            failures = 0; // it worked for a while: a new drop starts the waits over
        ++failures;
        if (failures > kMaxReconnects)
            return Error(ErrorKind::ConnectionLost,
                         tr("Gave up following %1 on %2 after %3 attempts in a row.")
                             .arg(m_spec.path.isEmpty() ? m_spec.container : m_spec.path, m_host.targetName(),
                                  QString::number(kMaxReconnects)),
                         why);
        const int waitMs = std::min(15'000, 500 << std::min(failures - 1, 5));
        if (events)
            events(Event{Event::Kind::Reconnecting,
                         tr("Reconnecting in %1 s (%2).").arg(QString::number(waitMs / 1000.0), why), failures});
        if (cancel.waitFor(std::chrono::milliseconds(waitMs)))
            return Status();
    }
}

} // namespace aio
