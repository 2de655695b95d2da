#pragma once

#include "core/common/Result.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QString>

namespace aio {

// An IPv4 or IPv6 network in CIDR form ("198.18.0.0/24", "2001:db8::/32"). A bare address is a
// single host (/32 or /128). Host bits set below the prefix are refused (nginx would only warn
// and the admin probably mistyped), with the network form suggested.
class Cidr
{
    Q_DECLARE_TR_FUNCTIONS(aio::Cidr)

public:
    Cidr() = default;
    static Result<Cidr> parse(const QString& text);

    const QHostAddress& address() const { return m_address; }
    int prefixLength() const { return m_prefix; }
    bool isIpv6() const { return m_address.protocol() == QHostAddress::IPv6Protocol; }
    bool contains(const QHostAddress& address) const;
    // "198.18.0.0/24" (always with the prefix).
    QString toString() const;
    bool isValid() const { return m_prefix >= 0; }

    friend bool operator==(const Cidr& a, const Cidr& b)
    {
        return a.m_address == b.m_address && a.m_prefix == b.m_prefix;
    }

private:
    QHostAddress m_address;
    int m_prefix = -1;
};

} // namespace aio
