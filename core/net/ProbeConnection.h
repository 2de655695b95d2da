#pragma once

#include "core/common/CancelToken.h"
#include "core/common/Result.h"
#include "core/net/ProbeEndpoint.h"
#include "core/net/TlsPeerInfo.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDeadlineTimer>

#include <memory>

class QSslSocket;

namespace aio {

// A blocking TCP (optionally TLS) connection for the workstation probes. It lives in the
// thread that made it, which must be a worker thread (never the GUI thread); every wait runs a
// local event loop, bounded by the endpoint's timeout and ended at once by the CancelToken.
// A handshake whose verification fails still completes, so the caller can report the chain
// as evidence; callers must check tls().verified before sending anything that matters.
class ProbeConnection
{
    Q_DECLARE_TR_FUNCTIONS(aio::ProbeConnection)

public:
    explicit ProbeConnection(ProbeEndpoint endpoint, CancelToken cancel = {});
    ~ProbeConnection();
    ProbeConnection(const ProbeConnection&) = delete;
    ProbeConnection& operator=(const ProbeConnection&) = delete;

    // Connects and, for TLS endpoints, performs the handshake. Errors: ConnectionRefused,
    // Timeout, HostUnreachable, HostNotFound, Tls (handshake failed outright), Cancelled.
    Status open();
    const TlsPeerInfo& tls() const { return m_tls; }
    const ProbeEndpoint& endpoint() const { return m_endpoint; }

    Status writeAll(const QByteArray& data);
    // Opens the connection and sends a request, unless TLS did not verify and
    // sendWhenUnverified is false: then nothing is sent and false comes back. tls() holds what
    // the handshake saw either way.
    Result<bool> openAndSend(const QByteArray& request, bool sendWhenUnverified);
    // Waits until some data arrives (or the peer closes) and returns it; an empty array means
    // the peer closed the connection.
    Result<QByteArray> readSome();
    bool peerClosed() const;
    void close();

private:
    Error socketError(const QString& phase) const;
    // Waits until done() holds, the socket fails or closes, the endpoint's timeout passes, or the
    // token is cancelled, whichever comes first.
    Status waitUntil(const std::function<bool()>& done, const QString& phase);

    ProbeEndpoint m_endpoint;
    CancelToken m_cancel;
    std::unique_ptr<QSslSocket> m_socket;
    TlsPeerInfo m_tls;
};

} // namespace aio
