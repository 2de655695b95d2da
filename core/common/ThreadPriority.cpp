#include "core/common/ThreadPriority.h"

#include <sys/resource.h>
#include <unistd.h>

namespace aio {

void lowerThisThreadsPriority()
{
#ifdef __linux__
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kBackgroundNice);
#endif
}

} // namespace aio
