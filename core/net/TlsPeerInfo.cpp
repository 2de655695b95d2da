#include "core/net/TlsPeerInfo.h"

#include <QCoreApplication>

namespace aio {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("aio::TlsPeerInfo", text);
}

QString nameOf(const QSslCertificate& certificate, bool issuer)
{
    const QStringList cn = issuer ? certificate.issuerInfo(QSslCertificate::CommonName)
                                  : certificate.subjectInfo(QSslCertificate::CommonName);
    if (!cn.isEmpty())
        return cn.join(QStringLiteral(", "));
    return issuer ? certificate.issuerDisplayName() : certificate.subjectDisplayName();
}
} // namespace

CertificateSummary CertificateSummary::fromCertificate(const QSslCertificate& certificate)
{
    CertificateSummary s;
    s.subject = nameOf(certificate, false);
    s.issuer = nameOf(certificate, true);
    s.notBefore = certificate.effectiveDate();
    s.notAfter = certificate.expiryDate();
    const auto alternates = certificate.subjectAlternativeNames();
    for (auto it = alternates.cbegin(); it != alternates.cend(); ++it) {
        const QString kind = it.key() == QSsl::DnsEntry ? QStringLiteral("DNS")
            : it.key() == QSsl::IpAddressEntry          ? QStringLiteral("IP")
                                                        : QStringLiteral("email");
        s.subjectAltNames << kind + QLatin1Char(':') + it.value();
    }
    s.sha256 = QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':'));
    return s;
}

QString CertificateSummary::toString() const
{
    return tr("%1, issued by %2, valid until %3 (%4)")
        .arg(subject, issuer, notAfter.toUTC().toString(Qt::ISODate), subjectAltNames.join(QStringLiteral(", ")));
}

QString TlsPeerInfo::toString() const
{
    QStringList lines;
    if (!encrypted)
        lines << tr("TLS handshake did not complete.");
    else if (verified)
        lines << tr("Certificate verified (%1, %2).").arg(protocol, cipher);
    else
        lines << tr("Certificate NOT verified: %1").arg(verificationErrors.join(QStringLiteral("; ")));
    for (const CertificateSummary& c : chain)
        lines << QStringLiteral("  ") + c.toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace aio
