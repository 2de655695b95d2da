#include "core/tunnel/LaunchPage.h"

#include "core/crypto/RandomSecret.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace aio {

QString LaunchPage::defaultFolder()
{
    QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (runtime.isEmpty())
        runtime = QDir::tempPath();
    return runtime + QStringLiteral("/aio-sandbox-manager");
}

Result<QUrl> LaunchPage::write(const QUrl& link, const QString& folder)
{
    const QString dir = folder.isEmpty() ? defaultFolder() : folder;
    if (!QDir().mkpath(dir)
        || !QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return Error(ErrorKind::Io, tr("Could not make the folder %1 for the browser's start page.").arg(dir));
    // Pages of earlier opens have done their job.
    const QDateTime stale = QDateTime::currentDateTimeUtc().addSecs(-kKeepSeconds);
    const QFileInfoList old = QDir(dir).entryInfoList({QStringLiteral("open-*.html")}, QDir::Files);
    for (const QFileInfo& f : old)
        if (f.lastModified().toUTC() < stale)
            QFile::remove(f.absoluteFilePath());

    Result<QString> name = RandomSecret::generate(16);
    if (!name)
        return name.error();
    const QString path = dir + QStringLiteral("/open-") + *name + QStringLiteral(".html");
    if (!link.isValid() || link.scheme() != QLatin1String("http"))
        return Error(ErrorKind::InvalidInput, tr("Not a tunnel's link: %1").arg(link.toString()));
    const QByteArray target = link.toString(QUrl::FullyEncoded).toHtmlEscaped().toUtf8();
    const QByteArray page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                            "<meta name=\"referrer\" content=\"no-referrer\">"
                            "<meta http-equiv=\"refresh\" content=\"0;url="
        + target + "\"><title>AIO Sandbox Manager</title></head>\n<body><p><a href=\"" + target
        + "\">Continue to the sandbox</a></p></body></html>\n";
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, tr("Could not write the browser's start page %1.").arg(path), f.errorString());
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (f.write(page) != page.size() || !f.commit())
        return Error(ErrorKind::Io, tr("Could not write the browser's start page %1.").arg(path), f.errorString());
    return QUrl::fromLocalFile(path);
}

} // namespace aio
