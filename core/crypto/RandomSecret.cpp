#include "core/crypto/RandomSecret.h"

#include "core/crypto/OpenSsl.h"

#include <QByteArray>
#include <QCoreApplication>

#include <openssl/rand.h>

namespace aio {

Result<QString> RandomSecret::generate(int bytes)
{
    if (bytes < 16 || bytes > 1024)
        return Error(ErrorKind::Usage,
                     QCoreApplication::translate("aio::RandomSecret", "A secret is made of 16 to 1024 random bytes."));
    QByteArray raw(bytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1)
        return openssl::error(ErrorKind::Internal,
                              QCoreApplication::translate("aio::RandomSecret", "The random number generator failed."));
    const QString out
        = QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    raw.fill('\0');
    return out;
}

} // namespace aio
