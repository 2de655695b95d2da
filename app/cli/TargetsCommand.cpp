#include "app/cli/Command.h"
#include "app/cli/SshLogin.h"
#include "core/ssh/ConnectionCheck.h"
#include "core/ssh/SshSession.h"

#include "core/common/Profile.h"
#include "core/deploy/VmDeployAnswers.h"
#include "core/deploy/vm/VmDeploymentSetup.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/KubeconfigImporter.h"
#include "core/inventory/SecretStore.h"
#include "core/inventory/SshConfigImporter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#include <iostream>
#include <string>

namespace aio::cli {

namespace {
class TargetsCommand : public Command
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::TargetsCommand)

public:
    QString name() const override { return QStringLiteral("targets"); }
    QString summary() const override { return TargetsCommand::tr("list, add, remove and import deployment targets"); }
    QString help() const override;
    int run(const QStringList& args, CommandContext& context) override;

private:
    int list(const QStringList& args, CommandContext& context);
    int addVm(const QStringList& args, CommandContext& context);
    int addCluster(const QStringList& args, CommandContext& context);
    int remove(const QStringList& args, CommandContext& context);
    int import(const QStringList& args, CommandContext& context);
    int check(const QStringList& args, CommandContext& context);
    int addTarget(const Target& target, CommandContext& context, Inventory* inventory);
    // Parses args (without the program name) into parser; on a usage problem prints it.
    bool parse(QCommandLineParser& parser, const QStringList& args, CommandContext& context, int& code);
};

QString absolutePath(const QString& path)
{
    if (path.isEmpty())
        return path;
    QString expanded = path;
    if (expanded == QLatin1String("~"))
        expanded = QDir::homePath();
    else if (expanded.startsWith(QLatin1String("~/")))
        expanded = QDir::homePath() + expanded.mid(1);
    return QDir::cleanPath(QFileInfo(expanded).absoluteFilePath());
}

// One line on stdin, without its newline (for --password-stdin; nothing is echoed).
QString readSecretLine()
{
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return QString::fromStdString(line);
}

QString connectionText(const Target& t)
{
    if (t.isVm()) {
        QString text = t.address();
        if (!t.vm.jumpHost.isEmpty())
            text += TargetsCommand::tr(" via %1").arg(t.vm.jumpHost.toString());
        return text;
    }
    QString text = t.cluster.context.isEmpty() ? TargetsCommand::tr("(current context)") : t.cluster.context;
    if (!t.cluster.kubeNamespace.isEmpty())
        text += QLatin1Char('/') + t.cluster.kubeNamespace;
    return text + TargetsCommand::tr(" in %1").arg(t.cluster.kubeconfigPath);
}

QString TargetsCommand::help() const
{
    return tr("Usage:\n"
              "  aio-sandbox-manager targets list [--json]\n"
              "  aio-sandbox-manager targets add vm NAME --host HOST [--port PORT] [--user USER]\n"
              "        [--auth agent|key|password] [--key PATH] [--jump USER@HOST:PORT] [--sudo|--no-sudo]\n"
              "        [--public-host NAME] [--notes TEXT] [--password-stdin]\n"
              "  aio-sandbox-manager targets add cluster NAME --kubeconfig PATH [--context CONTEXT]\n"
              "        [--namespace NAMESPACE] [--ingress-host NAME] [--notes TEXT]\n"
              "  aio-sandbox-manager targets remove NAME\n"
              "  aio-sandbox-manager targets import ssh-config|kubeconfig [PATH]\n"
              "  aio-sandbox-manager targets check NAME [--accept-new-host-key|--strict-host-key]\n"
              "        [--known-hosts FILE]\n"
              "\n"
              "list            shows the targets; --json prints them as a JSON array.\n"
              "add vm          adds a VM reached over SSH. --auth defaults to agent, or key when --key is given.\n"
              "                Root commands go through sudo unless the user is root or --no-sudo is given.\n"
              "                --password-stdin reads the SSH password (or, with another --auth, the sudo\n"
              "                password) from the first line of stdin and keeps it in the system keychain.\n"
              "add cluster     adds a Kubernetes cluster from a kubeconfig context.\n"
              "remove          removes the target and its secrets from the keychain.\n"
              "import          imports VM targets from an OpenSSH client config (default ~/.ssh/config) or\n"
              "                cluster targets from a kubeconfig (default $KUBECONFIG or ~/.kube/config).\n"
              "                Entries that cannot be imported are listed on stderr with their line.\n"
              "check           logs in to a VM target the way deploy does (keychain, then the terminal when\n"
              "                stdin is one) and prints who you are there, the system, whether root commands\n"
              "                will work, the host key and the round trip. Changes nothing. Exit 1 when the\n"
              "                login fails.\n");
}

