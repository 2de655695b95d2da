#pragma once

#include <QLoggingCategory>

namespace aio {
Q_DECLARE_LOGGING_CATEGORY(lcNet)
} // namespace aio
