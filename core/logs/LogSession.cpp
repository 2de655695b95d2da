#include "core/logs/LogSession.h"

#include "core/common/ThreadPriority.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QMetaObject>
#include <QPointer>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace aio {

namespace {

// The threads of all sessions, for waitForStopped().
std::mutex g_threadsMutex;
std::condition_variable g_threadsDone;
int g_threads = 0;

// Counted by the thread that starts it (so waitForStopped never misses one just started), and
// uncounted by the thread itself when it ends.
void countThread()
{
    std::lock_guard lock(g_threadsMutex);
    ++g_threads;
}

struct CountedThread
{
    ~CountedThread()
    {
        std::lock_guard lock(g_threadsMutex);
        if (--g_threads == 0)
            g_threadsDone.notify_all();
    }
};

constexpr std::chrono::milliseconds kMinUpdateInterval{50};
constexpr std::chrono::milliseconds kHistogramInterval{500};
constexpr qint64 kMinSourceBudget = 4LL * LogBuffer::kChunkBytes;
constexpr qint64 kSpillLimit = 1LL << 30; // a source's older lines on disk, at most

const bool kMetaTypesRegistered = [] {
    qRegisterMetaType<std::shared_ptr<const aio::LogViewUpdate>>();
    qRegisterMetaType<aio::LogSession::SourceStatus>();
    return true;
}();

} // namespace

struct LogSession::Shared
{
    // Where the buffers put the lines the budget lets go (owner-only; removed with the session).
    QTemporaryDir spillDir;
    std::shared_ptr<RemoteHost> host;
    std::vector<std::unique_ptr<LogBuffer>> buffers;
    std::vector<std::unique_ptr<LogStream>> streams;
    std::vector<LogFormat> formats;
    CancelToken cancel;

    std::mutex mutex; // guards what follows
    std::condition_variable wake;
    bool dirty = true; // lines arrived since the last update
    bool inFlight = false; // an update is on its way to the receiver
    bool paused = false;
    std::vector<LogSnapshot> lastShown; // what the last update's rows refer to
    std::optional<LogViewFilter> filter; // a new filter not yet given to the index
    bool searchChanged = false;
    std::shared_ptr<const LogMatcher> search;
    int histogramBars = 0;
    bool histogramWanted = false; // the bars changed: count again even without new rows
    CancelToken resetCancel; // cancels the reset under way
    qint64 olderWanted = 0; // loadOlder(): lines a source to read back
    bool forgetOlderWanted = false;
    std::vector<qint64> loadedLines; // older lines read back, a source (for counts)

    // The indexer's own (no lock): the older lines read back, a source, which end where its
    // buffer's memory begins, and how many of them the admin asked for (they stay that many: as
    // more lines leave memory, they are read back too and the oldest read back are let go).
    std::vector<LogSnapshot> older;
    std::vector<qint64> olderCap;

