#include "core/deploy/vm/NginxConfigInstaller.h"

#include "core/deploy/PlanContext.h"

#include <QCoreApplication>

namespace aio {

Result<NginxSite::HostFacts> NginxConfigInstaller::hostFacts(PlanContext& context)
{
    const QString key = QStringLiteral("nginxIpv6");
    NginxSite::HostFacts facts;
    const QJsonValue known = context.facts().value(key);
    if (known.isBool()) {
        facts.ipv6 = known.toBool();
        return facts;
    }
    Result<CommandOutcome> r = context.run(
        RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-e"), QStringLiteral("/proc/net/if_inet6")}));
    if (!r)
        return r.error();
    facts.ipv6 = r->succeeded();
    context.setFact(key, facts.ipv6);
    return facts;
}

RemoteCommand NginxConfigInstaller::testCommand()
{
    return RemoteCommand::args({QStringLiteral("nginx"), QStringLiteral("-t")}).asRoot();
}

QString NginxConfigInstaller::reloadScript()
{
    return QStringLiteral("if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then\n"
                          "  systemctl reload nginx || systemctl restart nginx\n"
                          "elif [ -s /run/nginx.pid ] && kill -0 \"$(cat /run/nginx.pid)\" 2>/dev/null; then\n"
                          "  service nginx reload || nginx -s reload\n"
                          "else\n"
                          "  service nginx start || nginx\n"
                          "fi");
}

RemoteCommand NginxConfigInstaller::reloadCommand()
{
    return RemoteCommand::shell(reloadScript()).asRoot();
}

Status NginxConfigInstaller::restore(PlanContext& context, const QList<FileSnapshot>& snapshots,
                                     const QStringList& secretPaths)
{
    Status firstError;
    for (const FileSnapshot& s : snapshots) {
        const Status r = context.restoreFile(s, true, secretPaths.contains(s.path));
        if (!r && firstError)
            firstError = r;
    }
    if (!firstError)
        return firstError;
    Result<CommandOutcome> test = context.run(testCommand());
    if (!test)
        return test.error();
    if (!test->succeeded())
        return Error(ErrorKind::CommandFailed,
                     tr("The previous nginx configuration was put back, but `nginx -t` still fails."),
                     QString::fromUtf8(test->stderrData).trimmed(),
                     tr("Something else in /etc/nginx is broken; run `sudo nginx -t` on the VM."));
    Result<CommandOutcome> reload = context.runChecked(reloadCommand(), tr("Reloading nginx"));
    if (!reload)
        return reload.error();
    return {};
}

Status NginxConfigInstaller::install(PlanContext& context, const QList<Change>& changes)
{
    QList<FileSnapshot> written;
    QStringList secretPaths;
    for (const Change& c : changes) {
        if (c.secret)
            secretPaths << c.before.path;
    }
    auto undo = [&](const Error& why) -> Status {
        const Status restored = restore(context, written, secretPaths);
        if (!restored) {
            Error e = why;
            e.detail += QStringLiteral("\n")
                + tr("Restoring the previous files failed too: %1").arg(restored.error().toString());
            return e;
        }
        return why;
    };
    for (const Change& c : changes) {
        if (c.before.exists && c.before.content == c.after)
            continue;
        RemoteFileAttributes attrs;
        attrs.mode = c.mode;
        attrs.sudo = true;
        const Status w = context.writeFile(c.before.path, c.after, attrs, c.secret);
        if (!w)
            return undo(w.error());
        written << c.before;
    }
    Result<CommandOutcome> test = context.run(testCommand());
    if (!test)
        return undo(test.error());
    if (!test->succeeded())
        return undo(Error(ErrorKind::CommandFailed,
                          tr("The new nginx configuration does not pass `nginx -t`; the previous files are back."),
                          QString::fromUtf8(test->stderrData).trimmed(),
                          tr("Read nginx's message above; fix the answer it points at (certificate paths, names) "
                             "and run the step again.")));
    Result<CommandOutcome> reload = context.run(reloadCommand());
    if (!reload)
        return undo(reload.error());
    if (!reload->succeeded())
        return undo(Error(ErrorKind::CommandFailed, tr("Reloading nginx failed; the previous files are back."),
                          QString::fromUtf8(reload->stderrData + reload->stdoutData).trimmed()));
    return {};
}

} // namespace aio
