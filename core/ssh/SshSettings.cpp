#include "core/ssh/SshSettings.h"

#include "core/common/Profile.h"
#include "core/inventory/Target.h"

#include <QCoreApplication>
#include <QDir>

namespace aio {

Result<SshHop> SshHop::parse(const QString& text)
{
    QString rest = text.trimmed();
    SshHop hop;
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        hop.user = rest.left(at);
        rest = rest.mid(at + 1);
        if (hop.user.isEmpty())
            return Error(
                ErrorKind::InvalidInput,
                QCoreApplication::translate("SshHop", "The jump host \"%1\" has an empty user name.").arg(text));
    }
    QString hostText = rest;
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0)
            return Error(ErrorKind::InvalidInput,
                         QCoreApplication::translate("SshHop", "The jump host \"%1\" lacks a closing ']'.").arg(text));
        hostText = rest.mid(1, close - 1);
        const QString after = rest.mid(close + 1);
        if (after.startsWith(QLatin1Char(':'))) {
            auto port = Port::parse(after.mid(1));
            if (!port)
                return port.error();
            hop.port = port->value();
        } else if (!after.isEmpty()) {
            return Error(
                ErrorKind::InvalidInput,
                QCoreApplication::translate("SshHop", "The jump host \"%1\" is not [user@]host[:port].").arg(text));
        }
    } else if (rest.count(QLatin1Char(':')) == 1) {
        const qsizetype colon = rest.indexOf(QLatin1Char(':'));
        hostText = rest.left(colon);
        auto port = Port::parse(rest.mid(colon + 1));
        if (!port)
            return port.error();
        hop.port = port->value();
    }
    auto host = HostName::parse(hostText);
    if (!host)
        return host.error();
    hop.host = *host;
    return hop;
}

QString SshHop::toString() const
{
    QString text = user.isEmpty() ? QString() : user + QLatin1Char('@');
    text += host.forUrl();
    if (port != 0 && port != 22)
        text += QLatin1Char(':') + QString::number(port);
    return text;
}

SshSettings SshSettings::forTarget(const Target& target)
{
    SshSettings s;
    s.targetName = target.name;
    s.host = target.vm.host;
    s.port = target.vm.port.value();
    s.user = target.vm.user;
    s.rootThroughSudo = target.vm.sudo;
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
    SshHop hop;
    hop.user = user;
    hop.host = host;
    hop.port = port;
    return hop.toString();
}

SshSettings SshSettings::forHop(const SshHop& hop) const
{
    SshSettings s = *this;
    s.host = hop.host;
    s.port = hop.port;
    s.user = hop.user;
    s.jumpHosts.clear();
    s.ignoreConfigProxyJump = true; // the chain is already spelled out
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
