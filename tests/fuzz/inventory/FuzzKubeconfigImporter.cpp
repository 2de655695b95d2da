// A kubeconfig from anywhere (YAML, possibly hostile): an error or an import, never a crash; every
// imported target is valid.

#include "core/inventory/KubeconfigImporter.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto result = aio::KubeconfigImporter::parse(input, QStringLiteral("/nonexistent-aio-fuzz/config"));
    if (result) {
        for (const aio::Target& t : result->targets) {
            if (!t.validate())
                abort();
        }
    }
    return 0;
}
