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
#include <QSet>

#include <algorithm>
#include <memory>
#include <vector>

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
    QString summary() const override
    {
        return TargetsCommand::tr("list, add, edit, remove, import and check deployment targets");
    }
    QString help() const override;
    int run(const QStringList& args, CommandContext& context) override;

private:
    int list(const QStringList& args, CommandContext& context);
    int addVm(const QStringList& args, CommandContext& context);
    int addCluster(const QStringList& args, CommandContext& context);
    int remove(const QStringList& args, CommandContext& context);
    int import(const QStringList& args, CommandContext& context);
    int check(const QStringList& args, CommandContext& context);
    int edit(const QStringList& args, CommandContext& context);
    int addTarget(const Target& target, CommandContext& context, Inventory* inventory);
    // What selectTargets refused: a usage error (exit 2) or a failure (exit 1).
    int failPick(const Error& error, CommandContext& context)
    {
        return error.kind == ErrorKind::Usage ? context.usageError(error.message, name()) : context.fail(error);
    }
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

// --group G and --tag T, repeatable, as options that pick targets.
const QCommandLineOption& groupOption()
{
    static const QCommandLineOption option(QStringLiteral("group"), TargetsCommand::tr("Group."),
                                           QStringLiteral("GROUP"));
    return option;
}

const QCommandLineOption& tagOption()
{
    static const QCommandLineOption option(QStringLiteral("tag"), TargetsCommand::tr("Tag."), QStringLiteral("TAG"));
    return option;
}

// The tags given with --tag (each may be a comma-separated list).
Result<QStringList> tagValues(const QCommandLineParser& parser, const QString& option)
{
    return Target::parseTags(parser.values(option).join(QLatin1Char(',')));
}

// The targets NAME... and those picked by --group / --tag, each once, in that order. An unknown
// name, group or tag is an error (a typo must not shrink what a command acts on).
Result<QList<Target>> selectTargets(const QCommandLineParser& parser, Inventory& inventory)
{
    QList<Target> picked;
    QSet<QUuid> seen;
    for (const QString& name : parser.positionalArguments()) {
        auto t = inventory.get(name);
        if (!t)
            return t.error();
        if (!seen.contains(t->id)) {
            seen.insert(t->id);
            picked.append(*t);
        }
    }
    // An empty value would pick nothing and look like success.
    for (const QString& option : {QStringLiteral("group"), QStringLiteral("tag")}) {
        for (const QString& value : parser.values(option)) {
            const bool noTag = option == QLatin1String("tag") && Target::parseTags(value).valueOr({}).isEmpty();
            if (value.trimmed().isEmpty() || noTag)
                return Error(ErrorKind::Usage, TargetsCommand::tr("--%1 needs a value.").arg(option));
        }
    }
    auto tags = tagValues(parser, QStringLiteral("tag"));
    if (!tags)
        return tags.error();
    QStringList groups;
    for (const QString& g : parser.values(QStringLiteral("group")))
        groups.append(Target::normalizeGroup(g));
    QStringList unknown;
    for (const Target& t : inventory.select(groups, *tags, &unknown)) {
        if (!seen.contains(t.id)) {
            seen.insert(t.id);
            picked.append(t);
        }
    }
    if (!unknown.isEmpty())
        return Error(ErrorKind::NotFound,
                     TargetsCommand::tr("No target is in %1.").arg(unknown.join(TargetsCommand::tr(", or "))), {},
                     TargetsCommand::tr("List the targets with their groups and tags with: aio-sandbox-manager "
                                        "targets list"));
    if (picked.isEmpty())
        return Error(ErrorKind::Usage, TargetsCommand::tr("No target was picked; give a NAME, --group or --tag."));
    return picked;
}

