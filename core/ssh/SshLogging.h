#pragma once

#include <QLoggingCategory>

// The ssh module's logging category ("aio.ssh"). Never format a secret into it.
namespace aio {
Q_DECLARE_LOGGING_CATEGORY(lcSsh)
} // namespace aio
