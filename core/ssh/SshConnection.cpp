#include "core/ssh/SshConnection.h"

#include "core/inventory/SshConfigImporter.h"

#include "core/ssh/JumpTunnel.h"
#include "core/ssh/SshLogging.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aio {

namespace {

struct KeyFree
{
    void operator()(ssh_key k) const { ssh_key_free(k); }
};
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyFree>;

QString getOption(ssh_session s, ssh_options_e option)
{
    char* value = nullptr;
    if (ssh_options_get(s, option, &value) != SSH_OK || !value)
        return {};
    QString text = QString::fromUtf8(value);
    ssh_string_free_char(value);
    return text;
}

// libssh 0.10 turns "ProxyJump a,b" into "ssh [-l u] [-p n] [-J b] -W '[%h]:%p' a"; we read the
// chain back and run it ourselves, so every hop gets our host-key checks and authentication.
std::optional<QList<SshHop>> proxyJumpFromCommand(const QString& command)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^ssh(?: -l (\S+))?(?: -p (\d+))?(?: -J (\S+))? -W '\[%h\]:%p' (\S+)$)"));
    const auto m = re.match(command);
    if (!m.hasMatch())
        return std::nullopt;
    QList<SshHop> hops;
    // The first hop comes in pieces; an IPv6 host needs its brackets back before a port follows.
    QString host = m.captured(4);
    if (host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('[')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    QString first = m.captured(1).isEmpty() ? host : m.captured(1) + QLatin1Char('@') + host;
    if (!m.captured(2).isEmpty())
        first += QLatin1Char(':') + m.captured(2);
    QStringList texts{first};
    if (!m.captured(3).isEmpty())
        texts << m.captured(3).split(QLatin1Char(','));
    for (const QString& t : texts) {
        auto hop = SshHop::parse(t);
        if (!hop)
            return std::nullopt;
        hops << *hop;
    }
    return hops;
}

QString methodNames(int methods)
{
    QStringList names;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY)
        names << QStringLiteral("publickey");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE)
        names << QStringLiteral("keyboard-interactive");
    if (methods & SSH_AUTH_METHOD_PASSWORD)
        names << QStringLiteral("password");
    if (methods & SSH_AUTH_METHOD_HOSTBASED)
        names << QStringLiteral("hostbased");
    if (methods & SSH_AUTH_METHOD_GSSAPI_MIC)
        names << QStringLiteral("gssapi-with-mic");
    return names.isEmpty() ? SshConnection::tr("none") : names.join(QStringLiteral(", "));
}

// libssh's passphrase callback, for keys it loads itself (ssh_userauth_publickey_auto).
int passphraseCallback(const char* prompt, char* buf, size_t len, int /*echo*/, int /*verify*/, void* userdata)
{
    auto* provider = static_cast<SecretProvider*>(userdata);
    if (!provider || !*provider || len == 0)
        return -1;
    SecretRequest req;
    req.kind = SecretRequest::Kind::KeyPassphrase;
    req.prompt = QString::fromUtf8(prompt);
    static const QRegularExpression pathRe(QStringLiteral("\"([^\"]+)\""));
    req.keyPath = pathRe.match(req.prompt).captured(1);
    auto answer = (*provider)(req);
    if (!answer)
        return -1;
    QByteArray bytes = answer->toUtf8();
    if (size_t(bytes.size()) >= len)
        return -1;
    std::memcpy(buf, bytes.constData(), size_t(bytes.size()));
    buf[bytes.size()] = '\0';
    bytes.fill('\0');
    return 0;
}

} // namespace

void SshSessionFree::operator()(ssh_session s) const
{
    if (!s)
        return;
    if (ssh_is_connected(s))
        ssh_disconnect(s);
    ssh_free(s);
}

SshConnection::~SshConnection()
{
    m_session.reset();
    if (m_fd >= 0)
        ::close(m_fd);
}

QString SshConnection::name() const
{
    if (!m_settings.targetName.isEmpty())
        return m_settings.targetName;
    return m_settings.displayName();
}

