// Forwarded channels (SshSession::openDirectTcpip) through a real OpenSSH sshd on 127.0.0.1 to a
// TCP server run by this test: what a tunnel user relies on, seen from both ends.
#include "common/LocalSshd.h"

#include "core/ssh/ChannelRelay.h"
#include "core/ssh/SshSession.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <atomic>
#include <fcntl.h>
#include <functional>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace aio;

namespace {

// A one-connection TCP server on 127.0.0.1 whose handler runs on its own thread with a blocking
// socket.
class OneShotServer
{
public:
    explicit OneShotServer(std::function<void(int fd)> handler)
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(m_listen, 4);
        socklen_t len = sizeof a;
        ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this, handler = std::move(handler)] {
            pollfd p{m_listen, POLLIN, 0};
            if (::poll(&p, 1, 60'000) != 1)
                return;
            const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0)
                return;
            handler(fd);
            ::close(fd);
        });
    }
    ~OneShotServer()
    {
        if (m_thread.joinable())
            m_thread.join();
        ::close(m_listen);
    }
    quint16 port() const { return m_port; }
    void join()
    {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    int m_listen = -1;
    quint16 m_port = 0;
    std::thread m_thread;
};

// Reads until EOF (or an error, or 60 s without a byte); returns what arrived.
QByteArray readAll(int fd)
{
    QByteArray all;
    char buf[65536];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 60'000) != 1)
            break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        all.append(buf, n);
    }
    return all;
}

bool writeAll(int fd, const QByteArray& data)
{
    qsizetype pos = 0;
    while (pos < data.size()) {
        const ssize_t w = ::send(fd, data.constData() + pos, size_t(data.size() - pos), MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        pos += w;
    }
    return true;
}

QByteArray pattern(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char((i * 7 + i / 4096) & 0xff);
    return data;
}

} // namespace

class TestForwardRelay : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void bothDirectionsAndLocalHalfClose();
    void remoteHalfCloseLetsTheLocalSideGoOnWriting();
    void bytesSentJustBeforeTheRemoteClosesArrive();
    void slowLocalReaderHoldsBackTheRemoteSender();
    void slowRemoteReaderHoldsBackTheLocalWriter();
    void steadySlowReaderKeepsMemoryBounded();
    void remotePeerThatDisappearsEndsTheTunnel();
    void localPeerThatDisappearsEndsTheChannel();
    void idleForwardsDoNotWakeTheLoop();
    void forwardsEndingOnBothSidesWhileAnotherCarriesData();

private:
    std::unique_ptr<SshSession> session();
    QTemporaryDir m_dir;
    test::LocalSshd m_sshd;
};

void TestForwardRelay::initTestCase()
{
    const QString error = m_sshd.start();
    if (!error.isEmpty())
        QFAIL(qPrintable(error));
}

std::unique_ptr<SshSession> TestForwardRelay::session()
{
    SshCallbacks callbacks;
    callbacks.hostKeyDecider = [](const HostKeyCheck&) {
        return HostKeyDecision::AcceptOnce;
    };
    auto s = std::make_unique<SshSession>(m_sshd.settings(m_dir.filePath(QStringLiteral("known_hosts"))), callbacks);
    const Status st = s->connectToHost();
    if (!st)
        qWarning() << st.error().toString();
    return st ? std::move(s) : nullptr;
}

void TestForwardRelay::bothDirectionsAndLocalHalfClose()
{
    // The server reads the request to its end (our half-close), then answers with its hash.
    const QByteArray request = pattern(3 * 1024 * 1024);
    OneShotServer server([](int fd) {
        const QByteArray got = readAll(fd);
        writeAll(fd, QCryptographicHash::hash(got, QCryptographicHash::Sha256).toHex() + '\n');
    });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY2(fd, qPrintable(fd ? QString() : fd.error().toString()));
    std::thread writer([&] {
        writeAll(*fd, request);
        ::shutdown(*fd, SHUT_WR);
    });
    const QByteArray answer = readAll(*fd);
    writer.join();
    ::close(*fd);
    QCOMPARE(answer, QCryptographicHash::hash(request, QCryptographicHash::Sha256).toHex() + '\n');
    QTRY_COMPARE(ssh->forwardStats().open, 0);
}

void TestForwardRelay::remoteHalfCloseLetsTheLocalSideGoOnWriting()
{
    std::atomic_bool serverGotReply{false};
    OneShotServer server([&](int fd) {
        writeAll(fd, "hello\n");
        ::shutdown(fd, SHUT_WR); // done talking, still listening
        serverGotReply = readAll(fd) == "reply after your EOF\n";
    });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(fd);
    QCOMPARE(readAll(*fd), QByteArray("hello\n")); // ends with EOF
    QVERIFY(writeAll(*fd, "reply after your EOF\n"));
    ::shutdown(*fd, SHUT_WR);
    server.join();
    QVERIFY(serverGotReply);
    ::close(*fd);
    QTRY_COMPARE(ssh->forwardStats().open, 0);
}

