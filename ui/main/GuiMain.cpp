#include "ui/main/GuiMain.h"

#include "core/common/Profile.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/SecretStore.h"
#include "ui/checklist/ChecklistCapability.h"
#include "ui/deploy/DeployCapability.h"
#include "ui/logs/LogsCapability.h"
#include "ui/main/MainWindow.h"
#include "ui/tunnels/TunnelCapability.h"
#include "ui/tunnels/TunnelRegistry.h"
#include "ui/widgets/Background.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEvent>
#include <QIcon>
#include <QLoggingCategory>
#include <QStyle>
#include <QStyleFactory>
#include <QTimer>
#include <QWindow>

Q_LOGGING_CATEGORY(lcGui, "aio.ui")

namespace aio::ui {

namespace {
// Says in the debug log when the main window is first on screen (exposed and painted), and how
// long that took: a slow start can be told from a slow inventory, and bench_sidebar times the
// whole app's start by this line.
class FirstShown : public QObject
{
public:
    FirstShown(QWindow* window, const QElapsedTimer& started, QObject* parent)
        : QObject(parent)
        , m_started(started)
    {
        window->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        auto* window = qobject_cast<QWindow*>(watched);
        if (event->type() == QEvent::Expose && window && window->isExposed()) {
            window->removeEventFilter(this);
            // After the paint the expose asks for.
            QTimer::singleShot(0, this, [this] {
                qCDebug(lcGui) << "main window shown," << m_started.elapsed() << "ms after the GUI started";
            });
        }
        return false;
    }

private:
    QElapsedTimer m_started;
};
} // namespace

int runGui(QApplication& app, const GuiOptions& options)
{
    QElapsedTimer started;
    started.start();
    if (!options.profileDir.isEmpty())
        Profile::setDirectory(options.profileDir);
    QApplication::setApplicationDisplayName(QCoreApplication::translate("aio::ui::GuiMain", "AIO Sandbox Manager"));
    // Without a desktop's own theme, Fusion is the tidy, consistent choice.
    const QString styleName = app.style() ? app.style()->name() : QString();
    if (styleName.compare(QLatin1String("windows"), Qt::CaseInsensitive) == 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));

    // The inventory file is read on a worker while the window is made and shown. A file that cannot
    // be read leaves the inventory empty and read-only; the window says why.
    Inventory inventory;
    const QString inventoryPath = Inventory::defaultFilePath();
    inventory.beginLoading(inventoryPath);
    SecretStore secrets;
    registerDeployCapability();
    registerChecklistCapability();
    registerLogsCapability();
    registerTunnelCapability();

    QDir().mkpath(Profile::configDir());
    MainWindow window(&inventory, &secrets, Profile::configDir() + QStringLiteral("/window.ini"));
    window.winId(); // its QWindow, to watch for the first expose
    new FirstShown(window.windowHandle(), started, &window);
    window.show();
    runInBackground(
        &window, [inventoryPath] { return Inventory::read(inventoryPath); },
        [&inventory, &window, &secrets, inventoryPath, started](const Inventory::Loaded& loaded) {
            if (Status s = inventory.adopt(inventoryPath, loaded); !s)
                qCWarning(lcGui).noquote() << s.error().toString();
            TunnelRegistry::instance(&secrets)->startMarked(inventory);

            // After the paint that shows them.
            QTimer::singleShot(0, &window, [&inventory, started] {
                qCDebug(lcGui) << "targets listed:" << inventory.count() << "targets," << started.elapsed()
                               << "ms after the GUI started";
            });
        });
    const int code = app.exec();
    TunnelRegistry::shutdown(); // before the secrets and the inventory go
    SecretStore::clearMemory();
    return code;
}

} // namespace aio::ui
