// "tunnel TARGET": an authenticated tunnel to a VM's sandbox (core/tunnel/Tunnel) that runs until
// interrupted: prints the one-time link for a service, opens it in the browser unless told not
// to, and says on stderr every time the tunnel's state changes.

#include "app/cli/Command.h"
#include "app/cli/SshLogin.h"
#include "core/common/Profile.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/SshSession.h"
#include "core/tunnel/LaunchPage.h"
#include "core/tunnel/Tunnel.h"
#include "core/tunnel/TunnelSetup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QProcess>
#include <QSocketNotifier>
#include <QStandardPaths>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace aio::cli {

namespace {

int g_signalPipe[2] = {-1, -1};

void onStopSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto w = ::write(g_signalPipe[1], &c, 1);
}

class TunnelCommand : public Command
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::TunnelCommand)

public:
    QString name() const override { return QStringLiteral("tunnel"); }
    QString summary() const override
    {
        return tr("open an authenticated tunnel to a VM's sandbox (VNC, code-server, …)");
    }
    QString help() const override
    {
        QStringList services;
        for (const SandboxService& s : SandboxService::all())
            services << s.name;
        return tr("Usage: aio-sandbox-manager tunnel TARGET [--service NAME] [--port N] [--no-browser]\n"
                  "                                  [--jwt-key-file FILE | --api-key-file FILE]\n"
                  "\n"
                  "Opens a tunnel from 127.0.0.1 on this workstation to the sandbox on the VM (127.0.0.1:8080\n"
                  "there) over SSH, so port 8080 is never exposed. A proxy in front of it adds the sandbox's\n"
                  "credentials to every request (a short-lived JWT signed with the key the deployment kept, or\n"
                  "the API key) and serves only the browser that opened the printed link: the link works once,\n"
                  "within %1 minutes, and gives that browser a cookie. Prints the link, opens it in the browser,\n"
                  "and runs until interrupted (Ctrl-C), reconnecting by itself when the connection drops; every\n"
                  "change of state is said on stderr.\n"
                  "\n"
                  "Options:\n"
                  "  --service NAME      the page to open: %2 (default vnc)\n"
                  "  --port N            listen on 127.0.0.1:N (default: any free port)\n"
                  "  --remote-port N     the sandbox's port on the VM's 127.0.0.1 (default 8080)\n"
                  "  --no-browser        print the link only\n"
                  "  --jwt-key-file FILE sign tokens with this RSA private key (a sandbox set up by hand)\n"
                  "  --api-key-file FILE send this API key (a sandbox set up by hand)\n")
                   .arg(AuthProxy::kLinkMinutes)
                   .arg(services.join(QStringLiteral(", ")))
            + SshLogin::optionsHelp()
            + tr("\n"
                 "Exit codes: 0 interrupted after running, 1 the tunnel could not start (said why), 2 wrong usage.\n");
    }

    int run(const QStringList& args, CommandContext& context) override
    {
        QCommandLineParser parser;
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
        SshLogin::addOptions(parser);
        const QCommandLineOption service(QStringLiteral("service"), {}, QStringLiteral("name"), QStringLiteral("vnc"));
        const QCommandLineOption port(QStringLiteral("port"), {}, QStringLiteral("n"));
        const QCommandLineOption remotePort(QStringLiteral("remote-port"), {}, QStringLiteral("n"));
        const QCommandLineOption noBrowser(QStringLiteral("no-browser"));
        const QCommandLineOption jwtFile(QStringLiteral("jwt-key-file"), {}, QStringLiteral("file"));
        const QCommandLineOption apiFile(QStringLiteral("api-key-file"), {}, QStringLiteral("file"));
        const QCommandLineOption helpOption(QStringLiteral("help"));
        parser.addOptions({service, port, remotePort, noBrowser, jwtFile, apiFile, helpOption});
        if (!parser.parse(QStringList{name()} + args))
            return context.usageError(parser.errorText(), name());
        if (parser.isSet(helpOption)) {
            context.out() << help();
            return ExitOk;
        }
        if (parser.positionalArguments().size() != 1)
            return context.usageError(tr("Name exactly one target."), name());
        if (const std::optional<QString> wrong = SshLogin::checkOptions(parser))
            return context.usageError(*wrong, name());
        const std::optional<SandboxService> chosen = SandboxService::byName(parser.value(service));
        if (!chosen) {
            QStringList names;
            for (const SandboxService& s : SandboxService::all())
                names << s.name;
            return context.usageError(
                tr("Unknown service %1; one of: %2.").arg(parser.value(service), names.join(QStringLiteral(", "))),
                name());
        }
        quint16 localPort = 0;
        if (parser.isSet(port)) {
            bool ok = false;
            const uint p = parser.value(port).toUInt(&ok);
            if (!ok || p < 1 || p > 65535)
                return context.usageError(tr("--port takes a port number from 1 to 65535."), name());
            localPort = quint16(p);
        }
        quint16 sandboxPort = 8080;
        if (parser.isSet(remotePort)) {
            bool ok = false;
            const uint p = parser.value(remotePort).toUInt(&ok);
            if (!ok || p < 1 || p > 65535)
                return context.usageError(tr("--remote-port takes a port number from 1 to 65535."), name());
            sandboxPort = quint16(p);
        }
        if (parser.isSet(jwtFile) && parser.isSet(apiFile))
            return context.usageError(tr("Give --jwt-key-file or --api-key-file, not both."), name());

        Result<Target> target = context.target(parser.positionalArguments().first());
        if (!target)
            return context.fail(target.error());
        if (!target->isVm())
            return context.fail(
                Error(ErrorKind::Usage,
                      tr("%1 is a cluster; tunnels to clusters (port-forwards) come with the Kubernetes support.")
                          .arg(target->name)));

        SecretStore store;
        Result<TunnelSetup::Found> creds = TunnelSetup::credentialsFor(Profile::dataDir(), *target, &store,
                                                                       parser.value(jwtFile), parser.value(apiFile));
        if (!creds)
            return context.fail(creds.error().onTarget(target->name));
        const SshLogin login(*target, parser, store);
        auto session = std::make_shared<SshSession>(login.settings(), login.callbacks());
        // The first login happens here, where a passphrase or host key can still be asked on the
        // terminal; the tunnel reconnects with the same settings later.
        if (Status s = session->connectToHost(); !s) {
            login.noteIfUnasked(context.err());
            return context.fail(s.error().onTarget(target->name));
        }

        Tunnel::Options o;
        o.targetName = target->name;
        o.localPort = localPort;
        o.remotePort = sandboxPort;
        o.credentials = creds->credentials;
        Tunnel tunnel(session, o);
        if (Status s = tunnel.start(); !s)
            return context.fail(s.error().onTarget(target->name));
        Result<QUrl> link = tunnel.link(chosen->path);
        if (!link)
            return context.fail(link.error().onTarget(target->name));

        context.err() << tr("Tunnel to %1: 127.0.0.1:%2 -> %3:%4 on the VM; credentials: %5 (%6).")
                             .arg(target->name)
                             .arg(tunnel.port())
                             .arg(o.remoteHost)
                             .arg(o.remotePort)
                             .arg(o.credentials.describe(), creds->note)
                      << '\n';
        context.err() << tr("%1, for one browser, once, within %n minute(s):", nullptr, AuthProxy::kLinkMinutes)
                             .arg(chosen->title)
                      << '\n';
        context.err().flush();
        context.out() << link->toString(QUrl::FullyEncoded) << '\n';
        context.out().flush();

        if (!parser.isSet(noBrowser)
            && (qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))) {
            // The browser gets a start page holding the link: a link on xdg-open's command line
            // would be readable by every user of this workstation (LaunchPage).
            const QString opener = QStandardPaths::findExecutable(QStringLiteral("xdg-open"));
            const Result<QUrl> page = LaunchPage::write(*link);
            if (!page)
                context.warn(page.error().toString());
            else if (opener.isEmpty() || !QProcess::startDetached(opener, {page->toString(QUrl::FullyEncoded)}))
                context.warn(tr("Could not start a browser (xdg-open); open the link above yourself."));
        }

        QEventLoop loop;
        QString last;
        QObject::connect(&tunnel, &Tunnel::statusChanged, &loop, [&] {
            const Tunnel::Snapshot s = tunnel.snapshot();
            // Said when the state or its reason changes, not for every byte or countdown second.
            const QString line = Tunnel::stateName(s.state) + QStringLiteral(": ") + s.detail;
            if (line == last)
                return;
            last = line;
            context.err() << QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) << Tunnel::describe(s)
                          << '\n';
            context.err().flush();
        });
        if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
            return context.fail(Error(ErrorKind::Io, tr("Could not set up the interrupt handler.")));
        QSocketNotifier onSignal(g_signalPipe[0], QSocketNotifier::Read);
        QObject::connect(&onSignal, &QSocketNotifier::activated, &loop, &QEventLoop::quit);
        struct sigaction sa
        {
        };
        sa.sa_handler = onStopSignal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, nullptr);
        ::sigaction(SIGTERM, &sa, nullptr);
        loop.exec();
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        const Tunnel::Snapshot s = tunnel.snapshot();
        context.err() << tr("Stopped. %n connection(s) served, ", nullptr, int(s.totalConnections))
                      << tr("%1 MB to the browser, %2 MB to the sandbox.")
                             .arg(double(s.bytesToBrowser) / 1e6, 0, 'f', 1)
                             .arg(double(s.bytesToSandbox) / 1e6, 0, 'f', 1)
                      << '\n';
        tunnel.stop();
        return ExitOk;
    }
};

} // namespace

AIO_REGISTER_COMMAND(TunnelCommand)

} // namespace aio::cli
