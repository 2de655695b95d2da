#include "core/ssh/SshWorker.h"

#include "core/common/ThreadPriority.h"
#include "core/ssh/ChannelRelay.h"
#include "core/ssh/ExecOutput.h"
#include "core/ssh/SftpClient.h"
#include "core/ssh/SshConnection.h"
#include "core/ssh/SshLogging.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <list>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace aio {

namespace {

constexpr int kMaxChannels = 8; // OpenSSH's MaxSessions is 10; keep one spare for SFTP and one for kills

// Worker threads whose SshWorker is gone but which still tear their connection down.
struct Teardowns
{
    std::mutex mutex;
    std::condition_variable done;
    int running = 0;
};
Teardowns& teardowns()
{
    static Teardowns* t = new Teardowns; // never destroyed: threads may end after static destruction began
    return *t;
}

void wake(int fd)
{
    const uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(fd, &one, sizeof one);
}

} // namespace

// One command on its own channel.
struct ExecOp
{
    explicit ExecOp(SshWorker::ExecRequest r)
        : req(std::move(r))
        , output(ExecOutput::Options{req.pty, req.pidMarker, req.keepOutput, req.sink, req.stdoutInChunks})
    { }

    SshWorker::ExecRequest req;
    ExecOutput output;
    SshWorker::ExecResult result;
    std::promise<SshWorker::ExecResult> promise;
    ssh_channel channel = nullptr;
    ssh_channel_callbacks_struct callbacks{};
    CancelToken::Subscription onCancel; // wakes the loop
    qsizetype stdinPos = 0;
    bool stdinEofSent = false;
    bool eof = false;
    bool closed = false;
    bool haveExit = false;
    QDeadlineTimer deadline;
};

namespace {

int onChannelData(ssh_session, ssh_channel, void* data, uint32_t len, int isStderr, void* userdata)
{
    static_cast<ExecOp*>(userdata)->output.feed(static_cast<const char*>(data), qsizetype(len), isStderr != 0);
    return int(len);
}
void onChannelEof(ssh_session, ssh_channel, void* userdata)
{
    static_cast<ExecOp*>(userdata)->eof = true;
}
void onChannelClose(ssh_session, ssh_channel, void* userdata)
{
    static_cast<ExecOp*>(userdata)->closed = true;
}
void onExitStatus(ssh_session, ssh_channel, int status, void* userdata)
{
    auto* op = static_cast<ExecOp*>(userdata);
    op->result.exitStatus = status;
    op->haveExit = true;
}
void onExitSignal(ssh_session, ssh_channel, const char* signal, int, const char*, const char*, void* userdata)
{
    auto* op = static_cast<ExecOp*>(userdata);
    op->result.exitSignal = QString::fromUtf8(signal);
    op->haveExit = true;
}
int onFdEvent(socket_t, int, void*)
{
    return 0; // the loop services everything after ssh_event_dopoll returns
}

} // namespace

// A forwarded channel and the poll events its socket is registered for.
struct ForwardOp
{
    std::unique_ptr<ChannelRelay> relay;
    short registered = 0;
};

struct SshWorker::Impl
{
    SshSettings settings;
    SshCallbacks callbacks;

    std::mutex jobsMutex;
    std::deque<std::function<void()>> jobs;
    bool stop = false;
    int wakeFd = -1;

    // Owned by the worker thread.
    std::unique_ptr<SshConnection> conn;
    ssh_event event = nullptr;
    std::unique_ptr<SftpClient> sftp;
    std::list<std::shared_ptr<ExecOp>> active;
    std::deque<std::shared_ptr<ExecOp>> waiting;
    std::list<ForwardOp> forwards;
    QElapsedTimer sinceTraffic;

    mutable std::mutex stateMutex;
    HostKeyCheck lastCheck;
    bool connected = false;
    QString user;
    ForwardStats stats;

    ~Impl()
    {
        if (wakeFd >= 0)
            ::close(wakeFd);
    }

