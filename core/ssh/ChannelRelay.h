#pragma once

// Internal to core/ssh: the one channel<->socket relay, for forwarded channels (tunnels) and for
// jump hops alike.

#include <libssh/libssh.h>

#include <QtGlobal>

#include "core/common/Result.h"
#include "core/ssh/ForwardFilter.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace aio {

// Relays one open SSH channel and one local stream socket both ways, on the thread that owns the
// channel's session (libssh's threading rule). It owns both and closes both when destroyed.
//
// Event-driven: service() moves what it can without blocking and says which poll events the
// socket needs next; the owner's loop sleeps until the socket or the session's socket has
// something, then calls service() again. Nothing wakes while the relay is idle.
//
// Back-pressure both ways, so memory stays bounded whatever the peers' speeds:
// - channel -> socket: libssh 0.10 grows a channel's window back to a full window (1.28 MB) on
//   every read, whatever it still holds unread; reading a little at a time for a slow reader
//   would let the sender fill memory without bound. So the channel is read only when the local
//   queue is empty, and then only what libssh holds at that moment. At most about one window
//   waits in the queue and one in libssh (kMaxQueued bounds the queue; docs/benchmarks.md
//   measures it).
// - socket -> channel: the socket is read only while the channel's window has room; a slow
//   remote closes the window and the local writer then waits in its own socket buffer.
// Half-close: an EOF on either side is passed on (ssh_channel_send_eof / shutdown(SHUT_WR)) while
// the other direction keeps flowing. Bytes that arrived before the remote's close are still
// handed to the socket (libssh keeps a channel open until its buffer is read).
// A ForwardFilter, when given, sees every byte from the socket before it goes to the channel (the
// tunnels' authenticating proxy) and is told what moved; what it produces waits in a queue that
// is written as the channel's window allows (the socket is not read while it holds kMaxQueued).
class ChannelRelay
{
public:
    static constexpr qsizetype kMaxQueued = 3 * 1024 * 1024; // two libssh windows, and room

    // Opens a direct-tcpip channel to host:port (as the server resolves it) and a local socket
    // pair: the relay owns the channel and one end, `callerFd` is the other end, for the caller.
    // Errors: ConnectionRefused with the server's reason, or Io; callers say what it was for.
    struct Opened
    {
        std::unique_ptr<ChannelRelay> relay;
        int callerFd = -1;
    };
    static Result<Opened> openDirectTcpip(ssh_session session, const QString& host, quint16 port);

    // The socket is made non-blocking. `toRemote`: bytes the filter already produced from what
    // the socket sent before the relay took it over (the first request, read by whoever accepted it).
    ChannelRelay(ssh_channel channel, int fd, std::unique_ptr<ForwardFilter> filter = {}, QByteArray toRemote = {});
    ~ChannelRelay();
    ChannelRelay(const ChannelRelay&) = delete;
    ChannelRelay& operator=(const ChannelRelay&) = delete;

    int fd() const { return m_fd; }
    ssh_channel channel() const { return m_channel; }

    // Moves bytes both ways. Returns the poll events (POLLIN, POLLOUT) the socket waits for now;
    // 0 once finished.
    short service();
    bool finished() const { return m_finished; }

    struct Stats
    {
        qint64 toLocal = 0; // bytes from the channel written to the socket
        qint64 toRemote = 0; // bytes from the socket written to the channel
        qsizetype queued = 0; // from the channel, waiting for the socket
        qsizetype peakQueued = 0; // the most ever held for this channel: the queue and libssh's buffer
    };
    Stats stats() const { return m_stats; }

private:
    bool flushToLocal();
    void flushToRemote();
    void readChannel();
    void readSocket();
    void readSocketFiltered();
    void reportMoved();

    ssh_channel m_channel = nullptr;
    int m_fd = -1;
    qsizetype queuedToLocal() const { return m_toLocal.size() - m_toLocalPos; }
    qsizetype queuedToRemote() const { return m_toRemote.size() - m_toRemotePos; }

    QByteArray m_toLocal; // from m_toLocalPos on: from the channel, for the socket
    qsizetype m_toLocalPos = 0;
    std::unique_ptr<ForwardFilter> m_filter;
    QByteArray m_toRemote; // with a filter, from m_toRemotePos on: produced, waiting for the channel's window
    qsizetype m_toRemotePos = 0;
    qint64 m_reportedToLocal = 0;
    qint64 m_reportedToRemote = 0;
    bool m_closing = false; // the filter ended the connection: flush its answer, then finish
    bool m_eofSent = false;
    bool m_remoteEof = false;
    bool m_localEof = false;
    bool m_localShutdown = false;
    bool m_broken = false;
    bool m_finished = false;
    Stats m_stats;
};

} // namespace aio
