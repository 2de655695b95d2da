#include "core/ssh/JumpTunnel.h"

#include "core/ssh/SshLog.h"

#include <QCoreApplication>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aio {

JumpTunnel::~JumpTunnel()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_channel) {
        ssh_channel_close(m_channel);
        ssh_channel_free(m_channel);
    }
    for (int fd : m_fds)
        if (fd >= 0)
            ::close(fd);
}

Result<std::unique_ptr<JumpTunnel>> JumpTunnel::open(std::unique_ptr<SshConnection> jump, const QString& host,
                                                     quint16 port)
{
    std::unique_ptr<JumpTunnel> t(new JumpTunnel);
    ssh_session s = jump->session();
    t->m_channel = ssh_channel_new(s);
    const QByteArray target = host.toUtf8();
    if (!t->m_channel || ssh_channel_open_forward(t->m_channel, target.constData(), port, "127.0.0.1", 0) != SSH_OK)
        return Error(ErrorKind::ConnectionRefused,
                     QCoreApplication::translate("JumpTunnel", "The jump host %1 could not reach %2:%3.")
                         .arg(jump->host(), host)
                         .arg(port),
                     QString::fromUtf8(ssh_get_error(s)),
                     QCoreApplication::translate("JumpTunnel",
                                                 "Check that the jump host allows TCP forwarding and can reach the "
                                                 "target."));
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->m_fds) != 0)
        return Error(ErrorKind::Io, QCoreApplication::translate("JumpTunnel", "Could not create a local socket pair."),
                     QString::fromLocal8Bit(strerror(errno)));
    fcntl(t->m_fds[1], F_SETFL, fcntl(t->m_fds[1], F_GETFL) | O_NONBLOCK);
    t->m_jump = std::move(jump);
    t->m_thread = std::thread([raw = t.get()] { raw->pump(); });
    return t;
}

void JumpTunnel::pump()
{
    ssh_session s = m_jump->session();
    ssh_set_blocking(s, 1);
    const int local = m_fds[1];
    QByteArray toLocal; // from the jump channel, not yet written to the socket
    char buf[65536];
    bool localEof = false;
    bool remoteEof = false;
    while (!m_stop) {
        bool progress = false;
        // jump channel -> local socket
        while (!remoteEof && toLocal.size() < (1 << 20)) {
            const int n = ssh_channel_read_nonblocking(m_channel, buf, sizeof buf, 0);
            if (n > 0) {
                toLocal.append(buf, n);
                progress = true;
            } else if (n == SSH_ERROR || (n == 0 && ssh_channel_is_eof(m_channel))) {
                remoteEof = true;
            } else {
                break;
            }
        }
        if (!toLocal.isEmpty()) {
            const ssize_t w = ::send(local, toLocal.constData(), size_t(toLocal.size()), MSG_NOSIGNAL);
            if (w > 0) {
                toLocal.remove(0, w);
                progress = true;
            } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                break;
            }
        }
        if (remoteEof && toLocal.isEmpty()) {
            ::shutdown(local, SHUT_WR);
            if (localEof)
                break;
        }
        // local socket -> jump channel
        if (!localEof) {
            const ssize_t r = ::recv(local, buf, sizeof buf, 0);
            if (r > 0) {
                if (ssh_channel_write(m_channel, buf, uint32_t(r)) < 0)
                    break;
                progress = true;
            } else if (r == 0) {
                localEof = true;
                ssh_channel_send_eof(m_channel);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                break;
            }
        }
        if (!ssh_is_connected(s))
            break;
        if (!progress) {
            pollfd p[2] = {{local, short(localEof ? 0 : POLLIN), 0}, {ssh_get_fd(s), POLLIN, 0}};
            if (!toLocal.isEmpty())
                p[0].events |= POLLOUT;
            poll(p, 2, 20);
        }
    }
    ::shutdown(local, SHUT_RDWR);
    qCDebug(lcSsh) << "jump tunnel through" << m_jump->host() << "ended";
}

} // namespace aio