    void setConnected(bool on)
    {
        std::lock_guard lock(stateMutex);
        connected = on;
        if (conn) {
            lastCheck = conn->hostKeyCheck();
            user = conn->user();
        }
    }

    Status ensureConnected(const CancelToken& cancel)
    {
        if (conn && ssh_is_connected(conn->session()))
            return {};
        dropConnection(Error(ErrorKind::ConnectionLost, SshWorker::tr("The SSH connection was lost.")));
        auto opened = SshConnection::open(settings, callbacks, cancel, [this](const HostKeyCheck& c) {
            std::lock_guard lock(stateMutex);
            lastCheck = c; // hops first, then the target: the last one is what stopped us
        });
        if (!opened)
            return opened.error(); // keep what the host-key check saw, for the trust dialogs
        conn = std::move(*opened);
        event = ssh_event_new();
        ssh_event_add_session(event, conn->session());
        ssh_event_add_fd(event, wakeFd, POLLIN, onFdEvent, nullptr);
        sinceTraffic.start();
        setConnected(true);
        return {};
    }

    Result<int> openForward(const QString& host, quint16 port)
    {
        if (auto st = ensureConnected({}); !st)
            return st.error();
        auto opened = ChannelRelay::openDirectTcpip(conn->session(), host, port);
        if (!opened) {
            const Error& e = opened.error();
            if (e.kind == ErrorKind::Io)
                return Error(ErrorKind::Io, SshWorker::tr("Could not create a local socket pair."), e.detail);
            return Error(
                ErrorKind::ConnectionRefused,
                SshWorker::tr("The host could not open a connection to %1:%2 for the tunnel.").arg(host).arg(port),
                e.detail,
                SshWorker::tr("Check that something listens there on the host and that sshd allows TCP forwarding."));
        }
        forwards.push_back(ForwardOp{std::move(opened->relay), 0});
        // What arrived with the open confirmation (e.g. an SSH server's banner) is moved now.
        serviceForwards();
        return opened->callerFd;
    }

