// The log buffer against the targets, with lnav (the strongest log viewer, Debian's
// package) measured on the same file in the same run:
//   ingest   — 120-byte nginx access lines from a local file into LogBuffer (split, parsed for
//              time, status and level, indexed), as plain lines and as access lines; lnav
//              indexing the same file headless (`lnav -n -c :quit FILE`);
//   memory   — what 1,000,000 retained 120-byte lines cost, against their raw size;
//   search   — plain (with and without case) and regex over 1,000,000 lines.
// Run by hand (not a CTest test): bench_logs [--lines N] [--no-lnav] [--dir DIR]

#include "core/logs/LogBuffer.h"
#include "core/logs/LogSearch.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace aio;

namespace {

// 119 bytes and a newline: an access line as nginx writes it, padded in the user agent.
QByteArray accessLine(qint64 i)
{
    QByteArray l = QByteArray("198.18.0.") + QByteArray::number(i % 250)
        + " - - [03/Dec/2026:" + QByteArray::number(10 + (i / 3600) % 14) + ':' + QByteArray::number(10 + (i / 60) % 50)
        + ':' + QByteArray::number(10 + i % 50) + " +0000] \"GET /v1/file/" + QByteArray::number(i % 100'000)
        + " HTTP/1.1\" " + (i % 50 == 0 ? "502" : (i % 7 == 0 ? "404" : "200")) + ' ' + QByteArray::number(i % 9999)
        + " \"-\" \"curl/7.88 ";
    l += QByteArray(std::max<qsizetype>(0, 118 - l.size()), 'a');
    l += '"';
    return l.left(119);
}

qint64 rssBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> v = f.readAll().split(' ');
    return v.value(1).toLongLong() * 4096;
}

double ingest(const QString& path, LogFormat format, qint64* lines)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    LogBuffer::Options o;
    o.format = format;
    o.budgetBytes = 1LL << 40; // keep everything: this measures the ingest, not eviction
    LogBuffer b(o);
    QByteArray block(1 << 20, Qt::Uninitialized);
    QElapsedTimer t;
    t.start();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (;;) {
        const qint64 n = f.read(block.data(), block.size());
        if (n <= 0)
            break;
        b.appendBytes(QByteArrayView(block.constData(), n), now);
    }
    b.flushPartial(now);
    const double seconds = double(t.nsecsElapsed()) / 1e9;
    *lines = b.endLine();
    return double(*lines) / seconds;
}

