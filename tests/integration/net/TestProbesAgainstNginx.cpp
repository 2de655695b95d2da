// The workstation probes against a real nginx on 127.0.0.1 with certificates made by openssl here,
// and a real WebSocket server behind it (as the sandbox's /websockify is behind nginx on a VM).
#include "LocalNginx.h"

#include "core/net/HttpsProbe.h"
#include "core/net/PortProbe.h"
#include "core/net/WebSocketProbe.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtConcurrent/QtConcurrentRun>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace aio;

class TestProbesAgainstNginx : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void rightNameAndTrustedCaVerifies();
    void wrongNameFailsVerificationAndSendsNothing();
    void untrustedCaFailsVerification();
    void unverifiedRequestIsSentOnlyWhenAsked();
    void plainHttpRedirectIsReported();
    void authorizationHeaderReachesTheServer();
    void webSocketUpgradeThroughNginxReadsTheRfbBanner();
    void webSocketOnPlainRouteIsNotUpgraded();
    void refusedUpgradeEndsWithItsBodyOnAKeptAliveConnection();
    void closedPortIsRefused();
    void openPortIsOpen();
    void fullBacklogPortLooksFiltered();
    void cancelledProbeStops();
    void cancelWakesAWaitingProbe();

private:
    template <typename T>
    T await(QFuture<T> future)
    {
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 30'000);
        }();
        return future.result();
    }
    ProbeEndpoint endpoint(const QString& name, bool trustCa = true) const;
    QSslCertificate loadCert(const QString& file) const;

    LocalNginx m_nginx;
    QWebSocketServer m_ws{QStringLiteral("probe-test"), QWebSocketServer::NonSecureMode};
    quint16 m_tlsPort = 0;
    quint16 m_httpPort = 0;
    QSslCertificate m_ca;
    QSslCertificate m_otherCa;
};

QSslCertificate TestProbesAgainstNginx::loadCert(const QString& file) const
{
    QFile f(m_nginx.dir() + QLatin1Char('/') + file);
    if (!f.open(QIODevice::ReadOnly))
        return QSslCertificate();
    return QSslCertificate(f.readAll(), QSsl::Pem);
}

ProbeEndpoint TestProbesAgainstNginx::endpoint(const QString& name, bool trustCa) const
{
    ProbeEndpoint e;
    e.address = *HostName::parse(QStringLiteral("127.0.0.1"));
    e.port = Port(m_tlsPort);
    e.hostName = *HostName::parse(name);
    e.extraCaCertificates = {trustCa ? m_ca : m_otherCa};
    e.useSystemCaCertificates = false;
    e.timeoutMs = 10'000;
    return e;
}

void TestProbesAgainstNginx::initTestCase()
{
    const QString d = m_nginx.dir();
    QString error;
    const QString openssl = QStringLiteral("openssl");
    auto makeCa = [&](const QString& base, const QString& cn) {
        return LocalNginx::runTool(openssl,
                                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                    QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                    QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                    QStringLiteral("-keyout"), base + QStringLiteral(".key"), QStringLiteral("-out"),
                                    base + QStringLiteral(".pem"), QStringLiteral("-days"), QStringLiteral("2"),
                                    QStringLiteral("-subj"), QStringLiteral("/CN=") + cn},
                                   &error, d);
    };
    QVERIFY2(makeCa(QStringLiteral("ca"), QStringLiteral("Probe Test CA")), qPrintable(error));
    QVERIFY2(makeCa(QStringLiteral("other-ca"), QStringLiteral("Other CA")), qPrintable(error));
    QFile ext(d + QStringLiteral("/ext.cnf"));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("subjectAltName=DNS:probe.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    ext.close();
    QVERIFY2(LocalNginx::runTool(openssl,
                                 {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                                  QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                                  QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("server.key"),
                                  QStringLiteral("-out"), QStringLiteral("server.csr"), QStringLiteral("-subj"),
                                  QStringLiteral("/CN=probe.test")},
                                 &error, d),
             qPrintable(error));
    QVERIFY2(LocalNginx::runTool(openssl,
                                 {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                                  QStringLiteral("server.csr"), QStringLiteral("-CA"), QStringLiteral("ca.pem"),
                                  QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
                                  QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-out"),
                                  QStringLiteral("server.pem"), QStringLiteral("-extfile"), QStringLiteral("ext.cnf")},
                                 &error, d),
             qPrintable(error));
    m_ca = loadCert(QStringLiteral("ca.pem"));
    m_otherCa = loadCert(QStringLiteral("other-ca.pem"));
    QVERIFY(!m_ca.isNull() && !m_otherCa.isNull());

    QVERIFY(m_ws.listen(QHostAddress::LocalHost, 0));
    connect(&m_ws, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket* socket = m_ws.nextPendingConnection()) {
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            socket->sendBinaryMessage(QByteArray("RFB 003.008\n"));
        }
    });

    m_tlsPort = LocalNginx::freePort();
    m_httpPort = LocalNginx::freePort();
    QVERIFY(m_tlsPort && m_httpPort && m_tlsPort != m_httpPort);
    const QString servers = QStringLiteral(R"(
    server {
        listen 127.0.0.1:%1 ssl;
        server_name probe.test;
        ssl_certificate %3/server.pem;
        ssl_certificate_key %3/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location = /v1/ping { default_type application/json; return 200 '{"status":"ok"}'; }
        location = /whoami { default_type text/plain; return 200 "auth=$http_authorization"; }
        location /websockify {
            proxy_pass http://127.0.0.1:%4;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
        }
        location / { return 401; }
    }
    server {
        listen 127.0.0.1:%2;
        location / { return 301 https://$host$request_uri; }
    }
)")
                                .arg(m_tlsPort)
                                .arg(m_httpPort)
                                .arg(d)
                                .arg(m_ws.serverPort());
    QVERIFY2(m_nginx.start(servers, m_tlsPort, &error), qPrintable(error));
}

