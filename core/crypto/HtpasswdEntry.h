#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace aio {

// One line of an nginx htpasswd file, "user:$6$salt$hash" (SHA-512 crypt, which nginx checks
// through the system's crypt(3)), with a random salt from OpenSSL.
class HtpasswdEntry
{
    Q_DECLARE_TR_FUNCTIONS(aio::HtpasswdEntry)

public:
    // The user must be validated already (no ':' or newline); the password may be anything but
    // a newline.
    static Result<QByteArray> make(const QString& user, const QString& password);
    // Whether `line` ("user:hash") accepts this password.
    static bool matches(const QByteArray& line, const QString& password);
};

} // namespace aio
