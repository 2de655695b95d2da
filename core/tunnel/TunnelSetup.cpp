#include "core/tunnel/TunnelSetup.h"

#include "core/deploy/vm/VmDeploymentSetup.h"

#include <QFile>
#include <QFileInfo>

namespace aio {

QList<SandboxService> SandboxService::all()
{
    return {
        {QStringLiteral("vnc"), QStringLiteral("VNC"), QStringLiteral("/vnc/index.html?autoconnect=true")},
        {QStringLiteral("code-server"), QStringLiteral("code-server"), QStringLiteral("/code-server/")},
        {QStringLiteral("terminal"), QCoreApplication::translate("aio::SandboxService", "Terminal"),
         QStringLiteral("/terminal")},
        {QStringLiteral("jupyter"), QStringLiteral("Jupyter"), QStringLiteral("/jupyter")},
        {QStringLiteral("docs"), QCoreApplication::translate("aio::SandboxService", "API docs"),
         QStringLiteral("/v1/docs")},
        {QStringLiteral("home"), QCoreApplication::translate("aio::SandboxService", "Home page"), QStringLiteral("/")},
    };
}

std::optional<SandboxService> SandboxService::byName(const QString& name)
{
    for (const SandboxService& s : all())
        if (s.name == name)
            return s;
    return std::nullopt;
}

namespace {

Result<QByteArray> readKeyFile(const QString& path, const QString& what)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, TunnelSetup::tr("Could not read the %1 file %2.").arg(what, path), f.errorString());
    const QByteArray content = f.read(1024 * 1024).trimmed();
    if (content.isEmpty())
        return Error(ErrorKind::InvalidInput, TunnelSetup::tr("The %1 file %2 is empty.").arg(what, path));
    return content;
}

} // namespace

Result<TunnelSetup::Found> TunnelSetup::credentialsFor(const QString& dataDirectory, const Target& target,
                                                       SecretStore* store, const QString& jwtKeyFile,
                                                       const QString& apiKeyFile)
{
    Found found;
    if (!jwtKeyFile.isEmpty()) {
        Result<QByteArray> pem = readKeyFile(jwtKeyFile, tr("JWT private key"));
        if (!pem)
            return pem.error();
        Result<SandboxCredentials> c = SandboxCredentials::fromJwtPrivateKey(*pem);
        if (!c)
            return Error(ErrorKind::InvalidInput, tr("%1 is not an RSA private key in PEM.").arg(jwtKeyFile),
                         c.error().withDetail());
        found.credentials = *c;
        found.note = tr("JWT signed with the key in %1").arg(jwtKeyFile);
        return found;
    }
    if (!apiKeyFile.isEmpty()) {
        Result<QByteArray> key = readKeyFile(apiKeyFile, tr("API key"));
        if (!key)
            return key.error();
        if (key->contains('\n') || key->contains('\r'))
            return Error(ErrorKind::InvalidInput, tr("The API key file %1 holds more than one line.").arg(apiKeyFile));
        found.credentials = SandboxCredentials::fromApiKey(QString::fromUtf8(*key));
        found.note = tr("API key from %1").arg(apiKeyFile);
        return found;
    }
    const std::optional<Result<VmDeployAnswers>> answers = VmDeploymentSetup::loadAnswers(dataDirectory, target);
    if (!answers) {
        found.note = tr("no deployment of %1 from this workstation is recorded, so the tunnel adds no credentials; a "
                        "sandbox with JWT_PUBLIC_KEY or SANDBOX_API_KEY will answer 401")
                         .arg(target.name);
        return found;
    }
    if (!*answers)
        return answers->error();
    const VmDeployAnswers& a = **answers;
    if (!a.sandboxJwt && !a.sandboxApiKey) {
        found.note = tr("the sandbox's own authentication is off in %1's deployment").arg(target.name);
        return found;
    }
    VmDeploymentSetup::KeyFiles files = VmDeploymentSetup::keyFilesIn(dataDirectory, target.id);
    if (!QFileInfo::exists(files.jwtPrivateKey))
        files.jwtPrivateKey.clear();
    if (!QFileInfo::exists(files.apiKey))
        files.apiKey.clear();
    VmDeploymentSetup::Keys keys = VmDeploymentSetup::readKeys(store, target.id, a, files);
    if (keys.unreadable)
        return *keys.unreadable;
    if (a.sandboxJwt && !keys.secrets.jwtPrivateKeyPem.isEmpty()) {
        Result<SandboxCredentials> c = SandboxCredentials::fromJwtPrivateKey(keys.secrets.jwtPrivateKeyPem);
        if (!c)
            return c.error();
        found.credentials = *c;
        found.note = files.jwtPrivateKey.isEmpty() ? tr("JWT signed with the key kept in the keychain")
                                                   : tr("JWT signed with the key in %1").arg(files.jwtPrivateKey);
        return found;
    }
    if (a.sandboxApiKey && !keys.secrets.apiKey.isEmpty()) {
        found.credentials = SandboxCredentials::fromApiKey(keys.secrets.apiKey);
        found.note
            = files.apiKey.isEmpty() ? tr("API key kept in the keychain") : tr("API key in %1").arg(files.apiKey);
        return found;
    }
    return Error(ErrorKind::NotFound,
                 tr("The sandbox key of %1's deployment is not kept on this workstation.").arg(target.name), {},
                 tr("Deploy again from here (it reuses or replaces the key), or give the key with --jwt-key-file or "
                    "--api-key-file."));
}

} // namespace aio
