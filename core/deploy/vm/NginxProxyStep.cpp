#include "core/deploy/vm/NginxProxyStep.h"

#include "core/common/ShellQuote.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/render/NginxSite.h"
#include "core/deploy/vm/NginxConfigInstaller.h"

#include <QCoreApplication>

namespace aio {

NginxProxyStep::NginxProxyStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("nginx"), NginxProxyStep::tr("Nginx reverse proxy"),
           NginxProxyStep::tr(
               "Publishes the sandbox through nginx: WebSocket upgrades, long timeouts for VNC and terminals, "
               "no buffering, 50 MB uploads, the Host header set by the proxy. The configuration is tested with "
               "`nginx -t` before nginx reloads; on any failure the previous files are put back."))
    , m_deployment(std::move(deployment))
{ }

Result<bool> NginxProxyStep::certificateFilesExist(PlanContext& context, const VmDeployAnswers& answers)
{
    const NginxSite::TlsFiles files = NginxSite::tlsFiles(answers);
    Result<CommandOutcome> r
        = context.run(RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-s"), files.certificate,
                                           QStringLiteral("-a"), QStringLiteral("-s"), files.privateKey})
                          .asRoot());
    if (!r)
        return r.error();
    return r->succeeded();
}

Result<bool> NginxProxyStep::nginxRunning(PlanContext& context)
{
    Result<CommandOutcome> r = context.run(
        RemoteCommand::shell(QStringLiteral("[ -s /run/nginx.pid ] && kill -0 \"$(cat /run/nginx.pid)\"")).asRoot());
    if (!r)
        return r.error();
    return r->succeeded();
}

QByteArray NginxProxyStep::desiredSite(bool certificateExists, const NginxSite::HostFacts& facts) const
{
    return (certificateExists ? NginxSite::render(m_deployment->answers, facts)
                              : NginxSite::renderPreTls(m_deployment->answers, facts))
        .toUtf8();
}

