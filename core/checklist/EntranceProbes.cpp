#include "core/checklist/EntranceProbes.h"

#include "core/net/HttpsProbe.h"
#include "core/net/WebSocketProbe.h"

namespace aio {

namespace {

QByteArray location(const HttpHeaders& headers)
{
    for (const auto& [name, value] : headers) {
        if (name.compare("Location", Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

QString EntranceProbe::request() const
{
    return (host.isEmpty() ? QString() : QStringLiteral("Host: %1 ").arg(QString::fromLatin1(host)))
        + (websocket ? QStringLiteral("WebSocket ") : QStringLiteral("GET ")) + QString::fromLatin1(path);
}

const QList<EntranceProbe>& EntranceProbes::all()
{
    using K = EntranceProbe::Kind;
    static const QList<EntranceProbe> probes{
        {"/", {}, false, K::Entrance},
        {"/vnc/index.html", {}, false, K::Entrance},
        {"/websockify", {}, true, K::Entrance},
        {"/code-server/", {}, false, K::Entrance},
        {"/mcp", {}, false, K::Entrance},
        {"/v1/docs", {}, false, K::Entrance},
        {"/v1/shell/ws", {}, true, K::Entrance},
        {"/v1/file/download?path=/etc/hostname", {}, false, K::Entrance},
        {"/proxy/9222/json/version", {}, false, K::Entrance},
        {"/v1/file/download?path=/etc/hostname&x=.js", {}, false, K::SuffixBypass},
        {"/v1/sandbox?x=.json", {}, false, K::SuffixBypass},
        {"/v1/openapi.json", {}, false, K::SuffixBypass},
        {"/v1/sandbox", "8091-x", false, K::HostBypass},
        {"/auth", "8081-x", false, K::HostBypass},
        {"/json/version", "9222-x", false, K::HostBypass},
    };
    return probes;
}

bool EntranceProbes::sentToSignIn(int status, const QByteArray& loc, const QUrl& signInUrl)
{
    if (signInUrl.isEmpty() || (status != 302 && status != 303))
        return false;
    const QByteArray wanted = signInUrl.toString(QUrl::FullyEncoded).toUtf8();
    return !wanted.isEmpty() && loc.startsWith(wanted);
}

EntranceOutcome EntranceProbes::run(const ProbeEndpoint& endpoint, const EntranceProbe& probe, const QUrl& signInUrl,
                                    const CancelToken& cancel)
{
    EntranceOutcome out;
    if (probe.websocket) {
        WebSocketProbeRequest ws;
        ws.endpoint = endpoint;
        ws.path = probe.path;
        ws.sendWhenUnverified = true; // anonymous: nothing to leak
        Result<WebSocketProbeResult> r = WebSocketProbe::run(ws, cancel);
        out.requestSent = r && r->requestSent;
        out.status = r ? r->status : 0;
        out.refused = out.requestSent
            && (out.status == 401 || out.status == 403 || sentToSignIn(out.status, location(r->headers), signInUrl));
        out.evidence = r ? r->evidence() : r.error().withDetail();
        return out;
    }
    HttpProbeRequest http;
    http.endpoint = endpoint;
    http.path = probe.path;
    http.hostHeaderOverride = probe.host;
    http.sendWhenUnverified = true;
    Result<HttpProbeResult> r = HttpsProbe::run(http, cancel);
    out.requestSent = r && r->requestSent;
    out.status = r ? r->status : 0;
    const QByteArray loc = r ? r->header("Location") : QByteArray();
    // nginx may also answer a foreign Host with 400 or 421 before proxying: refused as well.
    out.refused = out.requestSent
        && (out.status == 401 || out.status == 403 || sentToSignIn(out.status, loc, signInUrl)
            || (!probe.host.isEmpty() && (out.status == 400 || out.status == 421)));
    out.evidence = r ? r->evidence() : r.error().withDetail();
    if (!loc.isEmpty())
        out.evidence += QStringLiteral("; Location: ") + QString::fromUtf8(loc.left(200));
    return out;
}

} // namespace aio