bool TargetsCommand::parse(QCommandLineParser& parser, const QStringList& args, CommandContext& context, int& code)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(QStringList{QStringLiteral("aio-sandbox-manager")} + args)) {
        code = context.usageError(parser.errorText(), name());
        return false;
    }
    return true;
}

int TargetsCommand::run(const QStringList& args, CommandContext& context)
{
    if (args.isEmpty()) {
        context.err() << help();
        return ExitUsage;
    }
    const QString sub = args.first();
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub == QLatin1String("help")) {
        context.out() << help();
        return ExitOk;
    }
    if (args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"))) {
        context.out() << help();
        return ExitOk;
    }
    if (sub == QLatin1String("list"))
        return list(args.mid(1), context);
    if (sub == QLatin1String("add")) {
        const QString kind = args.value(1);
        if (kind == QLatin1String("vm"))
            return addVm(args.mid(2), context);
        if (kind == QLatin1String("cluster"))
            return addCluster(args.mid(2), context);
        return context.usageError(kind.isEmpty() ? tr("\"targets add\" needs vm or cluster.")
                                                 : tr("\"%1\" is not a target kind; use vm or cluster.").arg(kind),
                                  name());
    }
    if (sub == QLatin1String("remove"))
        return remove(args.mid(1), context);
    if (sub == QLatin1String("import"))
        return import(args.mid(1), context);
    if (sub == QLatin1String("check"))
        return check(args.mid(1), context);
    return context.usageError(tr("unknown subcommand \"%1\"; use list, add, remove, import or check.").arg(sub),
                              name());
}

int TargetsCommand::list(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOption(json);
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return context.usageError(tr("\"targets list\" takes no arguments."), name());
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());

    if (parser.isSet(json)) {
        QJsonArray array;
        for (const Target& t : inventory->targets())
            array.append(t.toJson());
        context.out() << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        return ExitOk;
    }
    if (inventory->count() == 0) {
        context.out() << tr("No targets yet. Add one with \"targets add vm NAME --host HOST\" or import them with "
                            "\"targets import ssh-config\".")
                      << Qt::endl;
        return ExitOk;
    }
    QList<QStringList> rows;
    rows.append({tr("NAME"), tr("KIND"), tr("CONNECTION"), tr("AUTH")});
    for (const Target& t : inventory->targets()) {
        rows.append({t.name, Target::kindName(t.kind), connectionText(t),
                     t.isVm() ? Target::authName(t.vm.auth) + (t.vm.sudo ? tr(", sudo") : QString()) : QString()});
    }
    QList<qsizetype> widths(4, 0);
    for (const QStringList& row : rows) {
        for (int c = 0; c < 4; ++c)
            widths[c] = std::max(widths[c], row.at(c).size());
    }
    for (const QStringList& row : rows) {
        QString line;
        for (int c = 0; c < 4; ++c)
            line += c < 3 ? row.at(c).leftJustified(widths[c] + 2) : row.at(c);
        context.out() << line.trimmed() << Qt::endl;
    }
    return ExitOk;
}

