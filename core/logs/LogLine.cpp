#include "core/logs/LogLine.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace aio {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// N digits at text[at…]; -1 when one is not a digit or the text is short.
int digits(QByteArrayView text, qsizetype at, int n)
{
    if (at < 0 || at + n > text.size())
        return -1;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        const char c = text[at + i];
        if (!isDigit(c))
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::optional<qint64> civilToMs(int year, int month, int day, int hour, int minute, int second, int ms)
{
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60'000LL + second * 1000LL + ms;
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool startsWithNoCase(QByteArrayView text, qsizetype at, const char* word)
{
    const qsizetype n = qsizetype(std::strlen(word));
    if (at + n > text.size())
        return false;
    for (qsizetype i = 0; i < n; ++i)
        if (lower(text[at + i]) != word[i])
            return false;
    return true;
}

bool isWordChar(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// A level word at text[at…] that stands alone (not inside a longer word).
LogLevel levelWordAt(QByteArrayView text, qsizetype at)
{
    if (at < 0 || at >= text.size() || (at > 0 && isWordChar(text[at - 1])))
        return LogLevel::None;
    struct Word
    {
        const char* word;
        LogLevel level;
    };
    static const Word kWords[] = {
        {"critical", LogLevel::Critical}, {"fatal", LogLevel::Critical}, {"panic", LogLevel::Critical},
        {"emerg", LogLevel::Critical},    {"alert", LogLevel::Critical}, {"crit", LogLevel::Critical},
        {"error", LogLevel::Error},       {"err", LogLevel::Error},      {"warning", LogLevel::Warning},
        {"warn", LogLevel::Warning},      {"notice", LogLevel::Notice},  {"info", LogLevel::Info},
        {"debug", LogLevel::Debug},       {"trace", LogLevel::Trace},
    };
    const char first = lower(text[at]);
    for (const Word& w : kWords) {
        if (w.word[0] != first || !startsWithNoCase(text, at, w.word))
            continue;
        const qsizetype end = at + qsizetype(std::strlen(w.word));
        if (end < text.size() && isWordChar(text[end]))
            continue;
        return w.level;
    }
    return LogLevel::None;
}

// The next space-separated token, or a "quoted" one (with \" inside), from pos on.
bool nextField(QByteArrayView line, qsizetype& pos, QByteArrayView& field)
{
    while (pos < line.size() && line[pos] == ' ')
        ++pos;
    if (pos >= line.size())
        return false;
    if (line[pos] == '"') {
        const qsizetype start = ++pos;
        for (;;) {
            const void* quote = std::memchr(line.data() + pos, '"', size_t(line.size() - pos));
            if (!quote)
                return false; // unterminated
            const qsizetype q = static_cast<const char*>(quote) - line.data();
            // Escaped when an odd number of backslashes stands before it.
            qsizetype backslashes = 0;
            while (q - 1 - backslashes >= start && line[q - 1 - backslashes] == '\\')
                ++backslashes;
            pos = q;
            if (backslashes % 2 == 0)
                break;
            ++pos;
        }
        field = line.sliced(start, pos - start);
        ++pos;
        return true;
    }
    if (line[pos] == '[') {
        const qsizetype start = ++pos;
        const void* close = std::memchr(line.data() + pos, ']', size_t(line.size() - pos));
        if (!close)
            return false;
        pos = static_cast<const char*>(close) - line.data();
        field = line.sliced(start, pos - start);
        ++pos;
        return true;
    }
    const qsizetype start = pos;
    while (pos < line.size() && line[pos] != ' ') {
        // name="a value, with spaces" is one field.
        if (line[pos] == '"' && pos > start && line[pos - 1] == '=') {
            ++pos;
            while (pos < line.size() && line[pos] != '"')
                ++pos;
            if (pos >= line.size())
                break;
        }
        ++pos;
    }
    field = line.sliced(start, std::min(pos, line.size()) - start);
    return true;
}

std::optional<qint64> parseInt(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 18)
        return std::nullopt;
    qint64 n = 0;
    for (char c : v) {
        if (!isDigit(c))
            return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

// "0.123", or "0.002, 0.120" / "0.1 : 0.2" (several upstreams tried): their sum. "-" is none.
std::optional<double> parseSeconds(QByteArrayView v)
{
    double total = 0;
    bool any = false;
    qsizetype i = 0;
    while (i < v.size()) {
        while (i < v.size() && (v[i] == ' ' || v[i] == ',' || v[i] == ':'))
            ++i;
        qint64 whole = 0;
        int wholeDigits = 0;
        while (i < v.size() && isDigit(v[i]) && wholeDigits < 9) {
            whole = whole * 10 + (v[i] - '0');
            ++i;
            ++wholeDigits;
        }
        double fraction = 0;
        double scale = 0.1;
        if (i < v.size() && v[i] == '.') {
            ++i;
            while (i < v.size() && isDigit(v[i])) {
                fraction += (v[i] - '0') * scale;
                scale /= 10;
                ++i;
            }
        }
        if (wholeDigits == 0 && scale == 0.1)
            return any ? std::optional<double>(total) : std::nullopt;
        total += double(whole) + fraction;
        any = true;
    }
    return any ? std::optional<double>(total) : std::nullopt;
}

LogLevel levelOfStatus(int status)
{
    if (status >= 500)
        return LogLevel::Error;
    if (status >= 400)
        return LogLevel::Warning;
    return LogLevel::Info;
}

} // namespace

qint64 daysFromCivil(int year, int month, int day)
{
    // Howard Hinnant's days_from_civil.
    year -= month <= 2 ? 1 : 0;
    const qint64 era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yoe = unsigned(year - era * 400);
    const unsigned doy = unsigned((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

std::optional<qint64> parseIsoTimeMs(QByteArrayView& text)
{
    const std::optional<qint64> ns = parseIsoTimeNs(text);
    if (!ns)
        return std::nullopt;
    return *ns >= 0 ? *ns / 1'000'000 : -((-*ns + 999'999) / 1'000'000);
}

std::optional<qint64> parseIsoTimeNs(QByteArrayView& text)
{
    // 2026-12-03T04:31:49
    const int year = digits(text, 0, 4);
    if (year < 0 || text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ')
        || text[13] != ':' || text[16] != ':')
        return std::nullopt;
    const int month = digits(text, 5, 2);
    const int day = digits(text, 8, 2);
    const int hour = digits(text, 11, 2);
    const int minute = digits(text, 14, 2);
    const int second = digits(text, 17, 2);
    if (month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0)
        return std::nullopt;
    qsizetype pos = 19;
    qint64 ns = 0;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int n = 0;
        while (pos < text.size() && isDigit(text[pos])) {
            if (n < 9)
                ns = ns * 10 + (text[pos] - '0');
            ++n;
            ++pos;
        }
        if (n == 0)
            return std::nullopt;
        for (int i = n; i < 9; ++i)
            ns *= 10;
    }
    qint64 offsetMinutes = 0;
    if (pos < text.size() && text[pos] == 'Z') {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '-' ? -1 : 1;
        const int oh = digits(text, pos + 1, 2);
        int om = -1;
        qsizetype end = pos + 3;
        if (oh >= 0 && end < text.size() && text[end] == ':') {
            om = digits(text, end + 1, 2);
            end += 3;
        } else if (oh >= 0) {
            om = digits(text, end, 2);
            end += 2;
        }
        if (oh < 0 || om < 0 || oh > 23 || om > 59)
            return std::nullopt;
        offsetMinutes = sign * (oh * 60 + om);
        pos = end;
    }
    const std::optional<qint64> t = civilToMs(year, month, day, hour, minute, second, 0);
    if (!t)
        return std::nullopt;
    // Nanoseconds since 1970 fit a 64-bit integer for the years 1678 to 2262 only.
    const qint64 ms = *t - offsetMinutes * 60'000;
    constexpr qint64 kMaxMs = std::numeric_limits<qint64>::max() / 1'000'000 - 1000;
    if (ms > kMaxMs || ms < -kMaxMs)
        return std::nullopt;
    text = text.sliced(pos);
    return ms * 1'000'000 + ns;
}

std::optional<qint64> parseNginxLocalTimeMs(QByteArrayView text)
{
    // 03/Dec/2026:04:31:49 +0000
    if (text.size() < 26 || text[2] != '/' || text[6] != '/' || text[11] != ':' || text[14] != ':' || text[17] != ':'
        || text[20] != ' ')
        return std::nullopt;
    static const char kMonths[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    int month = 0;
    for (int m = 0; m < 12; ++m) {
        if (lower(text[3]) == kMonths[m * 3] && lower(text[4]) == kMonths[m * 3 + 1]
            && lower(text[5]) == kMonths[m * 3 + 2]) {
            month = m + 1;
            break;
        }
    }
    const int day = digits(text, 0, 2);
    const int year = digits(text, 7, 4);
    const int hour = digits(text, 12, 2);
    const int minute = digits(text, 15, 2);
    const int second = digits(text, 18, 2);
    const int oh = digits(text, 22, 2);
    const int om = digits(text, 24, 2);
    if (month == 0 || day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0 || oh < 0 || om < 0
        || (text[21] != '+' && text[21] != '-'))
        return std::nullopt;
    const std::optional<qint64> t = civilToMs(year, month, day, hour, minute, second, 0);
    if (!t)
        return std::nullopt;
    const qint64 offset = (text[21] == '-' ? -1 : 1) * (oh * 60 + om) * 60'000LL;
    return *t - offset;
}

std::optional<DockerLine> splitDockerTimestamp(QByteArrayView line)
{
    QByteArrayView rest = line;
    const std::optional<qint64> t = parseIsoTimeMs(rest);
    if (!t)
        return std::nullopt;
    if (!rest.isEmpty() && rest[0] == ' ')
        rest = rest.sliced(1);
    return DockerLine{*t, rest};
}

namespace {

// The fields of an access line up to $body_bytes_sent: what every access line must have, and all
// that ingest needs (time and status). pos is left after the bytes.
bool parseAccessHead(QByteArrayView line, qsizetype& pos, AccessLogLine& a, QByteArrayView& request)
{
    QByteArrayView ignored;
    QByteArrayView time;
    QByteArrayView status;
    QByteArrayView bytes;
    if (!nextField(line, pos, a.client) || !nextField(line, pos, ignored) || !nextField(line, pos, a.user))
        return false;
    // [$time_local]
    while (pos < line.size() && line[pos] == ' ')
        ++pos;
    if (pos >= line.size() || line[pos] != '[' || !nextField(line, pos, time))
        return false;
    // Lines come many a second: the last time read is kept, per thread.
    struct LastTime
    {
        char text[32];
        qsizetype size = -1; // nothing cached yet: not even an empty time matches
        qint64 ms = 0;
    };
    thread_local LastTime last;
    if (time.size() == last.size && std::memcmp(time.data(), last.text, size_t(time.size())) == 0) {
        a.timeMs = last.ms;
    } else {
        const std::optional<qint64> t = parseNginxLocalTimeMs(time);
        if (!t)
            return false;
        a.timeMs = *t;
        if (time.size() <= qsizetype(sizeof last.text)) {
            std::memcpy(last.text, time.data(), size_t(time.size()));
            last.size = time.size();
            last.ms = *t;
        }
    }
    while (pos < line.size() && line[pos] == ' ')
        ++pos;
    if (pos >= line.size() || line[pos] != '"' || !nextField(line, pos, request))
        return false;
    if (!nextField(line, pos, status) || !nextField(line, pos, bytes))
        return false;
    const std::optional<qint64> s = parseInt(status);
    if (!s || *s < 100 || *s > 999)
        return false;
    a.status = int(*s);
    a.bytes = parseInt(bytes).value_or(0);
    return true;
}

} // namespace

std::optional<AccessLogLine> parseAccessLine(QByteArrayView line)
{
    AccessLogLine a;
    qsizetype pos = 0;
    QByteArrayView request;
    if (!parseAccessHead(line, pos, a, request))
        return std::nullopt;
    // "GET /path HTTP/1.1"; a bad request line ("-" or garbage) keeps it whole as the path.
    const qsizetype sp1 = request.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : request.lastIndexOf(' ');
    if (sp1 > 0 && sp2 > sp1) {
        a.method = request.first(sp1);
        a.path = request.sliced(sp1 + 1, sp2 - sp1 - 1);
        a.protocol = request.sliced(sp2 + 1);
    } else if (sp1 > 0) {
        a.method = request.first(sp1);
        a.path = request.sliced(sp1 + 1);
    } else {
        a.path = request;
    }
    // combined: "referer" "user agent"; main adds "x-forwarded-for"; formats that log the
    // upstream time name it (urt=0.120 or upstream_response_time=0.120).
    QByteArrayView field;
    if (nextField(line, pos, field)) {
        a.referer = field;
        if (nextField(line, pos, field))
            a.userAgent = field;
    }
    while (nextField(line, pos, field)) {
        for (const char* name : {"urt=", "upstream_response_time=", "upstream_time="}) {
            const qsizetype n = qsizetype(std::strlen(name));
            if (field.startsWith(QByteArrayView(name, n))) {
                QByteArrayView v = field.sliced(n);
                if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
                    v = v.sliced(1, v.size() - 2);
                a.upstreamSeconds = parseSeconds(v);
            }
        }
    }
    return a;
}

LineFacts parseNginxErrorLine(QByteArrayView line)
{
    // 2026/12/03 04:31:49 [error] 123#123: *4 …
    LineFacts f;
    if (line.size() >= 19 && line[4] == '/' && line[7] == '/' && line[10] == ' ') {
        const int year = digits(line, 0, 4);
        const int month = digits(line, 5, 2);
        const int day = digits(line, 8, 2);
        const int hour = digits(line, 11, 2);
        const int minute = digits(line, 14, 2);
        const int second = digits(line, 17, 2);
        if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && line[13] == ':'
            && line[16] == ':')
            f.timeMs = civilToMs(year, month, day, hour, minute, second, 0).value_or(0);
    }
    const qsizetype open = line.indexOf('[');
    if (open >= 0 && open < 32)
        f.level = levelWordAt(line, open + 1);
    return f;
}

LineFacts parseApplicationLine(QByteArrayView line)
{
    LineFacts f;
    QByteArrayView rest = line;
    // A leading "[" or "time=" around the time is common in the services' own formats.
    if (rest.startsWith("[") || rest.startsWith("time=\""))
        rest = rest.sliced(rest.startsWith("[") ? 1 : 6);
    if (const std::optional<qint64> t = parseIsoTimeMs(rest))
        f.timeMs = *t;
    const qsizetype limit = qMin<qsizetype>(line.size(), 160);
    for (qsizetype i = 0; i < limit; ++i) {
        const char c = line[i];
        if (c != 'e' && c != 'E' && c != 'w' && c != 'W' && c != 'i' && c != 'I' && c != 'd' && c != 'D' && c != 'c'
            && c != 'C' && c != 'f' && c != 'F' && c != 't' && c != 'T' && c != 'n' && c != 'N' && c != 'p' && c != 'P'
            && c != 'a' && c != 'A')
            continue;
        const LogLevel l = levelWordAt(line, i);
        if (l != LogLevel::None) {
            f.level = l;
            break;
        }
    }
    return f;
}

LineFacts lineFacts(LogFormat format, QByteArrayView line)
{
    switch (format) {
    case LogFormat::Plain:
        return {};
    case LogFormat::DockerTimestamped: {
        const std::optional<DockerLine> d = splitDockerTimestamp(line);
        if (!d)
            return parseApplicationLine(line);
        LineFacts f = parseApplicationLine(d->message);
        f.timeMs = d->timeMs; // the engine's time is when the line was written
        return f;
    }
    case LogFormat::NginxAccess: {
        // Only as far as the status: the rest of the line is parsed when it is shown.
        AccessLogLine a;
        qsizetype pos = 0;
        QByteArrayView request;
        if (!parseAccessHead(line, pos, a, request))
            return {};
        return LineFacts{a.timeMs, levelOfStatus(a.status), quint16(a.status)};
    }
    case LogFormat::NginxError:
        return parseNginxErrorLine(line);
    case LogFormat::Application:
        return parseApplicationLine(line);
    }
    return {};
}

const char* logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::None:
        return "";
    case LogLevel::Trace:
        return "trace";
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Notice:
        return "notice";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Error:
        return "error";
    case LogLevel::Critical:
        return "critical";
    }
    return "";
}

} // namespace aio
