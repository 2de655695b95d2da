#pragma once

// What the app reads from one log line, fast enough for millions of lines a second: its time,
// its level and, for an nginx access line, its fields. Every function takes the raw bytes (no
// QString per line) and never reads outside them; a line that is not what its format expects
// keeps its bytes and gets no fields, never an error.

#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

namespace aio {

// Ordered by severity, so "level ≥ warning" is a comparison. None: the line says no level.
enum class LogLevel : quint8 { None = 0, Trace, Debug, Info, Notice, Warning, Error, Critical };

// How a source's lines are written, which decides how their time and level are read.
enum class LogFormat : quint8 {
    Plain, // no known shape: the time is when the line arrived
    DockerTimestamped, // "2026-12-03T04:31:49.123456789Z " before the container's own line
    NginxAccess, // nginx's "combined" or "main" format
    NginxError, // "2026/12/03 04:31:49 [error] 123#123: *4 …"
    Application, // a line of the sandbox's own services: an ISO time and a level word somewhere near the start
};

// An nginx access line ("combined", or "main" with the upstream time appended), as views into
// the line's own bytes.
struct AccessLogLine
{
    QByteArrayView client;
    QByteArrayView user; // "-" when none
    qint64 timeMs = 0; // UTC, ms since the epoch
    QByteArrayView method;
    QByteArrayView path;
    QByteArrayView protocol;
    int status = 0;
    qint64 bytes = 0;
    QByteArrayView referer;
    QByteArrayView userAgent;
    std::optional<double> upstreamSeconds; // $upstream_response_time where the format logs it
};

// The facts a log buffer keeps for each line.
struct LineFacts
{
    qint64 timeMs = 0; // 0: the line carries no time
    LogLevel level = LogLevel::None;
    quint16 status = 0; // HTTP status of an access line, else 0
};

// Date and time arithmetic without QDateTime (too slow per line): days since 1970-01-01 of a
// proleptic Gregorian date.
qint64 daysFromCivil(int year, int month, int day);

// "2026-12-03T04:31:49[.fraction](Z|±hh:mm)" or with a space for the T; the view is advanced
// past what was read. nullopt when the text does not start with such a time.
std::optional<qint64> parseIsoTimeMs(QByteArrayView& text);
// The same to the nanosecond (docker's timestamps, which a resumed stream compares exactly).
std::optional<qint64> parseIsoTimeNs(QByteArrayView& text);
// "03/Dec/2026:04:31:49 +0000" (nginx's $time_local).
std::optional<qint64> parseNginxLocalTimeMs(QByteArrayView text);

// Docker's --timestamps prefix: the time, and the container's line after it.
struct DockerLine
{
    qint64 timeMs = 0;
    QByteArrayView message;
};
std::optional<DockerLine> splitDockerTimestamp(QByteArrayView line);

std::optional<AccessLogLine> parseAccessLine(QByteArrayView line);
// The level an nginx error line names ("[error]"), and its time.
LineFacts parseNginxErrorLine(QByteArrayView line);
// An application line: its leading ISO time if any, and the first level word (ERROR, WARN,
// level=info, "levelname": "DEBUG" …) within its first 160 bytes.
LineFacts parseApplicationLine(QByteArrayView line);

// The facts of one line of the given format (for DockerTimestamped: the prefix's time and the
// level of the message after it).
LineFacts lineFacts(LogFormat format, QByteArrayView line);

const char* logLevelName(LogLevel level);

} // namespace aio
