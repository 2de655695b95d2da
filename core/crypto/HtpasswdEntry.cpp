#include "core/crypto/HtpasswdEntry.h"

#include <QCoreApplication>

#include <openssl/rand.h>

#include <crypt.h>

#include <cstring>
#include <memory>

namespace aio {

namespace {

// crypt_r() with its large state on the heap; the state is wiped afterwards.
QByteArray cryptText(const QByteArray& password, const QByteArray& setting)
{
    auto data = std::make_unique<crypt_data>();
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* out = crypt_r(password.constData(), setting.constData(), data.get());
    QByteArray result = out && out[0] != '*' ? QByteArray(out) : QByteArray();
    std::memset(data.get(), 0, sizeof(crypt_data));
    return result;
}
} // namespace

Result<QByteArray> HtpasswdEntry::make(const QString& user, const QString& password)
{
    if (user.isEmpty() || user.contains(QLatin1Char(':')) || user.contains(QLatin1Char('\n')))
        return Error(ErrorKind::InvalidInput, tr("The user name for basic auth must not be empty or hold ':'."));
    if (password.isEmpty() || password.contains(QLatin1Char('\n')) || password.contains(QChar(0)))
        return Error(ErrorKind::InvalidInput, tr("The basic-auth password must not be empty or hold a line break."));
    static const char alphabet[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    unsigned char random[16];
    if (RAND_bytes(random, sizeof random) != 1)
        return Error(ErrorKind::Internal, tr("The random number generator failed."));
    QByteArray setting = QByteArrayLiteral("$6$");
    for (unsigned char r : random)
        setting += alphabet[r % 64];
    setting += '$';
    QByteArray pw = password.toUtf8();
    const QByteArray hash = cryptText(pw, setting);
    pw.fill('\0');
    if (!hash.startsWith("$6$"))
        return Error(ErrorKind::Internal, tr("The system's crypt() cannot make SHA-512 password hashes."));
    return user.toUtf8() + ':' + hash;
}

bool HtpasswdEntry::matches(const QByteArray& line, const QString& password)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return false;
    const QByteArray hash = line.mid(colon + 1).trimmed();
    if (!hash.startsWith('$'))
        return false;
    QByteArray pw = password.toUtf8();
    const QByteArray again = cryptText(pw, hash);
    pw.fill('\0');
    return !again.isEmpty() && again == hash;
}

} // namespace aio
