#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QPair>

namespace aio {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// An HTTP/1.1 response read incrementally from a probe connection: status line, headers and
// the start of the body (Content-Length, chunked or until close), keeping at most
// `maxBodyBytes` of the body. Pure logic, fed by HttpsProbe and WebSocketProbe.
class HttpResponseReader
{
    Q_DECLARE_TR_FUNCTIONS(aio::HttpResponseReader)

public:
    explicit HttpResponseReader(qsizetype maxBodyBytes = 64 * 1024, bool headersOnly = false);

    // Feeds received bytes. An error means the peer's answer is not HTTP we understand.
    Status feed(const QByteArray& data);
    // The peer closed the connection: a body delimited by close is complete now.
    Status finish();

    bool headersComplete() const { return m_state > State::Headers; }
    // Done when the whole response (or maxBodyBytes of its body) has arrived.
    bool isComplete() const { return m_state == State::Done; }

    int statusCode() const { return m_status; }
    const QByteArray& reason() const { return m_reason; }
    const HttpHeaders& headers() const { return m_headers; }
    // The first value of a header, case-insensitive name; empty when absent.
    QByteArray header(const QByteArray& name) const;
    const QByteArray& body() const { return m_body; }
    bool bodyTruncated() const { return m_truncated; }
    // Bytes received after the headers when headersOnly is set (e.g. the first WebSocket frames).
    const QByteArray& rest() const { return m_buffer; }

private:
    enum class State { StatusLine, Headers, Body, ChunkSize, ChunkData, ChunkEnd, Trailers, Done };
    Status parseStatusLine(const QByteArray& line);
    Status parseHeaderLine(const QByteArray& line);
    Status startBody();
    void appendBody(const QByteArray& data);
    bool takeLine(QByteArray* line);

    qsizetype m_maxBody;
    bool m_headersOnly;
    State m_state = State::StatusLine;
    QByteArray m_buffer;
    int m_status = 0;
    QByteArray m_reason;
    HttpHeaders m_headers;
    QByteArray m_body;
    bool m_truncated = false;
    qint64 m_remaining = -1; // of Content-Length or the current chunk; -1: until close
};

} // namespace aio
