// ~/.ssh/config as users and tools write it: every input imports what it can and lists the rest
// as skipped; every imported target is valid. Relative Include lines look in a folder that does
// not exist, so the run reads nothing of this machine's own configuration.

#include "core/inventory/SshConfigImporter.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const aio::ImportResult result
        = aio::SshConfigImporter::parse(input, QStringLiteral("fuzz_config"), QStringLiteral("/nonexistent-aio-fuzz"));
    for (const aio::Target& t : result.targets) {
        if (!t.validate())
            abort();
    }
    return 0;
}