Result<std::unique_ptr<SshConnection>>
SshConnection::open(const SshSettings& settings, const SshCallbacks& callbacks, const CancelToken& cancel,
                    const std::function<void(const HostKeyCheck&)>& onHostKeyChecked)
{
    static std::once_flag initOnce;
    std::call_once(initOnce, [] { ssh_init(); });

    std::unique_ptr<SshConnection> conn(new SshConnection);
    conn->m_onHostKeyChecked = onHostKeyChecked;
    if (auto st = conn->configure(settings); !st)
        return st.error();
    std::unique_ptr<SshConnection> via;
    for (const SshHop& hop : conn->m_hops) {
        SshSettings hopSettings = settings.forHop(hop);
        if (!settings.targetName.isEmpty())
            hopSettings.targetName = settings.targetName + QStringLiteral(" (via ") + hop.toString() + QLatin1Char(')');
        std::unique_ptr<SshConnection> hopConn(new SshConnection);
        hopConn->m_onHostKeyChecked = onHostKeyChecked;
        if (auto st = hopConn->configure(hopSettings); !st)
            return st.error();
        if (auto st = hopConn->establish(callbacks, cancel, std::move(via)); !st)
            return st.error();
        via = std::move(hopConn);
    }
    if (auto st = conn->establish(callbacks, cancel, std::move(via)); !st)
        return st.error();
    return conn;
}

Status SshConnection::configure(const SshSettings& settings)
{
    m_settings = settings;
    m_session.reset(ssh_new());
    ssh_session s = m_session.get();
    if (!s)
        return Error(ErrorKind::Internal, tr("Could not create an SSH session."));
    if (settings.host.isEmpty())
        return Error(ErrorKind::InvalidInput, tr("No host name is set for the SSH connection."));

    const QByteArray alias = settings.host.toString().toUtf8();
    if (ssh_options_set(s, SSH_OPTIONS_HOST, alias.constData()) != SSH_OK)
        return Error(ErrorKind::InvalidInput, tr("The host name is not usable for SSH."), QString::fromUtf8(alias));

    const QString configFile
        = settings.sshConfigFile.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh/config") : settings.sshConfigFile;
    int aliveFromConfig = -1;
    if (settings.useSshConfig) {
        const QByteArray path = QFile::encodeName(configFile);
        if (QFileInfo::exists(configFile) && ssh_options_parse_config(s, path.constData()) != SSH_OK)
            return Error(ErrorKind::InvalidInput, tr("Could not read the SSH configuration file %1.").arg(configFile),
                         QString::fromUtf8(ssh_get_error(s)), tr("Fix the file or turn off using ~/.ssh/config."));
        // libssh does not read ServerAliveInterval; the importer's reader does, with Include.
        const auto alive
            = SshConfigImporter::optionFor(configFile, settings.host.toString(), QStringLiteral("serveraliveinterval"));
        bool ok = false;
        const int seconds = alive ? alive->toInt(&ok) : -1;
        aliveFromConfig = ok && seconds >= 0 ? seconds : -1;
    }
    bool no = false;
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no); // parsed above (or deliberately not)

    // ProxyJump: the target's own list wins; otherwise the config's, which we run natively.
    const QString proxyCommand = getOption(s, SSH_OPTIONS_PROXYCOMMAND);
    if (!proxyCommand.isEmpty()) {
        auto fromConfig = proxyJumpFromCommand(proxyCommand);
        if (fromConfig || !settings.jumpHosts.isEmpty() || settings.ignoreConfigProxyJump) {
            if (fromConfig && settings.jumpHosts.isEmpty() && !settings.ignoreConfigProxyJump)
                m_hops = *fromConfig;
            ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, "none");
        }
    }
    if (!settings.jumpHosts.isEmpty())
        m_hops = settings.jumpHosts;

    if (settings.port != 0) {
        const unsigned int port = settings.port;
        ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    }
    if (!settings.user.isEmpty()) {
        const QByteArray user = settings.user.toUtf8();
        if (ssh_options_set(s, SSH_OPTIONS_USER, user.constData()) != SSH_OK)
            return Error(ErrorKind::InvalidInput, tr("The user name is not usable for SSH."), settings.user);
    }
    if (!settings.agentSocket.isEmpty()) {
        const QByteArray sock = QFile::encodeName(settings.agentSocket);
        ssh_options_set(s, SSH_OPTIONS_IDENTITY_AGENT, sock.constData());
    }
    const long timeoutSec = std::max(1, (settings.connectTimeoutMs + 999) / 1000);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeoutSec);
    const int noDelay = 1; // small SFTP requests wait on each answer: Nagle would add 40 ms to each
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &noDelay);
    // libssh must not consult known_hosts itself: KnownHosts decides.
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");

    m_host = getOption(s, SSH_OPTIONS_HOST);
    unsigned int port = 22;
    ssh_options_get_port(s, &port);
    m_port = quint16(port);
    m_user = getOption(s, SSH_OPTIONS_USER);
    m_serverAliveSec = settings.serverAliveIntervalSec >= 0 ? settings.serverAliveIntervalSec
        : aliveFromConfig >= 0                              ? aliveFromConfig
                                                            : 30;

    // Offer the key types we already trust first, as OpenSSH does, so a host with several keys
    // is not reported as "other key type".
    KnownHosts known(settings.effectiveUserKnownHostsFiles(), settings.effectiveAppKnownHostsFile());
    const QStringList types = known.knownKeyTypes(m_host, m_port);
    if (!types.isEmpty()) {
        QStringList algorithms;
        for (const QString& t : types) {
            if (t == QLatin1String("ssh-rsa"))
                algorithms << QStringLiteral("rsa-sha2-512") << QStringLiteral("rsa-sha2-256");
            else
                algorithms << t;
        }
        const QStringList defaults{QStringLiteral("ssh-ed25519"),         QStringLiteral("ecdsa-sha2-nistp521"),
                                   QStringLiteral("ecdsa-sha2-nistp384"), QStringLiteral("ecdsa-sha2-nistp256"),
                                   QStringLiteral("rsa-sha2-512"),        QStringLiteral("rsa-sha2-256")};
        for (const QString& d : defaults)
            if (!algorithms.contains(d))
                algorithms << d;
        const QByteArray list = algorithms.join(QLatin1Char(',')).toLatin1();
        ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, list.constData());
    }
    return {};
}

