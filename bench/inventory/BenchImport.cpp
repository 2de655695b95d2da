// Importing a large ~/.ssh/config, measured against the same import of a tenth of its size in the
// same run: the real command (`aio-sandbox-manager targets import ssh-config`) on generated
// configs whose hosts are spread over Include files, as teams keep them. Linear work means
// 10x the hosts costs about 10x the time (the target: at most 12x); the inventory file written
// once per target made it quadratic (5,000 hosts took 194 s against 2.6 s for 500).
//   bench_import [--small 500] [--large 5000] [--runs 3]
// Prints a Markdown table for docs/benchmarks.md. No network traffic: the host addresses are
// only text (198.18.0.0/15).

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

namespace {

const char* const kBinary = AIO_BINARY_DIR "/app/aio-sandbox-manager";

// An ssh_config with `hosts` Host entries in 10 Include files (conf.d/team-N.conf).
bool writeConfig(const QString& dir, int hosts)
{
    QDir().mkpath(dir + QStringLiteral("/conf.d"));
    QFile main(dir + QStringLiteral("/config"));
    if (!main.open(QIODevice::WriteOnly))
        return false;
    main.write("Host *\n    ServerAliveInterval 30\n\nInclude " + (dir + QStringLiteral("/conf.d/*.conf")).toUtf8()
               + "\n");
    const int files = 10;
    for (int f = 0; f < files; ++f) {
        QFile part(dir + QStringLiteral("/conf.d/team-%1.conf").arg(f));
        if (!part.open(QIODevice::WriteOnly))
            return false;
        QByteArray text;
        for (int i = f; i < hosts; i += files) {
            text += QStringLiteral("Host sbx-%1\n    HostName 198.%2.%3.%4\n    User deploy\n    Port 22\n\n")
                        .arg(i, 5, 10, QLatin1Char('0'))
                        .arg(18 + (i >> 16) % 2)
                        .arg((i >> 8) & 0xff)
                        .arg(i & 0xff)
                        .toUtf8();
        }
        part.write(text);
    }
    return true;
}

// Seconds for one import into a fresh profile; -1 on failure. *imported: the targets listed after.
double importOnce(const QString& config, int* imported)
{
    QTemporaryDir profile;
    QProcess p;
    QElapsedTimer timer;
    timer.start();
    p.start(QString::fromLatin1(kBinary),
            {QStringLiteral("--profile"), profile.path(), QStringLiteral("targets"), QStringLiteral("import"),
             QStringLiteral("ssh-config"), config});
    if (!p.waitForFinished(600'000) || p.exitCode() != 0) {
        std::fprintf(stderr, "import failed: %s\n", p.readAllStandardError().constData());
        return -1;
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    QProcess list;
    list.start(QString::fromLatin1(kBinary),
               {QStringLiteral("--profile"), profile.path(), QStringLiteral("targets"), QStringLiteral("list"),
                QStringLiteral("--json")});
    list.waitForFinished(120'000);
    *imported = int(QJsonDocument::fromJson(list.readAllStandardOutput()).array().size());
    return seconds;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? -1 : v.at(v.size() / 2);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("small"), QStringLiteral("hosts in the reference import"), QStringLiteral("n"),
                      QStringLiteral("500")});
    parser.addOption({QStringLiteral("large"), QStringLiteral("hosts in the large import"), QStringLiteral("n"),
                      QStringLiteral("5000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("runs of each (the median counts)"), QStringLiteral("n"),
                      QStringLiteral("3")});
    parser.process(app);
    const int small = std::clamp(parser.value(QStringLiteral("small")).toInt(), 10, 100'000);
    const int large = std::clamp(parser.value(QStringLiteral("large")).toInt(), small, 100'000);
    const int runs = std::clamp(parser.value(QStringLiteral("runs")).toInt(), 1, 10);
    if (!QFile::exists(QString::fromLatin1(kBinary))) {
        std::fprintf(stderr, "build the app first: %s\n", kBinary);
        return 2;
    }
    QTemporaryDir work;
    const QString smallDir = work.filePath(QStringLiteral("small"));
    const QString largeDir = work.filePath(QStringLiteral("large"));
    if (!writeConfig(smallDir, small) || !writeConfig(largeDir, large)) {
        std::fprintf(stderr, "cannot write the configs\n");
        return 2;
    }
    QList<double> smallTimes;
    QList<double> largeTimes;
    int smallCount = 0;
    int largeCount = 0;
    for (int r = 0; r < runs; ++r) { // interleaved, so drift hits both alike
        smallTimes << importOnce(smallDir + QStringLiteral("/config"), &smallCount);
        largeTimes << importOnce(largeDir + QStringLiteral("/config"), &largeCount);
    }
    const double s = median(smallTimes);
    const double l = median(largeTimes);
    if (s <= 0 || l <= 0 || smallCount != small || largeCount != large) {
        std::fprintf(stderr, "a run failed (imported %d of %d, %d of %d)\n", smallCount, small, largeCount, large);
        return 1;
    }
    const double ratio = l / s;
    std::printf("%s, %d runs each (median), 10 Include files, a fresh profile per run\n\n",
                qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)), runs);
    std::printf("| hosts | seconds | targets imported |\n|---|---|---|\n");
    std::printf("| %d | %.2f | %d |\n| %d | %.2f | %d |\n\n", small, s, smallCount, large, l, largeCount);
    std::printf("ratio %d / %d hosts: %.1fx (target: at most %.0fx; linear would be %.0fx) — %s\n", large, small, ratio,
                1.2 * large / small, double(large) / small, ratio <= 1.2 * large / small ? "met" : "NOT met");
    return 0;
}
