#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/vm/ContainerSpec.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <memory>

namespace aio {

// The sandbox container (V1): bound to 127.0.0.1:8080 only, seccomp unconfined, restart
// unless-stopped, /dev/shm 2 GB, CPU and memory limits, rotated json-file logs, TZ, the JWT
// public key (and the API key through a 0600 env-file). Uses the image when it is already on the
// VM (air-gapped), else pulls it with progress. An existing container is recreated only when
// `docker inspect` differs from what is asked, and the preview lists every difference; the old
// one is kept (stopped, renamed "<name>-previous") so rollback can bring it back.
class SandboxContainerStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::SandboxContainerStep)

public:
    explicit SandboxContainerStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;

    QStringList runArgv() const;
    QByteArray envFileContent() const;
    bool usesEnvFile() const;
    static QStringList managedEnv();
    Result<ContainerSpec> desiredSpec() const;
    QString previousName() const;

    // What the image's start-up banner (the first lines of `docker logs`) says about itself.
    struct BannerFacts
    {
        QString imageVersion; // the "Image Version: X" line
        bool noAuthWarning = false; // "WARNING: SECURITY RISK - NO AUTHENTICATION CONFIGURED"
    };
    static BannerFacts readBanner(const QString& output);

private:
    void addBannerCheck(PlanContext& context, VerifyReport& report);
    Result<ContainerSpec> inspect(PlanContext& context, bool* exists);
    Status waitForGateway(PlanContext& context, QString* evidence);

    std::shared_ptr<const VmDeployment> m_deployment;
};

} // namespace aio
