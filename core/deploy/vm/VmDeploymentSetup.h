#pragma once

#include "core/common/Result.h"
#include "core/deploy/vm/VmDeployment.h"
#include "core/inventory/Target.h"

#include <QCoreApplication>
#include <QString>
#include <QUuid>

#include <optional>

namespace aio {

class SecretStore;

// Everything a VM deployment needs besides its plan, gathered one way for the wizard and the CLI:
// the answers saved for the target, the sandbox's keys from where they are kept, and where keys
// made during the deployment go. Blocking: call it from a worker thread or the CLI, never the GUI
// thread.
class VmDeploymentSetup
{
    Q_DECLARE_TR_FUNCTIONS(aio::VmDeploymentSetup)

public:
    // Where the sandbox's keys are kept: a file the admin named (the CLI's --jwt-key-file and
    // --api-key-file, for hosts without a keychain), else the target's keychain entries.
    struct KeyFiles
    {
        QString jwtPrivateKey;
        QString apiKey;
    };

    // Where the app keeps a target's sandbox keys when the admin keeps them in files rather than the
    // keychain (no keychain on this workstation): <data>/keys/<target id>/jwt-private-key.pem and
    // api-key, 0600 in a 0700 folder. The wizard offers it; the CLI uses them when they exist and
    // no other file is named.
    static KeyFiles keyFilesIn(const QString& dataDirectory, const QUuid& targetId);
    // Removes those files (the target was removed): no private key of a gone target stays on disk.
    static Status removeKeyFiles(const QString& dataDirectory, const QUuid& targetId);
    // True when either file exists (blocking: a worker thread).
    static bool anyKeyFileExists(const KeyFiles& files);

    // <data>/deploy/<target id>.answers.json: the answers last used for the target.
    static QString answersPath(const QString& dataDirectory, const QUuid& targetId);
    // nullopt when none are saved (the target was never deployed from this workstation); an Error
    // when the saved file cannot be read or is not valid. The public host is the target's when it
    // has one and the answers' rules accept it there: the target is the one place that name is kept.
    static std::optional<Result<VmDeployAnswers>> loadAnswers(const QString& dataDirectory, const Target& target);
    // The target once `answers` are its deployment's: its public host is theirs. nullopt when the
    // target already says so (nothing to save).
    static std::optional<Target> targetFor(const Target& target, const VmDeployAnswers& answers);
    static Status saveAnswers(const QString& dataDirectory, const QUuid& targetId, const VmDeployAnswers& answers);
    // Keeps the edge's basic-auth password for the target (keychain; memory only without one), so
    // the next run and the wizard's step states need it typed only once. Blocking: a worker thread.
    static Status saveEdgePassword(SecretStore* store, const QUuid& targetId, const QString& password);

    struct Keys
    {
        VmDeploySecrets secrets; // what was found; an empty key is made by the plan builder
        // Set when a key the answers need could not be read (a locked or broken keychain, an
        // unreadable file): a new key would lock out every client that holds the old one, so the
        // caller must not go on without the admin's word.
        std::optional<Error> unreadable;
    };
    // The sandbox keys the answers need (JWT signing key, API key), and the edge's basic-auth
    // password when one is kept. A key that is not stored yet is a first deployment and comes back
    // empty. `store` may be null (no keychain).
    static Keys readKeys(SecretStore* store, const QUuid& targetId, const VmDeployAnswers& answers,
                         const KeyFiles& files = {});

    // The CAs the final HTTPS check trusts besides the system's: a private ACME server's CA bundle
    // (tls.acme.caBundle: the CA that issues is usually the one that serves its API; a bundle may
    // hold both) and the files the admin names (the CLI's --trust-ca). Reads workstation files:
    // call it off the GUI thread. An unreadable file, or one without a PEM certificate, is an error.
    static Result<QList<QSslCertificate>> readTrustedCas(const VmDeployAnswers& answers,
                                                         const QStringList& extraFiles = {});

    // The deployment to `target`: the answers, the keys, the VM's address, and a saver that keeps
    // new keys where readKeys looks for them (nothing is kept on a dry run). The caller adds how
    // to open a second connection (reconnect) and any extra trusted CAs.
    static VmDeployment assemble(const Target& target, const VmDeployAnswers& answers, const VmDeploySecrets& secrets,
                                 SecretStore* store, const KeyFiles& files = {}, bool dryRun = false);
};

} // namespace aio
