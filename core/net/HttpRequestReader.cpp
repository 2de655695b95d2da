#include "core/net/HttpRequestReader.h"

#include <algorithm>

namespace aio {

namespace {

bool isTokenChar(char c)
{
    static constexpr QByteArrayView extra("!#$%&'*+-.^_`|~");
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.contains(c);
}

bool isToken(QByteArrayView v)
{
    return !v.isEmpty() && std::all_of(v.begin(), v.end(), isTokenChar);
}

bool isFieldValueChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

QByteArrayView trimmedOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

} // namespace

QByteArray HttpRequestHead::header(QByteArrayView name) const
{
    for (const auto& [n, v] : headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

bool HttpRequestHead::has(QByteArrayView name) const
{
    return count(name) > 0;
}

int HttpRequestHead::count(QByteArrayView name) const
{
    return int(std::count_if(headers.begin(), headers.end(),
                             [&](const auto& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; }));
}

void HttpRequestHead::remove(QByteArrayView name)
{
    headers.removeIf([&](const auto& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
}

void HttpRequestHead::set(const QByteArray& name, const QByteArray& value)
{
    remove(name);
    headers.append({name, value});
}

bool HttpRequestHead::listsToken(QByteArrayView name, QByteArrayView token) const
{
    for (const auto& [n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray& part : v.split(','))
            if (trimmedOws(part).compare(token, Qt::CaseInsensitive) == 0)
                return true;
    }
    return false;
}

QByteArray HttpRequestHead::serialize() const
{
    QByteArray out;
    out.reserve(256 + headers.size() * 64);
    out += method + ' ' + target + ' ' + version + "\r\n";
    for (const auto& [n, v] : headers)
        out += n + ": " + v + "\r\n";
    out += "\r\n";
    return out;
}

bool HttpRequestReader::isWebSocketUpgrade(const HttpRequestHead& head)
{
    return head.method == "GET" && head.count("Upgrade") == 1
        && trimmedOws(head.header("Upgrade")).compare("websocket", Qt::CaseInsensitive) == 0
        && head.listsToken("Connection", "upgrade") && !head.has("Content-Length") && !head.has("Transfer-Encoding");
}

Status HttpRequestReader::fail(const QString& why)
{
    m_state = State::Failed;
    m_buffer.clear();
    return Error(ErrorKind::Protocol, tr("The browser's request is not HTTP/1.1 the proxy accepts."), why);
}

Result<HttpRequestHead> HttpRequestReader::parseHead(QByteArrayView head)
{
    // head ends with "\r\n\r\n"; every line ends with CRLF.
    HttpRequestHead h;
    qsizetype pos = 0;
    bool first = true;
    while (pos < head.size()) {
        const qsizetype end = head.indexOf("\r\n", pos);
        if (end < 0)
            return Error(ErrorKind::Protocol, tr("A line does not end in CRLF."));
        const QByteArrayView line = head.sliced(pos, end - pos);
        pos = end + 2;
        if (line.contains('\r') || line.contains('\n') || line.contains('\0'))
            return Error(ErrorKind::Protocol, tr("A bare CR, LF or NUL in the head."));
        if (first) {
            first = false;
            const qsizetype sp1 = line.indexOf(' ');
            const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
                return Error(ErrorKind::Protocol, tr("The request line is not METHOD TARGET VERSION."));
            h.method = line.first(sp1).toByteArray();
            h.target = line.sliced(sp1 + 1, sp2 - sp1 - 1).toByteArray();
            h.version = line.sliced(sp2 + 1).toByteArray();
            if (!isToken(h.method))
                return Error(ErrorKind::Protocol, tr("The method is not a token."));
            if (h.target.isEmpty()
                || !std::all_of(h.target.begin(), h.target.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
                return Error(ErrorKind::Protocol, tr("The request target has characters it may not have."));
            // Origin-form only: an absolute URI would let the server route by its host, not by
            // the Host the proxy sets; "*" (OPTIONS) has no use here.
            if (!h.target.startsWith('/'))
                return Error(ErrorKind::Protocol, tr("The request target is not a path."));
            if (h.version != "HTTP/1.1" && h.version != "HTTP/1.0")
                return Error(ErrorKind::Protocol, tr("Only HTTP/1.0 and HTTP/1.1 are spoken here."));
            continue;
        }
        if (line.isEmpty())
            break; // the blank line ending the head
        if (line.front() == ' ' || line.front() == '\t')
            return Error(ErrorKind::Protocol, tr("A folded header line."));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return Error(ErrorKind::Protocol, tr("A header name is not a token."));
        const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
        if (!std::all_of(value.begin(), value.end(), isFieldValueChar))
            return Error(ErrorKind::Protocol, tr("A header value has control characters."));
        if (h.headers.size() >= kMaxFields)
            return Error(ErrorKind::Protocol, tr("More than %1 header fields.").arg(kMaxFields));
        h.headers.append({line.first(colon).toByteArray(), value.toByteArray()});
    }
    if (h.method.isEmpty())
        return Error(ErrorKind::Protocol, tr("An empty request."));
    return h;
}

Status HttpRequestReader::startBody(const HttpRequestHead& head)
{
    m_upgradeAfterBody = isWebSocketUpgrade(head);
    const int lengths = head.count("Content-Length");
    const bool chunked = head.has("Transfer-Encoding");
    if (chunked) {
        if (lengths > 0)
            return fail(tr("Both Transfer-Encoding and Content-Length."));
        if (head.count("Transfer-Encoding") != 1
            || trimmedOws(head.header("Transfer-Encoding")).compare("chunked", Qt::CaseInsensitive) != 0)
            return fail(tr("Transfer-Encoding other than chunked."));
        if (head.version == "HTTP/1.0")
            return fail(tr("Transfer-Encoding in an HTTP/1.0 request."));
        m_state = State::ChunkSize;
        return {};
    }
    if (lengths > 1)
        return fail(tr("More than one Content-Length."));
    if (lengths == 1) {
        const QByteArray v = head.header("Content-Length");
        if (v.isEmpty() || v.size() > 18
            || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return fail(tr("Content-Length is not a number."));
        m_remaining = v.toLongLong();
        if (m_remaining > 0) {
            m_state = State::Length;
            return {};
        }
    }
    endMessage();
    return {};
}

void HttpRequestReader::endMessage()
{
    m_state = m_upgradeAfterBody ? State::Raw : State::Head;
    m_upgradeAfterBody = false;
}

bool HttpRequestReader::takeLine(QByteArrayView& data, QByteArray& line, bool& tooLong)
{
    // Appends to m_buffer up to and including a LF; a complete line is moved to `line`.
    const qsizetype lf = data.indexOf('\n');
    const qsizetype take = lf < 0 ? data.size() : lf + 1;
    m_buffer.append(data.first(take));
    data = data.sliced(take);
    tooLong = m_buffer.size() > kMaxLine;
    if (lf < 0 || tooLong)
        return false;
    line = std::exchange(m_buffer, {});
    return true;
}

Status HttpRequestReader::feed(QByteArrayView data, QList<Piece>& out)
{
    QByteArray body; // passed-on bytes collected until the next head or the end of this feed
    const auto flushBody = [&] {
        if (!body.isEmpty())
            out.append(Piece{Piece::Kind::Body, {}, std::exchange(body, {})});
    };
    while (!data.isEmpty()) {
        switch (m_state) {
        case State::Failed:
            return Error(ErrorKind::Protocol, tr("The browser's request is not HTTP/1.1 the proxy accepts."));
        case State::Raw:
            body.append(data);
            data = {};
            break;
        case State::Head: {
            // Tolerated before a request (RFC 9112 2.2): empty lines left over from the last one,
            // also when a CRLF is split across two reads (a lone CR waits in the buffer).
            while (!data.isEmpty() && (m_buffer.isEmpty() || m_buffer == "\r")) {
                if (m_buffer.isEmpty() && data.front() == '\r') {
                    m_buffer = "\r";
                    data = data.sliced(1);
                } else if (m_buffer == "\r" && data.front() == '\n') {
                    m_buffer.clear();
                    data = data.sliced(1);
                    if (++m_emptyLines > kMaxEmptyLines)
                        return fail(tr("More than %1 empty lines before a request.").arg(kMaxEmptyLines));
                } else {
                    break;
                }
            }
            if (data.isEmpty())
                break;
            const qsizetype before = m_buffer.size();
            const qsizetype room = kMaxHead - before;
            m_buffer.append(data.first(std::min(data.size(), room)));
            const qsizetype end = m_buffer.indexOf("\r\n\r\n", std::max<qsizetype>(0, before - 3));
            // A bare LF is refused at once (not after waiting for a CRLFCRLF that never comes).
            const qsizetype scanEnd = end < 0 ? m_buffer.size() : end + 4;
            for (qsizetype i = m_buffer.indexOf('\n', before); i >= 0 && i < scanEnd;
                 i = m_buffer.indexOf('\n', i + 1)) {
                if (i == 0 || m_buffer.at(i - 1) != '\r') {
                    body.clear(); // what came with the refused bytes is not passed on
                    return fail(tr("A line ends in a bare LF."));
                }
            }
            if (end < 0) {
                if (m_buffer.size() >= kMaxHead) {
                    body.clear(); // what came with the refused bytes is not passed on
                    return fail(tr("A request head of more than %1 bytes.").arg(kMaxHead));
                }
                data = {};
                break;
            }
            const qsizetype headSize = end + 4;
            data = data.sliced(headSize - before);
            m_emptyLines = 0;
            Result<HttpRequestHead> head = parseHead(QByteArrayView(m_buffer).first(headSize));
            m_buffer.clear();
            flushBody();
            if (!head)
                return fail(head.error().message);
            if (Status s = startBody(*head); !s)
                return s;
            out.append(Piece{Piece::Kind::Head, std::move(*head), {}});
            break;
        }
        case State::Length: {
            const qsizetype n = qsizetype(std::min<qint64>(m_remaining, data.size()));
            body.append(data.first(n));
            data = data.sliced(n);
            m_remaining -= n;
            if (m_remaining == 0)
                endMessage();
            break;
        }
        case State::ChunkSize: {
            QByteArray line;
            bool tooLong = false;
            if (!takeLine(data, line, tooLong)) {
                if (tooLong) {
                    body.clear(); // what came with the refused bytes is not passed on
                    return fail(tr("A chunk-size line of more than %1 bytes.").arg(kMaxLine));
                }
                break;
            }
            body.append(line);
            if (!line.endsWith("\r\n")) {
                body.clear(); // what came with the refused bytes is not passed on
                return fail(tr("A chunk-size line does not end in CRLF."));
            }
            QByteArrayView size(line);
            size.chop(2);
            if (const qsizetype semi = size.indexOf(';'); semi >= 0) {
                const QByteArrayView ext = size.sliced(semi);
                if (!std::all_of(ext.begin(), ext.end(), isFieldValueChar)) {
                    body.clear(); // what came with the refused bytes is not passed on
                    return fail(tr("A chunk extension has control characters."));
                }
                size = size.first(semi);
            }
            while (!size.isEmpty() && (size.back() == ' ' || size.back() == '\t'))
                size.chop(1); // BWS before a chunk extension
            if (size.isEmpty() || size.size() > 15 || !std::all_of(size.begin(), size.end(), [](char c) {
                    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                })) {
                body.clear(); // what came with the refused bytes is not passed on
                return fail(tr("A chunk size is not a hexadecimal number."));
            }
            m_remaining = size.toByteArray().toLongLong(nullptr, 16);
            m_state = m_remaining == 0 ? State::Trailers : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qsizetype n = qsizetype(std::min<qint64>(m_remaining, data.size()));
            body.append(data.first(n));
            data = data.sliced(n);
            m_remaining -= n;
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
                m_remaining = 2;
            }
            break;
        }
        case State::ChunkDataEnd: {
            // The CRLF after a chunk's data, possibly split across feeds.
            const char expected = m_remaining == 2 ? '\r' : '\n';
            if (data.front() != expected) {
                body.clear(); // what came with the refused bytes is not passed on
                return fail(tr("A chunk's data is not followed by CRLF."));
            }
            body.append(data.first(1));
            data = data.sliced(1);
            if (--m_remaining == 0)
                m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            QByteArray line;
            bool tooLong = false;
            if (!takeLine(data, line, tooLong)) {
                if (tooLong) {
                    body.clear(); // what came with the refused bytes is not passed on
                    return fail(tr("A trailer line of more than %1 bytes.").arg(kMaxLine));
                }
                break;
            }
            body.append(line);
            if (!line.endsWith("\r\n") || line.chopped(2).contains('\r')) {
                body.clear(); // what came with the refused bytes is not passed on
                return fail(tr("A trailer line does not end in CRLF."));
            }
            if (line == "\r\n")
                endMessage();
            else if (line.front() == ' ' || line.front() == '\t' || line.indexOf(':') <= 0)
                return fail(tr("A trailer line is not a header field."));
            break;
        }
        }
    }
    flushBody();
    return {};
}

} // namespace aio