// A new target's --group and --tag.
Status organize(Target& target, const QCommandLineParser& parser)
{
    if (parser.values(QStringLiteral("group")).size() > 1)
        return Error(ErrorKind::Usage, TargetsCommand::tr("A target is in one group at most; give --group once."));
    target.group = Target::normalizeGroup(parser.value(QStringLiteral("group")));
    if (Status s = Target::checkGroup(target.group); !s)
        return s;
    auto tags = tagValues(parser, QStringLiteral("tag"));
    if (!tags)
        return tags.error();
    target.tags = *tags;
    return {};
}

QString TargetsCommand::help() const
{
    return tr("Usage:\n"
              "  aio-sandbox-manager targets list [--group GROUP]... [--tag TAG]... [--json]\n"
              "  aio-sandbox-manager targets add vm NAME --host HOST [--port PORT] [--user USER]\n"
              "        [--auth agent|key|password] [--key PATH] [--jump USER@HOST:PORT] [--sudo|--no-sudo]\n"
              "        [--public-host NAME] [--notes TEXT] [--group GROUP] [--tag TAG]... [--password-stdin]\n"
              "  aio-sandbox-manager targets add cluster NAME --kubeconfig PATH [--context CONTEXT]\n"
              "        [--namespace NAMESPACE] [--ingress-host NAME] [--notes TEXT] [--group GROUP] [--tag TAG]...\n"
              "  aio-sandbox-manager targets edit NAME... [--group GROUP|--no-group] [--tag TAG]... [--untag TAG]...\n"
              "  aio-sandbox-manager targets remove [NAME...] [--group GROUP]... [--tag TAG]... [--yes]\n"
              "  aio-sandbox-manager targets import ssh-config|kubeconfig [PATH] [--group GROUP|--group-by-file]\n"
              "  aio-sandbox-manager targets check [NAME...] [--group GROUP]... [--tag TAG]... [--jobs N]\n"
              "        [--accept-new-host-key|--strict-host-key] [--known-hosts FILE]\n"
              "\n"
              "Groups are folders: \"Team\" or, one level deeper, \"Team/Sub\"; --group GROUP picks the targets in\n"
              "GROUP and its subgroups. Tags are words of letters, digits and - _ . : + (--tag a,b gives two).\n"
              "Where targets are picked, NAME..., --group and --tag add up; an unknown name, group or tag is an\n"
              "error.\n"
              "\n"
              "list            shows the targets (only those picked, when --group or --tag is given); --json\n"
              "                prints them as a JSON array.\n"
              "edit            puts the targets in GROUP (--no-group: in none), adds and removes tags.\n"
              "add vm          adds a VM reached over SSH. --auth defaults to agent, or key when --key is given.\n"
              "                Root commands go through sudo unless the user is root or --no-sudo is given.\n"
              "                --password-stdin reads the SSH password (or, with another --auth, the sudo\n"
              "                password) from the first line of stdin and keeps it in the system keychain.\n"
              "add cluster     adds a Kubernetes cluster from a kubeconfig context.\n"
              "remove          removes the targets and their secrets from the keychain. More than one target\n"
              "                is removed only with --yes (without it, the list is printed and nothing changes).\n"
              "import          imports VM targets from an OpenSSH client config (default ~/.ssh/config) or\n"
              "                cluster targets from a kubeconfig (default $KUBECONFIG or ~/.kube/config).\n"
              "                Entries that cannot be imported are listed on stderr with their line. --group\n"
              "                puts what is imported in GROUP; --group-by-file puts the hosts of each file the\n"
              "                config Includes in a group named after that file (config.d/prod.conf: prod).\n"
              "check           logs in to a VM target the way deploy does (keychain, then the terminal when\n"
              "                stdin is one) and prints who you are there, the system, whether root commands\n"
              "                will work, the host key and the round trip. Changes nothing. Exit 1 when the\n"
              "                login fails. Several targets are checked --jobs at a time (default 4), one line\n"
              "                each; nothing is asked on the terminal then unless --jobs is 1. Exit 1 when any\n"
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
    if (sub == QLatin1String("edit"))
        return edit(args.mid(1), context);
    return context.usageError(tr("unknown subcommand \"%1\"; use list, add, edit, remove, import or check.").arg(sub),
                              name());
}

int TargetsCommand::list(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions({json, groupOption(), tagOption()});
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return context.usageError(tr("\"targets list\" takes no arguments."), name());
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());
    QList<Target> shown = inventory->targets();
    if (parser.isSet(groupOption()) || parser.isSet(tagOption())) {
        auto picked = selectTargets(parser, *inventory);
        if (!picked)
            return failPick(picked.error(), context);
        shown = *picked;
    }

    if (parser.isSet(json)) {
        QJsonArray array;
        for (const Target& t : shown)
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
    // GROUP and TAGS show when some target has one (an inventory without them reads as before).
    bool organized = false;
    for (const Target& t : std::as_const(shown))
        organized = organized || !t.group.isEmpty() || !t.tags.isEmpty();
    QList<QStringList> rows;
    rows.append({tr("NAME"), tr("KIND"), tr("CONNECTION"), tr("AUTH")});
    if (organized)
        rows.first() << tr("GROUP") << tr("TAGS");
    for (const Target& t : std::as_const(shown)) {
        rows.append({t.name, Target::kindName(t.kind), connectionText(t),
                     t.isVm() ? Target::authName(t.vm.auth) + (t.vm.sudo ? tr(", sudo") : QString()) : QString()});
        if (organized)
            rows.last() << t.group << t.tags.join(QLatin1Char(','));
    }
    const qsizetype columns = rows.first().size();
    QList<qsizetype> widths(columns, 0);
    for (const QStringList& row : rows) {
        for (qsizetype c = 0; c < columns; ++c)
            widths[c] = std::max(widths[c], row.at(c).size());
    }
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype c = 0; c < columns; ++c)
            line += c < columns - 1 ? row.at(c).leftJustified(widths[c] + 2) : row.at(c);
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
    parser.addOptions({host, port, user, auth, key, jump, sudo, noSudo, publicHost, notes, passwordStdin, groupOption(),
                       tagOption()});
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
    if (Status s = organize(target, parser); !s)
        return context.fail(s.error());

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
    parser.addOptions({kubeconfig, kubeContext, kubeNamespace, ingress, notes, groupOption(), tagOption()});
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
    if (Status s = organize(target, parser); !s)
        return context.fail(s.error());
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
    const QCommandLineOption yes(QStringLiteral("yes"), tr("Remove several targets without asking."));
    parser.addOptions({groupOption(), tagOption(), yes});
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    if (parser.positionalArguments().isEmpty() && !parser.isSet(groupOption()) && !parser.isSet(tagOption()))
        return context.usageError(tr("\"targets remove\" needs a NAME, --group GROUP or --tag TAG."), name());
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());
    auto picked = selectTargets(parser, *inventory);
    if (!picked)
        return failPick(picked.error(), context);
    QStringList names;
    QList<QUuid> ids;
    for (const Target& t : std::as_const(*picked)) {
        names.append(t.name);
        ids.append(t.id);
    }
    // One confirmation for many: the list, then --yes.
    if (picked->size() > 1 && !parser.isSet(yes)) {
        context.err()
            << tr("These %1 targets would be removed: %2").arg(picked->size()).arg(names.join(QStringLiteral(", ")))
            << Qt::endl;
        return context.usageError(tr("removing more than one target needs --yes; nothing was removed."), name());
    }
    if (Status s = inventory->removeMany(ids); !s)
        return context.fail(s.error());
    context.out() << (picked->size() == 1
                          ? tr("Removed target \"%1\".").arg(names.first())
                          : tr("Removed %1 targets: %2").arg(picked->size()).arg(names.join(QStringLiteral(", "))))
                  << Qt::endl;

    SecretStore store;
    bool keychain = true;
    for (const Target& t : std::as_const(*picked)) {
        if (Status s = VmDeploymentSetup::removeKeyFiles(Profile::dataDir(), t.id); !s)
            context.warn(s.error().toString());
        for (SecretKind kind : kAllSecretKinds) {
            if (!keychain)
                break;
            Status removed = store.removeBlocking(t.id, kind);
            if (!removed && removed.error().kind == ErrorKind::KeychainUnavailable)
                keychain = false; // nothing can be stored there either
            else if (!removed)
                context.warn(tr("Could not remove the %1 of \"%2\" from the keychain: %3")
                                 .arg(SecretStore::kindName(kind), t.name, removed.error().toString()));
        }
    }
    return ExitOk;
}

