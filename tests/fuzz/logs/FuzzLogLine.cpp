// Log lines from any VM (nginx access and error logs, docker's timestamps, the services' own
// lines): every parser reads only the line it is given, fields are views inside it, and the
// buffer gives back exactly the lines of the stream, however it is cut.

#include "core/logs/LogBuffer.h"
#include "core/logs/LogLine.h"

#include <cstdint>
#include <cstdlib>

namespace {

bool inside(QByteArrayView field, QByteArrayView line)
{
    return field.isNull() || field.isEmpty()
        || (field.data() >= line.data() && field.data() + field.size() <= line.data() + line.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    // Ingest reads an access line only up to its status: it must agree with the whole parse.
    const std::optional<aio::AccessLogLine> whole = aio::parseAccessLine(input);
    const aio::LineFacts accessFacts = aio::lineFacts(aio::LogFormat::NginxAccess, input);
    if (whole ? (accessFacts.status != whole->status || accessFacts.timeMs != whole->timeMs)
              : (accessFacts.status != 0 || accessFacts.timeMs != 0))
        abort();
    if (const std::optional<aio::AccessLogLine>& a = whole) {
        for (QByteArrayView f : {a->client, a->user, a->method, a->path, a->protocol, a->referer, a->userAgent})
            if (!inside(f, input))
                abort();
        if (a->status < 100 || a->status > 999 || a->bytes < 0)
            abort();
        if (a->upstreamSeconds && *a->upstreamSeconds < 0)
            abort();
    }
    if (const std::optional<aio::DockerLine> d = aio::splitDockerTimestamp(input))
        if (!inside(d->message, input))
            abort();
    for (aio::LogFormat f : {aio::LogFormat::Plain, aio::LogFormat::DockerTimestamped, aio::LogFormat::NginxAccess,
                             aio::LogFormat::NginxError, aio::LogFormat::Application}) {
        const aio::LineFacts facts = aio::lineFacts(f, input);
        if (int(facts.level) > int(aio::LogLevel::Critical))
            abort();
    }
    // The buffer, fed the input in pieces of every size from 1 to 16, holds its lines exactly.
    const qsizetype step = qsizetype(size % 16) + 1;
    aio::LogBuffer buffer;
    for (qsizetype at = 0; at < input.size(); at += step)
        buffer.appendBytes(input.sliced(at, std::min(step, input.size() - at)), 1);
    buffer.flushPartial(1);
    const aio::LogSnapshot s = buffer.snapshot();
    QByteArray joined;
    for (qint64 i = s.firstLine(); i < s.endLine(); ++i)
        joined += s.line(i).toByteArray() + '\n';
    QByteArray expected = input.toByteArray();
    expected.replace("\r\n", "\n");
    if (!expected.isEmpty() && !expected.endsWith('\n'))
        expected += '\n';
    // A lone '\r' before a '\n' is the only byte the buffer removes (CRLF): compare after that.
    if (joined != expected)
        abort();
    return 0;
}
