#include "core/deploy/vm/HostFirewallStep.h"

#include "core/deploy/vm/Listeners.h"

#include "core/common/ShellQuote.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/vm/PreflightStep.h"
#include "core/deploy/vm/UfwRules.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace aio {

namespace {

RemoteCommand nft(const QStringList& args)
{
    return RemoteCommand::args(QStringList{QStringLiteral("nft")} + args).asRoot();
}

RemoteCommand ufw(const QStringList& args)
{
    return RemoteCommand::args(QStringList{QStringLiteral("ufw")} + args).asRoot();
}

// The address this SSH connection comes from and the server port, from $SSH_CONNECTION.
Status readSshConnection(PlanContext& context, QString* client, quint16* sshPort)
{
    Result<CommandOutcome> ssh
        = context.runChecked(RemoteCommand::shell(QStringLiteral("printf '%s\\n' \"$SSH_CONNECTION\"")),
                             HostFirewallStep::tr("Reading the SSH connection"));
    if (!ssh)
        return ssh.error();
    // "client-ip client-port server-ip server-port"
    const QStringList parts = QString::fromUtf8(ssh->stdoutData).trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    *client = parts.value(0);
    *sshPort = quint16(parts.value(3).toUInt());
    if (QHostAddress(*client).isNull() || *sshPort == 0)
        return Error(ErrorKind::Protocol,
                     HostFirewallStep::tr("The VM did not tell which address this SSH connection comes from."),
                     QString::fromUtf8(ssh->stdoutData).trimmed(),
                     HostFirewallStep::tr("The firewall is not changed without it: it could lock you out."));
    return {};
}

QStringList stringList(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& e : v.toArray())
        out << e.toString();
    return out;
}

QString ufwDisplay(const QStringList& args)
{
    return ufw(args).displayText();
}

// What every firewall preview ends with: the services it cuts off, the connection kept open, and
// the cloud's part by hand.
void addClosingNotes(StepPreview& p, const StepState& state, const QString& client, const VmDeployAnswers& answers)
{
    const QStringList cutOff = stringList(state.facts.value(QStringLiteral("cutOffListeners")));
    if (!cutOff.isEmpty()) {
        p.notes << HostFirewallStep::tr("These services listen on addresses reachable from outside and will no longer "
                                        "be reachable through this firewall (TCP port, program, address):");
        for (const QString& line : cutOff)
            p.notes << QStringLiteral("  ") + line;
        p.notes << HostFirewallStep::tr("To keep one reachable, add its port to the ports to keep open "
                                        "(firewall.keepOpen).");
    }
    p.notes << HostFirewallStep::tr("SSH stays open for this connection's address %1.").arg(client);
    p.checklistTitle = HostFirewallStep::tr("Cloud security group, to check by hand:");
    p.checklist = HostFirewallStep::securityGroupChecklist(answers);
}

// /etc/nftables.conf, which the distribution's nftables service loads at boot, with our file
// included at its end (where the file does not exist yet: a new one that only includes ours).
QByteArray withBootInclude(const FileSnapshot& bootConfig)
{
    const QByteArray line = HostFirewallStep::bootIncludeLine().toUtf8();
    if (!bootConfig.exists || bootConfig.content.isEmpty())
        return "#!/usr/sbin/nft -f\n\n" + line + '\n';
    if (bootConfig.content.split('\n').contains(line))
        return bootConfig.content;
    QByteArray out = bootConfig.content;
    if (!out.endsWith('\n'))
        out += '\n';
    return out + "\n# AIO Sandbox Manager: the sandbox's host firewall, also at boot\n" + line + '\n';
}

RemoteCommand confirmedRulesCommand()
{
    return RemoteCommand::args({QStringLiteral("mv"), QStringLiteral("-f"), HostFirewallStep::pendingRulesPath(),
                                HostFirewallStep::rulesPath()})
        .asRoot();
}

RemoteCommand disableAtBoot()
{
    return RemoteCommand::args(
               {QStringLiteral("systemctl"), QStringLiteral("disable"), QStringLiteral("nftables.service")})
        .asRoot();
}