int TargetsCommand::addTarget(const Target& target, CommandContext& context, Inventory* inventory)
{
    auto added = inventory->add(target);
    if (!added)
        return context.fail(added.error());
    context.out() << tr("Added %1 target \"%2\".").arg(Target::kindName(added->kind), added->name) << Qt::endl;
    return ExitOk;
}

int TargetsCommand::addVm(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    const QCommandLineOption host(QStringLiteral("host"), tr("Host name or IP address."), QStringLiteral("HOST"));
    const QCommandLineOption port(QStringLiteral("port"), tr("SSH port."), QStringLiteral("PORT"),
                                  QStringLiteral("22"));
    const QCommandLineOption user(QStringLiteral("user"), tr("SSH user."), QStringLiteral("USER"));
    const QCommandLineOption auth(QStringLiteral("auth"), tr("agent, key or password."), QStringLiteral("METHOD"));
    const QCommandLineOption key(QStringLiteral("key"), tr("Private key file."), QStringLiteral("PATH"));
    const QCommandLineOption jump(QStringLiteral("jump"), tr("Jump host."), QStringLiteral("USER@HOST:PORT"));
    const QCommandLineOption sudo(QStringLiteral("sudo"), tr("Root commands go through sudo."));
    const QCommandLineOption noSudo(QStringLiteral("no-sudo"), tr("Root commands run as the user itself."));
    const QCommandLineOption publicHost(QStringLiteral("public-host"), tr("Public host name."), QStringLiteral("NAME"));
    const QCommandLineOption notes(QStringLiteral("notes"), tr("Notes."), QStringLiteral("TEXT"));
    const QCommandLineOption passwordStdin(QStringLiteral("password-stdin"), tr("Read the password from stdin."));
    parser.addOptions({host, port, user, auth, key, jump, sudo, noSudo, publicHost, notes, passwordStdin});
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return context.usageError(tr("\"targets add vm\" needs exactly one NAME."), name());
    if (!parser.isSet(host))
        return context.usageError(tr("\"targets add vm\" needs --host HOST."), name());

    VmSettings vm;
    auto parsedHost = HostName::parse(parser.value(host));
    if (!parsedHost)
        return context.fail(parsedHost.error());
    vm.host = *parsedHost;
    auto parsedPort = Port::parse(parser.value(port));
    if (!parsedPort)
        return context.fail(parsedPort.error());
    vm.port = *parsedPort;
    vm.user = parser.value(user);
    vm.keyPath = absolutePath(parser.value(key));
    vm.auth = vm.keyPath.isEmpty() ? SshAuthMethod::Agent : SshAuthMethod::KeyFile;
    if (parser.isSet(auth)) {
        auto method = Target::parseAuth(parser.value(auth));
        if (!method)
            return context.fail(method.error());
        vm.auth = *method;
    }
    auto parsedJump = JumpHost::parse(parser.value(jump));
    if (!parsedJump)
        return context.fail(parsedJump.error());
    vm.jumpHost = *parsedJump;
    if (parser.isSet(sudo) && parser.isSet(noSudo))
        return context.usageError(tr("--sudo and --no-sudo exclude each other."), name());
    // Deploying needs root: a user other than root gets it through sudo unless told otherwise.
    const QString loginUser = vm.user.isEmpty() ? qEnvironmentVariable("USER") : vm.user;
    vm.sudo = parser.isSet(sudo) || (!parser.isSet(noSudo) && loginUser != QLatin1String("root"));
    if (!parser.value(publicHost).isEmpty()) {
        auto parsedPublic = HostName::parse(parser.value(publicHost));
        if (!parsedPublic)
            return context.fail(parsedPublic.error());
        // The deployment's public host: the answers' rules apply here too.
        if (Status s = VmDeployAnswers::checkPublicHost(*parsedPublic); !s)
            return context.fail(s.error());
        vm.publicHost = *parsedPublic;
    }
    Target target = Target::makeVm(positional.first(), vm);
    target.notes = parser.value(notes);

    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());
    // Check everything before reading a secret, so a refused target asks for nothing.
    if (Status s = inventory->check(target); !s)
        return context.fail(s.error());
    QString secret;
    if (parser.isSet(passwordStdin)) {
        secret = readSecretLine();
        if (secret.isEmpty())
            return context.fail(Error(ErrorKind::InvalidInput, tr("--password-stdin read an empty password.")));
    }
    code = addTarget(target, context, inventory);
    if (code != ExitOk || secret.isEmpty())
        return code;

    const SecretKind kind = vm.auth == SshAuthMethod::Password ? SecretKind::Password : SecretKind::SudoPassword;
    SecretStore store;
    Status stored = store.writeBlocking(target.id, kind, secret);
    secret.fill(QLatin1Char('\0'));
    if (!stored) {
        if (stored.error().kind == ErrorKind::KeychainUnavailable) {
            context.warn(tr("No keychain service is running, so the password was not stored. The app will ask "
                            "for it when it is needed."));
            return ExitOk;
        }
        context.fail(stored.error());
        context.warn(tr("The target was added without its password."));
        return ExitUserError;
    }
    context.out() << tr("The password is stored in the system keychain.") << Qt::endl;
    return ExitOk;
}

