// The one "[user@]host[:port]" grammar (targets, jump hosts, ProxyJump hops) and the one host
// pattern matcher (known_hosts entries, ssh_config Host lines).

#include "core/common/HostPattern.h"
#include "core/common/SshAddress.h"

#include <QTest>

using namespace aio;

class TestSshAddress : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("host") << "bastion"
                              << ""
                              << "bastion" << 0;
        QTest::newRow("user@host") << "ops@bastion"
                                   << "ops"
                                   << "bastion" << 0;
        QTest::newRow("user@host:port") << "ops@198.18.0.5:2222"
                                        << "ops"
                                        << "198.18.0.5" << 2222;
        QTest::newRow("ipv6 with port") << "ops@[::1]:2200"
                                        << "ops"
                                        << "::1" << 2200;
        QTest::newRow("ipv6 bracketed") << "[::1]"
                                        << ""
                                        << "::1" << 0;
        QTest::newRow("ipv6 bare") << "::1"
                                   << ""
                                   << "::1" << 0;
        QTest::newRow("spaces around") << "  ops@bastion:22 "
                                       << "ops"
                                       << "bastion" << 22;
    }
    void parses()
    {
        QFETCH(QString, text);
        auto a = SshAddress::parse(text);
        QVERIFY2(a, qPrintable(a ? QString() : a.error().message));
        QTEST(a->user, "user");
        QTEST(a->host.toString(), "host");
        QTEST(int(a->port), "port");
        auto again = SshAddress::parse(a->toString()); // what it prints, it reads back
        QVERIFY(again);
        QCOMPARE(again->user, a->user);
        QCOMPARE(again->host, a->host);
        QCOMPARE(again->port, a->port);
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty user") << "@bastion";
        QTest::newRow("user with a space") << "o p@bastion";
        QTest::newRow("user that is an option") << "-oProxyCommand=x@bastion";
        QTest::newRow("port too big") << "bastion:70000";
        QTest::newRow("port not a number") << "bastion:ssh";
        QTest::newRow("shell in the host") << "bastion;id";
        QTest::newRow("unclosed bracket") << "[::1:22";
        QTest::newRow("junk after bracket") << "[::1]x";
        QTest::newRow("nothing") << "";
    }
    void refuses()
    {
        QFETCH(QString, text);
        auto a = SshAddress::parse(text);
        QVERIFY(!a);
        QCOMPARE(a.error().kind, ErrorKind::InvalidInput);
        QVERIFY(!a.error().message.isEmpty());
    }

    void formats()
    {
        const HostName v4 = *HostName::parse(QStringLiteral("198.18.0.2"));
        const HostName v6 = *HostName::parse(QStringLiteral("::1"));
        QCOMPARE(SshAddress::format(QStringLiteral("deploy"), v4, 22, 22), QStringLiteral("deploy@198.18.0.2"));
        QCOMPARE(SshAddress::format(QStringLiteral("deploy"), v4, 2222, 22), QStringLiteral("deploy@198.18.0.2:2222"));
        QCOMPARE(SshAddress::format(QString(), v4, 22), QStringLiteral("198.18.0.2:22"));
        QCOMPARE(SshAddress::format(QString(), v6, 2200), QStringLiteral("[::1]:2200"));
        QCOMPARE(SshAddress::format(QStringLiteral("ops"), v6, 0), QStringLiteral("ops@[::1]"));
    }

    void hostPatterns_data()
    {
        QTest::addColumn<QByteArray>("pattern");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("matches");
        QTest::newRow("literal") << QByteArray("web-1") << QByteArray("web-1") << true;
        QTest::newRow("case") << QByteArray("WEB-1") << QByteArray("web-1") << true;
        QTest::newRow("star") << QByteArray("*.example.com") << QByteArray("a.b.example.com") << true;
        QTest::newRow("star not suffix") << QByteArray("*.example.com") << QByteArray("example.com") << false;
        QTest::newRow("question") << QByteArray("web-?") << QByteArray("web-7") << true;
        QTest::newRow("question needs one") << QByteArray("web-?") << QByteArray("web-") << false;
        // A '*' in the text is an ordinary character, not a wildcard that matches anything.
        QTest::newRow("star in text") << QByteArray("a") << QByteArray("*") << false;
        QTest::newRow("star in both") << QByteArray("*") << QByteArray("*") << true;
        QTest::newRow("backtracking") << QByteArray("*a*b") << QByteArray("xaxxab") << true;
        QTest::newRow("port form") << QByteArray("[web]:2222") << QByteArray("[web]:2222") << true;
    }
    void hostPatterns()
    {
        QFETCH(QByteArray, pattern);
        QFETCH(QByteArray, text);
        QTEST(HostPattern::matches(pattern, text), "matches");
    }

    void patternListsHonourNegation()
    {
        const QList<QByteArray> list{"*.example.com", "!db.example.com"};
        QVERIFY(HostPattern::matchesList(list, "web.example.com"));
        QVERIFY(!HostPattern::matchesList(list, "db.example.com")); // negated wins wherever it stands
        QVERIFY(!HostPattern::matchesList({"!db.example.com", "*"}, "db.example.com"));
        QVERIFY(!HostPattern::matchesList({"!other"}, "web")); // a negation alone matches nothing
        QVERIFY(!HostPattern::matchesList({}, "web"));
    }
};

QTEST_GUILESS_MAIN(TestSshAddress)
#include "TestSshAddress.moc"
