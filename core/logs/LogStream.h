#pragma once

// Follows one log of a VM over SSH into a LogBuffer, and after a dropped connection resumes where
// it was, without a gap or a duplicate:
//  - a container's output: `docker logs --timestamps --follow`; a resume asks for the lines since
//    the newest timestamp seen and skips the ones already kept (timestamps are nanoseconds);
//  - a file (nginx's access and error logs, or a file inside the container through docker exec):
//    a small script of ours reads it by inode and byte offset. Each chunk it sends ends with a
//    marker that carries the exact offset (with a per-run random tag, so no log line can forge
//    one), and only lines a marker confirmed are kept: a cut connection loses nothing and repeats
//    nothing. Rotation (mv + reopen, or copytruncate) is followed: the old file is read to its
//    end once the writer has moved on to the new one.
// `tail -F` is not used: it loses the lines written to a renamed file before the new one appears.

#include "core/common/CancelToken.h"
#include "core/common/Result.h"
#include "core/logs/LogBuffer.h"
#include "core/ssh/RemoteHost.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace aio {

struct LogSourceSpec
{
    enum class Kind : quint8 { Container, File };
    Kind kind = Kind::Container;
    QString id; // "container", "proxy-access", "proxy-error", …
    QString container; // Container: whose output; File: read inside this container when set
    QString path; // File: an absolute path
    bool sudo = false; // run as root (nginx's logs; docker without the docker group)
    LogFormat format = LogFormat::Plain;

    // Checked: a container name docker accepts, an absolute path without control characters.
    static Result<LogSourceSpec> containerOutput(const QString& container, bool sudo);
    static Result<LogSourceSpec> file(const QString& id, const QString& path, LogFormat format, bool sudo,
                                      const QString& insideContainer = {});
};

// Where a stream has got to.
struct LogPosition
{
    // Container: the newest timestamp kept (ns since the epoch) and how many kept lines carry it.
    qint64 lastNs = 0;
    int atLast = 0;
    // File: the inode being read and the offset of the first byte not yet kept.
    QByteArray inode;
    qint64 offset = -1;
    bool started() const { return lastNs != 0 || offset >= 0; }
};

struct LogStartOptions
{
    int tailLines = 1000; // the first connection starts this many lines back; < 0: from the start
    std::optional<qint64> sinceMs; // or from this time (a container's output; files start at tailLines)
    bool follow = true;
};

class LogStream
{
    Q_DECLARE_TR_FUNCTIONS(aio::LogStream)

public:
    struct Event
    {
        // Connected: reading (a file: once the reader knows where it starts, so lines written
        // after it are all read).
        enum class Kind { Connected, Reconnecting, Rotated, Ended };
        Kind kind;
        QString message;
        int attempt = 0;
    };
    using EventSink = std::function<void(const Event&)>;

    static constexpr int kMaxReconnects = 30;

    LogStream(LogSourceSpec spec, RemoteHost& host, LogBuffer& buffer);

    // Blocking (a worker thread). Streams until cancelled, until the end when not following, or
    // until a failure that retrying cannot mend (the file or container does not exist, no
    // permission). A dropped connection is retried with a growing wait (0.5 s up to 15 s, at most
    // kMaxReconnects times in a row), said through events.
    Status run(const LogStartOptions& options, const CancelToken& cancel, const EventSink& events = {});

    // Called after lines were added to the buffer (from the session's worker thread for a
    // container, from the stream's own appender thread for a file): the new ones are [from, to).
    // For whoever prints or shows them as they come.
    using LinesSink = std::function<void(qint64 from, qint64 to)>;
    void setLinesSink(LinesSink sink) { m_onLines = std::move(sink); }

    const LogPosition& position() const { return m_position; }
    const LogSourceSpec& spec() const { return m_spec; }
    // The script a file source runs (for tests of its quoting, and for the preview of what runs).
    static QString fileScript(const LogSourceSpec& spec, const LogPosition& from, const LogStartOptions& options,
                              const QByteArray& tag);

private:
    Result<CommandOutcome> runOnce(const LogStartOptions& options, const CancelToken& cancel, const EventSink& events);
    void onContainerLine(const QByteArray& line);
    // A file run's stdout, in pieces of whole lines (RemoteCommand::stdoutInChunks).
    void onFilePiece(const QByteArray& piece, const EventSink& events);
    void onMarker(QByteArrayView marker, const QByteArray& before, const EventSink& events);
    void addPending(const QByteArray& piece, qsizetype from, qsizetype size);
    void clearPending();
    void stopReaderInContainer(const QByteArray& tag, const CancelToken& cancel);
    class Appender;

    LogSourceSpec m_spec;
    RemoteHost& m_host;
    LogBuffer& m_buffer;
    LogPosition m_position;
    LinesSink m_onLines;
    // A file run's state between markers.
    QByteArray m_tag;
    QByteArray m_marker; // "\036" + tag + " "
    // Lines not yet confirmed by a marker, each with its '\n': ranges of the pieces they came in,
    // in order. The pieces are shared, not copied: a copy would also need fresh memory, and fresh
    // memory costs a page fault every 4 KiB, more than the copy itself.
    struct Span
    {
        QByteArray owner;
        qsizetype from = 0;
        qsizetype size = 0;
    };
    std::vector<Span> m_pending;
    qsizetype m_pendingBytes = 0;
    QByteArray m_partial; // the start of a line a marker cut
    Appender* m_appender = nullptr; // while run() runs
    QString m_connectedMessage; // the Connected event of this run, said once it reads
    QList<QByteArray> m_strayTags; // readers of runs the connection cut, left in the container
    bool m_saidConnected = false;
    QList<QByteArray> m_unstamped; // a container run's lines without a timestamp (docker's own errors)
    qint64 m_skipBefore = 0; // a resumed container run: skip lines older than this (ns)
    int m_skipAtLast = 0; // … and this many carrying exactly m_skipBefore
};

} // namespace aio
