#include "core/net/WebSocketProbe.h"

#include "core/net/HttpsProbe.h"
#include "core/net/ProbeConnection.h"
#include "core/net/WebSocketFrame.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QtConcurrent/QtConcurrentRun>

namespace aio {

QString WebSocketProbeResult::evidence() const
{
    QStringList parts;
    if (!requestSent)
        parts << WebSocketProbe::tr("handshake not sent");
    else if (upgraded())
        parts << WebSocketProbe::tr("HTTP 101, upgraded; first bytes: %1")
                     .arg(QString::fromLatin1(firstBytes.toPercentEncoding(" .")));
    else if (status == 101)
        parts << WebSocketProbe::tr("HTTP 101 but Sec-WebSocket-Accept is wrong");
    else
        parts << WebSocketProbe::tr("upgrade refused: HTTP %1").arg(status);
    if (tls.encrypted || !tls.chain.isEmpty())
        parts << tls.toString();
    return parts.join(QStringLiteral("; "));
}

Result<WebSocketProbeResult> WebSocketProbe::run(const WebSocketProbeRequest& request, const CancelToken& cancel)
{
    QByteArray keyBytes(16, Qt::Uninitialized);
    for (char& c : keyBytes)
        c = char(QRandomGenerator::system()->bounded(256));
    const QByteArray key = keyBytes.toBase64();

    HttpProbeRequest http;
    http.endpoint = request.endpoint;
    http.path = request.path;
    http.headers = request.headers;
    http.headers.emplaceBack("Upgrade", "websocket");
    http.headers.emplaceBack("Sec-WebSocket-Version", "13");
    http.headers.emplaceBack("Sec-WebSocket-Key", key);
    if (!request.protocols.isEmpty())
        http.headers.emplaceBack("Sec-WebSocket-Protocol", request.protocols.join(", "));
    const QByteArray origin = request.origin.isEmpty()
        ? (request.endpoint.tls ? QByteArray("https://") : QByteArray("http://")) + request.endpoint.hostHeader()
        : request.origin;
    http.headers.emplaceBack("Origin", origin);
    if (const Status valid = HttpsProbe::validate(http); !valid)
        return valid.error();
    QByteArray wire = HttpsProbe::serialize(http);
    // serialize() ends with "Connection: close"; an upgrade needs "Connection: Upgrade".
    wire.replace("Connection: close\r\n", "Connection: Upgrade\r\n");

    ProbeConnection connection(request.endpoint, cancel);
    WebSocketProbeResult result;
    const Result<bool> sent = connection.openAndSend(wire, request.sendWhenUnverified);
    result.tls = connection.tls();
    if (!sent)
        return sent.error();
    if (!*sent)
        return result;
    result.requestSent = true;

    // A 101 answer ends at its headers (what follows are frames); a refusal's body is read as
    // far as its own length says, so a kept-alive refusal does not wait for the server to close.
    constexpr qsizetype kEvidenceBytes = 2048;
    HttpResponseReader reader(kEvidenceBytes);
    for (int reads = 0; !reader.headersComplete(); ++reads) {
        if (reads > 10'000)
            return Error(ErrorKind::Protocol,
                         tr("%1: the handshake answer never ended.").arg(request.endpoint.describe()));
        Result<QByteArray> chunk = connection.readSome();
        if (!chunk)
            return chunk.error();
        if (chunk->isEmpty()) {
            if (const Status s = reader.finish(); !s)
                return s.error();
            break;
        }
        if (const Status s = reader.feed(*chunk); !s)
            return s.error();
    }
    result.status = reader.statusCode();
    result.headers = reader.headers();
    result.protocol = reader.header("Sec-WebSocket-Protocol");
    result.acceptValid = reader.header("Sec-WebSocket-Accept") == WebSocketFrame::acceptFor(key);
    if (result.status != 101) {
        // The start of the refusal page, for evidence (bounded by size and reads).
        for (int reads = 0; !reader.isComplete() && reads < 50; ++reads) {
            Result<QByteArray> chunk = connection.readSome();
            if (!chunk || chunk->isEmpty()) {
                (void)reader.finish();
                break;
            }
            if (!reader.feed(*chunk))
                break;
        }
        result.bodyPrefix = reader.body().left(kEvidenceBytes);
        return result;
    }
    QByteArray buffer = reader.rest();
    if (!result.acceptValid)
        return result;

    for (int reads = 0; result.firstBytes.size() < request.firstBytes; ++reads) {
        qsizetype consumed = 0;
        Result<std::optional<WebSocketFrame>> frame = WebSocketFrame::parse(buffer, &consumed);
        if (!frame)
            return frame.error();
        if (frame->has_value()) {
            buffer.remove(0, consumed);
            const WebSocketFrame& f = **frame;
            if (f.opcode == WebSocketFrame::Close)
                break;
            if (f.opcode == WebSocketFrame::Text || f.opcode == WebSocketFrame::Binary
                || f.opcode == WebSocketFrame::Continuation)
                result.firstBytes += f.payload;
            continue;
        }
        if (reads > 10'000)
            break;
        Result<QByteArray> chunk = connection.readSome();
        if (!chunk)
            return chunk.error();
        if (chunk->isEmpty())
            break;
        buffer += *chunk;
    }
    // Say goodbye properly so the server does not log an abnormal closure.
    const QByteArray closePayload("\x03\xe8", 2); // 1000 normal closure
    (void)connection.writeAll(
        WebSocketFrame::encodeMasked(WebSocketFrame::Close, closePayload, QRandomGenerator::system()->generate()));
    return result;
}

} // namespace aio
