// The answers file: defaults, round trip, cross-field rules, warnings, and the field parsers.

#include "core/deploy/Cidr.h"
#include "core/deploy/ImageRef.h"
#include "core/deploy/VmDeployAnswers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;

namespace {
QJsonObject minimal()
{
    return QJsonDocument::fromJson(R"({"publicHost": "sandbox.test",
        "tls": {"mode": "acme", "acme": {"email": "a@sandbox.test", "agreeTos": true,
                "directory": "https://198.18.0.1:14000/dir", "caBundle": "/run/aio-testbed/pebble/pebble.minica.pem"}}})")
        .object();
}
} // namespace

class TestVmDeployAnswers : public QObject
{
    Q_OBJECT

private slots:
    void defaultsFollowTheFactsFile()
    {
        Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(minimal());
        QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
        QCOMPARE(a->image.toString(), QStringLiteral("ghcr.io/agent-infra/sandbox:1.11.0"));
        QCOMPARE(a->containerName, QStringLiteral("aio-sandbox"));
        QCOMPARE(a->cpuMillis, 1000);
        QCOMPARE(VmDeployAnswers::formatBytes(a->memoryBytes), QStringLiteral("2g"));
        QCOMPARE(VmDeployAnswers::formatBytes(a->shmBytes), QStringLiteral("2g"));
        QVERIFY(a->sandboxJwt);
        QVERIFY(!a->sandboxApiKey);
    }

    void roundTripsThroughJsonAndFile()
    {
        QJsonObject o = minimal();
        o.insert("edge", QJsonObject{{"allow", QJsonArray{"198.18.0.0/24"}}, {"basicAuthUser", "admin"}});
        o.insert("sandboxAuth", QJsonObject{{"jwt", true}, {"apiKey", true}});
        o.insert("firewall",
                 QJsonObject{{"tool", "ufw"},
                             {"adminSshCidrs", QJsonArray{"198.18.0.1"}},
                             {"autoRevertSeconds", 90},
                             {"keepOpen", QJsonArray{5432, 9000, 5432}}});
        o.insert("container",
                 QJsonObject{{"cpus", "1500m"}, {"memory", "3Gi"}, {"env", QJsonObject{{"DISPLAY_WIDTH", "1280"}}}});
        Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(o);
        QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
        QTemporaryDir dir;
        const QString path = dir.filePath("answers.json");
        QVERIFY(a->save(path));
        Result<VmDeployAnswers> b = VmDeployAnswers::load(path);
        QVERIFY2(b, qPrintable(b ? QString() : b.error().toString()));
        QCOMPARE(b->toJson(), a->toJson());
        QCOMPARE(b->cpuMillis, 1500);
        QCOMPARE(b->adminSshCidrs.at(0).toString(), QStringLiteral("198.18.0.1/32"));
        QCOMPARE(b->firewallAutoRevertSeconds, 90);
        QCOMPARE(b->firewallKeepOpen, (QList<quint16>{5432, 9000}));
        QCOMPARE(b->acmeCaBundleLocalPath, QStringLiteral("/run/aio-testbed/pebble/pebble.minica.pem"));
    }

    void privateNamesAreThoseNoPublicCaServes()
    {
        auto isPrivate = [](const char* name) {
            return VmDeployAnswers::isPrivateName(HostName::parse(QString::fromLatin1(name)).value());
        };
        QVERIFY(isPrivate("sandbox-ready.test"));
        QVERIFY(isPrivate("box.internal"));
        QVERIFY(isPrivate("nas.home.arpa"));
        QVERIFY(isPrivate("198.18.0.2"));
        QVERIFY(isPrivate("sandbox"));
        QVERIFY(!isPrivate("sandbox.example.com"));
        QVERIFY(!isPrivate("testing.dev")); // ".test" only as the last label
        QVERIFY(!isPrivate("sandbox.latest.io"));
    }

