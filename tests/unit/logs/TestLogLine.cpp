// What the app reads from a log line: docker's --timestamps prefix, nginx access lines in the
// combined and main formats (and malformed ones), nginx error levels, the services' own levels.

#include "core/logs/LogLine.h"

#include <QDateTime>
#include <QTest>

using namespace aio;

class TestLogLine : public QObject
{
    Q_OBJECT

private slots:
    void isoTimesAgreeWithQDateTime_data();
    void isoTimesAgreeWithQDateTime();
    void badTimesAreNotTimes();
    void dockerPrefixSplitsTimeAndMessage();
    void accessLinesInCombinedAndMainFormats();
    void malformedAccessLinesGiveNoFields();
    void nginxErrorLevelsAndTime();
    void applicationLevels_data();
    void applicationLevels();
};

static qint64 ms(const char* iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

void TestLogLine::isoTimesAgreeWithQDateTime_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("qtIso");
    QTest::addColumn<QByteArray>("rest");
    QTest::newRow("docker nanoseconds") << QByteArray("2026-12-03T04:31:49.123456789Z hello")
                                        << QByteArray("2026-12-03T04:31:49.123Z") << QByteArray(" hello");
    QTest::newRow("no fraction") << QByteArray("2026-12-03T04:31:49Z") << QByteArray("2026-12-03T04:31:49Z")
                                 << QByteArray();
    QTest::newRow("offset") << QByteArray("2026-12-03 06:31:49,5+02:00 x") << QByteArray("2026-12-03T04:31:49.500Z")
                            << QByteArray(" x");
    QTest::newRow("offset without colon")
        << QByteArray("2026-12-03T00:31:49-0400") << QByteArray("2026-12-03T04:31:49Z") << QByteArray();
    QTest::newRow("leap day") << QByteArray("2028-02-29T23:59:59.999Z") << QByteArray("2028-02-29T23:59:59.999Z")
                              << QByteArray();
    QTest::newRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << QByteArray("1970-01-01T00:00:00Z") << QByteArray();
}

void TestLogLine::isoTimesAgreeWithQDateTime()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, qtIso);
    QFETCH(QByteArray, rest);
    QByteArrayView v(text);
    const std::optional<qint64> t = parseIsoTimeMs(v);
    QVERIFY(t);
    QCOMPARE(*t, ms(qtIso.constData()));
    QCOMPARE(v.toByteArray(), rest);
}

void TestLogLine::badTimesAreNotTimes()
{
    for (const char* bad : {"", "2026-12-03", "2026-13-03T04:31:49Z", "2026-12-03T24:31:49Z", "2026-12-03T04:31:49.Z",
                            "2026-12-03T04:31:49+2", "x026-12-03T04:31:49Z", "hello world, a plain line"}) {
        QByteArrayView v(bad);
        QVERIFY2(!parseIsoTimeMs(v), bad);
        QCOMPARE(v, QByteArrayView(bad)); // not advanced
    }
    QVERIFY(!parseNginxLocalTimeMs("03/Xyz/2026:04:31:49 +0000"));
    QVERIFY(!parseNginxLocalTimeMs("03/Dec/2026:04:31"));
}

void TestLogLine::dockerPrefixSplitsTimeAndMessage()
{
    const std::optional<DockerLine> d = splitDockerTimestamp("2026-12-03T04:31:49.000000001Z ERROR boom");
    QVERIFY(d);
    QCOMPARE(d->timeMs, ms("2026-12-03T04:31:49Z"));
    QCOMPARE(d->message, QByteArrayView("ERROR boom"));
    const LineFacts f = lineFacts(LogFormat::DockerTimestamped, "2026-12-03T04:31:49.5Z [WARN] disk is slow");
    QCOMPARE(f.timeMs, ms("2026-12-03T04:31:49.500Z"));
    QCOMPARE(f.level, LogLevel::Warning);
    QVERIFY(!splitDockerTimestamp("no prefix"));
}

