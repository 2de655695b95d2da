#include "core/net/PortProbe.h"

#include "core/net/ProbeConnection.h"

#include <QCoreApplication>

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
    case PortState::Unknown:
        return QCoreApplication::translate("aio::PortProbe", "not known (the probe was cancelled)");
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

PortProbeResult PortProbe::run(const HostName& address, Port port, int timeoutMs, const CancelToken& cancel)
{
    PortProbeResult result;
    result.address = address;
    result.port = port;
    ProbeEndpoint endpoint;
    endpoint.address = address;
    endpoint.port = port;
    endpoint.tls = false;
    endpoint.timeoutMs = timeoutMs;
    ProbeConnection connection(endpoint, cancel);
    const Status opened = connection.open();
    if (opened) {
        result.state = PortState::Open;
        result.detail = QCoreApplication::translate("aio::PortProbe", "connected");
        return result;
    }
    result.detail = opened.error().detail.isEmpty() ? opened.error().message : opened.error().detail;
    switch (opened.error().kind) {
    case ErrorKind::ConnectionRefused:
    case ErrorKind::ConnectionLost:
        result.state = PortState::Refused;
        break;
    case ErrorKind::Timeout:
        result.state = PortState::Filtered;
        break;
    case ErrorKind::Cancelled:
        result.state = PortState::Unknown;
        break;
    default:
        result.state = PortState::Unreachable;
        break;
    }
    return result;
}

} // namespace aio
