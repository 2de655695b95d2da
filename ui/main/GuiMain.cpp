#include "ui/main/GuiMain.h"

#include "core/common/Profile.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/SecretStore.h"
#include "ui/deploy/DeployCapability.h"
#include "ui/main/MainWindow.h"

#include <QApplication>
#include <QDir>
#include <QIcon>
#include <QLoggingCategory>
#include <QStyle>
#include <QStyleFactory>

Q_LOGGING_CATEGORY(lcGui, "aio.ui")

namespace aio::ui {

int runGui(QApplication& app, const GuiOptions& options)
{
    if (!options.profileDir.isEmpty())
        Profile::setDirectory(options.profileDir);
    QApplication::setApplicationDisplayName(QCoreApplication::translate("aio::ui::GuiMain", "AIO Sandbox Manager"));
    // Without a desktop's own theme, Fusion is the tidy, consistent choice.
    const QString styleName = app.style() ? app.style()->name() : QString();
    if (styleName.compare(QLatin1String("windows"), Qt::CaseInsensitive) == 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));

    Inventory inventory;
    // A file that cannot be read leaves the inventory empty and read-only; the window says why.
    if (Status loaded = inventory.load(); !loaded)
        qCWarning(lcGui).noquote() << loaded.error().toString();
    SecretStore secrets;
    registerDeployCapability();

    QDir().mkpath(Profile::configDir());
    MainWindow window(&inventory, &secrets, Profile::configDir() + QStringLiteral("/window.ini"));
    window.show();
    const int code = app.exec();
    SecretStore::clearMemory();
    return code;
}

} // namespace aio::ui
