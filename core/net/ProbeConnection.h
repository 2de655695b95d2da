#pragma once

#include "core/common/CancelToken.h"
#include "core/common/Result.h"
#include "core/net/ProbeEndpoint.h"
#include "core/net/TlsPeerInfo.h"

#include <QByteArray>
#include <QDeadlineTimer>

#include <memory>

class QSslSocket;

namespace aio {

// A blocking TCP (optionally TLS) connection for the workstation probes. It lives in the
// thread that made it, which must be a worker thread (never the GUI thread); every wait is
// bounded by the endpoint's timeout and polls the CancelToken.
// A handshake whose verification fails still completes, so the caller can report the chain
// as evidence; callers must check tls().verified before sending anything that matters.
class ProbeConnection
{
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
    // Waits until some data arrives (or the peer closes) and returns it; an empty array means
    // the peer closed the connection.
    Result<QByteArray> readSome();
    bool peerClosed() const;
    void close();

private:
    Error socketError(const QString& phase) const;
    Status waitFor(const std::function<bool(int)>& wait, const QString& phase);

    ProbeEndpoint m_endpoint;
    CancelToken m_cancel;
    std::unique_ptr<QSslSocket> m_socket;
    TlsPeerInfo m_tls;
};

} // namespace aio
