#include "core/common/HostName.h"

#include <QTest>

using namespace aio;

class TestHostName : public QObject
{
    Q_OBJECT
private slots:
    void acceptsNamesAndAddresses_data();
    void acceptsNamesAndAddresses();
    void refusesHostileOrMalformedNames_data();
    void refusesHostileOrMalformedNames();
    void portsOutOfRangeAreRefused();
};

void TestHostName::acceptsNamesAndAddresses_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("normalised");
    QTest::addColumn<bool>("isIp");
    QTest::newRow("dns") << "Sandbox.Example.com"
                         << "sandbox.example.com" << false;
    QTest::newRow("single label") << "vm-1"
                                  << "vm-1" << false;
    QTest::newRow("trailing dot") << "example.com."
                                  << "example.com" << false;
    QTest::newRow("ipv4") << "198.18.0.2"
                          << "198.18.0.2" << true;
    QTest::newRow("ipv6") << "::1"
                          << "::1" << true;
    QTest::newRow("ipv6 bracketed") << "[2001:db8::1]"
                                    << "2001:db8::1" << true;
    QTest::newRow("digit label") << "1password.example"
                                 << "1password.example" << false;
}

void TestHostName::acceptsNamesAndAddresses()
{
    QFETCH(QString, input);
    QFETCH(QString, normalised);
    QFETCH(bool, isIp);
    auto h = HostName::parse(input);
    QVERIFY2(h.ok(), qPrintable(h.ok() ? QString() : h.error().toString()));
    QCOMPARE(h->toString(), normalised);
    QCOMPARE(h->isIpAddress(), isIp);
}

void TestHostName::refusesHostileOrMalformedNames_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("empty") << "";
    QTest::newRow("space") << "exa mple.com";
    QTest::newRow("semicolon") << "example.com;reboot";
    QTest::newRow("brace") << "example.com{";
    QTest::newRow("newline") << "example.com\nserver_name evil";
    QTest::newRow("leading space") << " example.com";
    QTest::newRow("underscore") << "my_host.example";
    QTest::newRow("hyphen edge") << "-bad.example";
    QTest::newRow("double dot") << "a..b";
    QTest::newRow("bad ipv4") << "198.18.0.256";
    QTest::newRow("short ipv4") << "10.1";
    QTest::newRow("host:port") << "example.com:22";
    QTest::newRow("long label") << QString(64, QLatin1Char('a')) + ".com";
    QTest::newRow("dollar") << "$(id).example";
}

void TestHostName::refusesHostileOrMalformedNames()
{
    QFETCH(QString, input);
    auto h = HostName::parse(input);
    QVERIFY(!h.ok());
    QCOMPARE(h.error().kind, ErrorKind::InvalidInput);
    QVERIFY(!h.error().message.isEmpty());
}

void TestHostName::portsOutOfRangeAreRefused()
{
    QVERIFY(Port::parse(QStringLiteral("22")).ok());
    QCOMPARE(Port::parse(QStringLiteral("65535"))->value(), quint16(65535));
    QVERIFY(!Port::parse(QStringLiteral("0")).ok());
    QVERIFY(!Port::parse(QStringLiteral("65536")).ok());
    QVERIFY(!Port::parse(QStringLiteral("22a")).ok());
    QVERIFY(!Port::parse(QStringLiteral("")).ok());
}

QTEST_GUILESS_MAIN(TestHostName)
#include "TestHostName.moc"
