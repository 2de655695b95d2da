#include "core/deploy/DeployLogging.h"

namespace aio {
Q_LOGGING_CATEGORY(lcDeploy, "aio.deploy")
} // namespace aio
