#pragma once

#include "core/common/HostName.h"
#include "core/common/Result.h"
#include "core/common/SshAddress.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace aio {

struct Target;

// What to do with a host key we have never seen.
enum class HostKeyPolicy {
    Ask, // ask the decision callback (GUI dialog / CLI prompt); no callback means refuse
    AcceptNew, // explicit opt-in for scripted first use (--accept-new-host-key): trust and remember
    Strict, // only keys already in a known_hosts file
};

using SshHop = SshAddress; // one hop of a jump chain; port 0: from ~/.ssh/config, else 22

// How to reach and log in to one SSH host. A value type; SshSession resolves it against
// ~/.ssh/config (HostName, User, Port, IdentityFile, ProxyJump, ServerAliveInterval) first and
// then lets every field set here override the config.
struct SshSettings
{
    QString targetName; // the inventory name, for errors and history
    HostName host;
    quint16 port = 0; // 0: from ~/.ssh/config, else 22
    QString user; // empty: from ~/.ssh/config, else the local user

    // Authentication, tried in this order: agent, identity files, keyboard-interactive, password.
    bool useAgent = true;
    QString agentSocket; // empty: $SSH_AUTH_SOCK
    QStringList identityFiles; // explicit key files; empty: ~/.ssh/config IdentityFile and ~/.ssh/id_*
    bool useDefaultIdentities = true; // also try IdentityFile from ~/.ssh/config and ~/.ssh/id_*
    bool allowKeyboardInteractive = true;
    bool allowPassword = true;

    // Hops before the target, first hop first. Empty: ProxyJump from ~/.ssh/config, if any.
    QList<SshHop> jumpHosts;
    bool ignoreConfigProxyJump = false;

    int serverAliveIntervalSec = -1; // -1: from ~/.ssh/config, else 30; 0: off
    int connectTimeoutMs = 15'000;

    // Host-key trust. The user's file is only read; new trust is written to appKnownHostsFile.
    QStringList userKnownHostsFiles; // empty: ~/.ssh/known_hosts (set to {""} to read none)
    QString appKnownHostsFile; // empty: Profile::dataDir() + "/known_hosts"
    HostKeyPolicy hostKeyPolicy = HostKeyPolicy::Ask;

    bool useSshConfig = true;
    QString sshConfigFile; // empty: ~/.ssh/config

    // Commands that need root (RemoteCommand::asRoot, root-owned uploads) go through sudo. False:
    // they run as the login user itself (root, or a user with the rights), as the target says.
    bool rootThroughSudo = true;

    // The settings for an inventory VM target: its host, port, user, jump host and chosen login
    // (agent; a key file only; password / keyboard-interactive only). Trust policy: Ask.
    static SshSettings forTarget(const Target& target);

    // A short "user@host:port" for messages.
    QString displayName() const;
    // The settings used for a hop: the hop's address, this target's authentication and trust.
    SshSettings forHop(const SshHop& hop) const;
    // Default paths, resolved now.
    QStringList effectiveUserKnownHostsFiles() const;
    QString effectiveAppKnownHostsFile() const;
};

} // namespace aio
