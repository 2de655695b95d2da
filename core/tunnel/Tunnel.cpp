#include "core/tunnel/Tunnel.h"

#include "core/net/HttpResponseReader.h"
#include "core/ssh/SshSession.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFuture>
#include <QLoggingCategory>
#include <QPointer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace aio {

namespace {

constexpr int kFirstRequestTimeoutMs = 120'000; // a browser's preconnected socket may wait this long
constexpr int kMaxRetryDelayMs = 30'000;
constexpr int kMaxPending = 256;
constexpr int kLingerMs = 2000; // how long a refused client may go on sending before it is closed

Q_LOGGING_CATEGORY(lcTunnel, "aio.tunnel")

// Connect and probe jobs block (libssh, the keychain is not involved); they run here, never on
// the owner's thread. Process-wide and never destroyed, so no one waits for a job at teardown.
QThreadPool* tunnelJobs()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(16);
        p->setExpiryTimeout(30'000);
        return p;
    }();
    return pool;
}

// Runs `job` on the tunnels' pool and `done` with its result on the main thread, unless `owner`
// is gone by then (checked there, on the owner's thread: no continuation ever runs for a
// destroyed tunnel, and nobody waits for a job).
template <typename Job, typename Done>
void runJob(QObject* owner, Job job, Done done)
{
    QPointer<QObject> guard(owner);
    tunnelJobs()->start([guard, job = std::move(job), done = std::move(done)]() mutable {
        auto result = job();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, done = std::move(done), result = std::move(result)]() mutable {
                if (guard)
                    done(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

// Ends a session's connection without waiting for its worker (which may be in a login).
void disconnectLater(const std::shared_ptr<SshSession>& ssh)
{
    tunnelJobs()->start([ssh] { ssh->disconnectFromHost(); });
}

void setNoDelay(int fd)
{
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool isLoginProblem(ErrorKind kind)
{
    return kind == ErrorKind::HostKeyUnknown || kind == ErrorKind::HostKeyChanged
        || kind == ErrorKind::AuthenticationFailed;
}

} // namespace

// Accepts connections and reads each one's first request (the proxy decides before a channel
// is opened: nothing reaches the VM for a client without the cookie), then hands the socket to
// the SSH session's worker. One thread, sleeping in poll() until a socket has something.
struct Tunnel::Listener
{
    struct Pending
    {
        int fd = -1;
        std::unique_ptr<ForwardFilter> filter;
        QElapsedTimer age;
    };

    int listenFd = -1;
    int wakeFd = -1;
    std::shared_ptr<SshSession> ssh;
    std::shared_ptr<AuthProxy> proxy; // null for a plain forward
    std::shared_ptr<TunnelCounters> counters;
    QString remoteHost;
    quint16 remotePort = 0;
    std::atomic<bool> stopping{false};
    std::atomic<bool> dead{false}; // the thread ended on an error: the tunnel is Failed
    std::vector<Pending> pending;
    struct Closing
    {
        int fd = -1;
        QElapsedTimer age;
    };
    std::vector<Closing> closing; // answered and shut down; read until the client closes
    QElapsedTimer acceptPause; // running: accept() ran out of descriptors a moment ago
    std::thread thread;

    ~Listener()
    {
        stopping = true;
        if (wakeFd >= 0) {
            const uint64_t one = 1;
            [[maybe_unused]] auto w = ::write(wakeFd, &one, sizeof one);
        }
        if (thread.joinable())
            thread.join();
        for (Pending& p : pending)
            drop(p);
        for (Closing& c : closing)
            ::close(c.fd);
        if (listenFd >= 0)
            ::close(listenFd);
        if (wakeFd >= 0)
            ::close(wakeFd);
    }

    static void drop(Pending& p)
    {
        if (p.filter)
            p.filter->ended();
        p.filter.reset();
        if (p.fd >= 0)
            ::close(p.fd);
        p.fd = -1;
    }

    void handOver(Pending& p, QByteArray toRemote)
    {
        ssh->forwardSocket(p.fd, remoteHost, remotePort, std::move(p.filter), std::move(toRemote));
        p.fd = -1;
    }

    void accept()
    {
        for (;;) {
            const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                    acceptPause.start(); // the listener stays readable: wait a little, not spin
                return;
            }
            setNoDelay(fd);
            Pending p;
            p.fd = fd;
            p.age.start();
            if (!proxy) {
                p.filter = std::make_unique<CountingForward>(counters);
                handOver(p, {});
                continue;
            }
            if (int(pending.size()) >= kMaxPending) {
                // A flood of idle connections: the oldest one goes, so the browser still gets in.
                drop(pending.front());
                pending.erase(pending.begin());
            }
            p.filter = std::make_unique<AuthProxyConnection>(proxy, counters);
            pending.push_back(std::move(p));
        }
    }

    // Reads what a pending connection sent; false when it is finished here (handed over or closed).
    bool read(Pending& p)
    {
        char buf[64 * 1024];
        // A few reads a wake-up: a client that never stops sending cannot hold this thread
        // (and with it every other client, and Stop).
        for (int round = 0; round < 8 && !stopping; ++round) {
            const ssize_t r = ::recv(p.fd, buf, sizeof buf, 0);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                drop(p);
                return false;
            }
            if (r < 0)
                return true;
            QByteArray toRemote;
            QByteArray toLocal;
            if (p.filter->fromLocal(QByteArrayView(buf, r), toRemote, toLocal) == ForwardFilter::Verdict::Close) {
                [[maybe_unused]] auto w = ::send(p.fd, toLocal.constData(), size_t(toLocal.size()), MSG_NOSIGNAL);
                ::shutdown(p.fd, SHUT_WR);
                // Closing now, with the rest of a refused upload unread, would reset the
                // connection and the client would never see the answer: read until it closes.
                closing.push_back(Closing{p.fd, {}});
                closing.back().age.start();
                p.fd = -1;
                drop(p);
                return false;
            }
            if (!toRemote.isEmpty()) {
                handOver(p, std::move(toRemote));
                return false;
            }
        }
        return true; // more later: poll says when
    }

    void run()
    {
        std::vector<pollfd> fds;
        while (!stopping) {
            fds.clear();
            fds.push_back({wakeFd, POLLIN, 0});
            const bool paused = acceptPause.isValid() && acceptPause.elapsed() < 200;
            fds.push_back({paused ? -1 : listenFd, POLLIN, 0}); // a negative fd is ignored by poll
            int timeout = paused ? 200 : -1;
            const auto wake = [&timeout](qint64 left) {
                const int ms = int(std::max<qint64>(0, left));
                timeout = timeout < 0 ? ms : std::min(timeout, ms);
            };
            for (const Pending& p : pending) {
                fds.push_back({p.fd, POLLIN, 0});
                wake(kFirstRequestTimeoutMs - p.age.elapsed());
            }
            for (const Closing& c : closing) {
                fds.push_back({c.fd, POLLIN, 0});
                wake(kLingerMs - c.age.elapsed());
            }
            if (::poll(fds.data(), nfds_t(fds.size()), timeout) < 0 && errno != EINTR) {
                qCWarning(lcTunnel) << "the tunnel's listener stopped:" << strerror(errno);
                dead = true;
                break;
            }
            if (fds[0].revents) {
                uint64_t v;
                [[maybe_unused]] auto r = ::read(wakeFd, &v, sizeof v);
            }
            const size_t before = pending.size();
            const size_t closingBefore = closing.size(); // read() may add more, not in fds
            for (size_t i = 0; i < before; ++i) {
                Pending& p = pending[i];
                if (fds[i + 2].revents && !read(p))
                    continue;
                if (p.fd >= 0 && p.age.elapsed() >= kFirstRequestTimeoutMs)
                    drop(p);
            }
            for (size_t i = 0; i < closing.size(); ++i) {
                Closing& c = closing[i];
                char sink[4096];
                const bool readable = i < closingBefore && fds[2 + before + i].revents != 0;
                const ssize_t r = readable ? ::recv(c.fd, sink, sizeof sink, 0) : 1;
                if ((readable && r <= 0 && !(r < 0 && (errno == EAGAIN || errno == EINTR)))
                    || c.age.elapsed() >= kLingerMs) {
                    ::close(c.fd);
                    c.fd = -1;
                }
            }
            std::erase_if(pending, [](const Pending& p) { return p.fd < 0; });
            std::erase_if(closing, [](const Closing& c) { return c.fd < 0; });
            if (fds[1].revents)
                accept();
        }
    }
};

struct Tunnel::ProbeOutcome
{
    int ping = 0; // HTTP status of GET /v1/ping
    int auth = 0; // HTTP status of the authenticated GET /v1/sandbox (0: not asked)
    int ms = -1;
    Error error;
    bool sshUp = false;
    bool opened = false; // the channel to the sandbox opened: SSH itself works
    bool wasConnected = false; // before the probe (else its time includes a login)
    int openMs = 0;
};

namespace {

// One request on a connected socket, the answer's status code; Timeout when nothing in time.
Result<int> probeRequest(int fd, const QByteArray& request, QDeadlineTimer deadline)
{
    qsizetype sent = 0;
    while (sent < request.size()) {
        const ssize_t w = ::send(fd, request.constData() + sent, size_t(request.size() - sent), MSG_NOSIGNAL);
        if (w <= 0)
            return Error(ErrorKind::ConnectionLost,
                         QCoreApplication::translate("aio::Tunnel", "The tunnel's probe could not be sent."),
                         QString::fromLocal8Bit(strerror(errno)));
        sent += w;
    }
    HttpResponseReader reader(4096, false);
    char buf[16 * 1024];
    while (!reader.isComplete()) {
        pollfd p{fd, POLLIN, 0};
        const int left = int(deadline.remainingTime());
        if (left <= 0 || ::poll(&p, 1, left) <= 0)
            return Error(ErrorKind::Timeout,
                         QCoreApplication::translate("aio::Tunnel", "No answer through the tunnel in time."));
        const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r <= 0) {
            if (Status s = reader.finish(); s && reader.isComplete())
                break;
            return Error(ErrorKind::ConnectionLost,
                         QCoreApplication::translate("aio::Tunnel", "The sandbox closed the probe's connection."));
        }
        if (Status s = reader.feed(QByteArray(buf, r)); !s)
            return s.error();
    }
    return reader.statusCode();
}

} // namespace

Tunnel::Tunnel(std::shared_ptr<SshSession> ssh, Options options, QObject* parent)
    : QObject(parent)
    , m_ssh(std::move(ssh))
    , m_options(std::move(options))
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &Tunnel::tick);
}

