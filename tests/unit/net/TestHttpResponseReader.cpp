#include "core/net/HttpResponseReader.h"

#include <QTest>

using namespace aio;

class TestHttpResponseReader : public QObject
{
    Q_OBJECT
private slots:
    void contentLengthBodyIsReadWhateverTheChunking_data();
    void contentLengthBodyIsReadWhateverTheChunking();
    void chunkedBodyIsDecoded();
    void bodyUntilCloseCompletesOnFinish();
    void bodyIsCappedAndMarkedTruncated();
    void headersOnlyKeepsTheBytesAfterTheHeaders();
    void headerLookupIgnoresCase();
    void garbageIsRefused_data();
    void garbageIsRefused();
    void closeInsideHeadersIsAnError();
};

void TestHttpResponseReader::contentLengthBodyIsReadWhateverTheChunking_data()
{
    QTest::addColumn<int>("pieceSize");
    QTest::newRow("all at once") << 1000;
    QTest::newRow("byte by byte") << 1;
    QTest::newRow("sevens") << 7;
}

void TestHttpResponseReader::contentLengthBodyIsReadWhateverTheChunking()
{
    QFETCH(int, pieceSize);
    const QByteArray wire = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 4\r\n\r\npongEXTRA";
    HttpResponseReader reader;
    for (qsizetype i = 0; i < wire.size() && !reader.isComplete(); i += pieceSize)
        QVERIFY(reader.feed(wire.mid(i, pieceSize)).ok());
    QVERIFY(reader.isComplete());
    QCOMPARE(reader.statusCode(), 200);
    QCOMPARE(reader.reason(), QByteArray("OK"));
    QCOMPARE(reader.header("server"), QByteArray("nginx"));
    QCOMPARE(reader.body(), QByteArray("pong"));
    QVERIFY(!reader.bodyTruncated());
}

void TestHttpResponseReader::chunkedBodyIsDecoded()
{
    HttpResponseReader reader;
    QVERIFY(reader.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n").ok());
    QVERIFY(!reader.isComplete());
    QVERIFY(reader.feed("6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n").ok());
    QVERIFY(reader.isComplete());
    QCOMPARE(reader.body(), QByteArray("hello world"));
}

void TestHttpResponseReader::bodyUntilCloseCompletesOnFinish()
{
    HttpResponseReader reader;
    QVERIFY(reader.feed("HTTP/1.0 404 Not Found\r\n\r\nnot here").ok());
    QVERIFY(!reader.isComplete());
    QVERIFY(reader.finish().ok());
    QVERIFY(reader.isComplete());
    QCOMPARE(reader.statusCode(), 404);
    QCOMPARE(reader.reason(), QByteArray("Not Found"));
    QCOMPARE(reader.body(), QByteArray("not here"));
}

void TestHttpResponseReader::bodyIsCappedAndMarkedTruncated()
{
    HttpResponseReader reader(3);
    QVERIFY(reader.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789").ok());
    QVERIFY(reader.isComplete());
    QCOMPARE(reader.body(), QByteArray("012"));
    QVERIFY(reader.bodyTruncated());
}

void TestHttpResponseReader::headersOnlyKeepsTheBytesAfterTheHeaders()
{
    HttpResponseReader reader(100, true);
    QVERIFY(reader.feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x82\x0cRFB").ok());
    QVERIFY(reader.headersComplete());
    QCOMPARE(reader.statusCode(), 101);
    QCOMPARE(reader.rest(), QByteArray("\x82\x0cRFB"));
}

void TestHttpResponseReader::headerLookupIgnoresCase()
{
    HttpResponseReader reader;
    QVERIFY(
        reader.feed("HTTP/1.1 301 Moved Permanently\r\nLOCATION: https://x.test/\r\nContent-Length: 0\r\n\r\n").ok());
    QVERIFY(reader.isComplete());
    QCOMPARE(reader.header("Location"), QByteArray("https://x.test/"));
    QVERIFY(reader.header("Missing").isEmpty());
}

void TestHttpResponseReader::garbageIsRefused_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::newRow("ssh banner") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n");
    QTest::newRow("bad status") << QByteArray("HTTP/1.1 abc OK\r\n");
    QTest::newRow("header without name") << QByteArray("HTTP/1.1 200 OK\r\n: value\r\n");
    QTest::newRow("bad length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n");
    QTest::newRow("bad chunk") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    QTest::newRow("endless line") << QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(20000, 'a');
}

void TestHttpResponseReader::garbageIsRefused()
{
    QFETCH(QByteArray, wire);
    HttpResponseReader reader;
    const Status s = reader.feed(wire);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, ErrorKind::Protocol);
}

void TestHttpResponseReader::closeInsideHeadersIsAnError()
{
    HttpResponseReader reader;
    QVERIFY(reader.feed("HTTP/1.1 200 OK\r\nServer: x\r\n").ok());
    const Status s = reader.finish();
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, ErrorKind::Protocol);
}

QTEST_GUILESS_MAIN(TestHttpResponseReader)
#include "TestHttpResponseReader.moc"
