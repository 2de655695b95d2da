#include "core/inventory/Target.h"

#include "core/common/SshAddress.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonValue>
#include <QRegularExpression>
#include <QSet>

namespace aio {

namespace {

Error invalidTarget(const QString& message, const QString& next = {})
{
    return Error(ErrorKind::InvalidInput, message, {}, next);
}

bool isControl(QChar c)
{
    return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format || c == QChar::LineSeparator
        || c == QChar::ParagraphSeparator;
}

// Reads an optional string member; a present non-string value is an error.
Result<QString> stringMember(const QJsonObject& object, const QString& key, const QString& where)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return Error(ErrorKind::Corrupt, Target::tr("%1: \"%2\" is not a text value.").arg(where, key));
    return value.toString();
}

Result<HostName> optionalHost(const QString& text, const QString& what)
{
    if (text.isEmpty())
        return HostName();
    auto host = HostName::parse(text);
    if (!host)
        return Error(ErrorKind::InvalidInput, Target::tr("%1: %2").arg(what, host.error().message), {},
                     host.error().nextStep);
    return host;
}
} // namespace

Target Target::makeVm(const QString& name, const VmSettings& settings)
{
    Target t;
    t.id = QUuid::createUuid();
    t.name = name;
    t.kind = TargetKind::Vm;
    t.vm = settings;
    return t;
}

Target Target::makeCluster(const QString& name, const ClusterSettings& settings)
{
    Target t;
    t.id = QUuid::createUuid();
    t.name = name;
    t.kind = TargetKind::Cluster;
    t.cluster = settings;
    return t;
}

Status Target::checkName(const QString& name)
{
    if (name.isEmpty())
        return invalidTarget(tr("The target name is empty."), tr("Give the target a short name such as prod-vm."));
    if (name.trimmed() != name)
        return invalidTarget(tr("The target name \"%1\" has leading or trailing spaces.").arg(name));
    if (name.size() > 100)
        return invalidTarget(tr("The target name is longer than 100 characters."));
    if (name.startsWith(QLatin1Char('-')))
        return invalidTarget(tr("The target name \"%1\" starts with \"-\".").arg(name),
                             tr("Names starting with \"-\" would be read as command-line options."));
    for (QChar c : name) {
        if (isControl(c))
            return invalidTarget(
                tr("The target name contains a control character (U+%1).").arg(c.unicode(), 4, 16, QLatin1Char('0')));
    }
    return {};
}

Status Target::checkKeyPath(const QString& path)
{
    if (path.isEmpty())
        return invalidTarget(tr("Key file authentication needs the path of a private key file."),
                             tr("Choose a key such as ~/.ssh/id_ed25519, or use the SSH agent."));
    for (QChar c : path) {
        if (isControl(c))
            return invalidTarget(tr("The key file path contains a control character."));
    }
    return {};
}

Status Target::checkKubeconfig(const QString& path)
{
    if (path.isEmpty())
        return invalidTarget(tr("The kubeconfig path is empty."),
                             tr("Choose a kubeconfig file such as ~/.kube/config."));
    const QFileInfo info(path);
    if (!info.exists())
        return Error(ErrorKind::NotFound, tr("The kubeconfig \"%1\" does not exist.").arg(path), {},
                     tr("Check the path, or copy the cluster's kubeconfig there first."));
    if (!info.isFile())
        return invalidTarget(tr("The kubeconfig \"%1\" is not a file.").arg(path));
    if (!info.isReadable())
        return Error(ErrorKind::PermissionDenied, tr("The kubeconfig \"%1\" is not readable.").arg(path), {},
                     tr("Check the file's permissions."));
    return {};
}

Status Target::checkNamespace(const QString& kubeNamespace)
{
    if (kubeNamespace.isEmpty())
        return {};
    bool ok = kubeNamespace.size() <= 63 && !kubeNamespace.startsWith(QLatin1Char('-'))
        && !kubeNamespace.endsWith(QLatin1Char('-'));
    for (QChar c : kubeNamespace) {
        const ushort u = c.unicode();
        ok = ok && ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-');
    }
    if (!ok)
        return invalidTarget(
            tr("The namespace \"%1\" is not valid.").arg(kubeNamespace),
            tr("Use at most 63 lowercase letters, digits and \"-\", not starting or ending with \"-\"."));
    return {};
}

QString Target::normalizeGroup(const QString& typed)
{
    QStringList parts = typed.split(QLatin1Char('/'));
    for (QString& part : parts)
        part = part.trimmed();
    const QString joined = parts.join(QLatin1Char('/'));
    return joined == QLatin1String("/") || joined.isEmpty() ? QString() : joined;
}

