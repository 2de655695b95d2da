// The local CA and certificate reading, checked by `openssl verify` and `openssl x509`; the
// htpasswd hash checked by `openssl passwd -6` with the same salt.

#include "core/crypto/CertificateInfo.h"
#include "core/crypto/HtpasswdEntry.h"
#include "core/crypto/LocalCa.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "common/RunTool.h"

using namespace aio;
using aio::test::runOpenssl;
using aio::test::writeFile;

class TestLocalCa : public QObject
{
    Q_OBJECT

private slots:
    void issuedCertificatesVerifyAgainstTheCa_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("sanOption");
        QTest::newRow("dns") << "sandbox.test"
                             << "-verify_hostname";
        QTest::newRow("ipv4") << "198.18.0.2"
                              << "-verify_ip";
    }

    void issuedCertificatesVerifyAgainstTheCa()
    {
        QFETCH(QString, host);
        QFETCH(QString, sanOption);
        Result<LocalCa> ca = LocalCa::create(QStringLiteral("AIO Test CA"));
        QVERIFY2(ca, qPrintable(ca ? QString() : ca.error().toString()));
        Result<LocalCa::Issued> issued = ca->issueServerCertificate(HostName::parse(host).value());
        QVERIFY(issued);
        QTemporaryDir dir;
        const QString caFile = writeFile(dir, "ca.crt", ca->certificatePem());
        const QString leaf = writeFile(dir, "leaf.crt", issued->certificatePem);
        QByteArray out;
        QCOMPARE(runOpenssl({"verify", "-CAfile", caFile, "-purpose", "sslserver", sanOption, host, leaf}, &out), 0);
        QVERIFY2(out.contains("OK"), out.constData());
        // Not for another name.
        QVERIFY(runOpenssl({"verify", "-CAfile", caFile, "-verify_hostname", "other.test", leaf}) != 0);
        // The key matches the certificate.
        QByteArray a;
        QByteArray b;
        QCOMPARE(runOpenssl({"x509", "-in", leaf, "-noout", "-pubkey"}, &a), 0);
        QCOMPARE(runOpenssl({"pkey", "-in", writeFile(dir, "leaf.key", issued->privateKeyPem), "-pubout"}, &b), 0);
        QCOMPARE(a, b);
        // Another CA does not vouch for it.
        Result<LocalCa> other = LocalCa::create(QStringLiteral("Other CA"));
        QVERIFY(runOpenssl({"verify", "-CAfile", writeFile(dir, "other.crt", other->certificatePem()), leaf}) != 0);
    }

    void certificateInfoReadsNamesAndExpiry()
    {
        Result<LocalCa> ca = LocalCa::create(QStringLiteral("AIO Test CA"));
        QVERIFY(ca);
        Result<LocalCa::Issued> issued = ca->issueServerCertificate(HostName::parse("sandbox.test").value(), 90);
        QVERIFY(issued);
        Result<QList<CertificateInfo>> chain = CertificateInfo::chainFromPem(issued->certificatePem);
        QVERIFY(chain);
        QCOMPARE(chain->size(), 2);
        const CertificateInfo& leaf = chain->at(0);
        QCOMPARE(leaf.commonName, QStringLiteral("sandbox.test"));
        QCOMPARE(leaf.dnsNames, QStringList{QStringLiteral("sandbox.test")});
        QVERIFY(leaf.issuer.contains(QStringLiteral("CN=AIO Test CA")));
        QVERIFY(!leaf.isCa);
        QVERIFY(chain->at(1).isCa);
        QVERIFY(leaf.coversHost(QStringLiteral("SANDBOX.test")));
        QVERIFY(!leaf.coversHost(QStringLiteral("x.sandbox.test")));
        QVERIFY(leaf.daysLeft() >= 89 && leaf.daysLeft() <= 90);
        // As the evidence shows them: the names in brackets; a CA without names says so, never "()";
        // an ACME certificate with an empty subject is named by its first name.
        QVERIFY2(leaf.toString().startsWith(QStringLiteral("sandbox.test, issued by ")), qPrintable(leaf.toString()));
        QVERIFY(leaf.toString().endsWith(QStringLiteral("(DNS:sandbox.test)")));
        QVERIFY2(chain->at(1).toString().endsWith(QStringLiteral(", no names")), qPrintable(chain->at(1).toString()));
        CertificateInfo anonymous = leaf;
        anonymous.commonName.clear();
        anonymous.subject.clear();
        QVERIFY(anonymous.toString().startsWith(QStringLiteral("DNS:sandbox.test, issued by ")));

        // The same facts as openssl prints them.
        QTemporaryDir dir;
        QByteArray out;
        QCOMPARE(runOpenssl({"x509", "-in", writeFile(dir, "c.pem", issued->certificatePem), "-noout", "-enddate",
                             "-fingerprint", "-sha256", "-serial"},
                            &out),
                 0);
        QVERIFY2(out.contains(leaf.sha256Fingerprint.toLatin1()), out.constData());
        QVERIFY(out.contains("serial=" + leaf.serialHex.toLatin1()));
        QVERIFY(out.contains(leaf.notAfter.toString("MMM").toLatin1()));
        QVERIFY(!CertificateInfo::fromPem("garbage"));
    }

    void loadOrCreateKeepsTheKeyPrivateAndReloads()
    {
        QTemporaryDir dir;
        const QString caDir = dir.filePath("ca");
        Result<LocalCa> first = LocalCa::loadOrCreate(caDir, QStringLiteral("AIO Test CA"));
        QVERIFY(first);
        QCOMPARE(QFileInfo(caDir + "/ca.key").permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());
        Result<LocalCa> second = LocalCa::loadOrCreate(caDir, QStringLiteral("ignored"));
        QVERIFY(second);
        QCOMPARE(second->certificatePem(), first->certificatePem());
        QVERIFY(!LocalCa::fromPem(first->certificatePem(), LocalCa::create("x")->privateKeyPem()));
    }

    void htpasswdHashMatchesOpensslPasswd()
    {
        const QString password = QStringLiteral("correct horse: battery ✓");
        Result<QByteArray> line = HtpasswdEntry::make(QStringLiteral("admin"), password);
        QVERIFY(line);
        QVERIFY(line->startsWith("admin:$6$"));
        const QByteArray hash = line->mid(6);
        const QByteArray salt = hash.split('$').at(2);
        QByteArray out;
        QCOMPARE(
            runOpenssl({"passwd", "-6", "-salt", QString::fromLatin1(salt), "-stdin"}, &out, password.toUtf8() + "\n"),
            0);
        QCOMPARE(out.trimmed(), hash);
        QVERIFY(HtpasswdEntry::matches(*line, password));
        QVERIFY(!HtpasswdEntry::matches(*line, QStringLiteral("wrong")));
        QVERIFY(!HtpasswdEntry::make(QStringLiteral("ad:min"), password));
        QVERIFY(!HtpasswdEntry::make(QStringLiteral("admin"), QStringLiteral("two\nlines")));
    }
};

QTEST_GUILESS_MAIN(TestLocalCa)
#include "TestLocalCa.moc"