    // Under the lock: what each buffer holds now.
    std::vector<LogSnapshot> bufferSnapshots() const
    {
        std::vector<LogSnapshot> snaps;
        snaps.reserve(buffers.size());
        for (const auto& b : buffers)
            snaps.push_back(b->snapshot());
        return snaps;
    }
    // Without the lock (it reads the disk): the older lines joined before the buffers' lines.
    std::vector<LogSnapshot> withOlder(std::vector<LogSnapshot> live)
    {
        bool changed = false;
        for (size_t i = 0; i < live.size() && i < older.size(); ++i) {
            if (older[i].isEmpty())
                continue;
            if (older[i].endLine() < live[i].firstLine()) {
                // More lines left memory since: they are read back too, to keep one run.
                Result<LogSnapshot> gap = buffers[i]->loadSpilled(older[i].endLine(), live[i].firstLine());
                older[i] = gap ? LogSnapshot::joined(older[i], *gap) : LogSnapshot();
                if (older[i].size() > olderCap[i])
                    older[i] = older[i].from(older[i].endLine() - olderCap[i]);
                changed = true;
            }
            live[i] = LogSnapshot::joined(older[i], live[i]);
        }
        if (changed)
            countOlder();
        return live;
    }
    void countOlder()
    {
        std::lock_guard lock(mutex);
        loadedLines.assign(buffers.size(), 0);
        for (size_t i = 0; i < older.size() && i < buffers.size(); ++i)
            loadedLines[i] = older[i].size();
    }
    // Under the lock (the indexer's own lists, and the counts).
    void dropOlderLocked()
    {
        older.clear();
        olderCap.clear();
        loadedLines.clear();
    }
    // Reads up to n older lines of each source back: the count read, or why not. Lines that are
    // no longer on disk (the spill file started over meanwhile) are not an error: there is less.
    Result<qint64> readOlder(qint64 n)
    {
        older.resize(buffers.size());
        olderCap.resize(buffers.size());
        qint64 read = 0;
        std::optional<Error> failed;
        for (size_t i = 0; i < buffers.size(); ++i) {
            const LogBuffer& b = *buffers[i];
            const qint64 first = older[i].isEmpty() ? b.firstLine() : older[i].firstLine();
            const qint64 from = std::max(b.firstSpilledLine(), first - n);
            if (from >= first)
                continue;
            Result<LogSnapshot> batch = b.loadSpilled(from, first);
            if (!batch) {
                if (batch.error().kind != ErrorKind::NotFound && !failed)
                    failed = batch.error();
                continue;
            }
            older[i] = older[i].isEmpty() ? *batch : LogSnapshot::joined(*batch, older[i]);
            olderCap[i] = older[i].size();
            read += first - from;
        }
        countOlder();
        if (failed)
            return *failed;
        return read;
    }
    void notify()
    {
        {
            std::lock_guard lock(mutex);
            dirty = true;
        }
        wake.notify_all();
    }
};

LogSession::LogSession(std::shared_ptr<RemoteHost> host, QList<LogSourceSpec> sources, Options options, QObject* parent)
    : QObject(parent)
    , m_sources(std::move(sources))
    , m_options(std::move(options))
    , m_shared(std::make_shared<Shared>())
{
    Q_UNUSED(kMetaTypesRegistered);
    if (m_sources.size() > LogRow::kMaxSources)
        m_sources.resize(LogRow::kMaxSources);
    m_shared->host = std::move(host);
    const qint64 budget
        = std::max(kMinSourceBudget, m_options.budgetBytes / std::max<qint64>(1, qint64(m_sources.size())));
    for (const LogSourceSpec& spec : std::as_const(m_sources)) {
        LogBuffer::Options o;
        o.budgetBytes = budget;
        o.format = spec.format;
        if (m_shared->spillDir.isValid()) {
            o.spillPath = m_shared->spillDir.filePath(QStringLiteral("source-%1.spill").arg(m_shared->buffers.size()));
            o.spillLimitBytes = kSpillLimit;
        }
        m_shared->buffers.push_back(std::make_unique<LogBuffer>(o));
        m_shared->streams.push_back(std::make_unique<LogStream>(spec, *m_shared->host, *m_shared->buffers.back()));
        m_shared->formats.push_back(spec.format);
    }
    m_status.resize(size_t(m_sources.size()));
}

LogSession::~LogSession()
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->resetCancel.cancel(); // a long reset stops too
    }
    m_shared->cancel.cancel();
}

