#include "core/common/ShellQuote.h"

#include <QProcess>
#include <QTest>

using namespace aio;

// The quoting function is checked against a real shell: what sh receives as $1 must be
// byte-for-byte what we passed.
class TestShellQuote : public QObject
{
    Q_OBJECT
private slots:
    void safeWordsStayBare();
    void hostileArgumentsReachTheShellUnchanged_data();
    void hostileArgumentsReachTheShellUnchanged();
};

void TestShellQuote::safeWordsStayBare()
{
    QCOMPARE(shellQuote(QStringLiteral("ghcr.io/agent-infra/sandbox:1.11.0")),
             QStringLiteral("ghcr.io/agent-infra/sandbox:1.11.0"));
    QCOMPARE(shellQuote(QString()), QStringLiteral("''"));
    QCOMPARE(shellQuote(QStringLiteral("a b")), QStringLiteral("'a b'"));
    QCOMPARE(shellQuote(QStringLiteral("it's")), QStringLiteral("'it'\\''s'"));
}

void TestShellQuote::hostileArgumentsReachTheShellUnchanged_data()
{
    QTest::addColumn<QByteArray>("argument");
    QTest::newRow("single quote") << QByteArray("a'b''c'");
    QTest::newRow("command substitution") << QByteArray("$(touch /tmp/aio-pwned)");
    QTest::newRow("backticks") << QByteArray("`id`");
    QTest::newRow("newline") << QByteArray("line1\nline2\n");
    QTest::newRow("semicolon") << QByteArray("x; rm -rf /tmp/aio-nothing");
    QTest::newRow("glob and vars") << QByteArray("* ? [a] $HOME ${PATH} ~ !!");
    QTest::newRow("backslashes") << QByteArray("\\\\n\\'\\\"");
    QTest::newRow("utf8 and controls") << QByteArray("caf\xc3\xa9 \x01\x1b[31m\t");
    QTest::newRow("leading dash") << QByteArray("-rf");
    QTest::newRow("empty") << QByteArray("");
}

void TestShellQuote::hostileArgumentsReachTheShellUnchanged()
{
    QFETCH(QByteArray, argument);
    for (const char* shell : {"/bin/sh", "/bin/bash"}) {
        QProcess p;
        const QByteArray script = "printf %s " + shellQuote(argument);
        p.start(QString::fromLatin1(shell), {QStringLiteral("-c"), QString::fromUtf8(script)});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(p.readAllStandardOutput(), argument);
    }
}

QTEST_GUILESS_MAIN(TestShellQuote)
#include "TestShellQuote.moc"
