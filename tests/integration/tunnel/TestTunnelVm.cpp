// Tunnels on the testbed's vm-scratch, to sandbox stand-ins that run as the real image would with
// its own authentication on: one with JWT_PUBLIC_KEY, one with SANDBOX_API_KEY, each published on
// 127.0.0.1 of the VM only (reachable through SSH and nothing else). Through a real SshSession and
// the app's Tunnel: the pages and the noVNC WebSocket answer through the proxy, which adds the
// credentials; nothing passes without the one-time link's cookie; a wrong key is 401 at the
// sandbox and the tunnel says why; an expired token is refused by the sandbox; killing the SSH
// connection on the VM shows "reconnecting", then "up", and the browser's next request works.
// The `tunnel` command prints a link that works, and headless Chromium reaches the VNC page
// through it.

#include "common/WaitUntil.h"
#include "core/crypto/JwtSigner.h"
#include "core/crypto/RsaKeyPair.h"
#include "core/ssh/SshSession.h"
#include "core/tunnel/LaunchPage.h"
#include "core/tunnel/Tunnel.h"
#include "integration/deploy/DeployTestbed.h"
#include "integration/ssh/SshTestbed.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace aio;

namespace {

constexpr quint16 kJwtPort = 18080; // on the VM's 127.0.0.1
constexpr quint16 kKeyPort = 18081;
const QString kApiKey = QStringLiteral("tunnel-test-api-key-0123456789abcdef");

struct Answer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray& name) const
    {
        for (const QByteArray& line : head.split('\n')) {
            const QByteArray l = line.trimmed();
            if (l.toLower().startsWith(name.toLower() + ':'))
                return l.mid(name.size() + 1).trimmed();
        }
        return {};
    }
};

// One HTTP/1.1 request to the tunnel on 127.0.0.1, read to the end (Connection: close).
Answer httpGet(quint16 port, const QByteArray& target, const QByteArray& cookie = {}, const QByteArray& extra = {})
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    Answer a;
    if (!s.waitForConnected(5000))
        return a;
    QByteArray req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nConnection: close\r\n" + extra;
    if (!cookie.isEmpty())
        req += "Cookie: " + cookie + "\r\n";
    s.write(req + "\r\n");
    QByteArray all;
    QDeadlineTimer deadline(20'000);
    while (s.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        s.waitForReadyRead(200);
        all += s.readAll();
    }
    all += s.readAll();
    const qsizetype end = all.indexOf("\r\n\r\n");
    a.head = all.left(end);
    a.body = end < 0 ? QByteArray() : all.mid(end + 4);
    const QList<QByteArray> first = a.head.left(a.head.indexOf("\r\n")).split(' ');
    a.status = first.size() >= 2 ? first[1].toInt() : 0;
    return a;
}

// What a browser does with a link: the proxy's page that moves on, its cookie, then the page itself.
QByteArray redeem(quint16 port, const QUrl& link, QByteArray* location = nullptr)
{
    const Answer a
        = httpGet(port, link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded).toLatin1());
    if (a.status != 200)
        return {};
    if (location) { // where the page moves the browser on to
        const qsizetype at = a.body.indexOf("url=") + 4;
        *location = a.body.mid(at, a.body.indexOf('"', at) - at).replace("&amp;", "&");
    }
    const QByteArray set = a.header("Set-Cookie");
    return set.left(set.indexOf(';'));
}

// A WebSocket upgrade to /websockify through the tunnel: the status line and what follows the 101.
QByteArray websocketGreeting(quint16 port, const QByteArray& cookie, int* status)
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    *status = 0;
    if (!s.waitForConnected(5000))
        return {};
    s.write("GET /websockify HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
            + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: binary\r\n"
              "Origin: http://127.0.0.1:"
            + QByteArray::number(port) + "\r\nCookie: " + cookie + "\r\n\r\n");
    QByteArray all;
    QDeadlineTimer deadline(15'000);
    while (!deadline.hasExpired()) {
        s.waitForReadyRead(200);
        all += s.readAll();
        const qsizetype end = all.indexOf("\r\n\r\n");
        if (end >= 0 && all.size() >= end + 4 + 2 + 12)
            break;
        if (s.state() != QAbstractSocket::ConnectedState)
            break;
    }
    const QList<QByteArray> first = all.left(all.indexOf("\r\n")).split(' ');
    *status = first.size() >= 2 ? first[1].toInt() : 0;
    const qsizetype end = all.indexOf("\r\n\r\n");
    if (end < 0)
        return {};
    // The first server frame (unmasked binary, short length): 2 header bytes, then the payload.
    return all.mid(end + 4 + 2);
}

} // namespace

