// What the connection check reads back from a host (its probe script's key=value lines) is
// written by that host: any bytes must give a report, never a crash or a hang.

#include "core/ssh/ConnectionCheck.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const aio::ConnectionReport report = aio::ConnectionCheck::parse(input);
    if (report.lines().isEmpty())
        abort(); // the report always says something, even about an empty answer
    (void)report.sudoText();
    return 0;
}
