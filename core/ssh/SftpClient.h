#pragma once

// Internal to core/ssh: the SFTP subsystem on one connection, used on the connection's worker
// thread only.

#include "core/common/Result.h"

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <memory>

namespace aio {

class SftpClient
{
    Q_DECLARE_TR_FUNCTIONS(aio::SftpClient)

public:
    // Starts the subsystem; an error when the server offers none.
    static Result<std::unique_ptr<SftpClient>> open(ssh_session session);
    ~SftpClient();
    SftpClient(const SftpClient&) = delete;
    SftpClient& operator=(const SftpClient&) = delete;

    // Writes content to a new hidden temporary file next to finalPath (created 0600, synced where
    // the server supports fsync@openssh.com, then given `mode`) and returns its path; the caller
    // renames it into place. The temporary file is removed again on failure.
    Result<QString> writeTemp(const QString& finalPath, const QByteArray& content, int mode);
    Status rename(const QString& from, const QString& to);
    Status remove(const QString& path);
    // The whole file, with pipelined reads.
    Result<QByteArray> read(const QString& path);

private:
    SftpClient(ssh_session session, sftp_session sftp);
    Error error(const QString& what, const QString& path) const;

    ssh_session m_session;
    sftp_session m_sftp;
};

} // namespace aio
