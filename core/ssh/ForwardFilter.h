#pragma once

#include "core/common/Error.h"

#include <QByteArray>
#include <QByteArrayView>

namespace aio {

// What a forwarded connection does with the bytes its local peer sends, for whoever puts a
// protocol-aware layer between a local socket and a forwarded channel (the tunnels' authenticating
// proxy). The relay calls it on the thread that owns the channel; one filter per connection.
//
// Transport-independent: an SSH channel relay uses it today, a Kubernetes port-forward can later.
class ForwardFilter
{
public:
    virtual ~ForwardFilter() = default;

    enum class Verdict {
        Continue, // keep relaying
        Close, // write what was put in toLocal, then end the connection (nothing more goes to the remote)
    };
    // Bytes the local peer sent: append what goes on to the remote to `toRemote`; a local answer
    // (an error page) to `toLocal`.
    virtual Verdict fromLocal(QByteArrayView data, QByteArray& toRemote, QByteArray& toLocal) = 0;
    // The channel could not be opened (or the connection to the host is down): what the local
    // peer is told before its socket is closed; may be empty.
    virtual QByteArray openFailed(const Error& why) = 0;
    // Bytes moved since the last call, each way; called as they move.
    virtual void moved(qint64 toLocal, qint64 toRemote) = 0;
    // The connection ended (either side); called once, last.
    virtual void ended() = 0;
};

} // namespace aio
