// The bounded log buffer: lines split from a stream as it comes (partial lines, CRLF), their
// numbers and facts, the memory budget with the oldest chunks dropped and counted, the spill
// file that gives them back, over-long lines, and readers working while the writer appends.

#include "core/logs/LogBuffer.h"

#include <QTemporaryDir>
#include <QTest>

#include <optional>

#include <thread>

using namespace aio;

class TestLogBuffer : public QObject
{
    Q_OBJECT

private slots:
    void splitsAStreamIntoLinesWhateverTheChunking();
    void keepsEachLinesFacts();
    void dropsTheOldestChunksWithinTheBudgetAndCountsThem();
    void spillGivesBackWhatMemoryLetGo();
    void anUnwritableSpillCountsLinesDroppedAndSaysWhy();
    void longLinesGetAChunkOfTheirOwnOrAreCutAndCounted();
    void costsLittleMoreThanTheBytes();
    void readersSeeWholeLinesWhileTheWriterAppends();
    void aSnapshotKeepsItsLinesWhenTheirChunkIsSealed();
    void olderLinesReadBackInBatchesJoinTheLinesInMemory();
};

static QByteArray lineText(qint64 i)
{
    return QByteArray("line ") + QByteArray::number(i) + QByteArray(40 + int(i % 50), 'x');
}

void TestLogBuffer::splitsAStreamIntoLinesWhateverTheChunking()
{
    QByteArray stream;
    for (int i = 0; i < 2000; ++i)
        stream += lineText(i) + (i % 7 == 0 ? "\r\n" : "\n");
    stream += "a partial last line";
    for (int step : {1, 3, 64, 4096, 1 << 20}) {
        LogBuffer b;
        for (qsizetype at = 0; at < stream.size(); at += step)
            b.appendBytes(QByteArrayView(stream).sliced(at, std::min<qsizetype>(step, stream.size() - at)), 1);
        QCOMPARE(b.endLine(), 2000);
        b.flushPartial(1);
        const LogSnapshot s = b.snapshot();
        QCOMPARE(s.firstLine(), 0);
        QCOMPARE(s.endLine(), 2001);
        for (qint64 i = 0; i < 2000; ++i)
            QCOMPARE(s.line(i), QByteArrayView(lineText(i)));
        QCOMPARE(s.line(2000), QByteArrayView("a partial last line"));
        QCOMPARE(b.droppedLines(), 0);
    }
    // Empty lines are lines.
    LogBuffer b;
    b.appendBytes("\n\nx\n", 1);
    QCOMPARE(b.endLine(), 3);
    QCOMPARE(b.snapshot().line(1), QByteArrayView(""));
}

void TestLogBuffer::keepsEachLinesFacts()
{
    LogBuffer::Options o;
    o.format = LogFormat::DockerTimestamped;
    LogBuffer b(o);
    b.appendBytes("2026-12-03T04:31:49.250Z ERROR boom\nno time here\n", 777);
    const LogSnapshot s = b.snapshot();
    QCOMPARE(s.meta(0).timeMs,
             QDateTime::fromString(QStringLiteral("2026-12-03T04:31:49.250Z"), Qt::ISODateWithMs).toMSecsSinceEpoch());
    QCOMPARE(s.meta(0).logLevel(), LogLevel::Error);
    QCOMPARE(s.meta(0).flags & LogLineMeta::TimeFromArrival, 0u);
    QCOMPARE(s.meta(1).timeMs, 777); // arrival time, and said so
    QVERIFY(s.meta(1).flags & LogLineMeta::TimeFromArrival);
    QCOMPARE(s.line(0), QByteArrayView("2026-12-03T04:31:49.250Z ERROR boom"));
}

void TestLogBuffer::dropsTheOldestChunksWithinTheBudgetAndCountsThem()
{
    LogBuffer::Options o;
    o.budgetBytes = 2 * 1024 * 1024;
    LogBuffer b(o);
    const qint64 n = 100'000; // ~9 MB
    for (qint64 i = 0; i < n; ++i)
        b.appendLine(lineText(i), 1);
    QCOMPARE(b.endLine(), n);
    QVERIFY2(b.memoryBytes() <= o.budgetBytes + LogBuffer::kChunkBytes + LogBuffer::kChunkLines * 16,
             qPrintable(QString::number(b.memoryBytes())));
    const LogSnapshot s = b.snapshot();
    QVERIFY(s.firstLine() > 0);
    QCOMPARE(s.endLine(), n);
    QCOMPARE(b.droppedLines(), s.firstLine()); // every line not kept is counted
    // What is kept is the newest, whole and numbered as before.
    for (qint64 i = s.firstLine(); i < n; i += 997)
        QCOMPARE(s.line(i), QByteArrayView(lineText(i)));
    QCOMPARE(s.line(n - 1), QByteArrayView(lineText(n - 1)));
}

