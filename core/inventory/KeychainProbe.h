#pragma once

#include <QCoreApplication>
#include <QString>

namespace aio {

// What the system keychain (the freedesktop Secret Service: GNOME Keyring, KeePassXC, KWallet's
// bridge…) would do if a secret were stored now, found out over D-Bus without starting anything
// and without opening a prompt:
//  - no session bus is configured: nothing is asked (D-Bus is never autolaunched, which would
//    start a keyring that opens "Choose password for new keyring" in a window of its own);
//  - the service is not running but could be started: starting it may ask;
//  - there is no default keyring: storing asks for a password for a new one;
//  - the default keyring is locked: storing or reading asks for its password;
//  - the default keyring is unlocked: nothing is asked.
struct KeychainState
{
    Q_DECLARE_TR_FUNCTIONS(aio::KeychainState)

public:
    enum class Kind {
        Ready, // unlocked: secrets are stored without a question
        Locked, // the keyring asks for its password (in its own window) on first use
        NoKeyring, // the keyring asks for a password for a new keyring on first use
        NotStarted, // the service starts on first use and may ask either question
        Absent, // no session bus or no Secret Service: secrets can only be kept in memory
    };

    Kind kind = Kind::Absent;
    QString detail; // what was found, for the admin (bus address kind, collection path, error)

    bool usable() const { return kind != Kind::Absent; }
    bool mayAsk() const { return kind == Kind::Locked || kind == Kind::NoKeyring || kind == Kind::NotStarted; }
    // One sentence for the admin: what is there and what its first use does.
    QString summary() const;
};

class KeychainProbe
{
public:
    // Blocking (a few D-Bus calls on a private connection, each bounded by timeoutMs): call it
    // from a worker thread or the CLI, never the GUI thread.
    static KeychainState probe(int timeoutMs = 2000);
};

} // namespace aio