Error SshConnection::connectError(const QString& msg) const
{
    const QString where = m_host + QLatin1Char(':') + QString::number(m_port);
    Error e;
    if (msg.contains(QLatin1String("resolve"), Qt::CaseInsensitive)
        || msg.contains(QLatin1String("Name or service not known")) || msg.contains(QLatin1String("name resolution")))
        e = Error(ErrorKind::HostNotFound, tr("The host name %1 does not resolve.").arg(m_host), msg,
                  tr("Check the spelling of the host name and your DNS settings."));
    else if (msg.contains(QLatin1String("refused"), Qt::CaseInsensitive))
        e = Error(ErrorKind::ConnectionRefused, tr("Nothing accepts SSH connections at %1.").arg(where), msg,
                  tr("Check that sshd runs on the host and that the port is right."));
    else if (msg.contains(QLatin1String("No route"), Qt::CaseInsensitive)
             || msg.contains(QLatin1String("unreachable"), Qt::CaseInsensitive))
        e = Error(ErrorKind::HostUnreachable, tr("There is no route to %1.").arg(where), msg,
                  tr("Check the address and your network or VPN."));
    else if (msg.contains(QLatin1String("timeout"), Qt::CaseInsensitive)
             || msg.contains(QLatin1String("timed out"), Qt::CaseInsensitive))
        e = Error(ErrorKind::Timeout, tr("%1 did not answer in time.").arg(where), msg,
                  tr("Check that the host is up and that a firewall lets SSH through."));
    else
        e = Error(ErrorKind::ConnectionLost, tr("The SSH connection to %1 failed.").arg(where), msg,
                  tr("Check that the host runs an SSH server and try again."));
    return e.onTarget(name());
}

