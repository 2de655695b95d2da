#include "core/deploy/VmDeployAnswers.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <cmath>

namespace aio {

namespace {

constexpr qint64 kMiB = qint64(1) << 20;
constexpr qint64 kGiB = qint64(1) << 30;

Error invalidAnswer(const QString& message, const QString& next = {})
{
    return Error(ErrorKind::InvalidInput, message, {}, next);
}

// The error of a field check, with the JSON field named in front.
Error inField(const QString& field, const Error& e)
{
    Error out = e;
    out.message = VmDeployAnswers::tr("Answers, field \"%1\": %2").arg(field, e.message);
    return out;
}

QString shownChar(QChar c)
{
    return c.isPrint() && !c.isSpace() ? QString(c) : QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
}

bool matches(const QString& pattern, const QString& text)
{
    const QRegularExpression re(QStringLiteral("^(?:") + pattern + QStringLiteral(")$"));
    return re.match(text).hasMatch();
}

const QSet<QString>& reservedEnv()
{
    static const QSet<QString> names{QStringLiteral("JWT_PUBLIC_KEY"), QStringLiteral("SANDBOX_API_KEY"),
                                     QStringLiteral("TZ")};
    return names;
}

// Refuses keys we do not know, so a typo ("allowList") is an error rather than silently ignored.
Status onlyKeys(const QJsonObject& object, const QString& where, std::initializer_list<const char*> known)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool found = false;
        for (const char* k : known)
            found = found || it.key() == QLatin1String(k);
        if (!found) {
            const QString name = where.isEmpty() ? it.key() : where + QLatin1Char('.') + it.key();
            return invalidAnswer(VmDeployAnswers::tr("Answers: unknown field \"%1\".").arg(name),
                                 VmDeployAnswers::tr("Check the spelling against docs/deploy-answers.md."));
        }
    }
    return {};
}

// A string field; absent → fallback. A non-string value is an error.
Result<QString> stringField(const QJsonObject& o, const QString& key, const QString& where, const QString& fallback)
{
    if (!o.contains(key))
        return fallback;
    const QJsonValue v = o.value(key);
    if (!v.isString())
        return invalidAnswer(VmDeployAnswers::tr("Answers, field \"%1\" must be a string.").arg(where + key));
    return v.toString();
}

Result<bool> boolField(const QJsonObject& o, const QString& key, const QString& where, bool fallback)
{
    if (!o.contains(key))
        return fallback;
    const QJsonValue v = o.value(key);
    if (!v.isBool())
        return invalidAnswer(VmDeployAnswers::tr("Answers, field \"%1\" must be true or false.").arg(where + key));
    return v.toBool();
}

Result<QList<Cidr>> cidrList(const QJsonObject& o, const QString& key, const QString& where)
{
    QList<Cidr> out;
    if (!o.contains(key))
        return out;
    if (!o.value(key).isArray())
        return invalidAnswer(
            VmDeployAnswers::tr("Answers, field \"%1\" must be a list of address ranges.").arg(where + key));
    const QJsonArray a = o.value(key).toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QString field = QStringLiteral("%1%2[%3]").arg(where, key).arg(i);
        if (!a.at(i).isString())
            return invalidAnswer(
                VmDeployAnswers::tr("Answers, field \"%1\" must be a string such as 203.0.113.0/24.").arg(field));
        Result<Cidr> c = Cidr::parse(a.at(i).toString());
        if (!c)
            return inField(field, c.error());
        out.append(*c);
    }
    return out;
}

QJsonArray cidrsToJson(const QList<Cidr>& list)
{
    QJsonArray a;
    for (const Cidr& c : list)
        a.append(c.toString());
    return a;
}
} // namespace

QString VmDeployAnswers::defaultRepository()
{
    return QStringLiteral("ghcr.io/agent-infra/sandbox");
}

QString VmDeployAnswers::mirrorRepository()
{
    return QStringLiteral("enterprise-public-cn-beijing.cr.volces.com/vefaas-public/all-in-one-sandbox");
}

QString VmDeployAnswers::suggestedTag()
{
    return QStringLiteral("1.11.0");
}

QString VmDeployAnswers::letsEncryptDirectory()
{
    return QStringLiteral("https://acme-v02.api.letsencrypt.org/directory");
}

bool VmDeployAnswers::isPrivateName(const HostName& host)
{
    if (host.isIpAddress())
        return true;
    const QString name = host.toString().toLower();
    static const char* const privateSuffixes[]
        = {".test", ".example", ".invalid", ".localhost", ".local",     ".internal",
           ".lan",  ".home",    ".corp",    ".intranet",  ".home.arpa", ".localdomain"};
    for (const char* suffix : privateSuffixes) {
        if (name.endsWith(QLatin1String(suffix)))
            return true;
    }
    return !name.contains(QLatin1Char('.')); // a single label: never a public name
}

bool VmDeployAnswers::acmeIsLetsEncrypt() const
{
    const QString host = acmeDirectory.host().toLower();
    return host == QLatin1String("acme-v02.api.letsencrypt.org")
        || host == QLatin1String("acme-staging-v02.api.letsencrypt.org");
}

VmDeployAnswers VmDeployAnswers::defaults()
{
    VmDeployAnswers a;
    a.image = ImageRef::fromParts(defaultRepository(), suggestedTag()).valueOr(ImageRef());
    return a;
}

QString VmDeployAnswers::tlsModeName(TlsMode mode)
{
    switch (mode) {
    case TlsMode::ExistingFiles:
        return QStringLiteral("existing");
    case TlsMode::Acme:
        return QStringLiteral("acme");
    case TlsMode::OwnCa:
        return QStringLiteral("own-ca");
    }
    return {};
}

