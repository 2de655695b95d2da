// An HTTP response from any server, fed in the pieces the network happens to deliver: the reader
// must end in an error or an answer, keep at most its body limit, and never crash or loop.
// The first input byte chooses the piece size and the mode, the rest is the response.

#include "core/net/HttpResponseReader.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const int piece = 1 + (data[0] & 0x3f);
    const bool headersOnly = data[0] & 0x40;
    const qsizetype maxBody = (data[0] & 0x80) ? 16 : 4096;
    const QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    aio::HttpResponseReader reader(maxBody, headersOnly);
    bool failed = false;
    for (qsizetype pos = 0; pos < input.size() && !failed && !reader.isComplete(); pos += piece)
        failed = !reader.feed(input.mid(pos, piece));
    if (!failed && !reader.isComplete())
        (void)reader.finish();
    if (reader.body().size() > maxBody)
        abort();
    if (reader.headersComplete() && (reader.statusCode() < 100 || reader.statusCode() > 999))
        abort();
    return 0;
}
