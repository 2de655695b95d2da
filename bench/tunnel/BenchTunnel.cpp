// Tunnels (core/tunnel/Tunnel) against OpenSSH's `ssh -N -L` to the same sshd and the same far
// end, in the same run: one large download (through a plain forward and through the
// authenticating proxy), 1,000 small sequential requests on one keep-alive connection, and 50
// concurrent connections each downloading 10 MB whose SHA-256 is checked. The sshd is a real
// OpenSSH on 127.0.0.1 started here (tests/common/LocalSshd.h); the far end is a small HTTP/1.1
// server of this program on 127.0.0.1 (a thread per connection). Markdown on stdout, for
// docs/benchmarks.md.

#include "bench/common/OpenSshForward.h"
#include "common/LocalSshd.h"
#include "core/ssh/SshSession.h"
#include "core/tunnel/Tunnel.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <arpa/inet.h>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace aio;
using aio::bench::connectTo;
using aio::bench::freePort;
using aio::bench::SshL;

namespace {

// Deterministic bytes for /blob/N (xorshift), so both ends know the SHA-256 without storing it.
void fillBlob(quint64 seed, char* out, qsizetype n, quint64& state)
{
    if (state == 0)
        state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (qsizetype i = 0; i < n; i += 8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        const qsizetype k = std::min<qsizetype>(8, n - i);
        memcpy(out + i, &state, size_t(k));
    }
}

QByteArray blobSha(quint64 seed, qint64 size)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    std::vector<char> buf(64 * 1024);
    quint64 state = 0;
    for (qint64 done = 0; done < size;) {
        const qsizetype n = qsizetype(std::min<qint64>(qint64(buf.size()), size - done));
        fillBlob(seed, buf.data(), n, state);
        h.addData(QByteArrayView(buf.data(), n));
        done += n;
    }
    return h.result();
}

bool sendAll(int fd, const char* p, qsizetype n)
{
    while (n > 0) {
        const ssize_t w = ::send(fd, p, size_t(n), MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        p += w;
        n -= w;
    }
    return true;
}

// GET /big/BYTES (zeros), /small (100 bytes), /blob/SEED/BYTES; keep-alive.
class HttpServer
{
public:
    HttpServer()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(m_fd, 256);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_accept = std::thread([this] {
            for (;;) {
                const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (c < 0)
                    return;
                std::lock_guard lock(m_mutex);
                m_conns.emplace_back([c] { serve(c); });
            }
        });
    }
    ~HttpServer()
    {
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd);
        m_accept.join();
        for (std::thread& t : m_conns)
            t.join();
    }
    quint16 port() const { return m_port; }

private:
    static void serve(int c)
    {
        const int one = 1;
        ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        QByteArray in;
        std::vector<char> buf(256 * 1024);
        for (;;) {
            qsizetype end;
            while ((end = in.indexOf("\r\n\r\n")) < 0) {
                const ssize_t r = ::recv(c, buf.data(), 64 * 1024, 0);
                if (r <= 0) {
                    ::close(c);
                    return;
                }
                in.append(buf.data(), r);
            }
            const QByteArray line = in.left(in.indexOf("\r\n"));
            in.remove(0, end + 4);
            const QList<QByteArray> parts = line.split(' ').value(1).split('/');
            QByteArray head;
            if (parts.value(1) == "small") {
                const QByteArray body(100, 'x');
                head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + body;
                if (!sendAll(c, head.constData(), head.size()))
                    break;
                continue;
            }
            const bool blob = parts.value(1) == "blob";
            const qint64 size = (blob ? parts.value(3) : parts.value(2)).toLongLong();
            const quint64 seed = parts.value(2).toULongLong();
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + QByteArray::number(size) + "\r\n\r\n";
            if (!sendAll(c, head.constData(), head.size()))
                break;
            std::fill(buf.begin(), buf.end(), 0);
            quint64 state = 0;
            bool ok = true;
            for (qint64 done = 0; done < size && ok;) {
                const qsizetype n = qsizetype(std::min<qint64>(qint64(buf.size()), size - done));
                if (blob)
                    fillBlob(seed, buf.data(), n, state);
                ok = sendAll(c, buf.data(), n);
                done += n;
            }
            if (!ok)
                break;
        }
        ::close(c);
    }

    int m_fd = -1;
    quint16 m_port = 0;
    std::thread m_accept;
    std::mutex m_mutex;
    std::vector<std::thread> m_conns;
};

