#include "core/deploy/vm/Listeners.h"

#include <QHostAddress>
#include <QMap>
#include <QRegularExpression>
#include <QStringList>

namespace aio {

bool Listener::isLoopback() const
{
    QHostAddress a;
    return a.setAddress(address) && a.isLoopback();
}

QList<Listener> Listeners::parse(const QByteArray& ssOutput)
{
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    static const QRegularExpression processName(QStringLiteral("\\(\\(\"([^\"]{1,64})\""));
    QList<Listener> out;
    const QList<QByteArray> lines = ssOutput.split('\n');
    for (const QByteArray& raw : lines) {
        const QString line = QString::fromUtf8(raw).trimmed();
        const QStringList cols = line.split(spaces, Qt::SkipEmptyParts);
        // State Recv-Q Send-Q Local:Port Peer:Port [Process]
        if (cols.size() < 5 || cols.at(0) != QLatin1String("LISTEN"))
            continue;
        const QString local = cols.at(3);
        const qsizetype colon = local.lastIndexOf(QLatin1Char(':'));
        if (colon <= 0)
            continue;
        bool ok = false;
        const uint port = local.mid(colon + 1).toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            continue;
        QString address = local.left(colon);
        if (address.startsWith(QLatin1Char('[')) && address.endsWith(QLatin1Char(']')))
            address = address.mid(1, address.size() - 2);
        if (const qsizetype scope = address.indexOf(QLatin1Char('%')); scope >= 0)
            address = address.left(scope);
        Listener l;
        l.address = address;
        l.port = quint16(port);
        if (cols.size() > 5) {
            const auto m = processName.match(cols.mid(5).join(QLatin1Char(' ')));
            if (m.hasMatch())
                l.process = m.captured(1);
        }
        out << l;
    }
    return out;
}

QStringList Listeners::cutOff(const QList<Listener>& listeners, const QList<quint16>& allowed)
{
    QMap<quint16, QPair<QStringList, QStringList>> byPort; // port → (processes, addresses)
    for (const Listener& l : listeners) {
        if (l.isLoopback() || allowed.contains(l.port))
            continue;
        auto& [processes, addresses] = byPort[l.port];
        if (!l.process.isEmpty() && !processes.contains(l.process))
            processes << l.process;
        if (!addresses.contains(l.address))
            addresses << l.address;
    }
    QStringList out;
    for (auto it = byPort.cbegin(); it != byPort.cend(); ++it) {
        const QString on = it.value().second.join(QStringLiteral(" and "));
        out << (it.value().first.isEmpty() ? QStringLiteral("%1 (on %2)").arg(it.key()).arg(on)
                                           : QStringLiteral("%1 (%2, on %3)")
                                                 .arg(it.key())
                                                 .arg(it.value().first.join(QStringLiteral(", ")), on));
    }
    return out;
}

} // namespace aio
