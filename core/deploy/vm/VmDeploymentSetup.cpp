#include "core/deploy/vm/VmDeploymentSetup.h"

#include "core/inventory/SecretStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace aio {

namespace {
QString keyName(SecretKind kind)
{
    return kind == SecretKind::SandboxApiKey ? VmDeploymentSetup::tr("API key")
                                             : VmDeploymentSetup::tr("JWT signing key");
}

// The key as the keychain (or, without one, this run's memory) has it: empty when none is kept
// there, or when no keychain exists here at all (so none can have been kept); an Error when it
// cannot be read, since a new key would lock out every client that holds the old one.
Result<QString> fromKeychain(SecretStore* store, const QUuid& targetId, SecretKind kind)
{
    if (!store)
        return QString();
    Result<QString> stored = store->readBlocking(targetId, kind);
    if (stored)
        return stored;
    if (stored.error().kind == ErrorKind::NotFound
        || (stored.error().kind == ErrorKind::KeychainUnavailable && SecretStore::noKeychain()))
        return QString();
    Error e = stored.error();
    e.message = VmDeploymentSetup::tr("The keychain could not be read, so the sandbox's %1 from earlier "
                                      "deployments is unknown; a new one would lock out every client that holds "
                                      "the old one. (%2)")
                    .arg(keyName(kind), e.message);
    e.nextStep = VmDeploymentSetup::tr("Unlock or start the keychain first.");
    return e;
}

// One key: empty when none is kept yet, an Error when it exists but cannot be read.
Result<QString> readKey(SecretStore* store, const QUuid& targetId, SecretKind kind, const QString& file)
{
    if (file.isEmpty())
        return fromKeychain(store, targetId, kind);
    QFile f(file);
    // Not in the file (yet): an earlier deployment may have kept it in the keychain.
    if (!f.exists())
        return fromKeychain(store, targetId, kind);
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, VmDeploymentSetup::tr("Cannot read %1.").arg(file), f.errorString());
    return QString::fromUtf8(f.readAll()).trimmed()
        + (kind == SecretKind::SandboxJwtPrivateKey ? QStringLiteral("\n") : QString());
}

Status writePrivateFile(const QString& path, const QByteArray& content)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (!QFileInfo::exists(folder)) {
        if (!QDir().mkpath(folder)
            || !QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
            return Error(ErrorKind::Io,
                         VmDeploymentSetup::tr("Cannot create the folder %1 for you alone.").arg(folder));
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, VmDeploymentSetup::tr("Cannot write %1.").arg(path), f.errorString());
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(content);
    if (!f.commit())
        return Error(ErrorKind::Io, VmDeploymentSetup::tr("Cannot write %1.").arg(path), f.errorString());
    return {};
}
} // namespace

QString VmDeploymentSetup::answersPath(const QString& dataDirectory, const QUuid& targetId)
{
    return dataDirectory + QStringLiteral("/deploy/") + targetId.toString(QUuid::WithoutBraces)
        + QStringLiteral(".answers.json");
}

std::optional<Result<VmDeployAnswers>> VmDeploymentSetup::loadAnswers(const QString& dataDirectory,
                                                                      const Target& target)
{
    const QString path = answersPath(dataDirectory, target.id);
    if (!QFile::exists(path))
        return std::nullopt;
    Result<VmDeployAnswers> saved = VmDeployAnswers::load(path);
    if (!saved || target.vm.publicHost.isEmpty() || saved->publicHost == target.vm.publicHost)
        return saved;
    QJsonObject json = saved->toJson();
    json.insert(QStringLiteral("publicHost"), target.vm.publicHost.toString());
    Result<VmDeployAnswers> withTargetHost = VmDeployAnswers::fromJson(json);
    // A name the answers refuse (an older inventory, or an IP with ACME) must not make the whole
    // file unreadable: the saved answers stand, and their own name is checked as before.
    return withTargetHost ? withTargetHost : saved;
}

Status VmDeploymentSetup::saveEdgePassword(SecretStore* store, const QUuid& targetId, const QString& password)
{
    if (!store || password.isEmpty())
        return {};
    const Status s = store->writeBlocking(targetId, SecretKind::EdgePassword, password);
    // Without a keychain the store keeps it in memory for this run: that is all that can be done.
    return !s && s.error().kind == ErrorKind::KeychainUnavailable ? Status() : s;
}

Result<QList<QSslCertificate>> VmDeploymentSetup::readTrustedCas(const VmDeployAnswers& answers,
                                                                 const QStringList& extraFiles)
{
    QStringList files = extraFiles;
    if (answers.tlsMode == VmDeployAnswers::TlsMode::Acme && !answers.acmeCaBundleLocalPath.isEmpty())
        files.prepend(answers.acmeCaBundleLocalPath);
    QList<QSslCertificate> cas;
    for (const QString& file : std::as_const(files)) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return Error(ErrorKind::Io, tr("Cannot read the CA file %1.").arg(file), f.errorString());
        const QList<QSslCertificate> certs = QSslCertificate::fromData(f.read(4 * 1024 * 1024), QSsl::Pem);
        if (certs.isEmpty())
            return Error(ErrorKind::InvalidInput, tr("%1 holds no PEM certificate.").arg(file), {},
                         tr("Name the CA's certificate in PEM form (-----BEGIN CERTIFICATE-----)."));
        cas += certs;
    }
    return cas;
}