RemoteCommand enableAtBoot()
{
    return RemoteCommand::args(
               {QStringLiteral("systemctl"), QStringLiteral("enable"), QStringLiteral("nftables.service")})
        .asRoot();
}

// The confirmation as the preview shows it: cancelling the revert job over a new connection.
QString confirmCommandText()
{
    return HostFirewallStep::tr("(a new SSH connection) ")
        + RemoteCommand::shell(HostFirewallStep::cancelRevertScript()).asRoot().displayText();
}
} // namespace

HostFirewallStep::HostFirewallStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("firewall"), HostFirewallStep::tr("Host firewall"),
           HostFirewallStep::tr(
               "Lets in 80 and 443, SSH only from your networks (and always from this connection), and the ports "
               "you keep open; everything else, 8080 above all, is dropped. The change undoes itself after a while "
               "unless a new SSH connection confirms it."))
    , m_deployment(std::move(deployment))
{ }

QString HostFirewallStep::pendingRulesPath()
{
    return QStringLiteral("/etc/aio-sandbox/firewall.pending.nft");
}

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

QString HostFirewallStep::bootConfigPath()
{
    return QStringLiteral("/etc/nftables.conf");
}

QString HostFirewallStep::bootIncludeLine()
{
    return QStringLiteral("include \"%1\"").arg(rulesPath());
}

Status HostFirewallStep::readListeners(PlanContext& context, StepState& state, const FirewallRules& rules) const
{
    Result<CommandOutcome> ss = context.run(
        RemoteCommand::args({QStringLiteral("ss"), QStringLiteral("-H"), QStringLiteral("-ltnp")}).asRoot());
    if (!ss)
        return ss.error();
    // 8080 is dropped on purpose (the sandbox is reached through nginx); the rest could be kept open.
    QList<quint16> allowed = rules.openPorts + rules.keptPorts + rules.droppedPorts;
    allowed << rules.sshPort;
    QJsonArray cutOff;
    if (ss->succeeded()) {
        for (const QString& line : Listeners::cutOff(Listeners::parse(ss->stdoutData), allowed))
            cutOff << line;
    }
    state.facts.insert(QStringLiteral("cutOffListeners"), cutOff);
    return {};
}

QString HostFirewallStep::scheduleRevertScript(int seconds)
{
    return scheduleRevertScript(seconds, QStringLiteral("nft -f ") + revertPath());
}

QString HostFirewallStep::revertUnitName()
{
    return QStringLiteral("aio-sandbox-firewall-revert");
}

QString HostFirewallStep::scheduleRevertScript(int seconds, const QString& revertCommand)
{
    // Where systemd runs, a transient timer: logind's KillUserProcesses=yes kills every process of
    // the SSH session when it ends, a setsid job included, exactly when the connection drops. The
    // pid file then names the unit ("systemd:<unit>").
    // Elsewhere setsid: its own session and process group, so neither the SSH channel closing nor
    // sudo ending takes it down, and cancelling kills the sleep together with the shell.
    const QString unit = revertUnitName();
    const QString run = QStringLiteral("%1; rm -f %2").arg(revertCommand, revertPidPath());
    const QString job = QStringLiteral("sleep %1; %2").arg(seconds).arg(run);
    return QStringLiteral(
               "if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then\n"
               "  systemctl stop %1.timer %1.service >/dev/null 2>&1; systemctl reset-failed %1.timer %1.service "
               ">/dev/null 2>&1\n"
               "  systemd-run --quiet --unit=%1 --on-active=%2 --timer-property=AccuracySec=1s /bin/sh -c %3 || exit "
               "1\n"
               "  echo systemd:%1 > %4\n"
               "else\n"
               "  setsid sh -c %5 </dev/null >/dev/null 2>&1 &\n"
               "  echo $! > %4\n"
               "fi\n"
               "cat %4\n")
        .arg(unit)
        .arg(seconds)
        .arg(shellQuote(run), revertPidPath(), shellQuote(job));
}

