#include "core/net/WebSocketFrame.h"

#include <QTest>

using namespace aio;

class TestWebSocketFrame : public QObject
{
    Q_OBJECT
private slots:
    void acceptMatchesTheRfcExample();
    void unmaskedServerFrameIsParsed();
    void partialFrameAsksForMoreBytes();
    void maskedFrameRoundTrips_data();
    void maskedFrameRoundTrips();
    void reservedBitsAreRefused();
    void oversizedFrameIsRefused();
};

void TestWebSocketFrame::acceptMatchesTheRfcExample()
{
    // RFC 6455 section 1.3.
    QCOMPARE(WebSocketFrame::acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestWebSocketFrame::unmaskedServerFrameIsParsed()
{
    const QByteArray wire = QByteArray("\x82\x0c", 2) + "RFB 003.008\n" + "tail";
    qsizetype consumed = 0;
    auto frame = WebSocketFrame::parse(wire, &consumed);
    QVERIFY(frame.ok());
    QVERIFY(frame->has_value());
    QCOMPARE((*frame)->opcode, quint8(WebSocketFrame::Binary));
    QVERIFY((*frame)->fin);
    QCOMPARE((*frame)->payload, QByteArray("RFB 003.008\n"));
    QCOMPARE(consumed, qsizetype(14));
}

void TestWebSocketFrame::partialFrameAsksForMoreBytes()
{
    qsizetype consumed = 0;
    auto frame = WebSocketFrame::parse(QByteArray("\x82\x0cRFB", 5), &consumed);
    QVERIFY(frame.ok());
    QVERIFY(!frame->has_value());
    QCOMPARE(consumed, qsizetype(0));
}

void TestWebSocketFrame::maskedFrameRoundTrips_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("small") << 5;
    QTest::newRow("16-bit length") << 300;
    QTest::newRow("64-bit length") << 70000;
}

void TestWebSocketFrame::maskedFrameRoundTrips()
{
    QFETCH(int, size);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char(i * 7);
    const QByteArray wire = WebSocketFrame::encodeMasked(WebSocketFrame::Text, payload, 0xa1b2c3d4);
    QVERIFY(quint8(wire[1]) & 0x80);
    qsizetype consumed = 0;
    auto frame = WebSocketFrame::parse(wire, &consumed);
    QVERIFY(frame.ok());
    QVERIFY(frame->has_value());
    QCOMPARE((*frame)->payload, payload);
    QCOMPARE(consumed, wire.size());
}

void TestWebSocketFrame::reservedBitsAreRefused()
{
    qsizetype consumed = 0;
    auto frame = WebSocketFrame::parse(QByteArray("\xc2\x01x", 3), &consumed);
    QVERIFY(!frame.ok());
    QCOMPARE(frame.error().kind, ErrorKind::Protocol);
}

void TestWebSocketFrame::oversizedFrameIsRefused()
{
    const QByteArray header = QByteArray("\x82\x7f\x00\x00\x00\x01\x00\x00\x00\x00", 10);
    qsizetype consumed = 0;
    auto frame = WebSocketFrame::parse(header, &consumed, 1 << 20);
    QVERIFY(!frame.ok());
}

QTEST_GUILESS_MAIN(TestWebSocketFrame)
#include "TestWebSocketFrame.moc"