int TargetsCommand::addCluster(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"), tr("Kubeconfig file."), QStringLiteral("PATH"));
    const QCommandLineOption kubeContext(QStringLiteral("context"), tr("Context."), QStringLiteral("CONTEXT"));
    const QCommandLineOption kubeNamespace(QStringLiteral("namespace"), tr("Namespace."), QStringLiteral("NS"));
    const QCommandLineOption ingress(QStringLiteral("ingress-host"), tr("Ingress host name."), QStringLiteral("NAME"));
    const QCommandLineOption notes(QStringLiteral("notes"), tr("Notes."), QStringLiteral("TEXT"));
    parser.addOptions({kubeconfig, kubeContext, kubeNamespace, ingress, notes});
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return context.usageError(tr("\"targets add cluster\" needs exactly one NAME."), name());
    if (!parser.isSet(kubeconfig))
        return context.usageError(tr("\"targets add cluster\" needs --kubeconfig PATH."), name());

    ClusterSettings cluster;
    cluster.kubeconfigPath = absolutePath(parser.value(kubeconfig));
    cluster.context = parser.value(kubeContext);
    cluster.kubeNamespace = parser.value(kubeNamespace);
    if (!parser.value(ingress).isEmpty()) {
        auto parsedIngress = HostName::parse(parser.value(ingress));
        if (!parsedIngress)
            return context.fail(parsedIngress.error());
        cluster.ingressHost = *parsedIngress;
    }
    Target target = Target::makeCluster(positional.first(), cluster);
    target.notes = parser.value(notes);
    if (Status s = target.validate(); !s)
        return context.fail(s.error());

    // The kubeconfig must parse, and a named context must be in it.
    auto contexts = KubeconfigImporter::importFile(cluster.kubeconfigPath);
    if (!contexts)
        return context.fail(contexts.error().onTarget(target.name));
    if (!cluster.context.isEmpty()) {
        bool found = false;
        for (const Target& t : contexts->targets)
            found = found || t.cluster.context == cluster.context;
        if (!found) {
            return context.fail(Error(ErrorKind::NotFound,
                                      tr("The kubeconfig \"%1\" has no usable context \"%2\".")
                                          .arg(cluster.kubeconfigPath, cluster.context),
                                      {},
                                      tr("List its contexts with: kubectl config get-contexts --kubeconfig %1")
                                          .arg(cluster.kubeconfigPath))
                                    .onTarget(target.name));
        }
    }
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());
    return addTarget(target, context, inventory);
}

