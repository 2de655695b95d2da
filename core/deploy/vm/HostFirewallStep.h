#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/vm/NftRuleset.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <functional>
#include <memory>

namespace aio {

// The host firewall (T4/V2) with nftables: 80/443 open, SSH only from the admin's networks and
// always from the address of the SSH client doing this deployment, 8080 dropped. Applied the way
// iptables-apply does it: a revert job is scheduled on the VM first (a detached `sleep N; nft -f
// <previous rules>`), the new rules are loaded, and the job is cancelled only after a NEW SSH
// connection got through and confirmed. If we lock ourselves out, the VM undoes it by itself.
// With ufw (Ubuntu's usual firewall) the same rules are made with ufw commands (UfwRules), after a
// backup of ufw's rule files and state that the same timed revert job puts back.
// Also prints the checklist of cloud security-group rules to set by hand.
class HostFirewallStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::HostFirewallStep)

public:
    explicit HostFirewallStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;

    static QString rulesPath(); // /etc/aio-sandbox/firewall.nft
    static QString revertPath(); // /var/lib/aio-sandbox/firewall.revert.nft
    static QString pendingRulesPath(); // /etc/aio-sandbox/firewall.pending.nft: loaded, not yet confirmed
    static QString revertPidPath(); // /run/aio-sandbox-firewall-revert.pid
    static QString revertUnitName(); // the transient systemd timer/service where systemd runs
    static QString bootConfigPath(); // /etc/nftables.conf, loaded at boot by the nftables service
    static QString bootIncludeLine(); // include "/etc/aio-sandbox/firewall.nft"
    // The revert job (a systemd timer, else a setsid job); prints what revertPidPath() then holds:
    // "systemd:<unit>" or the job's process group id. The first form restores the nftables rules
    // (revertPath()); the second runs `revertCommand` (a script of ours, already quoted).
    static QString scheduleRevertScript(int seconds);
    static QString scheduleRevertScript(int seconds, const QString& revertCommand);
    static QString cancelRevertScript();
    // The cloud security-group rules to set by hand, one per line.
    static QStringList securityGroupChecklist(const VmDeployAnswers& answers);

private:
    FirewallRules rulesFor(const QString& sshClient, quint16 sshPort) const;
    // Records in state which listeners the rules would cut off from outside (`ss -ltnp`).
    Status readListeners(PlanContext& context, StepState& state, const FirewallRules& rules) const;
    Status revertNow(PlanContext& context);
    // After the change: a NEW connection cancels the revert job, else `undo` runs now.
    Status confirmOrRevert(PlanContext& context, const std::function<Status(PlanContext&)>& undo);

    Result<StepState> detectUfw(PlanContext& context, StepState state, const QString& client, quint16 sshPort);
    Result<StepPreview> previewUfw(const StepState& state);
    Status applyUfw(PlanContext& context, const StepState& state);
    Result<VerifyReport> verifyUfw(PlanContext& context);
    Status restoreUfwNow(PlanContext& context);

    std::shared_ptr<const VmDeployment> m_deployment;
};

} // namespace aio
