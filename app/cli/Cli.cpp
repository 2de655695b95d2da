#include "app/cli/Cli.h"

#include "app/cli/Command.h"
#include "core/common/Profile.h"
#include "core/inventory/KeychainProbe.h"
#include "core/inventory/SecretStore.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>

namespace aio::cli {

namespace {

bool isHelp(const QString& a)
{
    return a == QLatin1String("--help") || a == QLatin1String("-h") || a == QLatin1String("help");
}

bool isVersion(const QString& a)
{
    return a == QLatin1String("--version") || a == QLatin1String("-v");
}
} // namespace

Invocation Invocation::parse(const QStringList& arguments)
{
    Invocation inv;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (a == QLatin1String("--profile")) {
            if (i + 1 >= arguments.size() || arguments.at(i + 1).isEmpty()) {
                inv.usageError = tr("--profile needs a folder.");
                inv.isCli = true;
                return inv;
            }
            inv.profileDir = arguments.at(++i);
        } else if (a.startsWith(QLatin1String("--profile="))) {
            inv.profileDir = a.mid(10);
            if (inv.profileDir.isEmpty()) {
                inv.usageError = tr("--profile needs a folder.");
                inv.isCli = true;
                return inv;
            }
        } else if (a == QLatin1String("--debug")) {
            inv.debugLog = true;
        } else {
            inv.rest.append(a);
        }
    }
    // A word first is a command (a known one or a typo, which gets a usage error); options such
    // as Qt's "-platform offscreen" are the GUI's.
    if (!inv.rest.isEmpty()) {
        const QString& first = inv.rest.first();
        inv.isCli = !first.startsWith(QLatin1Char('-')) || isHelp(first) || isVersion(first);
    }
    return inv;
}

QString globalHelp()
{
    QString text;
    QTextStream s(&text);
    s << Invocation::tr("Usage: aio-sandbox-manager [--profile DIR] [--debug] [COMMAND [ARGS...]]") << '\n'
      << '\n'
      << Invocation::tr("Deploys the AIO Sandbox to cloud VMs and Kubernetes clusters safely, and looks after it.")
      << '\n'
      << Invocation::tr("Without a command, the desktop app starts.") << '\n'
      << '\n'
      << Invocation::tr("Commands:") << '\n';
    for (Command* c : CommandRegistry::instance().commands())
        s << QStringLiteral("  %1%2").arg(c->name(), -12).arg(c->summary()) << '\n';
    s << '\n'
      << Invocation::tr("Global options:") << '\n'
      << Invocation::tr("  --profile DIR  keep the inventory and all other files under DIR (also: AIO_PROFILE=DIR)")
      << '\n'
      << Invocation::tr("  --debug        also print the app's debug log on stderr (what runs where, TLS, saves)")
      << '\n'
      << Invocation::tr("  --help, -h     show this help; \"COMMAND --help\" shows a command's help") << '\n'
      << Invocation::tr("  --version, -v  show the version") << '\n'
      << '\n'
      << Invocation::tr("Exit codes: 0 success, 1 the request failed (message on stderr), 2 wrong usage.") << '\n';
    return text;
}

void applyLogRules(const Invocation& invocation)
{
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(invocation.debugLog ? QStringLiteral("aio.*.debug=true")
                                                             : QStringLiteral("aio.*.debug=false\naio.*.info=false"));
}

int run(const Invocation& invocation)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    CommandContext context(out, err);

    // A command's own output is the report; the log adds noise unless asked for.
    applyLogRules(invocation);

    if (!invocation.usageError.isEmpty()) {
        err << Invocation::tr("usage error: %1").arg(invocation.usageError) << Qt::endl;
        return ExitUsage;
    }
    if (!invocation.profileDir.isEmpty())
        Profile::setDirectory(invocation.profileDir);
    if (invocation.rest.isEmpty() || isHelp(invocation.rest.first())) {
        if (invocation.rest.size() > 1 && !isHelp(invocation.rest.at(1))) {
            if (Command* c = CommandRegistry::instance().find(invocation.rest.at(1))) {
                out << c->help();
                return ExitOk;
            }
        }
        out << globalHelp();
        return invocation.rest.isEmpty() ? ExitUsage : ExitOk;
    }
    const QString& name = invocation.rest.first();
    if (isVersion(name)) {
        out << QStringLiteral("aio-sandbox-manager %1").arg(QStringLiteral(AIO_VERSION)) << Qt::endl;
        return ExitOk;
    }
    Command* command = CommandRegistry::instance().find(name);
    if (!command) {
        err << Invocation::tr("usage error: unknown command \"%1\".").arg(name) << Qt::endl;
        err << Invocation::tr("Run \"aio-sandbox-manager --help\" for the list of commands.") << Qt::endl;
        return ExitUsage;
    }
    // As in the app: where no keychain exists, secrets stay in memory and the keychain is never
    // called (which would autolaunch D-Bus and a keyring that prompts in a window of its own).
    if (const KeychainState keychain = KeychainProbe::probe(); keychain.kind == KeychainState::Kind::Absent)
        SecretStore::keepInMemoryOnly(keychain.summary(), true);
    const int code = command->run(invocation.rest.mid(1), context);
    out.flush();
    err.flush();
    return code;
}

} // namespace aio::cli