Status SshConnection::establish(const SshCallbacks& callbacks, const CancelToken& cancel,
                                std::unique_ptr<SshConnection> via)
{
    ssh_session s = m_session.get();
    if (via) {
        auto tunnel = JumpTunnel::open(std::move(via), m_host, m_port);
        if (!tunnel)
            return tunnel.error().onTarget(name());
        m_tunnel = std::move(*tunnel);
        const socket_t fd = m_tunnel->fd();
        ssh_options_set(s, SSH_OPTIONS_FD, &fd);
    }
    if (auto st = connectSocket(cancel); !st)
        return st;
    if (auto st = verifyHostKey(callbacks); !st)
        return st;
    if (auto st = authenticate(callbacks); !st)
        return st;
    qCInfo(lcSsh) << "connected to" << m_user << "@" << m_host << m_port << (m_tunnel ? "through a jump host" : "");
    return {};
}

Status SshConnection::connectTcp(const CancelToken& cancel, const QDeadlineTimer& deadline)
{
    const QString where = m_host + QLatin1Char(':') + QString::number(m_port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* list = nullptr;
    const QByteArray host = m_host.toUtf8();
    const QByteArray port = QByteArray::number(m_port);
    if (const int rc = getaddrinfo(host.constData(), port.constData(), &hints, &list); rc != 0 || !list)
        return Error(ErrorKind::HostNotFound, tr("The host name %1 does not resolve.").arg(m_host),
                     QString::fromLocal8Bit(gai_strerror(rc)),
                     tr("Check the spelling of the host name and your DNS settings."))
            .onTarget(name());
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(list, freeaddrinfo);
    int lastErrno = ETIMEDOUT;
    for (addrinfo* ai = list; ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            lastErrno = errno;
            continue;
        }
        int err = 0;
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            err = errno;
            while (err == EINPROGRESS) {
                if (cancel.isCancelled()) {
                    ::close(fd);
                    return Error(ErrorKind::Cancelled, tr("Connecting to %1 was cancelled.").arg(where))
                        .onTarget(name());
                }
                if (deadline.hasExpired()) {
                    err = ETIMEDOUT;
                    break;
                }
                // Wakes when the connection is made or fails, or the user cancels.
                pollfd p[2] = {{fd, POLLOUT, 0}, {cancel.wakeFd(), POLLIN, 0}};
                if (poll(p, 2,
                         int(deadline.isForever() ? 24 * 3600 * 1000
                                                  : std::clamp<qint64>(deadline.remainingTime(), 1, 24 * 3600 * 1000)))
                        > 0
                    && p[0].revents) {
                    socklen_t len = sizeof err;
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                }
            }
        }
        if (err == 0) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (m_serverAliveSec > 0) {
                // ServerAliveInterval: the worker sends SSH_MSG_IGNORE when idle; a peer that stops
                // acknowledging for three intervals fails the socket (and so the session).
                const unsigned int userTimeoutMs = unsigned(m_serverAliveSec) * 3000u;
                setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &userTimeoutMs, sizeof userTimeoutMs);
                const int idle = m_serverAliveSec, count = 3;
                setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
                setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
                setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof idle);
                setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
            }
            m_fd = fd;
            ssh_options_set(m_session.get(), SSH_OPTIONS_FD, &m_fd);
            return {};
        }
        ::close(fd);
        lastErrno = err;
        if (err == ETIMEDOUT)
            break; // the deadline is for the whole connect, not per address
    }
    const QString detail = QString::fromLocal8Bit(strerror(lastErrno));
    switch (lastErrno) {
    case ECONNREFUSED:
        return Error(ErrorKind::ConnectionRefused, tr("Nothing accepts SSH connections at %1.").arg(where), detail,
                     tr("Check that sshd runs on the host and that the port is right."))
            .onTarget(name());
    case EHOSTUNREACH:
    case ENETUNREACH:
        return Error(ErrorKind::HostUnreachable, tr("There is no route to %1.").arg(where), detail,
                     tr("Check the address, that the host is up, and your network or VPN."))
            .onTarget(name());
    case ETIMEDOUT:
        return Error(ErrorKind::Timeout,
                     tr("%1 did not answer within %2 s.").arg(where).arg(m_settings.connectTimeoutMs / 1000.0), detail,
                     tr("Check that the host is up, the address is right, and a firewall lets SSH through."))
            .onTarget(name());
    default:
        return connectError(detail);
    }
}

