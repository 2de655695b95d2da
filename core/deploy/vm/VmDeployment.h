#pragma once

#include "core/common/HostName.h"
#include "core/deploy/VmDeployAnswers.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/RemoteHost.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>

#include <functional>
#include <memory>

namespace aio {

// What the VM plan's steps share: the answers, the secrets (keys generated on this workstation
// when the keychain had none), where the VM is reached from the workstation, and the callbacks
// through which the app keeps secrets and opens a second SSH connection. Built once by
// VmPlanBuilder; steps hold it through a shared_ptr and only read it while the plan runs.
struct VmDeployment
{
    // Keeps a secret generated during the deployment (keychain through SecretStore, or a 0600
    // file for the CLI when no keychain runs). Called by the authentication step's apply.
    using SecretSaver = std::function<Status(SecretKind kind, const QByteArray& value)>;
    // Opens a NEW SSH connection to the same host (the firewall step proves with it that new
    // connections still get through before it cancels the timed revert).
    using Reconnector = std::function<Result<std::shared_ptr<RemoteHost>>()>;

    VmDeployAnswers answers;
    VmDeploySecrets secrets;
    QByteArray jwtPublicKeyPem; // derived from secrets.jwtPrivateKeyPem when sandboxJwt
    bool jwtKeyGenerated = false; // made by the builder for this run: apply keeps it
    bool apiKeyGenerated = false;

    HostName vmAddress; // the VM as the workstation reaches it (the probes connect here)
    QList<QSslCertificate> trustedCas; // extra roots for verify (pebble's root, the admin's CA)

    SecretSaver saveSecret;
    // Where saveSecret keeps new keys, in the admin's words ("the keychain", "files in …",
    // "memory until the app quits"), for the previews.
    QString keysKeptIn;
    Reconnector reconnect;
};

} // namespace aio
