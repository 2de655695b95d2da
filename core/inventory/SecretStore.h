#pragma once

#include "core/common/Result.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUuid>

#include <functional>

namespace aio {

// What a stored secret is for. Each target has at most one secret of each kind.
enum class SecretKind {
    Password, // SSH login password
    KeyPassphrase, // passphrase of the SSH private key file
    SudoPassword, // password sudo asks for on the VM
    Token, // a Kubernetes bearer token
    SandboxJwtPrivateKey, // the private key that signs the sandbox's JWTs
    SandboxApiKey, // the sandbox's API key
    EdgePassword, // the basic-auth password nginx asks for at the edge
};
// Every kind, for whoever must go through all of a target's secrets (removing a target).
inline constexpr SecretKind kAllSecretKinds[]
    = {SecretKind::Password,    SecretKind::KeyPassphrase,        SecretKind::SudoPassword,
       SecretKind::Token,       SecretKind::SandboxJwtPrivateKey, SecretKind::SandboxApiKey,
       SecretKind::EdgePassword};

// Process-wide news about the keychain, for whoever shows it (the main window's banner). Signals
// may come from any thread; connect with a receiver context so they arrive on its thread.
class KeychainActivity : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

signals:
    // True while a keychain call has been waiting for more than a second: the keyring is most
    // likely asking the user something (its password, a new keyring's password) in its own window.
    void waitingChanged(bool waiting);
    // Secrets now stay in memory (the admin chose it, or there is no keychain).
    void memoryOnlyChanged(const QString& reason);
    // Internal: every call in flight stops waiting (SecretStore::keepInMemoryOnly).
    void stopWaiting();
};

// Secrets, kept only in the system keychain through QtKeychain (service "aio-sandbox-manager",
// key "<target-id>/<kind>"). Never in the inventory file, a log, or any other file.
//
// When no keychain service is running (no D-Bus session, no Secret Service), writes report
// KeychainUnavailable and the secret is kept in this process's memory only, so the app can go
// on for this run and asks again next time. Reads fall back to that memory.
//
// Every QtKeychain job runs on one internal thread (QtKeychain is not thread-safe). Asynchronous
// calls may be made from any thread with an event loop and call back on `context`'s thread; the
// callback is dropped when `context` is destroyed first. The blocking calls wait (30 s unless
// setBlockingTimeout() says otherwise) for the keychain thread; they are for worker threads and the CLI, never the GUI
// thread.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    explicit SecretStore(QObject* parent = nullptr);
    ~SecretStore() override;

    static QString serviceName(); // "aio-sandbox-manager"
    static QString kindName(SecretKind kind); // "password", "key-passphrase", "sudo-password", …
    static QString keyFor(const QUuid& targetId, SecretKind kind); // "<id without braces>/<kind>"

    using StatusCallback = std::function<void(Status)>;
    using SecretCallback = std::function<void(Result<QString>)>;

    // Ok, or KeychainUnavailable (the secret is then kept in memory only), or Io.
    void write(const QUuid& targetId, SecretKind kind, const QString& secret, QObject* context, StatusCallback done);
    // The secret, or NotFound (never stored / not kept), or KeychainUnavailable / Io.
    void read(const QUuid& targetId, SecretKind kind, QObject* context, SecretCallback done);
    // Ok also when there was nothing to remove.
    void remove(const QUuid& targetId, SecretKind kind, QObject* context, StatusCallback done);
    // Gets the keychain ready now, while the admin is looking (unlocks a locked keyring, has a first
    // keyring made, starts the service) by storing and removing a check entry: whatever the keyring
    // asks, it asks now rather than in the middle of a deployment. Ok, or the error the keychain gave.
    void prepare(QObject* context, StatusCallback done);
    // Removes every kind of secret of a target (when the target is removed).
    void removeAll(const QUuid& targetId, QObject* context, StatusCallback done);

    // Blocking forms for worker threads (never the GUI thread).
    Status writeBlocking(const QUuid& targetId, SecretKind kind, const QString& secret);
    Result<QString> readBlocking(const QUuid& targetId, SecretKind kind);
    Status removeBlocking(const QUuid& targetId, SecretKind kind);

    // False once a call found no keychain service in this process, or secrets are kept in memory.
    static bool keychainSeemsAvailable();

    // From now on secrets stay in this process's memory and the keychain is not called (the admin
    // chose it, or KeychainProbe found none: calling it anyway would autolaunch D-Bus and a keyring
    // that prompts in a stray window). Calls still waiting for the keychain stop waiting at once
    // and end as "no keychain": a write is then kept in memory. Process-wide; cannot be undone
    // (a call abandoned now may still be queued in the keyring).
    // noKeychain: there is no keychain at all (KeychainProbe found none), so nothing can have
    // been kept in one earlier; false when the admin chose memory over a keychain that exists.
    static void keepInMemoryOnly(const QString& reason, bool noKeychain = false);
    static bool memoryOnly();
    // True when secrets are in memory because no keychain exists on this workstation.
    static bool noKeychain();
    // How long a blocking call waits for the keychain (30 s unless set). The app waits longer
    // because it shows the wait and offers to stop it (keepInMemoryOnly): the keyring may be
    // asking the admin for its password.
    static void setBlockingTimeout(int milliseconds);
    // The process-wide notifier (created on first use; lives as long as the process).
    static KeychainActivity* activity();
    // Forgets the secrets kept in memory (tests; the app quitting).
    static void clearMemory();

signals:
    // Emitted (on this object's thread) the first time a call finds no keychain service.
    void keychainUnavailable(const QString& message);
};

} // namespace aio