class TestTunnelVm : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void jwtSandboxAnswersThroughTheProxyAndOnlyWithTheCookie();
    void apiKeySandboxAnswersThroughTheProxy();
    void aWrongKeyIs401AndTheTunnelSaysWhy();
    void anExpiredTokenIsRefusedByTheSandbox();
    void aKilledConnectionReconnectsAndTheNextRequestWorks();
    void theCommandPrintsALinkThatWorks();
    void headlessChromiumReachesTheVncPage();

private:
    std::unique_ptr<Tunnel> open(quint16 remotePort, SandboxCredentials creds);
    bool waitFor(Tunnel& t, Tunnel::State state, int ms = 60'000);

    test::SshTestbed m_ssh;
    DeployTestbed m_tb;
    QTemporaryDir m_dir;
    RsaKeyPair m_keys;
    std::shared_ptr<SshSession> m_session;
};

void TestTunnelVm::initTestCase()
{
    if (!m_tb.isUp())
        QSKIP("the testbed is not up (tests/testbed/up)");
    QVERIFY(m_dir.isValid());
    Result<RsaKeyPair> k = RsaKeyPair::generate(2048);
    QVERIFY(k);
    m_keys = *k;
    const QString image = QStringLiteral("ghcr.io/agent-infra/sandbox:1.11.0");
    const QString script
        = QStringLiteral(
              "docker rm -f aio-tunnel-jwt aio-tunnel-key >/dev/null 2>&1; "
              "docker run -d --name aio-tunnel-jwt -p 127.0.0.1:%1:8080 -e JWT_PUBLIC_KEY=%2 %4 >/dev/null && "
              "docker run -d --name aio-tunnel-key -p 127.0.0.1:%3:8080 -e SANDBOX_API_KEY=%5 %4 >/dev/null && "
              "for i in $(seq 100); do "
              "  curl -s -o /dev/null http://127.0.0.1:%1/v1/ping && curl -s -o /dev/null http://127.0.0.1:%3/v1/ping "
              "&& exit 0; "
              "  sleep 0.2; done; exit 1")
              .arg(kJwtPort)
              .arg(QString::fromLatin1(RsaKeyPair::jwtPublicKeyValue(m_keys.publicKeyPem)))
              .arg(kKeyPort)
              .arg(image, kApiKey);
    QString out;
    QVERIFY2(m_tb.vmExec(QStringLiteral("vm-scratch"), {QStringLiteral("sh"), QStringLiteral("-c"), script}, &out) == 0,
             qPrintable(out));
    m_session = std::make_shared<SshSession>(
        m_ssh.settings(QStringLiteral("VM_SCRATCH"), m_dir.filePath(QStringLiteral("known_hosts"))));
}

void TestTunnelVm::cleanupTestCase()
{
    m_session.reset();
    if (m_tb.isUp())
        m_tb.vmExec(
            QStringLiteral("vm-scratch"),
            {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("docker rm -f aio-tunnel-jwt aio-tunnel-key")});
}

std::unique_ptr<Tunnel> TestTunnelVm::open(quint16 remotePort, SandboxCredentials creds)
{
    Tunnel::Options o;
    o.targetName = QStringLiteral("vm-scratch");
    o.remotePort = remotePort;
    o.credentials = std::move(creds);
    o.probeIntervalMs = 1000;
    auto t = std::make_unique<Tunnel>(m_session, o);
    const Status s = t->start();
    return s ? std::move(t) : nullptr;
}

bool TestTunnelVm::waitFor(Tunnel& t, Tunnel::State state, int ms)
{
    return test::waitUntil([&] { return t.snapshot().state == state; }, ms);
}

