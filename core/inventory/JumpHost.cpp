#include "core/inventory/JumpHost.h"

#include "core/common/SshAddress.h"

namespace aio {

Result<JumpHost> JumpHost::parse(const QString& input)
{
    JumpHost jump;
    if (input.isEmpty())
        return jump;
    if (input.contains(QLatin1Char(',')))
        return Error(ErrorKind::InvalidInput, tr("Only one jump host is supported, not the chain \"%1\".").arg(input),
                     {}, tr("Give a single jump host as user@host:port."));
    auto address = SshAddress::parse(input);
    if (!address)
        return Error(ErrorKind::InvalidInput, tr("The jump host is not valid: %1").arg(address.error().message), {},
                     address.error().nextStep);
    jump.user = address->user;
    jump.host = address->host;
    if (address->port != 0)
        jump.port = Port(address->port);
    return jump;
}

QString JumpHost::toString() const
{
    return isEmpty() ? QString() : SshAddress::format(user, host, port.value());
}

} // namespace aio
