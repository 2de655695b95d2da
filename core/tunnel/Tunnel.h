#pragma once

#include "core/common/Result.h"
#include "core/tunnel/AuthProxy.h"
#include "core/tunnel/SandboxCredentials.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace aio {

class SshSession;

// One tunnel to a VM's sandbox: a listener on 127.0.0.1 (a free port unless one is asked for)
// whose every connection becomes a direct-tcpip channel to the sandbox (127.0.0.1:8080 on the
// VM) over the target's SSH session, through the authenticating proxy (AuthProxy) unless it is a
// plain forward. Lives on the thread that made it (the GUI's, or the CLI's); accepting and the
// first request of each connection are read on an internal thread, the bytes are relayed by the
// SSH session's worker (ChannelRelay), and nothing here blocks the owner's thread.
//
// Its state is what was last observed, never assumed: a probe (GET /v1/ping, then an
// authenticated GET /v1/sandbox) goes through the tunnel every few seconds and after any
// connection the host could not open. When SSH is down it reconnects with a growing delay
// (1 s … 30 s); a probe that gets no answer (laptop sleep, a new network) drops the connection
// and reconnects; the listener stays bound throughout, so the browser's next request works as
// soon as the tunnel is up again.
class Tunnel : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString targetName;
        QString remoteHost = QStringLiteral("127.0.0.1"); // as the VM resolves it
        quint16 remotePort = 8080;
        quint16 localPort = 0; // 0: a free one
        bool authProxy = true; // false: bytes pass unchanged (a plain ssh -L)
        SandboxCredentials credentials;
        int probeIntervalMs = 5000;
        int probeTimeoutMs = 10000;
    };

    enum class State {
        Connecting, // first connection and probe in progress
        Up, // the last probe reached the sandbox with the app's credentials
        Degraded, // SSH is up but the sandbox does not answer, or refuses the credentials
        Reconnecting, // SSH is down; the next attempt is due in retryInSeconds
        Failed, // needs the admin (host key, login, port in use); not retried
        Stopped,
    };
    struct Snapshot
    {
        State state = State::Stopped;
        QString detail; // why, in a sentence; empty when up
        int retryInSeconds = 0;
        int attempt = 0; // reconnect attempts since the last time it was up
        int activeConnections = 0;
        qint64 totalConnections = 0;
        qint64 bytesToBrowser = 0;
        qint64 bytesToSandbox = 0;
        qint64 refused = 0; // requests the proxy refused itself (no cookie, bad Host…)
        int probeMs = -1; // the last successful probe's round trip
        QDateTime since; // when this state began
        bool credentialsRefused = false; // the sandbox answered 401 to the app's credentials
    };

    Tunnel(std::shared_ptr<SshSession> ssh, Options options, QObject* parent = nullptr);
    ~Tunnel() override;

    // Binds 127.0.0.1:localPort and starts: connects, probes, serves. An error when the port
    // cannot be bound (in use, not allowed); nothing else blocks here.
    Status start();
    void stop();

    quint16 port() const { return m_port; }
    const Options& options() const { return m_options; }
    Snapshot snapshot() const { return m_status; }
    // What state and detail say, in one line: "up · 3 connections", "reconnecting in 4 s: …".
    static QString describe(const Snapshot& status);
    static QString stateName(State state);

    // The address to open for a path on the sandbox (a one-time link through the proxy, or the
    // plain address of a plain forward).
    Result<QUrl> link(const QString& pathAndQuery);

    // Probe now (after a wake-up, or when the admin asks); no-op while one runs.
    void probeNow();

signals:
    void statusChanged();

private:
    struct Listener;
    void setState(State state, const QString& detail = {});
    void connectNow();
    void scheduleReconnect(const QString& why);
    void tick();
    struct ProbeOutcome;
    void onProbe(const ProbeOutcome& outcome);
    void onFailure(const Error& error, bool sshUp);

    std::shared_ptr<SshSession> m_ssh;
    Options m_options;
    std::shared_ptr<AuthProxy> m_proxy;
    std::shared_ptr<TunnelCounters> m_counters = std::make_shared<TunnelCounters>();
    std::unique_ptr<Listener> m_listener;
    quint16 m_port = 0;
    Snapshot m_status;
    QTimer m_tick; // 1 s: counters, countdown, probe schedule
    QElapsedTimer m_sinceProbe;
    QElapsedTimer m_retryTimer;
    int m_retryDelayMs = 0;
    bool m_busy = false; // a connect or probe job runs
    qint64 m_seenOpenFailures = 0;
};

} // namespace aio
