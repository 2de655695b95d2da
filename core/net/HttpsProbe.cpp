#include "core/net/HttpsProbe.h"

#include "core/net/ProbeConnection.h"

#include <QCoreApplication>
#include <QtConcurrent/QtConcurrentRun>

namespace aio {

namespace {

bool hasLineBreak(const QByteArray& text)
{
    return text.contains('\r') || text.contains('\n');
}
} // namespace

QByteArray HttpProbeResult::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QString HttpProbeResult::evidence() const
{
    QStringList parts;
    if (requestSent)
        parts << QStringLiteral("HTTP %1 %2").arg(status).arg(QString::fromLatin1(reason));
    else
        parts << HttpsProbe::tr("request not sent");
    if (tls.encrypted || !tls.chain.isEmpty())
        parts << tls.toString();
    return parts.join(QStringLiteral("; "));
}

QByteArray HttpsProbe::serialize(const HttpProbeRequest& request)
{
    QByteArray wire = request.method + ' ' + request.path + " HTTP/1.1\r\n";
    wire += "Host: "
        + (request.hostHeaderOverride.isEmpty() ? request.endpoint.hostHeader() : request.hostHeaderOverride) + "\r\n";
    bool hasUserAgent = false;
    for (const auto& [name, value] : request.headers) {
        wire += name + ": " + value + "\r\n";
        hasUserAgent = hasUserAgent || name.compare("User-Agent", Qt::CaseInsensitive) == 0;
    }
    if (!hasUserAgent)
        wire += "User-Agent: aio-sandbox-manager/" AIO_VERSION "\r\n";
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT")
        wire += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    wire += "Connection: close\r\n\r\n";
    wire += request.body;
    return wire;
}

Status HttpsProbe::validate(const HttpProbeRequest& request)
{
    if (!request.path.startsWith('/') || request.path.contains(' ') || hasLineBreak(request.path)
        || request.method.isEmpty() || request.method.contains(' ') || hasLineBreak(request.method))
        return Error(ErrorKind::InvalidInput, tr("The probe's request line is malformed."),
                     QString::fromLatin1(request.method + ' ' + request.path));
    if (request.hostHeaderOverride.contains(' ') || hasLineBreak(request.hostHeaderOverride))
        return Error(ErrorKind::InvalidInput, tr("The probe's Host header is malformed."));
    for (const auto& [name, value] : request.headers) {
        if (name.isEmpty() || name.contains(':') || hasLineBreak(name) || hasLineBreak(value))
            return Error(ErrorKind::InvalidInput, tr("A probe header contains a line break or a colon in its name."));
    }
    return {};
}

Result<HttpProbeResult> HttpsProbe::run(const HttpProbeRequest& request, const CancelToken& cancel)
{
    if (const Status valid = validate(request); !valid)
        return valid.error();

    ProbeConnection connection(request.endpoint, cancel);
    HttpProbeResult result;
    const Result<bool> sent = connection.openAndSend(serialize(request), request.sendWhenUnverified);
    result.tls = connection.tls();
    if (!sent)
        return sent.error();
    if (!*sent)
        return result;
    result.requestSent = true;

    HttpResponseReader reader(request.maxBodyBytes, request.method == "HEAD");
    // Bounded: each read waits at most the endpoint timeout, and the reader stops at maxBodyBytes.
    for (int reads = 0; !reader.isComplete(); ++reads) {
        if (reads > 100'000)
            return Error(ErrorKind::Protocol, tr("%1: the answer never ended.").arg(request.endpoint.describe()));
        Result<QByteArray> chunk = connection.readSome();
        if (!chunk)
            return chunk.error();
        if (chunk->isEmpty()) {
            if (const Status s = reader.finish(); !s)
                return s.error().onTarget(request.endpoint.describe());
            break;
        }
        if (const Status s = reader.feed(*chunk); !s)
            return s.error();
    }
    result.status = reader.statusCode();
    result.reason = reader.reason();
    result.headers = reader.headers();
    result.bodyPrefix = reader.body();
    result.bodyTruncated = reader.bodyTruncated();
    return result;
}

} // namespace aio
