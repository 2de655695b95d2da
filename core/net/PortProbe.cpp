#include "core/net/PortProbe.h"

#include <QCoreApplication>
#include <QTcpSocket>
#include <QtConcurrent/QtConcurrentRun>

namespace aio {

QString PortProbe::stateName(PortState state)
{
    switch (state) {
    case PortState::Open:
        return QCoreApplication::translate("aio::PortProbe", "open");
    case PortState::Refused:
        return QCoreApplication::translate("aio::PortProbe", "refused");
    case PortState::Filtered:
        return QCoreApplication::translate("aio::PortProbe", "filtered (no answer)");
    case PortState::Unreachable:
        return QCoreApplication::translate("aio::PortProbe", "unreachable");
    }
    return {};
}

QString PortProbeResult::evidence() const
{
    return QStringLiteral("%1:%2 %3 (%4)")
        .arg(address.forUrl())
        .arg(port.value())
        .arg(PortProbe::stateName(state), detail);
}

PortProbeResult PortProbe::run(const HostName& address, Port port, int timeoutMs)
{
    PortProbeResult result;
    result.address = address;
    result.port = port;
    QTcpSocket socket;
    socket.connectToHost(address.toString(), port.value());
    if (socket.waitForConnected(timeoutMs)) {
        result.state = PortState::Open;
        result.detail = QCoreApplication::translate("aio::PortProbe", "connected");
        socket.abort();
        return result;
    }
    result.detail = socket.errorString();
    switch (socket.error()) {
    case QAbstractSocket::ConnectionRefusedError:
    case QAbstractSocket::RemoteHostClosedError:
        result.state = PortState::Refused;
        break;
    case QAbstractSocket::SocketTimeoutError:
        result.state = PortState::Filtered;
        break;
    default:
        result.state = PortState::Unreachable;
        break;
    }
    socket.abort();
    return result;
}

} // namespace aio