QString VmDeployAnswers::firewallToolName(FirewallTool tool)
{
    switch (tool) {
    case FirewallTool::None:
        return QStringLiteral("none");
    case FirewallTool::Ufw:
        return QStringLiteral("ufw");
    case FirewallTool::Nftables:
        return QStringLiteral("nftables");
    }
    return {};
}

// ---- field checks

Status VmDeployAnswers::checkContainerName(const QString& name)
{
    // docker: [a-zA-Z0-9][a-zA-Z0-9_.-]+
    if (name.size() < 2 || name.size() > 64 || !matches(QStringLiteral("[a-zA-Z0-9][a-zA-Z0-9_.-]+"), name))
        return invalidAnswer(tr("The container name \"%1\" is not valid.").arg(name.simplified()),
                             tr("Use 2 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit."));
    return {};
}

Status VmDeployAnswers::checkEnvName(const QString& name)
{
    if (name.isEmpty() || name.size() > 128 || !matches(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"), name))
        return invalidAnswer(tr("The environment variable name \"%1\" is not valid.").arg(name.simplified()),
                             tr("Use letters, digits and '_', not starting with a digit."));
    if (reservedEnv().contains(name))
        return invalidAnswer(tr("The environment variable %1 is set by the deployment itself.").arg(name),
                             tr("Use the matching setting (time zone, sandbox JWT or API key) instead."));
    return {};
}

Status VmDeployAnswers::checkEnvValue(const QString& name, const QString& value)
{
    if (value.size() > 4096)
        return invalidAnswer(tr("The value of %1 is longer than 4096 characters.").arg(name));
    for (QChar c : value) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return invalidAnswer(tr("The value of %1 contains the control character %2.").arg(name, shownChar(c)),
                                 tr("Environment values must be one line of printable text."));
    }
    return {};
}

Status VmDeployAnswers::checkRemotePath(const QString& field, const QString& path)
{
    if (path.isEmpty())
        return invalidAnswer(tr("The %1 is empty.").arg(field));
    if (!path.startsWith(QLatin1Char('/')))
        return invalidAnswer(tr("The %1 \"%2\" is not an absolute path.").arg(field, path.simplified()),
                             tr("Give the full path on the VM, starting with '/'."));
    if (path.size() > 1024)
        return invalidAnswer(tr("The %1 is longer than 1024 characters.").arg(field));
    for (QChar c : path) {
        const ushort u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '/'
            || u == '.' || u == '_' || u == '-' || u == '+' || u == '@';
        if (!ok)
            return invalidAnswer(
                tr("The %1 \"%2\" contains the character \"%3\".").arg(field, path.simplified(), shownChar(c)),
                tr("Paths may hold letters, digits and / . _ - + @ only."));
    }
    if (path.split(QLatin1Char('/')).contains(QStringLiteral("..")))
        return invalidAnswer(tr("The %1 \"%2\" contains \"..\".").arg(field, path));
    return {};
}

Status VmDeployAnswers::checkTimeZone(const QString& tz)
{
    if (tz.isEmpty() || tz.size() > 64 || !matches(QStringLiteral("[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*"), tz))
        return invalidAnswer(tr("The time zone \"%1\" is not a time zone name.").arg(tz.simplified()),
                             tr("Use an IANA name such as UTC, Europe/Berlin or Asia/Shanghai."));
    return {};
}

Status VmDeployAnswers::checkPublicHost(const HostName& host)
{
    if (host.isEmpty())
        return invalidAnswer(tr("No public host name is given."),
                             tr("Enter the DNS name the sandbox will be served on, e.g. sandbox.example.com."));
    // The image's gateway routes any Host "<digits>-<anything>" to that port inside the container,
    // before and without authentication (its port preview): such a name would expose an internal port.
    const QString text = host.toString();
    if (!host.isIpAddress() && matches(QStringLiteral("[0-9]+-.*"), text))
        return invalidAnswer(
            tr("The public host name %1 begins with digits and a hyphen: the sandbox image routes such "
               "a name to the internal port %2 without any authentication.")
                .arg(text, text.section(QLatin1Char('-'), 0, 0)),
            tr("Choose a name whose first label does not start with digits followed by '-', e.g. "
               "sandbox-%1.")
                .arg(text));
    return {};
}

Status VmDeployAnswers::checkBasicAuthPassword(const QString& password)
{
    if (password.size() < 12)
        return invalidAnswer(tr("The basic-auth password is too short; use at least 12 characters."),
                             tr("Choose a longer password, or a passphrase of several words."));
    return {};
}

Status VmDeployAnswers::checkApiKey(const QString& key)
{
    if (key.size() < 16 || key.size() > 512 || !matches(QStringLiteral("[A-Za-z0-9._~+/=-]+"), key))
        return invalidAnswer(
            tr("The sandbox API key is not usable: it must be 16 to 512 letters, digits or . _ ~ + / = -."),
            tr("Remove the stored key (a new one is made), or give a key file with such a key."));
    return {};
}

Status VmDeployAnswers::checkBasicAuthUser(const QString& user)
{
    if (user.isEmpty() || user.size() > 64 || !matches(QStringLiteral("[A-Za-z0-9._-]+"), user))
        return invalidAnswer(tr("The basic-auth user name \"%1\" is not valid.").arg(user.simplified()),
                             tr("Use 1 to 64 letters, digits, '.', '_' or '-'."));
    return {};
}

Status VmDeployAnswers::checkAuthRequestUrl(const QUrl& url)
{
    const QString text = url.toString(QUrl::FullyEncoded);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return invalidAnswer(tr("The SSO check URL \"%1\" is not an http or https URL.").arg(text.simplified()),
                             tr("Give the full URL nginx should ask, e.g. http://127.0.0.1:9091/api/verify."));
    if (!url.userInfo().isEmpty())
        return invalidAnswer(tr("The SSO check URL must not hold a user name or password."));
    if (!url.fragment().isEmpty())
        return invalidAnswer(tr("The SSO check URL must not hold a #fragment."));
    for (QChar c : text) {
        const ushort u = c.unicode();
        // nginx would read ';', '{', '}', quotes, '$' (variables) and spaces as syntax.
        if (u <= 0x20 || u >= 0x7F || c == QLatin1Char(';') || c == QLatin1Char('{') || c == QLatin1Char('}')
            || c == QLatin1Char('"') || c == QLatin1Char('\'') || c == QLatin1Char('$') || c == QLatin1Char('\\')
            || c == QLatin1Char('`'))
            return invalidAnswer(tr("The SSO check URL contains the character \"%1\".").arg(shownChar(c)));
    }
    Result<HostName> host = HostName::parse(url.host());
    if (!host)
        return host.error();
    return {};
}

Status VmDeployAnswers::checkEmail(const QString& email)
{
    if (email.size() > 254
        || !matches(QStringLiteral("[A-Za-z0-9.!#%&*+/=?^_|~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                                   "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"),
                    email))
        return invalidAnswer(
            tr("The e-mail address \"%1\" is not valid.").arg(email.simplified()),
            tr("The ACME server sends expiry warnings there; use a plain address like admin@example.com."));
    return {};
}

Status VmDeployAnswers::checkLogMaxSize(const QString& size)
{
    if (!matches(QStringLiteral("[1-9][0-9]{0,5}[kmg]"), size))
        return invalidAnswer(tr("The log size \"%1\" is not valid.").arg(size.simplified()),
                             tr("Use a number followed by k, m or g, such as 10m."));
    return {};
}

Result<int> VmDeployAnswers::parseCpus(const QString& text)
{
    const QString t = text.trimmed();
    double cpus = 0;
    bool ok = false;
    if (t.endsWith(QLatin1Char('m')) && matches(QStringLiteral("[0-9]{1,6}m"), t)) {
        cpus = t.chopped(1).toInt(&ok) / 1000.0;
    } else if (matches(QStringLiteral("[0-9]{1,3}(\\.[0-9]{1,3})?"), t)) {
        cpus = t.toDouble(&ok);
    }
    if (!ok || cpus < 0.1 || cpus > 256)
        return invalidAnswer(tr("The CPU limit \"%1\" is not valid.").arg(text.simplified()),
                             tr("Give a number of CPUs from 0.1 to 256 (\"1\", \"1.5\") or millicpus (\"1500m\")."));
    return int(std::lround(cpus * 1000));
}

Result<qint64> VmDeployAnswers::parseBytes(const QString& field, const QString& text)
{
    const QRegularExpression re(QStringLiteral("^([0-9]{1,12})(?:([kKmMgG])(i?)[bB]?)?$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return invalidAnswer(tr("The %1 \"%2\" is not a size.").arg(field, text.simplified()),
                             tr("Use a number with k, m or g (\"2g\", \"512m\"; Gi/Mi are read the same)."));
    qint64 value = m.captured(1).toLongLong();
    const QString unit = m.captured(2).toLower();
    if (unit == QLatin1String("k"))
        value *= 1024;
    else if (unit == QLatin1String("m"))
        value *= kMiB;
    else if (unit == QLatin1String("g"))
        value *= kGiB;
    if (value <= 0 || value > qint64(4096) * kGiB)
        return invalidAnswer(tr("The %1 \"%2\" is out of range.").arg(field, text));
    return value;
}

QString VmDeployAnswers::formatBytes(qint64 bytes)
{
    if (bytes > 0 && bytes % kGiB == 0)
        return QString::number(bytes / kGiB) + QLatin1Char('g');
    if (bytes > 0 && bytes % kMiB == 0)
        return QString::number(bytes / kMiB) + QLatin1Char('m');
    if (bytes > 0 && bytes % 1024 == 0)
        return QString::number(bytes / 1024) + QLatin1Char('k');
    return QString::number(bytes);
}

QString VmDeployAnswers::formatCpus(int millis)
{
    QString s = QString::number(millis / 1000);
    const int frac = millis % 1000;
    if (frac != 0) {
        QString f = QStringLiteral("%1").arg(frac, 3, 10, QLatin1Char('0'));
        while (f.endsWith(QLatin1Char('0')))
            f.chop(1);
        s += QLatin1Char('.') + f;
    }
    return s;
}

// ---- whole-answer checks

Status VmDeployAnswers::validate() const
{
    if (image.isEmpty())
        return invalidAnswer(tr("No sandbox image is chosen."),
                             tr("Choose %1 with a version tag.").arg(defaultRepository()));
    if (Status s = checkContainerName(containerName); !s)
        return s;
    if (cpuMillis < 100 || cpuMillis > 256000)
        return invalidAnswer(tr("The CPU limit must be between 0.1 and 256 CPUs."));
    if (memoryBytes < 256 * kMiB)
        return invalidAnswer(
            tr("The memory limit %1 is below 256m; the sandbox cannot start.").arg(formatBytes(memoryBytes)));
    if (shmBytes < 64 * kMiB)
        return invalidAnswer(
            tr("The shared memory size %1 is below 64m; the browser would crash.").arg(formatBytes(shmBytes)));
    if (Status s = checkLogMaxSize(logMaxSize); !s)
        return s;
    if (logMaxFile < 1 || logMaxFile > 100)
        return invalidAnswer(tr("The number of kept log files must be between 1 and 100."));
    if (Status s = checkTimeZone(timeZone); !s)
        return s;
    QSet<QString> seen;
    for (const auto& [name, value] : extraEnv) {
        if (Status s = checkEnvName(name); !s)
            return s;
        if (Status s = checkEnvValue(name, value); !s)
            return s;
        if (seen.contains(name))
            return invalidAnswer(tr("The environment variable %1 is given twice.").arg(name));
        seen.insert(name);
    }

    if (Status s = checkPublicHost(publicHost); !s)
        return s;

    switch (tlsMode) {
    case TlsMode::ExistingFiles:
        if (Status s = checkRemotePath(tr("certificate path"), certificatePath); !s)
            return s;
        if (Status s = checkRemotePath(tr("private key path"), privateKeyPath); !s)
            return s;
        break;
    case TlsMode::Acme:
        if (publicHost.isIpAddress())
            return invalidAnswer(
                tr("An ACME certificate needs a DNS name, not the address %1.").arg(publicHost.toString()),
                tr("Use a DNS name that points at the VM, or choose the own-CA mode."));
        if (acmeIsLetsEncrypt() && isPrivateName(publicHost))
            return invalidAnswer(
                tr("Let's Encrypt does not issue certificates for %1: it is a private name, not one of "
                   "the public DNS.")
                    .arg(publicHost.toString()),
                tr("Choose the own-CA mode (\"My own CA, made by this app\"), or the directory URL of an "
                   "ACME server of your own network."));
        if (Status s = checkEmail(acmeEmail); !s)
            return s;
        if (!acmeAgreeTos)
            return invalidAnswer(tr("The ACME server's terms of service are not agreed to."),
                                 tr("Read the terms of your ACME server and agree to them to request a certificate."));
        if (!acmeDirectory.isValid() || acmeDirectory.scheme() != QLatin1String("https")
            || acmeDirectory.host().isEmpty())
            return invalidAnswer(
                tr("The ACME directory URL \"%1\" is not an https URL.").arg(acmeDirectory.toString()));
        if (Status s = checkAuthRequestUrl(acmeDirectory); !s)
            return invalidAnswer(tr("The ACME directory URL is not valid: %1").arg(s.error().message));
        if (!acmeCaBundleLocalPath.isEmpty()
            && (acmeCaBundleLocalPath.contains(QLatin1Char('\n')) || acmeCaBundleLocalPath.contains(QChar(0))))
            return invalidAnswer(tr("The ACME CA bundle path contains a line break."));
        if (acmeChallenge == AcmeChallenge::Webroot) {
            if (Status s = checkRemotePath(tr("ACME webroot"), acmeWebroot); !s)
                return s;
        }
        break;
    case TlsMode::OwnCa:
        if (ownCaDirectory.contains(QLatin1Char('\n')) || ownCaDirectory.contains(QChar(0)))
            return invalidAnswer(tr("The CA folder contains a line break."));
        break;
    }

    if (!basicAuthUser.isEmpty()) {
        if (Status s = checkBasicAuthUser(basicAuthUser); !s)
            return s;
    }
    if (!authRequestUrl.isEmpty()) {
        if (Status s = checkAuthRequestUrl(authRequestUrl); !s)
            return s;
    }
    if (!signInUrl.isEmpty()) {
        if (authRequestUrl.isEmpty())
            return invalidAnswer(tr("A sign-in URL needs the SSO check URL (auth_request) too."));
        if (Status s = checkAuthRequestUrl(signInUrl); !s)
            return invalidAnswer(tr("The sign-in URL is not valid: %1").arg(s.error().message));
    }
    for (const Cidr& c : allowlist) {
        if (!c.isValid())
            return invalidAnswer(tr("The allowlist holds an invalid network."));
    }
    // A browser that passed basic auth or SSO at the edge cannot also send the sandbox's JWT; nginx
    // hands the sandbox its API key instead (and never the edge's credentials).
    if ((!basicAuthUser.isEmpty() || !authRequestUrl.isEmpty()) && sandboxJwt && !sandboxApiKey)
        return invalidAnswer(
            tr("Basic auth or the SSO check at the edge cannot be combined with the sandbox JWT alone: a "
               "browser signed in at the edge sends no JWT, so the sandbox would refuse it."),
            tr("Turn on the sandbox API key (nginx hands it to the sandbox for every request it let "
               "through), or turn off the sandbox JWT, or use the JWT without basic auth and SSO."));
    const bool edgeControl = !allowlist.isEmpty() || !basicAuthUser.isEmpty() || !authRequestUrl.isEmpty();
    if (!edgeControl && !sandboxJwt && !sandboxApiKey)
        return invalidAnswer(
            tr("No access control is on: anyone who finds the host name could use the sandbox."),
            tr("Turn on at least one of: IP allowlist, basic auth, SSO check (auth_request), sandbox JWT, "
               "sandbox API key."));

    if (firewallTool != FirewallTool::None) {
        if (adminSshCidrs.isEmpty())
            return invalidAnswer(tr("The firewall needs the address ranges SSH is allowed from."),
                                 tr("Add your workstation's address range, or you would be locked out."));
        if (firewallAutoRevertSeconds < 10 || firewallAutoRevertSeconds > 600)
            return invalidAnswer(tr("The firewall auto-revert time must be between 10 and 600 seconds."));
        for (quint16 p : firewallKeepOpen) {
            if (p == 0)
                return invalidAnswer(tr("A port to keep open must be between 1 and 65535."));
            if (p == 8080)
                return invalidAnswer(
                    tr("Port 8080 cannot be kept open: it is the sandbox's own port, which must only be "
                       "reached through nginx."),
                    tr("Remove 8080 from the ports to keep open."));
        }
    }
    return {};
}

QStringList VmDeployAnswers::warnings() const
{
    QStringList w;
    if (image.isFloating())
        w << tr("The image tag \"%1\" can change under you; pin a version such as %2.")
                 .arg(image.tag().isEmpty() ? QStringLiteral("latest") : image.tag(), suggestedTag());
    if (!image.isEmpty() && image.repository() != defaultRepository() && image.repository() != mirrorRepository())
        w << tr("The image %1 is neither the official image nor its mirror.").arg(image.repository());
    if (memoryBytes < 2 * kGiB)
        w << tr("A memory limit under 2g (%1) makes the sandbox slow or unstable.").arg(formatBytes(memoryBytes));
    if (shmBytes < 2 * kGiB)
        w << tr("A /dev/shm under 2g (%1) can crash the browser in the sandbox.").arg(formatBytes(shmBytes));
    for (const auto& [name, value] : extraEnv) {
        if (name == QLatin1String("WAIT_PORTS"))
            w << tr("WAIT_PORTS from the upstream compose file can make the gateway wait forever; leave it out.");
    }
    for (const Cidr& c : allowlist) {
        if (c.prefixLength() == 0)
            w << tr("The allowlist entry %1 allows everyone.").arg(c.toString());
    }
    if (allowlist.isEmpty() && basicAuthUser.isEmpty() && authRequestUrl.isEmpty())
        w << tr("No access control of its own at the edge: nginx asks the sandbox's own authentication (JWT or API "
                "key) for every request.");
    if (tlsMode == TlsMode::Acme && acmeDirectory.host() != QUrl(letsEncryptDirectory()).host())
        w << tr("The ACME server %1 is not Let's Encrypt; browsers trust its certificates only if they trust its CA.")
                 .arg(acmeDirectory.host());
    return w;
}

// ---- JSON

Result<VmDeployAnswers> VmDeployAnswers::fromJson(const QJsonObject& root)
{
    VmDeployAnswers a = defaults();
    if (Status s
        = onlyKeys(root, {},
                   {"version", "container", "publicHost", "tls", "edge", "sandboxAuth", "firewall", "installMissing"});
        !s)
        return s.error();
    if (root.contains(QStringLiteral("version")) && root.value(QStringLiteral("version")).toInt() != 1)
        return Error(ErrorKind::UnsupportedVersion,
                     tr("The answers file has version %1; this app reads version 1.")
                         .arg(root.value(QStringLiteral("version")).toVariant().toString()));

    // container
    const QJsonObject c = root.value(QStringLiteral("container")).toObject();
    const QString cw = QStringLiteral("container.");
    if (Status s = onlyKeys(c, QStringLiteral("container"),
                            {"image", "name", "cpus", "memory", "shmSize", "log", "timeZone", "env"});
        !s)
        return s.error();
    Result<QString> imageText
        = stringField(c, QStringLiteral("image"), cw, defaultRepository() + QLatin1Char(':') + suggestedTag());
    if (!imageText)
        return imageText.error();
    Result<ImageRef> image = ImageRef::parse(*imageText);
    if (!image)
        return inField(cw + QStringLiteral("image"), image.error());
    a.image = *image;
    Result<QString> name = stringField(c, QStringLiteral("name"), cw, a.containerName);
    if (!name)
        return name.error();
    if (Status s = checkContainerName(*name); !s)
        return inField(cw + QStringLiteral("name"), s.error());
    a.containerName = *name;
    if (c.contains(QStringLiteral("cpus"))) {
        const QJsonValue v = c.value(QStringLiteral("cpus"));
        const QString text = v.isDouble() ? QString::number(v.toDouble()) : v.toString();
        Result<int> cpus = parseCpus(text);
        if (!cpus)
            return inField(cw + QStringLiteral("cpus"), cpus.error());
        a.cpuMillis = *cpus;
    }
    for (const auto& [key, target] :
         {std::pair{QStringLiteral("memory"), &a.memoryBytes}, std::pair{QStringLiteral("shmSize"), &a.shmBytes}}) {
        Result<QString> text = stringField(c, key, cw, formatBytes(*target));
        if (!text)
            return text.error();
        Result<qint64> bytes = parseBytes(key, *text);
        if (!bytes)
            return inField(cw + key, bytes.error());
        *target = *bytes;
    }
    const QJsonObject log = c.value(QStringLiteral("log")).toObject();
    if (Status s = onlyKeys(log, QStringLiteral("container.log"), {"maxSize", "maxFile"}); !s)
        return s.error();
    Result<QString> maxSize = stringField(log, QStringLiteral("maxSize"), cw + QStringLiteral("log."), a.logMaxSize);
    if (!maxSize)
        return maxSize.error();
    if (Status s = checkLogMaxSize(*maxSize); !s)
        return inField(cw + QStringLiteral("log.maxSize"), s.error());
    a.logMaxSize = *maxSize;
    if (log.contains(QStringLiteral("maxFile"))) {
        const QJsonValue v = log.value(QStringLiteral("maxFile"));
        if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()))
            return invalidAnswer(tr("Answers, field \"container.log.maxFile\" must be a whole number."));
        a.logMaxFile = v.toInt();
    }
    Result<QString> tz = stringField(c, QStringLiteral("timeZone"), cw, a.timeZone);
    if (!tz)
        return tz.error();
    if (Status s = checkTimeZone(*tz); !s)
        return inField(cw + QStringLiteral("timeZone"), s.error());
    a.timeZone = *tz;
    const QJsonValue env = c.value(QStringLiteral("env"));
    if (!env.isUndefined() && !env.isObject())
        return invalidAnswer(tr("Answers, field \"container.env\" must be an object of NAME: \"value\" pairs."));
    const QJsonObject envObject = env.toObject();
    for (auto it = envObject.begin(); it != envObject.end(); ++it) {
        const QString field = cw + QStringLiteral("env.") + it.key();
        if (Status s = checkEnvName(it.key()); !s)
            return inField(field, s.error());
        if (!it.value().isString())
            return invalidAnswer(tr("Answers, field \"%1\" must be a string.").arg(field));
        if (Status s = checkEnvValue(it.key(), it.value().toString()); !s)
            return inField(field, s.error());
        a.extraEnv.append({it.key(), it.value().toString()});
    }

    // public host
    Result<QString> hostText = stringField(root, QStringLiteral("publicHost"), {}, {});
    if (!hostText)
        return hostText.error();
    if (!hostText->isEmpty()) {
        Result<HostName> host = HostName::parse(*hostText);
        if (!host)
            return inField(QStringLiteral("publicHost"), host.error());
        a.publicHost = *host;
    }

    // tls
    const QJsonObject tls = root.value(QStringLiteral("tls")).toObject();
    if (Status s = onlyKeys(tls, QStringLiteral("tls"), {"mode", "certificate", "privateKey", "acme", "ownCa"}); !s)
        return s.error();
    Result<QString> mode = stringField(tls, QStringLiteral("mode"), QStringLiteral("tls."), tlsModeName(a.tlsMode));
    if (!mode)
        return mode.error();
    if (*mode == tlsModeName(TlsMode::ExistingFiles))
        a.tlsMode = TlsMode::ExistingFiles;
    else if (*mode == tlsModeName(TlsMode::Acme))
        a.tlsMode = TlsMode::Acme;
    else if (*mode == tlsModeName(TlsMode::OwnCa))
        a.tlsMode = TlsMode::OwnCa;
    else
        return invalidAnswer(tr("Answers, field \"tls.mode\" must be \"existing\", \"acme\" or \"own-ca\", not \"%1\".")
                                 .arg(mode->simplified()));
    for (const auto& [key, target] : {std::pair{QStringLiteral("certificate"), &a.certificatePath},
                                      std::pair{QStringLiteral("privateKey"), &a.privateKeyPath}}) {
        Result<QString> path = stringField(tls, key, QStringLiteral("tls."), {});
        if (!path)
            return path.error();
        if (!path->isEmpty()) {
            if (Status s = checkRemotePath(key, *path); !s)
                return inField(QStringLiteral("tls.") + key, s.error());
        }
        *target = *path;
    }
    const QJsonObject acme = tls.value(QStringLiteral("acme")).toObject();
    const QString aw = QStringLiteral("tls.acme.");
    if (Status s = onlyKeys(acme, QStringLiteral("tls.acme"),
                            {"email", "agreeTos", "directory", "caBundle", "challenge", "webroot"});
        !s)
        return s.error();
    Result<QString> email = stringField(acme, QStringLiteral("email"), aw, {});
    if (!email)
        return email.error();
    if (!email->isEmpty()) {
        if (Status s = checkEmail(*email); !s)
            return inField(aw + QStringLiteral("email"), s.error());
    }
    a.acmeEmail = *email;
    Result<bool> tos = boolField(acme, QStringLiteral("agreeTos"), aw, false);
    if (!tos)
        return tos.error();
    a.acmeAgreeTos = *tos;
    Result<QString> directory = stringField(acme, QStringLiteral("directory"), aw, letsEncryptDirectory());
    if (!directory)
        return directory.error();
    a.acmeDirectory = QUrl(*directory, QUrl::StrictMode);
    if (!a.acmeDirectory.isValid() || a.acmeDirectory.scheme() != QLatin1String("https"))
        return invalidAnswer(
            tr("Answers, field \"tls.acme.directory\": \"%1\" is not an https URL.").arg(directory->simplified()));
    Result<QString> bundle = stringField(acme, QStringLiteral("caBundle"), aw, {});
    if (!bundle)
        return bundle.error();
    a.acmeCaBundleLocalPath = *bundle;
    Result<QString> challenge = stringField(acme, QStringLiteral("challenge"), aw, QStringLiteral("webroot"));
    if (!challenge)
        return challenge.error();
    if (*challenge == QLatin1String("webroot"))
        a.acmeChallenge = AcmeChallenge::Webroot;
    else if (*challenge == QLatin1String("nginx"))
        a.acmeChallenge = AcmeChallenge::NginxPlugin;
    else
        return invalidAnswer(tr("Answers, field \"tls.acme.challenge\" must be \"webroot\" or \"nginx\"."));
    Result<QString> webroot = stringField(acme, QStringLiteral("webroot"), aw, a.acmeWebroot);
    if (!webroot)
        return webroot.error();
    if (Status s = checkRemotePath(QStringLiteral("webroot"), *webroot); !s)
        return inField(aw + QStringLiteral("webroot"), s.error());
    a.acmeWebroot = *webroot;
    const QJsonObject ownCa = tls.value(QStringLiteral("ownCa")).toObject();
    if (Status s = onlyKeys(ownCa, QStringLiteral("tls.ownCa"), {"directory"}); !s)
        return s.error();
    Result<QString> caDir = stringField(ownCa, QStringLiteral("directory"), QStringLiteral("tls.ownCa."), {});
    if (!caDir)
        return caDir.error();
    a.ownCaDirectory = *caDir;

    // edge
    const QJsonObject edge = root.value(QStringLiteral("edge")).toObject();
    const QString ew = QStringLiteral("edge.");
    if (Status s
        = onlyKeys(edge, QStringLiteral("edge"), {"allow", "basicAuthUser", "authRequestUrl", "signInUrl", "hsts"});
        !s)
        return s.error();
    Result<QList<Cidr>> allow = cidrList(edge, QStringLiteral("allow"), ew);
    if (!allow)
        return allow.error();
    a.allowlist = *allow;
    Result<QString> user = stringField(edge, QStringLiteral("basicAuthUser"), ew, {});
    if (!user)
        return user.error();
    if (!user->isEmpty()) {
        if (Status s = checkBasicAuthUser(*user); !s)
            return inField(ew + QStringLiteral("basicAuthUser"), s.error());
    }
    a.basicAuthUser = *user;
    Result<QString> authUrl = stringField(edge, QStringLiteral("authRequestUrl"), ew, {});
    if (!authUrl)
        return authUrl.error();
    if (!authUrl->isEmpty()) {
        a.authRequestUrl = QUrl(*authUrl, QUrl::StrictMode);
        if (Status s = checkAuthRequestUrl(a.authRequestUrl); !s)
            return inField(ew + QStringLiteral("authRequestUrl"), s.error());
        if (authUrl->contains(QLatin1Char(' ')) || authUrl->contains(QLatin1Char('\n')))
            return invalidAnswer(tr("Answers, field \"edge.authRequestUrl\" contains white space."));
    }

    Result<QString> signIn = stringField(edge, QStringLiteral("signInUrl"), ew, {});
    if (!signIn)
        return signIn.error();
    if (!signIn->isEmpty()) {
        a.signInUrl = QUrl(*signIn, QUrl::StrictMode);
        if (Status s = checkAuthRequestUrl(a.signInUrl); !s)
            return inField(ew + QStringLiteral("signInUrl"), s.error());
    }
    Result<QString> hsts = stringField(edge, QStringLiteral("hsts"), ew, QStringLiteral("auto"));
    if (!hsts)
        return hsts.error();
    if (*hsts == QLatin1String("auto"))
        a.hsts = Hsts::Auto;
    else if (*hsts == QLatin1String("on"))
        a.hsts = Hsts::On;
    else if (*hsts == QLatin1String("off"))
        a.hsts = Hsts::Off;
    else
        return invalidAnswer(tr("Answers, field \"edge.hsts\" must be \"auto\", \"on\" or \"off\"."));

    // sandbox auth
    const QJsonObject sandboxAuth = root.value(QStringLiteral("sandboxAuth")).toObject();
    if (Status s = onlyKeys(sandboxAuth, QStringLiteral("sandboxAuth"), {"jwt", "apiKey"}); !s)
        return s.error();
    Result<bool> jwt = boolField(sandboxAuth, QStringLiteral("jwt"), QStringLiteral("sandboxAuth."), a.sandboxJwt);
    if (!jwt)
        return jwt.error();
    a.sandboxJwt = *jwt;
    Result<bool> apiKey
        = boolField(sandboxAuth, QStringLiteral("apiKey"), QStringLiteral("sandboxAuth."), a.sandboxApiKey);
    if (!apiKey)
        return apiKey.error();
    a.sandboxApiKey = *apiKey;

    // firewall
    const QJsonObject fw = root.value(QStringLiteral("firewall")).toObject();
    const QString fwField = QStringLiteral("firewall.");
    if (Status s = onlyKeys(fw, QStringLiteral("firewall"), {"tool", "adminSshCidrs", "autoRevertSeconds", "keepOpen"});
        !s)
        return s.error();
    Result<QString> tool = stringField(fw, QStringLiteral("tool"), fwField, QStringLiteral("none"));
    if (!tool)
        return tool.error();
    if (*tool == QLatin1String("none"))
        a.firewallTool = FirewallTool::None;
    else if (*tool == QLatin1String("ufw"))
        a.firewallTool = FirewallTool::Ufw;
    else if (*tool == QLatin1String("nftables"))
        a.firewallTool = FirewallTool::Nftables;
    else
        return invalidAnswer(tr("Answers, field \"firewall.tool\" must be \"ufw\", \"nftables\" or \"none\"."));
    Result<QList<Cidr>> admin = cidrList(fw, QStringLiteral("adminSshCidrs"), fwField);
    if (!admin)
        return admin.error();
    a.adminSshCidrs = *admin;
    if (fw.contains(QStringLiteral("autoRevertSeconds"))) {
        const QJsonValue v = fw.value(QStringLiteral("autoRevertSeconds"));
        if (!v.isDouble() || v.toDouble() != std::floor(v.toDouble()))
            return invalidAnswer(tr("Answers, field \"firewall.autoRevertSeconds\" must be a whole number."));
        a.firewallAutoRevertSeconds = v.toInt();
    }
    if (fw.contains(QStringLiteral("keepOpen"))) {
        const QJsonValue v = fw.value(QStringLiteral("keepOpen"));
        if (!v.isArray())
            return invalidAnswer(tr("Answers, field \"firewall.keepOpen\" must be a list of port numbers."));
        for (const QJsonValue& port : v.toArray()) {
            const double n = port.toDouble(-1);
            if (!port.isDouble() || n != std::floor(n) || n < 1 || n > 65535)
                return invalidAnswer(
                    tr("Answers, field \"firewall.keepOpen\" holds %1, which is not a port number (1 to 65535).")
                        .arg(QString::fromUtf8(QJsonDocument(QJsonArray{port}).toJson(QJsonDocument::Compact))));
            if (!a.firewallKeepOpen.contains(quint16(n)))
                a.firewallKeepOpen << quint16(n);
        }
    }

    Result<bool> install = boolField(root, QStringLiteral("installMissing"), {}, a.installMissing);
    if (!install)
        return install.error();
    a.installMissing = *install;

    if (Status s = a.validate(); !s)
        return s.error();
    return a;
}

