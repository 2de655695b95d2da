#pragma once

namespace aio::ui {

// Registers the "Deploy" tab (the DeployWizard) for VM targets with TargetPage. Called once by
// runGui() at start-up; calling it again replaces the registration.
void registerDeployCapability();

} // namespace aio::ui
