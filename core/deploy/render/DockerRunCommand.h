#pragma once

#include "core/deploy/ImageRef.h"
#include "core/deploy/VmDeployAnswers.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace aio {

// The `docker run` argument vector for the sandbox container, from validated answers. Pure.
//
// The API key (a secret) is never on the command line, where `ps`, shell history and our own
// history would see it: it goes in an env-file (envFilePath(), root-owned, mode 0600, uploaded
// through the atomic file upload, whose content never passes a command line) and the command
// only names the file with `--env-file`. An env-file rather than stdin, because docker re-reads
// nothing from it later either way, but a file lets a later `docker run` (recreate) reuse the
// same key without the workstation resending it, and its mode is checkable. JWT_PUBLIC_KEY is a
// public key and is passed with -e.
class DockerRunCommand
{
public:
    static QString envFilePath(); // "/etc/aio-sandbox/sandbox.env"
    static QString managedLabel(); // "org.aio-sandbox-manager.managed=true"

    // ["docker", "run", "-d", "--name", …, image]. jwtPublicKeyPem empty: no JWT_PUBLIC_KEY.
    // withEnvFile: add "--env-file envFilePath()" (when the API key is on).
    static QStringList render(const VmDeployAnswers& answers, const QByteArray& jwtPublicKeyPem, bool withEnvFile);
    // ["docker", "pull", image]
    static QStringList pullArgv(const ImageRef& image);
    // The env-file content: "SANDBOX_API_KEY=<key>\n". The key must be a token (no newline).
    static QByteArray renderEnvFile(const QString& apiKey);
    static int pidsLimit(); // --pids-limit: 4096 processes and threads
    // The sandbox's own bridge network: other containers on the VM's default bridge cannot reach
    // the sandbox's 8080 past nginx.
    static QString networkName(); // "aio-sandbox-net"
    // Creates that network unless it exists (a script for sh; the name is ours, not the user's).
    static QString ensureNetworkScript();
};

} // namespace aio