Tunnel::~Tunnel()
{
    m_listener.reset();
}

Status Tunnel::start()
{
    if (m_listener)
        return {};
    if (m_options.authProxy) {
        AuthProxy::Options po;
        po.targetName = m_options.targetName;
        po.upstreamHost = m_options.remoteHost.toUtf8();
        po.upstreamPort = m_options.remotePort;
        po.credentials = m_options.credentials;
        Result<std::shared_ptr<AuthProxy>> proxy = AuthProxy::create(po);
        if (!proxy)
            return proxy.error();
        m_proxy = *proxy;
    }
    auto l = std::make_unique<Listener>();
    l->listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    l->wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->listenFd < 0 || l->wakeFd < 0)
        return Error(ErrorKind::Io, tr("Could not create the tunnel's socket."),
                     QString::fromLocal8Bit(strerror(errno)));
    // A port just left by the last run (connections in TIME_WAIT) can be bound again at once.
    const int reuse = 1;
    ::setsockopt(l->listenFd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(m_options.localPort);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(l->listenFd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(l->listenFd, 128) != 0) {
        const int err = errno;
        Error e(err == EADDRINUSE ? ErrorKind::AlreadyExists : ErrorKind::Io,
                tr("Could not listen on 127.0.0.1:%1 for the tunnel to %2.")
                    .arg(m_options.localPort)
                    .arg(m_options.targetName),
                QString::fromLocal8Bit(strerror(err)),
                err == EADDRINUSE
                    ? tr("Something else uses that port; choose another one or leave it empty for any free port.")
                    : QString());
        m_status.state = State::Failed;
        m_status.detail = e.withDetail();
        emit statusChanged();
        return e;
    }
    socklen_t len = sizeof addr;
    ::getsockname(l->listenFd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    if (m_proxy)
        m_proxy->setListenPort(m_port);
    l->ssh = m_ssh;
    l->proxy = m_proxy;
    l->counters = m_counters;
    l->remoteHost = m_options.remoteHost;
    l->remotePort = m_options.remotePort;
    Listener* raw = l.get();
    l->thread = std::thread([raw] { raw->run(); });
    m_listener = std::move(l);
    m_retryDelayMs = 0;
    m_status.attempt = 0;
    setState(State::Connecting);
    m_tick.start();
    connectNow();
    return {};
}

void Tunnel::stop()
{
    m_tick.stop();
    m_listener.reset();
    disconnectLater(m_ssh); // ends the connections relayed so far
    setState(State::Stopped);
}

Result<QUrl> Tunnel::link(const QString& pathAndQuery)
{
    if (!m_listener)
        return Error(ErrorKind::Usage, tr("The tunnel to %1 is not started.").arg(m_options.targetName));
    if (m_proxy)
        return m_proxy->newLink(pathAndQuery);
    QString path = pathAndQuery.isEmpty() ? QStringLiteral("/") : pathAndQuery;
    if (!path.startsWith(QLatin1Char('/')))
        path.prepend(QLatin1Char('/'));
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port) + path);
}

