#pragma once

// Internal to core/ssh.

#include "core/ssh/ChannelRelay.h"
#include "core/ssh/SshConnection.h"

#include <atomic>
#include <memory>
#include <thread>

namespace aio {

// A direct-tcpip channel through an authenticated jump host, exposed as a local socket that the
// next hop's libssh session uses as its transport (SSH_OPTIONS_FD). A thread owns the jump
// session from then on and relays bytes both ways with the one ChannelRelay, sleeping until the
// jump session's socket or the local socket has something, so the next session may block freely.
class JumpTunnel
{
public:
    ~JumpTunnel();
    static Result<std::unique_ptr<JumpTunnel>> open(std::unique_ptr<SshConnection> jump, const QString& host,
                                                    quint16 port);
    int fd() const { return m_fd; }

private:
    JumpTunnel() = default;
    void pump();

    std::unique_ptr<SshConnection> m_jump;
    std::unique_ptr<ChannelRelay> m_relay; // owns the channel and our end of the socket pair
    int m_fd = -1; // the next session's end
    int m_stopFd = -1;
    std::atomic_bool m_stop{false};
    std::thread m_thread;
};

} // namespace aio
