#include "core/net/TlsPeerInfo.h"

#include <QCoreApplication>

namespace aio {

QString TlsPeerInfo::toString() const
{
    QStringList lines;
    if (!encrypted)
        lines << tr("TLS handshake did not complete.");
    else if (verified)
        lines << tr("Certificate verified (%1, %2).").arg(protocol, cipher);
    else
        lines << tr("Certificate NOT verified: %1").arg(verificationErrors.join(QStringLiteral("; ")));
    for (const CertificateInfo& c : chain)
        lines << QStringLiteral("  ") + c.toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace aio