QString Tunnel::stateName(State state)
{
    switch (state) {
    case State::Connecting:
        return tr("connecting");
    case State::Up:
        return tr("up");
    case State::Degraded:
        return tr("up, sandbox not reachable");
    case State::Reconnecting:
        return tr("reconnecting");
    case State::Failed:
        return tr("failed");
    case State::Stopped:
        return tr("stopped");
    }
    return {};
}

QString Tunnel::describe(const Snapshot& s)
{
    QString text;
    switch (s.state) {
    case State::Up:
        text = tr("up · %n connection(s)", nullptr, s.activeConnections);
        if (s.probeMs >= 0)
            text += tr(" · probe %1 ms").arg(s.probeMs);
        return text;
    case State::Reconnecting:
        text = s.retryInSeconds > 0 ? tr("reconnecting in %n s", nullptr, s.retryInSeconds) : tr("reconnecting now");
        break;
    case State::Degraded:
        text = s.credentialsRefused ? tr("up, but the sandbox refuses the app's credentials") : stateName(s.state);
        break;
    default:
        text = stateName(s.state);
        break;
    }
    return s.detail.isEmpty() ? text : text + QStringLiteral(": ") + s.detail;
}

void Tunnel::setState(State state, const QString& detail)
{
    if (m_status.state != state)
        m_status.since = QDateTime::currentDateTimeUtc();
    const bool changed = m_status.state != state || m_status.detail != detail;
    m_status.state = state;
    m_status.detail = detail;
    if (state != State::Reconnecting)
        m_status.retryInSeconds = 0;
    if (state != State::Degraded)
        m_status.credentialsRefused = false;
    if (changed)
        emit statusChanged();
}