    void adoptForward(int fd, const QString& host, quint16 port, std::unique_ptr<ForwardFilter> filter,
                      QByteArray toRemote)
    {
        // No login here: a browser's connection must not start one (each noVNC retry would try a
        // refused password again, and a host that does not answer would hold every relay for a
        // connect timeout). The tunnel's own state machine reconnects; until then the client
        // gets the filter's answer at once.
        Status st;
        if (!conn || !ssh_is_connected(conn->session()))
            st = Error(ErrorKind::ConnectionLost,
                       SshWorker::tr("The SSH connection is down; the tunnel is reconnecting."));
        ssh_channel channel = nullptr;
        if (st) {
            channel = ssh_channel_new(conn->session());
            const QByteArray target = host.toUtf8();
            if (!channel || ssh_channel_open_forward(channel, target.constData(), port, "127.0.0.1", 0) != SSH_OK) {
                const QString detail = QString::fromUtf8(ssh_get_error(conn->session()));
                if (channel)
                    ssh_channel_free(channel);
                channel = nullptr;
                st = Error(
                    ErrorKind::ConnectionRefused,
                    SshWorker::tr("The host could not open a connection to %1:%2 for the tunnel.").arg(host).arg(port),
                    detail);
            }
        }
        if (!channel) {
            if (filter) {
                const QByteArray answer = filter->openFailed(st.error());
                if (!answer.isEmpty()) [[maybe_unused]]
                    auto w = ::send(fd, answer.constData(), size_t(answer.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
                filter->ended();
            }
            ::close(fd);
            return;
        }
        forwards.push_back(
            ForwardOp{std::make_unique<ChannelRelay>(channel, fd, std::move(filter), std::move(toRemote)), 0});
        serviceForwards();
    }

    // Moves a relay's bytes and keeps its socket registered for what it waits for.
    void serviceForward(ForwardOp& f)
    {
        const short want = f.relay->service();
        if (want == f.registered || !event)
            return;
        if (f.registered)
            ssh_event_remove_fd(event, f.relay->fd());
        if (want)
            ssh_event_add_fd(event, f.relay->fd(), want, onFdEvent, nullptr);
        f.registered = want;
    }

    void serviceForwards()
    {
        qsizetype queued = 0;
        for (auto it = forwards.begin(); it != forwards.end();) {
            serviceForward(*it);
            const ChannelRelay::Stats st = it->relay->stats();
            queued += st.queued;
            stats.peakQueued = std::max(stats.peakQueued, st.peakQueued);
            if (it->relay->finished()) {
                if (it->registered && event)
                    ssh_event_remove_fd(event, it->relay->fd());
                it = forwards.erase(it);
            } else {
                ++it;
            }
        }
        std::lock_guard lock(stateMutex);
        stats.open = int(forwards.size());
        stats.queued = queued;
    }

    void dropConnection(const Error& why)
    {
        {
            // Before any waiter wakes up: whoever sees its command fail must also see the
            // session as disconnected.
            std::lock_guard lock(stateMutex);
            connected = false;
        }
        for (auto& op : active)
            finishOp(*op, SshWorker::ExecResult::End::Failed, why);
        active.clear();
        for (auto& f : forwards)
            if (f.registered && event)
                ssh_event_remove_fd(event, f.relay->fd());
        forwards.clear();
        sftp.reset();
        if (event) {
            if (conn)
                ssh_event_remove_session(event, conn->session());
            ssh_event_remove_fd(event, wakeFd);
            ssh_event_free(event);
            event = nullptr;
        }
        conn.reset();
    }

    void finishOp(ExecOp& op, SshWorker::ExecResult::End end, const Error& error = {})
    {
        op.onCancel = {};
        op.output.finish();
        if (op.channel) {
            ssh_remove_channel_callbacks(op.channel, &op.callbacks);
            if (end != SshWorker::ExecResult::End::Exited && !op.closed)
                ssh_channel_request_send_signal(op.channel, "TERM");
            if (!op.closed)
                ssh_channel_close(op.channel);
            ssh_channel_free(op.channel);
            op.channel = nullptr;
        }
        op.result.end = end;
        op.result.out = op.output.takeOut();
        op.result.err = op.output.takeErr();
        op.result.pgid = op.output.pgid();
        if (end == SshWorker::ExecResult::End::Failed)
            op.result.error = error;
        op.promise.set_value(std::move(op.result));
    }

    void startExec(const std::shared_ptr<ExecOp>& op)
    {
        if (op->req.cancel.isCancelled()) {
            finishOp(*op, SshWorker::ExecResult::End::Cancelled);
            return;
        }
        if (auto st = ensureConnected(op->req.cancel); !st) {
            finishOp(*op, SshWorker::ExecResult::End::Failed, st.error());
            return;
        }
        ssh_session s = conn->session();
        op->channel = ssh_channel_new(s);
        if (!op->channel || ssh_channel_open_session(op->channel) != SSH_OK) {
            const QString detail = QString::fromUtf8(ssh_get_error(s));
            if (op->channel) {
                ssh_channel_free(op->channel);
                op->channel = nullptr;
            }
            const bool lost = !ssh_is_connected(s);
            finishOp(*op, SshWorker::ExecResult::End::Failed,
                     Error(lost ? ErrorKind::ConnectionLost : ErrorKind::Protocol,
                           SshWorker::tr("Could not open a channel to run a command."), detail,
                           SshWorker::tr("Check the connection and try again.")));
            if (lost)
                dropConnection(Error(ErrorKind::ConnectionLost, SshWorker::tr("The SSH connection was lost."), detail));
            return;
        }
        op->callbacks = {};
        op->callbacks.userdata = op.get();
        op->callbacks.channel_data_function = onChannelData;
        op->callbacks.channel_eof_function = onChannelEof;
        op->callbacks.channel_close_function = onChannelClose;
        op->callbacks.channel_exit_status_function = onExitStatus;
        op->callbacks.channel_exit_signal_function = onExitSignal;
        ssh_callbacks_init(&op->callbacks);
        ssh_set_channel_callbacks(op->channel, &op->callbacks);
        if (op->req.pty && ssh_channel_request_pty_size(op->channel, "dumb", 200, 50) != SSH_OK) {
            finishOp(*op, SshWorker::ExecResult::End::Failed,
                     Error(ErrorKind::Protocol, SshWorker::tr("The server refused a terminal for the command."),
                           QString::fromUtf8(ssh_get_error(s))));
            return;
        }
        if (ssh_channel_request_exec(op->channel, op->req.commandLine.constData()) != SSH_OK) {
            finishOp(*op, SshWorker::ExecResult::End::Failed,
                     Error(ErrorKind::Protocol, SshWorker::tr("The server refused to run the command."),
                           QString::fromUtf8(ssh_get_error(s))));
            return;
        }
        if (op->req.stdinData.isEmpty()) {
            ssh_channel_send_eof(op->channel);
            op->stdinEofSent = true;
        }
        op->deadline
            = op->req.timeoutMs > 0 ? QDeadlineTimer(op->req.timeoutMs) : QDeadlineTimer(QDeadlineTimer::Forever);
        const int fd = wakeFd;
        op->onCancel = op->req.cancel.onCancel([fd] { wake(fd); });
        active.push_back(op);
    }

    // Writes stdin, checks cancel / timeout / completion. Returns true when stdin is waiting to
    // be written and the window allows it (so the loop must not sleep).
    bool serviceOps()
    {
        bool busy = false;
        for (auto it = active.begin(); it != active.end();) {
            ExecOp& op = **it;
            bool done = false;
            if (op.closed || (op.eof && op.haveExit)) {
                finishOp(op, SshWorker::ExecResult::End::Exited);
                done = true;
            } else if (op.req.cancel.isCancelled()) {
                finishOp(op, SshWorker::ExecResult::End::Cancelled);
                done = true;
            } else if (op.deadline.hasExpired()) {
                finishOp(op, SshWorker::ExecResult::End::TimedOut);
                done = true;
            } else if (!op.stdinEofSent && !op.output.markerPending()) {
                const QByteArray& in = op.req.stdinData;
                for (int chunks = 0; op.stdinPos < in.size() && chunks < 64; ++chunks) {
                    const uint32_t window = ssh_channel_window_size(op.channel);
                    if (window == 0)
                        break;
                    const uint32_t n
                        = uint32_t(std::min<qsizetype>({qsizetype(window), 32768, in.size() - op.stdinPos}));
                    const int w = ssh_channel_write(op.channel, in.constData() + op.stdinPos, n);
                    if (w < 0) {
                        finishOp(op, SshWorker::ExecResult::End::Failed,
                                 Error(ErrorKind::ConnectionLost, SshWorker::tr("Writing the command's input failed."),
                                       QString::fromUtf8(ssh_get_error(conn->session()))));
                        done = true;
                        break;
                    }
                    op.stdinPos += w;
                    sinceTraffic.restart();
                }
                if (!done && op.stdinPos >= in.size()) {
                    ssh_channel_send_eof(op.channel);
                    op.stdinEofSent = true;
                } else if (!done && ssh_channel_window_size(op.channel) > 0) {
                    busy = true;
                }
            }
            it = done ? active.erase(it) : std::next(it);
        }
        while (!waiting.empty() && int(active.size()) < kMaxChannels) {
            auto op = waiting.front();
            waiting.pop_front();
            startExec(op);
        }
        return busy;
    }

    // How long the loop may sleep: until the next command deadline or keep-alive, or for ever.
    int pollTimeoutMs() const
    {
        qint64 ms = -1;
        for (const auto& op : active) {
            if (op->deadline.isForever())
                continue;
            const qint64 left = std::max<qint64>(0, op->deadline.remainingTime());
            ms = ms < 0 ? left : std::min(ms, left);
        }
        const int aliveMs = conn ? conn->serverAliveIntervalSec() * 1000 : 0;
        if (aliveMs > 0) {
            const qint64 left = std::max<qint64>(0, aliveMs - sinceTraffic.elapsed());
            ms = ms < 0 ? left : std::min(ms, left);
        }
        return ms < 0 ? -1 : int(std::min<qint64>(ms + 1, 24 * 3600 * 1000));
    }

    Result<SftpClient*> ensureSftp()
    {
        if (auto st = ensureConnected({}); !st)
            return st.error();
        if (!sftp) {
            auto opened = SftpClient::open(conn->session());
            if (!opened)
                return opened.error();
            sftp = std::move(*opened);
        }
        return sftp.get();
    }

    void run()
    {
        for (;;) {
            std::deque<std::function<void()>> batch;
            bool stopping = false;
            {
                std::lock_guard lock(jobsMutex);
                batch.swap(jobs);
                stopping = stop;
            }
            for (auto& job : batch)
                job();
            if (stopping)
                break;
            const bool busy = serviceOps();
            serviceForwards();
            {
                std::lock_guard lock(stateMutex);
                ++stats.loopWakeups;
            }
            if (conn && event) {
                const int aliveMs = conn->serverAliveIntervalSec() * 1000;
                if (aliveMs > 0 && sinceTraffic.elapsed() >= aliveMs) {
                    ssh_send_ignore(conn->session(), "aio-keepalive"); // never waits for an answer
                    sinceTraffic.restart();
                }
                const int rc = ssh_event_dopoll(event, busy ? 0 : pollTimeoutMs());
                if (rc == SSH_OK && (!active.empty() || !forwards.empty()))
                    sinceTraffic.restart();
                serviceForwards(); // answer right away what the poll brought in
                if (!ssh_is_connected(conn->session())) {
                    qCWarning(lcSsh) << "connection to" << conn->host() << "lost";
                    dropConnection(Error(ErrorKind::ConnectionLost,
                                         SshWorker::tr("The SSH connection to %1 was lost.").arg(conn->host()),
                                         QString::fromUtf8(ssh_get_error(conn->session())),
                                         SshWorker::tr("Check the network; the next command reconnects.")));
                }
            } else {
                pollfd p{wakeFd, POLLIN, 0};
                if (poll(&p, 1, -1) > 0) {
                    uint64_t v;
                    [[maybe_unused]] auto r = ::read(wakeFd, &v, sizeof v);
                }
            }
            if (event) {
                // The wake-up descriptor is drained here, not in its callback, so a wake-up
                // that arrives while jobs run is never lost.
                uint64_t v;
                [[maybe_unused]] auto r = ::read(wakeFd, &v, sizeof v);
            }
        }
        for (auto& op : waiting)
            finishOp(*op, ExecResult::End::Cancelled);
        waiting.clear();
        for (auto& op : active)
            finishOp(*op, ExecResult::End::Cancelled);
        active.clear();
        dropConnection(Error(ErrorKind::Cancelled, SshWorker::tr("The session was closed.")));
    }
};

SshWorker::SshWorker(SshSettings settings, SshCallbacks callbacks)
    : d(std::make_shared<Impl>())
{
    d->settings = std::move(settings);
    d->callbacks = std::move(callbacks);
    d->wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    {
        std::lock_guard lock(teardowns().mutex);
        ++teardowns().running;
    }
    // Any program using sessions (tests, benchmarks) lets closing connections end before exit
    // tears down what their threads still touch; main() of the app waits the same way.
    static const bool waitAtExit = [] {
        return std::atexit([] { SshWorker::waitForTeardowns(5000); }) == 0;
    }();
    (void)waitAtExit;
    std::thread([impl = d] {
        lowerThisThreadsPriority(); // the GUI first when the CPU is busy
        impl->run();
        Teardowns& t = teardowns();
        std::lock_guard lock(t.mutex);
        --t.running;
        t.done.notify_all();
    }).detach();
}

SshWorker::~SshWorker()
{
    {
        std::lock_guard lock(d->jobsMutex);
        d->stop = true;
    }
    wake(d->wakeFd); // the thread ends on its own; nothing here waits for it
}

bool SshWorker::waitForTeardowns(int timeoutMs)
{
    Teardowns& t = teardowns();
    std::unique_lock lock(t.mutex);
    return t.done.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return t.running == 0; });
}

