#pragma once

// Reads /run/aio-testbed/testbed.env (or $AIO_TESTBED_ENV) for the SSH integration tests.

#include "common/TestbedEnv.h"
#include "core/ssh/SshSettings.h"

#include <QFile>
#include <QHash>
#include <QString>

namespace aio::test {

class SshTestbed
{
public:
    SshTestbed()
        : m_values(readTestbedEnv())
    { }
    bool isUp() const { return !m_values.isEmpty(); }
    QString value(const QString& key) const { return m_values.value(QStringLiteral("AIO_TB_") + key); }
    quint16 sshPort() const
    {
        return quint16(m_values.value(QStringLiteral("AIO_TB_SSH_PORT"), QStringLiteral("22")).toUInt());
    }

    // Key login as `user` (default: the deploy user) to the VM named like VM_READY, trusting the
    // testbed's known_hosts (read-only) and a scratch app file.
    SshSettings settings(const QString& vm, const QString& appKnownHosts, const QString& user = {}) const
    {
        SshSettings s;
        s.targetName = vm.toLower().replace(QLatin1Char('_'), QLatin1Char('-'));
        s.host = *HostName::parse(value(vm + QStringLiteral("_IP")));
        s.port = sshPort();
        s.user = user.isEmpty() ? value(QStringLiteral("USER")) : user;
        s.useAgent = false;
        s.useDefaultIdentities = false;
        s.identityFiles = {value(QStringLiteral("KEY"))};
        s.allowPassword = false;
        s.allowKeyboardInteractive = false;
        s.userKnownHostsFiles = {value(QStringLiteral("KNOWN_HOSTS"))};
        s.appKnownHostsFile = appKnownHosts;
        s.hostKeyPolicy = HostKeyPolicy::Strict;
        s.useSshConfig = false;
        s.connectTimeoutMs = 10'000;
        return s;
    }

private:
    QHash<QString, QString> m_values;
};

} // namespace aio::test
