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

// Secrets, kept only in the system keychain through QtKeychain (service "aio-sandbox-manager",
// key "<target-id>/<kind>"). Never in the inventory file, a log, or any other file.
//
// When no keychain service is running (no D-Bus session, no Secret Service), writes report
// KeychainUnavailable and the secret is kept in this process's memory only, so the app can go
// on for this run and asks again next time. Reads fall back to that memory.
//
// Every QtKeychain job runs on one internal thread (QtKeychain is not thread-safe). Asynchronous
// calls may be made from any thread with an event loop and call back on `context`'s thread; the
// callback is dropped when `context` is destroyed first. The blocking calls wait (at most 30 s)
// for the keychain thread; they are for worker threads and the CLI, never the GUI thread.
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
    // Removes every kind of secret of a target (when the target is removed).
    void removeAll(const QUuid& targetId, QObject* context, StatusCallback done);

    // Blocking forms for worker threads (never the GUI thread).
    Status writeBlocking(const QUuid& targetId, SecretKind kind, const QString& secret);
    Result<QString> readBlocking(const QUuid& targetId, SecretKind kind);
    Status removeBlocking(const QUuid& targetId, SecretKind kind);

    // False once a call found no keychain service in this process.
    static bool keychainSeemsAvailable();
    // Forgets the secrets kept in memory (tests; the app quitting).
    static void clearMemory();

signals:
    // Emitted (on this object's thread) the first time a call finds no keychain service.
    void keychainUnavailable(const QString& message);
};

} // namespace aio
