#pragma once

namespace aio::ui {

// Registers the "Checklist" tab (ChecklistPage) for VM targets with TargetPage; its "Fix" opens
// the Deploy tab at the step that fixes the check. Called once by runGui() at start-up.
void registerChecklistCapability();

} // namespace aio::ui
