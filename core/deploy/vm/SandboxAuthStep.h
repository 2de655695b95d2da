#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <memory>

namespace aio {

// Authentication at the sandbox (T3/V4): an RSA key pair made on this workstation with OpenSSL
// (when the keychain has none for the target), the private key kept through the deployment's
// SecretSaver (keychain), the public key handed to the container step as JWT_PUBLIC_KEY; the
// optional SANDBOX_API_KEY likewise. It runs before the container step, which needs the key.
// Nothing on the VM changes here.
class SandboxAuthStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::SandboxAuthStep)

public:
    explicit SandboxAuthStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;

    // SHA-256 of the public key PEM, hex with colons: shown so the admin can recognise the key.
    static QString fingerprint(const QByteArray& publicKeyPem);

private:
    std::shared_ptr<const VmDeployment> m_deployment;
};

} // namespace aio
