#include "core/ssh/SshSettings.h"

#include "core/common/Profile.h"
#include "core/inventory/Target.h"

#include <QCoreApplication>
#include <QDir>

namespace aio {

SshSettings SshSettings::forTarget(const Target& target)
{
    SshSettings s;
    s.targetName = target.name;
    s.host = target.vm.host;
    s.port = target.vm.port.value();
    s.user = target.vm.user;
    s.rootThroughSudo = target.vm.sudo;
    s.userKnownHostsFiles = target.vm.knownHostsFiles;
    switch (target.vm.auth) {
    case SshAuthMethod::Agent:
        s.useAgent = true;
        s.useDefaultIdentities = true;
        s.allowPassword = false;
        s.allowKeyboardInteractive = false;
        break;
    case SshAuthMethod::KeyFile:
        s.useAgent = false; // like IdentitiesOnly: the chosen key, not whatever the agent holds
        s.useDefaultIdentities = false;
        s.identityFiles = {target.vm.keyPath};
        s.allowPassword = false;
        s.allowKeyboardInteractive = false;
        break;
    case SshAuthMethod::Password:
        s.useAgent = false;
        s.useDefaultIdentities = false;
        s.allowPassword = true;
        s.allowKeyboardInteractive = true;
        break;
    }
    if (!target.vm.jumpHost.isEmpty()) {
        SshHop hop;
        hop.user = target.vm.jumpHost.user;
        hop.host = target.vm.jumpHost.host;
        hop.port = target.vm.jumpHost.port.value();
        s.jumpHosts = {hop};
    }
    return s;
}

QString SshSettings::displayName() const
{
    return SshAddress::format(user, host, port, 22);
}

SshSettings SshSettings::forHop(const SshHop& hop) const
{
    SshSettings s = *this;
    s.host = hop.host;
    s.port = hop.port;
    s.user = hop.user;
    s.jumpHosts.clear();
    s.ignoreConfigProxyJump = true; // the chain is already spelled out
    // A jump host is checked against the files given for the connection and the user's usual
    // one: ssh reads the usual file for a jump host unless its own Host block names another, so
    // a bastion pinned there is known even when the target's UserKnownHostsFile is a lab file.
    QStringList files = effectiveUserKnownHostsFiles();
    const QString usual = QDir::homePath() + QStringLiteral("/.ssh/known_hosts");
    if (!files.contains(usual))
        files << usual;
    s.userKnownHostsFiles = files;
    return s;
}

QStringList SshSettings::effectiveUserKnownHostsFiles() const
{
    if (!userKnownHostsFiles.isEmpty()) {
        QStringList files;
        for (const QString& f : userKnownHostsFiles)
            if (!f.isEmpty())
                files << f;
        return files;
    }
    return {QDir::homePath() + QStringLiteral("/.ssh/known_hosts")};
}

QString SshSettings::effectiveAppKnownHostsFile() const
{
    if (!appKnownHostsFile.isEmpty())
        return appKnownHostsFile;
    return Profile::dataDir() + QStringLiteral("/known_hosts"); // the profile's (--profile), as everything else
}

} // namespace aio