void TestLogLine::accessLinesInCombinedAndMainFormats()
{
    const QByteArray combined
        = R"L(198.18.0.1 - admin [03/Dec/2026:04:31:49 +0100] "GET /vnc/index.html?a=b HTTP/1.1" 200 1534 "https://x/" "Mozilla/5.0 (X11; \"quoted\")")L";
    const std::optional<AccessLogLine> a = parseAccessLine(combined);
    QVERIFY(a);
    QCOMPARE(a->client, QByteArrayView("198.18.0.1"));
    QCOMPARE(a->user, QByteArrayView("admin"));
    QCOMPARE(a->timeMs, ms("2026-12-03T03:31:49Z"));
    QCOMPARE(a->method, QByteArrayView("GET"));
    QCOMPARE(a->path, QByteArrayView("/vnc/index.html?a=b"));
    QCOMPARE(a->protocol, QByteArrayView("HTTP/1.1"));
    QCOMPARE(a->status, 200);
    QCOMPARE(a->bytes, 1534);
    QCOMPARE(a->referer, QByteArrayView("https://x/"));
    QCOMPARE(a->userAgent, QByteArrayView(R"L(Mozilla/5.0 (X11; \"quoted\"))L"));
    QVERIFY(!a->upstreamSeconds);

    // main (x-forwarded-for after the agent) with the upstream time named, two upstreams tried.
    const QByteArray main
        = R"(::1 - - [03/Dec/2026:04:31:49 +0000] "POST /v1/shell/exec HTTP/2.0" 502 0 "-" "curl/7.88" "-" urt="0.002, 0.120")";
    const std::optional<AccessLogLine> m = parseAccessLine(main);
    QVERIFY(m);
    QCOMPARE(m->client, QByteArrayView("::1"));
    QCOMPARE(m->status, 502);
    QVERIFY(m->upstreamSeconds);
    QVERIFY(qAbs(*m->upstreamSeconds - 0.122) < 1e-9);
    const LineFacts f = lineFacts(LogFormat::NginxAccess, main);
    QCOMPARE(f.status, quint16(502));
    QCOMPARE(f.level, LogLevel::Error);
    QCOMPARE(lineFacts(LogFormat::NginxAccess, combined).level, LogLevel::Info);

    // A request line nginx could not read ("-" or bytes) keeps it as the path.
    const std::optional<AccessLogLine> bad
        = parseAccessLine(R"(198.18.0.9 - - [03/Dec/2026:04:31:49 +0000] "\x16\x03\x01" 400 157 "-" "-")");
    QVERIFY(bad);
    QCOMPARE(bad->status, 400);
    QVERIFY(bad->method.isEmpty());
    QCOMPARE(bad->path, QByteArrayView(R"(\x16\x03\x01)"));

    // nginx escapes a quote in a request as \" and a backslash as \\: a field ends at the first
    // quote after an even number of backslashes.
    const QByteArray escaped
        = R"L(198.18.0.1 - - [03/Dec/2026:04:31:49 +0000] "GET /a\"b\\ HTTP/1.1" 404 5 "-" "ua\\")L";
    const std::optional<AccessLogLine> e = parseAccessLine(escaped);
    QVERIFY(e);
    QCOMPARE(e->path, QByteArrayView(R"(/a\"b\\)"));
    QCOMPARE(e->status, 404);
    QCOMPARE(e->userAgent, QByteArrayView(R"(ua\\)"));
    QCOMPARE(lineFacts(LogFormat::NginxAccess, escaped).status, quint16(404));
}

void TestLogLine::malformedAccessLinesGiveNoFields()
{
    for (const char* bad :
         {"", "198.18.0.1", "198.18.0.1 - - [03/Dec/2026:04:31:49 +0000", R"(a - - [bad time] "GET / HTTP/1.1" 200 1)",
          R"(a - - [03/Dec/2026:04:31:49 +0000] "GET / HTTP/1.1" 2000 1)",
          R"(a - - [03/Dec/2026:04:31:49 +0000] "GET / HTTP/1.1 200 1)",
          R"(a - - [03/Dec/2026:04:31:49 +0000] "GET / HTTP/1.1" abc 1)"}) {
        QVERIFY2(!parseAccessLine(bad), bad);
        const LineFacts f = lineFacts(LogFormat::NginxAccess, bad);
        QCOMPARE(f.timeMs, 0);
        QCOMPARE(f.status, quint16(0));
    }
}

void TestLogLine::nginxErrorLevelsAndTime()
{
    LineFacts f = parseNginxErrorLine("2026/12/03 04:31:49 [error] 31#31: *7 connect() failed (111: Connection "
                                      "refused) while connecting to upstream");
    QCOMPARE(f.level, LogLevel::Error);
    QCOMPARE(f.timeMs, ms("2026-12-03T04:31:49Z"));
    QCOMPARE(parseNginxErrorLine("2026/12/03 04:31:49 [warn] 1#1: conflicting server name").level, LogLevel::Warning);
    QCOMPARE(parseNginxErrorLine("2026/12/03 04:31:49 [emerg] 1#1: bind() failed").level, LogLevel::Critical);
    QCOMPARE(parseNginxErrorLine("2026/12/03 04:31:49 [notice] 1#1: signal process started").level, LogLevel::Notice);
    f = parseNginxErrorLine("nginx: [alert] could not open error log file");
    QCOMPARE(f.level, LogLevel::Critical);
    QCOMPARE(f.timeMs, 0);
}

void TestLogLine::applicationLevels_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("level");
    QTest::newRow("python logging") << QByteArray("2026-12-03 04:31:49,123 - gem.browser - WARNING - slow page")
                                    << int(LogLevel::Warning);
    QTest::newRow("bracketed") << QByteArray("[2026-12-03T04:31:49Z] [ERROR] crashed") << int(LogLevel::Error);
    QTest::newRow("logfmt") << QByteArray("time=\"2026-12-03T04:31:49Z\" level=info msg=\"started\"")
                            << int(LogLevel::Info);
    QTest::newRow("json") << QByteArray(R"({"levelname": "DEBUG", "msg": "x"})") << int(LogLevel::Debug);
    QTest::newRow("supervisor") << QByteArray("2026-12-03 04:31:49,001 CRIT uncaptured python exception")
                                << int(LogLevel::Critical);
    QTest::newRow("inside a word is not a level")
        << QByteArray("information about errors and terrors") << int(LogLevel::None);
    QTest::newRow("none") << QByteArray("GET /v1/ping 200") << int(LogLevel::None);
}

void TestLogLine::applicationLevels()
{
    QFETCH(QByteArray, line);
    QFETCH(int, level);
    QCOMPARE(int(parseApplicationLine(line).level), level);
}

QTEST_APPLESS_MAIN(TestLogLine)
#include "TestLogLine.moc"