void TestProbesAgainstNginx::cleanupTestCase()
{
    m_nginx.stop();
}

void TestProbesAgainstNginx::rightNameAndTrustedCaVerifies()
{
    HttpProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"));
    r.path = "/v1/ping";
    auto result = await(QtConcurrent::run([r] { return HttpsProbe::run(r); }));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
    QVERIFY2(result->tls.verified, qPrintable(result->tls.toString()));
    QVERIFY(result->requestSent);
    QCOMPARE(result->status, 200);
    QCOMPARE(result->bodyPrefix, QByteArray(R"({"status":"ok"})"));
    QCOMPARE(result->header("Content-Type"), QByteArray("application/json"));
    QVERIFY(!result->tls.chain.isEmpty());
    QVERIFY2(result->tls.chain.first().issuer.contains(QStringLiteral("CN=Probe Test CA")),
             qPrintable(result->tls.chain.first().issuer));
    QVERIFY(result->tls.chain.first().dnsNames.contains(QStringLiteral("probe.test")));
    QVERIFY(result->tls.chain.first().coversHost(QStringLiteral("probe.test")));
    QVERIFY(result->tls.chain.first().notAfter > QDateTime::currentDateTimeUtc());
    QVERIFY(result->evidence().contains(QStringLiteral("HTTP 200")));
}

void TestProbesAgainstNginx::wrongNameFailsVerificationAndSendsNothing()
{
    HttpProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("wrong.test"));
    r.path = "/v1/ping";
    auto result = await(QtConcurrent::run([r] { return HttpsProbe::run(r); }));
    QVERIFY(result.ok());
    QVERIFY(result->tls.encrypted == false || !result->tls.verified);
    QVERIFY(!result->tls.verified);
    QVERIFY2(result->tls.hasError(QSslError::HostNameMismatch), qPrintable(result->tls.toString()));
    QVERIFY(!result->requestSent);
    QCOMPARE(result->status, 0);
    QVERIFY(!result->tls.chain.isEmpty()); // evidence is still there
}

void TestProbesAgainstNginx::untrustedCaFailsVerification()
{
    HttpProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"), false);
    auto result = await(QtConcurrent::run([r] { return HttpsProbe::run(r); }));
    QVERIFY(result.ok());
    QVERIFY(!result->tls.verified);
    QVERIFY(!result->tls.hasError(QSslError::HostNameMismatch));
    QVERIFY2(result->tls.hasError(QSslError::UnableToGetLocalIssuerCertificate)
                 || result->tls.hasError(QSslError::UnableToVerifyFirstCertificate)
                 || result->tls.hasError(QSslError::CertificateUntrusted),
             qPrintable(result->tls.toString()));
    QVERIFY(!result->requestSent);
}

