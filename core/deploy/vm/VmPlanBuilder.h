#pragma once

#include "core/deploy/Plan.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <memory>

namespace aio {

// Builds the VM plan (Option 1: Docker + Nginx + TLS + authentication) from the admin's answers:
// preflight, authentication keys, sandbox container, nginx, TLS, edge access control, host
// firewall, verify from the workstation. Authentication comes before the container because the
// container is created with JWT_PUBLIC_KEY; creating it without and recreating it would restart
// the sandbox for nothing. Keys the keychain does not have yet are generated here (locally).
// The GUI wizard and the CLI `deploy` command both use this builder with the same PlanRunner.
class VmPlanBuilder
{
    Q_DECLARE_TR_FUNCTIONS(aio::VmPlanBuilder)

public:
    struct Built
    {
        Plan plan;
        std::shared_ptr<const VmDeployment> deployment;
        QStringList secrets; // values to add to the runner's redactor
    };

    // `deployment.answers` must have passed validate(); missing keys are generated.
    static Result<Built> build(VmDeployment deployment);
    static QStringList stepIds(); // in order
};

} // namespace aio