void SshWorker::post(std::function<void()> job)
{
    {
        std::lock_guard lock(d->jobsMutex);
        d->jobs.push_back(std::move(job));
    }
    wake(d->wakeFd);
}

Status SshWorker::connect(const CancelToken& cancel)
{
    return call([&] { return d->ensureConnected(cancel); });
}

void SshWorker::disconnect()
{
    call([&] { d->dropConnection(Error(ErrorKind::Cancelled, tr("Disconnected."))); });
}

bool SshWorker::isConnected() const
{
    std::lock_guard lock(d->stateMutex);
    return d->connected;
}

HostKeyCheck SshWorker::lastHostKeyCheck() const
{
    std::lock_guard lock(d->stateMutex);
    return d->lastCheck;
}

QString SshWorker::connectedUser() const
{
    std::lock_guard lock(d->stateMutex);
    return d->user;
}

SshWorker::ForwardStats SshWorker::forwardStats() const
{
    std::lock_guard lock(d->stateMutex);
    return d->stats;
}

SshWorker::ExecResult SshWorker::exec(const ExecRequest& request)
{
    auto op = std::make_shared<ExecOp>(request);
    auto f = op->promise.get_future();
    post([impl = d.get(), op] {
        if (int(impl->active.size()) < kMaxChannels)
            impl->startExec(op);
        else
            impl->waiting.push_back(op);
    });
    return f.get();
}