    void crossFieldRulesAreEnforced_data()
    {
        QTest::addColumn<QByteArray>("patch");
        QTest::addColumn<QString>("mentions");
        // (moc reads "//" inside a raw string as a comment: the URL is split.)
        QTest::newRow("acme without tos") << QByteArray("{\"tls\":{\"mode\":\"acme\",\"acme\":{\"email\":\"a@b.test\","
                                                        "\"directory\":\"https:/"
                                                        "/198.18.0.1:14000/dir\"}}}")
                                          << "terms";
        // Let's Encrypt serves only public DNS names: a .test name needs the own CA or a private ACME server.
        QTest::newRow("Let's Encrypt for a private name")
            << QByteArray(R"({"tls":{"mode":"acme","acme":{"email":"a@b.test","agreeTos":true}}})") << "own-CA";
        QTest::newRow("acme on an IP") << QByteArray(R"({"publicHost":"198.18.0.2"})") << "DNS name";
        QTest::newRow("existing without key")
            << QByteArray(R"({"tls":{"mode":"existing","certificate":"/etc/ssl/c.pem"}})") << "private key";
        QTest::newRow("no access control") << QByteArray(R"({"sandboxAuth":{"jwt":false}})") << "access control";
        // A browser signed in at the edge sends no JWT: nginx can only hand the sandbox its API key.
        QTest::newRow("basic auth with the JWT alone")
            << QByteArray(R"({"edge":{"basicAuthUser":"admin"},"sandboxAuth":{"jwt":true}})") << "API key";
        QTest::newRow("SSO with the JWT alone") << QByteArray("{\"edge\":{\"authRequestUrl\":\"https:/"
                                                              "/sso.example/check\"},\"sandboxAuth\":{\"jwt\":true}}")
                                                << "API key";
        QTest::newRow("firewall without admin ranges") << QByteArray(R"({"firewall":{"tool":"nftables"}})") << "SSH";
        QTest::newRow("unknown field") << QByteArray(R"({"edge":{"allowList":["1.2.3.4"]}})") << "edge.allowList";
        QTest::newRow("reserved env") << QByteArray(R"({"container":{"env":{"SANDBOX_API_KEY":"x"}}})")
                                      << "SANDBOX_API_KEY";
        QTest::newRow("tiny memory") << QByteArray(R"({"container":{"memory":"100m"}})") << "256m";
        QTest::newRow("newer version") << QByteArray(R"({"version":2})") << "version";
        QTest::newRow("keeping 8080 open")
            << QByteArray(R"({"firewall":{"tool":"nftables","adminSshCidrs":["198.18.0.0/24"],"keepOpen":[8080]}})")
            << "8080";
        QTest::newRow("a port that is not one")
            << QByteArray(R"({"firewall":{"tool":"nftables","adminSshCidrs":["198.18.0.0/24"],"keepOpen":[70000]}})")
            << "firewall.keepOpen";
        QTest::newRow("ports as text") << QByteArray(
            R"({"firewall":{"tool":"nftables","adminSshCidrs":["198.18.0.0/24"],"keepOpen":"5432"}})")
                                       << "firewall.keepOpen";
    }

    void crossFieldRulesAreEnforced()
    {
        QFETCH(QByteArray, patch);
        QFETCH(QString, mentions);
        QJsonObject o = minimal();
        const QJsonObject p = QJsonDocument::fromJson(patch).object();
        for (auto it = p.begin(); it != p.end(); ++it)
            o.insert(it.key(), it.value());
        Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(o);
        QVERIFY(!a);
        QVERIFY2(a.error().message.contains(mentions, Qt::CaseInsensitive) || a.error().nextStep.contains(mentions),
                 qPrintable(a.error().toString()));
    }