void TestTunnelVm::jwtSandboxAnswersThroughTheProxyAndOnlyWithTheCookie()
{
    Result<SandboxCredentials> creds = SandboxCredentials::fromJwtPrivateKey(m_keys.privateKeyPem);
    QVERIFY(creds);
    auto t = open(kJwtPort, *creds);
    QVERIFY(t);
    QVERIFY2(waitFor(*t, Tunnel::State::Up), qPrintable(Tunnel::describe(t->snapshot())));
    const quint16 port = t->port();

    // Anything on the workstation without the cookie: 403, and nothing reaches the VM.
    for (const QByteArray& path :
         {QByteArray("/vnc/index.html"), QByteArray("/code-server/"), QByteArray("/v1/sandbox")})
        QCOMPARE(httpGet(port, path).status, 403);
    QByteArray location;
    const QByteArray cookie = redeem(port, *t->link(QStringLiteral("/vnc/index.html?autoconnect=true")), &location);
    QVERIFY(cookie.startsWith("aiosm_"));
    QCOMPARE(location, QByteArray("/vnc/index.html?autoconnect=true"));
    // A second Host (what a rebinding page cannot set, but a local process can) is refused.
    QCOMPARE(httpGet(port, "/", cookie, "Host: attacker.example\r\n").status, 403);
    QCOMPARE(httpGet(port, "/", cookie).status, 200);

    const Answer vnc = httpGet(port, location, cookie);
    QCOMPARE(vnc.status, 200);
    QVERIFY(vnc.body.contains("noVNC"));
    QCOMPARE(httpGet(port, "/code-server/", cookie).status, 200);
    QCOMPARE(httpGet(port, "/v1/sandbox", cookie).status, 200); // authenticated at the sandbox itself
    int status = 0;
    const QByteArray greeting = websocketGreeting(port, cookie, &status);
    QCOMPARE(status, 101);
    QVERIFY2(greeting.startsWith("RFB 003.008"), greeting.toHex().constData());
    int refusedStatus = 0;
    websocketGreeting(port, "aiosm_" + QByteArray::number(port) + "=forged", &refusedStatus);
    QCOMPARE(refusedStatus, 403);

    // The counters reach the tunnel's state within its next second.
    QTRY_VERIFY(t->snapshot().bytesToBrowser > 0 && t->snapshot().refused == 5);
    QVERIFY(!t->snapshot().credentialsRefused);
}

void TestTunnelVm::apiKeySandboxAnswersThroughTheProxy()
{
    auto t = open(kKeyPort, SandboxCredentials::fromApiKey(kApiKey));
    QVERIFY(t);
    QVERIFY2(waitFor(*t, Tunnel::State::Up), qPrintable(Tunnel::describe(t->snapshot())));
    const QByteArray cookie = redeem(t->port(), *t->link(QStringLiteral("/code-server/")));
    QVERIFY(!cookie.isEmpty());
    QCOMPARE(httpGet(t->port(), "/code-server/", cookie).status, 200);
    QCOMPARE(httpGet(t->port(), "/v1/sandbox", cookie).status, 200);
    int status = 0;
    QVERIFY(websocketGreeting(t->port(), cookie, &status).startsWith("RFB 003.008"));
    QCOMPARE(status, 101);
    QCOMPARE(httpGet(t->port(), "/v1/sandbox").status, 403);
}

void TestTunnelVm::aWrongKeyIs401AndTheTunnelSaysWhy()
{
    Result<RsaKeyPair> other = RsaKeyPair::generate(2048);
    QVERIFY(other);
    Result<SandboxCredentials> creds = SandboxCredentials::fromJwtPrivateKey(other->privateKeyPem);
    QVERIFY(creds);
    auto t = open(kJwtPort, *creds);
    QVERIFY(t);
    QVERIFY2(waitFor(*t, Tunnel::State::Degraded), qPrintable(Tunnel::describe(t->snapshot())));
    const Tunnel::Snapshot s = t->snapshot();
    QVERIFY(s.credentialsRefused);
    const QString text = Tunnel::describe(s);
    QVERIFY2(text.contains(QStringLiteral("401")) && text.contains(QStringLiteral("key")), qPrintable(text));
    const QByteArray cookie = redeem(t->port(), *t->link(QStringLiteral("/v1/sandbox")));
    QCOMPARE(httpGet(t->port(), "/v1/sandbox", cookie).status, 401);

    auto wrongKey = open(kKeyPort, SandboxCredentials::fromApiKey(QStringLiteral("not-the-key")));
    QVERIFY(wrongKey);
    QVERIFY(waitFor(*wrongKey, Tunnel::State::Degraded));
    QVERIFY(wrongKey->snapshot().credentialsRefused);
}

