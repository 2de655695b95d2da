#include "core/deploy/vm/HostFirewallStep.h"

#include "core/common/ShellQuote.h"
#include "core/deploy/PlanContext.h"

#include <QCoreApplication>

namespace aio {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("aio::HostFirewallStep", text);
}

RemoteCommand nft(const QStringList& args)
{
    return RemoteCommand::args(QStringList{QStringLiteral("nft")} + args).asRoot();
}
} // namespace

HostFirewallStep::HostFirewallStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("firewall"), tr("Host firewall"),
           tr("Opens 80 and 443, allows SSH only from your networks (and always from this connection), and "
              "drops 8080. The change undoes itself after a while unless a new SSH connection confirms it."))
    , m_deployment(std::move(deployment))
{ }

QString HostFirewallStep::rulesPath()
{
    return QStringLiteral("/etc/aio-sandbox/firewall.nft");
}

QString HostFirewallStep::revertPath()
{
    return QStringLiteral("/var/lib/aio-sandbox/firewall.revert.nft");
}

QString HostFirewallStep::revertPidPath()
{
    return QStringLiteral("/run/aio-sandbox-firewall-revert.pid");
}

QString HostFirewallStep::scheduleRevertScript(int seconds)
{
    // setsid: its own session and process group, so neither the SSH channel closing nor sudo
    // ending takes it down, and cancelling kills the sleep together with the shell.
    const QString job = QStringLiteral("sleep %1; nft -f %2; rm -f %3").arg(seconds).arg(revertPath(), revertPidPath());
    return QStringLiteral("setsid sh -c %1 </dev/null >/dev/null 2>&1 &\necho $! > %2\ncat %2\n")
        .arg(shellQuote(job), revertPidPath());
}

QString HostFirewallStep::cancelRevertScript()
{
    // "kill -TERM -PID" signals the job's whole process group (dash's kill takes no "--").
    return QStringLiteral(
               "pid=$(cat %1 2>/dev/null) || { echo 'no revert job pending'; exit 3; }\n"
               "if kill -TERM \"-$pid\" 2>/dev/null; then rm -f %1; echo \"revert job $pid cancelled\"; exit 0; fi\n"
               "rm -f %1\necho 'the revert job already ran'; exit 3\n")
        .arg(revertPidPath());
}

QStringList HostFirewallStep::securityGroupChecklist(const VmDeployAnswers& answers)
{
    QStringList admin;
    for (const Cidr& c : answers.adminSshCidrs)
        admin << c.toString();
    QStringList web;
    for (const Cidr& c : answers.allowlist)
        web << c.toString();
    const QString webSources = web.isEmpty() ? tr("anywhere (0.0.0.0/0, ::/0)") : web.join(QStringLiteral(", "));
    return {
        tr("[ ] Inbound TCP 443 (HTTPS) from %1").arg(webSources),
        tr("[ ] Inbound TCP 80 (HTTP: redirect and ACME challenges) from anywhere"),
        tr("[ ] Inbound TCP 22 (SSH) only from %1")
            .arg(admin.isEmpty() ? tr("your administrators' addresses") : admin.join(QStringLiteral(", "))),
        tr("[ ] NO inbound rule for 8080 (remove any that exists)"),
        tr("[ ] No other inbound rules to this VM"),
    };
}

FirewallRules HostFirewallStep::rulesFor(const QString& sshClient, quint16 sshPort) const
{
    FirewallRules rules;
    rules.sshAllowed = m_deployment->answers.adminSshCidrs;
    rules.sshClient = QHostAddress(sshClient);
    rules.sshPort = sshPort;
    return rules;
}

