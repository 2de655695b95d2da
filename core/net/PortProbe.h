#pragma once

#include "core/common/CancelToken.h"
#include "core/common/HostName.h"

#include <QString>

namespace aio {

// What a TCP connect from the workstation found.
enum class PortState {
    Open, // the handshake completed
    Refused, // RST: nothing listens, or a firewall rejects
    Filtered, // no answer before the timeout: a firewall drops the packets
    Unreachable, // no route / host unreachable (ICMP)
    Unknown, // the probe was cancelled before it saw anything
};

struct PortProbeResult
{
    PortState state = PortState::Filtered;
    QString detail; // the socket's own message
    QString evidence() const; // "198.18.0.2:8080 refused (Connection refused)"
    HostName address;
    Port port;
};

// A TCP connect with a timeout, reporting open/refused/filtered. Used by the deployment's
// verify step (port 8080 must be closed from outside) and the checklist. Blocking (a worker
// thread); a cancel ends the wait at once with Unknown.
class PortProbe
{
public:
    static PortProbeResult run(const HostName& address, Port port, int timeoutMs = 3000,
                               const CancelToken& cancel = {});
    static QString stateName(PortState state);
};

} // namespace aio
