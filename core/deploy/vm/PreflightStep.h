#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/vm/PreflightFacts.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <memory>

namespace aio {

// First step of the VM plan: OS and version, sudo, memory and disk (warnings under 2 GB RAM /
// 20 GB free disk), docker present and its engine reachable, nginx present, ports 80/443 free or
// nginx's, the VM's clock against the workstation's. Offers to install what is missing (docker,
// nginx, certbot, nftables) with apt, showing the commands; removes only what it installed on
// rollback.
class PreflightStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::PreflightStep)

public:
    explicit PreflightStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;

    // Debian package names for what these answers need and the VM lacks.
    static QStringList missingPackages(const PreflightFacts& facts, const VmDeployAnswers& answers);
    // Translated warnings: low memory/disk, clock skew, foreign listeners on 80/443, ufw active.
    // firewall: the chosen tool; an active ufw is only worth a warning when ufw is not the one
    // the firewall step manages.
    static QStringList warningsFor(const PreflightFacts& facts, qint64 workstationEpoch,
                                   VmDeployAnswers::FirewallTool firewall = VmDeployAnswers::FirewallTool::None);
    static QList<RemoteCommand> installCommands(const QStringList& packages);

private:
    Result<PreflightFacts> probe(PlanContext& context, QString* sudoProblem, QJsonObject* raw);

    std::shared_ptr<const VmDeployment> m_deployment;
};

} // namespace aio
