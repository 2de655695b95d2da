#pragma once

namespace aio::ui {

// Registers the "Logs" tab (LogsPage) for VM targets with TargetPage. Called once by runGui().
void registerLogsCapability();

} // namespace aio::ui
