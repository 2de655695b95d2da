#pragma once

#include "core/common/Result.h"
#include "core/inventory/Target.h"
#include "core/tunnel/SandboxCredentials.h"

#include <QCoreApplication>
#include <QString>

namespace aio {

class SecretStore;

// The paths a tunnel opens on the sandbox, by the names the CLI and the panel use.
struct SandboxService
{
    QString name; // "vnc", "code-server", …
    QString title; // "VNC", "code-server", …
    QString path; // "/vnc/index.html?autoconnect=true"

    static QList<SandboxService> all();
    static std::optional<SandboxService> byName(const QString& name);
};

// What a tunnel to a VM target needs from this workstation: the credentials the target's
// sandbox expects, as the deployment kept them. Blocking (keychain, files): worker threads and
// the CLI, never the GUI thread.
class TunnelSetup
{
    Q_DECLARE_TR_FUNCTIONS(aio::TunnelSetup)

public:
    struct Found
    {
        SandboxCredentials credentials;
        QString note; // how they were found, or why there are none
    };
    // From the deployment's saved answers and the keys it kept (keychain, or the key files the
    // wizard or the CLI kept). `jwtKeyFile`/`apiKeyFile`, when given, win (a sandbox set up by
    // hand). No deployment recorded and no file given: no credentials, and the note says so.
    static Result<Found> credentialsFor(const QString& dataDirectory, const Target& target, SecretStore* store,
                                        const QString& jwtKeyFile = {}, const QString& apiKeyFile = {});
};

} // namespace aio
