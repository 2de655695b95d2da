#include "core/tunnel/AuthProxy.h"

#include "core/crypto/RandomSecret.h"

#include <QUrlQuery>

#include <openssl/crypto.h>

namespace aio {

namespace {

constexpr QByteArrayView kLinkParam = "_aiosm";

bool sameSecret(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && !a.isEmpty() && CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

QByteArray htmlEscaped(const QString& text)
{
    return text.toHtmlEscaped().toUtf8();
}

void noteOpenFailure(TunnelCounters& counters)
{
    counters.openFailures.fetch_add(1);
}

} // namespace

AuthProxy::AuthProxy(Options options)
    : m_options(std::move(options))
{ }

Result<std::shared_ptr<AuthProxy>> AuthProxy::create(Options options)
{
    Result<QString> session = RandomSecret::generate(32);
    if (!session)
        return session.error();
    auto proxy = std::make_shared<AuthProxy>(std::move(options));
    proxy->m_session = session->toLatin1();
    return proxy;
}

void AuthProxy::setListenPort(quint16 port)
{
    m_port.store(port);
}

QByteArray AuthProxy::cookieName() const
{
    return QByteArrayLiteral("aiosm_") + QByteArray::number(m_port.load());
}

Result<QUrl> AuthProxy::newLink(const QString& pathAndQuery)
{
    Result<QString> secret = RandomSecret::generate(32);
    if (!secret)
        return secret.error();
    QString path = pathAndQuery.isEmpty() ? QStringLiteral("/") : pathAndQuery;
    if (!path.startsWith(QLatin1Char('/')))
        path.prepend(QLatin1Char('/'));
    QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(m_port.load()) + path);
    if (!url.isValid())
        return Error(ErrorKind::InvalidInput, tr("Not a path on the sandbox: %1").arg(pathAndQuery));
    QUrlQuery query(url);
    query.addQueryItem(QString::fromLatin1(kLinkParam), *secret);
    url.setQuery(query);
    const QDateTime now = m_now ? m_now() : QDateTime::currentDateTimeUtc();
    std::lock_guard lock(m_mutex);
    for (auto it = m_links.begin(); it != m_links.end();)
        it = it.value() <= now ? m_links.erase(it) : std::next(it);
    m_links.insert(secret->toLatin1(), now.addSecs(kLinkMinutes * 60));
    return url;
}

bool AuthProxy::hostAllowed(const QByteArray& host) const
{
    const QByteArray port = QByteArray::number(m_port.load());
    for (const char* name : {"127.0.0.1:", "localhost:", "[::1]:"})
        if (host.compare(QByteArray(name) + port, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

bool AuthProxy::originAllowed(const QByteArray& origin) const
{
    return origin.startsWith("http://") && hostAllowed(origin.mid(7));
}

bool AuthProxy::hasSessionCookie(const HttpRequestHead& head) const
{
    const QByteArray name = cookieName();
    for (const auto& [n, v] : head.headers) {
        if (n.compare("Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray& pair : v.split(';')) {
            const QByteArray p = pair.trimmed();
            const qsizetype eq = p.indexOf('=');
            if (eq > 0 && p.first(eq) == name && sameSecret(p.sliced(eq + 1), m_session))
                return true;
        }
    }
    return false;
}

void AuthProxy::stripSessionCookie(HttpRequestHead& head) const
{
    QList<QByteArray> kept;
    for (const auto& [n, v] : head.headers) {
        if (n.compare("Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray& pair : v.split(';')) {
            const QByteArray p = pair.trimmed();
            // Every tunnel's cookie goes (browsers send each 127.0.0.1 cookie to every port):
            // none of them is the sandbox's business.
            if (!p.isEmpty() && !p.startsWith("aiosm_"))
                kept.append(p);
        }
    }
    head.remove("Cookie");
    if (!kept.isEmpty())
        head.headers.append({QByteArrayLiteral("Cookie"), kept.join("; ")});
}

QByteArray AuthProxy::page(int status, const QByteArray& reason, const QString& title, const QString& text,
                           const QList<QPair<QByteArray, QByteArray>>& extra) const
{
    const QByteArray body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + htmlEscaped(title)
        + "</title></head>\n<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>"
        + htmlEscaped(title) + "</h1>\n<p>" + htmlEscaped(text)
        + "</p>\n<p><small>AIO Sandbox Manager</small></p></body></html>\n";
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
    out += "Content-Type: text/html; charset=utf-8\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n";
    for (const auto& [n, v] : extra)
        out += n + ": " + v + "\r\n";
    out += "Connection: close\r\n\r\n";
    return out + body;
}

QByteArray AuthProxy::badRequest(const QString& why) const
{
    return page(400, "Bad Request", tr("Bad request"),
                tr("The tunnel's proxy could not read this request: %1").arg(why));
}

QByteArray AuthProxy::unreachable(const Error& why) const
{
    return page(502, "Bad Gateway", tr("The sandbox on %1 cannot be reached right now").arg(m_options.targetName),
                tr("%1 Reload this page in a few seconds: the tunnel reconnects by itself, unless the app's "
                   "Tunnel tab says it needs you (a changed host key, a refused login).")
                    .arg(why.withDetail()));
}

AuthProxy::Decision AuthProxy::decide(HttpRequestHead head)
{
    if (head.count("Host") != 1 || !hostAllowed(head.header("Host")))
        return {false,
                page(403, "Forbidden", tr("Forbidden"),
                     tr("This tunnel only answers requests addressed to 127.0.0.1:%1.").arg(m_port.load()))};
    if (head.count("Origin") > 1 || (head.has("Origin") && !originAllowed(head.header("Origin"))))
        return {
            false,
            page(403, "Forbidden", tr("Forbidden"), tr("Requests from other web pages are refused by this tunnel."))};

    // Browsers say where a request comes from: only this tunnel's own pages (same-origin) and
    // what the admin opened (none: a typed or launched address) get in. A page on another
    // 127.0.0.1 port is same-site, and cookies do not keep ports apart, so without this check it
    // could make authenticated requests (an <img>, a frame) through this tunnel.
    // A link being redeemed is the exception: the secret is the proof, and the app's start page
    // is a file:// page, from which the browser's navigation counts as cross-site.
    const QByteArray target = head.target;
    const qsizetype q = target.indexOf('?');
    const bool redeeming = q >= 0 && target.indexOf(kLinkParam.toByteArray() + '=', q) >= 0;
    if (const QByteArray site = head.header("Sec-Fetch-Site").trimmed().toLower(); !redeeming
        && (head.count("Sec-Fetch-Site") > 1 || (!site.isEmpty() && site != "same-origin" && site != "none")))
        return {
            false,
            page(403, "Forbidden", tr("Forbidden"), tr("Requests from other web pages are refused by this tunnel."))};

    if (redeeming) {
        // Redeem a one-time link: cookie and a redirect to the same address without the secret.
        QUrlQuery query(QString::fromLatin1(target.mid(q + 1)));
        const QByteArray secret = query.queryItemValue(QString::fromLatin1(kLinkParam)).toLatin1();
        bool valid = false;
        {
            const QDateTime now = m_now ? m_now() : QDateTime::currentDateTimeUtc();
            std::lock_guard lock(m_mutex);
            auto it = m_links.find(secret);
            if (it != m_links.end() && sameSecret(it.key(), secret)) {
                valid = it.value() > now;
                m_links.erase(it);
            }
        }
        if (!valid)
            return {false,
                    page(403, "Forbidden", tr("This link was used already or has expired"),
                         tr("Each link the app gives opens one browser session, once, within %n minute(s). "
                            "Open the page again from AIO Sandbox Manager.",
                            nullptr, kLinkMinutes))};
        query.removeAllQueryItems(QString::fromLatin1(kLinkParam));
        QByteArray location = target.first(q);
        if (!query.isEmpty())
            location += '?' + query.toString(QUrl::FullyEncoded).toLatin1();
        const QByteArray cookie = cookieName() + '=' + m_session + "; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict";
        // A page that moves on by itself, not a 303: a redirect would stay part of a navigation
        // that began cross-site (the start page), and the browser would withhold the Strict
        // cookie from it. A navigation this page starts is same-origin and carries the cookie.
        const QByteArray href = QString::fromLatin1(location).toHtmlEscaped().toLatin1();
        const QByteArray body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                "<meta http-equiv=\"refresh\" content=\"0;url="
            + href + "\"><title>AIO Sandbox Manager</title></head>\n<body><p><a href=\"" + href
            + "\">Continue</a></p></body></html>\n";
        QByteArray out = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: " + cookie
            + "\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        return {false, out, false};
    }
    if (!hasSessionCookie(head))
        return {false,
                page(403, "Forbidden", tr("Open this page from AIO Sandbox Manager"),
                     tr("This tunnel to %1 only serves the browser the app opened. Use Open VNC, Open "
                        "code-server or Copy URL in the app's Tunnel tab, or the URL the tunnel command "
                        "printed.")
                         .arg(m_options.targetName))};

    stripSessionCookie(head);
    for (const char* name : {"Authorization", "Proxy-Authorization", "X-AIO-API-Key", "X-AIO-Proxy-Port", "Forwarded",
                             "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP"})
        head.remove(name);
    if (head.has("Upgrade") && !HttpRequestReader::isWebSocketUpgrade(head)) {
        // A protocol switch the proxy does not follow (h2c …): the request goes on as plain HTTP.
        head.remove("Upgrade");
        QList<QByteArray> tokens;
        for (const QByteArray& t : head.header("Connection").split(','))
            if (const QByteArray v = t.trimmed(); !v.isEmpty() && v.compare("upgrade", Qt::CaseInsensitive) != 0)
                tokens.append(v);
        head.remove("Connection");
        if (!tokens.isEmpty())
            head.headers.append({QByteArrayLiteral("Connection"), tokens.join(", ")});
    }
    const QByteArray upstream = m_options.upstreamHost + ':' + QByteArray::number(m_options.upstreamPort);
    head.set(QByteArrayLiteral("Host"), upstream);
    if (head.has("Origin"))
        head.set(QByteArrayLiteral("Origin"), "http://" + upstream); // code-server checks Origin against Host
    Result<QList<QPair<QByteArray, QByteArray>>> creds = m_options.credentials.headers();
    if (!creds)
        return {false, unreachable(creds.error())};
    head.headers.append(*creds);
    return {true, head.serialize()};
}

AuthProxyConnection::AuthProxyConnection(std::shared_ptr<AuthProxy> proxy, std::shared_ptr<TunnelCounters> counters)
    : m_proxy(std::move(proxy))
    , m_counters(std::move(counters))
{
    m_counters->active.fetch_add(1);
    m_counters->total.fetch_add(1);
}

ForwardFilter::Verdict AuthProxyConnection::fromLocal(QByteArrayView data, QByteArray& toRemote, QByteArray& toLocal)
{
    if (m_reader.raw()) { // after a WebSocket upgrade
        toRemote.append(data);
        return Verdict::Continue;
    }
    m_pieces.clear();
    const Status read = m_reader.feed(data, m_pieces);
    for (HttpRequestReader::Piece& piece : m_pieces) {
        if (piece.kind == HttpRequestReader::Piece::Kind::Body) {
            toRemote.append(piece.bytes);
            continue;
        }
        AuthProxy::Decision d = m_proxy->decide(std::move(piece.head));
        if (!d.forward) {
            if (d.refused)
                m_counters->refused.fetch_add(1);
            toLocal = d.bytes;
            return Verdict::Close;
        }
        toRemote.append(d.bytes);
    }
    if (!read) {
        m_counters->refused.fetch_add(1);
        toLocal = m_proxy->badRequest(read.error().detail);
        return Verdict::Close;
    }
    return Verdict::Continue;
}

QByteArray AuthProxyConnection::openFailed(const Error& why)
{
    noteOpenFailure(*m_counters);
    return m_proxy->unreachable(why);
}

void AuthProxyConnection::moved(qint64 toLocal, qint64 toRemote)
{
    m_counters->toBrowser.fetch_add(toLocal);
    m_counters->toSandbox.fetch_add(toRemote);
}

void AuthProxyConnection::ended()
{
    m_counters->active.fetch_sub(1);
}

CountingForward::CountingForward(std::shared_ptr<TunnelCounters> counters)
    : m_counters(std::move(counters))
{
    m_counters->active.fetch_add(1);
    m_counters->total.fetch_add(1);
}

ForwardFilter::Verdict CountingForward::fromLocal(QByteArrayView data, QByteArray& toRemote, QByteArray& toLocal)
{
    Q_UNUSED(toLocal);
    toRemote.append(data);
    return Verdict::Continue;
}

QByteArray CountingForward::openFailed(const Error& why)
{
    Q_UNUSED(why);
    noteOpenFailure(*m_counters);
    return {};
}

void CountingForward::moved(qint64 toLocal, qint64 toRemote)
{
    m_counters->toBrowser.fetch_add(toLocal);
    m_counters->toSandbox.fetch_add(toRemote);
}

void CountingForward::ended()
{
    m_counters->active.fetch_sub(1);
}

} // namespace aio
