#pragma once

// Internal to core/ssh: libssh handles never leave this folder.

#include "core/ssh/KnownHosts.h"
#include "core/ssh/RemoteHost.h"
#include "core/ssh/SshCallbacks.h"
#include "core/ssh/SshSettings.h"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <QCoreApplication>
#include <QDeadlineTimer>

#include <functional>
#include <memory>

namespace aio {

class JumpTunnel;

struct SshSessionFree
{
    void operator()(ssh_session s) const;
};
using SshSessionPtr = std::unique_ptr<ssh_session_struct, SshSessionFree>;

// One authenticated libssh session to one host: options resolved from the settings and
// ~/.ssh/config, TCP (or a jump tunnel), host-key verification against KnownHosts, then
// authentication. Used by the thread that owns it only (libssh's threading rule).
class SshConnection
{
    Q_DECLARE_TR_FUNCTIONS(aio::SshConnection)

public:
    ~SshConnection();

    // Connects through the settings' jump hosts (or the config's ProxyJump), verifies the host
    // key and logs in. Blocks; honours the cancel token and settings.connectTimeoutMs.
    // onHostKeyChecked sees every host-key check (also the ones that stop the connection).
    static Result<std::unique_ptr<SshConnection>>
    open(const SshSettings& settings, const SshCallbacks& callbacks, const CancelToken& cancel,
         const std::function<void(const HostKeyCheck&)>& onHostKeyChecked = {});

    ssh_session session() const { return m_session.get(); }
    const HostKeyCheck& hostKeyCheck() const { return m_hostKeyCheck; }
    // After config resolution.
    const QString& host() const { return m_host; }
    quint16 port() const { return m_port; }
    const QString& user() const { return m_user; }
    int serverAliveIntervalSec() const { return m_serverAliveSec; }
    // The name used in errors: the target's name, else user@host:port.
    QString name() const;

private:
    SshConnection() = default;
    Status configure(const SshSettings& settings);
    Status establish(const SshCallbacks& callbacks, const CancelToken& cancel, std::unique_ptr<SshConnection> via);
    Status connectSocket(const CancelToken& cancel);
    // Our own TCP connect: precise errors (refused / unreachable / timeout) and a hard deadline.
    Status connectTcp(const CancelToken& cancel, const QDeadlineTimer& deadline);
    Status verifyHostKey(const SshCallbacks& callbacks);
    std::function<void(const HostKeyCheck&)> m_onHostKeyChecked;
    Status authenticate(const SshCallbacks& callbacks);
    Error connectError(const QString& libsshMessage) const;

    std::unique_ptr<JumpTunnel> m_tunnel; // destroyed after m_session (declared first)
    SshSessionPtr m_session;
    int m_fd = -1; // the TCP socket we connected (libssh does not close a socket it was given)
    SshSettings m_settings;
    QList<SshHop> m_hops;
    QString m_host;
    quint16 m_port = 22;
    QString m_user;
    int m_serverAliveSec = 30;
    HostKeyCheck m_hostKeyCheck;
    ssh_callbacks_struct m_libsshCallbacks{};
    SecretProvider m_secrets;
};

} // namespace aio
