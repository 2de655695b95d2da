#include "core/inventory/KubeconfigImporter.h"

#include "core/inventory/InventoryLogging.h"

#include <yaml-cpp/yaml.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <string>

namespace aio {

namespace {

constexpr qint64 kMaxKubeconfigBytes = 8 * 1024 * 1024;

int lineOf(const YAML::Node& node)
{
    const YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? mark.line + 1 : 0;
}

// The scalar at node[key], or a null QString when absent or not a scalar.
QString scalar(const YAML::Node& node, const char* key)
{
    if (!node.IsMap())
        return {};
    const YAML::Node value = node[key];
    if (!value || !value.IsScalar())
        return {};
    return QString::fromStdString(value.Scalar());
}

// Names defined in a top-level list such as clusters: or users:, and which of them are usable.
QSet<QString> namedEntries(const YAML::Node& root, const char* list, const char* inner, const QString& file,
                           ImportResult& result, bool needServer)
{
    QSet<QString> names;
    const YAML::Node entries = root[list];
    if (!entries || !entries.IsSequence())
        return names;
    for (const YAML::Node& entry : entries) {
        const QString name = scalar(entry, "name");
        if (name.isEmpty())
            continue; // reported through the contexts that refer to it
        if (needServer) {
            const YAML::Node body = entry.IsMap() ? entry[inner] : YAML::Node();
            if (scalar(body, "server").isEmpty()) {
                result.skipped.append(
                    ImportIssue{file, lineOf(entry), name,
                                KubeconfigImporter::tr("the cluster has no server address; contexts using it are "
                                                       "not imported.")});
                continue;
            }
        }
        names.insert(name);
    }
    return names;
}
} // namespace

QString KubeconfigImporter::defaultPath()
{
    const QString env = qEnvironmentVariable("KUBECONFIG");
    if (!env.isEmpty()) {
        const QString first = env.split(QDir::listSeparator(), Qt::SkipEmptyParts).value(0);
        if (!first.isEmpty())
            return first;
    }
    return QDir::homePath() + QStringLiteral("/.kube/config");
}

Result<ImportResult> KubeconfigImporter::importFile(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Error(ErrorKind::NotFound, tr("The kubeconfig \"%1\" does not exist.").arg(path));
    QFile file(path);
    if (file.size() > kMaxKubeconfigBytes)
        return Error(ErrorKind::InvalidInput, tr("The kubeconfig \"%1\" is larger than 8 MiB.").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, tr("Cannot read the kubeconfig \"%1\".").arg(path), file.errorString());
    return parse(file.readAll(), path);
}

Result<ImportResult> KubeconfigImporter::parse(const QByteArray& text, const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception& e) {
        return Error(ErrorKind::Corrupt,
                     tr("The kubeconfig \"%1\" is not valid YAML (line %2).").arg(path).arg(e.mark.line + 1),
                     QString::fromStdString(e.msg));
    }

    ImportResult result;
    try {
        if (!root.IsMap())
            return Error(ErrorKind::Corrupt, tr("The kubeconfig \"%1\" is not a YAML mapping.").arg(path));
        const YAML::Node contexts = root["contexts"];
        if (!contexts || !contexts.IsSequence())
            return Error(ErrorKind::Corrupt, tr("The kubeconfig \"%1\" has no \"contexts\" list.").arg(path), {},
                         tr("Is it a kubeconfig? It should hold clusters, users and contexts."));

        const QSet<QString> clusters = namedEntries(root, "clusters", "cluster", absolute, result, true);
        const QSet<QString> users = namedEntries(root, "users", "user", absolute, result, false);
        QSet<QString> seen;
        for (const YAML::Node& entry : contexts) {
            const int line = lineOf(entry);
            const QString name = scalar(entry, "name");
            auto skip = [&](const QString& reason) {
                result.skipped.append(
                    ImportIssue{absolute, line, name, reason + QLatin1Char(' ') + tr("The context is not imported.")});
            };
            if (name.isEmpty()) {
                skip(tr("A context has no name."));
                continue;
            }
            if (seen.contains(name)) {
                skip(tr("The context name appears twice."));
                continue;
            }
            seen.insert(name);
            const YAML::Node body = entry.IsMap() ? entry["context"] : YAML::Node();
            if (!body || !body.IsMap()) {
                skip(tr("It has no \"context\" settings."));
                continue;
            }
            const QString cluster = scalar(body, "cluster");
            if (cluster.isEmpty() || !clusters.contains(cluster)) {
                skip(cluster.isEmpty() ? tr("It names no cluster.")
                                       : tr("It refers to the cluster \"%1\", which the file does not define with a "
                                            "server address.")
                                             .arg(cluster));
                continue;
            }
            const QString user = scalar(body, "user");
            if (!user.isEmpty() && !users.contains(user)) {
                skip(tr("It refers to the user \"%1\", which the file does not define.").arg(user));
                continue;
            }
            ClusterSettings settings;
            settings.kubeconfigPath = absolute;
            settings.context = name;
            settings.kubeNamespace = scalar(body, "namespace");
            if (Status s = Target::checkNamespace(settings.kubeNamespace); !s) {
                skip(s.error().message);
                continue;
            }
            Target target = Target::makeCluster(name, settings);
            if (Status s = target.validate(); !s) {
                skip(s.error().message);
                continue;
            }
            result.targets.append(target);
        }
    } catch (const YAML::Exception& e) {
        // yaml-cpp throws on unexpected node types; no exception leaves this function.
        return Error(ErrorKind::Corrupt, tr("The kubeconfig \"%1\" has an unexpected structure.").arg(path),
                     QString::fromStdString(e.what()));
    }
    qCDebug(lcInventory) << "kubeconfig import:" << result.targets.size() << "contexts," << result.skipped.size()
                         << "skipped";
    return result;
}

} // namespace aio
