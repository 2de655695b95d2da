#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/vm/VmDeployment.h"
#include "core/net/HttpsProbe.h"

#include <QCoreApplication>

#include <memory>

namespace aio {

// The last step: checks from this workstation, through the network like a user, that
// https://<public host>/v1/ping answers through nginx with a certificate that verifies (the
// connection goes to the VM's address while presenting the public name, so it works before DNS
// points at the VM), every entrance of the image is refused without credentials, also through
// the image's static-suffix and "<digits>-" Host bypasses, an authenticated request succeeds, a WebSocket upgrade on
// /websockify gets the VNC greeting, port 80 redirects to HTTPS, and port 8080 on the VM's address is closed. Changes
// nothing; cannot be skipped.
class WorkstationVerifyStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::WorkstationVerifyStep)

public:
    explicit WorkstationVerifyStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;
    bool isSkippable() const override { return false; }

    ProbeEndpoint httpsEndpoint() const;
    // Headers that authenticate a request (basic auth, a fresh JWT, the API key); empty when the
    // deployment has no credential-based protection.
    Result<HttpHeaders> credentials() const;
    bool hasCredentialProtection() const;

private:
    // /vnc/index.html and the /websockify upgrade with the deployment's credentials.
    void checkSignedIn(PlanContext& context, VerifyReport& report, const HttpHeaders& creds) const;
    // A 302/303 to the configured sign-in URL: the SSO check refused and sent the browser to sign in.
    bool sentToSignIn(int status, const HttpHeaders& headers) const;

    std::shared_ptr<const VmDeployment> m_deployment;
};

} // namespace aio
