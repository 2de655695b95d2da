#include "core/net/HttpResponseReader.h"

#include <QCoreApplication>

namespace aio {

namespace {
constexpr qsizetype kMaxLine = 16 * 1024;
constexpr int kMaxHeaders = 200;

Error protocolError(const QString& what, const QByteArray& sample = {})
{
    return Error(ErrorKind::Protocol, HttpResponseReader::tr("The server's answer is not valid HTTP: %1.").arg(what),
                 QString::fromLatin1(sample.left(200).toPercentEncoding(" /:;,.=-_\"'()<>[]{}@!?*+")));
}
} // namespace

HttpResponseReader::HttpResponseReader(qsizetype maxBodyBytes, bool headersOnly)
    : m_maxBody(maxBodyBytes)
    , m_headersOnly(headersOnly)
{ }

QByteArray HttpResponseReader::header(const QByteArray& name) const
{
    for (const auto& [key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpResponseReader::takeLine(QByteArray* line)
{
    const qsizetype end = m_buffer.indexOf('\n');
    if (end < 0)
        return false;
    *line = m_buffer.left(end);
    if (line->endsWith('\r'))
        line->chop(1);
    m_buffer.remove(0, end + 1);
    return true;
}

Status HttpResponseReader::parseStatusLine(const QByteArray& line)
{
    // HTTP/1.1 200 OK
    if (!line.startsWith("HTTP/1."))
        return protocolError(tr("it does not start with a status line"), line);
    const QList<QByteArray> parts = line.split(' ');
    bool ok = false;
    const int code = parts.size() >= 2 ? parts[1].toInt(&ok) : 0;
    if (!ok || code < 100 || code > 999)
        return protocolError(tr("the status code is malformed"), line);
    m_status = code;
    const qsizetype reasonStart = line.indexOf(' ', line.indexOf(' ') + 1);
    m_reason = reasonStart > 0 ? line.mid(reasonStart + 1) : QByteArray();
    m_state = State::Headers;
    return {};
}

Status HttpResponseReader::parseHeaderLine(const QByteArray& line)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return protocolError(tr("a header line has no name"), line);
    if (m_headers.size() >= kMaxHeaders)
        return protocolError(tr("there are too many headers"));
    m_headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    return {};
}

Status HttpResponseReader::startBody()
{
    if (m_headersOnly || m_status == 204 || m_status == 304 || (m_status >= 100 && m_status < 200)) {
        m_state = State::Done;
        return {};
    }
    if (header("Transfer-Encoding").toLower().contains("chunked")) {
        m_state = State::ChunkSize;
        return {};
    }
    const QByteArray length = header("Content-Length");
    if (!length.isEmpty()) {
        bool ok = false;
        m_remaining = length.toLongLong(&ok);
        if (!ok || m_remaining < 0)
            return protocolError(tr("Content-Length is malformed"), length);
        m_state = m_remaining == 0 ? State::Done : State::Body;
        return {};
    }
    m_remaining = -1;
    m_state = State::Body;
    return {};
}

void HttpResponseReader::appendBody(const QByteArray& data)
{
    const qsizetype room = m_maxBody - m_body.size();
    if (data.size() > room) {
        m_body += data.left(std::max<qsizetype>(0, room));
        m_truncated = true;
    } else {
        m_body += data;
    }
}

Status HttpResponseReader::feed(const QByteArray& data)
{
    if (m_state == State::Done) {
        if (m_headersOnly)
            m_buffer += data;
        return {};
    }
    m_buffer += data;
    while (m_state != State::Done) {
        QByteArray line;
        switch (m_state) {
        case State::StatusLine:
        case State::Headers:
        case State::ChunkSize:
        case State::ChunkEnd:
        case State::Trailers:
            if (!takeLine(&line)) {
                if (m_buffer.size() > kMaxLine)
                    return protocolError(tr("a line is longer than %1 bytes").arg(kMaxLine));
                return {};
            }
            break;
        default:
            break;
        }
        switch (m_state) {
        case State::StatusLine:
            if (const Status s = parseStatusLine(line); !s)
                return s;
            break;
        case State::Headers:
            if (line.isEmpty()) {
                if (const Status s = startBody(); !s)
                    return s;
            } else if (const Status s = parseHeaderLine(line); !s) {
                return s;
            }
            break;
        case State::Body:
            if (m_buffer.isEmpty())
                return {};
            if (m_remaining < 0) {
                appendBody(m_buffer);
                m_buffer.clear();
            } else {
                const qsizetype take = std::min<qint64>(m_remaining, m_buffer.size());
                appendBody(m_buffer.left(take));
                m_buffer.remove(0, take);
                m_remaining -= take;
                if (m_remaining == 0)
                    m_state = State::Done;
            }
            if (m_truncated)
                m_state = State::Done;
            break;
        case State::ChunkSize: {
            const QByteArray sizeText = line.split(';').value(0).trimmed();
            bool ok = false;
            m_remaining = sizeText.toLongLong(&ok, 16);
            if (!ok || m_remaining < 0)
                return protocolError(tr("a chunk size is malformed"), line);
            m_state = m_remaining == 0 ? State::Trailers : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            if (m_buffer.isEmpty())
                return {};
            const qsizetype take = std::min<qint64>(m_remaining, m_buffer.size());
            appendBody(m_buffer.left(take));
            m_buffer.remove(0, take);
            m_remaining -= take;
            if (m_truncated)
                m_state = State::Done;
            else if (m_remaining == 0)
                m_state = State::ChunkEnd;
            break;
        }
        case State::ChunkEnd:
            if (!line.isEmpty())
                return protocolError(tr("a chunk does not end with a line break"), line);
            m_state = State::ChunkSize;
            break;
        case State::Trailers:
            if (line.isEmpty())
                m_state = State::Done;
            break;
        case State::Done:
            break;
        }
    }
    return {};
}

Status HttpResponseReader::finish()
{
    if (m_state == State::Done)
        return {};
    if (m_state == State::Body && m_remaining < 0) {
        m_state = State::Done;
        return {};
    }
    if (m_state <= State::Headers)
        return protocolError(m_status == 0 && m_buffer.isEmpty() ? tr("the connection closed without an answer")
                                                                 : tr("the connection closed inside the headers"),
                             m_buffer);
    return protocolError(tr("the connection closed before the body was complete"));
}

} // namespace aio