std::optional<Target> VmDeploymentSetup::targetFor(const Target& target, const VmDeployAnswers& answers)
{
    if (target.vm.publicHost == answers.publicHost)
        return std::nullopt;
    Target updated = target;
    updated.vm.publicHost = answers.publicHost;
    return updated;
}

Status VmDeploymentSetup::saveAnswers(const QString& dataDirectory, const QUuid& targetId,
                                      const VmDeployAnswers& answers)
{
    const QString path = answersPath(dataDirectory, targetId);
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error(ErrorKind::Io, tr("Could not create the folder for the answers."), QFileInfo(path).absolutePath());
    return answers.save(path);
}

VmDeploymentSetup::KeyFiles VmDeploymentSetup::keyFilesIn(const QString& dataDirectory, const QUuid& targetId)
{
    const QString folder
        = QDir(dataDirectory).filePath(QStringLiteral("keys/") + targetId.toString(QUuid::WithoutBraces));
    return {folder + QStringLiteral("/jwt-private-key.pem"), folder + QStringLiteral("/api-key")};
}

Status VmDeploymentSetup::removeKeyFiles(const QString& dataDirectory, const QUuid& targetId)
{
    const QString folder = QFileInfo(keyFilesIn(dataDirectory, targetId).jwtPrivateKey).absolutePath();
    if (QFileInfo::exists(folder) && !QDir(folder).removeRecursively())
        return Error(ErrorKind::Io, tr("Could not remove the sandbox's key files in %1.").arg(folder));
    return {};
}

bool VmDeploymentSetup::anyKeyFileExists(const KeyFiles& files)
{
    return (!files.jwtPrivateKey.isEmpty() && QFileInfo::exists(files.jwtPrivateKey))
        || (!files.apiKey.isEmpty() && QFileInfo::exists(files.apiKey));
}

VmDeploymentSetup::Keys VmDeploymentSetup::readKeys(SecretStore* store, const QUuid& targetId,
                                                    const VmDeployAnswers& answers, const KeyFiles& files)
{
    Keys keys;
    if (answers.sandboxJwt) {
        Result<QString> jwt = readKey(store, targetId, SecretKind::SandboxJwtPrivateKey, files.jwtPrivateKey);
        if (jwt)
            keys.secrets.jwtPrivateKeyPem = jwt->toUtf8();
        else
            keys.unreadable = jwt.error();
    }
    if (answers.sandboxApiKey) {
        Result<QString> api = readKey(store, targetId, SecretKind::SandboxApiKey, files.apiKey);
        if (api)
            keys.secrets.apiKey = *api;
        else if (!keys.unreadable)
            keys.unreadable = api.error();
    }
    // The edge password kept from an earlier deployment (typed once in the wizard, or given to the
    // CLI). Missing or unreadable: the caller asks for it; nothing is locked out by asking.
    if (!answers.basicAuthUser.isEmpty() && store) {
        if (Result<QString> edge = store->readBlocking(targetId, SecretKind::EdgePassword))
            keys.secrets.basicAuthPassword = *edge;
    }
    return keys;
}

VmDeployment VmDeploymentSetup::assemble(const Target& target, const VmDeployAnswers& answers,
                                         const VmDeploySecrets& secrets, SecretStore* store, const KeyFiles& files,
                                         bool dryRun)
{
    VmDeployment d;
    d.answers = answers;
    d.secrets = secrets;
    d.vmAddress = target.vm.host;
    const QUuid id = target.id;
    if (!files.jwtPrivateKey.isEmpty() || !files.apiKey.isEmpty())
        d.keysKeptIn
            = tr("a file only you can read (%1)")
                  .arg(QFileInfo(files.jwtPrivateKey.isEmpty() ? files.apiKey : files.jwtPrivateKey).absolutePath());
    d.saveSecret = [store, id, files, dryRun](SecretKind kind, const QByteArray& value) -> Status {
        if (dryRun)
            return {};
        const QString& file = kind == SecretKind::SandboxApiKey ? files.apiKey : files.jwtPrivateKey;
        if (!file.isEmpty())
            return writePrivateFile(file, value);
        if (!store)
            return Error(ErrorKind::KeychainUnavailable,
                         tr("No keychain: the sandbox's %1 is not kept.").arg(keyName(kind)), {},
                         tr("Start a keychain (a Secret Service such as GNOME Keyring or KWallet) and deploy again."));
        return store->writeBlocking(id, kind, QString::fromUtf8(value));
    };
    return d;
}

} // namespace aio
