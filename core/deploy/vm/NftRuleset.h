#pragma once

#include "core/deploy/Cidr.h"

#include <QHostAddress>
#include <QList>
#include <QString>

namespace aio {

// The host firewall the VM plan asks for, as data: 80/443 open, SSH only from the admin's
// networks and the address of the SSH client doing the deployment, the ports the admin keeps
// open, and nothing else (8080 above all).
struct FirewallRules
{
    QList<Cidr> sshAllowed; // the admin's networks
    QHostAddress sshClient; // from $SSH_CONNECTION on the VM: always allowed, so we never lock ourselves out
    quint16 sshPort = 22;
    QList<quint16> openPorts{80, 443};
    QList<quint16> keptPorts; // TCP ports the admin keeps open to anyone (answers: firewall.keepOpen)
    QList<quint16> droppedPorts{8080};
};

// Renders FirewallRules as an nftables script for `nft -f`. Everything lives in one table of
// ours (`inet aio_sandbox`), replaced atomically, and removing ours is `nft delete table inet
// aio_sandbox`. Its input chain's policy is drop: a packet must pass every base chain on the
// hook, so whatever other tables accept, only loopback, replies, ICMP, DHCP replies, 80/443,
// the kept ports and SSH from the admin's networks get in.
class NftRuleset
{
public:
    static QString tableName() { return QStringLiteral("aio_sandbox"); }
    static QString render(const FirewallRules& rules);
    // A script that removes our table if it exists (used when nothing was there before).
    static QString removal();
};

} // namespace aio