int TargetsCommand::edit(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    const QCommandLineOption noGroup(QStringLiteral("no-group"), tr("Take the targets out of their group."));
    const QCommandLineOption untag(QStringLiteral("untag"), tr("Remove a tag."), QStringLiteral("TAG"));
    parser.addOptions({groupOption(), noGroup, tagOption(), untag});
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    if (parser.positionalArguments().isEmpty())
        return context.usageError(tr("\"targets edit\" needs at least one NAME."), name());
    if (parser.isSet(groupOption()) && parser.isSet(noGroup))
        return context.usageError(tr("--group and --no-group exclude each other."), name());
    if (parser.values(groupOption()).size() > 1)
        return context.usageError(tr("A target is in one group at most; give --group once."), name());
    if (!parser.isSet(groupOption()) && !parser.isSet(noGroup) && !parser.isSet(tagOption()) && !parser.isSet(untag))
        return context.usageError(tr("\"targets edit\" needs --group, --no-group, --tag or --untag."), name());
    auto add = tagValues(parser, QStringLiteral("tag"));
    if (!add)
        return context.fail(add.error());
    auto drop = tagValues(parser, QStringLiteral("untag"));
    if (!drop)
        return context.fail(drop.error());
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());
    QList<QUuid> ids;
    QStringList names;
    for (const QString& name : parser.positionalArguments()) {
        auto t = inventory->get(name);
        if (!t)
            return context.fail(t.error());
        ids.append(t->id);
        names.append(t->name);
    }
    // One change, one write: a bad group leaves the tags alone too.
    std::optional<QString> group;
    if (parser.isSet(groupOption()) || parser.isSet(noGroup))
        group = parser.isSet(noGroup) ? QString() : parser.value(groupOption());
    if (Status s = inventory->organize(ids, group, *add, *drop); !s)
        return context.fail(s.error());
    for (const QUuid& id : std::as_const(ids)) {
        const Target t = *inventory->findById(id);
        context.out() << tr("%1: group %2, tags %3")
                             .arg(t.name, t.group.isEmpty() ? tr("(none)") : t.group,
                                  t.tags.isEmpty() ? tr("(none)") : t.tags.join(QLatin1Char(',')))
                      << Qt::endl;
    }
    return ExitOk;
}