void TestForwardRelay::bytesSentJustBeforeTheRemoteClosesArrive()
{
    // The server writes 1 MiB (less than one channel window, so it can finish without a reader)
    // and closes at once; the local reader starts only after the channel's close has reached
    // the session, with most bytes still in libssh's buffer: nothing may be lost.
    const QByteArray payload = pattern(1024 * 1024);
    OneShotServer server([&](int fd) { writeAll(fd, payload); });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(fd);
    server.join(); // the server has written everything and closed
    QThread::msleep(300);
    const QByteArray got = readAll(*fd);
    ::close(*fd);
    QCOMPARE(got.size(), payload.size());
    QVERIFY(got == payload);
}

void TestForwardRelay::slowLocalReaderHoldsBackTheRemoteSender()
{
    // The server tries to send 256 MiB; the local side reads nothing for a while. The relay may
    // hold at most its queue; the rest must stay with the sender (window and socket buffers).
    constexpr qint64 total = 256LL * 1024 * 1024;
    std::atomic<qint64> sent{0};
    std::atomic_bool stop{false};
    OneShotServer server([&](int fd) {
        const QByteArray chunk = pattern(64 * 1024);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        while (sent < total && !stop) {
            const ssize_t w = ::send(fd, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
            if (w > 0) {
                sent += w;
                continue;
            }
            if (w < 0 && errno != EAGAIN)
                return;
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 100);
        }
    });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(fd);
    // Let the sender run into the wall, then look: it is stuck far below the total.
    qint64 before = -1;
    for (int i = 0; i < 50 && sent.load() != before; ++i) {
        before = sent.load();
        QThread::msleep(200);
    }
    const qint64 stuckAt = sent.load();
    const SshSession::ForwardStats st = ssh->forwardStats();
    qInfo("sender stuck after %lld bytes; relay queue %lld bytes (peak %lld)", stuckAt, qint64(st.queued),
          qint64(st.peakQueued));
    QVERIFY2(stuckAt < 32LL * 1024 * 1024, "the remote kept sending although nobody read");
    QVERIFY(st.peakQueued <= ChannelRelay::kMaxQueued);
    // Now read 8 MiB: the sender moves again by about as much.
    char buf[65536];
    qint64 read = 0;
    while (read < 8LL * 1024 * 1024) {
        const ssize_t n = ::recv(*fd, buf, sizeof buf, 0);
        QVERIFY(n > 0);
        read += n;
    }
    QTRY_VERIFY(sent.load() > stuckAt);
    stop = true;
    ::close(*fd);
    server.join();
    QTRY_COMPARE(ssh->forwardStats().open, 0);
}

void TestForwardRelay::steadySlowReaderKeepsMemoryBounded()
{
    // A reader that keeps reading, but slower than the sender (a browser over a slow link): what
    // the session holds for the channel stays within its bound instead of growing with the
    // transfer (libssh re-opens the window on every read).
    constexpr qsizetype total = 48 * 1024 * 1024;
    OneShotServer server([](int fd) { writeAll(fd, pattern(total)); });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(fd);
    char buf[65536];
    qint64 read = 0;
    for (;;) {
        const ssize_t n = ::recv(*fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        read += n;
        QThread::usleep(2000); // about 30 MB/s at most; the sender is far faster
    }
    ::close(*fd);
    server.join();
    QCOMPARE(read, qint64(total));
    const qsizetype peak = ssh->forwardStats().peakQueued;
    qInfo("most held for the channel: %lld bytes", qint64(peak));
    QVERIFY2(peak <= ChannelRelay::kMaxQueued, "memory grew with the transfer");
}

void TestForwardRelay::slowRemoteReaderHoldsBackTheLocalWriter()
{
    // The server reads nothing until told; the local writer must hit EAGAIN after a bounded
    // amount (the channel window and socket buffers), then everything arrives in order.
    std::atomic_bool startReading{false};
    QByteArray received;
    OneShotServer server([&](int fd) {
        while (!startReading)
            QThread::msleep(20);
        received = readAll(fd);
    });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(fd);
    ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL) | O_NONBLOCK);
    const QByteArray chunk = pattern(64 * 1024);
    QByteArray written;
    for (int idle = 0; idle < 20 && written.size() < 256 * 1024 * 1024;) {
        const ssize_t w = ::send(*fd, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
        if (w > 0) {
            written += chunk.left(w);
            idle = 0;
            continue;
        }
        QCOMPARE(errno, EAGAIN);
        ++idle;
        QThread::msleep(50);
    }
    qInfo("local writer blocked after %lld bytes", qint64(written.size()));
    QVERIFY2(written.size() < 32 * 1024 * 1024, "the local side could write on although nobody read remotely");
    startReading = true;
    ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL) & ~O_NONBLOCK);
    ::shutdown(*fd, SHUT_WR);
    server.join();
    ::close(*fd);
    QCOMPARE(received.size(), written.size());
    QVERIFY(received == written);
}

