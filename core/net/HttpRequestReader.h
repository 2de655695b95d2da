#pragma once

#include "core/common/Result.h"
#include "core/net/HttpResponseReader.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>

namespace aio {

// One HTTP/1.x request head: request line and header fields, as a client sent them.
struct HttpRequestHead
{
    QByteArray method;
    QByteArray target; // origin-form ("/path?query") as sent
    QByteArray version; // "HTTP/1.1" or "HTTP/1.0"
    HttpHeaders headers;

    // The first value of a header (case-insensitive name), empty when absent.
    QByteArray header(QByteArrayView name) const;
    bool has(QByteArrayView name) const;
    int count(QByteArrayView name) const;
    void remove(QByteArrayView name);
    // Replaces every field of that name with one (added at the end).
    void set(const QByteArray& name, const QByteArray& value);
    // True when a comma-separated header (Connection) lists `token` (case-insensitive).
    bool listsToken(QByteArrayView name, QByteArrayView token) const;
    // The request line and fields with CRLFs and the blank line.
    QByteArray serialize() const;
};

// Reads a stream of HTTP/1.x requests as a client sends them on one connection (keep-alive,
// Content-Length and chunked bodies), for a proxy that rewrites each request head and passes
// bodies on unchanged. Strict where leniency lets two parsers disagree about where a request
// ends (request smuggling): CRLF line ends, no whitespace before a field's colon, no folded
// lines, Transfer-Encoding only "chunked" and never with Content-Length, one Content-Length
// value. Bounded: a head of at most kMaxHead bytes and kMaxFields fields, chunk-size and trailer
// lines of at most kMaxLine bytes. Pure logic; fed by the tunnels' authenticating proxy, fuzzed.
class HttpRequestReader
{
    Q_DECLARE_TR_FUNCTIONS(aio::HttpRequestReader)

public:
    static constexpr qsizetype kMaxHead = 64 * 1024;
    static constexpr int kMaxFields = 200;
    static constexpr qsizetype kMaxLine = 4096;
    static constexpr int kMaxEmptyLines = 16; // CRLFs tolerated before a request

    struct Piece
    {
        enum class Kind { Head, Body };
        Kind kind = Kind::Body;
        HttpRequestHead head; // Kind::Head
        QByteArray bytes; // Kind::Body: body bytes as sent (chunk framing included)
    };

    // Appends what `data` completes. An error means the client does not speak HTTP/1.x the way we
    // accept it; the connection should then get a 400 and be closed (the reader stays failed).
    Status feed(QByteArrayView data, QList<Piece>& out);

    // True once a WebSocket upgrade request (GET, Upgrade: websocket, Connection: upgrade, no
    // body) was read: everything after it is passed on as Body pieces, unread. Other protocol
    // switches (h2c …) are not followed: the proxy removes their Upgrade fields.
    bool raw() const { return m_state == State::Raw; }
    static bool isWebSocketUpgrade(const HttpRequestHead& head);
    // Bytes held back waiting for the rest of a head or a chunk-size line.
    qsizetype pending() const { return m_buffer.size(); }

private:
    enum class State { Head, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Raw, Failed };
    Status fail(const QString& why);
    Result<HttpRequestHead> parseHead(QByteArrayView head);
    Status startBody(const HttpRequestHead& head);
    void endMessage();
    bool takeLine(QByteArrayView& data, QByteArray& line, bool& tooLong);

    State m_state = State::Head;
    QByteArray m_buffer; // a head or a line in progress
    qint64 m_remaining = 0; // of Content-Length or the current chunk
    bool m_upgradeAfterBody = false;
    int m_emptyLines = 0;
};

} // namespace aio
