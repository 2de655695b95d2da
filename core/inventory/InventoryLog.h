#pragma once

#include <QLoggingCategory>

// The inventory module's logging category ("aio.inventory"); never log a secret through it.
Q_DECLARE_LOGGING_CATEGORY(lcInventory)
