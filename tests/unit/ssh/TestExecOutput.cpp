// The exec channel's output handling without a server: the pid marker taken off the front (also
// when it arrives in pieces), lines split for the sink, output kept or only its stderr tail.
#include "core/ssh/ExecOutput.h"

#include <QTest>

using namespace aio;

class TestExecOutput : public QObject
{
    Q_OBJECT
private slots:
    void markerIsTakenOffStderrAndTheRestIsOutput();
    void markerSplitOverPackets_data();
    void markerSplitOverPackets();
    void markerOnStdoutWithAPty();
    void firstLineThatIsNoMarkerIsOutput();
    void longFirstLineWithoutNewlineIsOutput();
    void markerThatNeverEndsIsOutputAtFinish();
    void linesSplitAcrossFeedsAndCrLf();
    void finishHandsOverTheLastUnfinishedLines();
    void endlessStreamsKeepOnlyTheStderrTail();
    void withoutMarkerNothingIsHeldBack();
    void stdoutInChunksEndsEachPieceAtALineEnd();

private:
    struct Sink
    {
        QList<QPair<OutputChannel, QByteArray>> lines;
        LineSink fn()
        {
            return [this](OutputChannel c, const QByteArray& l) {
                lines.append({c, l});
            };
        }
    };
};

void TestExecOutput::markerIsTakenOffStderrAndTheRestIsOutput()
{
    Sink sink;
    ExecOutput out({false, true, true, sink.fn()});
    QVERIFY(out.markerPending());
    out.feed("hello\n", false);
    out.feed("aio-pid:4242\nwarning: x\n", true);
    QVERIFY(!out.markerPending());
    QCOMPARE(out.pgid(), 4242);
    QCOMPARE(out.out(), QByteArray("hello\n"));
    QCOMPARE(out.err(), QByteArray("warning: x\n"));
    QCOMPARE(sink.lines.size(), 2);
    QCOMPARE(sink.lines[0], qMakePair(OutputChannel::Stdout, QByteArray("hello")));
    QCOMPARE(sink.lines[1], qMakePair(OutputChannel::Stderr, QByteArray("warning: x")));
}

void TestExecOutput::markerSplitOverPackets_data()
{
    QTest::addColumn<int>("cut");
    for (int cut : {1, 4, 8, 11, 12, 13})
        QTest::newRow(qPrintable(QString::number(cut))) << cut;
}

void TestExecOutput::markerSplitOverPackets()
{
    QFETCH(int, cut);
    const QByteArray all = "aio-pid:31337\nerr line\n";
    Sink sink;
    ExecOutput out({false, true, true, sink.fn()});
    out.feed(all.left(cut), true);
    out.feed(all.mid(cut), true);
    out.finish();
    QCOMPARE(out.pgid(), 31337);
    QCOMPARE(out.err(), QByteArray("err line\n"));
    QCOMPARE(sink.lines.size(), 1);
    QCOMPARE(sink.lines[0].second, QByteArray("err line"));
}

void TestExecOutput::markerOnStdoutWithAPty()
{
    Sink sink;
    ExecOutput out({true, true, true, sink.fn()});
    out.feed("aio-pid:77\r\nprompt$ ", false);
    QCOMPARE(out.pgid(), 77);
    out.feed("done\r\n", false);
    QCOMPARE(out.out(), QByteArray("prompt$ done\r\n"));
    QCOMPARE(sink.lines.size(), 1);
    QCOMPARE(sink.lines[0].second, QByteArray("prompt$ done"));
}

void TestExecOutput::firstLineThatIsNoMarkerIsOutput()
{
    Sink sink;
    ExecOutput out({false, true, true, sink.fn()});
    out.feed("sh: 1: not found\n", true);
    QVERIFY(!out.markerPending());
    QCOMPARE(out.pgid(), 0);
    QCOMPARE(out.err(), QByteArray("sh: 1: not found\n"));
    // A marker-looking line with no number is not ours either.
    ExecOutput bad({false, true, true, {}});
    bad.feed("aio-pid:abc\n", true);
    QCOMPARE(bad.pgid(), 0);
    QCOMPARE(bad.err(), QByteArray("aio-pid:abc\n"));
}

