#include "core/deploy/FileChange.h"

#include "core/deploy/render/UnifiedDiff.h"

#include <QCoreApplication>

namespace aio {

FileChange FileChange::write(const FileSnapshot& current, QByteArray newContent, int mode, bool secret)
{
    FileChange c;
    c.path = current.path;
    c.existed = current.exists;
    c.before = current.content;
    c.after = std::move(newContent);
    c.mode = mode;
    c.secret = secret;
    return c;
}

FileChange FileChange::removal(const FileSnapshot& current)
{
    FileChange c;
    c.path = current.path;
    c.existed = current.exists;
    c.before = current.content;
    c.remove = true;
    c.mode = current.mode;
    return c;
}

QString FileChange::unifiedDiff() const
{
    const QString oldLabel = existed ? QStringLiteral("a") + path : QStringLiteral("/dev/null");
    const QString newLabel = remove ? QStringLiteral("/dev/null") : QStringLiteral("b") + path;
    if (secret) {
        const QString what = remove      ? QCoreApplication::translate("aio::FileChange", "removed")
            : existed && before == after ? QCoreApplication::translate("aio::FileChange", "unchanged")
                                         : QCoreApplication::translate("aio::FileChange", "%1 bytes, mode %2")
                                               .arg(after.size())
                                               .arg(QString::number(mode, 8));
        return QStringLiteral("--- %1\n+++ %2\n").arg(oldLabel, newLabel)
            + QCoreApplication::translate("aio::FileChange", "(secret content not shown: %1)\n").arg(what);
    }
    return UnifiedDiff::render(existed ? before : QByteArray(), remove ? QByteArray() : after, oldLabel, newLabel);
}

} // namespace aio
