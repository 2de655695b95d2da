#include "app/ProcessHardening.h"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace aio::app {

void hardenProcess()
{
#if defined(NDEBUG) && defined(__linux__)
    rlimit limit{};
    limit.rlim_cur = 0;
    limit.rlim_max = 0;
    setrlimit(RLIMIT_CORE, &limit);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

} // namespace aio::app
