#include "core/net/WebSocketFrame.h"

#include <QCoreApplication>
#include <QCryptographicHash>

namespace aio {

Result<std::optional<WebSocketFrame>> WebSocketFrame::parse(const QByteArray& buffer, qsizetype* consumed,
                                                            qint64 maxPayload)
{
    *consumed = 0;
    if (buffer.size() < 2)
        return std::optional<WebSocketFrame>();
    const auto b0 = quint8(buffer[0]);
    const auto b1 = quint8(buffer[1]);
    if (b0 & 0x70)
        return Error(ErrorKind::Protocol, tr("The WebSocket frame sets reserved bits without an agreed extension."));
    WebSocketFrame frame;
    frame.fin = b0 & 0x80;
    frame.opcode = b0 & 0x0f;
    const bool masked = b1 & 0x80;
    qint64 length = b1 & 0x7f;
    qsizetype pos = 2;
    if (length == 126) {
        if (buffer.size() < 4)
            return std::optional<WebSocketFrame>();
        length = (quint8(buffer[2]) << 8) | quint8(buffer[3]);
        pos = 4;
    } else if (length == 127) {
        if (buffer.size() < 10)
            return std::optional<WebSocketFrame>();
        quint64 l = 0;
        for (int i = 2; i < 10; ++i)
            l = (l << 8) | quint8(buffer[i]);
        if (l > quint64(maxPayload))
            return Error(ErrorKind::Protocol, tr("The WebSocket frame is larger than %1 bytes.").arg(maxPayload));
        length = qint64(l);
        pos = 10;
    }
    if (length > maxPayload)
        return Error(ErrorKind::Protocol, tr("The WebSocket frame is larger than %1 bytes.").arg(maxPayload));
    QByteArray mask;
    if (masked) {
        if (buffer.size() < pos + 4)
            return std::optional<WebSocketFrame>();
        mask = buffer.mid(pos, 4);
        pos += 4;
    }
    if (buffer.size() < pos + length)
        return std::optional<WebSocketFrame>();
    frame.payload = buffer.mid(pos, length);
    if (masked) {
        for (qsizetype i = 0; i < frame.payload.size(); ++i)
            frame.payload[i] = char(frame.payload[i] ^ mask[i % 4]);
    }
    *consumed = pos + length;
    return std::optional<WebSocketFrame>(std::move(frame));
}

QByteArray WebSocketFrame::encodeMasked(quint8 opcode, const QByteArray& payload, quint32 maskKey)
{
    QByteArray out;
    out += char(0x80 | (opcode & 0x0f));
    const qsizetype n = payload.size();
    if (n < 126) {
        out += char(0x80 | n);
    } else if (n <= 0xffff) {
        out += char(0x80 | 126);
        out += char((n >> 8) & 0xff);
        out += char(n & 0xff);
    } else {
        out += char(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out += char((quint64(n) >> shift) & 0xff);
    }
    const char mask[4] = {char(maskKey >> 24), char(maskKey >> 16), char(maskKey >> 8), char(maskKey)};
    out.append(mask, 4);
    for (qsizetype i = 0; i < n; ++i)
        out += char(payload[i] ^ mask[i % 4]);
    return out;
}

QByteArray WebSocketFrame::acceptFor(const QByteArray& key)
{
    return QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1).toBase64();
}

} // namespace aio
