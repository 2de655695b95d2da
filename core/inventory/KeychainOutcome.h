#pragma once

#include <QMetaType>
#include <QString>

namespace aio {

// What one QtKeychain job ended with, passed from the keychain thread back to the caller's thread
// (internal to SecretStore; a plain copyable value so queued signals can carry it).
struct KeychainOutcome
{
    int error = 0; // QKeychain::Error
    QString errorString;
    QString text; // the secret read, for reads
    bool unavailable = false; // no keychain service answered
};

} // namespace aio

Q_DECLARE_METATYPE(aio::KeychainOutcome)