void LogSession::start()
{
    if (m_started)
        return;
    m_started = true;
    const std::shared_ptr<Shared> shared = m_shared;
    QPointer<LogSession> guard(this);
    // Posts from the worker threads: QPointer is copied there but only read on the GUI thread.
    auto poster = [guard](std::function<void(LogSession*)> fn) {
        QCoreApplication* app = QCoreApplication::instance();
        if (!app)
            return;
        QMetaObject::invokeMethod(
            app,
            [guard, fn = std::move(fn)] {
                if (guard)
                    fn(guard.data());
            },
            Qt::QueuedConnection);
    };
    auto setStatus = [poster](int source, SourceStatus status) {
        poster([source, status](LogSession* s) {
            s->m_status[size_t(source)] = status;
            emit s->sourceStatusChanged(source, status);
        });
    };
    for (int i = 0; i < int(m_sources.size()); ++i) {
        countThread();
        std::thread([shared, i, setStatus, start = m_options.start] {
            CountedThread counted;
            lowerThisThreadsPriority();
            LogStream& stream = *shared->streams[size_t(i)];
            stream.setLinesSink([s = shared.get()](qint64, qint64) { s->notify(); });
            const Status status = stream.run(start, shared->cancel, [&](const LogStream::Event& e) {
                using K = LogStream::Event::Kind;
                if (e.kind == K::Connected)
                    setStatus(i, SourceStatus{SourceStatus::State::Live, {}});
                else if (e.kind == K::Reconnecting)
                    setStatus(i, SourceStatus{SourceStatus::State::Reconnecting, e.message});
            });
            shared->buffers[size_t(i)]->flushPartial(QDateTime::currentMSecsSinceEpoch());
            shared->notify();
            if (shared->cancel.isCancelled())
                return;
            if (status)
                setStatus(i, SourceStatus{SourceStatus::State::Ended, {}});
            else
                setStatus(i, SourceStatus{SourceStatus::State::Failed, status.error().toString()});
        }).detach();
    }
    countThread();
    std::thread([shared, poster] {
        CountedThread counted;
        lowerThisThreadsPriority();
        LogViewIndex index(shared->formats);
        const CancelToken::Subscription wakeOnCancel = shared->cancel.onCancel([s = shared.get()] {
            std::lock_guard lock(s->mutex);
            s->wake.notify_all();
        });
        auto lastHistogram = std::chrono::steady_clock::now() - std::chrono::hours(1);
        bool histogramStale = false; // rows changed since the last count, which was too recent
        for (;;) {
            std::vector<LogSnapshot> snaps;
            CancelToken resetCancel;
            qint64 olderWanted = 0;
            bool joinOlder = false;
            int bars = 0;
            bool histogramWanted = false;
            {
                std::unique_lock lock(shared->mutex);
                auto ready = [&] {
                    return shared->cancel.isCancelled()
                        || (!shared->inFlight
                            && (shared->filter || shared->searchChanged || shared->histogramWanted
                                || shared->olderWanted > 0 || shared->forgetOlderWanted
                                || (shared->dirty && !shared->paused)));
                };
                // The last rows are counted once the interval is over, even if no more come.
                if (histogramStale && !shared->wake.wait_until(lock, lastHistogram + kHistogramInterval, ready))
                    shared->histogramWanted = true;
                shared->wake.wait(lock, ready);
                if (shared->cancel.isCancelled())
                    return;
                olderWanted = std::exchange(shared->olderWanted, 0);
                bool forgot = std::exchange(shared->forgetOlderWanted, false);
                if (forgot) {
                    shared->dropOlderLocked();
                    index.requestReset();
                }
                if (shared->filter) {
                    index.setFilter(std::move(*shared->filter));
                    shared->filter.reset();
                }
                if (shared->searchChanged) {
                    index.setSearch(shared->search);
                    shared->searchChanged = false;
                }
                if (olderWanted > 0) {
                    // Read from disk with the lock let go; the rows are read again after.
                    lock.unlock();
                    const Result<qint64> read = shared->readOlder(olderWanted);
                    lock.lock();
                    if (std::exchange(shared->forgetOlderWanted, false)) {
                        // Stopped while it read: the lines go again, and nothing is said.
                        shared->dropOlderLocked();
                        forgot = true;
                    } else {
                        poster([read](LogSession* s) {
                            emit s->olderLoaded(read ? *read : 0, read ? QString() : read.error().toString());
                        });
                    }
                    index.requestReset();
                }
                joinOlder = !shared->paused || olderWanted > 0 || forgot;
                if (joinOlder) {
                    shared->dirty = false;
                    snaps = shared->bufferSnapshots();
                } else {
                    snaps = shared->lastShown;
                }
                shared->resetCancel = CancelToken();
                resetCancel = shared->resetCancel;
                bars = shared->histogramBars;
                histogramWanted = std::exchange(shared->histogramWanted, false);
            }
            if (joinOlder)
                snaps = shared->withOlder(std::move(snaps)); // may read the disk: without the lock
            qint64 lastProgress = -1;
            LogViewDelta delta = index.update(snaps, resetCancel, [&](qint64 done, qint64 total) {
                if (done == lastProgress)
                    return;
                lastProgress = done;
                poster([done, total](LogSession* s) { emit s->progress(done, total); });
            });
            // The histogram: counted here from the index's rows, never on the GUI thread.
            std::optional<LogTimeBins> histogram;
            const auto now = std::chrono::steady_clock::now();
            if (bars > 0
                && (histogramWanted || delta.reset
                    || (!delta.isEmpty() && now - lastHistogram >= kHistogramInterval))) {
                histogram = LogTimeBins::count(index.rows(), bars);
                lastHistogram = now;
                histogramStale = false;
            } else if (bars > 0 && !delta.isEmpty()) {
                histogramStale = true;
            }
            if (resetCancel.isCancelled()) {
                // A newer filter or search came: the next turn reads everything again.
                std::lock_guard lock(shared->mutex);
                shared->histogramWanted = shared->histogramWanted || bool(histogram);
                continue;
            }
            if (delta.isEmpty() && !histogram) {
                // Nothing shown changed (the new lines were filtered out).
                std::lock_guard lock(shared->mutex);
                shared->lastShown = snaps;
                continue;
            }
            {
                std::lock_guard lock(shared->mutex);
                shared->inFlight = true;
                shared->lastShown = snaps;
            }
            auto update = std::make_shared<LogViewUpdate>();
            update->delta = std::move(delta);
            update->snapshots = std::move(snaps);
            update->histogram = std::move(histogram);
            poster([update, s = shared.get()](LogSession* session) {
                emit session->updated(update);
                {
                    std::lock_guard lock(s->mutex);
                    s->inFlight = false;
                }
                s->wake.notify_all();
            });
            // At most 20 updates a second: lines that come meanwhile make one update.
            if (shared->cancel.waitFor(kMinUpdateInterval))
                return;
        }
    }).detach();
}

