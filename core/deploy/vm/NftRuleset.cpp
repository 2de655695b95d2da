#include "core/deploy/vm/NftRuleset.h"

#include <QStringList>

namespace aio {

namespace {
QString family(const QHostAddress& a)
{
    return a.protocol() == QHostAddress::IPv6Protocol ? QStringLiteral("ip6") : QStringLiteral("ip");
}
} // namespace

QString NftRuleset::render(const FirewallRules& rules)
{
    QStringList lines;
    const QString table = QStringLiteral("inet ") + tableName();
    // Declaring then deleting makes the replacement work whether or not the table exists.
    lines << QStringLiteral("table %1").arg(table) << QStringLiteral("delete table %1").arg(table)
          << QStringLiteral("table %1 {").arg(table) << QStringLiteral("    chain input {")
          << QStringLiteral("        type filter hook input priority filter; policy drop;")
          << QStringLiteral("        iif \"lo\" accept")
          << QStringLiteral("        ct state established,related accept")
          << QStringLiteral("        ct state invalid drop")
          // Path MTU discovery, ping and IPv6 neighbour discovery; DHCP lease renewals.
          << QStringLiteral("        meta l4proto { icmp, icmpv6 } accept")
          << QStringLiteral("        udp dport { 68, 546 } accept");
    QList<quint16> ports = rules.openPorts;
    for (quint16 p : rules.keptPorts) {
        if (!ports.contains(p) && p != rules.sshPort && !rules.droppedPorts.contains(p))
            ports << p;
    }
    QStringList open;
    for (quint16 p : ports)
        open << QString::number(p);
    if (!open.isEmpty())
        lines << QStringLiteral("        tcp dport { %1 } accept").arg(open.join(QStringLiteral(", ")));
    const QString ssh = QString::number(rules.sshPort);
    if (!rules.sshClient.isNull()) {
        QHostAddress client = rules.sshClient;
        bool isV4 = false;
        const quint32 v4 = client.toIPv4Address(&isV4); // ::ffff:a.b.c.d → a.b.c.d
        if (isV4)
            client = QHostAddress(v4);
        lines << QStringLiteral("        %1 saddr %2 tcp dport %3 accept").arg(family(client), client.toString(), ssh);
    }
    for (const Cidr& c : rules.sshAllowed)
        lines << QStringLiteral("        %1 saddr %2 tcp dport %3 accept").arg(family(c.address()), c.toString(), ssh);
    lines << QStringLiteral("        tcp dport %1 drop").arg(ssh);
    for (quint16 p : rules.droppedPorts)
        lines << QStringLiteral("        tcp dport %1 drop").arg(p);
    lines << QStringLiteral("    }") << QStringLiteral("}");
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString NftRuleset::removal()
{
    const QString table = QStringLiteral("inet ") + tableName();
    return QStringLiteral("table %1\ndelete table %1\n").arg(table);
}

} // namespace aio
