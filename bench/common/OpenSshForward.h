#pragma once

// The benchmarks' reference for forwarded connections: OpenSSH's `ssh -N -L` to the tests' local
// sshd (tests/common/LocalSshd.h), and the plain TCP helpers both sides of a comparison use.

#include "common/LocalSshd.h"

#include <QProcess>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aio::bench {

// `ssh -N -L 127.0.0.1:localPort:127.0.0.1:targetPort` to the sshd, as long as this object lives.
class SshL
{
public:
    SshL(const test::LocalSshd& sshd, quint16 localPort, quint16 targetPort)
    {
        m_p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_p.start(QStringLiteral("ssh"),
                  {QStringLiteral("-N"),
                   QStringLiteral("-T"),
                   QStringLiteral("-o"),
                   QStringLiteral("BatchMode=yes"),
                   QStringLiteral("-o"),
                   QStringLiteral("StrictHostKeyChecking=no"),
                   QStringLiteral("-o"),
                   QStringLiteral("UserKnownHostsFile=/dev/null"),
                   QStringLiteral("-o"),
                   QStringLiteral("LogLevel=ERROR"),
                   QStringLiteral("-o"),
                   QStringLiteral("ServerAliveInterval=0"),
                   QStringLiteral("-F"),
                   QStringLiteral("/dev/null"),
                   QStringLiteral("-i"),
                   sshd.path(QStringLiteral("client")),
                   QStringLiteral("-p"),
                   QString::number(sshd.port()),
                   QStringLiteral("-L"),
                   QStringLiteral("127.0.0.1:%1:127.0.0.1:%2").arg(localPort).arg(targetPort),
                   sshd.settings(QString()).user + QStringLiteral("@127.0.0.1")});
        m_p.waitForStarted(5000);
    }
    ~SshL()
    {
        m_p.terminate();
        m_p.waitForFinished(5000);
    }
    SshL(const SshL&) = delete;
    SshL& operator=(const SshL&) = delete;
    qint64 pid() const { return m_p.processId(); }

private:
    QProcess m_p;
};

// A connected TCP socket (TCP_NODELAY) to 127.0.0.1:port, retried for up to 5 s (ssh -L may not
// listen yet); -1 when nothing answered.
inline int connectTo(quint16 port)
{
    for (int i = 0; i < 100; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        ::close(fd); // a socket whose connect failed is not connected again
        QThread::msleep(50);
    }
    return -1;
}

// A port on 127.0.0.1 that was free a moment ago.
inline quint16 freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

} // namespace aio::bench
