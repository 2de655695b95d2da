#pragma once

// Internal to core/ssh: what one remote command prints, as it arrives. Pure logic (no libssh),
// fed by the worker's exec channel and unit-tested on its own.

#include "core/ssh/RemoteHost.h"

#include <QByteArray>

namespace aio {

// Takes the pid marker off the front of its stream, splits the output into lines for the sink
// (LF or CRLF; a last line without a newline is handed over by finish()), or hands stdout over in
// pieces that end at a line end (stdoutInChunks: one copy, no allocation a line), and keeps the output:
// all of it, or for endless streams (keepOutput false) only the last 64 KiB of stderr, for
// error messages.
//
// The marker: the command line first prints "aio-pid:<pgid>\n" on stderr (on stdout with a pty,
// where both streams are one). It may arrive split over several packets; a first line that is
// not a marker (or 64 bytes without a newline) is output like any other.
class ExecOutput
{
public:
    struct Options
    {
        bool pty = false;
        bool pidMarker = true;
        bool keepOutput = true;
        LineSink sink;
        bool stdoutInChunks = false; // stdout to the sink in pieces of whole lines (RemoteCommand)
    };
    static constexpr qsizetype kKeptStderrTail = 64 * 1024;
    static constexpr qsizetype kMaxMarkerBytes = 64;

    explicit ExecOutput(Options options);

    void feed(const char* data, qsizetype len, bool isStderr);
    void feed(const QByteArray& data, bool isStderr) { feed(data.constData(), data.size(), isStderr); }
    // The stream ended: hands over the unfinished lines (and a marker that never completed).
    void finish();

    bool markerPending() const { return m_options.pidMarker && m_markerPending; }
    qint64 pgid() const { return m_pgid; }
    const QByteArray& out() const { return m_out; }
    const QByteArray& err() const { return m_err; }
    QByteArray takeOut() { return std::exchange(m_out, {}); }
    QByteArray takeErr() { return std::exchange(m_err, {}); }

private:
    void emitLines(int stream, const char* data, qsizetype len);

    Options m_options;
    QByteArray m_partial[2]; // stdout, stderr: the unfinished line
    bool m_markerPending = true;
    QByteArray m_markerBuffer;
    qint64 m_pgid = 0;
    QByteArray m_out;
    QByteArray m_err;
};

} // namespace aio
