#include "core/crypto/CertificateInfo.h"

#include "core/crypto/OpenSsl.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QTimeZone>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <ctime>

namespace aio {

namespace {
QString nameText(const X509_NAME* name)
{
    openssl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return {};
    return QString::fromUtf8(openssl::bioContent(bio.get()));
}

QDateTime timeOf(const ASN1_TIME* t)
{
    struct tm tm = {};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return {};
    return QDateTime(QDate(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), QTime(tm.tm_hour, tm.tm_min, tm.tm_sec),
                     Qt::UTC);
}

CertificateInfo infoOf(X509* cert)
{
    CertificateInfo info;
    info.subject = nameText(X509_get_subject_name(cert));
    info.issuer = nameText(X509_get_issuer_name(cert));
    X509_NAME* subject = X509_get_subject_name(cert);
    const int cnIndex = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (cnIndex >= 0) {
        const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, cnIndex));
        unsigned char* utf8 = nullptr;
        const int n = ASN1_STRING_to_UTF8(&utf8, cn);
        if (n >= 0) {
            info.commonName = QString::fromUtf8(reinterpret_cast<const char*>(utf8), n);
            OPENSSL_free(utf8);
        }
    }
    openssl::GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (names) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
            const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
            if (gn->type == GEN_DNS) {
                const ASN1_STRING* s = gn->d.dNSName;
                info.dnsNames << QString::fromLatin1(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                     ASN1_STRING_length(s));
            } else if (gn->type == GEN_IPADD) {
                const ASN1_OCTET_STRING* s = gn->d.iPAddress;
                const unsigned char* d = ASN1_STRING_get0_data(s);
                if (ASN1_STRING_length(s) == 4) {
                    info.ipAddresses << QHostAddress(quint32(d[0]) << 24 | quint32(d[1]) << 16 | quint32(d[2]) << 8
                                                     | quint32(d[3]))
                                            .toString();
                } else if (ASN1_STRING_length(s) == 16) {
                    info.ipAddresses << QHostAddress(d).toString();
                }
            }
        }
    }
    info.notBefore = timeOf(X509_get0_notBefore(cert));
    info.notAfter = timeOf(X509_get0_notAfter(cert));
    openssl::BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (serial) {
        char* hex = BN_bn2hex(serial.get());
        if (hex) {
            info.serialHex = QString::fromLatin1(hex);
            OPENSSL_free(hex);
        }
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &digestLength) == 1) {
        info.sha256Fingerprint = QString::fromLatin1(
            QByteArray(reinterpret_cast<const char*>(digest), int(digestLength)).toHex(':').toUpper());
    }
    info.isCa = X509_check_ca(cert) > 0;
    return info;
}
} // namespace

Result<CertificateInfo> CertificateInfo::fromPem(const QByteArray& pem)
{
    Result<openssl::X509Ptr> cert = openssl::readCertificate(pem);
    if (!cert)
        return cert.error();
    return infoOf(cert->get());
}

Result<CertificateInfo> CertificateInfo::fromDer(const QByteArray& der)
{
    const auto* data = reinterpret_cast<const unsigned char*>(der.constData());
    openssl::X509Ptr cert(d2i_X509(nullptr, &data, long(der.size())));
    if (!cert) {
        ERR_clear_error();
        return Error(ErrorKind::InvalidInput,
                     QCoreApplication::translate("aio::CertificateInfo", "The data is not a DER certificate."));
    }
    return infoOf(cert.get());
}

Result<QList<CertificateInfo>> CertificateInfo::chainFromPem(const QByteArray& pem)
{
    QList<CertificateInfo> chain;
    openssl::BioPtr bio = openssl::memoryBio(pem);
    for (int guard = 0; guard < 64; ++guard) {
        openssl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert)
            break;
        chain.append(infoOf(cert.get()));
    }
    ERR_clear_error(); // the read past the last certificate leaves "no start line"
    if (chain.isEmpty())
        return Error(ErrorKind::InvalidInput,
                     QCoreApplication::translate("aio::CertificateInfo", "The text holds no PEM certificate."));
    return chain;
}

qint64 CertificateInfo::daysLeft(const QDateTime& now) const
{
    const qint64 secs = now.secsTo(notAfter);
    return secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
}

bool CertificateInfo::coversHost(const QString& hostText) const
{
    const QString host = hostText.toLower();
    QHostAddress ip;
    if (ip.setAddress(host)) {
        for (const QString& a : ipAddresses) {
            if (QHostAddress(a) == ip)
                return true;
        }
        return false;
    }
    for (const QString& nameText : dnsNames) {
        const QString name = nameText.toLower();
        if (name == host)
            return true;
        if (name.startsWith(QLatin1String("*."))) {
            const qsizetype dot = host.indexOf(QLatin1Char('.'));
            if (dot > 0 && host.mid(dot) == name.mid(1))
                return true;
        }
    }
    return false;
}

QString CertificateInfo::toString() const
{
    QStringList names;
    for (const QString& n : dnsNames)
        names << QStringLiteral("DNS:") + n;
    for (const QString& a : ipAddresses)
        names << QStringLiteral("IP:") + a;
    // ACME certificates often have an empty subject: they are then named by their first name.
    const QString who = !commonName.isEmpty() ? commonName
        : !subject.isEmpty()                  ? subject
        : !names.isEmpty()                    ? names.first()
                                              : QCoreApplication::translate("aio::CertificateInfo", "a certificate");
    const QString until = notAfter.toUTC().toString(Qt::ISODate);
    if (names.isEmpty()) // no subjectAltName: nothing to list (browsers match none)
        return QCoreApplication::translate("aio::CertificateInfo", "%1, issued by %2, valid until %3, no names")
            .arg(who, issuer, until);
    return QCoreApplication::translate("aio::CertificateInfo", "%1, issued by %2, valid until %3 (%4)")
        .arg(who, issuer, until, names.join(QStringLiteral(", ")));
}

} // namespace aio
