#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/render/NginxSite.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <memory>

namespace aio {

// Nginx in front of the sandbox (V3): the `map $http_upgrade $connection_upgrade` in its own
// conf.d file (once; left out when the admin's configuration already defines it) and the site.
// Before a certificate exists the site is the port-80 bootstrap (ACME challenge path only); once
// the certificate files are on the VM it is the full TLS site. Changes go through
// NginxConfigInstaller: nginx -t before reload, the previous files back on any failure.
class NginxProxyStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::NginxProxyStep)

public:
    explicit NginxProxyStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;

    // Whether both certificate files of the chosen TLS mode exist (non-empty) on the VM.
    static Result<bool> certificateFilesExist(PlanContext& context, const VmDeployAnswers& answers);
    // Whether nginx's master process runs.
    static Result<bool> nginxRunning(PlanContext& context);

private:
    QByteArray desiredSite(bool certificateExists, const NginxSite::HostFacts& facts) const;

    std::shared_ptr<const VmDeployment> m_deployment;
};

} // namespace aio
