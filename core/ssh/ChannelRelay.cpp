#include "core/ssh/ChannelRelay.h"

#include "core/ssh/SshLogging.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aio {

namespace {
constexpr qsizetype kChunk = 64 * 1024;
constexpr int kMaxRoundsPerService = 64; // then the loop turns once, so no relay starves the others
} // namespace

Result<ChannelRelay::Opened> ChannelRelay::openDirectTcpip(ssh_session session, const QString& host, quint16 port)
{
    ssh_channel channel = ssh_channel_new(session);
    const QByteArray target = host.toUtf8();
    if (!channel || ssh_channel_open_forward(channel, target.constData(), port, "127.0.0.1", 0) != SSH_OK) {
        const QString detail = QString::fromUtf8(ssh_get_error(session));
        if (channel)
            ssh_channel_free(channel);
        return Error(ErrorKind::ConnectionRefused, QStringLiteral("direct-tcpip %1:%2 refused").arg(host).arg(port),
                     detail);
    }
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        const QString detail = QString::fromLocal8Bit(strerror(errno));
        ssh_channel_close(channel);
        ssh_channel_free(channel);
        return Error(ErrorKind::Io, QStringLiteral("socketpair failed"), detail);
    }
    return Opened{std::make_unique<ChannelRelay>(channel, fds[0]), fds[1]};
}

ChannelRelay::ChannelRelay(ssh_channel channel, int fd, std::unique_ptr<ForwardFilter> filter, QByteArray toRemote)
    : m_channel(channel)
    , m_fd(fd)
    , m_filter(std::move(filter))
    , m_toRemote(std::move(toRemote))
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
}

