#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <optional>

namespace aio {

// One RFC 6455 frame. parse() reads a frame from the front of a buffer (server frames are
// unmasked; masked ones are unmasked too); encode() builds a masked client frame.
struct WebSocketFrame
{
    Q_DECLARE_TR_FUNCTIONS(aio::WebSocketFrame)

public:
    enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

    bool fin = true;
    quint8 opcode = Binary;
    QByteArray payload;

    // nullopt: more bytes are needed. On success, *consumed is the frame's size on the wire.
    static Result<std::optional<WebSocketFrame>> parse(const QByteArray& buffer, qsizetype* consumed,
                                                       qint64 maxPayload = 1 << 20);
    static QByteArray encodeMasked(quint8 opcode, const QByteArray& payload, quint32 maskKey);
    // The Sec-WebSocket-Accept value a server must answer for a Sec-WebSocket-Key.
    static QByteArray acceptFor(const QByteArray& key);
};

} // namespace aio
