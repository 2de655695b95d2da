#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace aio {

// One TCP socket listening on the VM, as `ss -H -ltnp` prints it.
struct Listener
{
    QString address; // "0.0.0.0", "::", "198.18.0.2", "*"; without brackets or "%interface"
    quint16 port = 0;
    QString process; // "nginx", "sshd"; empty when ss could not tell
    bool isLoopback() const; // 127.0.0.0/8, ::1, ::ffff:127.x: unreachable from outside anyway
};

// Reads what listens on the VM, for the firewall step's preview: the services a drop-by-default
// firewall would cut off. Lines it cannot read are skipped; any bytes give a result (fuzzed).
class Listeners
{
public:
    static QList<Listener> parse(const QByteArray& ssOutput);
    // The listeners reachable from outside (not loopback) whose port is not in `allowed`, one
    // per port, sorted by port: "5432 (postgres, on 0.0.0.0 and ::)".
    static QStringList cutOff(const QList<Listener>& listeners, const QList<quint16>& allowed);
};

} // namespace aio
