#pragma once

#include <QLoggingCategory>

namespace aio {
Q_DECLARE_LOGGING_CATEGORY(lcDeploy)
} // namespace aio