    void publicHostsThatTheImageRoutesToAPortAreRefused_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("nip.io style") << "10-0-0-5.nip.io" << false;
        QTest::newRow("port first") << "8080-sandbox.example.com" << false;
        QTest::newRow("one digit") << "1-x.test" << false;
        QTest::newRow("plain") << "sandbox.test" << true;
        QTest::newRow("digits later") << "sandbox-8080.example.com" << true;
        QTest::newRow("digits without hyphen") << "8080sandbox.example.com" << true;
        QTest::newRow("hyphen in a later label") << "sandbox.10-0-0-5.example" << true;
    }

    void publicHostsThatTheImageRoutesToAPortAreRefused()
    {
        QFETCH(QString, host);
        QFETCH(bool, accepted);
        QJsonObject o = minimal();
        o.insert(QStringLiteral("publicHost"), host);
        Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(o);
        QCOMPARE(bool(a), accepted);
        if (!accepted) {
            QVERIFY2(a.error().message.contains(QStringLiteral("without any authentication")),
                     qPrintable(a.error().message));
            QVERIFY(!a.error().nextStep.isEmpty());
        }
    }

    void basicAuthPasswordsHaveAtLeastTwelveCharacters()
    {
        QVERIFY(!VmDeployAnswers::checkBasicAuthPassword(QStringLiteral("short-pw")));
        QVERIFY(!VmDeployAnswers::checkBasicAuthPassword(QStringLiteral("elevenchars")));
        QVERIFY(VmDeployAnswers::checkBasicAuthPassword(QStringLiteral("twelve chars")));
    }

    void hstsIsAutoOnOrOff()
    {
        QJsonObject o = minimal();
        QVERIFY(VmDeployAnswers::fromJson(o)->hstsEnabled()); // ACME: on
        o.insert("tls", QJsonObject{{"mode", "own-ca"}});
        QVERIFY(!VmDeployAnswers::fromJson(o)->hstsEnabled()); // own CA: off unless asked
        o.insert("edge", QJsonObject{{"hsts", "on"}});
        Result<VmDeployAnswers> on = VmDeployAnswers::fromJson(o);
        QVERIFY(on->hstsEnabled());
        QCOMPARE(on->toJson().value("edge").toObject().value("hsts").toString(), QStringLiteral("on"));
        o.insert("edge", QJsonObject{{"hsts", "sometimes"}});
        QVERIFY(!VmDeployAnswers::fromJson(o));
    }

    void latestTagIsAllowedWithAWarning()
    {
        QJsonObject o = minimal();
        o.insert("container", QJsonObject{{"image", "ghcr.io/agent-infra/sandbox:latest"}});
        Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(o);
        QVERIFY(a);
        QVERIFY(a->warnings().join('\n').contains(QStringLiteral("pin a version")));
        QVERIFY(!VmDeployAnswers::fromJson(minimal())->warnings().join('\n').contains(QStringLiteral("pin a version")));
    }

    void sizesAndCpusParse()
    {
        QCOMPARE(VmDeployAnswers::parseCpus("1").valueOr(0), 1000);
        QCOMPARE(VmDeployAnswers::parseCpus("0.25").valueOr(0), 250);
        QCOMPARE(VmDeployAnswers::parseCpus("1000m").valueOr(0), 1000);
        QVERIFY(!VmDeployAnswers::parseCpus("1;2"));
        QVERIFY(!VmDeployAnswers::parseCpus("0"));
        QCOMPARE(VmDeployAnswers::formatCpus(1500), QStringLiteral("1.5"));
        QCOMPARE(VmDeployAnswers::formatCpus(250), QStringLiteral("0.25"));
        QCOMPARE(VmDeployAnswers::parseBytes("m", "2Gi").valueOr(0), qint64(2) << 30);
        QCOMPARE(VmDeployAnswers::parseBytes("m", "512m").valueOr(0), qint64(512) << 20);
        QVERIFY(!VmDeployAnswers::parseBytes("m", "2 g"));
        QCOMPARE(VmDeployAnswers::formatBytes(qint64(1536) << 20), QStringLiteral("1536m"));
    }

    void imageReferencesFollowTheOciGrammar_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("tag");
        QTest::newRow("official") << "ghcr.io/agent-infra/sandbox:1.11.0" << true << "ghcr.io"
                                  << "agent-infra/sandbox"
                                  << "1.11.0";
        QTest::newRow("mirror") << "enterprise-public-cn-beijing.cr.volces.com/vefaas-public/all-in-one-sandbox:1.9.3"
                                << true << "enterprise-public-cn-beijing.cr.volces.com"
                                << "vefaas-public/all-in-one-sandbox"
                                << "1.9.3";
        QTest::newRow("hub short") << "nginx" << true << ""
                                   << "nginx"
                                   << "";
        QTest::newRow("registry port") << "localhost:5000/a/b:v1_2" << true << "localhost:5000"
                                       << "a/b"
                                       << "v1_2";
        QTest::newRow("digest") << "ghcr.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                                << true << "ghcr.io"
                                << "a/b"
                                << "";
        QTest::newRow("separators") << "a/b__c.d-e--f" << true << ""
                                    << "a/b__c.d-e--f"
                                    << "";
        QTest::newRow("empty") << "" << false << ""
                               << ""
                               << "";
        QTest::newRow("tag too long") << "a:" + QString(129, 'x') << false << ""
                                      << ""
                                      << "";
        QTest::newRow("tag starts with dot") << "a:.x" << false << ""
                                             << ""
                                             << "";
        QTest::newRow("double slash") << "ghcr.io//a" << false << ""
                                      << ""
                                      << "";
        QTest::newRow("trailing sep") << "a/b-" << false << ""
                                      << ""
                                      << "";
        QTest::newRow("shell") << "a/b:1&&id" << false << ""
                               << ""
                               << "";
        QTest::newRow("quote") << "a/'b'" << false << ""
                               << ""
                               << "";
        QTest::newRow("unicode") << QString::fromUtf8("a/b:ü") << false << ""
                                 << ""
                                 << "";
    }

    void imageReferencesFollowTheOciGrammar()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        Result<ImageRef> r = ImageRef::parse(text);
        QCOMPARE(r.ok(), valid);
        if (!valid) {
            QCOMPARE(r.error().kind, ErrorKind::InvalidInput);
            return;
        }
        QFETCH(QString, domain);
        QFETCH(QString, path);
        QFETCH(QString, tag);
        QCOMPARE(r->domain(), domain);
        QCOMPARE(r->path(), path);
        QCOMPARE(r->tag(), tag);
        QCOMPARE(r->toString(), text);
    }

    void imageFromPartsRefusesSmuggledTags()
    {
        QVERIFY(ImageRef::fromParts("ghcr.io/agent-infra/sandbox", "1.11.0"));
        QVERIFY(!ImageRef::fromParts("ghcr.io/agent-infra/sandbox:1.0", "1.11.0"));
        QVERIFY(!ImageRef::fromParts("ghcr.io/agent-infra/sandbox", "1.0@sha256:00"));
        QVERIFY(ImageRef::parse("a/b").value().isFloating());
        QVERIFY(ImageRef::parse("a/b:latest").value().isFloating());
        QVERIFY(!ImageRef::parse("a/b:1.11.0").value().isFloating());
    }

    void cidrsParseStrictly()
    {
        QCOMPARE(Cidr::parse("198.18.0.0/15").value().toString(), QStringLiteral("198.18.0.0/15"));
        QCOMPARE(Cidr::parse("2001:db8::/32").value().toString(), QStringLiteral("2001:db8::/32"));
        QCOMPARE(Cidr::parse("::1").value().prefixLength(), 128);
        QVERIFY(Cidr::parse("198.18.0.0/15").value().contains(QHostAddress("198.19.3.4")));
        QVERIFY(!Cidr::parse("198.18.0.0/15").value().contains(QHostAddress("198.20.0.1")));
        const Result<Cidr> hostBits = Cidr::parse("198.18.0.9/24");
        QVERIFY(!hostBits);
        QVERIFY(hostBits.error().message.contains(QStringLiteral("198.18.0.0/24")));
        QVERIFY(!Cidr::parse("10.1/8"));
        QVERIFY(!Cidr::parse("1.2.3.4/33"));
        QVERIFY(!Cidr::parse("1.2.3.4/-1"));
        QVERIFY(!Cidr::parse("1.2.3.4/24/1"));
        QVERIFY(!Cidr::parse("example.com"));
        QVERIFY(!Cidr::parse("1.2.3.4 "));
    }
};

QTEST_GUILESS_MAIN(TestVmDeployAnswers)
#include "TestVmDeployAnswers.moc"
