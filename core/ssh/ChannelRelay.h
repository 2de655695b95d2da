#pragma once

// Internal to core/ssh: the one channel<->socket relay, for forwarded channels (tunnels) and for
// jump hops alike.

#include <libssh/libssh.h>

#include <QtGlobal>

#include <QByteArray>

namespace aio {

// Relays one open SSH channel and one local stream socket both ways, on the thread that owns the
// channel's session (libssh's threading rule). It owns both and closes both when destroyed.
//
// Event-driven: service() moves what it can without blocking and says which poll events the
// socket needs next; the owner's loop sleeps until the socket or the session's socket has
// something, then calls service() again. Nothing wakes while the relay is idle.
//
// Back-pressure both ways, so memory stays bounded whatever the peers' speeds:
// - channel -> socket: bytes are taken from the channel only while the local queue (at most
//   kMaxQueued) has room. What is not taken stays in libssh's channel buffer, and libssh grows the
//   channel's window only as bytes are read, so a slow local reader slows the remote sender down
//   (at most one window, 1.28 MB in libssh 0.10, waits in libssh).
// - socket -> channel: the socket is read only while the channel's window has room; a slow
//   remote closes the window and the local writer then waits in its own socket buffer.
// Half-close: an EOF on either side is passed on (ssh_channel_send_eof / shutdown(SHUT_WR)) while
// the other direction keeps flowing. Bytes that arrived before the remote's close are still
// handed to the socket (libssh keeps a channel open until its buffer is read).
class ChannelRelay
{
public:
    static constexpr qsizetype kMaxQueued = 256 * 1024;

    // The socket is made non-blocking.
    ChannelRelay(ssh_channel channel, int fd);
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
        qsizetype peakQueued = 0;
    };
    Stats stats() const { return m_stats; }

private:
    bool flushToLocal();
    void readChannel();
    void readSocket();

    ssh_channel m_channel = nullptr;
    int m_fd = -1;
    QByteArray m_toLocal;
    bool m_remoteEof = false;
    bool m_localEof = false;
    bool m_localShutdown = false;
    bool m_broken = false;
    bool m_finished = false;
    Stats m_stats;
};

} // namespace aio