Result<StepState> HostFirewallStep::detect(PlanContext& context)
{
    const VmDeployAnswers& a = m_deployment->answers;
    StepState state;
    if (a.firewallTool == VmDeployAnswers::FirewallTool::None) {
        state.notApplicableReason = tr("No host firewall chosen. Set the cloud security group by hand:\n%1")
                                        .arg(securityGroupChecklist(a).join(QLatin1Char('\n')));
        return state;
    }
    if (a.firewallTool == VmDeployAnswers::FirewallTool::Ufw) {
        state.notApplicableReason = tr("ufw is not managed by this version; choose nftables, or set ufw by hand:\n%1")
                                        .arg(securityGroupChecklist(a).join(QLatin1Char('\n')));
        return state;
    }
    Result<CommandOutcome> ssh = context.runChecked(
        RemoteCommand::shell(QStringLiteral("printf '%s\\n' \"$SSH_CONNECTION\"")), tr("Reading the SSH connection"));
    if (!ssh)
        return ssh.error();
    // "client-ip client-port server-ip server-port"
    const QStringList parts = QString::fromUtf8(ssh->stdoutData).trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString client = parts.value(0);
    const quint16 sshPort = quint16(parts.value(3).toUInt());
    if (QHostAddress(client).isNull() || sshPort == 0)
        return Error(ErrorKind::Protocol, tr("The VM did not tell which address this SSH connection comes from."),
                     QString::fromUtf8(ssh->stdoutData).trimmed(),
                     tr("The firewall is not changed without it: it could lock you out."));
    Result<CommandOutcome> table = context.run(
        nft({QStringLiteral("list"), QStringLiteral("table"), QStringLiteral("inet"), NftRuleset::tableName()}));
    if (!table)
        return table.error();
    Result<FileSnapshot> rules = context.readFile(rulesPath(), true);
    if (!rules)
        return rules.error();
    Result<FileSnapshot> revert = context.readFile(revertPath(), true);
    if (!revert)
        return revert.error();
    Result<CommandOutcome> pending
        = context.run(RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-s"), revertPidPath()}).asRoot());
    if (!pending)
        return pending.error();
    state.files << *rules << *revert;
    const QString desired = NftRuleset::render(rulesFor(client, sshPort));
    state.facts.insert(QStringLiteral("sshClient"), client);
    state.facts.insert(QStringLiteral("sshPort"), int(sshPort));
    state.facts.insert(QStringLiteral("tableExists"), table->succeeded());
    state.facts.insert(QStringLiteral("previousTable"),
                       table->succeeded() ? QString::fromUtf8(table->stdoutData) : QString());
    state.facts.insert(QStringLiteral("revertPending"), pending->succeeded());
    state.alreadyDone
        = table->succeeded() && rules->exists && rules->content == desired.toUtf8() && !pending->succeeded();
    state.summary = table->succeeded()
        ? (state.alreadyDone ? tr("Our nftables rules are in place.") : tr("Our nftables table exists but differs."))
        : tr("No nftables rules of ours yet.");
    return state;
}

Result<StepPreview> HostFirewallStep::preview(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    const VmDeployAnswers& a = m_deployment->answers;
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    const QString client = state.facts.value(QStringLiteral("sshClient")).toString();
    const quint16 port = quint16(state.facts.value(QStringLiteral("sshPort")).toInt());
    const QByteArray desired = NftRuleset::render(rulesFor(client, port)).toUtf8();
    if (!state.alreadyDone) {
        p.fileChanges << FileChange::write(*state.file(rulesPath()), desired);
        p.commands << nft({QStringLiteral("-c"), QStringLiteral("-f"), rulesPath()}).displayText()
                   << RemoteCommand::shell(scheduleRevertScript(a.firewallAutoRevertSeconds)).asRoot().displayText()
                   << nft({QStringLiteral("-f"), rulesPath()}).displayText()
                   << tr("(a new SSH connection) ") + RemoteCommand::shell(cancelRevertScript()).asRoot().displayText();
        p.notes << tr("Unless a new SSH connection confirms within %1 seconds, the VM restores the previous rules by "
                      "itself.")
                       .arg(a.firewallAutoRevertSeconds);
    }
    p.notes << tr("SSH stays open for this connection's address %1.").arg(client);
    p.notes << tr("Cloud security group, to check by hand:");
    for (const QString& line : securityGroupChecklist(a))
        p.notes << QStringLiteral("  ") + line;
    return p;
}

Status HostFirewallStep::revertNow(PlanContext& context)
{
    Result<CommandOutcome> cancel = context.run(RemoteCommand::shell(cancelRevertScript()).asRoot());
    if (!cancel)
        return cancel.error();
    Result<CommandOutcome> revert
        = context.runChecked(nft({QStringLiteral("-f"), revertPath()}), tr("Restoring the previous firewall rules"));
    if (!revert)
        return revert.error();
    return {};
}

Status HostFirewallStep::apply(PlanContext& context, const StepState& state)
{
    const VmDeployAnswers& a = m_deployment->answers;
    const QString client = state.facts.value(QStringLiteral("sshClient")).toString();
    const quint16 port = quint16(state.facts.value(QStringLiteral("sshPort")).toInt());
    const QByteArray desired = NftRuleset::render(rulesFor(client, port)).toUtf8();
    QByteArray revert = NftRuleset::removal().toUtf8();
    revert += state.facts.value(QStringLiteral("previousTable")).toString().toUtf8();

    Result<CommandOutcome> dirs = context.runChecked(
        RemoteCommand::args({QStringLiteral("mkdir"), QStringLiteral("-p"), QStringLiteral("/etc/aio-sandbox"),
                             QStringLiteral("/var/lib/aio-sandbox")})
            .asRoot(),
        tr("Creating folders"));
    if (!dirs)
        return dirs.error();
    RemoteFileAttributes attrs;
    attrs.sudo = true;
    attrs.mode = 0600;
    if (const Status w = context.writeFile(revertPath(), revert, attrs); !w)
        return w;
    if (const Status w = context.writeFile(rulesPath(), desired, attrs); !w)
        return w;
    Result<CommandOutcome> check = context.runChecked(nft({QStringLiteral("-c"), QStringLiteral("-f"), rulesPath()}),
                                                      tr("Checking the firewall rules"));
    if (!check)
        return check.error();
    Result<CommandOutcome> scheduled
        = context.runChecked(RemoteCommand::shell(scheduleRevertScript(a.firewallAutoRevertSeconds)).asRoot(),
                             tr("Scheduling the automatic revert"));
    if (!scheduled)
        return scheduled.error();
    Result<CommandOutcome> load
        = context.runChecked(nft({QStringLiteral("-f"), rulesPath()}), tr("Loading the firewall rules"));
    if (!load) {
        const Status undo = revertNow(context);
        return undo ? load.error() : undo.error();
    }

    // Confirm over a NEW connection: the current one survives any rule change (established).
    RemoteCommand cancel = RemoteCommand::shell(cancelRevertScript()).asRoot();
    if (m_deployment->reconnect) {
        Result<std::shared_ptr<RemoteHost>> fresh = m_deployment->reconnect();
        if (!fresh) {
            const Status undo = revertNow(context);
            Error e(ErrorKind::VerificationFailed,
                    tr("A new SSH connection failed after the firewall change; the previous rules are back."),
                    fresh.error().toString(), tr("Check the admin SSH ranges in the answers."));
            if (!undo)
                e.detail += QLatin1Char('\n') + undo.error().toString();
            return e;
        }
        Result<CommandOutcome> confirmed = (*fresh)->run(cancel);
        if (!confirmed)
            return confirmed.error();
        if (!confirmed->succeeded())
            return Error(
                ErrorKind::Timeout,
                tr("The firewall change was confirmed too late: the VM has already restored the previous rules."),
                QString::fromUtf8(confirmed->stdoutData).trimmed(),
                tr("Raise firewallAutoRevertSeconds and run the step again."));
        return {};
    }
    if (!context.confirm(tr("The firewall is changed. Can you still open a new SSH connection to %1? "
                            "(Without an answer within %2 s the VM restores the previous rules.)")
                             .arg(context.targetName())
                             .arg(a.firewallAutoRevertSeconds))) {
        const Status undo = revertNow(context);
        if (!undo)
            return undo;
        return Error(ErrorKind::Cancelled, tr("The firewall change was not confirmed; the previous rules are back."));
    }
    Result<CommandOutcome> confirmed = context.runChecked(cancel, tr("Cancelling the automatic revert"));
    if (!confirmed)
        return confirmed.error();
    return {};
}

Result<VerifyReport> HostFirewallStep::verify(PlanContext& context)
{
    VerifyReport report;
    Result<CommandOutcome> table = context.run(
        nft({QStringLiteral("list"), QStringLiteral("table"), QStringLiteral("inet"), NftRuleset::tableName()}));
    if (!table)
        return table.error();
    const QString listed = QString::fromUtf8(table->stdoutData);
    report.add(tr("nftables table inet %1 loaded").arg(NftRuleset::tableName()), table->succeeded(),
               table->succeeded() ? tr("%1 rules").arg(listed.count(QLatin1Char('\n')))
                                  : QString::fromUtf8(table->stderrData).trimmed());
    report.add(tr("8080 dropped"), listed.contains(QLatin1String("tcp dport 8080 drop")),
               listed.contains(QLatin1String("tcp dport 8080 drop")) ? QStringLiteral("tcp dport 8080 drop")
                                                                     : tr("no drop rule for 8080"));
    Result<CommandOutcome> pending
        = context.run(RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-s"), revertPidPath()}).asRoot());
    if (!pending)
        return pending.error();
    report.add(tr("no automatic revert pending"), !pending->succeeded(),
               pending->succeeded() ? tr("%1 exists").arg(revertPidPath()) : tr("confirmed"));
    return report;
}

Status HostFirewallStep::rollback(PlanContext& context, const StepState& state)
{
    (void)context.run(RemoteCommand::shell(cancelRevertScript()).asRoot()); // nothing pending is fine
    QByteArray revert = NftRuleset::removal().toUtf8();
    revert += state.facts.value(QStringLiteral("previousTable")).toString().toUtf8();
    RemoteFileAttributes attrs;
    attrs.sudo = true;
    attrs.mode = 0600;
    Result<CommandOutcome> dirs = context.run(
        RemoteCommand::args({QStringLiteral("mkdir"), QStringLiteral("-p"), QStringLiteral("/var/lib/aio-sandbox")})
            .asRoot());
    if (!dirs)
        return dirs.error();
    if (const Status w = context.writeFile(revertPath(), revert, attrs); !w)
        return w;
    Result<CommandOutcome> r
        = context.runChecked(nft({QStringLiteral("-f"), revertPath()}), tr("Restoring the previous firewall rules"));
    if (!r)
        return r.error();
    for (const FileSnapshot& f : state.files) {
        if (const Status s = context.restoreFile(f, true); !s)
            return s;
    }
    return {};
}

} // namespace aio
