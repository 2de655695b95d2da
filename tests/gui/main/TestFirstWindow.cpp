#include "gui/common/GuiTestBase.h"

#include "ui/deploy/AnswersPage.h"
#include "ui/deploy/DeployCapability.h"
#include "ui/deploy/DeployWizard.h"
#include "ui/targets/TargetPage.h"

#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>

using namespace aio;
using namespace aio::ui;

// The window a newcomer first sees: on a 1920x1080 screen (1040 pixels high without a 40-pixel
// panel) the deployment answers show whole, without scrolling; on a small screen the window
// still fits.
class TestFirstWindow : public GuiTestBase
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("DISPLAY");
        qputenv("XDG_RUNTIME_DIR", m_run.path().toLocal8Bit()); // no session bus: never the developer's
        registerDeployCapability();
    }
    void init() { newProfile(); }
    void cleanup() { closeWindow(); }

    void theAnswersShowWholeInTheFirstWindowOnA1080pScreen()
    {
        const QSize size = MainWindow::firstStartSize(QSize(1920, 1040));
        QVERIFY(size.width() <= 1920 && size.height() <= 1040);
        QScrollArea* scroll = nullptr;
        openAnswers(size, &scroll);
        QVERIFY(scroll);
        QTest::qWait(100); // layouts settle
        QVERIFY2(scroll->verticalScrollBar()->maximum() == 0,
                 qPrintable(QStringLiteral("the answers scroll by %1 px in a %2x%3 window")
                                .arg(scroll->verticalScrollBar()->maximum())
                                .arg(size.width())
                                .arg(size.height())));
        QVERIFY2(scroll->horizontalScrollBar()->maximum() == 0,
                 qPrintable(QStringLiteral("sideways by %1 px, page %2 px wide")
                                .arg(scroll->horizontalScrollBar()->maximum())
                                .arg(scroll->width())));
    }

    void theAnswersNeverScrollSidewaysInANarrowerWindow()
    {
        QScrollArea* scroll = nullptr;
        openAnswers(QSize(1720, 900), &scroll);
        QVERIFY(scroll);
        // Between one column and two: the form picks what fits.
        for (int width : {1200, 1300, 1400, 1500, 1600, 1720}) {
            window()->resize(width, 900);
            QTest::qWait(50);
            QVERIFY2(scroll->horizontalScrollBar()->maximum() == 0,
                     qPrintable(QStringLiteral("%1 px: sideways by %2 px")
                                    .arg(width)
                                    .arg(scroll->horizontalScrollBar()->maximum())));
        }
    }

    void aSmallScreenKeepsRoomAroundTheWindow()
    {
        const QSize size = MainWindow::firstStartSize(QSize(1280, 760));
        QVERIFY(size.width() < 1280 && size.height() < 760);
    }

private:
    // A window of that size showing a VM's deployment answers; *scroll: their scroll area.
    void openAnswers(const QSize& size, QScrollArea** scroll)
    {
        createWindow();
        VmSettings vm;
        vm.host = HostName::parse(QStringLiteral("198.18.0.2")).value();
        Result<Target> added = inventory()->add(Target::makeVm(QStringLiteral("web"), vm));
        QVERIFY(added);
        window()->resize(size);
        QVERIFY(window()->selectTarget(added->id));
        TargetPage* page = window()->currentTargetPage();
        QVERIFY(page);
        auto* wizard = page->findChild<DeployWizard*>(QStringLiteral("deployTab"));
        QVERIFY(wizard);
        page->tabs()->setCurrentWidget(wizard);
        QVERIFY(waitUntil([&] { return wizard->isLoaded(); }, 10'000));
        *scroll = wizard->answersPage()->findChild<QScrollArea*>(QStringLiteral("answersScroll"));
        QVERIFY(*scroll);
        QVERIFY(waitUntil([&] { return (*scroll)->isVisible(); }));
    }

    QTemporaryDir m_run;
};

QTEST_MAIN(TestFirstWindow)
#include "TestFirstWindow.moc"
