#include "core/deploy/History.h"

#include "core/common/Profile.h"

#include "core/deploy/DeployLogging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace aio {

namespace {

bool isSafeId(const QString& id)
{
    if (id.isEmpty() || id.size() > 128 || id.startsWith(QLatin1Char('.')))
        return false;
    for (QChar c : id) {
        const ushort u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-'
            || u == '_' || u == '.';
        if (!ok)
            return false;
    }
    return true;
}

QString stripBraces(QString id)
{
    if (id.startsWith(QLatin1Char('{')) && id.endsWith(QLatin1Char('}')))
        id = id.mid(1, id.size() - 2);
    return id;
}
} // namespace

History::History(const QString& targetId, const QString& directory)
    : m_targetId(stripBraces(targetId))
{
    m_idValid = isSafeId(m_targetId);
    if (m_idValid)
        m_path = QDir(directory).filePath(m_targetId + QStringLiteral(".jsonl"));
}

QString History::defaultDirectory()
{
    return historyDirectory(Profile::dataDir());
}

QString History::historyDirectory(const QString& dataDirectory)
{
    return dataDirectory + QStringLiteral("/history");
}

Status History::append(const HistoryEntry& entry) const
{
    if (!m_idValid)
        return Error(ErrorKind::InvalidInput, tr("The target id \"%1\" cannot name a history file.").arg(m_targetId));
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(dir))
        return Error(ErrorKind::Io, tr("Cannot create the history folder %1.").arg(dir));
    QByteArray line = QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact);
    line += '\n';

    // One write(2) on an O_APPEND descriptor: concurrent appends never interleave within a line.
    const QByteArray path = QFile::encodeName(m_path);
    const int fd = ::open(path.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error(ErrorKind::Io, tr("Cannot open the history file %1.").arg(m_path),
                     QString::fromLocal8Bit(std::strerror(errno)));
    qsizetype written = 0;
    int attempts = 0;
    while (written < line.size() && attempts < 16) {
        ++attempts;
        const ssize_t n = ::write(fd, line.constData() + written, size_t(line.size() - written));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            return Error(ErrorKind::Io, tr("Cannot write the history file %1.").arg(m_path),
                         QString::fromLocal8Bit(std::strerror(err)));
        }
        written += n;
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (written < line.size())
        return Error(ErrorKind::Io, tr("The history file %1 was written only in part.").arg(m_path));
    if (!synced)
        qCWarning(lcDeploy) << "fsync of" << m_path << "failed";
    return {};
}

Result<QList<HistoryEntry>> History::read(int* skippedLines) const
{
    if (skippedLines)
        *skippedLines = 0;
    if (!m_idValid)
        return Error(ErrorKind::InvalidInput, tr("The target id \"%1\" cannot name a history file.").arg(m_targetId));
    QList<HistoryEntry> entries;
    QFile file(m_path);
    if (!file.exists())
        return entries;
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, tr("Cannot read the history file %1.").arg(m_path), file.errorString());
    const QByteArray all = file.readAll();
    for (const QByteArray& line : all.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        Result<HistoryEntry> entry = doc.isObject()
            ? HistoryEntry::fromJson(doc.object())
            : Result<HistoryEntry>(Error(ErrorKind::Corrupt, error.errorString()));
        if (!entry) {
            if (skippedLines)
                ++*skippedLines;
            continue;
        }
        entries.append(std::move(*entry));
    }
    return entries;
}

} // namespace aio
