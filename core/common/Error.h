#pragma once

#include <QString>

namespace aio {

// What went wrong, in a form the UI and CLI can act on. Every layer passes these up as values.
enum class ErrorKind {
    Usage, // wrong command-line or API use
    InvalidInput, // the user typed something we refuse (host name, port, image…)
    NotFound, // a named thing (target, file, context) does not exist
    AlreadyExists, // a name is taken
    Io, // local disk or process I/O failed
    Corrupt, // a file we own is unreadable; it is kept as it is
    UnsupportedVersion, // a file written by a newer version; it is kept as it is
    KeychainUnavailable, // no secret service: secrets are not persisted
    HostNotFound, // the name does not resolve
    ConnectionRefused, // nothing listens
    Timeout, // no answer in time
    HostUnreachable, // no route
    ConnectionLost, // the connection dropped mid-way
    HostKeyUnknown, // first contact: the user must decide
    HostKeyChanged, // the stored key differs: a hard stop
    AuthenticationFailed, // no offered method worked
    SudoPasswordRequired, // sudo -n refused and no password is known
    CommandNotFound, // exit 127 on the remote side
    PermissionDenied, // EACCES / EPERM remotely or locally
    CommandFailed, // a remote or local command exited non-zero
    Cancelled, // the user or a timeout cancelled the work
    Protocol, // a peer answered something we do not understand
    Tls, // a certificate or TLS handshake problem
    VerificationFailed, // a deployment verify step found the host not as expected
    Internal, // a bug of ours
};

// A user-facing error: what failed (message), on which target, why (detail) and what to do next.
struct Error
{
    ErrorKind kind = ErrorKind::Internal;
    QString message; // translated, one sentence, says what failed
    QString detail; // the underlying technical message (libssh, errno, process stderr…)
    QString nextStep; // translated, what the user can do about it; may be empty
    QString target; // the inventory target's name, when there is one

    Error() = default;
    Error(ErrorKind k, QString msg, QString det = {}, QString next = {})
        : kind(k)
        , message(std::move(msg))
        , detail(std::move(det))
        , nextStep(std::move(next))
    { }

    // A copy with the target's name set (errors are made deep down and named further up).
    Error onTarget(const QString& name) const
    {
        Error e = *this;
        e.target = name;
        return e;
    }

    // "prod-vm: Connection refused (ssh: connect to 198.18.0.2:22). Check that sshd runs …"
    QString toString() const;
    // The message and, in parentheses, the detail: evidence of a probe that failed.
    QString withDetail() const
    {
        return message + (detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + QLatin1Char(')'));
    }
    static QString kindName(ErrorKind kind);
};

} // namespace aio
