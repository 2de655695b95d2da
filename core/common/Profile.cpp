#include "core/common/Profile.h"

#include <QDir>
#include <QMutex>
#include <QStandardPaths>

namespace aio {

namespace {
QMutex g_mutex;
QString g_directory;
bool g_set = false;
} // namespace

void Profile::setDirectory(const QString& dir)
{
    QMutexLocker lock(&g_mutex);
    g_directory = dir.isEmpty() ? QString() : QDir(dir).absolutePath();
    g_set = true;
}

QString Profile::directory()
{
    QMutexLocker lock(&g_mutex);
    if (g_set)
        return g_directory;
    const QString env = qEnvironmentVariable("AIO_PROFILE");
    return env.isEmpty() ? QString() : QDir(env).absolutePath();
}

QString Profile::configDir()
{
    const QString dir = directory();
    if (!dir.isEmpty())
        return dir + QStringLiteral("/config");
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
}

QString Profile::dataDir()
{
    const QString dir = directory();
    if (!dir.isEmpty())
        return dir + QStringLiteral("/data");
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString Profile::cacheDir()
{
    const QString dir = directory();
    if (!dir.isEmpty())
        return dir + QStringLiteral("/cache");
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
}

} // namespace aio
