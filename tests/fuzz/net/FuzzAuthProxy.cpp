// Whatever a local client sends through a tunnel's authenticating proxy: the proxy must never
// crash, and whatever it passes on to the sandbox must carry the sandbox's Host and the app's
// credentials, never the client's own Authorization, X-AIO-API-Key or X-AIO-Proxy-Port, nor the
// proxy's cookie; a client without the cookie gets nothing through. The first byte chooses the
// piece size and whether the client holds the cookie.

#include "core/net/HttpRequestReader.h"
#include "core/tunnel/AuthProxy.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype piece = 1 + (data[0] & 0x3f);
    const bool withCookie = data[0] & 0x40;
    QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    static std::shared_ptr<aio::AuthProxy> proxy = [] {
        aio::AuthProxy::Options o;
        o.targetName = QStringLiteral("fuzz");
        o.credentials = aio::SandboxCredentials::fromApiKey(QStringLiteral("the-app-key"));
        auto p = *aio::AuthProxy::create(o);
        p->setListenPort(40000);
        return p;
    }();
    QByteArray cookie;
    if (withCookie) {
        // Let a browser in the way the app does, and keep the cookie it was given.
        const QUrl link = *proxy->newLink(QStringLiteral("/"));
        aio::HttpRequestHead h;
        h.method = "GET";
        h.target = link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority).toLatin1();
        h.version = "HTTP/1.1";
        h.headers.append(qMakePair(QByteArray("Host"), QByteArray("127.0.0.1:40000")));
        const aio::AuthProxy::Decision d = proxy->decide(h);
        const qsizetype at = d.bytes.indexOf("Set-Cookie: ");
        if (d.forward || at < 0)
            abort();
        cookie = d.bytes.mid(at + 12, d.bytes.indexOf(';', at) - at - 12);
        input.replace("COOKIE", cookie);
    }
    auto counters = std::make_shared<aio::TunnelCounters>();
    aio::AuthProxyConnection conn(proxy, counters);
    QByteArray toRemote;
    QByteArray toLocal;
    for (qsizetype pos = 0; pos < input.size(); pos += piece)
        if (conn.fromLocal(QByteArrayView(input).sliced(pos, std::min(piece, input.size() - pos)), toRemote, toLocal)
            == aio::ForwardFilter::Verdict::Close)
            break;
    conn.ended();
    if (!withCookie && !toRemote.isEmpty())
        abort();
    // Every head that went on: read it back and check what it carries.
    aio::HttpRequestReader reader;
    QList<aio::HttpRequestReader::Piece> pieces;
    (void)reader.feed(toRemote, pieces);
    for (const auto& p : pieces) {
        if (p.kind != aio::HttpRequestReader::Piece::Kind::Head)
            continue;
        const aio::HttpRequestHead& h = p.head;
        if (h.count("Host") != 1 || h.header("Host") != "127.0.0.1:8080")
            abort();
        if (h.count("X-AIO-API-Key") != 1 || h.header("X-AIO-API-Key") != "the-app-key")
            abort();
        if (h.has("Authorization") || h.has("X-AIO-Proxy-Port") || h.has("Proxy-Authorization"))
            abort();
        // No cookie named like a tunnel's goes on (a value that merely contains the text is the
        // client's own business: it holds the cookie anyway).
        for (const QByteArray& pair : h.header("Cookie").split(';'))
            if (pair.trimmed().startsWith("aiosm_"))
                abort();
    }
    if (counters->active.load() != 0)
        abort();
    return 0;
}