void TestTunnelVm::anExpiredTokenIsRefusedByTheSandbox()
{
    // Straight to the sandbox through a forwarded channel: the same key, a token that ran out.
    Result<JwtSigner> signer = JwtSigner::fromPrivateKeyPem(m_keys.privateKeyPem);
    QVERIFY(signer);
    const auto statusWith = [&](const QDateTime& exp) {
        Result<int> fd = m_session->openDirectTcpip(QStringLiteral("127.0.0.1"), kJwtPort);
        if (!fd)
            return -1;
        QTcpSocket s;
        s.setSocketDescriptor(*fd);
        s.write("GET /v1/sandbox HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer "
                + signer->signWithExpiry(exp).valueOr({}) + "\r\n\r\n");
        QByteArray all;
        QDeadlineTimer deadline(10'000);
        while (!all.contains("\r\n") && !deadline.hasExpired() && s.waitForReadyRead(500))
            all += s.readAll();
        return all.split(' ').value(1).toInt();
    };
    QCOMPARE(statusWith(QDateTime::currentDateTimeUtc().addSecs(300)), 200);
    QCOMPARE(statusWith(QDateTime::currentDateTimeUtc().addSecs(-30)), 401);
}

void TestTunnelVm::aKilledConnectionReconnectsAndTheNextRequestWorks()
{
    auto t = open(kKeyPort, SandboxCredentials::fromApiKey(kApiKey));
    QVERIFY(t);
    QVERIFY2(waitFor(*t, Tunnel::State::Up), qPrintable(Tunnel::describe(t->snapshot())));
    const QByteArray cookie = redeem(t->port(), *t->link(QStringLiteral("/")));
    QCOMPARE(httpGet(t->port(), "/v1/sandbox", cookie).status, 200);

    QList<Tunnel::State> seen;
    connect(t.get(), &Tunnel::statusChanged, this, [&] {
        if (seen.isEmpty() || seen.last() != t->snapshot().state)
            seen.append(t->snapshot().state);
    });
    // Kill the sshd processes that serve the deploy user's connections on vm-scratch (this test
    // holds the VM's lock, so they are ours). vm-exec shares the workstation's process table, so
    // only processes in vm-scratch's network namespace are picked: other tests' sessions on other
    // VMs run at the same time. The listening sshd stays and takes the reconnect.
    QString out;
    const QString script
        = QStringLiteral("n=0; me=$(readlink /proc/self/ns/net); "
                         "for p in $(pgrep -f '^sshd: %1'); do "
                         "  [ \"$(readlink /proc/$p/ns/net)\" = \"$me\" ] && kill -9 $p && n=$((n+1)); "
                         "done; [ $n -gt 0 ]")
              .arg(m_ssh.value(QStringLiteral("USER")));
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-scratch"), {QStringLiteral("sh"), QStringLiteral("-c"), script}, &out), 0);
    QVERIFY2(waitFor(*t, Tunnel::State::Reconnecting, 20'000), qPrintable(Tunnel::describe(t->snapshot())));
    QVERIFY2(waitFor(*t, Tunnel::State::Up, 60'000), qPrintable(Tunnel::describe(t->snapshot())));
    QVERIFY(seen.contains(Tunnel::State::Reconnecting));
    // The browser's next request, with the cookie it had, works without anyone doing anything.
    QCOMPARE(httpGet(t->port(), "/v1/sandbox", cookie).status, 200);
}

void TestTunnelVm::theCommandPrintsALinkThatWorks()
{
    QString error;
    QVERIFY2(m_tb.addTarget(QStringLiteral("scratch"), QStringLiteral("VM_SCRATCH"), &error), qPrintable(error));
    const QString keyFile = m_tb.writeScratch(QStringLiteral("api-key"), kApiKey.toUtf8());
    // The API-key stand-in listens on another port of the VM than the deployment's 8080.
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.remove(QStringLiteral("DISPLAY"));
    p.setProcessEnvironment(env);
    p.start(DeployTestbed::binary(),
            {QStringLiteral("--profile"), m_tb.profileDir(), QStringLiteral("tunnel"), QStringLiteral("scratch"),
             QStringLiteral("--service"), QStringLiteral("code-server"), QStringLiteral("--no-browser"),
             QStringLiteral("--api-key-file"), keyFile, QStringLiteral("--remote-port"), QString::number(kKeyPort),
             QStringLiteral("--accept-new-host-key")});
    QVERIFY(p.waitForStarted(10'000));
    QByteArray stdoutText;
    QByteArray stderrText;
    QVERIFY(test::waitUntil(
        [&] {
            stdoutText += p.readAllStandardOutput();
            stderrText += p.readAllStandardError();
            return stdoutText.contains('\n') || p.state() == QProcess::NotRunning;
        },
        60'000));
    const QUrl link(QString::fromUtf8(stdoutText.trimmed()));
    QVERIFY2(link.isValid() && link.host() == QStringLiteral("127.0.0.1"), stderrText.constData());
    QVERIFY(link.path() == QStringLiteral("/code-server/"));
    QVERIFY(test::waitUntil(
        [&] {
            stderrText += p.readAllStandardError();
            return stderrText.contains(" up");
        },
        60'000));
    const quint16 port = quint16(link.port());
    const QByteArray cookie = redeem(port, link);
    QVERIFY(!cookie.isEmpty());
    QCOMPARE(httpGet(port, "/code-server/", cookie).status, 200);
    QCOMPARE(httpGet(port, "/code-server/").status, 403);
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(20'000));
    stderrText += p.readAllStandardError();
    QCOMPARE(p.exitCode(), 0);
    QVERIFY2(stderrText.contains("Stopped."), stderrText.constData());
}

void TestTunnelVm::headlessChromiumReachesTheVncPage()
{
    QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    if (chromium.isEmpty())
        QSKIP("chromium is not installed (scripts/install-deps.sh installs it)");
    Result<SandboxCredentials> creds = SandboxCredentials::fromJwtPrivateKey(m_keys.privateKeyPem);
    QVERIFY(creds);
    auto t = open(kJwtPort, *creds);
    QVERIFY(t);
    QVERIFY(waitFor(*t, Tunnel::State::Up));
    const QUrl link = *t->link(QStringLiteral("/vnc/index.html?autoconnect=true"));
    // As the app does it: the browser gets the private start page (a file:// page), which moves
    // it on to the link; the proxy's own page then moves it on to VNC with the cookie.
    QTemporaryDir pages;
    const Result<QUrl> startPage = LaunchPage::write(link, pages.path());
    QVERIFY(startPage);
    QTemporaryDir profile;
    QProcess browser;
    browser.start(chromium,
                  {QStringLiteral("--headless=new"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                   QStringLiteral("--no-first-run"), QStringLiteral("--user-data-dir=") + profile.path(),
                   QStringLiteral("--virtual-time-budget=15000"), QStringLiteral("--dump-dom"),
                   startPage->toString(QUrl::FullyEncoded)});
    QVERIFY(browser.waitForStarted(20'000));
    // The browser works while this thread turns the event loop (the tunnel's state lives here).
    QVERIFY(test::waitUntil([&] { return browser.state() == QProcess::NotRunning; }, 90'000));
    const QByteArray dom = browser.readAllStandardOutput();
    QVERIFY2(dom.contains("noVNC (stand-in)"), (dom.left(400) + browser.readAllStandardError().right(400)).constData());
    // The link was used: a second browser with the same link is refused.
    QCOMPARE(
        httpGet(t->port(), link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded).toLatin1())
            .status,
        403);
}

QTEST_GUILESS_MAIN(TestTunnelVm)
#include "TestTunnelVm.moc"
