#include "core/deploy/Cidr.h"

#include <QCoreApplication>

namespace aio {

namespace {

Error invalidCidr(const QString& input, const QString& why)
{
    return Error(ErrorKind::InvalidInput, Cidr::tr("The network \"%1\" is not valid: %2.").arg(input, why), {},
                 Cidr::tr("Write an address range as address/prefix, for example 203.0.113.0/24 or 2001:db8::/48, or a "
                          "single address."));
}

// The network address of `address` with `prefix` leading bits kept.
QHostAddress networkOf(const QHostAddress& address, int prefix)
{
    if (address.protocol() == QHostAddress::IPv4Protocol) {
        const quint32 mask = prefix == 0 ? 0u : ~quint32(0) << (32 - prefix);
        return QHostAddress(address.toIPv4Address() & mask);
    }
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 0; i < 16; ++i) {
        const int bitsHere = qBound(0, prefix - i * 8, 8);
        const quint8 mask = bitsHere == 0 ? 0 : quint8(0xFF << (8 - bitsHere));
        bytes[i] = quint8(bytes[i] & mask);
    }
    return QHostAddress(bytes);
}
} // namespace

Result<Cidr> Cidr::parse(const QString& input)
{
    if (input.isEmpty())
        return invalidCidr(input, tr("it is empty"));
    for (QChar c : input) {
        const ushort u = c.unicode();
        const bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F') || u == '.'
            || u == ':' || u == '/';
        if (!ok) {
            const QString shown
                = c.isPrint() && !c.isSpace() ? QString(c) : QStringLiteral("U+%1").arg(u, 4, 16, QLatin1Char('0'));
            return invalidCidr(input.simplified(), tr("it contains the character \"%1\"").arg(shown));
        }
    }
    const QStringList parts = input.split(QLatin1Char('/'));
    if (parts.size() > 2)
        return invalidCidr(input, tr("it has more than one '/'"));
    QHostAddress address;
    if (!address.setAddress(parts.at(0))
        || (address.protocol() != QHostAddress::IPv4Protocol && address.protocol() != QHostAddress::IPv6Protocol))
        return invalidCidr(input, tr("\"%1\" is not an IPv4 or IPv6 address").arg(parts.at(0)));
    // setAddress() accepts abbreviated IPv4 forms ("10.1"); we do not.
    if (address.protocol() == QHostAddress::IPv4Protocol && parts.at(0).count(QLatin1Char('.')) != 3)
        return invalidCidr(input, tr("\"%1\" is not a dotted IPv4 address").arg(parts.at(0)));
    const int maxPrefix = address.protocol() == QHostAddress::IPv4Protocol ? 32 : 128;
    int prefix = maxPrefix;
    if (parts.size() == 2) {
        bool ok = false;
        const QString& p = parts.at(1);
        prefix = p.toInt(&ok);
        if (!ok || p.isEmpty() || p.size() > 3 || p.startsWith(QLatin1Char('+')) || prefix < 0 || prefix > maxPrefix)
            return invalidCidr(input, tr("the prefix length must be a number from 0 to %1").arg(maxPrefix));
    }
    const QHostAddress network = networkOf(address, prefix);
    if (network != address)
        return invalidCidr(
            input, tr("it has host bits set below /%1; did you mean %2/%1?").arg(prefix).arg(network.toString()));
    Cidr cidr;
    cidr.m_address = address;
    cidr.m_prefix = prefix;
    return cidr;
}

bool Cidr::contains(const QHostAddress& address) const
{
    return isValid() && address.isInSubnet(m_address, m_prefix);
}

QString Cidr::toString() const
{
    if (!isValid())
        return {};
    return m_address.toString() + QLatin1Char('/') + QString::number(m_prefix);
}

} // namespace aio