// One client connection: sends GETs, reads responses (Content-Length), optionally hashing.
struct Client
{
    int fd = -1;
    QByteArray host;
    QByteArray cookie;
    QByteArray pending;

    ~Client()
    {
        if (fd >= 0)
            ::close(fd);
    }
    // The body's length (and its SHA-256 in *sha when asked); -1 on error.
    qint64 get(const QByteArray& path, QByteArray* sha = nullptr, int* status = nullptr, QByteArray* headOut = nullptr)
    {
        QByteArray req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
        if (!cookie.isEmpty())
            req += "Cookie: " + cookie + "\r\n";
        req += "\r\n";
        if (!sendAll(fd, req.constData(), req.size()))
            return -1;
        std::vector<char> buf(256 * 1024);
        qsizetype end;
        while ((end = pending.indexOf("\r\n\r\n")) < 0) {
            const ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
            if (r <= 0)
                return -1;
            pending.append(buf.data(), r);
        }
        const QByteArray head = pending.left(end);
        if (headOut)
            *headOut = head;
        if (status)
            *status = head.split(' ').value(1).toInt();
        const qsizetype cl = head.toLower().indexOf("content-length: ");
        const qint64 length = cl < 0 ? 0 : head.mid(cl + 16, head.indexOf("\r\n", cl) - cl - 16).toLongLong();
        pending.remove(0, end + 4);
        QCryptographicHash h(QCryptographicHash::Sha256);
        qint64 got = std::min<qint64>(length, pending.size());
        if (sha)
            h.addData(QByteArrayView(pending).first(got));
        pending.remove(0, got);
        while (got < length) {
            const ssize_t r = ::recv(fd, buf.data(), size_t(std::min<qint64>(qint64(buf.size()), length - got)), 0);
            if (r <= 0)
                return -1;
            if (sha)
                h.addData(QByteArrayView(buf.data(), r));
            got += r;
        }
        if (sha)
            *sha = h.result();
        return length;
    }
};

// A way in: the port, the Host to send, and the cookie (the proxy's).
struct Way
{
    QString name;
    quint16 port = 0;
    QByteArray cookie;
    QByteArray host() const { return "127.0.0.1:" + QByteArray::number(port); }
};

// The cookie a browser gets for a link.
QByteArray redeemLink(const QUrl& link)
{
    Client c;
    c.fd = connectTo(quint16(link.port()));
    c.host = "127.0.0.1:" + QByteArray::number(link.port());
    QByteArray head;
    int status = 0;
    c.get(link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded).toLatin1(), nullptr, &status,
          &head);
    const qsizetype at = head.indexOf("Set-Cookie: ");
    return at < 0 ? QByteArray() : head.mid(at + 12, head.indexOf(';', at) - at - 12);
}

double downloadMs(const Way& w, qint64 bytes)
{
    Client c;
    c.fd = connectTo(w.port);
    c.host = w.host();
    c.cookie = w.cookie;
    QElapsedTimer t;
    t.start();
    const qint64 got = c.get("/big/" + QByteArray::number(bytes));
    return got == bytes ? double(t.nsecsElapsed()) / 1e6 : -1;
}

