// Forwarded channels (SshSession::openDirectTcpip, the relay under tunnels) against OpenSSH's
// `ssh -N -L` to the same sshd, in the same run. The sshd is a real OpenSSH on 127.0.0.1 started
// here (tests/common/LocalSshd.h); the far ends are TCP servers of this program on 127.0.0.1.
//   bench_forward [--idle-seconds 60] [--slow-mb 500] [--slow-rate 5] [--fast-mb 1024]
// Prints a Markdown section for docs/benchmarks.md ("Forwarded channels").
//   1. idle CPU: 20 open, silent forwarded connections for --idle-seconds; CPU time of this
//      process (the session's worker) and of the ssh client.
//   2. memory: --slow-mb MB through one forwarded connection to a reader that takes --slow-rate
//      MB/s; the peak RSS above the baseline of this process, and the ssh client's peak RSS.
//   3. throughput: --fast-mb MB through one forwarded connection, read as fast as possible.

#include "bench/common/OpenSshForward.h"
#include "common/LocalSshd.h"

#include "core/ssh/SshSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <arpa/inet.h>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace aio;
using aio::bench::connectTo;
using aio::bench::freePort;
using aio::bench::SshL;

namespace {

// A server on 127.0.0.1: each connection gets `bytes` bytes (0: nothing, held open until stop).
class Source
{
public:
    explicit Source(qint64 bytes)
        : m_bytes(bytes)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(m_fd, 64);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_accept = std::thread([this] {
            while (!m_stop) {
                pollfd p{m_fd, POLLIN, 0};
                if (::poll(&p, 1, 200) != 1)
                    continue;
                const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (c < 0)
                    continue;
                m_conns.emplace_back([this, c] { serve(c); });
            }
        });
    }
    ~Source()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_accept.join(); // ends within 200 ms of m_stop
        {
            std::lock_guard lock(m_mutex);
            for (int c : m_open)
                ::shutdown(c, SHUT_RDWR);
        }
        for (auto& t : m_conns)
            t.join();
        {
            std::lock_guard lock(m_mutex);
            for (int c : m_open)
                ::close(c);
        }
        ::close(m_fd);
    }
    quint16 port() const { return m_port; }

private:
    void serve(int c)
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) {
                ::close(c);
                return;
            }
            m_open.push_back(c); // the destructor shuts it down, so no thread waits for ever
        }
        if (m_bytes > 0) {
            std::vector<char> chunk(256 * 1024, 'x');
            qint64 left = m_bytes;
            while (left > 0) {
                const ssize_t w
                    = ::send(c, chunk.data(), size_t(std::min<qint64>(left, qint64(chunk.size()))), MSG_NOSIGNAL);
                if (w <= 0)
                    break;
                left -= w;
            }
            ::shutdown(c, SHUT_WR);
        }
        char b[256];
        while (::recv(c, b, sizeof b, 0) > 0) { } // until the peer closes, or stop shuts it down
    }
    qint64 m_bytes;
    int m_fd = -1;
    quint16 m_port = 0;
    std::atomic_bool m_stop{false};
    std::thread m_accept;
    std::vector<std::thread> m_conns;
    std::mutex m_mutex;
    std::vector<int> m_open;
};

// Reads until EOF, at most `rateMBps` MB/s (0: as fast as it can). Returns the bytes read.
qint64 drain(int fd, double rateMBps)
{
    std::vector<char> buf(64 * 1024);
    qint64 total = 0;
    QElapsedTimer t;
    t.start();
    for (;;) {
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n <= 0)
            break;
        total += n;
        if (rateMBps > 0) {
            const qint64 dueMs = qint64(double(total) / (rateMBps * 1e6) * 1000.0);
            if (dueMs > t.elapsed())
                QThread::msleep(quint64(dueMs - t.elapsed()));
        }
    }
    return total;
}

double cpuSecondsSelf()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double cpuSecondsOf(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray s = f.readAll();
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / ticks; // utime, stime
}

