#include "core/ssh/JumpTunnel.h"

#include "core/ssh/SshLogging.h"

#include <QCoreApplication>

#include <cerrno>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aio {

namespace {
int onJumpFdEvent(socket_t, int, void*)
{
    return 0; // the loop services the relay after ssh_event_dopoll returns
}
} // namespace

JumpTunnel::~JumpTunnel()
{
    m_stop = true;
    if (m_stopFd >= 0) {
        const uint64_t one = 1;
        [[maybe_unused]] auto w = ::write(m_stopFd, &one, sizeof one);
    }
    if (m_thread.joinable())
        m_thread.join(); // on the owning session's worker thread, never the GUI's
    m_relay.reset(); // the channel goes before its session
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_stopFd >= 0)
        ::close(m_stopFd);
}

Result<std::unique_ptr<JumpTunnel>> JumpTunnel::open(std::unique_ptr<SshConnection> jump, const QString& host,
                                                     quint16 port)
{
    std::unique_ptr<JumpTunnel> t(new JumpTunnel);
    auto opened = ChannelRelay::openDirectTcpip(jump->session(), host, port);
    if (!opened) {
        const Error& e = opened.error();
        if (e.kind == ErrorKind::Io)
            return Error(ErrorKind::Io,
                         QCoreApplication::translate("aio::JumpTunnel", "Could not create a local socket pair."),
                         e.detail);
        return Error(ErrorKind::ConnectionRefused,
                     QCoreApplication::translate("aio::JumpTunnel", "The jump host %1 could not reach %2:%3.")
                         .arg(jump->host(), host)
                         .arg(port),
                     e.detail,
                     QCoreApplication::translate("aio::JumpTunnel",
                                                 "Check that the jump host allows TCP forwarding and can reach the "
                                                 "target."));
    }
    t->m_fd = opened->callerFd;
    t->m_relay = std::move(opened->relay);
    t->m_stopFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    t->m_jump = std::move(jump);
    t->m_thread = std::thread([raw = t.get()] { raw->pump(); });
    return t;
}

void JumpTunnel::pump()
{
    ssh_session s = m_jump->session();
    ssh_set_blocking(s, 1);
    ssh_event event = ssh_event_new();
    ssh_event_add_session(event, s);
    ssh_event_add_fd(event, m_stopFd, POLLIN, onJumpFdEvent, nullptr);
    short registered = 0;
    while (!m_stop) {
        const short want = m_relay->service();
        if (m_relay->finished())
            break;
        if (want != registered) {
            if (registered)
                ssh_event_remove_fd(event, m_relay->fd());
            if (want)
                ssh_event_add_fd(event, m_relay->fd(), want, onJumpFdEvent, nullptr);
            registered = want;
        }
        ssh_event_dopoll(event, -1);
        if (!ssh_is_connected(s))
            break;
    }
    if (registered)
        ssh_event_remove_fd(event, m_relay->fd());
    ssh_event_remove_fd(event, m_stopFd);
    ssh_event_remove_session(event, s);
    ssh_event_free(event);
    ::shutdown(m_relay->fd(), SHUT_RDWR); // the next session sees its transport end
    qCDebug(lcSsh) << "jump tunnel through" << m_jump->host() << "ended";
}

} // namespace aio