void SshWorker::adoptForward(int fd, const QString& host, quint16 port, std::unique_ptr<ForwardFilter> filter,
                             QByteArray toRemote)
{
    // std::function needs a copyable callable: the filter travels in a shared_ptr until the job runs.
    auto owned = std::make_shared<std::unique_ptr<ForwardFilter>>(std::move(filter));
    post([impl = d.get(), fd, host, port, owned, toRemote = std::move(toRemote)]() mutable {
        impl->adoptForward(fd, host, port, std::move(*owned), std::move(toRemote));
    });
}

Result<int> SshWorker::openForward(const QString& host, quint16 port)
{
    return call([&] { return d->openForward(host, port); });
}

Result<QString> SshWorker::sftpWriteTemp(const QString& finalPath, const QByteArray& content, int mode)
{
    return call([&]() -> Result<QString> {
        auto sftp = d->ensureSftp();
        if (!sftp)
            return sftp.error();
        return (*sftp)->writeTemp(finalPath, content, mode);
    });
}

Status SshWorker::sftpRename(const QString& from, const QString& to)
{
    return call([&]() -> Status {
        auto sftp = d->ensureSftp();
        if (!sftp)
            return sftp.error();
        return (*sftp)->rename(from, to);
    });
}

Status SshWorker::sftpRemove(const QString& path)
{
    return call([&]() -> Status {
        auto sftp = d->ensureSftp();
        if (!sftp)
            return sftp.error();
        return (*sftp)->remove(path);
    });
}

Result<QByteArray> SshWorker::sftpRead(const QString& path)
{
    return call([&]() -> Result<QByteArray> {
        auto sftp = d->ensureSftp();
        if (!sftp)
            return sftp.error();
        return (*sftp)->read(path);
    });
}

} // namespace aio
