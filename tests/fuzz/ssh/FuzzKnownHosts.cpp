// The known_hosts parser takes files users and tools wrote: it must never crash, hang or accept
// a line whose key does not decode to its stated type.

#include "core/common/HostPattern.h"
#include "core/ssh/KnownHosts.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const QList<aio::KnownHostsEntry> entries = aio::KnownHosts::parse(input, QStringLiteral("fuzz"));
    for (const auto& e : entries) {
        if (e.key.isEmpty() || e.key.type.isEmpty())
            abort();
        auto again = aio::HostKey::fromBase64(e.key.type.toLatin1(), e.key.base64());
        if (!again || !(*again == e.key))
            abort();
        (void)e.matches(QStringLiteral("198.18.0.2"), 22);
        (void)e.matches(QStringLiteral("vm.example.com"), 2222);
        (void)e.key.sha256Fingerprint();
    }
    // The glob matcher on arbitrary pattern/text pairs (split at the first newline).
    const qsizetype nl = input.indexOf('\n');
    if (nl >= 0) {
        const QByteArray pattern = input.left(nl);
        const QByteArray text = input.mid(nl + 1);
        const bool m = aio::HostPattern::matches(pattern, text);
        if (!pattern.contains('*') && !pattern.contains('?') && m != (pattern.toLower() == text.toLower()))
            abort();
        if (pattern == "*" && !m)
            abort();
    }
    return 0;
}
