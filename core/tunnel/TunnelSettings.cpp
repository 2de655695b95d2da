#include "core/tunnel/TunnelSettings.h"

#include "core/common/Profile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace aio {

QString TunnelSettings::defaultPath()
{
    return Profile::configDir() + QStringLiteral("/tunnels.json");
}

Result<QList<TunnelSettings::Entry>> TunnelSettings::read(const QString& path)
{
    QFile f(path);
    if (!f.exists())
        return QList<Entry>();
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, tr("Could not read the tunnels' settings %1.").arg(path), f.errorString());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(4 * 1024 * 1024), &parseError);
    const QJsonObject root = doc.object();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()
        || !root.value(QStringLiteral("tunnels")).isArray())
        return Error(ErrorKind::Corrupt,
                     tr("The tunnels' settings %1 are not valid; they are kept as they are.").arg(path),
                     parseError.errorString());
    if (root.value(QStringLiteral("version")).toInt() != 1)
        return Error(
            ErrorKind::UnsupportedVersion,
            tr("The tunnels' settings %1 were written by a newer version; they are kept as they are.").arg(path));
    QList<Entry> out;
    for (const QJsonValue& v : root.value(QStringLiteral("tunnels")).toArray()) {
        const QJsonObject o = v.toObject();
        Entry e;
        e.target = QUuid::fromString(o.value(QStringLiteral("target")).toString());
        const int port = o.value(QStringLiteral("localPort")).toInt(-1);
        if (e.target.isNull() || port < 0 || port > 65535)
            return Error(ErrorKind::Corrupt,
                         tr("The tunnels' settings %1 are not valid; they are kept as they are.").arg(path),
                         tr("an entry without a valid target id or port"));
        e.autostart = o.value(QStringLiteral("autostart")).toBool();
        e.localPort = quint16(port);
        out.append(e);
    }
    return out;
}

Status TunnelSettings::write(const QString& path, const QList<Entry>& entries)
{
    QJsonArray list;
    for (const Entry& e : entries)
        list.append(QJsonObject{{QStringLiteral("target"), e.target.toString(QUuid::WithoutBraces)},
                                {QStringLiteral("autostart"), e.autostart},
                                {QStringLiteral("localPort"), int(e.localPort)}});
    const QByteArray json
        = QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("tunnels"), list}}).toJson();
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, tr("Could not write the tunnels' settings %1.").arg(path), f.errorString());
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (f.write(json) != json.size() || !f.commit())
        return Error(ErrorKind::Io, tr("Could not write the tunnels' settings %1.").arg(path), f.errorString());
    return {};
}

} // namespace aio
