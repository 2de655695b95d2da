// WebSocket frames from any server (the sandbox's VNC endpoint, or whatever answers there): each
// parse either needs more bytes, fails, or consumes a frame that fits in the buffer.

#include "core/net/WebSocketFrame.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray buffer(reinterpret_cast<const char*>(data), qsizetype(size));
    for (int frames = 0; frames < 10'000 && !buffer.isEmpty(); ++frames) {
        qsizetype consumed = 0;
        auto frame = aio::WebSocketFrame::parse(buffer, &consumed);
        if (!frame || !frame->has_value())
            break;
        if (consumed <= 0 || consumed > buffer.size() || (*frame)->payload.size() > consumed)
            abort();
        buffer.remove(0, consumed);
    }
    return 0;
}
