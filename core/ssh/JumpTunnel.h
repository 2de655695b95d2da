#pragma once

// Internal to core/ssh.

#include "core/ssh/SshConnection.h"

#include <atomic>
#include <memory>
#include <thread>

namespace aio {

// A direct-tcpip channel through an authenticated jump host, exposed as a local socket that the
// next hop's libssh session uses as its transport (SSH_OPTIONS_FD). A pump thread owns the jump
// session from then on and copies bytes both ways, so the next session may block freely.
class JumpTunnel
{
public:
    ~JumpTunnel();
    static Result<std::unique_ptr<JumpTunnel>> open(std::unique_ptr<SshConnection> jump, const QString& host,
                                                    quint16 port);
    int fd() const { return m_fds[0]; }

private:
    JumpTunnel() = default;
    void pump();

    std::unique_ptr<SshConnection> m_jump;
    ssh_channel m_channel = nullptr;
    int m_fds[2] = {-1, -1}; // [0]: the next session's end; [1]: ours
    std::atomic_bool m_stop{false};
    std::thread m_thread;
};

} // namespace aio
