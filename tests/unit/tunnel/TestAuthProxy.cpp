// The tunnels' authenticating proxy as a browser and a hostile local process meet it: the
// request reader's strictness (where a lenient reader would let a request be smuggled past the
// proxy), the one-time link and its cookie, Host and Origin checks, what is passed on, and the
// short-lived tokens it signs (checked by `openssl dgst -verify` against the public key).

#include "core/crypto/RsaKeyPair.h"
#include "core/net/HttpRequestReader.h"
#include "core/tunnel/AuthProxy.h"
#include "core/tunnel/SandboxCredentials.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include "common/RunTool.h"

using namespace aio;

namespace {

struct Fed
{
    QList<HttpRequestHead> heads;
    QByteArray body;
    bool ok = true;
};

Fed feedAll(const QByteArray& input, qsizetype piece = 0)
{
    HttpRequestReader reader;
    Fed out;
    const qsizetype step = piece > 0 ? piece : qMax<qsizetype>(1, input.size());
    for (qsizetype pos = 0; pos < input.size() && out.ok; pos += step) {
        QList<HttpRequestReader::Piece> pieces;
        out.ok = bool(reader.feed(QByteArrayView(input).sliced(pos, qMin(step, input.size() - pos)), pieces));
        for (const auto& p : pieces) {
            if (p.kind == HttpRequestReader::Piece::Kind::Head)
                out.heads.append(p.head);
            else
                out.body += p.bytes;
        }
    }
    return out;
}

std::shared_ptr<AuthProxy> makeProxy(SandboxCredentials creds = SandboxCredentials::fromApiKey(QStringLiteral("k3y")))
{
    AuthProxy::Options o;
    o.targetName = QStringLiteral("prod-vm");
    o.credentials = std::move(creds);
    auto p = *AuthProxy::create(o);
    p->setListenPort(41234);
    return p;
}

QPair<QByteArray, QByteArray> field(const QByteArray& name, const QByteArray& value)
{
    return {name, value};
}

HttpRequestHead get(const QByteArray& target, const QByteArray& host = "127.0.0.1:41234")
{
    HttpRequestHead h;
    h.method = "GET";
    h.target = target;
    h.version = "HTTP/1.1";
    h.headers.append(field("Host", host));
    return h;
}

QByteArray headerOf(const QByteArray& response, const QByteArray& name)
{
    const qsizetype at = response.indexOf("\r\n" + name + ": ");
    if (at < 0)
        return {};
    const qsizetype start = at + name.size() + 4;
    return response.mid(start, response.indexOf("\r\n", start) - start);
}

// Redeems a fresh link as a browser would: the cookie pair "name=value".
QByteArray cookieFor(AuthProxy& proxy, const QString& path = QStringLiteral("/"))
{
    const QUrl link = *proxy.newLink(path);
    const AuthProxy::Decision d
        = proxy.decide(get(link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority).toLatin1()));
    const QByteArray setCookie = headerOf(d.bytes, "Set-Cookie");
    return setCookie.left(setCookie.indexOf(';'));
}

} // namespace

class TestAuthProxy : public QObject
{
    Q_OBJECT

private slots:
    void readerSplitsKeepAliveRequestsAndPassesBodiesUnchanged()
    {
        const QByteArray input = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                                 "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n"
                                 "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
        for (qsizetype piece : {0, 1, 2, 7}) {
            const Fed f = feedAll(input, piece);
            QVERIFY(f.ok);
            QCOMPARE(f.heads.size(), 3);
            QCOMPARE(f.heads[0].target, QByteArray("/a"));
            QCOMPARE(f.heads[2].target, QByteArray("/c"));
            QCOMPARE(f.body, QByteArray("hello3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n"));
        }
    }

    void emptyLinesBeforeARequestAreSkippedHoweverTheyArrive()
    {
        const QByteArray input = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
        for (qsizetype piece : {0, 1, 2, 3}) {
            const Fed f = feedAll(input, piece);
            QVERIFY(f.ok);
            QCOMPARE(f.heads.size(), 2);
            QCOMPARE(f.heads[1].target, QByteArray("/b"));
        }
        QVERIFY(!feedAll("\rGET / HTTP/1.1\r\nHost: x\r\n\r\n", 1).ok); // a lone CR is no empty line
    }

