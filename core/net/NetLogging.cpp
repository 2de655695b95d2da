#include "core/net/NetLogging.h"

namespace aio {
Q_LOGGING_CATEGORY(lcNet, "aio.net")
} // namespace aio
