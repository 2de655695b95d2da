// The merged, filtered rows a log view shows: order across sources, late lines merged into the
// tail, filters, search flags and counts, eviction, and that a copy following the deltas always
// equals the index.

#include "core/logs/LogViewIndex.h"

#include <QRandomGenerator>
#include <QTest>

using namespace aio;

namespace {

constexpr qint64 kBase = 1'764'736'000'000; // 2025-12-03T04:26:40Z

QByteArray isoLine(qint64 ms, const QByteArray& text)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return t.toString(Qt::ISODateWithMs).toUtf8() + ' ' + text;
}

QByteArray accessLine(qint64 ms, const char* client, int status, const char* path = "/v1/ping")
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return QByteArray(client) + " - - [" + QLocale::c().toString(t, QStringLiteral("dd/MMM/yyyy:HH:mm:ss")).toUtf8()
        + " +0000] \"GET " + path + " HTTP/1.1\" " + QByteArray::number(status) + " 12 \"-\" \"curl/8\"";
}

std::vector<LogSnapshot> snaps(const std::vector<LogBuffer*>& buffers)
{
    std::vector<LogSnapshot> out;
    for (LogBuffer* b : buffers)
        out.push_back(b->snapshot());
    return out;
}

QList<QByteArray> texts(const LogViewIndex& index, const std::vector<LogSnapshot>& s)
{
    QList<QByteArray> out;
    for (const LogRow& r : index.rows())
        out << s[size_t(r.source())].line(r.line()).toByteArray();
    return out;
}

std::shared_ptr<const LogMatcher> matcher(const QString& text, LogQuery::Mode mode = LogQuery::Mode::Plain)
{
    Result<LogMatcher> m = LogMatcher::compile(LogQuery{text, mode, false});
    return m ? std::make_shared<const LogMatcher>(std::move(*m)) : nullptr;
}

} // namespace

class TestLogViewIndex : public QObject
{
    Q_OBJECT

private slots:
    void mergesSourcesByTime()
    {
        LogBuffer app({.format = LogFormat::Application});
        LogBuffer access({.format = LogFormat::NginxAccess});
        app.appendLine(isoLine(kBase + 1000, "INFO one"), 0);
        app.appendLine(isoLine(kBase + 3000, "ERROR three"), 0);
        access.appendLine(accessLine(kBase + 2000, "198.18.0.1", 200), 0);
        access.appendLine(accessLine(kBase + 4000, "198.18.0.2", 502), 0);
        LogViewIndex index({LogFormat::Application, LogFormat::NginxAccess});
        const auto s = snaps({&app, &access});
        const LogViewDelta d = index.update(s);
        QVERIFY(d.reset);
        QCOMPARE(qsizetype(d.tail.size()), 4);
        QList<qint64> times;
        for (const LogRow& r : index.rows())
            times << r.timeMs;
        QCOMPARE(times, (QList<qint64>{kBase + 1000, kBase + 2000, kBase + 3000, kBase + 4000}));
        QCOMPARE(index.rows()[1].source(), 1);
        QCOMPARE(index.rows()[2].level(), LogLevel::Error);
        QCOMPARE(index.rows()[3].level(), LogLevel::Error); // a 502
    }

