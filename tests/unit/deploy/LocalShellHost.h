#pragma once

#include "core/ssh/RemoteHost.h"

#include <QMutex>
#include <QString>
#include <QStringList>

namespace aio::test {

// A RemoteHost for unit tests of the plan engine: runs commands as real processes on this
// machine (/bin/sh, or the argv directly) with the working directory set to a temporary root,
// and maps remote absolute paths under that root ("/etc/x" → <root>/etc/x) for upload and
// download, and for absolute-path arguments of argv commands (scripts use relative paths).
// Records every command's display text. No canned answers: what a step runs happens.
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