qint64 statusKb(qint64 pid, const char* field)
{
    QFile f(pid ? QStringLiteral("/proc/%1/status").arg(pid) : QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qsizetype(strlen(field))).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({QStringLiteral("idle-seconds"), QStringLiteral("Idle measurement length."), QStringLiteral("s"),
                   QStringLiteral("60")});
    cli.addOption({QStringLiteral("slow-mb"), QStringLiteral("MB to the slow reader."), QStringLiteral("mb"),
                   QStringLiteral("500")});
    cli.addOption({QStringLiteral("slow-rate"), QStringLiteral("The slow reader's MB/s."), QStringLiteral("rate"),
                   QStringLiteral("5")});
    cli.addOption({QStringLiteral("fast-mb"), QStringLiteral("MB for the throughput run."), QStringLiteral("mb"),
                   QStringLiteral("1024")});
    cli.process(app);
    const int idleSeconds = cli.value(QStringLiteral("idle-seconds")).toInt();
    const qint64 slowBytes = cli.value(QStringLiteral("slow-mb")).toLongLong() * 1'000'000;
    const double slowRate = cli.value(QStringLiteral("slow-rate")).toDouble();
    const qint64 fastBytes = cli.value(QStringLiteral("fast-mb")).toLongLong() * 1'000'000;

    test::LocalSshd sshd;
    if (const QString problem = sshd.start(); !problem.isEmpty()) {
        fprintf(stderr, "sshd: %s\n", qPrintable(problem));
        return 1;
    }
    QTemporaryDir dir;
    SshSettings settings = sshd.settings(dir.filePath(QStringLiteral("known_hosts")));
    settings.serverAliveIntervalSec = 0; // as ssh -o ServerAliveInterval=0: nothing is sent while idle
    SshCallbacks callbacks;
    callbacks.hostKeyDecider = [](const HostKeyCheck&) {
        return HostKeyDecision::AcceptOnce;
    };
    SshSession ssh(settings, callbacks);
    if (const Status st = ssh.connectToHost(); !st) {
        fprintf(stderr, "connect: %s\n", qPrintable(st.error().toString()));
        return 1;
    }
    printf("## Forwarded channels\n\n%s, sshd and both clients on 127.0.0.1 (OpenSSH 9.2p1, libssh 0.10.6), 2 "
           "cores.\n\n",
           qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));

    // 1. Idle CPU, both clients at the same time.
    {
        Source idle(0);
        std::vector<int> fds;
        for (int i = 0; i < 20; ++i) {
            auto fd = ssh.openDirectTcpip(QStringLiteral("127.0.0.1"), idle.port());
            if (!fd) {
                fprintf(stderr, "forward: %s\n", qPrintable(fd.error().toString()));
                return 1;
            }
            fds.push_back(*fd);
        }
        const quint16 lport = freePort();
        SshL ref(sshd, lport, idle.port());
        std::vector<int> refFds;
        for (int i = 0; i < 20; ++i)
            refFds.push_back(connectTo(lport));
        QThread::msleep(1000);
        const double ours0 = cpuSecondsSelf(), ref0 = cpuSecondsOf(ref.pid());
        const qint64 wake0 = ssh.forwardStats().loopWakeups;
        QThread::sleep(unsigned(idleSeconds));
        const double ours = cpuSecondsSelf() - ours0, theirs = cpuSecondsOf(ref.pid()) - ref0;
        const qint64 wakes = ssh.forwardStats().loopWakeups - wake0;
        printf("### Idle: 20 open forwarded connections, %d s\n\n| client | CPU seconds | %% of one core | loop "
               "wake-ups |\n|---|---|---|---|\n",
               idleSeconds);
        printf("| SshSession (this process) | %.3f | %.3f%% | %lld |\n", ours, 100.0 * ours / idleSeconds, wakes);
        printf("| OpenSSH ssh -N -L | %.3f | %.3f%% | - |\n\n", theirs, 100.0 * theirs / idleSeconds);
        printf("Target: under 1%% of a core. (The process figure includes the benchmark's own idle threads.)\n\n");
        for (int fd : fds)
            ::close(fd);
        for (int fd : refFds)
            ::close(fd);
    }

    // 2. Memory with a slow reader, both clients at the same time.
    {
        Source source(slowBytes);
        auto fd = ssh.openDirectTcpip(QStringLiteral("127.0.0.1"), source.port());
        const quint16 lport = freePort();
        SshL ref(sshd, lport, source.port());
        const int refFd = connectTo(lport);
        if (!fd || refFd < 0) {
            fprintf(stderr, "slow: could not open the forwards\n");
            return 1;
        }
        QThread::msleep(300);
        const qint64 baseKb = statusKb(0, "VmRSS:");
        std::atomic_bool done{false};
        qint64 peakKb = baseKb, refPeakKb = 0, peakQueued = 0;
        std::thread monitor([&] {
            while (!done) {
                peakKb = std::max(peakKb, statusKb(0, "VmRSS:"));
                refPeakKb = std::max(refPeakKb, statusKb(ref.pid(), "VmRSS:"));
                peakQueued = std::max<qint64>(peakQueued, ssh.forwardStats().queued);
                QThread::msleep(100);
            }
        });
        QElapsedTimer t;
        t.start();
        qint64 ours = 0, theirs = 0;
        std::thread a([&] { ours = drain(*fd, slowRate); });
        std::thread b([&] { theirs = drain(refFd, slowRate); });
        a.join();
        b.join();
        done = true;
        monitor.join();
        ::close(*fd);
        ::close(refFd);
        printf("### Memory: %lld MB through one forwarded connection to a reader at %.0f MB/s (%.0f s)\n\n"
               "| client | bytes read | peak RSS | above baseline |\n|---|---|---|---|\n",
               slowBytes / 1'000'000, slowRate, t.elapsed() / 1000.0);
        printf("| SshSession (this process) | %lld | %.1f MB | %.1f MB (relay queue peak %.2f MB) |\n", ours,
               peakKb / 1024.0, (peakKb - baseKb) / 1024.0, peakQueued / 1048576.0);
        printf("| OpenSSH ssh -N -L | %lld | %.1f MB | - |\n\n", theirs, refPeakKb / 1024.0);
        printf("Target: bounded, under 64 MB above the baseline.\n\n");
    }

    // 3. Throughput, one after the other.
    {
        Source source(fastBytes);
        auto fd = ssh.openDirectTcpip(QStringLiteral("127.0.0.1"), source.port());
        if (!fd)
            return 1;
        QElapsedTimer t;
        t.start();
        const qint64 ours = drain(*fd, 0);
        const qint64 oursMs = std::max<qint64>(1, t.elapsed());
        ::close(*fd);
        const quint16 lport = freePort();
        SshL ref(sshd, lport, source.port());
        const int refFd = connectTo(lport);
        t.restart();
        const qint64 theirs = drain(refFd, 0);
        const qint64 theirsMs = std::max<qint64>(1, t.elapsed());
        ::close(refFd);
        const double oursRate = ours / 1e6 / (oursMs / 1000.0), theirsRate = theirs / 1e6 / (theirsMs / 1000.0);
        printf("### Throughput: %lld MB through one forwarded connection, read as fast as possible\n\n"
               "| client | bytes | seconds | MB/s |\n|---|---|---|---|\n",
               fastBytes / 1'000'000);
        printf("| SshSession | %lld | %.2f | %.1f |\n", ours, oursMs / 1000.0, oursRate);
        printf("| OpenSSH ssh -N -L | %lld | %.2f | %.1f |\n\n", theirs, theirsMs / 1000.0, theirsRate);
        printf("Ratio SshSession / OpenSSH: %.2f\n", oursRate / theirsRate);
    }
    return 0;
}
