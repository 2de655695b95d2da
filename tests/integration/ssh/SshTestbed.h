#pragma once

// Reads /run/aio-testbed/testbed.env (or $AIO_TESTBED_ENV) for the SSH integration tests.

#include "core/ssh/SshSettings.h"

#include <QFile>
#include <QHash>
#include <QString>

namespace aio::test {

class SshTestbed
{
public:
    SshTestbed()
    {
        const QString path = qEnvironmentVariable("AIO_TESTBED_ENV", QStringLiteral("/run/aio-testbed/testbed.env"));
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return;
        for (const QByteArray& raw : f.readAll().split('\n')) {
            const QByteArray line = raw.trimmed();
            const qsizetype eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith('#') || eq <= 0)
                continue;
            QByteArray value = line.mid(eq + 1);
            if (const qsizetype hash = value.indexOf(" #"); hash >= 0)
                value = value.left(hash);
            value = value.trimmed();
            if (value.size() >= 2 && (value.startsWith('"') || value.startsWith('\'')) && value.back() == value.front())
                value = value.mid(1, value.size() - 2);
            m_values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(value));
        }
    }
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
