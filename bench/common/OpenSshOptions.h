#pragma once

// The OpenSSH client options the benchmarks use to reach a testbed VM the way SshSession does: the
// same key and known_hosts, no questions. portFlag is "-p" for ssh, "-P" for scp and sftp.

#include "core/ssh/SshSettings.h"

#include <QStringList>

namespace aio::bench {

inline QStringList openSshOptions(const SshSettings& s, const QString& portFlag)
{
    return {QStringLiteral("-q"),
            QStringLiteral("-o"),
            QStringLiteral("BatchMode=yes"),
            QStringLiteral("-o"),
            QStringLiteral("StrictHostKeyChecking=yes"),
            QStringLiteral("-o"),
            QStringLiteral("UserKnownHostsFile=") + s.userKnownHostsFiles.value(0),
            QStringLiteral("-i"),
            s.identityFiles.value(0),
            portFlag,
            QString::number(s.port ? s.port : 22)};
}

} // namespace aio::bench