    void readerRefusesWhatCouldSmuggleARequest_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::newRow("TE and CL") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
        QTest::newRow("two CLs") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n");
        QTest::newRow("CL not a number") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\n");
        QTest::newRow("TE gzip") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\n\n");
        QTest::newRow("bare CR in a value") << QByteArray("GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n");
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n");
        QTest::newRow("folded line") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n");
        QTest::newRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        QTest::newRow("chunk size not hex")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        QTest::newRow("chunk without CRLF")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY");
        QTest::newRow("absolute-form target") << QByteArray("GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::newRow("asterisk target") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::newRow("space before chunk size")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 1\r\na\r\n0\r\n\r\n");
        QTest::newRow("head too large") << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(70000, 'a'));
    }
    void readerRefusesWhatCouldSmuggleARequest()
    {
        QFETCH(QByteArray, input);
        QVERIFY(!feedAll(input).ok);
        QVERIFY(!feedAll(input, 3).ok);
    }

    void afterAWebSocketUpgradeEverythingIsRaw()
    {
        const Fed f = feedAll("GET /websockify HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\n"
                              "Upgrade: websocket\r\n\r\nGET /not-a-request HTTP/1.1\r\n\r\n");
        QVERIFY(f.ok);
        QCOMPARE(f.heads.size(), 1);
        QCOMPARE(f.body, QByteArray("GET /not-a-request HTTP/1.1\r\n\r\n"));
    }

    void onlyAWebSocketUpgradeMakesTheConnectionRaw()
    {
        // h2c (or any other switch) is not followed: the next request is read and rewritten too.
        const Fed f = feedAll("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n"
                              "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(f.ok);
        QCOMPARE(f.heads.size(), 2);
        // A POST with Upgrade: websocket is no WebSocket handshake either.
        QCOMPARE(feedAll("POST /websockify HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"
                         "Content-Length: 0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
                     .heads.size(),
                 2);
        auto proxy = makeProxy();
        HttpRequestHead h = get("/");
        h.headers.append(field("Cookie", cookieFor(*proxy)));
        h.headers.append(field("Connection", "keep-alive, Upgrade"));
        h.headers.append(field("Upgrade", "h2c"));
        const AuthProxy::Decision d = proxy->decide(h);
        QVERIFY(d.forward);
        const HttpRequestHead out = feedAll(d.bytes).heads.value(0);
        QVERIFY(!out.has("Upgrade"));
        QCOMPARE(out.header("Connection"), QByteArray("keep-alive"));
    }

    void otherPagesOfThisWorkstationAreRefused()
    {
        // Cookies do not keep ports apart: a page on another 127.0.0.1 port would carry ours.
        auto proxy = makeProxy();
        const QByteArray cookie = cookieFor(*proxy);
        for (const QByteArray& site : {QByteArray("same-site"), QByteArray("cross-site")}) {
            HttpRequestHead h = get("/vnc/index.html");
            h.headers.append(field("Cookie", cookie));
            h.headers.append(field("Sec-Fetch-Site", site));
            QVERIFY2(proxy->decide(h).bytes.startsWith("HTTP/1.1 403 "), site.constData());
        }
        for (const QByteArray& site : {QByteArray("same-origin"), QByteArray("none")}) {
            HttpRequestHead h = get("/vnc/index.html");
            h.headers.append(field("Cookie", cookie));
            h.headers.append(field("Sec-Fetch-Site", site));
            QVERIFY2(proxy->decide(h).forward, site.constData());
        }
    }

    void aLinkLetsOneBrowserInOnceAndTheCookieIsStrict()
    {
        auto proxy = makeProxy();
        const QUrl link = *proxy->newLink(QStringLiteral("/vnc/index.html?autoconnect=true"));
        QCOMPARE(link.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(link.port(), 41234);
        const QByteArray target = link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority).toLatin1();
        QVERIFY(QUrlQuery(link).queryItemValue("_aiosm").size() >= 43);

        const AuthProxy::Decision first = proxy->decide(get(target));
        QVERIFY(!first.forward);
        // A page that moves on by itself (a same-origin navigation that carries the Strict cookie),
        // not a redirect, which would stay part of the cross-site navigation from the start page.
        QVERIFY(first.bytes.startsWith("HTTP/1.1 200 "));
        QVERIFY(
            first.bytes.contains("<meta http-equiv=\"refresh\" content=\"0;url=/vnc/index.html?autoconnect=true\">"));
        const QByteArray cookie = headerOf(first.bytes, "Set-Cookie");
        QVERIFY(cookie.startsWith("aiosm_41234="));
        QVERIFY(cookie.contains("; HttpOnly"));
        QVERIFY(cookie.contains("; Max-Age="));
        QVERIFY(cookie.contains("; SameSite=Strict"));

        const AuthProxy::Decision again = proxy->decide(get(target));
        QVERIFY(!again.forward);
        QVERIFY(again.bytes.startsWith("HTTP/1.1 403 "));
        QVERIFY(again.bytes.contains("used already or has expired"));
    }

    void aLinkOpenedFromTheStartPageIsRedeemedThoughCrossSite()
    {
        // The app's start page is a file:// page: the browser's navigation from it is cross-site.
        auto proxy = makeProxy();
        const QUrl link = *proxy->newLink(QStringLiteral("/"));
        HttpRequestHead h = get(link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority).toLatin1());
        h.headers.append(field("Sec-Fetch-Site", "cross-site"));
        const AuthProxy::Decision d = proxy->decide(h);
        QVERIFY(d.bytes.contains("Set-Cookie: aiosm_41234="));
    }

    void linksExpire()
    {
        auto proxy = makeProxy();
        QDateTime now = QDateTime::currentDateTimeUtc();
        proxy->setClockForTesting([&] { return now; });
        const QUrl link = *proxy->newLink(QStringLiteral("/"));
        now = now.addSecs(AuthProxy::kLinkMinutes * 60 + 1);
        const AuthProxy::Decision d
            = proxy->decide(get(link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority).toLatin1()));
        QVERIFY(d.bytes.startsWith("HTTP/1.1 403 "));
    }

    void withoutTheCookieEverythingIs403()
    {
        auto proxy = makeProxy();
        for (const QByteArray& path :
             {QByteArray("/"), QByteArray("/websockify"), QByteArray("/v1/ping"), QByteArray("/code-server/x.js")}) {
            const AuthProxy::Decision d = proxy->decide(get(path));
            QVERIFY(!d.forward);
            QVERIFY2(d.bytes.startsWith("HTTP/1.1 403 "), path.constData());
        }
        HttpRequestHead forged = get("/");
        forged.headers.append(field("Cookie", "aiosm_41234=guessed"));
        QVERIFY(!proxy->decide(forged).forward);
        // A cookie of another tunnel (another port) does not open this one.
        auto other = makeProxy();
        other->setListenPort(41235);
        HttpRequestHead foreign = get("/");
        foreign.headers.append(field("Cookie", cookieFor(*other).replace("41235", "41234")));
        QVERIFY(!proxy->decide(foreign).forward);
    }

    void hostAndOriginAreChecked()
    {
        auto proxy = makeProxy();
        const QByteArray cookie = cookieFor(*proxy);
        HttpRequestHead rebound = get("/", "attacker.example:41234");
        rebound.headers.append(field("Cookie", cookie));
        QVERIFY(proxy->decide(rebound).bytes.startsWith("HTTP/1.1 403 "));
        HttpRequestHead otherPort = get("/", "127.0.0.1:8080");
        otherPort.headers.append(field("Cookie", cookie));
        QVERIFY(!proxy->decide(otherPort).forward);
        HttpRequestHead crossSite = get("/websockify");
        crossSite.headers.append(field("Cookie", cookie));
        crossSite.headers.append(field("Origin", "http://attacker.example"));
        QVERIFY(!proxy->decide(crossSite).forward);
        HttpRequestHead localhost = get("/", "localhost:41234");
        localhost.headers.append(field("Cookie", cookie));
        localhost.headers.append(field("Origin", "http://localhost:41234"));
        QVERIFY(proxy->decide(localhost).forward);
    }

    void whatIsPassedOnCarriesTheSandboxsCredentialsAndNothingOfTheClients()
    {
        auto proxy = makeProxy();
        const QByteArray cookie = cookieFor(*proxy);
        HttpRequestHead h = get("/websockify");
        h.headers.append(field("Cookie", "theme=dark; " + cookie + "; aiosm_5555=other-tunnel; lang=en"));
        h.headers.append(field("X-Forwarded-For", "10.0.0.1"));
        h.headers.append(field("Forwarded", "for=10.0.0.1"));
        h.headers.append(field("Authorization", "Bearer client-token"));
        h.headers.append(field("X-AIO-API-Key", "client-key"));
        h.headers.append(field("X-AIO-Proxy-Port", "9222"));
        h.headers.append(field("Origin", "http://127.0.0.1:41234"));
        h.headers.append(field("Connection", "Upgrade"));
        h.headers.append(field("Upgrade", "websocket"));
        const AuthProxy::Decision d = proxy->decide(h);
        QVERIFY(d.forward);
        const Fed back = feedAll(d.bytes);
        QVERIFY(back.ok);
        const HttpRequestHead& out = back.heads.at(0);
        QCOMPARE(out.header("Host"), QByteArray("127.0.0.1:8080"));
        QCOMPARE(out.header("Origin"), QByteArray("http://127.0.0.1:8080"));
        QCOMPARE(out.header("X-AIO-API-Key"), QByteArray("k3y"));
        QCOMPARE(out.count("X-AIO-API-Key"), 1);
        QVERIFY(!out.has("Authorization"));
        QVERIFY(!out.has("X-AIO-Proxy-Port"));
        QVERIFY(!out.has("X-Forwarded-For"));
        QVERIFY(!out.has("Forwarded"));
        QCOMPARE(out.header("Cookie"), QByteArray("theme=dark; lang=en"));
        QCOMPARE(out.header("Upgrade"), QByteArray("websocket"));
    }

    void aConnectionAnswers400ToWhatItCannotReadAndCountsIt()
    {
        auto proxy = makeProxy();
        auto counters = std::make_shared<TunnelCounters>();
        {
            AuthProxyConnection conn(proxy, counters);
            QCOMPARE(counters->active.load(), 1);
            QByteArray toRemote, toLocal;
            QCOMPARE(conn.fromLocal("GET / HTTP/1.1\nHost: x\n\n", toRemote, toLocal), ForwardFilter::Verdict::Close);
            QVERIFY(toLocal.startsWith("HTTP/1.1 400 "));
            QVERIFY(toRemote.isEmpty());
            conn.ended();
        }
        QCOMPARE(counters->active.load(), 0);
        QCOMPARE(counters->refused.load(), 1);
    }

    void tokensAreShortLivedRenewedAndVerifyWithOpenssl()
    {
        Result<RsaKeyPair> keys = RsaKeyPair::generate(2048);
        QVERIFY(keys);
        Result<SandboxCredentials> creds = SandboxCredentials::fromJwtPrivateKey(keys->privateKeyPem);
        QVERIFY(creds);
        QDateTime now = QDateTime::fromSecsSinceEpoch(1'900'000'000, Qt::UTC);
        creds->setClockForTesting([&] { return now; });
        const auto tokenOf = [&] {
            const auto h = creds->headers();
            [&] {
                QVERIFY(h && h->size() == 1 && h->at(0).first == "Authorization");
            }();
            return h->at(0).second.mid(7);
        };
        const QByteArray first = tokenOf();
        const QList<QByteArray> parts = first.split('.');
        QCOMPARE(parts.size(), 3);
        const QJsonObject payload
            = QJsonDocument::fromJson(
                  QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
                  .object();
        QCOMPARE(payload.value("exp").toInteger(), 1'900'000'000 + SandboxCredentials::kLifetimeSeconds);
        QVERIFY(!payload.contains("aud")); // the image refuses tokens with an audience
        // Reused while it has time left, renewed before it runs out.
        now = now.addSecs(SandboxCredentials::kLifetimeSeconds - SandboxCredentials::kRenewSeconds - 1);
        QCOMPARE(tokenOf(), first);
        now = now.addSecs(2);
        const QByteArray second = tokenOf();
        QVERIFY(second != first);

        QTemporaryDir dir;
        const QString pub = test::writeFile(dir, "pub.pem", keys->publicKeyPem);
        const QList<QByteArray> p2 = second.split('.');
        const QString sig = test::writeFile(
            dir, "sig", QByteArray::fromBase64(p2[2], QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        QByteArray out;
        QCOMPARE(test::runOpenssl({"dgst", "-sha256", "-verify", pub, "-signature", sig}, &out, p2[0] + '.' + p2[1]),
                 0);
        QVERIFY(out.contains("Verified OK"));
    }
};

QTEST_GUILESS_MAIN(TestAuthProxy)
#include "TestAuthProxy.moc"