void Tunnel::connectNow()
{
    if (m_busy || !m_listener)
        return;
    m_busy = true;
    std::shared_ptr<SshSession> ssh = m_ssh;
    runJob(
        this, [ssh] { return ssh->connectToHost(); },
        [this](Status st) {
            m_busy = false;
            if (!m_listener)
                return;
            if (!st) {
                onFailure(st.error(), false);
                return;
            }
            probeNow();
        });
}

void Tunnel::probeNow()
{
    if (m_busy || !m_listener)
        return;
    m_busy = true;
    m_sinceProbe.start();
    m_seenOpenFailures = m_counters->openFailures.load();
    std::shared_ptr<SshSession> ssh = m_ssh;
    const QString host = m_options.remoteHost;
    const quint16 port = m_options.remotePort;
    const int timeoutMs = m_options.probeTimeoutMs;
    const SandboxCredentials creds = m_options.credentials;
    runJob(
        this,
        [ssh, host, port, timeoutMs, creds] {
            ProbeOutcome out;
            QElapsedTimer t;
            t.start();
            out.wasConnected = ssh->isConnected();
            Result<int> fd = ssh->openDirectTcpip(host, port);
            out.sshUp = ssh->isConnected();
            out.openMs = int(t.elapsed());
            if (!fd) {
                out.error = fd.error();
                return out;
            }
            out.opened = true;
            const QByteArray hostHeader = host.toUtf8() + ':' + QByteArray::number(port);
            QDeadlineTimer deadline(timeoutMs);
            Result<int> ping = probeRequest(
                *fd, "GET /v1/ping HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: aio-sandbox-manager\r\n\r\n",
                deadline);
            if (ping) {
                out.ping = *ping;
                out.ms = int(t.elapsed());
                Result<QList<QPair<QByteArray, QByteArray>>> h = creds.headers();
                if (creds.kind() != SandboxCredentials::Kind::None && h) {
                    QByteArray req = "GET /v1/sandbox HTTP/1.1\r\nHost: " + hostHeader
                        + "\r\nUser-Agent: aio-sandbox-manager\r\nConnection: close\r\n";
                    for (const auto& [n, v] : *h)
                        req += n + ": " + v + "\r\n";
                    Result<int> auth = probeRequest(*fd, req + "\r\n", deadline);
                    if (auth)
                        out.auth = *auth;
                    else
                        out.error = auth.error();
                } else if (!h) {
                    out.error = h.error();
                }
            } else {
                out.error = ping.error();
            }
            ::close(*fd);
            return out;
        },
        [this](const ProbeOutcome& out) {
            m_busy = false;
            if (m_listener)
                onProbe(out);
        });
}