Result<StepState> NginxProxyStep::detect(PlanContext& context)
{
    StepState state;
    Result<FileSnapshot> map = context.readFile(NginxSite::mapFilePath(), true);
    if (!map)
        return map.error();
    Result<FileSnapshot> site = context.readFile(NginxSite::siteFilePath(), true);
    if (!site)
        return site.error();
    state.files << *map << *site;
    // Another file already defining the map would make nginx -t fail with "duplicate variable".
    Result<CommandOutcome> elsewhere
        = context.run(RemoteCommand::shell(
                          QStringLiteral("grep -rlE 'map[[:space:]]+\\$http_upgrade[[:space:]]+\\$connection_upgrade' "
                                         "/etc/nginx 2>/dev/null | grep -vxF %1 || true")
                              .arg(NginxSite::mapFilePath()))
                          .asRoot());
    if (!elsewhere)
        return elsewhere.error();
    const QString mapElsewhere = QString::fromUtf8(elsewhere->stdoutData).trimmed();
    Result<bool> cert = certificateFilesExist(context, m_deployment->answers);
    if (!cert)
        return cert.error();
    Result<bool> running = nginxRunning(context);
    if (!running)
        return running.error();
    Result<CommandOutcome> webroot = context.run(
        RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-d"), m_deployment->answers.acmeWebroot}));
    if (!webroot)
        return webroot.error();
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();

    state.facts.insert(QStringLiteral("mapElsewhere"), mapElsewhere);
    state.facts.insert(QStringLiteral("certificateExists"), *cert);
    state.facts.insert(QStringLiteral("running"), *running);
    state.facts.insert(QStringLiteral("webrootExists"), webroot->succeeded());
    const bool mapOk = !mapElsewhere.isEmpty() || (map->exists && map->content == NginxSite::renderMap().toUtf8());
    const bool siteOk = site->exists && site->content == desiredSite(*cert, *host);
    state.alreadyDone = mapOk && siteOk && *running && webroot->succeeded();
    state.summary = site->exists ? (siteOk ? tr("The sandbox site is in place.") : tr("The sandbox site differs."))
                                 : tr("No sandbox site yet.");
    if (!*running)
        state.summary += QLatin1Char(' ') + tr("nginx is not running.");
    return state;
}

Result<StepPreview> NginxProxyStep::preview(PlanContext& context, const StepState& state)
{
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    const bool cert = state.facts.value(QStringLiteral("certificateExists")).toBool();
    const QString mapElsewhere = state.facts.value(QStringLiteral("mapElsewhere")).toString();
    if (!state.facts.value(QStringLiteral("webrootExists")).toBool())
        p.commands << RemoteCommand::args(
                          {QStringLiteral("mkdir"), QStringLiteral("-p"), m_deployment->answers.acmeWebroot})
                          .asRoot()
                          .displayText();
    if (mapElsewhere.isEmpty())
        p.fileChanges << FileChange::write(*state.file(NginxSite::mapFilePath()), NginxSite::renderMap().toUtf8());
    else
        p.notes << tr("The WebSocket map is already defined in %1; it is not written again.").arg(mapElsewhere);
    p.fileChanges << FileChange::write(*state.file(NginxSite::siteFilePath()), desiredSite(cert, *host));
    p.commands << NginxConfigInstaller::testCommand().displayText()
               << NginxConfigInstaller::reloadCommand().displayText();
    if (!cert)
        p.notes << tr("No certificate yet: the site serves only port 80 (the ACME challenge path) until the TLS step "
                      "has a certificate, then the full HTTPS site replaces it.");
    return p;
}

Status NginxProxyStep::apply(PlanContext& context, const StepState& state)
{
    if (!state.facts.value(QStringLiteral("webrootExists")).toBool()) {
        Result<CommandOutcome> mk = context.runChecked(
            RemoteCommand::args({QStringLiteral("mkdir"), QStringLiteral("-p"), m_deployment->answers.acmeWebroot})
                .asRoot(),
            tr("Creating the ACME webroot"));
        if (!mk)
            return mk.error();
    }
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    QList<NginxConfigInstaller::Change> changes;
    if (state.facts.value(QStringLiteral("mapElsewhere")).toString().isEmpty())
        changes << NginxConfigInstaller::Change{*state.file(NginxSite::mapFilePath()), NginxSite::renderMap().toUtf8()};
    changes << NginxConfigInstaller::Change{
        *state.file(NginxSite::siteFilePath()),
        desiredSite(state.facts.value(QStringLiteral("certificateExists")).toBool(), *host)};
    return NginxConfigInstaller::install(context, changes);
}

Result<VerifyReport> NginxProxyStep::verify(PlanContext& context)
{
    VerifyReport report;
    Result<CommandOutcome> test = context.run(NginxConfigInstaller::testCommand());
    if (!test)
        return test.error();
    report.add(tr("nginx -t passes"), test->succeeded(), QString::fromUtf8(test->stderrData).trimmed());
    Result<bool> running = nginxRunning(context);
    if (!running)
        return running.error();
    report.add(tr("nginx runs"), *running, *running ? tr("master process alive") : tr("no nginx master process"));
    Result<bool> cert = certificateFilesExist(context, m_deployment->answers);
    if (!cert)
        return cert.error();
    Result<FileSnapshot> site = context.readFile(NginxSite::siteFilePath(), true);
    if (!site)
        return site.error();
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    const bool siteOk = site->exists && site->content == desiredSite(*cert, *host);
    report.add(tr("the sandbox site is in place"), siteOk,
               siteOk ? tr("%1 (%2 bytes, %3)")
                            .arg(NginxSite::siteFilePath())
                            .arg(site->content.size())
                            .arg(*cert ? tr("HTTPS") : tr("port 80 bootstrap"))
                      : tr("%1 differs from what was written").arg(NginxSite::siteFilePath()));
    // Our port-80 server answers for the public name (the ACME path comes from the webroot).
    Result<CommandOutcome> http = context.run(RemoteCommand::shell(
        QStringLiteral("command -v curl >/dev/null 2>&1 || { echo 'curl missing'; exit 0; }; "
                       "curl -s -o /dev/null -w 'HTTP %{http_code}' --max-time 5 -H %1 "
                       "http://127.0.0.1/.well-known/acme-challenge/aio-probe")
            .arg(shellQuote(QStringLiteral("Host: ") + m_deployment->answers.publicHost.forUrl()))));
    if (!http)
        return http.error();
    const QString seen = QString::fromUtf8(http->stdoutData).trimmed();
    report.add(tr("port 80 answers for %1").arg(m_deployment->answers.publicHost.toString()),
               seen == QLatin1String("HTTP 404") || seen == QLatin1String("curl missing"), seen);
    return report;
}

Status NginxProxyStep::rollback(PlanContext& context, const StepState& state)
{
    return NginxConfigInstaller::restore(context, state.files);
}

} // namespace aio