Status SshConnection::connectSocket(const CancelToken& cancel)
{
    ssh_session s = m_session.get();
    QDeadlineTimer deadline(std::max(1000, m_settings.connectTimeoutMs));
    if (!m_tunnel && getOption(s, SSH_OPTIONS_PROXYCOMMAND).isEmpty()) {
        if (auto st = connectTcp(cancel, deadline); !st)
            return st;
    }
    ssh_set_blocking(s, 0);
    int rc = SSH_AGAIN;
    int rounds = 0;
    while ((rc = ssh_connect(s)) == SSH_AGAIN) {
        if (cancel.isCancelled())
            return Error(ErrorKind::Cancelled, tr("Connecting to %1 was cancelled.").arg(m_host)).onTarget(name());
        if (deadline.hasExpired() || ++rounds > 1'000'000)
            return Error(ErrorKind::Timeout,
                         tr("%1:%2 did not answer within %3 s.")
                             .arg(m_host)
                             .arg(m_port)
                             .arg(m_settings.connectTimeoutMs / 1000.0),
                         QString(),
                         tr("Check that the host is up, the address is right, and a firewall lets SSH "
                            "through."))
                .onTarget(name());
        // Sleep until the server says something (its banner, then the key exchange) or the
        // user cancels; at most 50 ms, for the rare turn where libssh waits to write instead.
        const int sliceMs = deadline.isForever() ? 50 : int(std::clamp<qint64>(deadline.remainingTime(), 1, 50));
        const socket_t fd = ssh_get_fd(s);
        if (fd >= 0) {
            pollfd p[2] = {{fd, POLLIN, 0}, {cancel.wakeFd(), POLLIN, 0}};
            poll(p, 2, sliceMs);
        } else {
            cancel.waitFor(std::chrono::milliseconds(sliceMs));
        }
    }
    ssh_set_blocking(s, 1);
    if (rc != SSH_OK)
        return connectError(QString::fromUtf8(ssh_get_error(s)));
    return {};
}

