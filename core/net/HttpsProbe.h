#pragma once

#include "core/common/CancelToken.h"
#include "core/net/HttpResponseReader.h"
#include "core/net/ProbeEndpoint.h"
#include "core/net/TlsPeerInfo.h"
#include <QCoreApplication>

namespace aio {

struct HttpProbeRequest
{
    ProbeEndpoint endpoint;
    QByteArray method = "GET";
    QByteArray path = "/"; // origin-form, e.g. "/v1/ping?x=1"
    HttpHeaders headers; // extra headers (Authorization…); Host and Connection are set by the probe
    // Sent as Host instead of the endpoint's name (SNI and certificate checks still use the name):
    // for probes that a proxy must not route on the client's Host ("8091-x").
    QByteArray hostHeaderOverride;
    QByteArray body;
    qsizetype maxBodyBytes = 64 * 1024;
    // Send the request even when the certificate did not verify (never with credentials you
    // care about); by default the probe stops after the handshake and reports the chain.
    bool sendWhenUnverified = false;
};

struct HttpProbeResult
{
    TlsPeerInfo tls; // empty for plain HTTP
    bool requestSent = false; // false: stopped after an unverified handshake
    int status = 0;
    QByteArray reason;
    HttpHeaders headers;
    QByteArray bodyPrefix;
    bool bodyTruncated = false;

    QByteArray header(const QByteArray& name) const;
    // "HTTP 200 OK from https://sandbox.test via 198.18.0.2; certificate verified …"
    QString evidence() const;
};

// An HTTP(S) request from the workstation to an address while presenting a chosen host name
// (like `curl --resolve host:443:addr`), trusting extra CAs (pebble's root, the admin's own CA).
// Used by the deployment's verify step and the checklist. run() blocks the calling worker
// thread, bounded by the endpoint's timeout per phase.
class HttpsProbe
{
    Q_DECLARE_TR_FUNCTIONS(aio::HttpsProbe)

public:
    static Result<HttpProbeResult> run(const HttpProbeRequest& request, const CancelToken& cancel = {});
    // The request as it goes on the wire (exposed for tests and previews).
    static QByteArray serialize(const HttpProbeRequest& request);
    // Refuses a request line or header that would split the request (line breaks, a colon in a
    // header name, spaces in the path or method).
    static Status validate(const HttpProbeRequest& request);
};

} // namespace aio
