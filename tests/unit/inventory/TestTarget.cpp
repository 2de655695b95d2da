// Target and JumpHost: field validation with clear messages, and the JSON form of a target.

#include "core/common/SshAddress.h"
#include "core/inventory/Target.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;

class TestTarget : public QObject
{
    Q_OBJECT

private:
    static Target validVm()
    {
        VmSettings vm;
        vm.host = *HostName::parse(QStringLiteral("vm.example.com"));
        vm.port = Port(2222);
        vm.user = QStringLiteral("deploy");
        vm.auth = SshAuthMethod::KeyFile;
        vm.keyPath = QStringLiteral("/home/me/.ssh/id_ed25519");
        vm.jumpHost = *JumpHost::parse(QStringLiteral("ops@bastion.example.com:2200"));
        vm.sudo = true;
        vm.publicHost = *HostName::parse(QStringLiteral("sandbox.example.com"));
        Target t = Target::makeVm(QStringLiteral("prod vm"), vm);
        t.notes = QStringLiteral("line one\nline two");
        return t;
    }

private slots:
    void makeGivesAFreshId()
    {
        const Target a = Target::makeVm(QStringLiteral("a"), {});
        const Target b = Target::makeVm(QStringLiteral("a"), {});
        QVERIFY(!a.id.isNull());
        QVERIFY(a.id != b.id);
    }

