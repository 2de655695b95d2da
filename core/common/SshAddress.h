#pragma once

#include "core/common/HostName.h"
#include "core/common/Result.h"

#include <QCoreApplication>
#include <QString>

namespace aio {

// Where an SSH login goes, written "[user@]host[:port]" as ssh(1) and ProxyJump write it (an IPv6
// address in brackets when a port follows). The one grammar for targets, jump hosts and the hops
// of a ProxyJump chain, and the one way to print it.
struct SshAddress
{
    Q_DECLARE_TR_FUNCTIONS(aio::SshAddress)

public:
    QString user; // empty: not given
    HostName host;
    quint16 port = 0; // 0: not given

    // Accepts "bastion", "ops@bastion", "ops@198.18.0.5:2222", "ops@[::1]:22", "[::1]".
    static Result<SshAddress> parse(const QString& text);
    // A login name that neither a shell nor ssh's user@host syntax can misread: POSIX portable
    // names plus '.', at most 32 characters. Empty is allowed (the default user).
    static Status checkUser(const QString& user);
    // "user@host:port"; the user is left out when empty, the port when 0 or equal to omitPort.
    static QString format(const QString& user, const HostName& host, quint16 port, quint16 omitPort = 0);
    QString toString() const { return format(user, host, port); }
};

} // namespace aio