void TestForwardRelay::remotePeerThatDisappearsEndsTheTunnel()
{
    OneShotServer server([](int fd) {
        char go[2];
        if (::recv(fd, go, sizeof go, MSG_WAITALL) != 2) // after the channel is open (sshd's connect done)
            return;
        writeAll(fd, "bye");
        linger l{1, 0}; // close with a reset, as a crashed service does
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(fd);
    QVERIFY(writeAll(*fd, "go"));
    const QByteArray got = readAll(*fd); // ends: EOF or reset, never a hang
    QVERIFY(got.isEmpty() || got == "bye");
    ::close(*fd);
    QTRY_COMPARE(ssh->forwardStats().open, 0);
    // The session is still good for the next tunnel and command.
    auto out = ssh->run(RemoteCommand::args({QStringLiteral("echo"), QStringLiteral("still here")}));
    QVERIFY(out);
    QCOMPARE(out->stdoutData, QByteArray("still here\n"));
}

void TestForwardRelay::localPeerThatDisappearsEndsTheChannel()
{
    std::atomic_bool serverSawEnd{false};
    OneShotServer server([&](int fd) {
        readAll(fd); // returns at EOF
        serverSawEnd = true;
    });
    auto ssh = session();
    QVERIFY(ssh);
    auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(fd);
    QVERIFY(writeAll(*fd, "half a request"));
    ::close(*fd); // the local client vanishes
    server.join();
    QVERIFY(serverSawEnd);
    QTRY_COMPARE(ssh->forwardStats().open, 0);
}

void TestForwardRelay::idleForwardsDoNotWakeTheLoop()
{
    // Twenty open, silent tunnels: the session's loop sleeps (keep-alives off here).
    std::atomic_bool release{false};
    std::vector<std::unique_ptr<OneShotServer>> servers; // destroyed (joined) after the guard released them
    struct Release
    {
        std::atomic_bool& flag;
        ~Release() { flag = true; }
    } guard{release};
    SshSettings settings = m_sshd.settings(m_dir.filePath(QStringLiteral("known_hosts")));
    settings.serverAliveIntervalSec = 0;
    SshCallbacks callbacks;
    callbacks.hostKeyDecider = [](const HostKeyCheck&) {
        return HostKeyDecision::AcceptOnce;
    };
    SshSession ssh(settings, callbacks);
    QVERIFY(ssh.connectToHost());
    std::vector<int> fds;
    for (int i = 0; i < 20; ++i) {
        servers.push_back(std::make_unique<OneShotServer>([&](int) {
            while (!release)
                QThread::msleep(20);
        }));
        auto fd = ssh.openDirectTcpip(QStringLiteral("127.0.0.1"), servers.back()->port());
        QVERIFY(fd);
        fds.push_back(*fd);
    }
    QCOMPARE(ssh.forwardStats().open, 20);
    QThread::msleep(200);
    const qint64 before = ssh.forwardStats().loopWakeups;
    QThread::msleep(3000);
    const qint64 after = ssh.forwardStats().loopWakeups;
    qInfo("loop turns in 3 s with 20 idle forwards: %lld", after - before);
    QVERIFY2(after - before <= 1, "the loop wakes while nothing happens");
    release = true;
    for (int fd : fds)
        ::close(fd);
    QTRY_COMPARE(ssh.forwardStats().open, 0);
}

void TestForwardRelay::forwardsEndingOnBothSidesWhileAnotherCarriesData()
{
    // Twenty short-lived tunnels end every way a tunnel ends (the local side closes first, the
    // remote side closes first, both at once) while one more carries 32 MiB to a slow reader, on
    // one session: nothing is lost, nothing crashes, every relay goes away.
    const QByteArray payload = pattern(32 * 1024 * 1024);
    OneShotServer bulk([&](int fd) { writeAll(fd, payload); });
    auto ssh = session();
    QVERIFY(ssh);
    auto bulkFd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), bulk.port());
    QVERIFY(bulkFd);
    QByteArray received;
    std::thread reader([&] {
        char buf[16384];
        for (;;) {
            const ssize_t n = ::recv(*bulkFd, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            received.append(buf, n);
            if (received.size() % (1024 * 1024) < 16384)
                QThread::msleep(5);
        }
    });
    for (int round = 0; round < 20; ++round) {
        const int how = round % 3;
        OneShotServer server([how](int fd) {
            if (how == 1) {
                writeAll(fd, "closing first");
                return; // closes
            }
            readAll(fd);
        });
        auto fd = ssh->openDirectTcpip(QStringLiteral("127.0.0.1"), server.port());
        QVERIFY(fd);
        if (how == 0) {
            writeAll(*fd, "local closes first");
            ::close(*fd);
        } else if (how == 1) {
            readAll(*fd);
            ::close(*fd);
        } else {
            ::shutdown(*fd, SHUT_WR);
            readAll(*fd);
            ::close(*fd);
        }
        server.join();
    }
    reader.join();
    ::close(*bulkFd);
    QCOMPARE(received.size(), payload.size());
    QVERIFY(received == payload);
    QTRY_COMPARE(ssh->forwardStats().open, 0);
}

QTEST_GUILESS_MAIN(TestForwardRelay)
#include "TestForwardRelay.moc"
