#include "core/ssh/SftpClient.h"

#include <QCoreApplication>
#include <QRandomGenerator>

#include <deque>
#include <fcntl.h>

namespace aio {

namespace {

constexpr int kSftpChunk = 64 * 1024;
constexpr int kReadAhead = 16;

struct FileCloser
{
    void operator()(sftp_file f) const
    {
        if (f)
            sftp_close(f);
    }
};
using File = std::unique_ptr<std::remove_pointer_t<sftp_file>, FileCloser>;

struct AttributesFree
{
    void operator()(sftp_attributes a) const { sftp_attributes_free(a); }
};
using Attributes = std::unique_ptr<std::remove_pointer_t<sftp_attributes>, AttributesFree>;

} // namespace

SftpClient::SftpClient(ssh_session session, sftp_session sftp)
    : m_session(session)
    , m_sftp(sftp)
{ }

SftpClient::~SftpClient()
{
    sftp_free(m_sftp);
}

Result<std::unique_ptr<SftpClient>> SftpClient::open(ssh_session session)
{
    sftp_session sftp = sftp_new(session);
    if (!sftp || sftp_init(sftp) != SSH_OK) {
        const QString detail = QString::fromUtf8(ssh_get_error(session));
        if (sftp)
            sftp_free(sftp);
        return Error(ErrorKind::Protocol, tr("The server offers no SFTP."), detail,
                     tr("Enable the sftp subsystem in sshd_config, or use sudo uploads (they need no SFTP)."));
    }
    return std::unique_ptr<SftpClient>(new SftpClient(session, sftp));
}

Error SftpClient::error(const QString& what, const QString& path) const
{
    const int code = sftp_get_error(m_sftp);
    const QString detail = QString::fromUtf8(ssh_get_error(m_session));
    switch (code) {
    case SSH_FX_NO_SUCH_FILE:
    case SSH_FX_NO_SUCH_PATH:
        return Error(ErrorKind::NotFound, tr("%1: %2 does not exist.").arg(what, path), detail,
                     tr("Check the path; the folder must exist."));
    case SSH_FX_PERMISSION_DENIED:
        return Error(ErrorKind::PermissionDenied, tr("%1: permission denied on %2.").arg(what, path), detail,
                     tr("Use sudo for this target, or pick a path the SSH user may write."));
    default:
        return Error(ErrorKind::Io, tr("%1 failed for %2.").arg(what, path),
                     detail + QStringLiteral(" (sftp status %1)").arg(code));
    }
}

Result<QString> SftpClient::writeTemp(const QString& finalPath, const QByteArray& content, int mode)
{
    const qsizetype slash = finalPath.lastIndexOf(QLatin1Char('/'));
    const QString dir = slash <= 0 ? QStringLiteral("/") : finalPath.left(slash);
    const QString base = finalPath.mid(slash + 1);
    const QString tmp = (dir == QLatin1String("/") ? QString() : dir) + QStringLiteral("/.") + base
        + QStringLiteral(".aio-") + QString::number(QRandomGenerator::system()->generate64(), 16);
    const QByteArray tmpBytes = tmp.toUtf8();
    File file(sftp_open(m_sftp, tmpBytes.constData(), O_WRONLY | O_CREAT | O_EXCL, 0600));
    if (!file)
        return error(tr("Uploading"), finalPath);
    qsizetype pos = 0;
    bool ok = true;
    while (pos < content.size()) {
        const size_t n = size_t(std::min<qsizetype>(kSftpChunk, content.size() - pos));
        const ssize_t w = sftp_write(file.get(), content.constData() + pos, n);
        if (w <= 0) {
            ok = false;
            break;
        }
        pos += w;
    }
    if (ok && sftp_extension_supported(m_sftp, "fsync@openssh.com", "1"))
        ok = sftp_fsync(file.get()) == 0;
    Error err = ok ? Error() : error(tr("Uploading"), finalPath);
    if (sftp_close(file.release()) != SSH_NO_ERROR && ok) {
        ok = false;
        err = error(tr("Uploading"), finalPath);
    }
    if (ok && sftp_chmod(m_sftp, tmpBytes.constData(), mode_t(mode)) != 0) {
        ok = false;
        err = error(tr("Setting the mode of"), finalPath);
    }
    if (!ok) {
        sftp_unlink(m_sftp, tmpBytes.constData());
        return err;
    }
    return tmp;
}

Status SftpClient::rename(const QString& from, const QString& to)
{
    const QByteArray a = from.toUtf8(), b = to.toUtf8();
    if (sftp_rename(m_sftp, a.constData(), b.constData()) != 0)
        return error(tr("Renaming"), to);
    return {};
}

Status SftpClient::remove(const QString& path)
{
    const QByteArray a = path.toUtf8();
    if (sftp_unlink(m_sftp, a.constData()) != 0)
        return error(tr("Removing"), path);
    return {};
}

Result<QByteArray> SftpClient::read(const QString& path)
{
    const QByteArray a = path.toUtf8();
    File file(sftp_open(m_sftp, a.constData(), O_RDONLY, 0));
    if (!file)
        return error(tr("Downloading"), path);
    QByteArray data;
    if (Attributes st{sftp_fstat(file.get())}; st && st->size < (quint64(1) << 32))
        data.reserve(qsizetype(st->size));
    // Pipelined reads: keep kReadAhead requests in flight.
    std::deque<int> inflight;
    bool eofSeen = false;
    bool ok = true;
    QByteArray chunk(kSftpChunk, Qt::Uninitialized);
    while (ok) {
        while (!eofSeen && int(inflight.size()) < kReadAhead) {
            const int id = sftp_async_read_begin(file.get(), kSftpChunk);
            if (id < 0) {
                ok = false;
                break;
            }
            inflight.push_back(id);
        }
        if (inflight.empty() || !ok)
            break;
        const int id = inflight.front();
        inflight.pop_front();
        const int n = sftp_async_read(file.get(), chunk.data(), kSftpChunk, uint32_t(id));
        if (n < 0) {
            ok = false;
            break;
        }
        if (n == 0) {
            eofSeen = true;
            continue;
        }
        if (eofSeen) {
            ok = false; // data after an end-of-file answer: the server reads short; refuse to guess
            break;
        }
        data.append(chunk.constData(), n);
        if (n < kSftpChunk)
            eofSeen = true;
    }
    // Drain what is still in flight so the SFTP channel stays in step.
    for (int id : inflight)
        sftp_async_read(file.get(), chunk.data(), kSftpChunk, uint32_t(id));
    if (!ok)
        return error(tr("Downloading"), path);
    return data;
}

} // namespace aio
