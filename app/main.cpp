// The aio-sandbox-manager executable: a command (see app/cli/) runs on QCoreApplication and needs
// no display; without one, the desktop app starts.

#include "app/ProcessHardening.h"
#include "app/cli/Cli.h"
#include "core/common/Profile.h"
#include "core/common/Translations.h"
#include "core/logs/LogSession.h"
#include "core/ssh/SshSession.h"

#include <QCoreApplication>
#include <QTextStream>

#ifdef AIO_HAVE_GUI
#include "ui/main/GuiMain.h"
#include <QApplication>
#endif

namespace {
// Closed SSH sessions end their connections on their own threads; at exit they get this long
// (a login in progress cannot be interrupted inside libssh; its connect timeout bounds it).
constexpr int kTeardownWaitMs = 5000;

void setApplicationNames()
{
    // AppConfigLocation is then ~/.config/aio-sandbox-manager on Linux.
    QCoreApplication::setApplicationName(QStringLiteral("aio-sandbox-manager"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AIO_VERSION));
}
} // namespace

int main(int argc, char** argv)
{
    aio::app::hardenProcess();
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    const aio::cli::Invocation invocation = aio::cli::Invocation::parse(arguments);

    if (invocation.isCli) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        aio::installTranslations(app);
        const int rc = aio::cli::run(invocation);
        aio::SshSession::waitForClosedSessions(kTeardownWaitMs);
        return rc;
    }
#ifdef AIO_HAVE_GUI
    // Without a display Qt aborts with a plugin message; say what is wrong and how to go on.
    const bool platformGiven
        = qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || arguments.contains(QStringLiteral("-platform"));
    if (!platformGiven && qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        QTextStream err(stderr);
        err << "aio-sandbox-manager: no display to show the desktop app on (DISPLAY and WAYLAND_DISPLAY are unset). "
               "Start it from a desktop session, or use a command, which needs no display:"
            << Qt::endl
            << aio::cli::globalHelp();
        return 1;
    }
    QApplication app(argc, argv);
    setApplicationNames();
    aio::installTranslations(app);
    // The window is the report; the terminal gets the debug log only with --debug.
    aio::cli::applyLogRules(invocation);
    if (!invocation.profileDir.isEmpty())
        aio::Profile::setDirectory(invocation.profileDir);
    aio::ui::GuiOptions options;
    options.profileDir = aio::Profile::directory();
    const int rc = aio::ui::runGui(app, options);
    // The Logs tabs' readers end after their window (each holds its SSH session until then).
    aio::LogSession::waitForStopped(kTeardownWaitMs);
    aio::SshSession::waitForClosedSessions(kTeardownWaitMs);
    return rc;
#else
    QCoreApplication app(argc, argv);
    setApplicationNames();
    QTextStream err(stderr);
    err << QCoreApplication::translate("aio::cli", "This build has no desktop app (AIO_BUILD_GUI=OFF); use a command.")
        << Qt::endl
        << aio::cli::globalHelp();
    return 2;
#endif
}
