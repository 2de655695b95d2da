#pragma once

// The logs of one target as a viewer shows them: each source is read into a LogBuffer of its own
// by a LogStream on a thread of its own (reconnecting after drops), and one LogViewIndex merges
// and filters their lines on a worker thread. What changed reaches the receiver (the GUI) as a
// LogViewUpdate at most 20 times a second, and the next one waits until the receiver's event loop
// has delivered the last, so a busy receiver gets fewer, larger updates rather than a queue.
//
// Destroying a session never waits: its threads are cancelled and end on their own, keeping what
// they use alive; main() waits a moment for them at exit (waitForStopped).

#include "core/logs/LogStream.h"
#include "core/logs/LogViewIndex.h"
#include "core/ssh/RemoteHost.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>
#include <vector>

namespace aio {

// One update: what changed and the snapshots the rows refer to (the rows' lines are read from
// them, so they stay in memory while the receiver holds the update).
struct LogViewUpdate
{
    LogViewDelta delta;
    std::vector<LogSnapshot> snapshots;
    // The rows counted over time, when the histogram is shown (setHistogramBars): after a reset,
    // when the bars change, and at most twice a second while rows come.
    std::optional<LogTimeBins> histogram;
};

class LogSession : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        // Memory for all sources together, shared out evenly.
        qint64 budgetBytes = LogBuffer::kDefaultBudget;
        LogStartOptions start;
    };
    struct SourceStatus
    {
        enum class State { Connecting, Live, Reconnecting, Ended, Failed };
        State state = State::Connecting;
        QString message; // why it reconnects or failed; empty otherwise
    };
    struct Counts
    {
        qint64 lines = 0; // kept in memory now
        qint64 dropped = 0; // let go for the budget and not kept on disk: gone
        qint64 onDisk = 0; // let go for the budget, kept in the session's spill file: loadOlder()
        qint64 loaded = 0; // older lines read back from it and shown
        qint64 truncated = 0;
        qint64 memoryBytes = 0;
    };

    LogSession(std::shared_ptr<RemoteHost> host, QList<LogSourceSpec> sources, Options options,
               QObject* parent = nullptr);
    ~LogSession() override;

    // Starts reading every source. Once.
    void start();
    const QList<LogSourceSpec>& sources() const { return m_sources; }
    SourceStatus status(int source) const;
    Counts counts(int source) const;

    // Both make the next update a reset (read again from every source's lines in memory; a reset
    // under way is cancelled).
    void setFilter(const LogViewFilter& filter);
    void setSearch(std::shared_ptr<const LogMatcher> search);
    // How many bars the histogram has room for (0: none is shown); its counts come with the updates.
    void setHistogramBars(int bars);
    // Reads up to `lines` older lines of each source back from the spill files (where the budget
    // put them) and shows them before the others: the next update is a reset. olderLoaded says
    // how it went.
    static constexpr qint64 kOlderBatch = 1'000'000;
    void loadOlder(qint64 lines = kOlderBatch);
    // Lets the older lines read back go again (the rows start where memory does).
    void forgetOlder();
    // Paused, the rows stop changing (the lines shown are held in memory); sources go on reading.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    // Waits until the threads of every destroyed session have ended, at most timeoutMs; true
    // when none is left. For exit.
    static bool waitForStopped(int timeoutMs);

signals:
    void updated(std::shared_ptr<const aio::LogViewUpdate> update);
    void sourceStatusChanged(int source, const aio::LogSession::SourceStatus& status);
    // While a reset reads many lines (a new filter or search over millions).
    void progress(qint64 done, qint64 total);
    // After loadOlder(): how many lines were read back, or why they could not be.
    void olderLoaded(qint64 lines, const QString& error);

private:
    struct Shared;

    QList<LogSourceSpec> m_sources;
    Options m_options;
    std::shared_ptr<Shared> m_shared;
    std::vector<SourceStatus> m_status;
    bool m_started = false;
    bool m_paused = false;
};

} // namespace aio

Q_DECLARE_METATYPE(std::shared_ptr<const aio::LogViewUpdate>)
Q_DECLARE_METATYPE(aio::LogSession::SourceStatus)
