#include "core/ssh/SshWorker.h"

#include "core/ssh/SshConnection.h"
#include "core/ssh/SshLog.h"

#include <libssh/sftp.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QRandomGenerator>

#include <cerrno>
#include <fcntl.h>
#include <future>
#include <list>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aio {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("SshWorker", text);
}

constexpr int kMaxChannels = 8; // OpenSSH's MaxSessions is 10; keep one spare for SFTP and one for kills
constexpr int kSftpChunk = 64 * 1024;
constexpr int kSftpReadAhead = 16;

} // namespace

struct ExecOp
{
    SshWorker::ExecRequest req;
    SshWorker::ExecResult result;
    std::promise<SshWorker::ExecResult> promise;
    ssh_channel channel = nullptr;
    ssh_channel_callbacks_struct callbacks{};
    QByteArray partial[2]; // stdout, stderr: the unfinished line
    bool markerPending = true;
    QByteArray markerBuffer;
    qsizetype stdinPos = 0;
    bool stdinEofSent = false;
    bool eof = false;
    bool closed = false;
    bool haveExit = false;
    QDeadlineTimer deadline;

    void emitLines(int stream, const char* data, qsizetype len)
    {
        if (req.keepOutput) {
            (stream == 0 ? result.out : result.err).append(data, len);
        } else if (stream == 1) {
            // Endless streams still keep their last 64 KiB of stderr, for error messages.
            result.err.append(data, len);
            if (result.err.size() > 65536)
                result.err.remove(0, result.err.size() - 65536);
        }
        if (!req.sink)
            return;
        QByteArray& part = partial[stream];
        part.append(data, len);
        qsizetype start = 0;
        for (;;) {
            const qsizetype nl = part.indexOf('\n', start);
            if (nl < 0)
                break;
            QByteArray line = part.mid(start, nl - start);
            if (line.endsWith('\r'))
                line.chop(1);
            req.sink(stream == 0 ? OutputChannel::Stdout : OutputChannel::Stderr, line);
            start = nl + 1;
        }
        part.remove(0, start);
    }
    void onData(const char* data, qsizetype len, bool isStderr)
    {
        const bool markerStream = req.pty ? !isStderr : isStderr;
        if (req.pidMarker && markerPending && markerStream) {
            markerBuffer.append(data, len);
            const qsizetype nl = markerBuffer.indexOf('\n');
            if (nl < 0 && markerBuffer.size() < 64)
                return;
            markerPending = false;
            QByteArray first = markerBuffer.left(nl < 0 ? markerBuffer.size() : nl).trimmed();
            QByteArray rest = nl < 0 ? QByteArray() : markerBuffer.mid(nl + 1);
            if (first.startsWith("aio-pid:")) {
                result.pgid = first.mid(8).toLongLong();
            } else {
                rest = markerBuffer;
            }
            markerBuffer.clear();
            if (!rest.isEmpty())
                emitLines(isStderr ? 1 : 0, rest.constData(), rest.size());
            return;
        }
        emitLines(isStderr ? 1 : 0, data, len);
    }
    void flushPartials()
    {
        if (!markerBuffer.isEmpty()) {
            const QByteArray rest = markerBuffer;
            markerBuffer.clear();
            emitLines(req.pty ? 0 : 1, rest.constData(), rest.size());
        }
        for (int stream = 0; stream < 2; ++stream) {
            if (req.sink && !partial[stream].isEmpty())
                req.sink(stream == 0 ? OutputChannel::Stdout : OutputChannel::Stderr, partial[stream]);
            partial[stream].clear();
        }
    }
};

