// The sidebar with many targets, measured in one run against its references:
//  - start: the app (the real executable, a process of its own) from its launch to its main window
//    shown with N targets in groups, against the same with none (target: at most 1.5x); the time
//    of loading the file and building the window in this process is shown too;
//  - search: each keystroke of a search typed into the sidebar, as the GUI thread spends it (the
//    filter and the view's update), against one frame at 60 Hz, 16 ms (target: never longer).
//   bench_sidebar [--targets 5000] [--runs 5]
// Runs offscreen (QT_QPA_PLATFORM=offscreen unless set). No network.

#include "core/common/Profile.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/InventoryFile.h"
#include "core/inventory/SecretStore.h"
#include "ui/main/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace aio;
using namespace aio::ui;

namespace {

QList<Target> makeTargets(int count)
{
    QList<Target> targets;
    targets.reserve(count);
    for (int i = 0; i < count; ++i) {
        VmSettings vm;
        vm.host
            = HostName::parse(QStringLiteral("198.%1.%2.%3").arg(18 + (i >> 16) % 2).arg((i >> 8) & 0xff).arg(i & 0xff))
                  .value();
        vm.user = i % 3 == 0 ? QStringLiteral("deploy") : QStringLiteral("ops");
        Target t = Target::makeVm(QStringLiteral("team%1-sandbox-%2").arg(i % 40).arg(i, 5, 10, QLatin1Char('0')), vm);
        // As a team keeps them: 40 groups, a third in a subgroup, and a few tags.
        t.group = i % 3 == 0 ? QStringLiteral("team%1/gpu").arg(i % 40) : QStringLiteral("team%1").arg(i % 40);
        t.tags = {i % 2 ? QStringLiteral("eu") : QStringLiteral("us")};
        targets.append(t);
    }
    return targets;
}

struct AppStart
{
    double shown = -1; // the main window on screen
    double listed = -1; // and the sidebar listing every target
};

// Milliseconds from launching the app on profile to its debug log saying the main window is
// shown, and the targets listed (ui/main/GuiMain.cpp); -1 when it did not say so within 30 s.
AppStart appStartMs(const QString& profile)
{
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::MergedChannels); // the log is on stderr; waitForReadyRead sees stdout
    QElapsedTimer t;
    t.start();
    app.start(QStringLiteral(AIO_BINARY_DIR "/app/aio-sandbox-manager"),
              {QStringLiteral("--profile"), profile, QStringLiteral("--debug")});
    QByteArray err;
    AppStart ms;
    while (t.elapsed() < 30'000 && app.state() != QProcess::NotRunning) {
        app.waitForReadyRead(100);
        err += app.readAll();
        if (ms.shown < 0 && err.contains("main window shown"))
            ms.shown = double(t.nsecsElapsed()) / 1e6;
        if (ms.listed < 0 && err.contains("targets listed"))
            ms.listed = double(t.nsecsElapsed()) / 1e6;
        if (ms.shown >= 0 && ms.listed >= 0)
            break;
    }
    app.terminate();
    if (!app.waitForFinished(5'000)) {
        app.kill();
        app.waitForFinished(5'000);
    }
    if (ms.shown < 0 || ms.listed < 0)
        std::fprintf(stderr, "the app did not show its window and targets:\n%s\n", err.constData());
    return ms;
}

// Milliseconds from reading the inventory file to the window shown and its events processed.
double startMs(const QString& profile)
{
    Profile::setDirectory(profile);
    QElapsedTimer t;
    t.start();
    Inventory inventory;
    (void)inventory.load(Inventory::defaultFilePath());
    const double loaded = double(t.nsecsElapsed()) / 1e6;
    SecretStore secrets;
    MainWindow window(&inventory, &secrets, profile + QStringLiteral("/window.ini"));
    const double built = double(t.nsecsElapsed()) / 1e6;
    window.resize(1600, 1000);
    window.show();
    QCoreApplication::processEvents();
    const double ms = double(t.nsecsElapsed()) / 1e6;
    if (qEnvironmentVariableIsSet("AIO_BENCH_PHASES"))
        std::fprintf(stderr, "load %.0f ms, window %.0f ms, shown %.0f ms\n", loaded, built - loaded, ms - built);
    window.close();
    return ms;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? -1 : v.at(v.size() / 2);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qunsetenv("DBUS_SESSION_BUS_ADDRESS"); // no keychain is asked (and none of yours)
    QTemporaryDir run;
    qputenv("XDG_RUNTIME_DIR", run.path().toLocal8Bit());
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("targets"), QStringLiteral("targets in the large inventory"), QStringLiteral("n"),
                      QStringLiteral("5000")});
    parser.addOption(
        {QStringLiteral("runs"), QStringLiteral("runs (the median counts)"), QStringLiteral("n"), QStringLiteral("5")});
    parser.process(app);
    const int count = std::clamp(parser.value(QStringLiteral("targets")).toInt(), 1, 100'000);
    const int runs = std::clamp(parser.value(QStringLiteral("runs")).toInt(), 1, 20);

    QTemporaryDir empty;
    QTemporaryDir full;
    Profile::setDirectory(full.path());
    if (Status s = InventoryFile::write(Inventory::defaultFilePath(), makeTargets(count)); !s) {
        std::fprintf(stderr, "%s\n", qPrintable(s.error().toString()));
        return 2;
    }
    QList<double> emptyStarts;
    QList<double> fullStarts;
    QList<double> emptyApp;
    QList<double> fullApp;
    QList<double> emptyListed;
    QList<double> fullListed;
    (void)startMs(empty.path()); // warm up: fonts, styles, plugins
    (void)appStartMs(empty.path()); // and the files the app loads
    for (int r = 0; r < runs; ++r) {
        emptyStarts << startMs(empty.path());
        fullStarts << startMs(full.path());
        const AppStart e = appStartMs(empty.path());
        const AppStart f = appStartMs(full.path());
        if (e.shown < 0 || f.shown < 0 || e.listed < 0 || f.listed < 0)
            return 1;
        emptyApp << e.shown;
        fullApp << f.shown;
        emptyListed << e.listed;
        fullListed << f.listed;
    }

    // Typing a search: each keystroke as the GUI thread handles it.
    Profile::setDirectory(full.path());
    Inventory inventory;
    (void)inventory.load(Inventory::defaultFilePath());
    SecretStore secrets;
    MainWindow window(&inventory, &secrets, full.path() + QStringLiteral("/window.ini"));
    window.resize(1600, 1000);
    window.show();
    QCoreApplication::processEvents();
    auto* search = window.findChild<QLineEdit*>(QStringLiteral("targetSearch"));
    const QString typed = QStringLiteral("team17 sandbox-0");
    QList<double> keystrokes;
    for (int r = 0; r < runs; ++r) {
        search->clear();
        QCoreApplication::processEvents();
        for (const QChar c : typed) {
            QElapsedTimer t;
            t.start();
            QTest::keyClick(search, c.toLatin1());
            QCoreApplication::processEvents(); // the view's relayout and paint
            keystrokes << double(t.nsecsElapsed()) / 1e6;
        }
        for (int i = 0; i < typed.size(); ++i) { // and erasing it again
            QElapsedTimer t;
            t.start();
            QTest::keyClick(search, Qt::Key_Backspace);
            QCoreApplication::processEvents();
            keystrokes << double(t.nsecsElapsed()) / 1e6;
        }
    }
    const double worst = *std::max_element(keystrokes.begin(), keystrokes.end());
    const double e = median(emptyStarts);
    const double f = median(fullStarts);
    std::printf("%s, %d targets, %d runs (median), offscreen\n\n",
                qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)), count, runs);
    std::printf("| measure | value | reference | ratio | target |\n|---|---|---|---|---|\n");
    const double ea = median(emptyApp);
    const double fa = median(fullApp);
    std::printf(
        "| app launch to shown window, %d targets | %.0f ms | %.0f ms with none | %.2fx | at most 1.5x — %s |\n", count,
        fa, ea, fa / ea, fa / ea <= 1.5 ? "met" : "NOT met");
    std::printf("| app launch to all %d targets listed | %.0f ms | %.0f ms with none | %.2fx | |\n", count,
                median(fullListed), median(emptyListed), median(fullListed) / median(emptyListed));
    std::printf("| file read and window built, in one process | %.0f ms | %.0f ms with none | %.2fx | |\n", f, e,
                f / e);
    std::printf("| search keystroke, worst of %lld | %.1f ms | 16 ms (one frame) | %.2fx | at most 1x — %s |\n",
                static_cast<long long>(keystrokes.size()), worst, worst / 16.0, worst <= 16.0 ? "met" : "NOT met");
    std::printf("| search keystroke, median | %.1f ms | 16 ms | %.2fx | |\n", median(keystrokes),
                median(keystrokes) / 16.0);
    return 0;
}
