#include "core/inventory/InventoryLogging.h"

namespace aio {
Q_LOGGING_CATEGORY(lcInventory, "aio.inventory", QtInfoMsg)
} // namespace aio