void TestLogBuffer::spillGivesBackWhatMemoryLetGo()
{
    QTemporaryDir dir;
    LogBuffer::Options o;
    o.budgetBytes = 1024 * 1024;
    o.spillPath = dir.filePath(QStringLiteral("spill"));
    o.format = LogFormat::Application;
    QString path;
    {
        LogBuffer b(o);
        const qint64 n = 50'000;
        for (qint64 i = 0; i < n; ++i)
            b.appendLine(i % 10 == 0 ? QByteArray("ERROR ") + lineText(i) : lineText(i), 1000 + i);
        QCOMPARE(b.droppedLines(), 0);
        QVERIFY(b.firstLine() > 0);
        QCOMPARE(b.firstSpilledLine(), 0);
        const Result<LogSnapshot> older = b.loadSpilled(0, b.firstLine());
        QVERIFY2(older.ok(), older.ok() ? "" : qPrintable(older.error().message));
        for (qint64 i = 0; i < b.firstLine(); ++i) {
            QCOMPARE(older->line(i), QByteArrayView(i % 10 == 0 ? QByteArray("ERROR ") + lineText(i) : lineText(i)));
            QCOMPARE(older->meta(i).timeMs, 1000 + i);
            QCOMPARE(older->meta(i).logLevel(), i % 10 == 0 ? LogLevel::Error : LogLevel::None);
        }
        QVERIFY(!b.loadSpilled(0, b.firstLine() + 1).ok()); // those are in memory, not the file
        path = o.spillPath;
        QVERIFY(QFile::exists(path));

        // A spill file at its limit starts over, and what it let go is counted.
        LogBuffer::Options small = o;
        small.spillPath = dir.filePath(QStringLiteral("small"));
        small.spillLimitBytes = 600 * 1024;
        LogBuffer c(small);
        for (qint64 i = 0; i < n; ++i)
            c.appendLine(lineText(i), 1);
        QVERIFY(c.droppedLines() > 0);
        QCOMPARE(c.firstSpilledLine(), c.droppedLines());
        const Result<LogSnapshot> rest = c.loadSpilled(c.firstSpilledLine(), c.firstLine());
        QVERIFY(rest.ok());
        QCOMPARE(rest->line(c.firstSpilledLine()), QByteArrayView(lineText(c.firstSpilledLine())));
    }
    QVERIFY2(!QFile::exists(path), "the spill file is this buffer's cache and goes with it");
}

void TestLogBuffer::anUnwritableSpillCountsLinesDroppedAndSaysWhy()
{
    LogBuffer::Options o;
    o.budgetBytes = 512 * 1024;
    o.spillPath = QStringLiteral("/proc/aio-no-such-dir/spill");
    LogBuffer b(o);
    for (qint64 i = 0; i < 20'000; ++i)
        b.appendLine(lineText(i), 1);
    QVERIFY(!b.spillError().isEmpty());
    QCOMPARE(b.droppedLines(), b.firstLine());
    QVERIFY(b.droppedLines() > 0);
}

void TestLogBuffer::longLinesGetAChunkOfTheirOwnOrAreCutAndCounted()
{
    LogBuffer b;
    const QByteArray big(3 * LogBuffer::kChunkBytes, 'L');
    b.appendLine("before", 1);
    b.appendLine(big, 1);
    b.appendLine("after", 1);
    QByteArray huge(LogBuffer::kMaxLineBytes + 10, 'H');
    b.appendBytes(huge + "\nend\n", 1);
    const LogSnapshot s = b.snapshot();
    QCOMPARE(s.size(), 5);
    QCOMPARE(s.line(0), QByteArrayView("before"));
    QCOMPARE(s.line(1), QByteArrayView(big));
    QCOMPARE(s.line(2), QByteArrayView("after"));
    QCOMPARE(s.line(3).size(), qsizetype(LogBuffer::kMaxLineBytes));
    QVERIFY(s.meta(3).flags & LogLineMeta::Truncated);
    QCOMPARE(b.truncatedLines(), 1);
    QCOMPARE(s.line(4), QByteArrayView("end"));
}

void TestLogBuffer::costsLittleMoreThanTheBytes()
{
    LogBuffer b;
    const QByteArray line(119, 'x'); // 120 bytes with its newline
    const qint64 n = 200'000;
    for (qint64 i = 0; i < n; ++i)
        b.appendLine(line, 1);
    // The budget is 1.3× the raw size (the benchmark measures it at 1M lines).
    QVERIFY2(double(b.memoryBytes()) <= 1.3 * double(n * 120), qPrintable(QString::number(b.memoryBytes())));
}

void TestLogBuffer::readersSeeWholeLinesWhileTheWriterAppends()
{
    LogBuffer::Options o;
    o.budgetBytes = 4 * 1024 * 1024;
    LogBuffer b(o);
    const qint64 n = 300'000;
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (qint64 i = 0; i < n; ++i)
            b.appendLine(lineText(i), 1);
        done = true;
    });
    int checks = 0;
    bool ok = true;
    while (!done.load() && checks < 100'000) {
        const LogSnapshot s = b.snapshot();
        if (!s.isEmpty()) {
            ok = ok && s.line(s.endLine() - 1) == QByteArrayView(lineText(s.endLine() - 1));
            ok = ok && s.line(s.firstLine()) == QByteArrayView(lineText(s.firstLine()));
        }
        ++checks;
    }
    writer.join();
    QVERIFY(ok);
    QCOMPARE(b.endLine(), n);
}

