#include "core/common/SshAddress.h"

namespace aio {

namespace {
Error invalidAddress(const QString& message, const QString& next = {})
{
    return Error(ErrorKind::InvalidInput, message, {}, next);
}
} // namespace

Status SshAddress::checkUser(const QString& user)
{
    if (user.isEmpty())
        return {};
    if (user.size() > 32)
        return invalidAddress(tr("The user name \"%1\" is longer than 32 characters.").arg(user));
    for (qsizetype i = 0; i < user.size(); ++i) {
        const QChar c = user.at(i);
        const ushort u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_'
            || u == '.' || (u == '-' && i > 0);
        if (!ok)
            return invalidAddress(
                tr("The user name \"%1\" contains \"%2\"; use letters, digits, \"_\", \".\" and \"-\".")
                    .arg(user, c.isPrint() ? QString(c) : QStringLiteral("?")));
    }
    return {};
}

Result<SshAddress> SshAddress::parse(const QString& text)
{
    const QString input = text.trimmed();
    SshAddress address;
    QString rest = input;
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        address.user = rest.left(at);
        rest = rest.mid(at + 1);
        if (address.user.isEmpty())
            return invalidAddress(tr("\"%1\" has an empty user name before \"@\".").arg(input));
        if (Status ok = checkUser(address.user); !ok)
            return ok.error();
    }
    QString hostText = rest;
    QString portText;
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0)
            return invalidAddress(tr("\"%1\" has an unclosed \"[\".").arg(input));
        hostText = rest.mid(1, close - 1);
        const QString after = rest.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':')))
                return invalidAddress(tr("\"%1\" is not [user@]host[:port].").arg(input));
            portText = after.mid(1);
        }
    } else if (rest.count(QLatin1Char(':')) == 1) {
        const qsizetype colon = rest.indexOf(QLatin1Char(':'));
        hostText = rest.left(colon);
        portText = rest.mid(colon + 1);
    }
    auto host = HostName::parse(hostText);
    if (!host)
        return host.error();
    address.host = *host;
    if (!portText.isNull()) {
        auto port = Port::parse(portText);
        if (!port)
            return port.error();
        address.port = port->value();
    }
    return address;
}

QString SshAddress::format(const QString& user, const HostName& host, quint16 port, quint16 omitPort)
{
    QString text = user.isEmpty() ? QString() : user + QLatin1Char('@');
    if (port == 0 || port == omitPort)
        return text + host.forUrl();
    return text + host.forUrl() + QLatin1Char(':') + QString::number(port);
}

} // namespace aio
