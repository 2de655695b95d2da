#include "core/net/ProbeEndpoint.h"

namespace aio {

QString ProbeEndpoint::describe() const
{
    const QString scheme = tls ? QStringLiteral("https") : QStringLiteral("http");
    QString text = QStringLiteral("%1://%2:%3").arg(scheme, presentedName().forUrl()).arg(port.value());
    if (!hostName.isEmpty() && !(hostName == address))
        text += QStringLiteral(" via ") + address.toString();
    return text;
}

QByteArray ProbeEndpoint::hostHeader() const
{
    QByteArray host = presentedName().forUrl().toUtf8();
    const quint16 defaultPort = tls ? 443 : 80;
    if (port.value() != defaultPort)
        host += ':' + QByteArray::number(port.value());
    return host;
}

} // namespace aio