namespace {

int onChannelData(ssh_session, ssh_channel, void* data, uint32_t len, int isStderr, void* userdata)
{
    static_cast<ExecOp*>(userdata)->onData(static_cast<const char*>(data), qsizetype(len), isStderr != 0);
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

Error sftpError(sftp_session sftp, ssh_session s, const QString& what, const QString& path)
{
    const int code = sftp ? sftp_get_error(sftp) : -1;
    const QString detail = QString::fromUtf8(ssh_get_error(s));
    switch (code) {
    case SSH_FX_NO_SUCH_FILE:
    case SSH_FX_NO_SUCH_PATH:
        return Error(ErrorKind::NotFound, tr("%1: %2 does not exist.").arg(what, path), detail,
                     tr("Check the path; the folder must exist."));
    case SSH_FX_PERMISSION_DENIED:
        return Error(ErrorKind::PermissionDenied, tr("%1: permission denied on %2.").arg(what, path), detail,
                     tr("Use sudo for this target, or pick a path the SSH user may write."));
    default:
        return Error(ErrorKind::Io, tr("%1 failed for %2.").arg(what, path),
                     detail + QStringLiteral(" (sftp status %1)").arg(code));
    }
}

} // namespace

// A direct-tcpip channel relayed to a local socket pair; the caller holds the other end.
struct ForwardOp
{
    ssh_channel channel = nullptr;
    int fd = -1; // our end, non-blocking
    ssh_channel_callbacks_struct callbacks{};
    QByteArray toLocal; // from the channel, not yet written to the socket
    bool channelEof = false;
    bool channelClosed = false;
    bool localEof = false;
    bool localShutdown = false;
};

namespace {

int onForwardData(ssh_session, ssh_channel, void* data, uint32_t len, int isStderr, void* userdata)
{
    if (!isStderr)
        static_cast<ForwardOp*>(userdata)->toLocal.append(static_cast<const char*>(data), qsizetype(len));
    return int(len);
}
void onForwardEof(ssh_session, ssh_channel, void* userdata)
{
    static_cast<ForwardOp*>(userdata)->channelEof = true;
}
void onForwardClose(ssh_session, ssh_channel, void* userdata)
{
    auto* op = static_cast<ForwardOp*>(userdata);
    op->channelClosed = true;
    op->channelEof = true;
}
int onForwardFdReadable(socket_t, int, void*)
{
    return 0; // the loop reads after ssh_event_dopoll returns
}

} // namespace

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
    sftp_session sftp = nullptr;
    std::list<std::shared_ptr<ExecOp>> active;
    std::deque<std::shared_ptr<ExecOp>> waiting;
    std::list<std::unique_ptr<ForwardOp>> forwards;
    QElapsedTimer sinceTraffic;

