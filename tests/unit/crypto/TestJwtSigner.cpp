// Key pairs, RS256 tokens and random secrets, checked by real peers: `openssl pkey` parses the
// keys, `openssl dgst -sha256 -verify` accepts our signatures and refuses a tampered token.

#include "core/crypto/JwtSigner.h"
#include "core/crypto/RandomSecret.h"
#include "core/crypto/RsaKeyPair.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "common/RunTool.h"

using namespace aio;
using aio::test::runOpenssl;
using aio::test::writeFile;

namespace {
QByteArray fromBase64Url(const QByteArray& s)
{
    return QByteArray::fromBase64(s, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}
} // namespace

class TestJwtSigner : public QObject
{
    Q_OBJECT

private:
    RsaKeyPair m_keys;

private slots:
    void initTestCase()
    {
        Result<RsaKeyPair> k = RsaKeyPair::generate(2048); // 3072 is the default; 2048 keeps the test quick
        QVERIFY2(k, qPrintable(k ? QString() : k.error().toString()));
        m_keys = *k;
    }

    void generatedKeysParseWithOpenssl()
    {
        QTemporaryDir dir;
        QByteArray out;
        QCOMPARE(runOpenssl({"pkey", "-in", writeFile(dir, "k.pem", m_keys.privateKeyPem), "-noout", "-text"}, &out),
                 0);
        QVERIFY(out.contains("Private-Key: (2048 bit"));
        QCOMPARE(runOpenssl({"pkey", "-pubin", "-in", writeFile(dir, "p.pem", m_keys.publicKeyPem), "-noout"}), 0);
        QVERIFY(m_keys.privateKeyPem.startsWith("-----BEGIN PRIVATE KEY-----"));
        QCOMPARE(RsaKeyPair::publicKeyFromPrivate(m_keys.privateKeyPem).valueOr({}), m_keys.publicKeyPem);
        QVERIFY(!RsaKeyPair::generate(1024));
    }

    void jwtPublicKeyValueIsBase64OfThePem()
    {
        const QByteArray v = RsaKeyPair::jwtPublicKeyValue(m_keys.publicKeyPem);
        QVERIFY(!v.contains('\n'));
        QCOMPARE(QByteArray::fromBase64(v), m_keys.publicKeyPem);
    }

    void tokensVerifyWithOpensslAndTamperingIsCaught()
    {
        Result<JwtSigner> signer = JwtSigner::fromPrivateKeyPem(m_keys.privateKeyPem);
        QVERIFY(signer);
        const QDateTime exp = QDateTime::fromSecsSinceEpoch(1900000000, Qt::UTC);
        Result<QByteArray> token = signer->signWithExpiry(exp);
        QVERIFY(token);
        const QList<QByteArray> parts = token->split('.');
        QCOMPARE(parts.size(), 3);
        for (const QByteArray& p : parts)
            QVERIFY(!p.contains('=') && !p.contains('+') && !p.contains('/'));
        const QJsonObject header = QJsonDocument::fromJson(fromBase64Url(parts[0])).object();
        QCOMPARE(header.value("alg").toString(), QStringLiteral("RS256"));
        QCOMPARE(header.value("typ").toString(), QStringLiteral("JWT"));
        const QJsonObject payload = QJsonDocument::fromJson(fromBase64Url(parts[1])).object();
        QCOMPARE(payload.value("exp").toInteger(), 1900000000);
        QVERIFY(fromBase64Url(parts[1]).contains("\"exp\":1900000000"));

        QTemporaryDir dir;
        const QString pub = writeFile(dir, "pub.pem", m_keys.publicKeyPem);
        const QString sig = writeFile(dir, "sig", fromBase64Url(parts[2]));
        QByteArray out;
        QCOMPARE(runOpenssl({"dgst", "-sha256", "-verify", pub, "-signature", sig}, &out, parts[0] + '.' + parts[1]),
                 0);
        QVERIFY(out.contains("Verified OK"));
        // Another payload with the same signature must fail.
        const QByteArray forged = parts[0] + '.' + JwtSigner::base64Url(R"({"exp":2000000000})");
        QVERIFY(runOpenssl({"dgst", "-sha256", "-verify", pub, "-signature", sig}, nullptr, forged) != 0);
    }

    void nonRsaKeysAreRefused()
    {
        QByteArray ec;
        QCOMPARE(runOpenssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, &ec), 0);
        Result<JwtSigner> s = JwtSigner::fromPrivateKeyPem(ec);
        QVERIFY(!s);
        QVERIFY(!JwtSigner::fromPrivateKeyPem("not a key"));
    }

    void randomSecretsAreUrlSafeAndDistinct()
    {
        const QRegularExpression urlSafe(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
        QSet<QString> seen;
        for (int i = 0; i < 100; ++i) {
            Result<QString> k = RandomSecret::apiKey();
            QVERIFY(k);
            QVERIFY2(urlSafe.match(*k).hasMatch(), qPrintable(*k));
            seen.insert(*k);
        }
        QCOMPARE(seen.size(), 100);
        QVERIFY(!RandomSecret::generate(8));
    }
};

QTEST_GUILESS_MAIN(TestJwtSigner)
#include "TestJwtSigner.moc"
