#pragma once

#include "core/common/CancelToken.h"
#include "core/net/HttpResponseReader.h"
#include "core/net/ProbeEndpoint.h"
#include "core/net/TlsPeerInfo.h"
#include <QCoreApplication>

namespace aio {

struct WebSocketProbeRequest
{
    ProbeEndpoint endpoint;
    QByteArray path = "/websockify";
    QList<QByteArray> protocols{"binary"}; // Sec-WebSocket-Protocol offered (noVNC offers "binary")
    HttpHeaders headers; // e.g. Authorization
    QByteArray origin; // empty: https://<presented name>
    qsizetype firstBytes = 12; // read at least this many payload bytes ("RFB 003.008\n" is 12)
    bool sendWhenUnverified = false;
};

struct WebSocketProbeResult
{
    TlsPeerInfo tls;
    bool requestSent = false;
    int status = 0; // 101 when the upgrade was accepted
    HttpHeaders headers;
    bool acceptValid = false; // Sec-WebSocket-Accept matched our key
    QByteArray protocol; // the sub-protocol the server chose
    QByteArray firstBytes; // payload of the first data frames, up to firstBytes
    QByteArray bodyPrefix; // when the upgrade was refused: the start of the error page

    bool upgraded() const { return status == 101 && acceptValid; }
    QString evidence() const;
};

// Performs an RFC 6455 opening handshake from the workstation (plain or TLS, with the same
// resolve/CA options as HttpsProbe) and reads the first bytes the server sends; the sandbox's
// /websockify answers "RFB 003.008\n". Used by the deployment's verify step.
class WebSocketProbe
{
    Q_DECLARE_TR_FUNCTIONS(aio::WebSocketProbe)

public:
    static Result<WebSocketProbeResult> run(const WebSocketProbeRequest& request, const CancelToken& cancel = {});
};

} // namespace aio