void TestProbesAgainstNginx::unverifiedRequestIsSentOnlyWhenAsked()
{
    HttpProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"), false);
    r.path = "/v1/ping";
    r.sendWhenUnverified = true;
    auto result = await(QtConcurrent::run([r] { return HttpsProbe::run(r); }));
    QVERIFY(result.ok());
    QVERIFY(!result->tls.verified);
    QVERIFY(result->requestSent);
    QCOMPARE(result->status, 200);
}

void TestProbesAgainstNginx::plainHttpRedirectIsReported()
{
    HttpProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"));
    r.endpoint.tls = false;
    r.endpoint.port = Port(m_httpPort);
    r.path = "/vnc/index.html?x=1";
    auto result = await(QtConcurrent::run([r] { return HttpsProbe::run(r); }));
    QVERIFY(result.ok());
    QVERIFY(result->requestSent);
    QCOMPARE(result->status, 301);
    // nginx builds the redirect from the Host header we presented, not the address.
    QCOMPARE(result->header("Location"), QByteArray("https://probe.test/vnc/index.html?x=1"));
}

void TestProbesAgainstNginx::authorizationHeaderReachesTheServer()
{
    HttpProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"));
    r.path = "/whoami";
    r.headers.append({QByteArray("Authorization"), QByteArray("Bearer abc.def")});
    auto result = await(QtConcurrent::run([r] { return HttpsProbe::run(r); }));
    QVERIFY(result.ok());
    QCOMPARE(result->bodyPrefix, QByteArray("auth=Bearer abc.def"));

    r.headers = {{QByteArray("X-Evil"), QByteArray("a\r\nInjected: yes")}};
    auto refused = HttpsProbe::run(r);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().kind, ErrorKind::InvalidInput);
}

void TestProbesAgainstNginx::webSocketUpgradeThroughNginxReadsTheRfbBanner()
{
    WebSocketProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"));
    r.path = "/websockify";
    auto result = await(QtConcurrent::run([r] { return WebSocketProbe::run(r); }));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
    QCOMPARE(result->status, 101);
    QVERIFY(result->acceptValid);
    QVERIFY(result->upgraded());
    QCOMPARE(result->firstBytes, QByteArray("RFB 003.008\n"));
    QVERIFY(result->tls.verified);
}

void TestProbesAgainstNginx::webSocketOnPlainRouteIsNotUpgraded()
{
    WebSocketProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"));
    r.path = "/vnc/index.html";
    auto result = await(QtConcurrent::run([r] { return WebSocketProbe::run(r); }));
    QVERIFY(result.ok());
    QCOMPARE(result->status, 401);
    QVERIFY(!result->upgraded());
    QVERIFY(result->firstBytes.isEmpty());
    QVERIFY(result->evidence().contains(QStringLiteral("401")));
}

// nginx keeps a refused upgrade's connection open (keep-alive). The probe must take the refusal's
// body as long as Content-Length says and stop, not read on until the server or its own timeout
// closes the connection (which cost the verify step 15 s per WebSocket check).
void TestProbesAgainstNginx::refusedUpgradeEndsWithItsBodyOnAKeptAliveConnection()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    bool clientClosedFirst = false;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket* socket = server.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            if (!socket->readAll().contains("\r\n\r\n"))
                return;
            socket->write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nnope!");
            // Bytes that belong to no answer, sent later on the same connection: a probe that
            // reads past the body takes them in.
            QTimer::singleShot(300, socket, [socket] { socket->write("LATER"); });
        });
        connect(socket, &QTcpSocket::disconnected, socket, [&clientClosedFirst, socket] {
            clientClosedFirst = true;
            socket->deleteLater();
        });
    });
    WebSocketProbeRequest r;
    r.endpoint.address = *HostName::parse(QStringLiteral("127.0.0.1"));
    r.endpoint.port = Port(server.serverPort());
    r.endpoint.tls = false;
    r.endpoint.timeoutMs = 20'000;
    r.path = "/websockify";
    auto result = await(QtConcurrent::run([r] { return WebSocketProbe::run(r); }));
    QVERIFY2(result.ok(), qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(result->status, 401);
    QCOMPARE(result->bodyPrefix, QByteArray("nope!"));
    QTRY_VERIFY(clientClosedFirst); // the probe hung up; the server never closed
}

