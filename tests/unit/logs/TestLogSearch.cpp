// Search over a log buffer: plain text with and without case, regular expressions (never across
// two lines), highlighting ranges, a bad regex's message, ranges of lines, and cancelling. Each
// mode is checked against a line-by-line QString/QRegularExpression reference.

#include "core/logs/LogSearch.h"

#include <QRegularExpression>
#include <QTest>

using namespace aio;

class TestLogSearch : public QObject
{
    Q_OBJECT

private slots:
    void agreesWithALineByLineReference_data();
    void agreesWithALineByLineReference();
    void neverMatchesAcrossLines();
    void rangesForHighlighting();
    void aBadRegexSaysWhere();
    void searchesARangeAndStopsWhenCancelled();
};

static LogBuffer& sampleBuffer()
{
    static LogBuffer b;
    static bool filled = false;
    if (!filled) {
        filled = true;
        const char* words[] = {"GET", "post", "Error", "ERROR", "error:", "Ünïcode", "warn", "timeout", "x"};
        for (int i = 0; i < 30'000; ++i) {
            QByteArray l = QByteArray::number(i) + ' ' + words[i % 9] + ' ' + words[(i / 9) % 9] + " /v1/path?"
                + QByteArray::number(i % 97);
            if (i % 1000 == 0)
                l += " \xff\xfe invalid utf-8";
            b.appendLine(l, 1);
        }
    }
    return b;
}

void TestLogSearch::agreesWithALineByLineReference_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("regex");
    QTest::addColumn<bool>("caseSensitive");
    QTest::newRow("plain, case") << QStringLiteral("Error") << false << true;
    QTest::newRow("plain, any case") << QStringLiteral("error") << false << false;
    QTest::newRow("plain, unicode any case") << QStringLiteral("üNÏCODE") << false << false;
    QTest::newRow("plain with regex characters") << QStringLiteral("?1") << false << true;
    QTest::newRow("regex") << QStringLiteral("^1\\d*7 (GET|post)") << true << true;
    QTest::newRow("regex any case") << QStringLiteral("error:? timeout") << true << false;
    QTest::newRow("regex anchored end") << QStringLiteral("path\\?9$") << true << true;
    QTest::newRow("no match") << QStringLiteral("nothing like this") << false << false;
}

void TestLogSearch::agreesWithALineByLineReference()
{
    QFETCH(QString, text);
    QFETCH(bool, regex);
    QFETCH(bool, caseSensitive);
    const LogSnapshot s = sampleBuffer().snapshot();
    Result<LogMatcher> m
        = LogMatcher::compile(LogQuery{text, regex ? LogQuery::Mode::Regex : LogQuery::Mode::Plain, caseSensitive});
    QVERIFY(m.ok());
    const LogMatcher::Found found = m->search(s, s.firstLine(), s.endLine());
    QVERIFY(!found.cancelled);
    QCOMPARE(found.scanned, s.size());

    std::vector<qint64> expected;
    const QRegularExpression re(regex ? text : QRegularExpression::escape(text),
                                caseSensitive ? QRegularExpression::NoPatternOption
                                              : QRegularExpression::CaseInsensitiveOption);
    for (qint64 i = s.firstLine(); i < s.endLine(); ++i)
        if (re.match(QString::fromUtf8(s.line(i))).hasMatch())
            expected.push_back(i);
    QCOMPARE(found.lines.size(), expected.size());
    QVERIFY(found.lines == expected);
    for (qint64 i : expected)
        QVERIFY(m->matches(s.line(i)));
}

void TestLogSearch::neverMatchesAcrossLines()
{
    LogBuffer b;
    b.appendBytes("alpha\nbeta\nalpha beta\n", 1);
    const LogSnapshot s = b.snapshot();
    Result<LogMatcher> re = LogMatcher::compile({QStringLiteral("alpha\\s+beta"), LogQuery::Mode::Regex, true});
    QVERIFY(re.ok());
    QVERIFY(re->search(s, 0, 3).lines == std::vector<qint64>{2});
    Result<LogMatcher> plain = LogMatcher::compile({QStringLiteral("alpha\nbeta"), LogQuery::Mode::Plain, true});
    QVERIFY(plain.ok());
    QVERIFY(plain->search(s, 0, 3).lines.empty());
    // An empty query is every line.
    Result<LogMatcher> all = LogMatcher::compile({});
    QVERIFY(all.ok());
    QCOMPARE(all->search(s, 0, 3).lines.size(), size_t(3));
}

void TestLogSearch::rangesForHighlighting()
{
    Result<LogMatcher> m = LogMatcher::compile({QStringLiteral("ab"), LogQuery::Mode::Plain, false});
    QVERIFY(m.ok());
    const auto r = m->ranges("xAByab ab");
    QCOMPARE(r.size(), size_t(3));
    QCOMPARE(r[0], std::make_pair(qsizetype(1), qsizetype(3)));
    QCOMPARE(r[2], std::make_pair(qsizetype(7), qsizetype(9)));
    Result<LogMatcher> empty = LogMatcher::compile({QStringLiteral("x*"), LogQuery::Mode::Regex, true});
    QVERIFY(empty.ok());
    QVERIFY(empty->ranges("abc", 10).size() <= 10); // empty matches move on and end
}

void TestLogSearch::aBadRegexSaysWhere()
{
    const Result<LogMatcher> m = LogMatcher::compile({QStringLiteral("ab(c"), LogQuery::Mode::Regex, true});
    QVERIFY(!m.ok());
    QCOMPARE(m.error().kind, ErrorKind::InvalidInput);
    QVERIFY2(m.error().message.contains(QStringLiteral("character 5")), qPrintable(m.error().message));
    // The same text as plain text is fine.
    QVERIFY(LogMatcher::compile({QStringLiteral("ab(c"), LogQuery::Mode::Plain, false}).ok());
}

void TestLogSearch::searchesARangeAndStopsWhenCancelled()
{
    const LogSnapshot s = sampleBuffer().snapshot();
    Result<LogMatcher> m = LogMatcher::compile({QStringLiteral("x"), LogQuery::Mode::Plain, true});
    QVERIFY(m.ok());
    const LogMatcher::Found part = m->search(s, 100, 200);
    QCOMPARE(part.scanned, 100);
    for (qint64 l : part.lines)
        QVERIFY(l >= 100 && l < 200);
    QVERIFY(!part.lines.empty());

    CancelToken cancel;
    qint64 calls = 0;
    const LogMatcher::Found stopped = m->search(s, s.firstLine(), s.endLine(), cancel, [&](qint64 done, qint64 total) {
        ++calls;
        QVERIFY(done <= total);
        cancel.cancel();
    });
    QVERIFY(stopped.cancelled);
    QCOMPARE(calls, 1);
    QVERIFY(stopped.scanned < s.size());
}

QTEST_APPLESS_MAIN(TestLogSearch)
#include "TestLogSearch.moc"
