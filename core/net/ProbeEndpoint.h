#pragma once

#include "core/common/HostName.h"

#include <QList>
#include <QSslCertificate>
#include <QString>

namespace aio {

// Where a workstation probe connects and which name it presents, like `curl --resolve`:
// the TCP connection goes to `address`, while SNI, the Host header and certificate
// verification use `hostName`. Admins need this before DNS points at a freshly deployed VM.
// Used by HttpsProbe, WebSocketProbe and the deployment's verify step.
struct ProbeEndpoint
{
    HostName address; // where to connect (IP literal or resolvable name)
    Port port = Port(443);
    HostName hostName; // presented for SNI/Host/verification; empty: the address
    bool tls = true;
    QList<QSslCertificate> extraCaCertificates; // trusted in addition to (or instead of) the system's
    bool useSystemCaCertificates = true;
    int timeoutMs = 10'000; // for each phase: connect, handshake, response

    const HostName& presentedName() const { return hostName.isEmpty() ? address : hostName; }
    // "https://sandbox.example.com:443 via 198.18.0.2", for evidence and errors.
    QString describe() const;
    // The Host header value: the name, with the port when it is not the scheme's default.
    QByteArray hostHeader() const;
};

} // namespace aio