template <typename F>
double medianMs(int runs, F&& f)
{
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    qint64 lines = 2'000'000;
    bool runLnav = true;
    QString dirPath;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--lines") && i + 1 < args.size())
            lines = std::clamp<qint64>(args[++i].toLongLong(), 1000, 50'000'000);
        else if (args[i] == QLatin1String("--no-lnav"))
            runLnav = false;
        else if (args[i] == QLatin1String("--dir") && i + 1 < args.size())
            dirPath = args[++i];
    }
    QTemporaryDir tmp(dirPath.isEmpty() ? QDir::tempPath() + QStringLiteral("/bench-logs-XXXXXX")
                                        : dirPath + QStringLiteral("/bench-logs-XXXXXX"));
    const QString file = tmp.filePath(QStringLiteral("access.log"));
    {
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(file));
            return 2;
        }
        QByteArray block;
        for (qint64 i = 0; i < lines; ++i) {
            block += accessLine(i);
            block += '\n';
            if (block.size() > (1 << 20)) {
                f.write(block);
                block.clear();
            }
        }
        f.write(block);
    }
    std::printf("file: %lld lines of 120 bytes (%.0f MB)\n", static_cast<long long>(lines), double(lines) * 120 / 1e6);

    // Memory and search first, on a fresh heap: 1,000,000 retained lines.
    const qint64 retained = std::min<qint64>(lines, 1'000'000);
    const qint64 rssBefore = rssBytes();
    LogBuffer::Options o;
    o.format = LogFormat::NginxAccess;
    LogBuffer b(o);
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return 2;
        qint64 left = retained * 120;
        QByteArray block(1 << 20, Qt::Uninitialized);
        while (left > 0) {
            const qint64 n = f.read(block.data(), std::min<qint64>(block.size(), left));
            if (n <= 0)
                break;
            b.appendBytes(QByteArrayView(block.constData(), n), 1);
            left -= n;
        }
    }
    const double raw = double(retained) * 120;
    std::printf("memory, %lld lines: buffer %.1f MB = %.3fx raw; process RSS grew %.1f MB = %.3fx raw (target 1.3x)\n",
                static_cast<long long>(b.endLine()), double(b.memoryBytes()) / 1e6, double(b.memoryBytes()) / raw,
                double(rssBytes() - rssBefore) / 1e6, double(rssBytes() - rssBefore) / raw);

    const LogSnapshot s = b.snapshot();
    struct Case
    {
        const char* name;
        LogQuery query;
        double targetMs;
    };
    const Case cases[] = {
        {"plain, case-sensitive \"/v1/file/4242 \"",
         {QStringLiteral("/v1/file/4242 "), LogQuery::Mode::Plain, true},
         100},
        {"plain, any case \"get /V1/FILE/4242 \"",
         {QStringLiteral("get /V1/FILE/4242 "), LogQuery::Mode::Plain, false},
         100},
        {"regex \"\\\" 50[0-9] \\d+ \"", {QStringLiteral("\" 50[0-9] \\d+ "), LogQuery::Mode::Regex, true}, 500},
        {"regex \"^198\\.18\\.0\\.(7|42) .*GET /v1/file/9\\d{3} \"",
         {QStringLiteral("^198\\.18\\.0\\.(7|42) .*GET /v1/file/9\\d{3} "), LogQuery::Mode::Regex, true},
         500},
    };
    for (const Case& c : cases) {
        Result<LogMatcher> m = LogMatcher::compile(c.query);
        if (!m.ok()) {
            std::printf("%s: %s\n", c.name, qPrintable(m.error().message));
            continue;
        }
        size_t hits = 0;
        const double ms = medianMs(5, [&] { hits = m->search(s, s.firstLine(), s.endLine()).lines.size(); });
        std::printf("search %s over %lld lines: %.1f ms (median of 5), %zu matching lines (target < %.0f ms)\n", c.name,
                    static_cast<long long>(s.size()), ms, hits, c.targetMs);
    }
    // Ingest: best of three (the first run also warms the page cache for lnav).
    double plainRate = 0;
    double accessRate = 0;
    qint64 got = 0;
    for (int i = 0; i < 3; ++i) {
        plainRate = std::max(plainRate, ingest(file, LogFormat::Plain, &got));
        accessRate = std::max(accessRate, ingest(file, LogFormat::NginxAccess, &got));
    }
    if (got != lines)
        std::printf("ERROR: the buffer holds %lld lines, not %lld\n", static_cast<long long>(got),
                    static_cast<long long>(lines));
    std::printf("ingest, plain lines:   %.2f M lines/s (target 2.0)\n", plainRate / 1e6);
    std::printf("ingest, access lines:  %.2f M lines/s (target 2.0; time, status and level parsed)\n",
                accessRate / 1e6);
    if (runLnav) {
        const QString lnav = QStandardPaths::findExecutable(QStringLiteral("lnav"));
        if (lnav.isEmpty()) {
            std::printf("lnav: not installed (apt-get install lnav), no reference\n");
        } else {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("HOME"), tmp.path()); // lnav keeps its state under HOME
            env.insert(QStringLiteral("TERM"), QStringLiteral("dumb"));
            p.setProcessEnvironment(env);
            QElapsedTimer t;
            t.start();
            p.start(lnav, {QStringLiteral("-n"), QStringLiteral("-c"), QStringLiteral(":quit"), file});
            const bool finished = p.waitForFinished(600'000);
            const double seconds = double(t.nsecsElapsed()) / 1e9;
            if (!finished || p.exitCode() != 0) {
                p.kill();
                std::printf("lnav: failed (%s)\n", p.readAll().left(300).constData());
            } else {
                const double lnavRate = double(lines) / seconds;
                std::printf("lnav -n (index and quit): %.2f M lines/s; ours (access lines) = %.1fx lnav (target 2x)\n",
                            lnavRate / 1e6, accessRate / lnavRate);
            }
        }
    }

    return 0;
}