void TestProbesAgainstNginx::closedPortIsRefused()
{
    const quint16 port = LocalNginx::freePort(); // nothing listens there any more
    const PortProbeResult r = await(QtConcurrent::run(
        [port] { return PortProbe::run(*HostName::parse(QStringLiteral("127.0.0.1")), Port(port), 3000); }));
    QCOMPARE(r.state, PortState::Refused);
    QVERIFY(r.evidence().contains(QString::number(port)));

    HttpProbeRequest http;
    http.endpoint = endpoint(QStringLiteral("probe.test"));
    http.endpoint.port = Port(port);
    auto result = HttpsProbe::run(http);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, ErrorKind::ConnectionRefused);
}

void TestProbesAgainstNginx::openPortIsOpen()
{
    const PortProbeResult r = PortProbe::run(*HostName::parse(QStringLiteral("127.0.0.1")), Port(m_tlsPort), 3000);
    QCOMPARE(r.state, PortState::Open);
}

// A loopback listener that never accepts. With `fill`, its accept queue (backlog 0) is filled
// first, so Linux drops further SYNs, exactly what a dropping firewall looks like from outside;
// without, connections complete in the kernel and then hear nothing, like a hung server.
struct SilentListener
{
    int fd = -1;
    quint16 port = 0;
    std::vector<std::unique_ptr<QTcpSocket>> fillers;
    bool full = false;

    explicit SilentListener(bool fill)
    {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0
            || ::listen(fd, fill ? 0 : 16) != 0)
            return;
        socklen_t len = sizeof addr;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        port = ntohs(addr.sin_port);
        for (int i = 0; fill && i < 8 && !full; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(QHostAddress::LocalHost, port);
            full = !s->waitForConnected(1000);
            fillers.push_back(std::move(s));
        }
    }
    ~SilentListener()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

void TestProbesAgainstNginx::fullBacklogPortLooksFiltered()
{
    SilentListener listener(true);
    QVERIFY(listener.port != 0);
    QVERIFY2(listener.full, "the accept queue never filled up");
    const PortProbeResult r = PortProbe::run(*HostName::parse(QStringLiteral("127.0.0.1")), Port(listener.port), 1500);
    QCOMPARE(r.state, PortState::Filtered);
}

// A cancel wakes a probe that waits (for a connection, for an answer) at once, from another
// thread; the probes' timeouts here are far longer than the test allows.
void TestProbesAgainstNginx::cancelWakesAWaitingProbe()
{
    const HostName loopback = *HostName::parse(QStringLiteral("127.0.0.1"));
    {
        SilentListener dropping(true);
        QVERIFY2(dropping.full, "the accept queue never filled up");
        CancelToken cancel;
        QElapsedTimer clock;
        clock.start();
        QFuture<PortProbeResult> probe
            = QtConcurrent::run([&] { return PortProbe::run(loopback, Port(dropping.port), 60'000, cancel); });
        QTest::qWait(300);
        QVERIFY(!probe.isFinished());
        cancel.cancel();
        const PortProbeResult r = probe.result();
        QCOMPARE(r.state, PortState::Unknown); // cancelled: nothing was observed, so not "closed"
        QVERIFY2(clock.elapsed() < 30'000, "the connect waited for its timeout");
    }
    {
        SilentListener hung(false);
        QVERIFY(hung.port != 0);
        HttpProbeRequest request;
        request.endpoint.address = loopback;
        request.endpoint.port = Port(hung.port);
        request.endpoint.tls = false;
        request.endpoint.timeoutMs = 60'000;
        CancelToken cancel;
        QElapsedTimer clock;
        clock.start();
        QFuture<Result<HttpProbeResult>> probe = QtConcurrent::run([&] { return HttpsProbe::run(request, cancel); });
        QTest::qWait(300);
        QVERIFY(!probe.isFinished());
        cancel.cancel();
        const Result<HttpProbeResult> r = probe.result();
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Cancelled);
        QVERIFY2(clock.elapsed() < 30'000, "the wait for the answer ran to its timeout");
    }
}

void TestProbesAgainstNginx::cancelledProbeStops()
{
    CancelToken cancel;
    cancel.cancel();
    HttpProbeRequest r;
    r.endpoint = endpoint(QStringLiteral("probe.test"));
    auto result = HttpsProbe::run(r, cancel);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, ErrorKind::Cancelled);
}

QTEST_GUILESS_MAIN(TestProbesAgainstNginx)
#include "TestProbesAgainstNginx.moc"