int TargetsCommand::import(const QStringList& args, CommandContext& context)
{
    QCommandLineParser parser;
    const QCommandLineOption byFile(QStringLiteral("group-by-file"), tr("Group by the Include'd file."));
    parser.addOptions({groupOption(), byFile});
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
    if (parser.isSet(groupOption()) && parser.isSet(byFile))
        return context.usageError(tr("--group and --group-by-file exclude each other."), name());
    if (parser.isSet(groupOption())) {
        if (Status s = imported->setGroup(parser.value(groupOption())); !s)
            return context.fail(s.error());
    } else if (parser.isSet(byFile)) {
        imported->groupByIncludedFile(path);
    }
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
    const QCommandLineOption jobs(QStringLiteral("jobs"), tr("Targets checked at once."), QStringLiteral("N"));
    parser.addOptions({groupOption(), tagOption(), jobs});
    int code = ExitOk;
    if (!parse(parser, args, context, code))
        return code;
    if (parser.positionalArguments().isEmpty() && !parser.isSet(groupOption()) && !parser.isSet(tagOption()))
        return context.usageError(tr("\"targets check\" needs a NAME, --group GROUP or --tag TAG."), name());
    if (const std::optional<QString> wrong = SshLogin::checkOptions(parser))
        return context.usageError(*wrong, name());
    int jobCount = ConnectionCheck::defaultJobs;
    if (parser.isSet(jobs)) {
        bool ok = false;
        jobCount = parser.value(jobs).toInt(&ok);
        if (!ok || jobCount < 1 || jobCount > ConnectionCheck::maxJobs)
            return context.usageError(tr("--jobs takes a number from 1 to %1.").arg(ConnectionCheck::maxJobs), name());
    }
    Inventory* inventory = context.inventory();
    if (!inventory)
        return context.fail(context.inventoryError());
    Result<QList<Target>> picked = selectTargets(parser, *inventory);
    if (!picked)
        return failPick(picked.error(), context);
    const QList<Target> targets = *picked;
    SecretStore store;

    if (targets.size() == 1) {
        const Target& target = targets.first();
        if (!target.isVm())
            return context.fail(
                Error(ErrorKind::Usage, tr("%1 is a cluster; only VM targets are reached over SSH.").arg(target.name)));
        const SshLogin login(target, parser, store);
        SshSession session(login.settings(), login.callbacks());
        Result<ConnectionReport> report = ConnectionCheck::run(session);
        session.disconnectFromHost();
        if (!report) {
            const int failed = context.fail(report.error().onTarget(target.name));
            login.noteIfUnasked(context.err());
            return failed;
        }
        context.out() << tr("Connected to %1 (%2)").arg(target.name, login.settings().displayName()) << '\n';
        for (const QString& line : report->lines())
            context.out() << QStringLiteral("  ") << line << '\n';
        context.out().flush();
        return ExitOk;
    }

    // Several: jobCount at a time, one line each as it ends; prompts only when one runs at a time.
    std::vector<std::unique_ptr<SshLogin>> logins;
    for (const Target& t : targets)
        logins.push_back(t.isVm() ? std::make_unique<SshLogin>(t, parser, store, jobCount == 1) : nullptr);
    const qsizetype nameWidth = std::max_element(targets.begin(), targets.end(), [](const Target& a, const Target& b) {
                                    return a.name.size() < b.name.size();
                                })->name.size();
    int failed = 0;
    int skipped = 0;
    ConnectionCheck::runMany(
        targets,
        [&](const Target& t) -> Result<std::shared_ptr<SshSession>> {
            const auto i = size_t(&t - targets.constData()); // runMany hands out targets' own elements
            return std::make_shared<SshSession>(logins.at(i)->settings(), logins.at(i)->callbacks());
        },
        jobCount, CancelToken(),
        [&](int i, const Result<ConnectionReport>& report) {
            const QString name = targets.at(i).name.leftJustified(nameWidth + 2);
            if (report) {
                context.out() << name
                              << tr("ok      %1 · %2 · %3 · %4 ms")
                                     .arg(report->user, report->os, report->sudoText())
                                     .arg(report->roundTripMs)
                              << Qt::endl;
                return;
            }
            if (!targets.at(i).isVm()) {
                ++skipped; // a cluster is not reached over SSH: not a failed login
                context.out() << name << tr("skipped a cluster; it is not reached over SSH") << Qt::endl;
                return;
            }
            ++failed;
            context.out() << name << tr("FAILED  %1").arg(report.error().message) << Qt::endl;
            if (!report.error().nextStep.isEmpty())
                context.out() << QString(nameWidth + 2 + 8, QLatin1Char(' ')) << report.error().nextStep << Qt::endl;
            if (logins.at(size_t(i)))
                logins.at(size_t(i))->noteIfUnasked(context.err());
        });
    const qsizetype vms = targets.size() - skipped;
    context.out() << tr("Reached: %1 of %2 VM targets.").arg(vms - failed).arg(vms);
    if (skipped > 0)
        context.out() << tr(" Skipped (clusters, not reached over SSH): %1.").arg(skipped);
    context.out() << Qt::endl;
    return failed == 0 ? ExitOk : ExitUserError;
}
} // namespace

} // namespace aio::cli

namespace aio::cli {
AIO_REGISTER_COMMAND(TargetsCommand)
}
