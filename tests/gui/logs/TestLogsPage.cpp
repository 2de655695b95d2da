// The Logs tab as the admin uses it: two real files read by the real file reader (through a local
// /bin/sh standing in for the VM), merged by time, searched, filtered, followed as lines are
// appended, shown as an access table with its histogram, and saved; and a host that does not
// answer, which the tab explains. With AIO_GUI_GRAB_DIR set, the merged view with a search and the
// access table are saved as pictures there.

#include "common/LocalShellHost.h"
#include "core/common/Profile.h"
#include "core/common/Translations.h"
#include "ui/logs/LogHistogram.h"
#include "ui/logs/LogRowView.h"
#include "ui/logs/LogTableModel.h"
#include "ui/logs/LogsPage.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBanner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace aio;
using namespace aio::ui;

namespace {

const qint64 kBase = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000 - 30 * 60 * 1000; // half an hour ago

QByteArray appLine(qint64 ms, const char* level, const QByteArray& text)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8() + ' ' + level + ' ' + text
        + '\n';
}

QByteArray accessLine(qint64 ms, const char* client, const char* path, int status)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return QByteArray(client) + " - - [" + QLocale::c().toString(t, QStringLiteral("dd/MMM/yyyy:HH:mm:ss")).toUtf8()
        + " +0000] \"GET " + path + " HTTP/1.1\" " + QByteArray::number(status)
        + " 512 \"-\" \"Mozilla/5.0\" urt=\"0.012\"\n";
}

bool append(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::Append) && f.write(bytes) == bytes.size();
}

} // namespace

class TestLogsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_profile.isValid());
        Profile::setDirectory(m_profile.path());
        installTranslations(*QCoreApplication::instance()); // the plural forms, as the app does
    }

    void mergedSearchedFilteredFollowedAndSaved()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString appPath = dir.filePath(QStringLiteral("app.log"));
        const QString accessPath = dir.filePath(QStringLiteral("access.log"));
        QByteArray app, access;
        // 600 lines each, a second apart, interleaved: app at even seconds, access at odd ones.
        for (int i = 0; i < 600; ++i) {
            app += appLine(kBase + i * 2000, i % 50 == 0 ? "ERROR" : "INFO",
                           "worker " + QByteArray::number(i) + (i % 100 == 7 ? " upstream timed out" : ""));
            access += accessLine(kBase + i * 2000 + 1000, i % 3 ? "198.18.0.7" : "198.18.0.9",
                                 i % 4 ? "/v1/ping" : "/vnc/index.html", i % 60 == 0 ? 502 : (i % 25 == 0 ? 404 : 200));
        }
        QVERIFY(append(appPath, app));
        QVERIFY(append(accessPath, access));

        Target target;
        target.name = QStringLiteral("local");
        LogsPage page(target, nullptr);
        page.resize(1280, 800);
        LogSession::Options options;
        options.start.tailLines = -1; // the whole files
        page.setSessionOptions(options);
        page.setOpener([root = dir.path(), appPath, accessPath](const CancelToken&) -> Result<LogsPage::Opened> {
            QList<LogSourceSpec> sources;
            sources << *LogSourceSpec::file(QStringLiteral("sandbox:app"), appPath, LogFormat::Application, false);
            sources << *LogSourceSpec::file(QStringLiteral("proxy"), accessPath, LogFormat::NginxAccess, false);
            return LogsPage::Opened{std::make_shared<test::LocalShellHost>(root), sources};
        });
        QSignalSpy opened(&page, &LogsPage::opened);
        page.show();
        QVERIFY(opened.wait(10000));
        LogTableModel* model = page.model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1200, 15000);

        // Merged by time: the sources alternate.
        for (int row = 0; row < 10; ++row) {
            QCOMPARE(model->index(row, LogTableModel::SourceColumn).data().toString(),
                     row % 2 ? QStringLiteral("proxy") : QStringLiteral("sandbox:app"));
        }
        QVERIFY(std::is_sorted(model->rows().begin(), model->rows().end(),
                               [](const LogRow& a, const LogRow& b) { return a.timeMs < b.timeMs; }));
        QCOMPARE(model->index(0, LogTableModel::LevelColumn).data().toString(), QStringLiteral("error"));
        QVERIFY(
            model->index(0, LogTableModel::MessageColumn).data().toString().contains(QLatin1String("ERROR worker 0")));

        // Search: every match counted and flagged; Enter goes to the first.
        auto* search = page.findChild<QLineEdit*>(QStringLiteral("logSearch"));
        QTest::keyClicks(search, QStringLiteral("upstream timed"));
        QTRY_COMPARE_WITH_TIMEOUT(model->matchCount(), 6, 5000);
        QCOMPARE(page.matchText(), QStringLiteral("6 matches"));
        QTest::keyClick(search, Qt::Key_Return);
        QVERIFY(page.view()->currentIndex().isValid());
        QVERIFY(model->rows()[size_t(page.view()->currentIndex().row())].matches());
        const QString grabDir = qEnvironmentVariable("AIO_GUI_GRAB_DIR");
        if (!grabDir.isEmpty()) {
            QTest::qWait(700); // the histogram's next count
            page.grab().save(grabDir + QStringLiteral("/logs-merged-search.png"));
        }
        // Only the matching lines.
        page.findChild<QCheckBox*>(QStringLiteral("logOnlyMatching"))->setChecked(true);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 6, 5000);
        page.findChild<QCheckBox*>(QStringLiteral("logOnlyMatching"))->setChecked(false);
        search->clear();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1200, 5000);

        // Quick filters: 5xx, then one client.
        auto* status = page.findChild<QComboBox*>(QStringLiteral("logStatus"));
        status->setCurrentIndex(status->findText(QStringLiteral("5xx")));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 10, 5000);
        status->setCurrentIndex(0);
        auto* client = page.findChild<QLineEdit*>(QStringLiteral("logClient"));
        client->setText(QStringLiteral("198.18.0.9"));
        emit client->editingFinished();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 200, 5000);
        client->clear();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1200, 5000);
        // A source turned off.
        page.findChild<QCheckBox*>(QStringLiteral("logSource_proxy"))->setChecked(false);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 600, 5000);
        page.findChild<QCheckBox*>(QStringLiteral("logSource_proxy"))->setChecked(true);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1200, 5000);

        // Followed: lines appended arrive at the end, and the view stays there.
        QVERIFY(page.findChild<QToolButton*>(QStringLiteral("logFollow"))->isChecked());
        QVERIFY(append(appPath, appLine(kBase + 1'300'000, "WARN", "appended while following")));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1201, 10000);
        QVERIFY(model->index(1200, LogTableModel::MessageColumn).data().toString().contains(QLatin1String("appended")));
        QTRY_COMPARE(page.view()->verticalScrollBar()->value(), page.view()->verticalScrollBar()->maximum());

        // The histogram counts every row; a range picked on it limits the view.
        auto histogramCount = [&page](bool errorsOnly) {
            int n = 0;
            for (const LogHistogram::Bin& b : page.histogram()->bins())
                n += errorsOnly ? b.errors : b.total();
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(histogramCount(false), 1201, 5000); // counted again within half a second
        QVERIFY(page.histogram()->binMs() >= 1000);
        QCOMPARE(histogramCount(true), 12 + 10); // ERROR lines and 502s
        emit page.histogram()->rangeSelected(kBase, kBase + 100'000);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 100, 5000);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("logRange"))->text().startsWith(QLatin1String("From ")));

        // The access table: the fields as columns.
        auto* shape = page.findChild<QComboBox*>(QStringLiteral("logShape"));
        shape->setCurrentIndex(1);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 50, 5000); // the access lines of the range
        QCOMPARE(model->columnCount(), int(LogTableModel::AccessColumnCount));
        QCOMPARE(model->index(0, LogTableModel::AccessStatus).data().toInt(), 502);
        QCOMPARE(model->index(0, LogTableModel::AccessClient).data().toString(), QStringLiteral("198.18.0.9"));
        QCOMPARE(model->index(0, LogTableModel::AccessUpstream).data().toString(), QStringLiteral("0.012"));
        // Sorted by status with a click on its header, descending with a second; Time goes back.
        QHeaderView* header = page.view()->horizontalHeader();
        auto clickHeader = [header](int column) {
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                              QPoint(header->sectionViewportPosition(column) + 8, header->height() / 2));
        };
        clickHeader(LogTableModel::AccessStatus);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(49, LogTableModel::AccessStatus).data().toInt(), 502, 5000);
        QCOMPARE(model->index(0, LogTableModel::AccessStatus).data().toInt(), 200);
        QVERIFY(page.statusText().contains(QLatin1String("sorted by Status")));
        clickHeader(LogTableModel::AccessStatus);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, LogTableModel::AccessStatus).data().toInt(), 502, 5000);
        QVERIFY(!page.findChild<QToolButton*>(QStringLiteral("logFollow"))->isChecked());
        clickHeader(LogTableModel::AccessTime);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, LogTableModel::AccessStatus).data().toInt(), 502, 5000); // time order
        QTRY_COMPARE_WITH_TIMEOUT(model->index(1, LogTableModel::AccessStatus).data().toInt(), 200, 5000);
        QVERIFY(!page.statusText().contains(QLatin1String("sorted by")));
        QVERIFY(!page.session()->isPaused());
        if (!grabDir.isEmpty()) {
            emit page.histogram()->rangeSelected(std::numeric_limits<qint64>::min(),
                                                 std::numeric_limits<qint64>::max());
            QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 600, 5000);
            QTest::qWait(700);
            page.grab().save(grabDir + QStringLiteral("/logs-access-table.png"));
        }

        // Saved: the lines shown, one a line, with their source.
        const QString saved = dir.filePath(QStringLiteral("saved.log"));
        FileDialog::setNextFileName(saved);
        auto* save = page.findChild<QToolButton*>(QStringLiteral("logSave"));
        save->menu()->actions().at(0)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(saved).size() > 0, 5000);
        QFile f(saved);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), model->rowCount() + 1);
        QVERIFY2(lines.first().contains(" proxy 198.18.0."), lines.first().constData());
        QTRY_VERIFY(page.statusText().contains(QLatin1String("saved")));
    }

    void aHostThatDoesNotAnswerIsExplained()
    {
        Target target;
        target.name = QStringLiteral("nowhere");
        target.kind = TargetKind::Vm;
        target.vm.host = *HostName::parse(QStringLiteral("127.0.0.1"));
        target.vm.port = Port(1); // nothing listens there
        target.vm.user = QStringLiteral("admin");
        LogsPage page(target, nullptr);
        QSignalSpy failed(&page, &LogsPage::openFailed);
        page.show();
        QVERIFY(failed.wait(20000));
        const QString why = failed.first().first().toString();
        QVERIFY2(why.contains(QLatin1String("127.0.0.1")) || why.contains(QLatin1String("nowhere")), qPrintable(why));
        auto* banner = page.findChild<MessageBanner*>();
        QVERIFY(banner && banner->isVisible());
        QCOMPARE(banner->title(), QStringLiteral("The logs could not be opened"));
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("logRetry")));
    }

    void olderLinesTheMemoryLimitLetGoAreReadBackFromDisk()
    {
        // 200,000 lines (24 MB) into a session whose memory holds about 8 MB: the oldest go to
        // the session's spill file, and "Load older lines" shows them again, before the others.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("app.log"));
        const int n = 200'000;
        QByteArray all;
        for (int i = 0; i < n; ++i)
            all += appLine(kBase + i, "INFO", "line " + QByteArray::number(i).rightJustified(80, '.'));
        QVERIFY(append(path, all));
        Target target;
        target.name = QStringLiteral("local");
        LogsPage page(target, nullptr);
        page.resize(1280, 800);
        LogSession::Options options;
        options.start.tailLines = -1;
        options.budgetBytes = 1; // the least a source gets: 4 chunks
        page.setSessionOptions(options);
        page.setOpener([root = dir.path(), path](const CancelToken&) -> Result<LogsPage::Opened> {
            return LogsPage::Opened{std::make_shared<test::LocalShellHost>(root),
                                    {*LogSourceSpec::file(QStringLiteral("app"), path, LogFormat::Application, false)}};
        });
        QSignalSpy opened(&page, &LogsPage::opened);
        page.show();
        QVERIFY(opened.wait(10000));
        LogTableModel* model = page.model();
        QTRY_VERIFY_WITH_TIMEOUT(page.session()->counts(0).lines + page.session()->counts(0).onDisk == n, 20000);
        const LogSession::Counts before = page.session()->counts(0);
        QVERIFY2(before.onDisk > 0 && before.dropped == 0, qPrintable(QString::number(before.onDisk)));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), int(before.lines), 10000);
        auto* load = page.findChild<QPushButton*>(QStringLiteral("logLoadOlder"));
        QVERIFY(load);
        QTRY_VERIFY(load->isVisible());
        QVERIFY(page.statusText().contains(QStringLiteral("older lines on disk")));

        load->click();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), n, 20000);
        // In order, from the first line of the file.
        for (int row : {0, 1, int(before.onDisk) - 1, int(before.onDisk), n - 1})
            QVERIFY2(model->index(row, LogTableModel::MessageColumn)
                         .data()
                         .toString()
                         .endsWith(QStringLiteral(" ") + QString::number(row).rightJustified(80, QLatin1Char('.'))),
                     qPrintable(model->index(row, LogTableModel::MessageColumn).data().toString()));
        QTRY_VERIFY(!load->isVisible()); // nothing more on disk
        QCOMPARE(page.session()->counts(0).loaded, before.onDisk);

        // The log goes on: the lines that leave memory now are read back too, and the oldest
        // read back go, so what was loaded stays as many lines (memory stays bounded).
        QByteArray more;
        for (int i = n; i < n + 50'000; ++i)
            more += appLine(kBase + i, "INFO", "line " + QByteArray::number(i).rightJustified(80, '.'));
        QVERIFY(append(path, more));
        const auto total = [&] {
            const LogSession::Counts c = page.session()->counts(0);
            return c.lines + c.onDisk + c.loaded;
        };
        QTRY_COMPARE_WITH_TIMEOUT(total(), qint64(n + 50'000), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(qint64(model->rowCount()),
                                  page.session()->counts(0).lines + page.session()->counts(0).loaded, 20000);
        QCOMPARE(page.session()->counts(0).loaded, before.onDisk);
        QVERIFY(model->index(model->rowCount() - 1, LogTableModel::MessageColumn)
                    .data()
                    .toString()
                    .endsWith(QString::number(n + 50'000 - 1).rightJustified(80, QLatin1Char('.'))));
    }

    void cleanupTestCase()
    {
        // Closed pages leave no reader behind.
        QVERIFY(LogSession::waitForStopped(10'000));
    }

private:
    QTemporaryDir m_profile;
};

QTEST_MAIN(TestLogsPage)
#include "TestLogsPage.moc"