ChannelRelay::~ChannelRelay()
{
    if (m_filter) {
        reportMoved();
        m_filter->ended();
    }
    if (m_channel) {
        if (!ssh_channel_is_closed(m_channel))
            ssh_channel_close(m_channel);
        ssh_channel_free(m_channel);
    }
    if (m_fd >= 0) {
        if (m_closing) {
            // The client may still be sending (a refused upload): closing with unread bytes
            // would reset the connection and lose the answer just written. Say we are done, and
            // discard what is already here.
            ::shutdown(m_fd, SHUT_WR);
            char sink[4096];
            for (int i = 0; i < 64 && ::recv(m_fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) { }
        }
        ::close(m_fd);
    }
}

bool ChannelRelay::flushToLocal()
{
    while (m_toLocalPos < m_toLocal.size()) {
        const ssize_t w
            = ::send(m_fd, m_toLocal.constData() + m_toLocalPos, size_t(m_toLocal.size() - m_toLocalPos), MSG_NOSIGNAL);
        if (w > 0) {
            // An offset, not remove(0, w): moving the rest down after every partial send cost
            // a tenth of a fast download's CPU.
            m_toLocalPos += w;
            if (m_toLocalPos == m_toLocal.size()) {
                m_toLocal.resize(0); // keeps the allocation for the next turn
                m_toLocalPos = 0;
            }
            m_stats.toLocal += w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return false;
        m_broken = true; // the local peer is gone
        return false;
    }
    return true;
}

void ChannelRelay::flushToRemote()
{
    while (queuedToRemote() > 0 && !m_broken) {
        if (!ssh_channel_is_open(m_channel) || ssh_channel_is_closed(m_channel))
            return;
        const uint32_t window = ssh_channel_window_size(m_channel);
        if (window == 0)
            return; // written when the remote grows the window
        const qsizetype n = std::min<qsizetype>({queuedToRemote(), qsizetype(window), kChunk});
        if (ssh_channel_write(m_channel, m_toRemote.constData() + m_toRemotePos, uint32_t(n)) != int(n)) {
            m_broken = true;
            return;
        }
        m_toRemotePos += n; // an offset, as for m_toLocal
        m_stats.toRemote += n;
    }
    if (m_toRemotePos > 0 && m_toRemotePos == m_toRemote.size()) {
        m_toRemote.resize(0);
        m_toRemotePos = 0;
    } else if (m_toRemotePos >= kMaxQueued / 2 && m_toRemotePos * 2 >= m_toRemote.size()) {
        // A queue that never quite empties: drop what was sent, now and then (amortised).
        m_toRemote.remove(0, m_toRemotePos);
        m_toRemotePos = 0;
    }
}

void ChannelRelay::reportMoved()
{
    if (!m_filter)
        return;
    const qint64 toLocal = m_stats.toLocal - m_reportedToLocal;
    const qint64 toRemote = m_stats.toRemote - m_reportedToRemote;
    if (toLocal || toRemote) {
        m_filter->moved(toLocal, toRemote);
        m_reportedToLocal = m_stats.toLocal;
        m_reportedToRemote = m_stats.toRemote;
    }
}

void ChannelRelay::readSocketFiltered()
{
    char buf[kChunk];
    for (int rounds = 0; !m_broken && !m_localEof && !m_closing && rounds < kMaxRoundsPerService; ++rounds) {
        flushToRemote();
        if (queuedToRemote() >= kMaxQueued)
            return; // back-pressure: read again when the channel took some
        const ssize_t r = ::recv(m_fd, buf, sizeof buf, 0);
        if (r > 0) {
            QByteArray local;
            if (m_filter->fromLocal(QByteArrayView(buf, r), m_toRemote, local) == ForwardFilter::Verdict::Close) {
                m_closing = true;
                m_toLocal.append(local);
            }
        } else if (r == 0) {
            m_localEof = true;
        } else {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                m_broken = true;
            return;
        }
    }
    flushToRemote();
}

void ChannelRelay::readChannel()
{
    // libssh grows the channel's window back to a full window on every read, whatever it still
    // holds unread, so reading a little at a time for a slow reader would let the sender fill
    // memory without bound. So the channel is read only when the queue is empty, and then only
    // what libssh holds at that moment: at most one window waits here, at most one in libssh.
    if (m_broken || m_remoteEof || m_closing || queuedToLocal() > 0)
        return;
    const int available = ssh_channel_poll(m_channel, 0);
    if (available == SSH_EOF) {
        m_remoteEof = true;
        return;
    }
    if (available < 0) {
        // A channel closed under us ends like an EOF; anything else is a broken session.
        m_remoteEof = true;
        if (!ssh_channel_is_closed(m_channel)) {
            m_broken = true;
            qCDebug(lcSsh) << "relay: polling the channel failed:" << ssh_get_error(ssh_channel_get_session(m_channel));
        }
        return;
    }
    m_stats.peakQueued = std::max(m_stats.peakQueued, qsizetype(available));
    // Read straight into the queue (empty here), without a copy through a stack buffer.
    m_toLocal.resize(available);
    m_toLocalPos = 0;
    qsizetype got = 0;
    while (got < available && !m_broken) {
        const int n = ssh_channel_read_nonblocking(m_channel, m_toLocal.data() + got,
                                                   uint32_t(std::min<qsizetype>(available - got, 1 << 30)), 0);
        if (n > 0) {
            got += n;
            continue;
        }
        if (n == SSH_EOF || (n == 0 && ssh_channel_is_eof(m_channel))) {
            m_remoteEof = true;
        } else if (n < 0) {
            m_remoteEof = true;
            if (!ssh_channel_is_closed(m_channel)) {
                m_broken = true;
                qCDebug(lcSsh) << "relay: reading the channel failed:"
                               << ssh_get_error(ssh_channel_get_session(m_channel));
            }
        }
        break;
    }
    m_toLocal.resize(got);
}

void ChannelRelay::readSocket()
{
    char buf[kChunk];
    for (int rounds = 0; !m_broken && !m_localEof && rounds < kMaxRoundsPerService; ++rounds) {
        if (!ssh_channel_is_open(m_channel) || ssh_channel_is_closed(m_channel))
            return;
        const uint32_t window = ssh_channel_window_size(m_channel);
        if (window == 0)
            return; // back-pressure: the socket is read again when the remote grows the window
        const ssize_t r = ::recv(m_fd, buf, size_t(std::min<qint64>(kChunk, window)), 0);
        if (r > 0) {
            if (ssh_channel_write(m_channel, buf, uint32_t(r)) != int(r)) {
                m_broken = true;
                return;
            }
            m_stats.toRemote += r;
        } else if (r == 0) {
            m_localEof = true;
            ssh_channel_send_eof(m_channel);
        } else {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                m_broken = true;
            return;
        }
    }
}

short ChannelRelay::service()
{
    if (m_finished)
        return 0;
    flushToLocal();
    readChannel();
    flushToLocal();
    if (!m_broken && m_remoteEof && queuedToLocal() == 0 && !m_localShutdown) {
        ::shutdown(m_fd, SHUT_WR);
        m_localShutdown = true;
    }
    if (m_filter) {
        readSocketFiltered();
        if (m_localEof && queuedToRemote() == 0 && !m_eofSent && !m_broken) {
            ssh_channel_send_eof(m_channel);
            m_eofSent = true;
        }
        flushToLocal();
        reportMoved();
    } else {
        readSocket();
    }
    m_stats.queued = queuedToLocal();
    const bool channelGone = ssh_channel_is_closed(m_channel) && m_remoteEof;
    const bool localDone = m_localEof && queuedToRemote() == 0;
    if (m_broken || (queuedToLocal() == 0 && (m_closing || channelGone || (localDone && m_remoteEof)))) {
        m_finished = true;
        return 0;
    }
    short events = 0;
    if (queuedToLocal() > 0)
        events |= POLLOUT;
    if (m_filter) {
        if (!m_localEof && !m_closing && queuedToRemote() < kMaxQueued)
            events |= POLLIN;
    } else if (!m_localEof && ssh_channel_window_size(m_channel) > 0) {
        events |= POLLIN;
    }
    return events;
}

} // namespace aio
