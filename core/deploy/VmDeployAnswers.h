#pragma once

#include "core/common/HostName.h"
#include "core/common/Result.h"
#include "core/deploy/Cidr.h"
#include "core/deploy/ImageRef.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace aio {

// Everything the admin decides for a VM deployment (Docker + Nginx + TLS + authentication),
// the input of the VM plan builder and of the renderers. Loaded from the wizard or from the
// CLI's `--answers answers.json` (format: docs/deploy-answers.md). fromJson() parses and
// validates every field at the edge, so hostile values (spaces, ';', '{', newlines, shell
// metacharacters) never reach a renderer or a command line. Secrets are NOT part of the
// answers: they live in the keychain (see VmDeploySecrets).
struct VmDeployAnswers
{
    Q_DECLARE_TR_FUNCTIONS(aio::VmDeployAnswers)

public:
    enum class TlsMode { ExistingFiles, Acme, OwnCa };
    enum class AcmeChallenge { Webroot, NginxPlugin };
    enum class FirewallTool { None, Ufw, Nftables };

    static QString defaultRepository(); // "ghcr.io/agent-infra/sandbox"
    static QString mirrorRepository(); // "enterprise-public-cn-beijing.cr.volces.com/vefaas-public/all-in-one-sandbox"
    static QString suggestedTag(); // a pinned version, "1.11.0"
    static QString letsEncryptDirectory(); // "https://acme-v02.api.letsencrypt.org/directory"
    // The defaults the wizard starts from: the official image at suggestedTag(), the rest as below.
    static VmDeployAnswers defaults();

    // --- the sandbox container (V1)
    ImageRef image; // defaults(): defaultRepository():suggestedTag()
    QString containerName = QStringLiteral("aio-sandbox"); // docker's name grammar
    int cpuMillis = 1000; // --cpus (1000 = 1 CPU); limits from the official examples
    qint64 memoryBytes = qint64(2) << 30; // --memory 2g
    qint64 shmBytes = qint64(2) << 30; // --shm-size 2g
    QString logMaxSize = QStringLiteral("10m"); // json-file max-size ("<n>[k|m|g]")
    int logMaxFile = 3; // json-file max-file
    QString timeZone = QStringLiteral("UTC"); // TZ, an IANA name
    QList<QPair<QString, QString>> extraEnv; // NAME=value; reserved names refused

    // --- where it is served
    HostName publicHost; // the certificate's name; required

    // --- TLS (T2)
    TlsMode tlsMode = TlsMode::Acme;
    QString certificatePath; // ExistingFiles: absolute paths on the VM
    QString privateKeyPath;
    QString acmeEmail; // Acme
    bool acmeAgreeTos = false;
    QUrl acmeDirectory = QUrl(letsEncryptDirectory());
    QString acmeCaBundleLocalPath; // workstation file trusted for a private ACME server's API (pebble)
    AcmeChallenge acmeChallenge = AcmeChallenge::Webroot;
    QString acmeWebroot = QStringLiteral("/var/www/aio-acme"); // on the VM
    QString ownCaDirectory; // OwnCa: workstation folder for the CA (empty: the app's data folder)

    // --- edge access control (V4)
    QList<Cidr> allowlist; // allow … ; deny all
    QString basicAuthUser; // empty: no basic auth; the password is a secret
    QUrl authRequestUrl; // empty: none; an http(s) URL nginx asks (auth_request)
    QUrl signInUrl; // with authRequestUrl: where a refused browser is sent (302, "?rd=<original URL>")
    // Strict-Transport-Security: Auto = on for ACME and existing certificates (publicly trusted),
    // off for the app's own CA (a browser that pinned HSTS could not be told to trust it later).
    enum class Hsts { Auto, On, Off };
    Hsts hsts = Hsts::Auto;
    bool hstsEnabled() const { return hsts == Hsts::On || (hsts == Hsts::Auto && tlsMode != TlsMode::OwnCa); }