int TargetsCommand::remove(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return context.usageError(tr("\"targets remove\" needs exactly one NAME."), name());
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());
    auto target = inventory->get(parser.positionalArguments().first());
    if (!target)
        return context.fail(target.error());
    if (Status s = inventory->remove(target->id); !s)
        return context.fail(s.error());
    context.out() << tr("Removed target \"%1\".").arg(target->name) << Qt::endl;
    if (Status s = VmDeploymentSetup::removeKeyFiles(Profile::dataDir(), target->id); !s)
        context.warn(s.error().toString());

    SecretStore store;
    for (SecretKind kind : kAllSecretKinds) {
        Status removed = store.removeBlocking(target->id, kind);
        if (!removed && removed.error().kind == ErrorKind::KeychainUnavailable)
            break; // nothing can be stored there either
        if (!removed)
            context.warn(tr("Could not remove the %1 from the keychain: %2")
                             .arg(SecretStore::kindName(kind), removed.error().toString()));
    }
    return ExitOk;
}

int TargetsCommand::import(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty() || positional.size() > 2)
        return context.usageError(tr("\"targets import\" needs ssh-config or kubeconfig, and at most one PATH."),
                                  name());
    const QString source = positional.first();
    Result<ImportResult> imported = Error(ErrorKind::Internal, {});
    QString path;
    if (source == QLatin1String("ssh-config")) {
        path = positional.size() > 1 ? positional.at(1) : SshConfigImporter::defaultPath();
        imported = SshConfigImporter::importFile(path);
    } else if (source == QLatin1String("kubeconfig")) {
        path = positional.size() > 1 ? positional.at(1) : KubeconfigImporter::defaultPath();
        imported = KubeconfigImporter::importFile(path);
    } else {
        return context.usageError(tr("cannot import from \"%1\"; use ssh-config or kubeconfig.").arg(source), name());
    }
    if (!imported)
        return context.fail(imported.error());
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());

    auto addedTargets = inventory->addImported(*imported, path);
    if (!addedTargets)
        return context.fail(addedTargets.error());
    QStringList added;
    for (const Target& t : *addedTargets)
        added.append(t.name);
    const QList<ImportIssue>& skipped = imported->skipped;
    if (added.isEmpty())
        context.out() << tr("Imported no targets from %1.").arg(path) << Qt::endl;
    else
        context.out() << QCoreApplication::translate("aio::cli::TargetsCommand", "Imported %n target(s) from %1: %2",
                                                     nullptr, int(added.size()))
                             .arg(path, added.join(QStringLiteral(", ")))
                      << Qt::endl;
    for (const ImportIssue& issue : skipped)
        context.err() << tr("skipped: %1").arg(issue.toString()) << Qt::endl;
    return ExitOk;
}

int TargetsCommand::check(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    SshLogin::addOptions(parser);
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return context.usageError(tr("\"targets check\" needs exactly one NAME."), name());
    if (const std::optional<QString> wrong = SshLogin::checkOptions(parser))
        return context.usageError(*wrong, name());
    Result<Target> target = context.target(parser.positionalArguments().first());
    if (!target)
        return context.fail(target.error());
    if (!target->isVm())
        return context.fail(
            Error(ErrorKind::Usage, tr("%1 is a cluster; only VM targets are reached over SSH.").arg(target->name)));
    SecretStore store;
    const SshLogin login(*target, parser, store);
    SshSession session(login.settings(), login.callbacks());
    Result<ConnectionReport> report = ConnectionCheck::run(session);
    session.disconnectFromHost();
    if (!report) {
        const int failed = context.fail(report.error().onTarget(target->name));
        login.noteIfUnasked(context.err());
        return failed;
    }
    context.out() << tr("Connected to %1 (%2)").arg(target->name, login.settings().displayName()) << '\n';
    for (const QString& line : report->lines())
        context.out() << QStringLiteral("  ") << line << '\n';
    context.out().flush();
    return ExitOk;
}
} // namespace

} // namespace aio::cli

namespace aio::cli {
AIO_REGISTER_COMMAND(TargetsCommand)
}