Status Target::checkGroup(const QString& group)
{
    if (group.isEmpty())
        return {};
    const QStringList parts = group.split(QLatin1Char('/'));
    if (parts.size() > 2)
        return invalidTarget(tr("The group \"%1\" is nested more than one level deep.").arg(group),
                             tr("Use a group such as Team or Team/Sub."));
    for (const QString& part : parts) {
        if (part.isEmpty())
            return invalidTarget(tr("The group \"%1\" has an empty part.").arg(group),
                                 tr("Use a group such as Team or Team/Sub."));
        if (part.trimmed() != part)
            return invalidTarget(tr("The group \"%1\" has spaces around a part.").arg(group));
        if (part.size() > 60)
            return invalidTarget(tr("A part of the group \"%1\" is longer than 60 characters.").arg(group));
        for (QChar c : part) {
            if (isControl(c))
                return invalidTarget(tr("The group name contains a control character (U+%1).")
                                         .arg(c.unicode(), 4, 16, QLatin1Char('0')));
        }
    }
    return {};
}

Status Target::checkTag(const QString& tag)
{
    if (tag.isEmpty())
        return invalidTarget(tr("A tag is empty."));
    if (tag.size() > 40)
        return invalidTarget(tr("The tag \"%1\" is longer than 40 characters.").arg(tag));
    if (tag.startsWith(QLatin1Char('-')))
        return invalidTarget(tr("The tag \"%1\" starts with \"-\".").arg(tag),
                             tr("Tags starting with \"-\" would be read as command-line options."));
    for (QChar c : tag) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.')
              || c == QLatin1Char(':') || c == QLatin1Char('+')))
            return invalidTarget(tr("The tag \"%1\" contains \"%2\".").arg(tag, QString(c)),
                                 tr("Use letters, digits and - _ . : + in tags."));
    }
    return {};
}

Result<QStringList> Target::parseTags(const QString& typed)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    QStringList tags;
    QSet<QString> seen;
    for (const QString& tag : typed.split(separators, Qt::SkipEmptyParts)) {
        if (Status s = checkTag(tag); !s)
            return s.error();
        if (seen.contains(tag.toCaseFolded()))
            continue;
        seen.insert(tag.toCaseFolded());
        tags.append(tag);
    }
    return tags;
}

bool Target::inGroup(const QString& wanted) const
{
    if (wanted.isEmpty())
        return group.isEmpty();
    return group.compare(wanted, Qt::CaseInsensitive) == 0
        || (group.size() > wanted.size() && group.at(wanted.size()) == QLatin1Char('/')
            && group.startsWith(wanted, Qt::CaseInsensitive));
}

bool Target::hasTag(const QString& tag) const
{
    return tags.contains(tag, Qt::CaseInsensitive);
}

Status Target::validate() const
{
    if (Status s = checkName(name); !s)
        return s.error().onTarget(name);
    if (kind == TargetKind::Vm) {
        if (vm.host.isEmpty())
            return invalidTarget(tr("The host is empty."),
                                 tr("Enter a DNS name such as vm.example.com or an IP address."))
                .onTarget(name);
        if (!vm.port.isValid())
            return invalidTarget(tr("The SSH port is not set; use 1 to 65535.")).onTarget(name);
        if (Status s = SshAddress::checkUser(vm.user); !s)
            return s.error().onTarget(name);
        if (vm.auth == SshAuthMethod::KeyFile) {
            if (Status s = checkKeyPath(vm.keyPath); !s)
                return s.error().onTarget(name);
        }
        if (!vm.jumpHost.isEmpty()) {
            if (Status s = SshAddress::checkUser(vm.jumpHost.user); !s)
                return s.error().onTarget(name);
        }
    } else {
        if (Status s = checkKubeconfig(cluster.kubeconfigPath); !s)
            return s.error().onTarget(name);
        if (Status s = checkNamespace(cluster.kubeNamespace); !s)
            return s.error().onTarget(name);
        for (QChar c : cluster.context) {
            if (isControl(c))
                return invalidTarget(tr("The context name contains a control character.")).onTarget(name);
        }
    }
    for (QChar c : notes) {
        if (isControl(c) && c != QLatin1Char('\n') && c != QLatin1Char('\t'))
            return invalidTarget(tr("The notes contain a control character.")).onTarget(name);
    }
    if (Status s = checkGroup(group); !s)
        return s.error().onTarget(name);
    QSet<QString> seen;
    for (const QString& tag : tags) {
        if (Status s = checkTag(tag); !s)
            return s.error().onTarget(name);
        if (seen.contains(tag.toCaseFolded()))
            return invalidTarget(tr("The tag \"%1\" is given twice.").arg(tag)).onTarget(name);
        seen.insert(tag.toCaseFolded());
    }
    return {};
}