LogSession::SourceStatus LogSession::status(int source) const
{
    return source >= 0 && size_t(source) < m_status.size() ? m_status[size_t(source)] : SourceStatus{};
}

LogSession::Counts LogSession::counts(int source) const
{
    Counts c;
    if (source < 0 || size_t(source) >= m_shared->buffers.size())
        return c;
    const LogBuffer& b = *m_shared->buffers[size_t(source)];
    c.lines = b.endLine() - b.firstLine();
    c.dropped = b.droppedLines();
    c.truncated = b.truncatedLines();
    c.memoryBytes = b.memoryBytes();
    {
        std::lock_guard lock(m_shared->mutex);
        c.loaded = size_t(source) < m_shared->loadedLines.size() ? m_shared->loadedLines[size_t(source)] : 0;
    }
    c.onDisk = std::max<qint64>(0, b.firstLine() - b.firstSpilledLine() - c.loaded);
    return c;
}

void LogSession::setFilter(const LogViewFilter& filter)
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->filter = filter;
        m_shared->resetCancel.cancel();
    }
    m_shared->wake.notify_all();
}

void LogSession::setSearch(std::shared_ptr<const LogMatcher> search)
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->search = std::move(search);
        m_shared->searchChanged = true;
        m_shared->resetCancel.cancel();
    }
    m_shared->wake.notify_all();
}

void LogSession::setHistogramBars(int bars)
{
    {
        std::lock_guard lock(m_shared->mutex);
        if (bars == m_shared->histogramBars)
            return;
        m_shared->histogramBars = std::max(0, bars);
        m_shared->histogramWanted = bars > 0;
    }
    m_shared->wake.notify_all();
}

void LogSession::loadOlder(qint64 lines)
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->olderWanted = std::max<qint64>(1, lines);
        m_shared->resetCancel.cancel();
    }
    m_shared->wake.notify_all();
}

void LogSession::forgetOlder()
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->olderWanted = 0;
        m_shared->forgetOlderWanted = true;
        m_shared->resetCancel.cancel();
    }
    m_shared->wake.notify_all();
}

void LogSession::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->paused = paused;
        if (!paused)
            m_shared->dirty = true;
    }
    m_shared->wake.notify_all();
}

bool LogSession::waitForStopped(int timeoutMs)
{
    std::unique_lock lock(g_threadsMutex);
    return g_threadsDone.wait_for(lock, std::chrono::milliseconds(timeoutMs), [] { return g_threads == 0; });
}

} // namespace aio