Result<VmDeployAnswers> VmDeployAnswers::load(const QString& filePath)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::NotFound, tr("Cannot read the answers file %1.").arg(filePath), file.errorString());
    if (file.size() > 1024 * 1024)
        return invalidAnswer(tr("The answers file %1 is larger than 1 MB.").arg(filePath));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject())
        return Error(ErrorKind::InvalidInput, tr("The answers file %1 is not a JSON object.").arg(filePath),
                     error.errorString(), tr("See docs/deploy-answers.md for the format and an example."));
    return fromJson(doc.object());
}

namespace {
QJsonArray portsToJson(const QList<quint16>& ports)
{
    QJsonArray out;
    for (quint16 p : ports)
        out << int(p);
    return out;
}
} // namespace

QJsonObject VmDeployAnswers::toJson() const
{
    QJsonObject container;
    container.insert(QStringLiteral("image"), image.toString());
    container.insert(QStringLiteral("name"), containerName);
    container.insert(QStringLiteral("cpus"), formatCpus(cpuMillis));
    container.insert(QStringLiteral("memory"), formatBytes(memoryBytes));
    container.insert(QStringLiteral("shmSize"), formatBytes(shmBytes));
    container.insert(QStringLiteral("log"),
                     QJsonObject{{QStringLiteral("maxSize"), logMaxSize}, {QStringLiteral("maxFile"), logMaxFile}});
    container.insert(QStringLiteral("timeZone"), timeZone);
    QJsonObject env;
    for (const auto& [name, value] : extraEnv)
        env.insert(name, value);
    container.insert(QStringLiteral("env"), env);

    QJsonObject acme{{QStringLiteral("email"), acmeEmail},
                     {QStringLiteral("agreeTos"), acmeAgreeTos},
                     {QStringLiteral("directory"), acmeDirectory.toString()},
                     {QStringLiteral("challenge"),
                      acmeChallenge == AcmeChallenge::Webroot ? QStringLiteral("webroot") : QStringLiteral("nginx")},
                     {QStringLiteral("webroot"), acmeWebroot}};
    if (!acmeCaBundleLocalPath.isEmpty())
        acme.insert(QStringLiteral("caBundle"), acmeCaBundleLocalPath);
    QJsonObject tls{{QStringLiteral("mode"), tlsModeName(tlsMode)}, {QStringLiteral("acme"), acme}};
    if (!certificatePath.isEmpty())
        tls.insert(QStringLiteral("certificate"), certificatePath);
    if (!privateKeyPath.isEmpty())
        tls.insert(QStringLiteral("privateKey"), privateKeyPath);
    if (!ownCaDirectory.isEmpty())
        tls.insert(QStringLiteral("ownCa"), QJsonObject{{QStringLiteral("directory"), ownCaDirectory}});

    QJsonObject edge{{QStringLiteral("allow"), cidrsToJson(allowlist)}};
    if (!basicAuthUser.isEmpty())
        edge.insert(QStringLiteral("basicAuthUser"), basicAuthUser);
    if (!authRequestUrl.isEmpty())
        edge.insert(QStringLiteral("authRequestUrl"), authRequestUrl.toString(QUrl::FullyEncoded));
    if (!signInUrl.isEmpty())
        edge.insert(QStringLiteral("signInUrl"), signInUrl.toString(QUrl::FullyEncoded));
    if (hsts != Hsts::Auto)
        edge.insert(QStringLiteral("hsts"), hsts == Hsts::On ? QStringLiteral("on") : QStringLiteral("off"));

    QJsonObject root;
    root.insert(QStringLiteral("version"), 1);
    root.insert(QStringLiteral("container"), container);
    root.insert(QStringLiteral("publicHost"), publicHost.toString());
    root.insert(QStringLiteral("tls"), tls);
    root.insert(QStringLiteral("edge"), edge);
    root.insert(QStringLiteral("sandboxAuth"),
                QJsonObject{{QStringLiteral("jwt"), sandboxJwt}, {QStringLiteral("apiKey"), sandboxApiKey}});
    root.insert(QStringLiteral("firewall"),
                QJsonObject{{QStringLiteral("tool"), firewallToolName(firewallTool)},
                            {QStringLiteral("adminSshCidrs"), cidrsToJson(adminSshCidrs)},
                            {QStringLiteral("autoRevertSeconds"), firewallAutoRevertSeconds},
                            {QStringLiteral("keepOpen"), portsToJson(firewallKeepOpen)}});
    root.insert(QStringLiteral("installMissing"), installMissing);
    return root;
}

Status VmDeployAnswers::save(const QString& filePath) const
{
    QSaveFile file(filePath);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, tr("Cannot write the answers file %1.").arg(filePath), file.errorString());
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Error(ErrorKind::Io, tr("Cannot write the answers file %1.").arg(filePath), file.errorString());
    return {};
}

} // namespace aio