void Tunnel::onFailure(const Error& error, bool sshUp)
{
    if (isLoginProblem(error.kind)) {
        setState(State::Failed,
                 error.withDetail() + (error.nextStep.isEmpty() ? QString() : QLatin1Char(' ') + error.nextStep));
        return;
    }
    if (sshUp && error.kind == ErrorKind::ConnectionRefused) {
        m_retryDelayMs = 0;
        m_status.attempt = 0;
        setState(State::Degraded,
                 tr("nothing answers at %1:%2 on the VM; is the sandbox container running?")
                     .arg(m_options.remoteHost)
                     .arg(m_options.remotePort));
        return;
    }
    scheduleReconnect(error.withDetail());
}

void Tunnel::onProbe(const ProbeOutcome& out)
{
    if (!out.opened) {
        if (out.wasConnected && out.sshUp && out.openMs >= m_options.probeTimeoutMs) {
            // The host took longer than a probe may to answer a channel request: a connection
            // that no longer carries anything (after a sleep, on a new network). Start afresh.
            disconnectLater(m_ssh);
            scheduleReconnect(tr("the host did not answer for %n s", nullptr, out.openMs / 1000));
            return;
        }
        onFailure(out.error, out.sshUp);
        return;
    }
    if (out.ping == 0) {
        // SSH carried the request; the sandbox did not answer it properly. The connection stays:
        // the admin's other connections through it are fine.
        m_retryDelayMs = 0;
        m_status.attempt = 0;
        setState(State::Degraded, tr("the sandbox did not answer /v1/ping: %1").arg(out.error.withDetail()));
        return;
    }
    m_retryDelayMs = 0;
    m_status.attempt = 0;
    m_status.probeMs = out.ms;
    if (out.ping != 200) {
        setState(State::Degraded, tr("the sandbox answered HTTP %1 to /v1/ping").arg(out.ping));
        return;
    }
    if (out.auth == 401 || out.auth == 403) {
        setState(State::Degraded,
                 tr("it answered HTTP %1 to a request signed with the key kept for this target, so that key is not the "
                    "one the sandbox trusts (JWT_PUBLIC_KEY or SANDBOX_API_KEY). Deploy again to give it the kept key. "
                    "(With a "
                    "JWT, a clock minutes apart between this workstation and the VM does the same.)")
                     .arg(out.auth));
        if (!m_status.credentialsRefused) {
            m_status.credentialsRefused = true;
            emit statusChanged();
        }
        return;
    }
    if (out.auth != 0 && out.auth != 200) {
        setState(State::Degraded, tr("the sandbox answered HTTP %1 to an authenticated request").arg(out.auth));
        return;
    }
    if (out.ping == 200 && !out.error.message.isEmpty()) {
        setState(State::Degraded, out.error.withDetail());
        return;
    }
    setState(State::Up);
    emit statusChanged(); // the probe's time changed
}