    mutable std::mutex stateMutex;
    HostKeyCheck lastCheck;
    bool connected = false;
    QString user;

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
        dropConnection(Error(ErrorKind::ConnectionLost, tr("The SSH connection was lost.")));
        auto opened = SshConnection::open(settings, callbacks, cancel, [this](const HostKeyCheck& c) {
            std::lock_guard lock(stateMutex);
            lastCheck = c; // hops first, then the target: the last one is what stopped us
        });
        if (!opened) {
            // Keep what the host-key check saw, for the trust dialogs.
            return opened.error();
        }
        conn = std::move(*opened);
        event = ssh_event_new();
        ssh_event_add_session(event, conn->session());
        ssh_event_add_fd(
            event, wakeFd, POLLIN,
            [](socket_t fd, int, void*) -> int {
                uint64_t v;
                [[maybe_unused]] auto r = ::read(fd, &v, sizeof v);
                return 0;
            },
            nullptr);
        sinceTraffic.start();
        setConnected(true);
        return {};
    }

    void closeForward(ForwardOp& f)
    {
        if (event && f.fd >= 0)
            ssh_event_remove_fd(event, f.fd);
        if (f.channel) {
            ssh_remove_channel_callbacks(f.channel, &f.callbacks);
            if (!f.channelClosed)
                ssh_channel_close(f.channel);
            ssh_channel_free(f.channel);
            f.channel = nullptr;
        }
        if (f.fd >= 0) {
            ::close(f.fd);
            f.fd = -1;
        }
    }

    Result<int> openForward(const QString& host, quint16 port)
    {
        if (auto st = ensureConnected({}); !st)
            return st.error();
        ssh_session s = conn->session();
        auto f = std::make_unique<ForwardOp>();
        f->channel = ssh_channel_new(s);
        const QByteArray target = host.toUtf8();
        if (!f->channel || ssh_channel_open_forward(f->channel, target.constData(), port, "127.0.0.1", 0) != SSH_OK) {
            const QString detail = QString::fromUtf8(ssh_get_error(s));
            if (f->channel)
                ssh_channel_free(f->channel);
            return Error(ErrorKind::ConnectionRefused,
                         tr("The host could not open a connection to %1:%2 for the tunnel.").arg(host).arg(port),
                         detail,
                         tr("Check that something listens there on the host and that sshd allows TCP forwarding."));
        }
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
            ssh_channel_close(f->channel);
            ssh_channel_free(f->channel);
            return Error(ErrorKind::Io, tr("Could not create a local socket pair."));
        }
        fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
        f->fd = fds[0];
        f->callbacks.userdata = f.get();
        f->callbacks.channel_data_function = onForwardData;
        f->callbacks.channel_eof_function = onForwardEof;
        f->callbacks.channel_close_function = onForwardClose;
        ssh_callbacks_init(&f->callbacks);
        ssh_set_channel_callbacks(f->channel, &f->callbacks);
        // What arrived with the open confirmation sits in the channel's buffer; callbacks only see
        // it with the next packet (e.g. an SSH server's banner, and then it waits for ours).
        char early[16384];
        for (int i = 0; i < 64; ++i) {
            const int n = ssh_channel_read_nonblocking(f->channel, early, sizeof early, 0);
            if (n <= 0)
                break;
            f->toLocal.append(early, n);
        }
        if (ssh_channel_is_eof(f->channel))
            f->channelEof = true;
        ssh_event_add_fd(event, f->fd, POLLIN, onForwardFdReadable, nullptr);
        forwards.push_back(std::move(f));
        return fds[1];
    }

    // Moves bytes between forward channels and their sockets. Returns true when bytes wait for a
    // socket that is full (so the loop polls again soon).
    bool serviceForwards()
    {
        bool pending = false;
        char buf[32768];
        for (auto it = forwards.begin(); it != forwards.end();) {
            ForwardOp& f = **it;
            bool broken = false;
            while (!f.toLocal.isEmpty()) {
                const ssize_t w = ::send(f.fd, f.toLocal.constData(), size_t(f.toLocal.size()), MSG_NOSIGNAL);
                if (w > 0) {
                    f.toLocal.remove(0, w);
                    continue;
                }
                if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                    pending = true;
                else
                    broken = true;
                break;
            }
            if (!broken && f.channelEof && f.toLocal.isEmpty() && !f.localShutdown) {
                ::shutdown(f.fd, SHUT_WR);
                f.localShutdown = true;
            }
            for (int rounds = 0; !broken && !f.localEof && !f.channelClosed && rounds < 32; ++rounds) {
                const uint32_t window = ssh_channel_window_size(f.channel);
                if (window == 0)
                    break;
                const ssize_t r = ::recv(f.fd, buf, std::min<size_t>(sizeof buf, window), 0);
                if (r > 0) {
                    if (ssh_channel_write(f.channel, buf, uint32_t(r)) < 0)
                        broken = true;
                } else if (r == 0) {
                    f.localEof = true;
                    ssh_channel_send_eof(f.channel);
                } else {
                    if (errno != EAGAIN && errno != EWOULDBLOCK)
                        broken = true;
                    break;
                }
            }
            // A closed channel still hands its last bytes to the socket before the socket closes.
            const bool finished = broken || (f.toLocal.isEmpty() && (f.channelClosed || (f.localEof && f.channelEof)));
            if (finished) {
                closeForward(f);
                it = forwards.erase(it);
            } else {
                ++it;
            }
        }
        return pending;
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
            closeForward(*f);
        forwards.clear();
        if (sftp) {
            sftp_free(sftp);
            sftp = nullptr;
        }
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
        op.flushPartials();
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
        if (end == SshWorker::ExecResult::End::Failed)
            op.result.error = error;
        op.promise.set_value(std::move(op.result));
    }

    void startExec(const std::shared_ptr<ExecOp>& op)
    {
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
                           tr("Could not open a channel to run a command."), detail,
                           tr("Check the connection and try again.")));
            if (lost)
                dropConnection(Error(ErrorKind::ConnectionLost, tr("The SSH connection was lost."), detail));
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
                     Error(ErrorKind::Protocol, tr("The server refused a terminal for the command."),
                           QString::fromUtf8(ssh_get_error(s))));
            return;
        }
        if (ssh_channel_request_exec(op->channel, op->req.commandLine.constData()) != SSH_OK) {
            finishOp(*op, SshWorker::ExecResult::End::Failed,
                     Error(ErrorKind::Protocol, tr("The server refused to run the command."),
                           QString::fromUtf8(ssh_get_error(s))));
            return;
        }
        if (op->req.stdinData.isEmpty()) {
            ssh_channel_send_eof(op->channel);
            op->stdinEofSent = true;
        }
        op->deadline
            = op->req.timeoutMs > 0 ? QDeadlineTimer(op->req.timeoutMs) : QDeadlineTimer(QDeadlineTimer::Forever);
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
            } else if (!op.stdinEofSent && !(op.req.pidMarker && op.markerPending)) {
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
                                 Error(ErrorKind::ConnectionLost, tr("Writing the command's input failed."),
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

    Result<sftp_session> ensureSftp(const CancelToken& cancel)
    {
        if (auto st = ensureConnected(cancel); !st)
            return st.error();
        if (sftp)
            return sftp;
        ssh_session s = conn->session();
        sftp = sftp_new(s);
        if (!sftp || sftp_init(sftp) != SSH_OK) {
            const QString detail = QString::fromUtf8(ssh_get_error(s));
            if (sftp)
                sftp_free(sftp);
            sftp = nullptr;
            return Error(ErrorKind::Protocol, tr("The server offers no SFTP."), detail,
                         tr("Enable the sftp subsystem in sshd_config, or use sudo uploads (they need no SFTP)."));
        }
        return sftp;
    }
};

SshWorker::SshWorker(SshSettings settings, SshCallbacks callbacks)
    : d(std::make_unique<Impl>())
{
    d->settings = std::move(settings);
    d->callbacks = std::move(callbacks);
    d->wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_thread = std::thread([this] { run(); });
}

SshWorker::~SshWorker()
{
    {
        std::lock_guard lock(d->jobsMutex);
        d->stop = true;
    }
    const uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(d->wakeFd, &one, sizeof one);
    m_thread.join();
    ::close(d->wakeFd);
}

void SshWorker::post(std::function<void()> job)
{
    {
        std::lock_guard lock(d->jobsMutex);
        d->jobs.push_back(std::move(job));
    }
    const uint64_t one = 1;
    [[maybe_unused]] auto r = ::write(d->wakeFd, &one, sizeof one);
}

void SshWorker::run()
{
    for (;;) {
        std::deque<std::function<void()>> jobs;
        bool stopping = false;
        {
            std::lock_guard lock(d->jobsMutex);
            jobs.swap(d->jobs);
            stopping = d->stop;
        }
        for (auto& job : jobs)
            job();
        if (stopping)
            break;
        const bool busy = d->serviceOps();
        const bool forwardsPending = d->serviceForwards();
        if (d->conn && d->event) {
            const int aliveMs = d->conn->serverAliveIntervalSec() * 1000;
            if (aliveMs > 0 && d->sinceTraffic.elapsed() > aliveMs) {
                ssh_send_ignore(d->conn->session(), "aio-keepalive"); // never waits for an answer
                d->sinceTraffic.restart();
            }
            const int timeout = busy ? 0 : forwardsPending ? 10 : (d->active.empty() ? 1000 : 50);
            if (ssh_event_dopoll(d->event, timeout) == SSH_OK && (!d->active.empty() || !d->forwards.empty()))
                d->sinceTraffic.restart();
            d->serviceForwards(); // answer right away what the poll brought in
            if (!ssh_is_connected(d->conn->session())) {
                qCWarning(lcSsh) << "connection to" << d->conn->host() << "lost";
                d->dropConnection(Error(ErrorKind::ConnectionLost,
                                        tr("The SSH connection to %1 was lost.").arg(d->conn->host()),
                                        QString::fromUtf8(ssh_get_error(d->conn->session())),
                                        tr("Check the network; the next command reconnects.")));
            }
        } else {
            pollfd p{d->wakeFd, POLLIN, 0};
            if (poll(&p, 1, 1000) > 0) {
                uint64_t v;
                [[maybe_unused]] auto r = ::read(d->wakeFd, &v, sizeof v);
            }
        }
    }
    for (auto& op : d->waiting)
        d->finishOp(*op, ExecResult::End::Cancelled);
    d->waiting.clear();
    for (auto& op : d->active)
        d->finishOp(*op, ExecResult::End::Cancelled);
    d->active.clear();
    d->dropConnection(Error(ErrorKind::Cancelled, tr("The session was closed.")));
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

SshWorker::ExecResult SshWorker::exec(const ExecRequest& request)
{
    auto op = std::make_shared<ExecOp>();
    op->req = request;
    auto f = op->promise.get_future();
    post([this, op] {
        if (int(d->active.size()) < kMaxChannels)
            d->startExec(op);
        else
            d->waiting.push_back(op);
    });
    return f.get();
}

Result<int> SshWorker::openForward(const QString& host, quint16 port)
{
    return call([&] { return d->openForward(host, port); });
}

Result<QString> SshWorker::sftpWriteTemp(const QString& finalPath, const QByteArray& content, int mode)
{
    return call([&]() -> Result<QString> {
        auto sftp = d->ensureSftp({});
        if (!sftp)
            return sftp.error();
        ssh_session s = d->conn->session();
        const qsizetype slash = finalPath.lastIndexOf(QLatin1Char('/'));
        const QString dir = slash <= 0 ? QStringLiteral("/") : finalPath.left(slash);
        const QString base = finalPath.mid(slash + 1);
        const QString tmp = (dir == QLatin1String("/") ? QString() : dir) + QStringLiteral("/.") + base
            + QStringLiteral(".aio-") + QString::number(QRandomGenerator::system()->generate64(), 16);
        const QByteArray tmpBytes = tmp.toUtf8();
        sftp_file file = sftp_open(*sftp, tmpBytes.constData(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (!file) {
            return sftpError(*sftp, s, tr("Uploading"), finalPath);
        }
        qsizetype pos = 0;
        bool ok = true;
        while (pos < content.size()) {
            const size_t n = size_t(std::min<qsizetype>(kSftpChunk, content.size() - pos));
            const ssize_t w = sftp_write(file, content.constData() + pos, n);
            if (w <= 0) {
                ok = false;
                break;
            }
            pos += w;
        }
        if (ok && sftp_extension_supported(*sftp, "fsync@openssh.com", "1"))
            ok = sftp_fsync(file) == 0;
        Error err = ok ? Error() : sftpError(*sftp, s, tr("Uploading"), finalPath);
        if (sftp_close(file) != SSH_NO_ERROR && ok) {
            ok = false;
            err = sftpError(*sftp, s, tr("Uploading"), finalPath);
        }
        if (ok && sftp_chmod(*sftp, tmpBytes.constData(), mode_t(mode)) != 0) {
            ok = false;
            err = sftpError(*sftp, s, tr("Setting the mode of"), finalPath);
        }
        if (!ok) {
            sftp_unlink(*sftp, tmpBytes.constData());
            return err;
        }
        return tmp;
    });
}

Status SshWorker::sftpRename(const QString& from, const QString& to)
{
    return call([&]() -> Status {
        auto sftp = d->ensureSftp({});
        if (!sftp)
            return sftp.error();
        const QByteArray a = from.toUtf8(), b = to.toUtf8();
        if (sftp_rename(*sftp, a.constData(), b.constData()) != 0)
            return sftpError(*sftp, d->conn->session(), tr("Renaming"), to);
        return Status();
    });
}

Status SshWorker::sftpRemove(const QString& path)
{
    return call([&]() -> Status {
        auto sftp = d->ensureSftp({});
        if (!sftp)
            return sftp.error();
        const QByteArray a = path.toUtf8();
        if (sftp_unlink(*sftp, a.constData()) != 0)
            return sftpError(*sftp, d->conn->session(), tr("Removing"), path);
        return Status();
    });
}

Result<QByteArray> SshWorker::sftpRead(const QString& path)
{
    return call([&]() -> Result<QByteArray> {
        auto sftp = d->ensureSftp({});
        if (!sftp)
            return sftp.error();
        ssh_session s = d->conn->session();
        const QByteArray a = path.toUtf8();
        sftp_file file = sftp_open(*sftp, a.constData(), O_RDONLY, 0);
        if (!file) {
            return sftpError(*sftp, s, tr("Downloading"), path);
        }
        QByteArray data;
        if (sftp_attributes st = sftp_fstat(file)) {
            if (st->size < (quint64(1) << 32))
                data.reserve(qsizetype(st->size));
            sftp_attributes_free(st);
        }
        // Pipelined reads: keep kSftpReadAhead requests in flight.
        std::deque<int> inflight;
        bool eofSeen = false;
        bool ok = true;
        QByteArray chunk(kSftpChunk, Qt::Uninitialized);
        while (ok) {
            while (!eofSeen && int(inflight.size()) < kSftpReadAhead) {
                const int id = sftp_async_read_begin(file, kSftpChunk);
                if (id < 0) {
                    ok = false;
                    break;
                }
                inflight.push_back(id);
            }
            if (inflight.empty() || !ok)
                break;
            const int id = inflight.front();
            inflight.pop_front();
            const int n = sftp_async_read(file, chunk.data(), kSftpChunk, uint32_t(id));
            if (n < 0) {
                ok = false;
                break;
            }
            if (n == 0) {
                eofSeen = true;
                continue;
            }
            if (eofSeen) {
                ok = false; // data after an end-of-file answer: the server reads short; refuse to guess
                break;
            }
            data.append(chunk.constData(), n);
            if (n < kSftpChunk)
                eofSeen = true;
        }
        // Drain what is still in flight so the SFTP channel stays in step.
        for (int id : inflight)
            sftp_async_read(file, chunk.data(), kSftpChunk, uint32_t(id));
        Error err = ok ? Error() : sftpError(*sftp, s, tr("Downloading"), path);
        sftp_close(file);
        if (!ok)
            return err;
        return data;
    });
}

} // namespace aio
