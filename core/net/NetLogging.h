#pragma once

#include <QLoggingCategory>

// The net module's logging category ("aio.net"). Never format a secret into it.
namespace aio {
Q_DECLARE_LOGGING_CATEGORY(lcNet)
} // namespace aio