void Tunnel::scheduleReconnect(const QString& why)
{
    m_retryDelayMs = m_retryDelayMs == 0 ? 1000 : std::min(m_retryDelayMs * 2, kMaxRetryDelayMs);
    ++m_status.attempt;
    m_retryTimer.start();
    m_status.retryInSeconds = (m_retryDelayMs + 999) / 1000;
    setState(State::Reconnecting, why);
    emit statusChanged();
}

void Tunnel::tick()
{
    Snapshot before = m_status;
    m_status.activeConnections = m_counters->active.load();
    m_status.totalConnections = m_counters->total.load();
    m_status.bytesToBrowser = m_counters->toBrowser.load();
    m_status.bytesToSandbox = m_counters->toSandbox.load();
    m_status.refused = m_counters->refused.load();
    if (m_listener && m_listener->dead && m_status.state != State::Failed) {
        setState(State::Failed, tr("the listener on 127.0.0.1:%1 stopped; stop and start the tunnel").arg(m_port));
    } else if ((m_status.state == State::Up || m_status.state == State::Degraded) && !m_busy && !m_ssh->isConnected()) {
        // The session saw its connection end (the VM or the network closed it): said at once,
        // not at the next probe; the next attempt is due in a second.
        scheduleReconnect(tr("the SSH connection was lost"));
    } else if (m_status.state == State::Reconnecting && !m_busy) {
        const qint64 left = m_retryDelayMs - m_retryTimer.elapsed();
        m_status.retryInSeconds = int(std::max<qint64>(0, (left + 999) / 1000));
        if (left <= 0)
            connectNow();
    } else if ((m_status.state == State::Up || m_status.state == State::Degraded) && !m_busy
               && (m_sinceProbe.elapsed() >= m_options.probeIntervalMs
                   || m_counters->openFailures.load() != m_seenOpenFailures)) {
        probeNow();
    }
    if (before.activeConnections != m_status.activeConnections || before.totalConnections != m_status.totalConnections
        || before.bytesToBrowser != m_status.bytesToBrowser || before.bytesToSandbox != m_status.bytesToSandbox
        || before.refused != m_status.refused || before.retryInSeconds != m_status.retryInSeconds)
        emit statusChanged();
}

} // namespace aio