    // --- authentication at the sandbox (T3)
    bool sandboxJwt = true; // JWT_PUBLIC_KEY; the private key stays in the keychain
    bool sandboxApiKey = false; // SANDBOX_API_KEY, passed via a 0600 env-file

    // --- host firewall (T4/V2)
    FirewallTool firewallTool = FirewallTool::None;
    QList<Cidr> adminSshCidrs; // SSH allowed only from these
    int firewallAutoRevertSeconds = 60; // reverted unless confirmed in time (10…600)
    QList<quint16> firewallKeepOpen; // TCP ports that stay open to anyone (besides 80, 443 and SSH)

    // --- preflight
    bool installMissing = false; // install docker/nginx with apt when missing

    // Parses and validates (Status::InvalidInput naming the JSON field, with what to do).
    static Result<VmDeployAnswers> fromJson(const QJsonObject& object);
    static Result<VmDeployAnswers> load(const QString& filePath);
    QJsonObject toJson() const;
    Status save(const QString& filePath) const; // atomic (QSaveFile)

    // Cross-field checks (also run by fromJson): ACME needs an e-mail and agreed terms and a DNS
    // name, existing files need both paths, a firewall needs admin SSH ranges, at least one of
    // allowlist / basic auth / auth_request / sandbox JWT / API key is on, …
    Status validate() const;
    // Things allowed but worth a second look (":latest", an unknown registry, small limits).
    QStringList warnings() const;

    // Field parsers shared with the wizard (validate as the user types).
    static Status checkContainerName(const QString& name);
    static Status checkEnvName(const QString& name);
    static Status checkEnvValue(const QString& name, const QString& value);
    static Status checkRemotePath(const QString& field, const QString& path);
    static Status checkTimeZone(const QString& tz);
    // Set, and not "<digits>-…", which the image's gateway would route to an internal port.
    static Status checkPublicHost(const HostName& host);
    // True for a name no public CA issues for: an address, or a name under a special-use or
    // private top-level domain (.test, .example, .invalid, .localhost, .local, .internal, .lan,
    // .home.arpa…). Let's Encrypt refuses these; an own CA (or a private ACME server) serves them.
    static bool isPrivateName(const HostName& host);
    // True when the ACME directory is Let's Encrypt's (production or staging).
    bool acmeIsLetsEncrypt() const;
    static Status checkBasicAuthUser(const QString& user);
    // At least 12 characters: the edge password is all that stands between the internet and the sandbox.
    static Status checkBasicAuthPassword(const QString& password);
    // The sandbox's API key goes into an env-file and an nginx header: 16–512 of [A-Za-z0-9._~+/=-].
    static Status checkApiKey(const QString& key);
    static Status checkAuthRequestUrl(const QUrl& url);
    static Status checkEmail(const QString& email);
    static Status checkLogMaxSize(const QString& size);
    // "1", "1.5", "1500m" → millicpus.
    static Result<int> parseCpus(const QString& text);
    // "2g", "2Gi", "2048m", "2147483648" → bytes.
    static Result<qint64> parseBytes(const QString& field, const QString& text);
    // Docker's size form for bytes: "2g", "512m", "1024k", or plain bytes.
    static QString formatBytes(qint64 bytes);
    // Docker's --cpus form for millicpus: "1", "1.5", "0.25".
    static QString formatCpus(int millis);

    static QString tlsModeName(TlsMode mode); // "existing", "acme", "own-ca"
    static QString firewallToolName(FirewallTool tool); // "none", "ufw", "nftables"
};

// The secrets a deployment needs, read from the keychain (or environment variables for the
// CLI). Never serialized with the answers, never logged; added to the runner's redactor.
struct VmDeploySecrets
{
    QString basicAuthPassword;
    QByteArray jwtPrivateKeyPem;
    QString apiKey;
};

} // namespace aio
