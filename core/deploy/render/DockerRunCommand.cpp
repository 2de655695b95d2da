#include "core/deploy/render/DockerRunCommand.h"

#include "core/crypto/RsaKeyPair.h"

namespace aio {

QString DockerRunCommand::envFilePath()
{
    return QStringLiteral("/etc/aio-sandbox/sandbox.env");
}

int DockerRunCommand::pidsLimit()
{
    return 4096;
}

QString DockerRunCommand::networkName()
{
    return QStringLiteral("aio-sandbox-net");
}

QString DockerRunCommand::ensureNetworkScript()
{
    return QStringLiteral(
               "docker network inspect %1 >/dev/null 2>&1 || docker network create --driver bridge --label %2 %1")
        .arg(networkName(), managedLabel());
}

QString DockerRunCommand::managedLabel()
{
    return QStringLiteral("org.aio-sandbox-manager.managed=true");
}

QStringList DockerRunCommand::render(const VmDeployAnswers& a, const QByteArray& jwtPublicKeyPem, bool withEnvFile)
{
    QStringList argv{QStringLiteral("docker"), QStringLiteral("run"), QStringLiteral("-d")};
    argv << QStringLiteral("--name") << a.containerName;
    argv << QStringLiteral("--restart") << QStringLiteral("unless-stopped");
    argv << QStringLiteral("--security-opt") << QStringLiteral("seccomp=unconfined");
    argv << QStringLiteral("--network") << networkName();
    // Loopback only: nginx on the same host is the one way in.
    argv << QStringLiteral("-p") << QStringLiteral("127.0.0.1:8080:8080");
    argv << QStringLiteral("--shm-size") << VmDeployAnswers::formatBytes(a.shmBytes);
    argv << QStringLiteral("--cpus") << VmDeployAnswers::formatCpus(a.cpuMillis);
    argv << QStringLiteral("--memory") << VmDeployAnswers::formatBytes(a.memoryBytes);
    // A fork bomb by an agent stays inside the container (threads count: browser and IDE need many).
    argv << QStringLiteral("--pids-limit") << QString::number(pidsLimit());
    argv << QStringLiteral("--log-driver") << QStringLiteral("json-file");
    argv << QStringLiteral("--log-opt") << QStringLiteral("max-size=") + a.logMaxSize;
    argv << QStringLiteral("--log-opt") << QStringLiteral("max-file=") + QString::number(a.logMaxFile);
    argv << QStringLiteral("--label") << managedLabel();
    argv << QStringLiteral("-e") << QStringLiteral("TZ=") + a.timeZone;
    if (!jwtPublicKeyPem.isEmpty())
        argv << QStringLiteral("-e")
             << QStringLiteral("JWT_PUBLIC_KEY=") + QString::fromLatin1(RsaKeyPair::jwtPublicKeyValue(jwtPublicKeyPem));
    if (withEnvFile)
        argv << QStringLiteral("--env-file") << envFilePath();
    for (const auto& [name, value] : a.extraEnv)
        argv << QStringLiteral("-e") << name + QLatin1Char('=') + value;
    argv << a.image.toString();
    return argv;
}

QStringList DockerRunCommand::pullArgv(const ImageRef& image)
{
    return {QStringLiteral("docker"), QStringLiteral("pull"), image.toString()};
}

QByteArray DockerRunCommand::renderEnvFile(const QString& apiKey)
{
    return QByteArrayLiteral("SANDBOX_API_KEY=") + apiKey.toUtf8() + '\n';
}

} // namespace aio