Status SshConnection::verifyHostKey(const SshCallbacks& callbacks)
{
    ssh_session s = m_session.get();
    ssh_key raw = nullptr;
    if (ssh_get_server_publickey(s, &raw) != SSH_OK)
        return Error(ErrorKind::Protocol, tr("The server sent no host key."), QString::fromUtf8(ssh_get_error(s)))
            .onTarget(name());
    KeyPtr key(raw);
    char* b64 = nullptr;
    if (ssh_pki_export_pubkey_base64(key.get(), &b64) != SSH_OK)
        return Error(ErrorKind::Protocol, tr("The server's host key could not be read.")).onTarget(name());
    const QByteArray base64(b64);
    ssh_string_free_char(b64);
    const QByteArray type = ssh_key_type_to_char(ssh_key_type(key.get()));
    auto hostKey = HostKey::fromBase64(type, base64);
    if (!hostKey)
        return hostKey.error().onTarget(name());

    KnownHosts known(m_settings.effectiveUserKnownHostsFiles(), m_settings.effectiveAppKnownHostsFile());
    m_hostKeyCheck = known.verify(m_host, m_port, *hostKey);
    const HostKeyCheck& c = m_hostKeyCheck;
    if (m_onHostKeyChecked)
        m_onHostKeyChecked(c);
    const QString hostText = c.hostForDisplay();
    switch (c.status) {
    case HostKeyStatus::Known:
        return {};
    case HostKeyStatus::Changed:
    case HostKeyStatus::OtherKeyType:
    case HostKeyStatus::Revoked: {
        QString message = c.status == HostKeyStatus::Revoked
            ? tr("The host key of %1 is marked as revoked. Refusing to connect.").arg(hostText)
            : tr("The host key of %1 has changed. Refusing to connect.").arg(hostText);
        QString detail = tr("The server sent %1 %2; stored: %3 (%4).")
                             .arg(c.key.type, c.fingerprint(), c.storedFingerprints.join(QStringLiteral(", ")),
                                  c.storedWhere.join(QStringLiteral(", ")));
        return Error(ErrorKind::HostKeyChanged, message, detail,
                     tr("Someone may be intercepting the connection, or the host was reinstalled. Confirm the new "
                        "fingerprint with the host's administrator before choosing \"Replace stored key\"."))
            .onTarget(name());
    }
    case HostKeyStatus::Unknown:
        break;
    }
    KnownHosts writer = known;
    HostKeyDecision decision = HostKeyDecision::Reject;
    if (m_settings.hostKeyPolicy == HostKeyPolicy::AcceptNew)
        decision = HostKeyDecision::TrustAndRemember;
    else if (m_settings.hostKeyPolicy == HostKeyPolicy::Ask && callbacks.hostKeyDecider)
        decision = callbacks.hostKeyDecider(c);
    const QString detail = tr("%1 key fingerprint is %2.").arg(c.key.type, c.fingerprint());
    switch (decision) {
    case HostKeyDecision::Reject:
        return Error(ErrorKind::HostKeyUnknown,
                     tr("The host key of %1 is not known and was not accepted.").arg(hostText), detail,
                     tr("Compare the fingerprint with the one the host's administrator gives you, then accept it "
                        "(or use --accept-new-host-key for a first scripted connection)."))
            .onTarget(name());
    case HostKeyDecision::AcceptOnce:
        qCInfo(lcSsh) << "host key of" << hostText << "accepted once:" << c.fingerprint();
        return {};
    case HostKeyDecision::TrustAndRemember:
        if (auto st = writer.trust(m_host, m_port, c.key); !st)
            return st.error().onTarget(name());
        return {};
    }
    return {};
}

