#pragma once

#include "core/common/HostName.h"
#include "core/common/Result.h"

#include <QCoreApplication>
#include <QString>

namespace aio {

// An SSH jump host ("bastion") a VM target is reached through, written "[user@]host[:port]"
// as in OpenSSH's ProxyJump. Parsed once at the edge; an empty JumpHost means "connect directly".
struct JumpHost
{
    Q_DECLARE_TR_FUNCTIONS(aio::JumpHost)

public:
    QString user; // may be empty: the target's user / the local user
    HostName host;
    Port port{22};

    bool isEmpty() const { return host.isEmpty(); }
    // Accepts "bastion.example.com", "ops@bastion", "ops@198.18.0.5:2222", "ops@[::1]:22".
    static Result<JumpHost> parse(const QString& text);
    // The canonical "user@host:port" text (user left out when not set).
    QString toString() const;

    friend bool operator==(const JumpHost& a, const JumpHost& b)
    {
        return a.user == b.user && a.host == b.host && a.port == b.port;
    }
};

} // namespace aio