double smallRequestsMs(const Way& w, int n)
{
    Client c;
    c.fd = connectTo(w.port);
    c.host = w.host();
    c.cookie = w.cookie;
    if (c.get("/small") != 100) // the connection is open and warm
        return -1;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < n; ++i)
        if (c.get("/small") != 100)
            return -1;
    return double(t.nsecsElapsed()) / 1e6;
}

struct ConcurrentResult
{
    double ms = -1;
    int intact = 0;
};

ConcurrentResult concurrent(const Way& w, int n, qint64 bytes, const std::vector<QByteArray>& expected)
{
    std::atomic<int> intact{0};
    std::vector<std::thread> threads;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            Client c;
            c.fd = connectTo(w.port);
            c.host = w.host();
            c.cookie = w.cookie;
            QByteArray sha;
            if (c.get("/blob/" + QByteArray::number(i + 1) + '/' + QByteArray::number(bytes), &sha) == bytes
                && sha == expected[size_t(i)])
                intact.fetch_add(1);
        });
    }
    for (std::thread& th : threads)
        th.join();
    return {double(t.nsecsElapsed()) / 1e6, intact.load()};
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({QStringLiteral("big-mb"), QStringLiteral("MB of the large download."), QStringLiteral("mb"),
                   QStringLiteral("512")});
    cli.addOption({QStringLiteral("runs"), QStringLiteral("Runs of each measurement (the best counts)."),
                   QStringLiteral("n"), QStringLiteral("3")});
    cli.addOption({QStringLiteral("requests"), QStringLiteral("Small sequential requests."), QStringLiteral("n"),
                   QStringLiteral("1000")});
    cli.addOption({QStringLiteral("connections"), QStringLiteral("Concurrent connections."), QStringLiteral("n"),
                   QStringLiteral("50")});
    cli.addOption({QStringLiteral("each-mb"), QStringLiteral("MB per concurrent connection."), QStringLiteral("mb"),
                   QStringLiteral("10")});
    cli.process(app);
    const qint64 bigBytes = cli.value(QStringLiteral("big-mb")).toLongLong() * 1'000'000;
    const int runs = std::max(1, cli.value(QStringLiteral("runs")).toInt());
    const int requests = cli.value(QStringLiteral("requests")).toInt();
    const int connections = cli.value(QStringLiteral("connections")).toInt();
    const qint64 eachBytes = cli.value(QStringLiteral("each-mb")).toLongLong() * 1'000'000;

    test::LocalSshd sshd;
    if (const QString problem = sshd.start(); !problem.isEmpty()) {
        fprintf(stderr, "sshd: %s\n", qPrintable(problem));
        return 1;
    }
    HttpServer server;
    QTemporaryDir dir;
    SshSettings settings = sshd.settings(dir.filePath(QStringLiteral("known_hosts")));
    SshCallbacks callbacks;
    callbacks.hostKeyDecider = [](const HostKeyCheck&) {
        return HostKeyDecision::AcceptOnce;
    };

    // Our tunnels, each on its own session (as the app makes them): plain, and with the proxy.
    const auto makeTunnel = [&](bool proxy) {
        auto ssh = std::make_shared<SshSession>(settings, callbacks);
        Tunnel::Options o;
        o.targetName = QStringLiteral("bench");
        o.remotePort = server.port();
        o.authProxy = proxy;
        o.credentials = SandboxCredentials::fromApiKey(QStringLiteral("bench-key"));
        o.probeIntervalMs = 3'600'000; // the far end is no sandbox; only the first probe runs
        auto t = std::make_unique<Tunnel>(ssh, o);
        if (Status s = t->start(); !s) {
            fprintf(stderr, "tunnel: %s\n", qPrintable(s.error().toString()));
            exit(1);
        }
        return t;
    };
    std::unique_ptr<Tunnel> plain = makeTunnel(false);
    std::unique_ptr<Tunnel> proxied = makeTunnel(true);
    const quint16 sshLPort = freePort();
    SshL sshL(sshd, sshLPort, server.port());
    QDeadlineTimer settle(5000);
    while (!settle.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50); // the tunnels connect

    const Way ref{QStringLiteral("OpenSSH ssh -N -L"), sshLPort, {}};
    const Way ours{QStringLiteral("Tunnel, plain forward"), plain->port(), {}};
    const Way proxy{QStringLiteral("Tunnel, authenticating proxy"), proxied->port(),
                    redeemLink(*proxied->link(QStringLiteral("/")))};
    if (proxy.cookie.isEmpty()) {
        fprintf(stderr, "the proxy gave no cookie\n");
        return 1;
    }
    const std::vector<Way> ways{ref, ours, proxy};

    printf("## Tunnels\n\n%s, sshd, clients and the far end on 127.0.0.1 (OpenSSH 9.2p1, libssh 0.10.6), 2 cores; "
           "best of %d runs, the three ways interleaved.\n\n",
           qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)), runs);

    // 1. One large download.
    std::vector<double> best(ways.size(), 1e18);
    for (int r = 0; r < runs; ++r)
        for (size_t i = 0; i < ways.size(); ++i) {
            const double ms = downloadMs(ways[i], bigBytes);
            if (ms < 0) {
                fprintf(stderr, "%s: download failed\n", qPrintable(ways[i].name));
                return 1;
            }
            best[i] = std::min(best[i], ms);
        }
    printf("### Throughput: one download of %lld MB\n\n| way | seconds | MB/s | ratio to ssh -L |\n|---|---|---|---|\n",
           bigBytes / 1'000'000);
    for (size_t i = 0; i < ways.size(); ++i)
        printf("| %s | %.2f | %.1f | %.2f |\n", qPrintable(ways[i].name), best[i] / 1000.0,
               double(bigBytes) / 1e6 / (best[i] / 1000.0), best[0] / best[i]);
    printf("\nTarget: at least 1.0x OpenSSH's throughput.\n\n");

    // 2. Small sequential requests on one keep-alive connection.
    std::fill(best.begin(), best.end(), 1e18);
    for (int r = 0; r < runs; ++r)
        for (size_t i = 0; i < ways.size(); ++i) {
            const double ms = smallRequestsMs(ways[i], requests);
            if (ms < 0) {
                fprintf(stderr, "%s: small requests failed\n", qPrintable(ways[i].name));
                return 1;
            }
            best[i] = std::min(best[i], ms);
        }
    printf("### Latency: %d small sequential requests (100-byte answers, one keep-alive connection)\n\n"
           "| way | total ms | per request µs | time / ssh -L |\n|---|---|---|---|\n",
           requests);
    for (size_t i = 0; i < ways.size(); ++i)
        printf("| %s | %.1f | %.0f | %.2f |\n", qPrintable(ways[i].name), best[i], best[i] * 1000.0 / requests,
               best[i] / best[0]);
    printf("\nTarget: at most 1.1x the time of ssh -L.\n\n");

    // 3. Concurrent connections, every byte checked.
    std::vector<QByteArray> expected;
    for (int i = 0; i < connections; ++i)
        expected.push_back(blobSha(quint64(i + 1), eachBytes));
    printf("### %d concurrent connections, %lld MB each, SHA-256 checked\n\n| way | seconds | intact | MB/s |\n"
           "|---|---|---|---|\n",
           connections, eachBytes / 1'000'000);
    bool allIntact = true;
    for (size_t i = 0; i < ways.size(); ++i) {
        const ConcurrentResult c = concurrent(ways[i], connections, eachBytes, expected);
        allIntact = allIntact && c.intact == connections;
        printf("| %s | %.2f | %d of %d | %.1f |\n", qPrintable(ways[i].name), c.ms / 1000.0, c.intact, connections,
               double(eachBytes) * connections / 1e6 / (c.ms / 1000.0));
    }
    printf("\nTarget: every byte intact, no stall.\n");
    return allIntact ? 0 : 1;
}
