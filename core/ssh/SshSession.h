#pragma once

#include "core/ssh/KnownHosts.h"
#include "core/ssh/RemoteHost.h"
#include "core/ssh/SshCallbacks.h"
#include "core/ssh/SshSettings.h"

#include <QObject>

#include <memory>
#include <mutex>

namespace aio {

class SshWorker;
class ForwardFilter;

// An SSH connection to one target, on libssh. A worker thread owns the libssh session and all
// its channels; this object's methods are thread-safe. The RemoteHost calls block the calling
// thread (use them from worker threads: deployment steps, checks, log sources; the GUI runs them
// in a QtConcurrent job, see the README's design notes). Connecting happens on first use, and
// again after the
// connection was lost. Several commands may run at once (one channel each).
//
//   SshSession ssh(settings, {secretsFromKeychain, askUserAboutHostKey});
//   auto out = ssh.run(RemoteCommand::args({"docker", "ps"}), [](auto ch, auto& line) { … });
class SshSession : public QObject, public RemoteHost
{
    Q_OBJECT
public:
    explicit SshSession(SshSettings settings, SshCallbacks callbacks = {}, QObject* parent = nullptr);
    ~SshSession() override;

    // Connects, verifies the host key and logs in (a no-op when connected). Blocking.
    Status connectToHost(const CancelToken& cancel = {});
    void disconnectFromHost();
    bool isConnected() const;
    // What the last host-key check saw (for the trust dialogs after HostKeyUnknown/Changed).
    HostKeyCheck lastHostKeyCheck() const;
    const SshSettings& settings() const { return m_settings; }
    // The app's known_hosts, to replace a stored key after the user confirmed it twice.
    KnownHosts knownHosts() const;

    // RemoteHost
    Result<CommandOutcome> run(const RemoteCommand& command, const LineSink& onLine = {},
                               const CancelToken& cancel = {}) override;
    Status upload(const QString& remotePath, const QByteArray& content, const RemoteFileAttributes& attrs) override;
    Result<QByteArray> download(const QString& remotePath, bool sudo = false) override;
    QString targetName() const override;

    // A TCP connection from the host to host:port (a direct-tcpip channel, like ssh -L), for
    // tunnels: returns a connected AF_UNIX stream socket the caller owns (wrap it with
    // QLocalSocket::setSocketDescriptor, or read/write it directly); closing it closes the channel.
    // Bytes are relayed by the session's worker thread. Blocking.
    Result<int> openDirectTcpip(const QString& host, quint16 port);
    // Takes over `fd`, a connected local stream socket (one a tunnel's listener accepted), and
    // relays it to a new direct-tcpip channel to host:port, through `filter` when given (see
    // ForwardFilter; `toRemote` is what the filter already produced). Returns at once: the worker
    // opens the channel if the session is connected (it never logs in for this: the caller
    // reconnects); if that fails the filter's openFailed() answer is written to the socket and
    // the socket closed. The socket is the worker's from this call on.
    void forwardSocket(int fd, const QString& host, quint16 port, std::unique_ptr<ForwardFilter> filter = {},
                       QByteArray toRemote = {});

    // Destroying a session never waits: its worker thread ends the connection on its own (a
    // login in progress cannot be interrupted inside libssh). Waits until every destroyed
    // session's thread has ended, at most timeoutMs; true when none is left. For exit.
    static bool waitForClosedSessions(int timeoutMs);

    // Forwarded channels open now and what their relays hold (for tests and benchmarks).
    struct ForwardStats
    {
        int open = 0;
        qsizetype queued = 0; // bytes from the channels waiting for their local readers
        qsizetype peakQueued = 0; // the most one channel ever held (relay queue and libssh's buffer)
        qint64 loopWakeups = 0; // turns of the session's event loop so far
    };
    ForwardStats forwardStats() const;

    // The exact text sent to the server for a command (minus the pid wrapper), for previews.
    static QString commandLine(const RemoteCommand& command, bool sudoNeedsPassword = false);

private:
    enum class SudoMode { Unknown, NoPassword, Password };
    Status ensureSudo(const CancelToken& cancel);
    Result<CommandOutcome> runOnce(const RemoteCommand& command, const LineSink& onLine, const CancelToken& cancel);
    void killRemoteGroup(qint64 pgid, bool sudo);
    Status uploadWithSudo(const QString& remotePath, const QByteArray& content, const RemoteFileAttributes& attrs);
    Error named(Error e) const;

    SshSettings m_settings;
    SshCallbacks m_callbacks;
    std::unique_ptr<SshWorker> m_worker;
    std::mutex m_sudoProbeMutex; // held while finding out how sudo works here
    std::mutex m_sudoMutex; // guards the two below
    SudoMode m_sudoMode = SudoMode::Unknown;
    QByteArray m_sudoPassword; // in memory only, for this session
};

} // namespace aio
