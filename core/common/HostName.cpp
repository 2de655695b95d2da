#include "core/common/HostName.h"

#include <QCoreApplication>
#include <QHostAddress>

namespace aio {

namespace {

bool isDigitsAndDots(const QString& s)
{
    for (QChar c : s) {
        if (!c.isDigit() && c != QLatin1Char('.'))
            return false;
    }
    return true;
}

// RFC 1123 label: 1–63 of [A-Za-z0-9-], not starting or ending with '-'. Underscores are
// refused: they are not valid in host names and would be refused by certificates too.
QString labelProblem(const QString& label)
{
    if (label.isEmpty())
        return HostName::tr("it has an empty label (two dots in a row, or a leading dot)");
    if (label.size() > 63)
        return HostName::tr("the label \"%1\" is longer than 63 characters").arg(label.left(20) + QStringLiteral("…"));
    if (label.startsWith(QLatin1Char('-')) || label.endsWith(QLatin1Char('-')))
        return HostName::tr("the label \"%1\" starts or ends with a hyphen").arg(label);
    for (QChar c : label) {
        const ushort u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-';
        if (!ok) {
            QString shown
                = c.isPrint() && !c.isSpace() ? QString(c) : QStringLiteral("U+%1").arg(u, 4, 16, QLatin1Char('0'));
            return HostName::tr("it contains the character \"%1\"; only letters, digits, hyphens and dots are allowed")
                .arg(shown);
        }
    }
    return {};
}
} // namespace

Result<HostName> HostName::parse(const QString& input)
{
    QString text = input;
    if (text.isEmpty())
        return Error(ErrorKind::InvalidInput, tr("The host name is empty."), {},
                     tr("Enter a DNS name such as sandbox.example.com or an IP address."));
    if (text.trimmed() != text)
        return Error(ErrorKind::InvalidInput, tr("The host name \"%1\" has leading or trailing spaces.").arg(input));

    const bool bracketed = text.startsWith(QLatin1Char('[')) && text.endsWith(QLatin1Char(']'));
    if (bracketed)
        text = text.mid(1, text.size() - 2);

    if (text.contains(QLatin1Char(':'))) {
        QHostAddress address;
        if (!text.contains(QLatin1Char('%')) && address.setAddress(text)
            && address.protocol() == QAbstractSocket::IPv6Protocol) {
            HostName h;
            h.m_text = address.toString();
            h.m_isIp = true;
            h.m_isIpv6 = true;
            return h;
        }
        return Error(ErrorKind::InvalidInput, tr("\"%1\" is not a valid host name or IPv6 address.").arg(input), {},
                     tr("Give the port in its own field, not as host:port."));
    }
    if (bracketed)
        return Error(ErrorKind::InvalidInput, tr("\"%1\" is not a valid IPv6 address.").arg(input));

    if (isDigitsAndDots(text)) {
        QHostAddress address;
        const auto parts = text.split(QLatin1Char('.'));
        if (parts.size() == 4 && address.setAddress(text) && address.protocol() == QAbstractSocket::IPv4Protocol
            && address.toString() == text) {
            HostName h;
            h.m_text = text;
            h.m_isIp = true;
            return h;
        }
        return Error(ErrorKind::InvalidInput, tr("\"%1\" is not a valid IPv4 address.").arg(input), {},
                     tr("An IPv4 address has four numbers from 0 to 255, such as 203.0.113.10."));
    }

    QString name = text;
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name.size() > 253)
        return Error(ErrorKind::InvalidInput, tr("The host name is longer than 253 characters."));
    for (const QString& label : name.split(QLatin1Char('.'))) {
        const QString problem = labelProblem(label);
        if (!problem.isEmpty())
            return Error(ErrorKind::InvalidInput, tr("\"%1\" is not a valid host name: %2.").arg(input, problem));
    }
    HostName h;
    h.m_text = name.toLower();
    return h;
}

Result<Port> Port::fromInt(qint64 value)
{
    if (value < 1 || value > 65535)
        return Error(ErrorKind::InvalidInput, tr("The port %1 is out of range; use 1 to 65535.").arg(value));
    return Port(static_cast<quint16>(value));
}

Result<Port> Port::parse(const QString& text)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || text.trimmed() != text)
        return Error(ErrorKind::InvalidInput, tr("\"%1\" is not a port number; use 1 to 65535.").arg(text));
    return fromInt(value);
}

} // namespace aio