    void lateLinesAreMergedIntoTheTail()
    {
        LogBuffer a({.format = LogFormat::Application});
        LogBuffer b({.format = LogFormat::Application});
        for (int i = 0; i < 10; ++i)
            a.appendLine(isoLine(kBase + i * 1000, "a" + QByteArray::number(i)), 0);
        LogViewIndex index({LogFormat::Application, LogFormat::Application});
        std::deque<LogRow> copy;
        index.update(snaps({&a, &b})).applyTo(copy);
        // b lags: its line at 7.5 s comes after a's line at 9 s.
        b.appendLine(isoLine(kBase + 7500, "b late"), 0);
        const LogViewDelta d = index.update(snaps({&a, &b}));
        QVERIFY(!d.reset);
        QCOMPARE(d.dropFront, 0);
        QCOMPARE(d.replaceFrom, 8); // only the rows after 7.5 s move
        QCOMPARE(qsizetype(d.tail.size()), 3);
        d.applyTo(copy);
        QCOMPARE(copy.size(), index.rows().size());
        QCOMPARE(texts(index, snaps({&a, &b}))[8], QByteArray(isoLine(kBase + 7500, "b late")));
        // A line later than all is an append.
        a.appendLine(isoLine(kBase + 20'000, "a last"), 0);
        const LogViewDelta e = index.update(snaps({&a, &b}));
        QCOMPARE(e.replaceFrom, 11);
        QCOMPARE(qsizetype(e.tail.size()), 1);
    }

    void filtersByLevelStatusClientTimeAndSource()
    {
        LogBuffer app({.format = LogFormat::Application});
        LogBuffer access({.format = LogFormat::NginxAccess});
        app.appendLine(isoLine(kBase + 1000, "INFO fine"), 0);
        app.appendLine(isoLine(kBase + 2000, "WARN careful"), 0);
        app.appendLine(isoLine(kBase + 3000, "ERROR broken"), 0);
        access.appendLine(accessLine(kBase + 1500, "198.18.0.1", 200), 0);
        access.appendLine(accessLine(kBase + 2500, "198.18.0.2", 404), 0);
        access.appendLine(accessLine(kBase + 3500, "198.18.0.1", 503), 0);
        const auto s = snaps({&app, &access});
        LogViewIndex index({LogFormat::Application, LogFormat::NginxAccess});
        auto count = [&](const LogViewFilter& f) {
            index.setFilter(f);
            return qsizetype(index.update(s).tail.size());
        };
        QCOMPARE(count({}), 6);
        LogViewFilter f;
        f.minLevel = LogLevel::Warning;
        QCOMPARE(count(f), 4); // WARN, ERROR, 404, 503
        f = {};
        f.statusClasses = LogViewFilter::statusClassBit(500);
        QCOMPARE(count(f), 1);
        f.statusClasses = LogViewFilter::statusClassBit(400) | LogViewFilter::statusClassBit(500);
        QCOMPARE(count(f), 2);
        f = {};
        f.client = "198.18.0.1";
        QCOMPARE(count(f), 2);
        f = {};
        f.fromMs = kBase + 2000;
        f.toMs = kBase + 3000; // [from, to)
        QCOMPARE(count(f), 2);
        f = {};
        f.hiddenSources = 1; // the application log
        QCOMPARE(count(f), 3);
        f = {};
        f.onlyMatching = matcher(QStringLiteral("CAREFUL|broken"), LogQuery::Mode::Regex);
        QCOMPARE(count(f), 2);
    }

    void searchFlagsAndCountsMatches()
    {
        LogBuffer a({.format = LogFormat::Plain});
        for (int i = 0; i < 100; ++i)
            a.appendLine(QByteArray("line ") + QByteArray::number(i), kBase + i);
        LogViewIndex index({LogFormat::Plain});
        index.setSearch(matcher(QStringLiteral("line 1")));
        LogViewDelta d = index.update(snaps({&a}));
        QCOMPARE(d.matchCount, 11); // 1, 10-19
        QCOMPARE(qsizetype(d.tail.size()), 100); // flagged, not filtered
        QVERIFY(index.rows()[1].matches());
        QVERIFY(!index.rows()[2].matches());
        a.appendLine("line 100", kBase + 100);
        a.appendLine("other", kBase + 101);
        d = index.update(snaps({&a}));
        QCOMPARE(d.matchCount, 12);
        index.setSearch(nullptr);
        QCOMPARE(index.update(snaps({&a})).matchCount, 0);
    }

    void evictedRowsLeaveFromTheFront()
    {
        LogBuffer::Options o;
        o.budgetBytes = 3 * LogBuffer::kChunkBytes;
        LogBuffer a(o);
        LogViewIndex index({LogFormat::Plain});
        std::deque<LogRow> copy;
        const QByteArray filler(100, 'x');
        qint64 t = kBase;
        for (int round = 0; round < 20; ++round) {
            for (int i = 0; i < 5000; ++i)
                a.appendLine(filler, ++t);
            const auto s = snaps({&a});
            const LogViewDelta d = index.update(s);
            d.applyTo(copy);
            QVERIFY(index.rows().front().line() >= s[0].firstLine());
            QCOMPARE(qint64(index.rows().size()), s[0].size());
            QCOMPARE(copy.size(), index.rows().size());
        }
        QVERIFY(a.droppedLines() > 0);
    }

    void aCopyFollowingDeltasEqualsTheIndex()
    {
        // Three sources with jittered times, a filter and a search that change now and then, and
        // a small budget: whatever happens, applying every delta to a copy gives the index's rows.
        QRandomGenerator rng(20261203);
        LogBuffer::Options o;
        o.budgetBytes = 4 * LogBuffer::kChunkBytes;
        o.format = LogFormat::Application;
        LogBuffer b0(o), b1(o), b2(o);
        std::vector<LogBuffer*> buffers{&b0, &b1, &b2};
        LogViewIndex index({LogFormat::Application, LogFormat::Application, LogFormat::Application});
        std::deque<LogRow> copy;
        qint64 clock = kBase;
        const char* levels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
        for (int step = 0; step < 300; ++step) {
            clock += rng.bounded(50);
            for (LogBuffer* b : buffers) {
                const int n = int(rng.bounded(60));
                for (int i = 0; i < n; ++i) {
                    const qint64 t = clock - rng.bounded(2000); // up to 2 s late
                    b->appendLine(isoLine(t,
                                          QByteArray(levels[rng.bounded(4)]) + " message "
                                              + QByteArray::number(rng.bounded(1000))),
                                  0);
                }
            }
            if (step % 37 == 0) {
                LogViewFilter f;
                f.minLevel = step % 2 ? LogLevel::Warning : LogLevel::None;
                f.hiddenSources = step % 3 == 0 ? 2 : 0;
                index.setFilter(f);
            }
            if (step % 53 == 0)
                index.setSearch(matcher(QStringLiteral("message 1")));
            const auto s = snaps(buffers);
            index.update(s).applyTo(copy);
            QCOMPARE(copy.size(), index.rows().size());
            QVERIFY(std::equal(copy.begin(), copy.end(), index.rows().begin(), [](const LogRow& x, const LogRow& y) {
                return x.timeMs == y.timeMs && x.ref == y.ref;
            }));
            QVERIFY(std::is_sorted(index.rows().begin(), index.rows().end(),
                                   [](const LogRow& x, const LogRow& y) { return x.timeMs < y.timeMs; }));
            qint64 flagged = 0;
            for (const LogRow& r : index.rows())
                flagged += r.matches() ? 1 : 0;
            QCOMPARE(index.matchCount(), flagged);
        }
    }

    void timeBinsCountEveryRowByClass()
    {
        LogBuffer app({.format = LogFormat::Application});
        // 3 minutes of lines, one every 2 s, every tenth an error and every seventh a warning.
        for (int i = 0; i < 90; ++i)
            app.appendLine(isoLine(kBase + i * 2000, i % 10 == 0 ? "ERROR x" : (i % 7 == 0 ? "WARN y" : "INFO z")), 0);
        LogViewIndex index({LogFormat::Application});
        index.update(snaps({&app}));
        const LogTimeBins bins = LogTimeBins::count(index.rows(), 20);
        QCOMPARE(bins.binMs, 10'000); // 178 s in at most 20 bars: 10 s each
        QVERIFY(bins.fromMs <= kBase && bins.fromMs % 10'000 == 0);
        int total = 0, errors = 0, warnings = 0;
        for (const LogTimeBins::Bin& b : bins.bins) {
            total += b.total();
            errors += b.errors;
            warnings += b.warnings;
        }
        QCOMPARE(total, 90);
        QCOMPARE(errors, 9);
        QCOMPARE(warnings, 11); // multiples of 7 below 90 that are not multiples of 10: 13 - 2
        QVERIFY(int(bins.bins.size()) <= 20);
        QCOMPARE(LogTimeBins::count({}, 20).bins.size(), size_t(0));
        QCOMPARE(LogTimeBins::roundInterval(86'400'000, 100), 900'000); // a day in 15 min bars
    }

    void aCancelledResetIsReadAgain()
    {
        LogBuffer a({.format = LogFormat::Plain});
        for (int i = 0; i < 1000; ++i)
            a.appendLine("x", kBase + i);
        LogViewIndex index({LogFormat::Plain});
        CancelToken cancel;
        cancel.cancel();
        const LogViewDelta partial = index.update(snaps({&a}), cancel);
        QVERIFY(partial.isEmpty()); // nothing half-read is shown
        QVERIFY(index.rows().empty());
        const LogViewDelta full = index.update(snaps({&a}));
        QVERIFY(full.reset);
        QCOMPARE(qsizetype(full.tail.size()), 1000);
    }
};

QTEST_GUILESS_MAIN(TestLogViewIndex)
#include "TestLogViewIndex.moc"
