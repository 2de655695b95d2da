#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <memory>

namespace aio {

// Edge access control at nginx (V4): an IP allowlist, HTTP basic auth and/or an auth_request to
// the admin's SSO endpoint — the directives are part of the site NginxSite renders; this step
// writes the htpasswd file (a salted SHA-512 crypt hash made on this workstation; the password
// never passes a command line), makes sure the site with those directives is live, and refuses
// to call the deployment protected when neither edge control nor the sandbox's own auth is on.
class EdgeAccessStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::EdgeAccessStep)

public:
    explicit EdgeAccessStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;

    bool usesBasicAuth() const;
    // "allowlist 198.18.0.0/24, basic auth (admin), sandbox JWT"
    QString protections() const;

private:
    bool htpasswdMatches(const FileSnapshot& file) const;
    QByteArray upstreamKey() const; // the key file nginx includes when it hands the sandbox its key
    Result<bool> siteIsCurrent(PlanContext& context, FileSnapshot* snapshot);
    Result<QByteArray> desiredSite(PlanContext& context) const; // the site for this VM

    std::shared_ptr<const VmDeployment> m_deployment;
    QByteArray m_htpasswd; // made once per run (random salt), so preview and apply agree
};

} // namespace aio
