#include "core/common/Error.h"

namespace aio {

QString Error::toString() const
{
    QString text;
    if (!target.isEmpty())
        text += target + QStringLiteral(": ");
    text += message;
    if (!detail.isEmpty() && detail != message)
        text += QStringLiteral(" (") + detail + QStringLiteral(")");
    if (!nextStep.isEmpty()) {
        if (!text.endsWith(QLatin1Char('.')))
            text += QLatin1Char('.');
        text += QLatin1Char(' ') + nextStep;
    }
    return text;
}

QString Error::kindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Usage:
        return QStringLiteral("usage");
    case ErrorKind::InvalidInput:
        return QStringLiteral("invalid-input");
    case ErrorKind::NotFound:
        return QStringLiteral("not-found");
    case ErrorKind::AlreadyExists:
        return QStringLiteral("already-exists");
    case ErrorKind::Io:
        return QStringLiteral("io");
    case ErrorKind::Corrupt:
        return QStringLiteral("corrupt");
    case ErrorKind::UnsupportedVersion:
        return QStringLiteral("unsupported-version");
    case ErrorKind::KeychainUnavailable:
        return QStringLiteral("keychain-unavailable");
    case ErrorKind::HostNotFound:
        return QStringLiteral("host-not-found");
    case ErrorKind::ConnectionRefused:
        return QStringLiteral("connection-refused");
    case ErrorKind::Timeout:
        return QStringLiteral("timeout");
    case ErrorKind::HostUnreachable:
        return QStringLiteral("host-unreachable");
    case ErrorKind::ConnectionLost:
        return QStringLiteral("connection-lost");
    case ErrorKind::HostKeyUnknown:
        return QStringLiteral("host-key-unknown");
    case ErrorKind::HostKeyChanged:
        return QStringLiteral("host-key-changed");
    case ErrorKind::AuthenticationFailed:
        return QStringLiteral("authentication-failed");
    case ErrorKind::SudoPasswordRequired:
        return QStringLiteral("sudo-password-required");
    case ErrorKind::CommandNotFound:
        return QStringLiteral("command-not-found");
    case ErrorKind::PermissionDenied:
        return QStringLiteral("permission-denied");
    case ErrorKind::CommandFailed:
        return QStringLiteral("command-failed");
    case ErrorKind::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorKind::Protocol:
        return QStringLiteral("protocol");
    case ErrorKind::Tls:
        return QStringLiteral("tls");
    case ErrorKind::VerificationFailed:
        return QStringLiteral("verification-failed");
    case ErrorKind::Internal:
        return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

} // namespace aio
