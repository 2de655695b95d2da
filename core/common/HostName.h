#pragma once

#include "core/common/Result.h"

#include <QCoreApplication>
#include <QString>

namespace aio {

// A validated host name (RFC 1123) or IP literal. Everything past the edge takes this type,
// so nothing downstream has to wonder whether a name may hold spaces, quotes or newlines.
class HostName
{
    Q_DECLARE_TR_FUNCTIONS(aio::HostName)

public:
    HostName() = default;
    // Accepts "example.com", "vm-1", "198.18.0.2", "::1", "[::1]" (brackets are dropped).
    static Result<HostName> parse(const QString& text);

    const QString& toString() const { return m_text; }
    bool isEmpty() const { return m_text.isEmpty(); }
    bool isIpAddress() const { return m_isIp; }
    bool isIpv6() const { return m_isIpv6; }
    // For URLs and "host:port" texts: IPv6 literals in brackets.
    QString forUrl() const { return m_isIpv6 ? QLatin1Char('[') + m_text + QLatin1Char(']') : m_text; }

    friend bool operator==(const HostName& a, const HostName& b) { return a.m_text == b.m_text; }

private:
    QString m_text;
    bool m_isIp = false;
    bool m_isIpv6 = false;
};

// A TCP port, 1 to 65535.
class Port
{
    Q_DECLARE_TR_FUNCTIONS(aio::Port)

public:
    Port() = default;
    explicit Port(quint16 value)
        : m_value(value)
    { }
    static Result<Port> parse(const QString& text);
    static Result<Port> fromInt(qint64 value);
    quint16 value() const { return m_value; }
    bool isValid() const { return m_value != 0; }
    friend bool operator==(const Port& a, const Port& b) { return a.m_value == b.m_value; }

private:
    quint16 m_value = 0;
};

} // namespace aio