QString HostFirewallStep::cancelRevertScript()
{
    // A systemd timer is stopped while it still waits; "kill -TERM -PID" signals a setsid job's
    // whole process group (dash's kill takes no "--").
    return QStringLiteral(
               "pid=$(cat %1 2>/dev/null) || { echo 'no revert job pending'; exit 3; }\n"
               "case \"$pid\" in systemd:*)\n"
               "  unit=${pid#systemd:}\n"
               "  if systemctl is-active --quiet \"$unit.timer\" && systemctl stop \"$unit.timer\"; then rm -f %1; "
               "echo \"revert timer $unit cancelled\"; exit 0; fi\n"
               "  rm -f %1; echo 'the revert job already ran'; exit 3 ;;\n"
               "esac\n"
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
    QStringList lines{
        tr("Inbound TCP 443 (HTTPS) from %1").arg(webSources),
        tr("Inbound TCP 80 (HTTP: redirect and ACME challenges) from anywhere"),
        tr("Inbound TCP 22 (SSH) only from %1")
            .arg(admin.isEmpty() ? tr("your administrators' addresses") : admin.join(QStringLiteral(", "))),
        tr("NO inbound rule for 8080 (remove any that exists)"),
    };
    for (quint16 port : answers.firewallKeepOpen)
        lines << tr("Inbound TCP %1 from where it is needed (kept open on purpose)").arg(port);
    lines << tr("No other inbound rules to this VM");
    return lines;
}

FirewallRules HostFirewallStep::rulesFor(const QString& sshClient, quint16 sshPort) const
{
    FirewallRules rules;
    rules.sshAllowed = m_deployment->answers.adminSshCidrs;
    rules.sshClient = QHostAddress(sshClient);
    rules.sshPort = sshPort;
    rules.keptPorts = m_deployment->answers.firewallKeepOpen;
    return rules;
}

Result<StepState> HostFirewallStep::detect(PlanContext& context)
{
    const VmDeployAnswers& a = m_deployment->answers;
    StepState state;
    if (a.firewallTool == VmDeployAnswers::FirewallTool::None) {
        state.notApplicableReason
            = tr("No host firewall chosen. Set the cloud security group by hand:\n%1")
                  .arg(QStringLiteral("• ") + securityGroupChecklist(a).join(QStringLiteral("\n• ")));
        return state;
    }
    QString client;
    quint16 sshPort = 0;
    if (const Status s = readSshConnection(context, &client, &sshPort); !s)
        return s.error();
    if (const Status s = readListeners(context, state, rulesFor(client, sshPort)); !s)
        return s.error();
    if (a.firewallTool == VmDeployAnswers::FirewallTool::Ufw)
        return detectUfw(context, std::move(state), client, sshPort);
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
    Result<FileSnapshot> boot = context.readFile(bootConfigPath(), true);
    if (!boot)
        return boot.error();
    Result<CommandOutcome> systemd = context.run(
        RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-d"), QStringLiteral("/run/systemd/system")}));
    if (!systemd)
        return systemd.error();
    state.facts.insert(QStringLiteral("systemd"), systemd->succeeded());
    if (systemd->succeeded()) {
        Result<CommandOutcome> enabled
            = context.run(RemoteCommand::args({QStringLiteral("systemctl"), QStringLiteral("is-enabled"),
                                               QStringLiteral("--quiet"), QStringLiteral("nftables.service")}));
        if (!enabled)
            return enabled.error();
        state.facts.insert(QStringLiteral("bootServiceEnabled"), enabled->succeeded());
    }
    state.files << *rules << *revert << *boot;
    const QString desired = NftRuleset::render(rulesFor(client, sshPort));
    state.facts.insert(QStringLiteral("sshClient"), client);
    state.facts.insert(QStringLiteral("sshPort"), int(sshPort));
    state.facts.insert(QStringLiteral("tableExists"), table->succeeded());
    state.facts.insert(QStringLiteral("previousTable"),
                       table->succeeded() ? QString::fromUtf8(table->stdoutData) : QString());
    state.facts.insert(QStringLiteral("revertPending"), pending->succeeded());
    state.alreadyDone = table->succeeded() && rules->exists && rules->content == desired.toUtf8()
        && !pending->succeeded() && withBootInclude(*boot) == boot->content;
    state.summary = table->succeeded()
        ? (state.alreadyDone ? tr("Our nftables rules are in place.") : tr("Our nftables table exists but differs."))
        : tr("No nftables rules of ours yet.");
    return state;
}

Result<StepPreview> HostFirewallStep::preview(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    if (m_deployment->answers.firewallTool == VmDeployAnswers::FirewallTool::Ufw)
        return previewUfw(state);
    const VmDeployAnswers& a = m_deployment->answers;
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    const QString client = state.facts.value(QStringLiteral("sshClient")).toString();
    const quint16 port = quint16(state.facts.value(QStringLiteral("sshPort")).toInt());
    const QByteArray desired = NftRuleset::render(rulesFor(client, port)).toUtf8();
    if (!state.alreadyDone) {
        p.fileChanges << FileChange::write(*state.file(rulesPath()), desired, 0600);
        p.commands << tr("(the new rules are written to %1 first)").arg(pendingRulesPath())
                   << nft({QStringLiteral("-c"), QStringLiteral("-f"), pendingRulesPath()}).displayText()
                   << RemoteCommand::shell(scheduleRevertScript(a.firewallAutoRevertSeconds)).asRoot().displayText()
                   << nft({QStringLiteral("-f"), pendingRulesPath()}).displayText() << confirmCommandText()
                   << confirmedRulesCommand().displayText();
        p.notes << tr("Unless a new SSH connection confirms within %1 seconds, the VM restores the previous rules by "
                      "itself.")
                       .arg(a.firewallAutoRevertSeconds);
        // Only once confirmed: the rules also load at boot.
        const FileSnapshot* boot = state.file(bootConfigPath());
        if (boot && withBootInclude(*boot) != boot->content)
            p.fileChanges << FileChange::write(*boot, withBootInclude(*boot), boot->exists ? boot->mode : 0755);
        if (state.facts.value(QStringLiteral("systemd")).toBool()) {
            p.commands << enableAtBoot().displayText();
            if (!state.facts.value(QStringLiteral("bootServiceEnabled")).toBool())
                p.notes << tr("nftables.service is not enabled yet. Once enabled, the VM loads %1 at boot; Debian's "
                              "starts with \"flush ruleset\", which clears rules other tools loaded before it (Docker "
                              "adds its own when it starts). A rollback disables it again.")
                               .arg(bootConfigPath());
        }
        p.notes << tr("Once confirmed, the rules also load at boot: %1 (read by the distribution's nftables service) "
                      "includes %2.")
                       .arg(bootConfigPath(), rulesPath());
    }
    addClosingNotes(p, state, client, a);
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
    if (m_deployment->answers.firewallTool == VmDeployAnswers::FirewallTool::Ufw)
        return applyUfw(context, state);
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
    // A revert still pending from an unconfirmed earlier run holds the rules from before any of
    // our changes: its job is stopped (not orphaned) and its file kept (not overwritten with the
    // unconfirmed table); the job scheduled below restores that same file.
    const bool pending = state.facts.value(QStringLiteral("revertPending")).toBool();
    const FileSnapshot* saved = state.file(revertPath());
    if (pending)
        (void)context.run(RemoteCommand::shell(cancelRevertScript()).asRoot()); // it may just have run
    if (!(pending && saved && saved->exists)) {
        if (const Status w = context.writeFile(revertPath(), revert, attrs); !w)
            return w;
    }
    // The new rules stay in a file of their own until confirmed: the file the boot configuration
    // includes keeps the last confirmed rules, so a reboot after a revert never loads these.
    if (const Status w = context.writeFile(pendingRulesPath(), desired, attrs); !w)
        return w;
    Result<CommandOutcome> check = context.runChecked(
        nft({QStringLiteral("-c"), QStringLiteral("-f"), pendingRulesPath()}), tr("Checking the firewall rules"));
    if (!check)
        return check.error();
    Result<CommandOutcome> scheduled
        = context.runChecked(RemoteCommand::shell(scheduleRevertScript(a.firewallAutoRevertSeconds)).asRoot(),
                             tr("Scheduling the automatic revert"));
    if (!scheduled)
        return scheduled.error();
    Result<CommandOutcome> load
        = context.runChecked(nft({QStringLiteral("-f"), pendingRulesPath()}), tr("Loading the firewall rules"));
    if (!load) {
        const Status undo = revertNow(context);
        return undo ? load.error() : undo.error();
    }

    if (const Status confirmed = confirmOrRevert(context, [this](PlanContext& c) { return revertNow(c); }); !confirmed)
        return confirmed;
    // Confirmed: these are now the rules, also at boot.
    Result<CommandOutcome> kept = context.runChecked(confirmedRulesCommand(), tr("Keeping the confirmed rules"));
    if (!kept)
        return kept.error();
    const FileSnapshot* boot = state.file(bootConfigPath());
    if (boot && withBootInclude(*boot) != boot->content) {
        RemoteFileAttributes bootAttrs;
        bootAttrs.sudo = true;
        bootAttrs.mode = boot->exists ? boot->mode : 0755;
        if (const Status w = context.writeFile(bootConfigPath(), withBootInclude(*boot), bootAttrs); !w)
            return w;
    }
    if (state.facts.value(QStringLiteral("systemd")).toBool()) {
        Result<CommandOutcome> enabled = context.runChecked(enableAtBoot(), tr("Loading the rules at boot"));
        if (!enabled)
            return enabled.error();
    }
    return {};
}

Status HostFirewallStep::confirmOrRevert(PlanContext& context, const std::function<Status(PlanContext&)>& undoNow)
{
    const VmDeployAnswers& a = m_deployment->answers;
    // Confirm over a NEW connection: the current one survives any rule change (established).
    RemoteCommand cancel = RemoteCommand::shell(cancelRevertScript()).asRoot();
    if (m_deployment->reconnect) {
        Result<std::shared_ptr<RemoteHost>> fresh = m_deployment->reconnect();
        if (!fresh) {
            const Status undo = undoNow(context);
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
        const Status undo = undoNow(context);
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
    if (m_deployment->answers.firewallTool == VmDeployAnswers::FirewallTool::Ufw)
        return verifyUfw(context);
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
    report.add(tr("everything else is dropped"), listed.contains(QLatin1String("policy drop")),
               listed.contains(QLatin1String("policy drop")) ? QStringLiteral("policy drop")
                                                             : tr("the input chain does not drop by default"));
    // What the distribution loads at boot holds our rules and is valid as a whole.
    Result<FileSnapshot> boot = context.readFile(bootConfigPath(), true);
    if (!boot)
        return boot.error();
    const bool included = boot->exists && boot->content.split('\n').contains(bootIncludeLine().toUtf8());
    Result<CommandOutcome> bootCheck = context.run(nft({QStringLiteral("-c"), QStringLiteral("-f"), bootConfigPath()}));
    if (!bootCheck)
        return bootCheck.error();
    report.add(tr("loaded at boot"), included && bootCheck->succeeded(),
               !included                    ? tr("%1 does not include %2").arg(bootConfigPath(), rulesPath())
                   : bootCheck->succeeded() ? tr("%1 includes %2; nft -c accepts it").arg(bootConfigPath(), rulesPath())
                                            : QString::fromUtf8(bootCheck->stderrData).trimmed());
    return report;
}

Status HostFirewallStep::rollback(PlanContext& context, const StepState& state)
{
    if (m_deployment->answers.firewallTool == VmDeployAnswers::FirewallTool::Ufw) {
        if (const Status s = restoreUfwNow(context); !s)
            return s;
        for (const FileSnapshot& f : state.files) {
            if (const Status s = context.restoreFile(f, true); !s)
                return s;
        }
        return {};
    }
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
    // With an earlier run's revert still pending when this run began, the table it found was never
    // confirmed: the saved file from before any deployment is what goes back.
    const FileSnapshot* saved = state.file(revertPath());
    const bool keepSaved = state.facts.value(QStringLiteral("revertPending")).toBool() && saved && saved->exists;
    if (!keepSaved) {
        if (const Status w = context.writeFile(revertPath(), revert, attrs); !w)
            return w;
    }
    Result<CommandOutcome> r
        = context.runChecked(nft({QStringLiteral("-f"), revertPath()}), tr("Restoring the previous firewall rules"));
    if (!r)
        return r.error();
    for (const FileSnapshot& f : state.files) {
        if (const Status s = context.restoreFile(f, true); !s)
            return s;
    }
    (void)context.run(RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), pendingRulesPath()}).asRoot());
    if (state.facts.value(QStringLiteral("systemd")).toBool()
        && !state.facts.value(QStringLiteral("bootServiceEnabled")).toBool()) {
        Result<CommandOutcome> disabled = context.runChecked(disableAtBoot(), tr("No longer loading rules at boot"));
        if (!disabled)
            return disabled.error();
    }
    return {};
}

// --- ufw

Result<StepState> HostFirewallStep::detectUfw(PlanContext& context, StepState state, const QString& client,
                                              quint16 sshPort)
{
    state.facts.insert(QStringLiteral("sshClient"), client);
    state.facts.insert(QStringLiteral("sshPort"), int(sshPort));
    // (dash's `command -v` exits 127 when it finds nothing, which run() reports as an error.)
    Result<CommandOutcome> which = context.runChecked(
        RemoteCommand::shell(QStringLiteral("if command -v ufw >/dev/null 2>&1; then echo yes; else echo no; fi"))
            .asRoot(),
        tr("Looking for ufw"));
    if (!which)
        return which.error();
    const bool installed = which->stdoutData.trimmed() == "yes";
    state.facts.insert(QStringLiteral("ufwInstalled"), installed);
    Result<FileSnapshot> restore = context.readFile(UfwRules::restorePath(), true);
    if (!restore)
        return restore.error();
    state.files << *restore;
    Result<CommandOutcome> pending
        = context.run(RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-s"), revertPidPath()}).asRoot());
    if (!pending)
        return pending.error();
    state.facts.insert(QStringLiteral("revertPending"), pending->succeeded());
    if (!installed) {
        state.summary = tr("ufw is not installed.");
        return state;
    }
    Result<CommandOutcome> status
        = context.runChecked(ufw({QStringLiteral("status"), QStringLiteral("verbose")}), tr("Reading ufw's status"));
    if (!status)
        return status.error();
    Result<CommandOutcome> shown
        = context.runChecked(ufw({QStringLiteral("show"), QStringLiteral("added")}), tr("Reading ufw's rules"));
    if (!shown)
        return shown.error();
    const UfwStatus st = UfwRules::parseStatus(status->stdoutData);
    const QStringList added = UfwRules::parseAdded(shown->stdoutData);
    const FirewallRules rules = rulesFor(client, sshPort);
    const QStringList missing = UfwRules::missing(added, rules);
    const QList<QStringList> conflicts = UfwRules::conflicting(added, rules);
    state.facts.insert(QStringLiteral("ufwActive"), st.active);
    state.facts.insert(QStringLiteral("ufwDefaultIncoming"), st.defaultIncoming);
    state.facts.insert(QStringLiteral("ufwAdded"), QJsonArray::fromStringList(added));
    state.alreadyDone = st.active && st.defaultIncoming == QLatin1String("deny") && missing.isEmpty()
        && conflicts.isEmpty() && !pending->succeeded();
    if (state.alreadyDone)
        state.summary = tr("ufw is active with our rules.");
    else if (!st.active)
        state.summary = tr("ufw is installed but inactive.");
    else
        state.summary = tr("ufw is active; rules of ours missing: %1, rules to remove: %2.")
                            .arg(missing.size())
                            .arg(conflicts.size());
    return state;
}

Result<StepPreview> HostFirewallStep::previewUfw(const StepState& state)
{
    const VmDeployAnswers& a = m_deployment->answers;
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    const QString client = state.facts.value(QStringLiteral("sshClient")).toString();
    const quint16 port = quint16(state.facts.value(QStringLiteral("sshPort")).toInt());
    const FirewallRules rules = rulesFor(client, port);
    Result<QList<QStringList>> ours = UfwRules::rules(rules);
    if (!ours)
        return ours.error();
    if (!state.alreadyDone) {
        if (!state.facts.value(QStringLiteral("ufwInstalled")).toBool()) {
            for (const RemoteCommand& c : PreflightStep::installCommands({QStringLiteral("ufw")}))
                p.commands << c.displayText();
            p.notes << tr("ufw is not installed: it is installed with apt-get%1.")
                           .arg(a.installMissing ? QString() : tr(" after you agree"));
        }
        if (const FileSnapshot* f = state.file(UfwRules::restorePath()))
            p.fileChanges << FileChange::write(*f, UfwRules::restoreScript().toUtf8(), 0700);
        p.commands << RemoteCommand::shell(UfwRules::backupScript()).asRoot().displayText()
                   << RemoteCommand::shell(scheduleRevertScript(a.firewallAutoRevertSeconds,
                                                                QStringLiteral("sh ") + UfwRules::restorePath()))
                          .asRoot()
                          .displayText();
        for (const QStringList& d :
             UfwRules::conflicting(stringList(state.facts.value(QStringLiteral("ufwAdded"))), rules))
            p.commands << ufwDisplay(d);
        for (const QStringList& r : *ours)
            p.commands << ufwDisplay(r);
        for (const QStringList& f : UfwRules::finalCommands())
            p.commands << ufwDisplay(f);
        p.commands << confirmCommandText();
        p.notes << tr("ufw's rule files are backed up to %1 first. Unless a new SSH connection confirms within %2 "
                      "seconds, the VM puts them back by itself.")
                       .arg(UfwRules::backupDir())
                       .arg(a.firewallAutoRevertSeconds);
    }
    addClosingNotes(p, state, client, a);
    return p;
}

Status HostFirewallStep::restoreUfwNow(PlanContext& context)
{
    (void)context.run(RemoteCommand::shell(cancelRevertScript()).asRoot()); // nothing pending is fine
    Result<CommandOutcome> has = context.run(
        RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-f"), UfwRules::backupDir() + "/state"}).asRoot());
    if (!has)
        return has.error();
    if (!has->succeeded())
        return {}; // nothing was changed yet
    Result<CommandOutcome> r = context.runChecked(RemoteCommand::shell(UfwRules::restoreScript()).asRoot(),
                                                  tr("Restoring the previous ufw rules"));
    if (!r)
        return r.error();
    return {};
}

Status HostFirewallStep::applyUfw(PlanContext& context, const StepState& state)
{
    const VmDeployAnswers& a = m_deployment->answers;
    const QString client = state.facts.value(QStringLiteral("sshClient")).toString();
    const quint16 port = quint16(state.facts.value(QStringLiteral("sshPort")).toInt());
    const FirewallRules rules = rulesFor(client, port);
    Result<QList<QStringList>> ours = UfwRules::rules(rules);
    if (!ours)
        return ours.error();
    QStringList added = stringList(state.facts.value(QStringLiteral("ufwAdded")));
    const bool pending = state.facts.value(QStringLiteral("revertPending")).toBool();
    if (!pending) {
        // A backup of an earlier run must not be what a rollback of this run restores.
        Result<CommandOutcome> stale = context.runChecked(
            RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-rf"), UfwRules::backupDir()}).asRoot(),
            tr("Removing an old ufw backup"));
        if (!stale)
            return stale.error();
    }

    if (!state.facts.value(QStringLiteral("ufwInstalled")).toBool()) {
        if (!a.installMissing
            && !context.confirm(tr("ufw is not installed on %1. Install it with apt-get?").arg(context.targetName())))
            return Error(ErrorKind::Cancelled, tr("ufw is not installed on %1.").arg(context.targetName()), {},
                         tr("Install it (sudo apt-get install ufw), answer yes (installMissing in the answers), "
                            "or choose nftables as the firewall tool."));
        for (const RemoteCommand& c : PreflightStep::installCommands({QStringLiteral("ufw")})) {
            Result<CommandOutcome> r = context.runChecked(c, tr("Installing ufw"));
            if (!r)
                return r.error();
        }
        Result<CommandOutcome> shown
            = context.runChecked(ufw({QStringLiteral("show"), QStringLiteral("added")}), tr("Reading ufw's rules"));
        if (!shown)
            return shown.error();
        added = UfwRules::parseAdded(shown->stdoutData);
    }

    Result<CommandOutcome> dirs = context.runChecked(
        RemoteCommand::args({QStringLiteral("mkdir"), QStringLiteral("-p"), QStringLiteral("/var/lib/aio-sandbox")})
            .asRoot(),
        tr("Creating folders"));
    if (!dirs)
        return dirs.error();
    RemoteFileAttributes attrs;
    attrs.sudo = true;
    attrs.mode = 0700;
    if (const Status w = context.writeFile(UfwRules::restorePath(), UfwRules::restoreScript().toUtf8(), attrs); !w)
        return w;
    // A revert still pending from an unconfirmed earlier run: its backup is the state before
    // any of our changes, so it is kept; only the job is replaced.
    bool keepBackup = false;
    if (pending) {
        (void)context.run(RemoteCommand::shell(cancelRevertScript()).asRoot());
        Result<CommandOutcome> has = context.run(
            RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-f"), UfwRules::backupDir() + "/state"})
                .asRoot());
        if (!has)
            return has.error();
        keepBackup = has->succeeded();
    }
    if (!keepBackup) {
        Result<CommandOutcome> backup
            = context.runChecked(RemoteCommand::shell(UfwRules::backupScript()).asRoot(), tr("Backing up ufw's rules"));
        if (!backup)
            return backup.error();
    }
    Result<CommandOutcome> scheduled
        = context.runChecked(RemoteCommand::shell(scheduleRevertScript(a.firewallAutoRevertSeconds,
                                                                       QStringLiteral("sh ") + UfwRules::restorePath()))
                                 .asRoot(),
                             tr("Scheduling the automatic revert"));
    if (!scheduled)
        return scheduled.error();

    QList<QStringList> commands = UfwRules::conflicting(added, rules);
    commands += *ours;
    commands += UfwRules::finalCommands();
    for (const QStringList& c : commands) {
        Result<CommandOutcome> r = context.runChecked(ufw(c), tr("Changing the ufw rules"));
        if (!r) {
            const Status undo = restoreUfwNow(context);
            return undo ? r.error() : undo.error();
        }
    }
    return confirmOrRevert(context, [this](PlanContext& c) { return restoreUfwNow(c); });
}

Result<VerifyReport> HostFirewallStep::verifyUfw(PlanContext& context)
{
    VerifyReport report;
    QString client;
    quint16 sshPort = 0;
    if (const Status s = readSshConnection(context, &client, &sshPort); !s)
        return s.error();
    Result<CommandOutcome> status = context.run(ufw({QStringLiteral("status"), QStringLiteral("verbose")}));
    if (!status)
        return status.error();
    Result<CommandOutcome> shown = context.run(ufw({QStringLiteral("show"), QStringLiteral("added")}));
    if (!shown)
        return shown.error();
    const UfwStatus st = UfwRules::parseStatus(status->stdoutData);
    report.add(tr("ufw active"), status->succeeded() && st.active,
               status->succeeded() ? QString::fromUtf8(status->stdoutData).section(QLatin1Char('\n'), 0, 0)
                                   : QString::fromUtf8(status->stderrData).trimmed());
    report.add(tr("incoming connections denied by default"), st.defaultIncoming == QLatin1String("deny"),
               st.defaultIncoming.isEmpty() ? tr("not shown") : st.defaultIncoming);
    const QStringList added = UfwRules::parseAdded(shown->stdoutData);
    const FirewallRules rules = rulesFor(client, sshPort);
    const QStringList missing = UfwRules::missing(added, rules);
    Result<QList<QStringList>> ours = UfwRules::rules(rules);
    if (!ours)
        return ours.error();
    for (const QStringList& r : *ours) {
        const QString form = UfwRules::addedForm(r);
        report.add(tr("ufw %1").arg(form), !missing.contains(form),
                   missing.contains(form) ? tr("missing") : tr("in place"));
    }
    const QList<QStringList> conflicts = UfwRules::conflicting(added, rules);
    QStringList conflictText;
    for (const QStringList& c : conflicts)
        conflictText << c.mid(1).join(QLatin1Char(' '));
    report.add(tr("no rule opens SSH to anyone or allows 8080"), conflicts.isEmpty(),
               conflicts.isEmpty() ? tr("none") : conflictText.join(QStringLiteral("; ")));
    Result<CommandOutcome> pending
        = context.run(RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-s"), revertPidPath()}).asRoot());
    if (!pending)
        return pending.error();
    report.add(tr("no automatic revert pending"), !pending->succeeded(),
               pending->succeeded() ? tr("%1 exists").arg(revertPidPath()) : tr("confirmed"));
    return report;
}

} // namespace aio
