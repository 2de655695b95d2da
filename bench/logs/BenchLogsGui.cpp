// The Logs tab's smoothness while it follows a fast log. A LogsPage (offscreen, 1280x800, follow
// on, the histogram shown) reads a local file through the real file reader (/bin/sh through the
// tests' LocalShellHost, the same script that runs on a VM) while a writer thread appends 120-byte
// nginx access lines at a set rate. A timer on the GUI thread ticks every 4 ms and records how late
// each tick comes: a late tick is the event loop stalled by our work (applying updates, painting,
// counting the histogram). The reference is the same page and timer with no lines coming, in the
// same run. Prints the stalls (p50, p99, max), the rate the rows reached the view, and the ratio
// of the p99 stall to the 16 ms budget.
//
//   bench_logs_gui [--rate 200000] [--seconds 10]

#include "common/LocalShellHost.h"
#include "ui/logs/LogTableModel.h"
#include "ui/logs/LogsPage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLocale>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

using namespace aio;

namespace {

constexpr int kTickMs = 4;

struct Stalls
{
    double p50 = 0, p99 = 0, max = 0;
    size_t ticks = 0;
};

// Runs the event loop for `ms` with a 4 ms timer; returns how late its ticks came.
Stalls measure(int ms, const std::function<bool()>& doneEarly = {})
{
    std::vector<double> late;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(kTickMs);
    QEventLoop loop;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 now = clock.nsecsElapsed();
        late.push_back(std::max(0.0, double(now - last) / 1e6 - kTickMs));
        last = now;
        if (clock.elapsed() >= ms || (doneEarly && doneEarly()))
            loop.quit();
    });
    tick.start();
    loop.exec();
    Stalls s;
    s.ticks = late.size();
    if (late.empty())
        return s;
    std::sort(late.begin(), late.end());
    s.p50 = late[late.size() / 2];
    s.p99 = late[std::min(late.size() - 1, late.size() * 99 / 100)];
    s.max = late.back();
    return s;
}

QByteArray accessLine(qint64 ms, qint64 n)
{
    // 120 bytes with the newline, as bench_logs writes them.
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    QByteArray line = "198.18.0." + QByteArray::number(n % 250 + 1) + " - - ["
        + QLocale::c().toString(t, QStringLiteral("dd/MMM/yyyy:HH:mm:ss")).toUtf8() + " +0000] \"GET /v1/file/"
        + QByteArray::number(n % 10000) + " HTTP/1.1\" " + (n % 100 == 0 ? "502" : "200") + " 512 \"-\" \"curl/8\"";
    line = line.leftJustified(119, ' ', true);
    return line + '\n';
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("rate"), QStringLiteral("Lines a second to write."), QStringLiteral("N"),
                      QStringLiteral("200000")});
    parser.addOption(
        {QStringLiteral("seconds"), QStringLiteral("How long to write."), QStringLiteral("S"), QStringLiteral("10")});
    parser.addHelpOption();
    parser.process(app);
    const int rate = std::clamp(parser.value(QStringLiteral("rate")).toInt(), 1000, 2'000'000);
    const int seconds = std::clamp(parser.value(QStringLiteral("seconds")).toInt(), 1, 120);

    QTemporaryDir dir;
    if (!dir.isValid())
        return 1;
    const QString path = dir.filePath(QStringLiteral("access.log"));
    QFile(path).open(QIODevice::WriteOnly);

    Target target;
    target.name = QStringLiteral("bench");
    auto pageOwner = std::make_unique<ui::LogsPage>(target, nullptr);
    ui::LogsPage& page = *pageOwner;
    page.resize(1280, 800);
    LogSession::Options options;
    options.start.tailLines = 0;
    page.setSessionOptions(options);
    page.setOpener([root = dir.path(), path](const CancelToken&) -> Result<ui::LogsPage::Opened> {
        Result<LogSourceSpec> spec = LogSourceSpec::file(QStringLiteral("proxy"), path, LogFormat::NginxAccess, false);
        if (!spec)
            return spec.error();
        return ui::LogsPage::Opened{std::make_shared<test::LocalShellHost>(root), {*spec}};
    });
    bool opened = false;
    QObject::connect(&page, &ui::LogsPage::opened, [&opened] { opened = true; });
    page.show();
    measure(10'000, [&] { return opened; });
    if (!opened) {
        std::fprintf(stderr, "the page did not open\n");
        return 1;
    }
    measure(500); // the reader starts
    const Stalls idle = measure(3000);

    // The writer: every 10 ms, the lines due by then, flushed.
    std::atomic<qint64> written{0};
    std::atomic<bool> writing{true};
    std::thread writer([&] {
        QFile f(path);
        if (!f.open(QIODevice::Append))
            return;
        const auto start = std::chrono::steady_clock::now();
        const qint64 total = qint64(rate) * seconds;
        qint64 n = 0;
        QByteArray batch;
        while (n < total) {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const qint64 due = std::min(total, qint64(elapsed * rate));
            batch.clear();
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (; n < due; ++n)
                batch += accessLine(now, n);
            f.write(batch);
            f.flush();
            written = n;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        writing = false;
    });
    QElapsedTimer timer;
    timer.start();
    const Stalls busy = measure(seconds * 1000);
    writer.join();
    const qint64 total = written.load();
    // Lines that reached the session: those in memory, those the budget moved to disk (oldest
    // first) and any it let go for good.
    auto arrived = [&page] {
        const LogSession::Counts c = page.session()->counts(0);
        return c.lines + c.dropped + c.onDisk + c.loaded;
    };
    const qint64 atStop = arrived();
    measure(20'000, [&] { return arrived() >= total; });
    const double caughtUp = double(timer.elapsed()) / 1000.0;
    const qint64 rows = arrived();

    std::printf("lines written: %lld at %d lines/s for %d s (120 bytes each)\n", static_cast<long long>(total), rate,
                seconds);
    std::printf("lines read when the writer stopped: %lld; after catching up: %lld in %.2f s (%.0f lines/s); "
                "rows shown: %d (the rest went to disk: 256 MB memory budget)\n",
                static_cast<long long>(atStop), static_cast<long long>(rows), caughtUp, double(rows) / caughtUp,
                page.model()->rowCount());
    std::printf("%-34s %8s %8s %8s %8s\n", "event loop stall (ms), 4 ms ticks", "ticks", "p50", "p99", "max");
    std::printf("%-34s %8zu %8.2f %8.2f %8.2f\n", "idle page (reference)", idle.ticks, idle.p50, idle.p99, idle.max);
    std::printf("%-34s %8zu %8.2f %8.2f %8.2f\n", "following", busy.ticks, busy.p50, busy.p99, busy.max);
    std::printf("p99 / 16 ms budget: %.2f; max / 16 ms: %.2f\n", busy.p99 / 16.0, busy.max / 16.0);
    // Closing the page stops its session: the reader it started ends before this process does.
    pageOwner.reset();
    LogSession::waitForStopped(10'000);
    return rows >= total ? 0 : 2;
}
