#pragma once

#include <QLoggingCategory>

// The inventory module's logging category ("aio.inventory"). Never format a secret into it.
namespace aio {
Q_DECLARE_LOGGING_CATEGORY(lcInventory)
} // namespace aio
