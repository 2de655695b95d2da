#include "core/inventory/JumpHost.h"

#include "core/inventory/Target.h"

#include <QCoreApplication>

namespace aio {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("aio::JumpHost", text);
}
} // namespace

Result<JumpHost> JumpHost::parse(const QString& input)
{
    JumpHost jump;
    if (input.isEmpty())
        return jump;
    if (input.contains(QLatin1Char(',')))
        return Error(ErrorKind::InvalidInput, tr("Only one jump host is supported, not the chain \"%1\".").arg(input),
                     {}, tr("Give a single jump host as user@host:port."));
    QString rest = input;
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        jump.user = rest.left(at);
        rest = rest.mid(at + 1);
        const Status userOk = Target::checkUser(jump.user);
        if (!userOk)
            return Error(ErrorKind::InvalidInput,
                         tr("The jump host \"%1\" is not valid: %2").arg(input, userOk.error().message));
        if (jump.user.isEmpty())
            return Error(ErrorKind::InvalidInput,
                         tr("The jump host \"%1\" has an empty user name before \"@\".").arg(input));
    }
    QString hostText = rest;
    QString portText;
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0)
            return Error(ErrorKind::InvalidInput, tr("The jump host \"%1\" has an unclosed \"[\".").arg(input));
        hostText = rest.left(close + 1);
        const QString after = rest.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':')))
                return Error(ErrorKind::InvalidInput, tr("The jump host \"%1\" is not user@host:port.").arg(input));
            portText = after.mid(1);
        }
    } else if (rest.count(QLatin1Char(':')) == 1) {
        const qsizetype colon = rest.indexOf(QLatin1Char(':'));
        hostText = rest.left(colon);
        portText = rest.mid(colon + 1);
    }
    auto host = HostName::parse(hostText);
    if (!host)
        return Error(ErrorKind::InvalidInput, tr("The jump host is not valid: %1").arg(host.error().message), {},
                     host.error().nextStep);
    jump.host = *host;
    if (!portText.isNull()) {
        auto port = Port::parse(portText);
        if (!port)
            return Error(ErrorKind::InvalidInput,
                         tr("The jump host's port is not valid: %1").arg(port.error().message));
        jump.port = *port;
    }
    return jump;
}

QString JumpHost::toString() const
{
    if (isEmpty())
        return {};
    QString text;
    if (!user.isEmpty())
        text += user + QLatin1Char('@');
    text += host.forUrl() + QLatin1Char(':') + QString::number(port.value());
    return text;
}

} // namespace aio
