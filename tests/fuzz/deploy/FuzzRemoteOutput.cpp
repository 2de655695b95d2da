// What a host prints for the deployment's probes: `ufw status verbose`, `ufw show added`, `ss -ltnp`,
// and the preflight script's two outputs. Hosts differ (versions, languages, broken tools); any bytes
// must give a result, never a crash. The first byte splits the input between the two preflight
// outputs.

#include "core/deploy/vm/Listeners.h"
#include "core/deploy/vm/PreflightFacts.h"
#include "core/deploy/vm/UfwRules.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    (void)aio::UfwRules::parseStatus(input);
    (void)aio::UfwRules::parseAdded(input);
    (void)aio::Listeners::cutOff(aio::Listeners::parse(input), {22, 80, 443});
    if (size > 0) {
        const qsizetype cut = qsizetype(data[0]) * input.size() / 256;
        const QByteArray user = input.mid(1, std::max<qsizetype>(0, cut - 1));
        const QByteArray root = input.mid(std::max<qsizetype>(1, cut));
        (void)aio::PreflightFacts::parse(user, root);
    }
    return 0;
}
