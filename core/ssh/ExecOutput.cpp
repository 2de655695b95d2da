#include "core/ssh/ExecOutput.h"

#include <cstring>

namespace aio {

ExecOutput::ExecOutput(Options options)
    : m_options(std::move(options))
{ }

void ExecOutput::emitLines(int stream, const char* data, qsizetype len)
{
    if (m_options.keepOutput) {
        (stream == 0 ? m_out : m_err).append(data, len);
    } else if (stream == 1) {
        m_err.append(data, len);
        if (m_err.size() > kKeptStderrTail)
            m_err.remove(0, m_err.size() - kKeptStderrTail);
    }
    if (!m_options.sink)
        return;
    QByteArray& part = m_partial[stream];
    if (stream == 0 && m_options.stdoutInChunks) {
        // Up to the last line end, in one piece; the rest waits for its '\n'.
        const void* last = len > 0 ? memrchr(data, '\n', size_t(len)) : nullptr;
        if (!last) {
            part.append(data, len);
            return;
        }
        const qsizetype upTo = static_cast<const char*>(last) - data + 1;
        if (part.isEmpty()) {
            m_options.sink(OutputChannel::Stdout, QByteArray(data, upTo));
        } else {
            part.append(data, upTo);
            m_options.sink(OutputChannel::Stdout, std::exchange(part, {}));
        }
        part.append(data + upTo, len - upTo);
        return;
    }
    part.append(data, len);
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = part.indexOf('\n', start);
        if (nl < 0)
            break;
        QByteArray line = part.mid(start, nl - start);
        if (line.endsWith('\r'))
            line.chop(1);
        m_options.sink(stream == 0 ? OutputChannel::Stdout : OutputChannel::Stderr, line);
        start = nl + 1;
    }
    part.remove(0, start);
}

void ExecOutput::feed(const char* data, qsizetype len, bool isStderr)
{
    const bool markerStream = m_options.pty ? !isStderr : isStderr;
    if (markerPending() && markerStream) {
        m_markerBuffer.append(data, len);
        const qsizetype nl = m_markerBuffer.indexOf('\n');
        if (nl < 0 && m_markerBuffer.size() < kMaxMarkerBytes)
            return;
        m_markerPending = false;
        const QByteArray first = m_markerBuffer.left(nl < 0 ? m_markerBuffer.size() : nl).trimmed();
        QByteArray rest = nl < 0 ? QByteArray() : m_markerBuffer.mid(nl + 1);
        bool ok = false;
        const qint64 pgid = first.startsWith("aio-pid:") ? first.mid(8).toLongLong(&ok) : 0;
        if (ok && pgid > 0)
            m_pgid = pgid;
        else
            rest = m_markerBuffer; // not ours: output like the rest
        m_markerBuffer.clear();
        if (!rest.isEmpty())
            emitLines(isStderr ? 1 : 0, rest.constData(), rest.size());
        return;
    }
    emitLines(isStderr ? 1 : 0, data, len);
}

void ExecOutput::finish()
{
    if (!m_markerBuffer.isEmpty()) {
        const QByteArray rest = std::exchange(m_markerBuffer, {});
        m_markerPending = false;
        emitLines(m_options.pty ? 0 : 1, rest.constData(), rest.size());
    }
    for (int stream = 0; stream < 2; ++stream) {
        if (m_options.sink && !m_partial[stream].isEmpty())
            m_options.sink(stream == 0 ? OutputChannel::Stdout : OutputChannel::Stderr, m_partial[stream]);
        m_partial[stream].clear();
    }
}

} // namespace aio