void TestExecOutput::longFirstLineWithoutNewlineIsOutput()
{
    ExecOutput out({false, true, true, {}});
    const QByteArray junk(ExecOutput::kMaxMarkerBytes + 10, 'x');
    out.feed(junk, true);
    QVERIFY(!out.markerPending());
    QCOMPARE(out.err(), junk);
}

void TestExecOutput::markerThatNeverEndsIsOutputAtFinish()
{
    Sink sink;
    ExecOutput out({false, true, true, sink.fn()});
    out.feed("aio-p", true);
    QVERIFY(out.markerPending());
    out.finish();
    QCOMPARE(out.err(), QByteArray("aio-p"));
    QCOMPARE(sink.lines.size(), 1);
    QCOMPARE(sink.lines[0], qMakePair(OutputChannel::Stderr, QByteArray("aio-p")));
}

void TestExecOutput::linesSplitAcrossFeedsAndCrLf()
{
    Sink sink;
    ExecOutput out({false, false, true, sink.fn()});
    out.feed("one\r", false);
    out.feed("\ntw", false);
    out.feed("o\nthree\n\n", false);
    QCOMPARE(sink.lines.size(), 4);
    QCOMPARE(sink.lines[0].second, QByteArray("one"));
    QCOMPARE(sink.lines[1].second, QByteArray("two"));
    QCOMPARE(sink.lines[2].second, QByteArray("three"));
    QCOMPARE(sink.lines[3].second, QByteArray());
    QCOMPARE(out.out(), QByteArray("one\r\ntwo\nthree\n\n"));
}

void TestExecOutput::finishHandsOverTheLastUnfinishedLines()
{
    Sink sink;
    ExecOutput out({false, false, true, sink.fn()});
    out.feed("partial out", false);
    out.feed("partial err", true);
    QVERIFY(sink.lines.isEmpty());
    out.finish();
    QCOMPARE(sink.lines.size(), 2);
    QCOMPARE(sink.lines[0], qMakePair(OutputChannel::Stdout, QByteArray("partial out")));
    QCOMPARE(sink.lines[1], qMakePair(OutputChannel::Stderr, QByteArray("partial err")));
}

void TestExecOutput::endlessStreamsKeepOnlyTheStderrTail()
{
    Sink sink;
    ExecOutput out({false, false, false, sink.fn()});
    const QByteArray line(1000, 'e');
    for (int i = 0; i < 200; ++i) {
        out.feed(line + '\n', true);
        out.feed("o\n", false);
    }
    QVERIFY(out.out().isEmpty());
    QCOMPARE(out.err().size(), ExecOutput::kKeptStderrTail);
    QVERIFY(out.err().endsWith(line + '\n'));
    QCOMPARE(sink.lines.size(), 400); // the sink still sees every line
}

void TestExecOutput::withoutMarkerNothingIsHeldBack()
{
    Sink sink;
    ExecOutput out({false, false, true, sink.fn()});
    QVERIFY(!out.markerPending());
    out.feed("aio-pid:5\n", true);
    QCOMPARE(out.pgid(), 0);
    QCOMPARE(sink.lines.size(), 1);
}

void TestExecOutput::stdoutInChunksEndsEachPieceAtALineEnd()
{
    // Every byte once, in order, each piece ending at a '\n' (the last at finish() may not);
    // stderr is still a line a call.
    Sink sink;
    ExecOutput out({false, false, false, sink.fn(), true});
    out.feed("one\ntw", false);
    out.feed("o\nthr", false);
    out.feed("ee", false);
    out.feed("\nfour\nfive\n", false);
    out.feed("err a\nerr b\n", true);
    out.feed("tail", false);
    out.finish();
    QByteArray stdoutBytes;
    QList<QByteArray> err;
    for (const auto& [channel, piece] : sink.lines) {
        if (channel == OutputChannel::Stderr) {
            err << piece;
            continue;
        }
        stdoutBytes += piece;
        if (piece != "tail")
            QVERIFY2(piece.endsWith('\n'), piece.constData());
    }
    QCOMPARE(stdoutBytes, QByteArray("one\ntwo\nthree\nfour\nfive\ntail"));
    QCOMPARE(err, (QList<QByteArray>{"err a", "err b"}));
    QCOMPARE(sink.lines.first().second, QByteArray("one\n")); // no line waits for the next piece
}

QTEST_GUILESS_MAIN(TestExecOutput)
#include "TestExecOutput.moc"