Status SshConnection::authenticate(const SshCallbacks& callbacks)
{
    ssh_session s = m_session.get();
    m_secrets = callbacks.secrets;
    m_libsshCallbacks = {};
    m_libsshCallbacks.userdata = &m_secrets;
    m_libsshCallbacks.auth_function = passphraseCallback;
    ssh_callbacks_init(&m_libsshCallbacks);
    ssh_set_callbacks(s, &m_libsshCallbacks);

    int rc = ssh_userauth_none(s, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return {};
    if (rc == SSH_AUTH_ERROR)
        return connectError(QString::fromUtf8(ssh_get_error(s)));
    const int offered = ssh_userauth_list(s, nullptr);
    QStringList tried;
    const QString hostText = KnownHosts::hostKeyName(m_host, m_port);
    auto ask = [&](SecretRequest req) -> std::optional<QString> {
        if (!callbacks.secrets)
            return std::nullopt;
        req.targetName = m_settings.targetName;
        req.user = m_user;
        req.host = hostText;
        return callbacks.secrets(req);
    };

    if (offered & SSH_AUTH_METHOD_PUBLICKEY) {
        if (m_settings.useAgent) {
            tried << tr("agent");
            if (ssh_userauth_agent(s, nullptr) == SSH_AUTH_SUCCESS)
                return {};
        }
        for (const QString& path : m_settings.identityFiles) {
            tried << tr("key %1").arg(path);
            const QByteArray file = QFile::encodeName(path);
            ssh_key pubRaw = nullptr;
            if (ssh_pki_import_pubkey_file((file + ".pub").constData(), &pubRaw) == SSH_OK) {
                KeyPtr pub(pubRaw);
                if (ssh_userauth_try_publickey(s, nullptr, pub.get()) != SSH_AUTH_SUCCESS)
                    continue; // the server would not take this key: do not ask for its passphrase
            }
            ssh_key privRaw = nullptr;
            rc = ssh_pki_import_privkey_file(file.constData(), nullptr, nullptr, nullptr, &privRaw);
            for (int attempt = 1; rc != SSH_OK && attempt <= 3 && QFileInfo(path).isReadable(); ++attempt) {
                SecretRequest req;
                req.kind = SecretRequest::Kind::KeyPassphrase;
                req.keyPath = path;
                req.attempt = attempt;
                auto pass = ask(req);
                if (!pass)
                    break;
                QByteArray bytes = pass->toUtf8();
                rc = ssh_pki_import_privkey_file(file.constData(), bytes.constData(), nullptr, nullptr, &privRaw);
                bytes.fill('\0');
            }
            if (rc != SSH_OK)
                continue;
            KeyPtr priv(privRaw);
            if (ssh_userauth_publickey(s, nullptr, priv.get()) == SSH_AUTH_SUCCESS)
                return {};
        }
        if (m_settings.useDefaultIdentities && m_settings.identityFiles.isEmpty()) {
            tried << tr("default keys (~/.ssh/config IdentityFile, ~/.ssh/id_*)");
            if (ssh_userauth_publickey_auto(s, nullptr, nullptr) == SSH_AUTH_SUCCESS)
                return {};
        }
    }
    if ((offered & SSH_AUTH_METHOD_INTERACTIVE) && m_settings.allowKeyboardInteractive && callbacks.secrets) {
        tried << QStringLiteral("keyboard-interactive");
        rc = ssh_userauth_kbdint(s, nullptr, nullptr);
        bool answered = true;
        for (int round = 0; rc == SSH_AUTH_INFO && round < 10 && answered; ++round) {
            const int n = ssh_userauth_kbdint_getnprompts(s);
            for (int i = 0; i < n; ++i) {
                char echo = 0;
                SecretRequest req;
                req.kind = SecretRequest::Kind::KeyboardInteractive;
                req.prompt = QString::fromUtf8(ssh_userauth_kbdint_getprompt(s, unsigned(i), &echo));
                req.echo = echo != 0;
                req.attempt = round + 1;
                auto answer = ask(req);
                if (!answer) {
                    answered = false;
                    break;
                }
                QByteArray bytes = answer->toUtf8();
                ssh_userauth_kbdint_setanswer(s, unsigned(i), bytes.constData());
                bytes.fill('\0');
            }
            if (answered)
                rc = ssh_userauth_kbdint(s, nullptr, nullptr);
        }
        if (rc == SSH_AUTH_SUCCESS)
            return {};
    }
    if ((offered & SSH_AUTH_METHOD_PASSWORD) && m_settings.allowPassword && callbacks.secrets) {
        tried << QStringLiteral("password");
        for (int attempt = 1; attempt <= 3; ++attempt) {
            SecretRequest req;
            req.kind = SecretRequest::Kind::LoginPassword;
            req.attempt = attempt;
            auto pass = ask(req);
            if (!pass)
                break;
            QByteArray bytes = pass->toUtf8();
            rc = ssh_userauth_password(s, nullptr, bytes.constData());
            bytes.fill('\0');
            if (rc == SSH_AUTH_SUCCESS)
                return {};
            if (rc == SSH_AUTH_ERROR)
                break;
        }
    }
    return Error(ErrorKind::AuthenticationFailed, tr("Logging in to %1 as %2 failed.").arg(hostText, m_user),
                 tr("The server offered: %1. Tried: %2.")
                     .arg(methodNames(offered),
                          tried.isEmpty() ? tr("nothing usable") : tried.join(QStringLiteral(", "))),
                 tr("Check the user name, load the right key into the agent or pick the key file, or allow password "
                    "login for this target."))
        .onTarget(name());
}

} // namespace aio
