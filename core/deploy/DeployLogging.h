#pragma once

#include <QLoggingCategory>

// The deploy module's logging category ("aio.deploy"). Never format a secret into it; command
// lines go through the run's SecretRedactor first.
namespace aio {
Q_DECLARE_LOGGING_CATEGORY(lcDeploy)
} // namespace aio
