#include "core/ssh/SshLogging.h"

namespace aio {
Q_LOGGING_CATEGORY(lcSsh, "aio.ssh")
} // namespace aio
