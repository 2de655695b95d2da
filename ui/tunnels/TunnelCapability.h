#pragma once

namespace aio::ui {

// Registers the "Tunnel" tab (TunnelPage) for VM targets with TargetPage. Called once by runGui().
void registerTunnelCapability();

} // namespace aio::ui