QString Target::address() const
{
    return isVm() ? SshAddress::format(vm.user, vm.host, vm.port.value(), 22) : QString();
}

QString Target::kindName(TargetKind kind)
{
    return kind == TargetKind::Vm ? QStringLiteral("vm") : QStringLiteral("cluster");
}

QString Target::authName(SshAuthMethod auth)
{
    switch (auth) {
    case SshAuthMethod::Agent:
        return QStringLiteral("agent");
    case SshAuthMethod::KeyFile:
        return QStringLiteral("key");
    case SshAuthMethod::Password:
        return QStringLiteral("password");
    }
    return QStringLiteral("agent");
}

Result<SshAuthMethod> Target::parseAuth(const QString& text)
{
    if (text == QLatin1String("agent"))
        return SshAuthMethod::Agent;
    if (text == QLatin1String("key"))
        return SshAuthMethod::KeyFile;
    if (text == QLatin1String("password"))
        return SshAuthMethod::Password;
    return invalidTarget(tr("\"%1\" is not an authentication method.").arg(text), tr("Use agent, key or password."));
}

QJsonObject Target::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), id.toString(QUuid::WithoutBraces));
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("kind"), kindName(kind));
    o.insert(QStringLiteral("notes"), notes);
    if (!group.isEmpty())
        o.insert(QStringLiteral("group"), group);
    if (!tags.isEmpty())
        o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(tags));
    if (kind == TargetKind::Vm) {
        QJsonObject v;
        v.insert(QStringLiteral("host"), vm.host.toString());
        v.insert(QStringLiteral("port"), int(vm.port.value()));
        v.insert(QStringLiteral("user"), vm.user);
        v.insert(QStringLiteral("auth"), authName(vm.auth));
        v.insert(QStringLiteral("keyPath"), vm.keyPath);
        v.insert(QStringLiteral("jumpHost"), vm.jumpHost.toString());
        v.insert(QStringLiteral("sudo"), vm.sudo);
        v.insert(QStringLiteral("publicHost"), vm.publicHost.toString());
        if (!vm.knownHostsFiles.isEmpty())
            v.insert(QStringLiteral("knownHostsFiles"), QJsonArray::fromStringList(vm.knownHostsFiles));
        o.insert(QStringLiteral("vm"), v);
    } else {
        QJsonObject c;
        c.insert(QStringLiteral("kubeconfig"), cluster.kubeconfigPath);
        c.insert(QStringLiteral("context"), cluster.context);
        c.insert(QStringLiteral("namespace"), cluster.kubeNamespace);
        c.insert(QStringLiteral("ingressHost"), cluster.ingressHost.toString());
        o.insert(QStringLiteral("cluster"), c);
    }
    return o;
}

