#pragma once

#include "core/ssh/RemoteHost.h"

#include <QMutex>
#include <QString>
#include <QStringList>

namespace aio::test {

// The tests' one RemoteHost double (plan engine unit tests, the deploy wizard's GUI test and its
// screenshots): runs commands as real processes on this machine (/bin/sh, or the argv directly)
// with the working directory set to a temporary root, and maps remote absolute paths under that
// root ("/etc/x" → <root>/etc/x; a path already under the root stays as it is) for upload and
// download, and for absolute-path arguments of argv commands (scripts use relative paths), so a
// step never writes this machine's /etc. Sudo is ignored. Records every command's display text.
// No canned answers: what a step runs happens.
class LocalShellHost : public RemoteHost
{
public:
    explicit LocalShellHost(QString root, QString name = QStringLiteral("local-test"));

    Result<CommandOutcome> run(const RemoteCommand& command, const LineSink& onLine = {},
                               const CancelToken& cancel = {}) override;
    Status upload(const QString& remotePath, const QByteArray& content, const RemoteFileAttributes& attrs) override;
    Result<QByteArray> download(const QString& remotePath, bool sudo = false) override;
    QString targetName() const override { return m_name; }

    QString localPath(const QString& remotePath) const;
    const QString& root() const { return m_root; }
    QStringList commandsRun() const;
    int uploadCount() const;

private:
    QString m_root;
    QString m_name;
    mutable QMutex m_mutex;
    QStringList m_commands;
    int m_uploads = 0;
};

} // namespace aio::test
