#include "core/logs/VmLogSources.h"

#include "core/common/Profile.h"
#include "core/deploy/render/NginxSite.h"
#include "core/deploy/vm/VmDeploymentSetup.h"

namespace aio {

namespace {

// The path of an access_log / error_log directive's line, or empty when it names no file.
QString directivePath(const QByteArray& trimmed, const char* directive)
{
    const QByteArray d(directive);
    if (!trimmed.startsWith(d + ' ') && !trimmed.startsWith(d + '\t'))
        return {};
    QByteArray value = trimmed.mid(d.size()).trimmed();
    if (value.endsWith(';'))
        value.chop(1);
    value = value.split(' ').value(0).trimmed();
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        value = value.mid(1, value.size() - 2);
    if (!value.startsWith('/'))
        return {}; // off, syslog:…, a relative path nginx resolves against its prefix
    return QString::fromUtf8(value);
}

} // namespace

VmLogSources::NginxLogPaths VmLogSources::nginxLogPaths(const QByteArray& nginxDashT, const QString& siteFile)
{
    QString siteAccess;
    QString siteError;
    QString httpAccess;
    QString httpError;
    bool siteAccessOff = false;
    QString file;
    int depth = 0;
    int serverDepth = -1;
    for (const QByteArray& raw : nginxDashT.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.startsWith("# configuration file ") && line.endsWith(':')) {
            file = QString::fromUtf8(line.mid(21, line.size() - 22));
            depth = 0;
            serverDepth = -1;
            continue;
        }
        if (line.startsWith('#'))
            continue;
        if ((line.startsWith("server ") || line.startsWith("server{") || line == "server") && serverDepth < 0)
            serverDepth = depth;
        const bool inSite = file == siteFile;
        const QString access = directivePath(line, "access_log");
        const QString error = directivePath(line, "error_log");
        if (inSite) {
            if (!access.isEmpty() && siteAccess.isEmpty())
                siteAccess = access;
            if (line.startsWith("access_log off"))
                siteAccessOff = true;
            if (!error.isEmpty() && siteError.isEmpty())
                siteError = error;
        } else if (serverDepth < 0) {
            if (!access.isEmpty() && httpAccess.isEmpty())
                httpAccess = access;
            if (!error.isEmpty() && httpError.isEmpty())
                httpError = error;
        }
        depth += int(line.count('{')) - int(line.count('}'));
        if (serverDepth >= 0 && depth <= serverDepth && line.contains('}'))
            serverDepth = -1;
    }
    NginxLogPaths p;
    p.access = siteAccessOff && siteAccess.isEmpty()
        ? QString()
        : (!siteAccess.isEmpty() ? siteAccess
                                 : (!httpAccess.isEmpty() ? httpAccess : QStringLiteral("/var/log/nginx/access.log")));
    p.error = !siteError.isEmpty() ? siteError
                                   : (!httpError.isEmpty() ? httpError : QStringLiteral("/var/log/nginx/error.log"));
    return p;
}

Result<QList<LogSourceSpec>> VmLogSources::discover(RemoteHost& host, const QString& containerName, bool sudo,
                                                    const CancelToken& cancel)
{
    QList<LogSourceSpec> out;
    Result<LogSourceSpec> container = LogSourceSpec::containerOutput(containerName, sudo);
    if (!container)
        return container.error();
    out << *container;
    RemoteCommand c = RemoteCommand::shell(QStringLiteral("command -v nginx >/dev/null 2>&1 || exit 3; nginx -T 2>&1"));
    c.sudo = sudo;
    c.timeoutMs = 30'000;
    c.showOutput = false;
    Result<CommandOutcome> r = host.run(c, {}, cancel);
    if (!r)
        return r.error();
    if (r->exitCode != 3) // 3: no nginx on this VM
        appendProxySources(out, r->stdoutData, sudo);

    // The service logs inside the container; each is optional.
    RemoteCommand ls = RemoteCommand::args({QStringLiteral("docker"), QStringLiteral("exec"), containerName,
                                            QStringLiteral("sh"), QStringLiteral("-c"),
                                            QStringLiteral("for f in /var/log/gem/*.log; do [ -f \"$f\" ] && "
                                                           "printf '%s\\n' \"$f\"; done; exit 0")});
    ls.sudo = sudo;
    ls.timeoutMs = 30'000;
    ls.showOutput = false;
    if (Result<CommandOutcome> listed = host.run(ls, {}, cancel); listed && listed->exitCode == 0)
        out << serviceLogs(listed->stdoutData, containerName, sudo);
    else if (!listed && listed.error().kind == ErrorKind::Cancelled)
        return listed.error();
    return out;
}

QList<LogSourceSpec> VmLogSources::serviceLogs(const QByteArray& listing, const QString& containerName, bool sudo)
{
    QList<LogSourceSpec> out;
    for (const QByteArray& raw : listing.split('\n')) {
        const QString path = QString::fromUtf8(raw.trimmed());
        if (!path.startsWith(QLatin1String("/var/log/gem/")) || !path.endsWith(QLatin1String(".log")))
            continue;
        const QString name = path.mid(13, path.size() - 13 - 4);
        const LogFormat format
            = name.contains(QLatin1String("access")) ? LogFormat::NginxAccess : LogFormat::Application;
        Result<LogSourceSpec> spec
            = LogSourceSpec::file(QStringLiteral("sandbox:") + name, path, format, sudo, containerName);
        if (spec)
            out << *spec;
    }
    return out;
}

QString VmLogSources::containerNameOf(const Target& target)
{
    if (std::optional<Result<VmDeployAnswers>> saved = VmDeploymentSetup::loadAnswers(Profile::dataDir(), target);
        saved && saved->ok() && !(*saved)->containerName.isEmpty())
        return (*saved)->containerName;
    return QStringLiteral("aio-sandbox");
}

void VmLogSources::appendProxySources(QList<LogSourceSpec>& out, const QByteArray& nginxDashT, bool sudo)
{
    const NginxLogPaths paths = nginxLogPaths(nginxDashT, NginxSite::siteFilePath());
    if (!paths.access.isEmpty()) {
        Result<LogSourceSpec> access
            = LogSourceSpec::file(QStringLiteral("proxy"), paths.access, LogFormat::NginxAccess, sudo);
        if (access)
            out << *access;
    }
    if (!paths.error.isEmpty()) {
        Result<LogSourceSpec> error
            = LogSourceSpec::file(QStringLiteral("proxy-error"), paths.error, LogFormat::NginxError, sudo);
        if (error)
            out << *error;
    }
}

} // namespace aio
