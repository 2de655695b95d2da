#include "core/inventory/InventoryFile.h"

#include "core/inventory/InventoryLogging.h"
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

namespace aio {

namespace {

Error corrupt(const QString& message, const QString& detail = {})
{
    return Error(
        ErrorKind::Corrupt, message, detail,
        InventoryFile::tr("The file is kept as it is. Fix it by hand or move it away, then start the app again."));
}
} // namespace

QString InventoryFile::formatName()
{
    return QStringLiteral("aio-sandbox-manager/inventory");
}

Result<QList<Target>> InventoryFile::parse(const QByteArray& json, int* versionRead)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return corrupt(tr("The inventory is not valid JSON."),
                       tr("%1 at byte %2").arg(parseError.errorString()).arg(parseError.offset));
    if (!doc.isObject())
        return corrupt(tr("The inventory is not a JSON object."));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != formatName())
        return corrupt(
            tr("The file is not an AIO Sandbox Manager inventory (its \"format\" is not \"%1\").").arg(formatName()));
    const QJsonValue versionValue = root.value(QStringLiteral("version"));
    const int version = versionValue.isDouble() ? versionValue.toInt(-1) : -1;
    if (version < 1 || double(version) != versionValue.toDouble())
        return corrupt(tr("The inventory has no valid \"version\"."));
    if (version > currentVersion)
        return Error(ErrorKind::UnsupportedVersion,
                     tr("The inventory was written by a newer version of AIO Sandbox Manager (format version %1; "
                        "this version reads %2).")
                         .arg(version)
                         .arg(currentVersion),
                     {}, tr("The file is kept as it is and opened read-only. Update the app to change it."));
    if (versionRead)
        *versionRead = version;
    const QJsonValue targetsValue = root.value(QStringLiteral("targets"));
    if (!targetsValue.isArray())
        return corrupt(tr("The inventory has no \"targets\" list."));

    QList<Target> targets;
    QSet<QUuid> ids;
    QSet<QString> names;
    const QJsonArray array = targetsValue.toArray();
    targets.reserve(array.size());
    ids.reserve(array.size());
    names.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            return corrupt(tr("Entry %1 of the inventory's targets is not an object.").arg(i + 1));
        auto target = Target::fromJson(array.at(i).toObject());
        if (!target)
            return corrupt(
                tr("Entry %1 of the inventory's targets is not valid: %2").arg(i + 1).arg(target.error().message));
        if (ids.contains(target->id))
            return corrupt(
                tr("Two targets in the inventory have the same id %1.").arg(target->id.toString(QUuid::WithoutBraces)));
        if (names.contains(target->name.toCaseFolded()))
            return corrupt(tr("Two targets in the inventory have the name \"%1\".").arg(target->name));
        ids.insert(target->id);
        names.insert(target->name.toCaseFolded());
        targets.append(std::move(*target));
    }
    return targets;
}

Result<QList<Target>> InventoryFile::read(const QString& path, int* version)
{
    QFile file(path);
    if (version)
        *version = currentVersion;
    if (!file.exists())
        return QList<Target>();
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, tr("Cannot read the inventory \"%1\".").arg(path), file.errorString(),
                     tr("Check the file's permissions."));
    // An inventory is small; anything this large is not one of ours.
    if (file.size() > 16 * 1024 * 1024)
        return corrupt(tr("The inventory \"%1\" is larger than 16 MiB.").arg(path));
    auto targets = parse(file.readAll(), version);
    if (!targets) {
        Error e = targets.error();
        e.message = tr("%1 (file: %2)").arg(e.message, path);
        return e;
    }
    return targets;
}

Result<QString> InventoryFile::backup(const QString& path, int version)
{
    const QString base = QStringLiteral("%1.v%2-backup").arg(path).arg(version);
    QString backupPath = base;
    for (int i = 2; QFileInfo::exists(backupPath) && i < 1000; ++i)
        backupPath = base + QStringLiteral(".%1").arg(i);
    if (QFileInfo::exists(backupPath) || !QFile::copy(path, backupPath))
        return Error(ErrorKind::Io, tr("Cannot keep a copy of the inventory as \"%1\".").arg(backupPath), {},
                     tr("Check the free disk space and the folder's permissions. The inventory is left as it is."));
    QFile::setPermissions(backupPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return backupPath;
}

QByteArray InventoryFile::serialize(const QList<Target>& targets)
{
    QJsonArray array;
    for (const Target& t : targets)
        array.append(t.toJson());
    QJsonObject root;
    root.insert(QStringLiteral("format"), formatName());
    root.insert(QStringLiteral("version"), currentVersion);
    root.insert(QStringLiteral("targets"), array);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Status InventoryFile::write(const QString& path, const QList<Target>& targets)
{
    // Never replace what we cannot read: it may be the user's data from a newer version.
    if (QFileInfo::exists(path)) {
        auto existing = read(path);
        if (!existing && existing.error().kind != ErrorKind::Io)
            return existing.error();
    }
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir))
        return Error(ErrorKind::Io, tr("Cannot create the folder \"%1\".").arg(dir), {},
                     tr("Check the permissions of its parent folder."));
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, tr("Cannot write the inventory \"%1\".").arg(path), file.errorString());
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray data = serialize(targets);
    if (file.write(data) != data.size()) {
        const QString why = file.errorString();
        file.cancelWriting();
        return Error(ErrorKind::Io, tr("Cannot write the inventory \"%1\".").arg(path), why,
                     tr("Check the free disk space. The previous file is unchanged."));
    }
    if (!file.commit())
        return Error(ErrorKind::Io, tr("Cannot save the inventory \"%1\".").arg(path), file.errorString(),
                     tr("Check the free disk space. The previous file is unchanged."));
    qCDebug(lcInventory) << "saved" << targets.size() << "targets to" << path;
    return {};
}

} // namespace aio