Result<Target> Target::fromJson(const QJsonObject& object)
{
    Target t;
    auto corrupt = [](const QString& message) {
        return Error(ErrorKind::Corrupt, message);
    };

    auto idText = stringMember(object, QStringLiteral("id"), tr("a target"));
    if (!idText)
        return idText.error();
    t.id = QUuid::fromString(*idText);
    if (t.id.isNull())
        return corrupt(tr("A target has no valid \"id\"."));
    auto nameText = stringMember(object, QStringLiteral("name"), t.id.toString(QUuid::WithoutBraces));
    if (!nameText)
        return nameText.error();
    t.name = *nameText;
    const QString where = tr("target \"%1\"").arg(t.name);
    auto notesText = stringMember(object, QStringLiteral("notes"), where);
    if (!notesText)
        return notesText.error();
    t.notes = *notesText;
    auto groupText = stringMember(object, QStringLiteral("group"), where);
    if (!groupText)
        return groupText.error();
    t.group = *groupText;
    if (Status s = checkGroup(t.group); !s)
        return corrupt(tr("%1: %2").arg(where, s.error().message));
    const QJsonValue tagsValue = object.value(QStringLiteral("tags"));
    if (!tagsValue.isUndefined()) {
        if (!tagsValue.isArray())
            return corrupt(tr("%1: \"tags\" is not a list.").arg(where));
        QSet<QString> seen;
        for (const QJsonValue& tag : tagsValue.toArray()) {
            if (!tag.isString())
                return corrupt(tr("%1: \"tags\" holds something that is not a text value.").arg(where));
            if (Status s = checkTag(tag.toString()); !s)
                return corrupt(tr("%1: %2").arg(where, s.error().message));
            if (seen.contains(tag.toString().toCaseFolded()))
                return corrupt(tr("%1: the tag \"%2\" is given twice.").arg(where, tag.toString()));
            seen.insert(tag.toString().toCaseFolded());
            t.tags.append(tag.toString());
        }
    }

    const QString kindText = object.value(QStringLiteral("kind")).toString();
    if (kindText == QLatin1String("vm")) {
        t.kind = TargetKind::Vm;
        const QJsonObject v = object.value(QStringLiteral("vm")).toObject();
        const QString hostText = v.value(QStringLiteral("host")).toString();
        auto host = HostName::parse(hostText);
        if (!host)
            return corrupt(tr("%1: the host is not valid: %2").arg(where, host.error().message));
        t.vm.host = *host;
        const QJsonValue portValue = v.value(QStringLiteral("port"));
        if (!portValue.isUndefined()) {
            if (!portValue.isDouble())
                return corrupt(tr("%1: \"port\" is not a number.").arg(where));
            auto port = Port::fromInt(portValue.toInteger(-1));
            if (!port)
                return corrupt(tr("%1: %2").arg(where, port.error().message));
            t.vm.port = *port;
        }
        t.vm.user = v.value(QStringLiteral("user")).toString();
        auto auth = parseAuth(v.value(QStringLiteral("auth")).toString(QStringLiteral("agent")));
        if (!auth)
            return corrupt(tr("%1: %2").arg(where, auth.error().message));
        t.vm.auth = *auth;
        t.vm.keyPath = v.value(QStringLiteral("keyPath")).toString();
        auto jump = JumpHost::parse(v.value(QStringLiteral("jumpHost")).toString());
        if (!jump)
            return corrupt(tr("%1: %2").arg(where, jump.error().message));
        t.vm.jumpHost = *jump;
        t.vm.sudo = v.value(QStringLiteral("sudo")).toBool(false);
        auto pub = optionalHost(v.value(QStringLiteral("publicHost")).toString(), tr("public host"));
        if (!pub)
            return corrupt(tr("%1: %2").arg(where, pub.error().message));
        t.vm.publicHost = *pub;
        const QJsonValue known = v.value(QStringLiteral("knownHostsFiles"));
        if (!known.isUndefined()) {
            if (!known.isArray())
                return corrupt(tr("%1: \"knownHostsFiles\" is not a list of paths.").arg(where));
            for (const QJsonValue& f : known.toArray()) {
                if (!f.isString() || (!f.toString().isEmpty() && QFileInfo(f.toString()).isRelative()))
                    return corrupt(
                        tr("%1: \"knownHostsFiles\" holds something that is not an absolute path.").arg(where));
                t.vm.knownHostsFiles << f.toString();
            }
        }
    } else if (kindText == QLatin1String("cluster")) {
        t.kind = TargetKind::Cluster;
        const QJsonObject c = object.value(QStringLiteral("cluster")).toObject();
        t.cluster.kubeconfigPath = c.value(QStringLiteral("kubeconfig")).toString();
        t.cluster.context = c.value(QStringLiteral("context")).toString();
        t.cluster.kubeNamespace = c.value(QStringLiteral("namespace")).toString();
        auto ingress = optionalHost(c.value(QStringLiteral("ingressHost")).toString(), tr("ingress host"));
        if (!ingress)
            return corrupt(tr("%1: %2").arg(where, ingress.error().message));
        t.cluster.ingressHost = *ingress;
    } else {
        return corrupt(tr("%1: unknown kind \"%2\" (expected vm or cluster).").arg(where, kindText));
    }

    // Field rules, but not whether the kubeconfig still exists: a moved file must not make the
    // whole inventory unreadable (it is reported when the target is used or edited).
    if (Status s = checkName(t.name); !s)
        return corrupt(tr("%1: %2").arg(where, s.error().message));
    if (t.isVm()) {
        if (Status s = SshAddress::checkUser(t.vm.user); !s)
            return corrupt(tr("%1: %2").arg(where, s.error().message));
        if (t.vm.auth == SshAuthMethod::KeyFile) {
            if (Status s = checkKeyPath(t.vm.keyPath); !s)
                return corrupt(tr("%1: %2").arg(where, s.error().message));
        }
    } else {
        if (t.cluster.kubeconfigPath.isEmpty())
            return corrupt(tr("%1: the kubeconfig path is empty.").arg(where));
        if (Status s = checkNamespace(t.cluster.kubeNamespace); !s)
            return corrupt(tr("%1: %2").arg(where, s.error().message));
    }
    return t;
}

} // namespace aio