void TestLogBuffer::aSnapshotKeepsItsLinesWhenTheirChunkIsSealed()
{
    // Sealing a nearly full chunk keeps its arrays (no copy) unless a snapshot holds it: then the
    // snapshot keeps the arrays it holds and the buffer copies. Both ways the lines stay whole.
    for (const bool hold : {true, false}) {
        LogBuffer b;
        const auto text = [](qint64 i) {
            return QByteArray::number(i).rightJustified(119, '.');
        };
        qint64 n = 0;
        while (b.snapshot().parts().size() < 2) // into the first full-size chunk
            b.appendLine(text(n++), 1);
        std::optional<LogSnapshot> held;
        if (hold)
            held = b.snapshot();
        const qint64 heldEnd = n;
        for (qint64 i = 0; i < 3 * qint64(LogBuffer::kChunkLines); ++i)
            b.appendLine(text(n++), 1);
        const LogSnapshot now = b.snapshot();
        QVERIFY(now.parts().size() >= 3);
        for (qint64 i = 0; i < n; i += 101)
            QCOMPARE(now.line(i), QByteArrayView(text(i)));
        QCOMPARE(now.line(n - 1), QByteArrayView(text(n - 1)));
        if (held) {
            QCOMPARE(held->endLine(), heldEnd);
            for (qint64 i = 0; i < heldEnd; i += 7)
                QCOMPARE(held->line(i), QByteArrayView(text(i)));
        }
    }
}

void TestLogBuffer::olderLinesReadBackInBatchesJoinTheLinesInMemory()
{
    // What "Load older lines" does: batches read back from the spill file, each ending where the
    // last began (often inside a chunk), joined before the lines in memory: every line once.
    QTemporaryDir dir;
    LogBuffer::Options o;
    o.budgetBytes = 2 * LogBuffer::kChunkBytes;
    o.spillPath = dir.filePath(QStringLiteral("spill"));
    LogBuffer b(o);
    const qint64 n = 100'000;
    for (qint64 i = 0; i < n; ++i)
        b.appendLine(lineText(i), 1);
    QCOMPARE(b.firstSpilledLine(), 0);
    QVERIFY(b.firstLine() > 30'000);
    LogSnapshot older;
    for (qint64 first = b.firstLine(); first > 0;) {
        const qint64 from = std::max<qint64>(0, first - 12'345);
        Result<LogSnapshot> batch = b.loadSpilled(from, first);
        QVERIFY(batch.ok());
        older = older.isEmpty() ? *batch : LogSnapshot::joined(*batch, older);
        first = from;
    }
    const LogSnapshot all = LogSnapshot::joined(older, b.snapshot());
    QCOMPARE(all.firstLine(), 0);
    QCOMPARE(all.endLine(), n);
    qint64 next = 0;
    for (const LogSnapshot::Part& part : all.parts()) {
        QCOMPARE(part.chunk->firstLine + part.from, next); // no line twice, none missing
        next = part.chunk->firstLine + part.to;
    }
    QCOMPARE(next, n);
    for (qint64 i = 0; i < n; i += 991)
        QCOMPARE(all.line(i), QByteArrayView(lineText(i)));
    // Cut from a line on (older lines kept to what the admin asked for): the rest, each once.
    const LogSnapshot cut = all.from(54'321);
    QCOMPARE(cut.firstLine(), 54'321);
    QCOMPARE(cut.endLine(), n);
    next = 54'321;
    for (const LogSnapshot::Part& part : cut.parts()) {
        QCOMPARE(part.chunk->firstLine + part.from, next);
        next = part.chunk->firstLine + part.to;
    }
    QCOMPARE(next, n);
    QCOMPARE(cut.line(54'321), QByteArrayView(lineText(54'321)));
    // Not adjacent: the newer one alone.
    QCOMPARE(LogSnapshot::joined(*b.loadSpilled(0, 10), b.snapshot()).firstLine(), b.firstLine());
}

QTEST_APPLESS_MAIN(TestLogBuffer)
#include "TestLogBuffer.moc"
