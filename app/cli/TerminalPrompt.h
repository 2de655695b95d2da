#pragma once

#include "core/ssh/SecretLookup.h"
#include "core/ssh/SshCallbacks.h"

#include <QCoreApplication>
#include <QString>

#include <optional>

namespace aio::cli {

// Asks the person at the controlling terminal what an SSH session needs: a password, a key
// passphrase, a sudo password, a keyboard-interactive answer, or whether to trust an unknown
// host key. Used by the CLI's deploy command as the SecretAsker of makeSecretProvider() and as
// the HostKeyDecider.
//
// It asks only when stdin is a terminal, so scripts, CI and pipes never block on a question;
// the question goes to /dev/tty (stdout is the report) and the answer is read from /dev/tty with
// echo off unless the server said the answer may be shown. The terminal's settings are restored
// on every path, also when the user interrupts. Callable from any thread; questions from several
// sessions are asked one after the other.
class TerminalPrompt
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::TerminalPrompt)

public:
    // Most answers asked for one request (its attempt field counts them).
    static constexpr int maxAttempts = 3;

    // True when stdin is a terminal: only then is anything asked.
    static bool isInteractive();

    // A SecretAsker: nullopt when not interactive, after maxAttempts, or when the terminal cannot
    // be opened. EOF (Ctrl-D) cancels: nullopt, and nothing more is asked in this process.
    static std::optional<SecretAnswer> askSecret(const SecretRequest& request, bool canRemember);

    // A HostKeyDecider: prints the host, the key type and its SHA256 fingerprint and asks once.
    // TrustAndRemember on "y"/"yes", Reject otherwise (and when not interactive).
    static HostKeyDecision askHostKey(const HostKeyCheck& check);

    // What the user is asked ("Password for deploy@198.18.0.2: "), public for tests.
    static QString promptFor(const SecretRequest& request);
    // The line before the prompt on a later attempt ("The password was refused. …"); empty on the
    // first attempt.
    static QString retryNoteFor(const SecretRequest& request);
};

} // namespace aio::cli
