#pragma once

#include "core/common/Result.h"
#include "core/net/HttpRequestReader.h"
#include "core/ssh/ForwardFilter.h"
#include "core/tunnel/SandboxCredentials.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QUrl>

#include <atomic>
#include <memory>
#include <mutex>

namespace aio {

// What a tunnel has moved and refused, updated by its connections on whatever thread relays
// them, read by the tunnel's status.
struct TunnelCounters
{
    std::atomic<int> active{0}; // connections open now
    std::atomic<qint64> total{0}; // connections accepted so far
    std::atomic<qint64> toBrowser{0}; // bytes from the sandbox to local clients
    std::atomic<qint64> toSandbox{0}; // bytes from local clients to the sandbox
    std::atomic<qint64> refused{0}; // requests the proxy answered 403/400 itself
    std::atomic<qint64> openFailures{0}; // connections the host could not open (or SSH was down)
};

// The authenticating proxy's rules, shared by every connection of one tunnel (thread-safe).
//
// Anything on this workstation can connect to 127.0.0.1, so the proxy serves only a browser that
// presented a one-time secret: the app opens http://127.0.0.1:PORT/PATH?_aiosm=SECRET; the proxy
// answers with an HttpOnly, SameSite=Strict cookie (named after the port: cookies do not keep
// ports apart) and a redirect to PATH, and refuses (403) every request without that cookie. It
// checks Host (DNS rebinding: a web page's own name pointed at 127.0.0.1), Origin and
// Sec-Fetch-Site (only same-origin requests and what the admin opened), sets Host and Origin to
// the sandbox's own, drops any credentials, forwarding fields and X-AIO-Proxy-Port the client
// sent and every tunnel's cookie,
// and adds the sandbox's credentials (SandboxCredentials) to every request, the WebSocket
// upgrade included (noVNC's WebSocket cannot carry headers from the browser).
class AuthProxy
{
    Q_DECLARE_TR_FUNCTIONS(aio::AuthProxy)

public:
    static constexpr int kLinkMinutes = 10; // how long an unused link stays valid

    struct Options
    {
        QString targetName; // for the pages it answers itself
        QByteArray upstreamHost = QByteArrayLiteral("127.0.0.1"); // the sandbox's Host, as seen on the VM
        quint16 upstreamPort = 8080;
        SandboxCredentials credentials;
    };
    explicit AuthProxy(Options options);
    static Result<std::shared_ptr<AuthProxy>> create(Options options); // makes the session's cookie value

    // The port the tunnel listens on (known once bound).
    void setListenPort(quint16 port);
    quint16 listenPort() const { return m_port.load(); }

    // A link that lets one browser in: http://127.0.0.1:PORT<pathAndQuery> plus _aiosm=SECRET,
    // valid once, for kLinkMinutes.
    Result<QUrl> newLink(const QString& pathAndQuery);

    // The decision for one request head: forward these bytes, or answer locally and close.
    struct Decision
    {
        bool forward = false;
        QByteArray bytes; // the rewritten head, or the whole local answer
        bool refused = true; // when not forwarded: refused (403/400), or a link redeemed (303)
    };
    Decision decide(HttpRequestHead head);

    // A local answer for a request the proxy could not read (400) or could not pass on (502).
    QByteArray badRequest(const QString& why) const;
    QByteArray unreachable(const Error& why) const;

    const SandboxCredentials& credentials() const { return m_options.credentials; }
    const Options& options() const { return m_options; }
    QByteArray cookieName() const;

    // For tests: the clock links expire by.
    void setClockForTesting(std::function<QDateTime()> now) { m_now = std::move(now); }

private:
    QByteArray page(int status, const QByteArray& reason, const QString& title, const QString& text,
                    const QList<QPair<QByteArray, QByteArray>>& extra = {}) const;
    bool hostAllowed(const QByteArray& host) const;
    bool originAllowed(const QByteArray& origin) const;
    bool hasSessionCookie(const HttpRequestHead& head) const;
    void stripSessionCookie(HttpRequestHead& head) const;

    Options m_options;
    std::atomic<quint16> m_port{0};
    QByteArray m_session; // the cookie's value
    std::mutex m_mutex; // guards m_links
    QHash<QByteArray, QDateTime> m_links; // unused one-time secrets and when they expire
    std::function<QDateTime()> m_now;
};

// One connection through the proxy: reads the client's requests (HttpRequestReader), passes each
// on rewritten (AuthProxy::decide) with its body unchanged, or answers locally and closes; after
// a WebSocket upgrade, everything passes both ways as raw bytes.
class AuthProxyConnection : public ForwardFilter
{
public:
    AuthProxyConnection(std::shared_ptr<AuthProxy> proxy, std::shared_ptr<TunnelCounters> counters);
    Verdict fromLocal(QByteArrayView data, QByteArray& toRemote, QByteArray& toLocal) override;
    QByteArray openFailed(const Error& why) override;
    void moved(qint64 toLocal, qint64 toRemote) override;
    void ended() override;

private:
    std::shared_ptr<AuthProxy> m_proxy;
    std::shared_ptr<TunnelCounters> m_counters;
    HttpRequestReader m_reader;
    QList<HttpRequestReader::Piece> m_pieces;
};

// A connection passed on unchanged (a tunnel without the proxy), counted.
class CountingForward : public ForwardFilter
{
public:
    explicit CountingForward(std::shared_ptr<TunnelCounters> counters);
    Verdict fromLocal(QByteArrayView data, QByteArray& toRemote, QByteArray& toLocal) override;
    QByteArray openFailed(const Error& why) override;
    void moved(qint64 toLocal, qint64 toRemote) override;
    void ended() override;

private:
    std::shared_ptr<TunnelCounters> m_counters;
};

} // namespace aio