    void vmRoundTripsThroughJson()
    {
        const Target t = validVm();
        QVERIFY(t.validate().ok());
        const QJsonObject json = t.toJson();
        QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("vm"));
        QCOMPARE(json.value(QStringLiteral("vm")).toObject().value(QStringLiteral("jumpHost")).toString(),
                 QStringLiteral("ops@bastion.example.com:2200"));
        auto back = Target::fromJson(json);
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
        QVERIFY(*back == t);
    }

    void clusterRoundTripsThroughJson()
    {
        QTemporaryDir dir;
        const QString kubeconfig = dir.filePath(QStringLiteral("config"));
        QFile f(kubeconfig);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("apiVersion: v1\n");
        f.close();
        ClusterSettings c;
        c.kubeconfigPath = kubeconfig;
        c.context = QStringLiteral("prod");
        c.kubeNamespace = QStringLiteral("sandbox");
        c.ingressHost = *HostName::parse(QStringLiteral("sandbox.example.com"));
        const Target t = Target::makeCluster(QStringLiteral("prod cluster"), c);
        QVERIFY(t.validate().ok());
        auto back = Target::fromJson(t.toJson());
        QVERIFY(back.ok());
        QVERIFY(*back == t);
        QVERIFY(back->isCluster());
    }

    void badNamesAreRefusedWithAReason_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("says");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("spaces around") << QStringLiteral(" web ") << QStringLiteral("spaces");
        QTest::newRow("option-like") << QStringLiteral("-rf") << QStringLiteral("\"-\"");
        QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("control character");
        QTest::newRow("too long") << QString(101, QLatin1Char('a')) << QStringLiteral("100");
    }
    void badNamesAreRefusedWithAReason()
    {
        QFETCH(QString, name);
        QFETCH(QString, says);
        const Status s = Target::checkName(name);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::InvalidInput);
        QVERIFY2(s.error().message.contains(says), qPrintable(s.error().message));
    }

    void goodNamesAreAccepted()
    {
        QVERIFY(Target::checkName(QStringLiteral("prod-web")).ok());
        QVERIFY(Target::checkName(QStringLiteral("Prod web (2)")).ok());
        QVERIFY(Target::checkName(QStringLiteral("arn:aws:eks:eu-west-1:1234:cluster/x")).ok());
    }

    void userNamesAreChecked()
    {
        QVERIFY(SshAddress::checkUser(QString()).ok());
        QVERIFY(SshAddress::checkUser(QStringLiteral("ubuntu")).ok());
        QVERIFY(SshAddress::checkUser(QStringLiteral("first.last")).ok());
        QVERIFY(!SshAddress::checkUser(QStringLiteral("root;id")).ok());
        QVERIFY(!SshAddress::checkUser(QStringLiteral("a b")).ok());
        QVERIFY(!SshAddress::checkUser(QStringLiteral("-oProxyCommand=x")).ok());
        QVERIFY(!SshAddress::checkUser(QStringLiteral("u@h")).ok());
    }

    void keyFileAuthNeedsAKey()
    {
        Target t = validVm();
        t.vm.keyPath.clear();
        const Status s = t.validate();
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.contains(QStringLiteral("private key")));
        QCOMPARE(s.error().target, t.name);
    }

    void vmNeedsAHost()
    {
        Target t = validVm();
        t.vm.host = HostName();
        QVERIFY(!t.validate().ok());
    }

    void missingKubeconfigIsReported()
    {
        ClusterSettings c;
        c.kubeconfigPath = QStringLiteral("/nonexistent/kubeconfig");
        const Status s = Target::makeCluster(QStringLiteral("k"), c).validate();
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::NotFound);
        QVERIFY(s.error().message.contains(QStringLiteral("/nonexistent/kubeconfig")));
    }

    void kubeconfigThatIsAFolderIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(!Target::checkKubeconfig(dir.path()).ok());
    }

    void namespacesFollowKubernetesRules()
    {
        QVERIFY(Target::checkNamespace(QString()).ok());
        QVERIFY(Target::checkNamespace(QStringLiteral("sandbox-1")).ok());
        QVERIFY(!Target::checkNamespace(QStringLiteral("Sandbox")).ok());
        QVERIFY(!Target::checkNamespace(QStringLiteral("a_b")).ok());
        QVERIFY(!Target::checkNamespace(QStringLiteral("-a")).ok());
        QVERIFY(!Target::checkNamespace(QString(64, QLatin1Char('a'))).ok());
    }

    void jumpHostsParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("host") << QStringLiteral("bastion") << QString() << QStringLiteral("bastion") << 22;
        QTest::newRow("user@host:port") << QStringLiteral("ops@198.18.0.5:2222") << QStringLiteral("ops")
                                        << QStringLiteral("198.18.0.5") << 2222;
        QTest::newRow("ipv6") << QStringLiteral("ops@[::1]:2200") << QStringLiteral("ops") << QStringLiteral("::1")
                              << 2200;
    }
    void jumpHostsParse()
    {
        QFETCH(QString, text);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(int, port);
        auto j = JumpHost::parse(text);
        QVERIFY2(j.ok(), qPrintable(j.ok() ? QString() : j.error().message));
        QCOMPARE(j->user, user);
        QCOMPARE(j->host.toString(), host);
        QCOMPARE(int(j->port.value()), port);
        auto again = JumpHost::parse(j->toString());
        QVERIFY(again.ok());
        QVERIFY(*again == *j);
    }

    void badJumpHostsAreRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("chain") << QStringLiteral("a@b,c@d");
        QTest::newRow("bad port") << QStringLiteral("ops@bastion:70000");
        QTest::newRow("bad host") << QStringLiteral("ops@a;b");
        QTest::newRow("empty user") << QStringLiteral("@bastion");
        QTest::newRow("bad user") << QStringLiteral("o p@bastion");
        QTest::newRow("unclosed bracket") << QStringLiteral("[::1:22");
    }
    void badJumpHostsAreRefused()
    {
        QFETCH(QString, text);
        auto j = JumpHost::parse(text);
        QVERIFY(!j.ok());
        QCOMPARE(j.error().kind, ErrorKind::InvalidInput);
        QVERIFY(!j.error().message.isEmpty());
    }

    void jsonWithBadFieldsIsCorrupt_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("says");
        QTest::newRow("no id") << QByteArray(R"({"name":"a","kind":"vm","vm":{"host":"h"}})") << QStringLiteral("id");
        QTest::newRow("bad host") << QByteArray(
            R"({"id":"6f0c3a5e-1111-4a6b-9c1d-2e3f4a5b6c7d","name":"a","kind":"vm","vm":{"host":"a;b"}})")
                                  << QStringLiteral("a;b");
        QTest::newRow("bad port") << QByteArray(
            R"({"id":"6f0c3a5e-1111-4a6b-9c1d-2e3f4a5b6c7d","name":"a","kind":"vm","vm":{"host":"h","port":70000}})")
                                  << QStringLiteral("70000");
        QTest::newRow("bad kind") << QByteArray(
            R"({"id":"6f0c3a5e-1111-4a6b-9c1d-2e3f4a5b6c7d","name":"a","kind":"ship"})")
                                  << QStringLiteral("ship");
        QTest::newRow("name not text") << QByteArray(
            R"({"id":"6f0c3a5e-1111-4a6b-9c1d-2e3f4a5b6c7d","name":5,"kind":"vm","vm":{"host":"h"}})")
                                       << QStringLiteral("name");
    }
    void jsonWithBadFieldsIsCorrupt()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, says);
        auto t = Target::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!t.ok());
        QCOMPARE(t.error().kind, ErrorKind::Corrupt);
        QVERIFY2(t.error().message.contains(says), qPrintable(t.error().message));
    }

    void groupsAreOneLevelDeepAndTrimmedAroundTheSlash()
    {
        QCOMPARE(Target::normalizeGroup(QStringLiteral("  Team /  Db ")), QStringLiteral("Team/Db"));
        QCOMPARE(Target::normalizeGroup(QStringLiteral(" / ")), QString());
        QVERIFY(Target::checkGroup(QString()).ok());
        QVERIFY(Target::checkGroup(QStringLiteral("Team")).ok());
        QVERIFY(Target::checkGroup(QStringLiteral("Équipe/Données")).ok());
        QVERIFY(!Target::checkGroup(QStringLiteral("a/b/c")).ok());
        QVERIFY(!Target::checkGroup(QStringLiteral("a/")).ok());
        QVERIFY(!Target::checkGroup(QStringLiteral("/a")).ok());
        QVERIFY(!Target::checkGroup(QStringLiteral(" a")).ok());
        QVERIFY(!Target::checkGroup(QStringLiteral("a\nb")).ok());
        QVERIFY(!Target::checkGroup(QString(61, QLatin1Char('x'))).ok());
        Target t;
        t.group = QStringLiteral("Team/Db");
        QVERIFY(t.inGroup(QStringLiteral("team")));
        QVERIFY(t.inGroup(QStringLiteral("TEAM/db")));
        QVERIFY(!t.inGroup(QStringLiteral("Tea")));
        QVERIFY(!t.inGroup(QString()));
    }

    void tagsAreWordsAndTypedListsDropDuplicates()
    {
        QCOMPARE(*Target::parseTags(QStringLiteral(" gpu, eu-west  GPU,,v1.2 ")),
                 (QStringList{QStringLiteral("gpu"), QStringLiteral("eu-west"), QStringLiteral("v1.2")}));
        QVERIFY(Target::parseTags(QString())->isEmpty());
        QVERIFY(!Target::parseTags(QStringLiteral("ok, -rm")).ok());
        QVERIFY(!Target::parseTags(QStringLiteral("a;b")).ok());
        QVERIFY(!Target::parseTags(QStringLiteral("$(reboot)")).ok());
        QVERIFY(!Target::checkTag(QString(41, QLatin1Char('t'))).ok());
        QVERIFY(Target::checkTag(QStringLiteral("zone:eu+1")).ok());
    }

    void authMethodsHaveStableNames()
    {
        for (auto method : {SshAuthMethod::Agent, SshAuthMethod::KeyFile, SshAuthMethod::Password}) {
            auto back = Target::parseAuth(Target::authName(method));
            QVERIFY(back.ok());
            QCOMPARE(*back, method);
        }
        QVERIFY(!Target::parseAuth(QStringLiteral("telepathy")).ok());
    }
};

QTEST_GUILESS_MAIN(TestTarget)
#include "TestTarget.moc"
