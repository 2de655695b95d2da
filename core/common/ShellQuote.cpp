#include "core/common/ShellQuote.h"

namespace aio {

namespace {
bool isSafe(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '@'
        || c == '%' || c == '+' || c == '=' || c == ':' || c == ',' || c == '.' || c == '/' || c == '-';
}
} // namespace

QByteArray shellQuote(const QByteArray& argument)
{
    if (argument.isEmpty())
        return QByteArrayLiteral("''");
    bool safe = true;
    for (char c : argument)
        safe = safe && isSafe(c);
    // A leading '-' or '=' is harmless to the shell; it is the command's business, not quoting's.
    if (safe)
        return argument;
    QByteArray out;
    out.reserve(argument.size() + 8);
    out += '\'';
    for (char c : argument) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

QString shellQuote(const QString& argument)
{
    return QString::fromUtf8(shellQuote(argument.toUtf8()));
}

QString shellJoin(const QStringList& arguments)
{
    QStringList quoted;
    quoted.reserve(arguments.size());
    for (const QString& a : arguments)
        quoted << shellQuote(a);
    return quoted.join(QLatin1Char(' '));
}

} // namespace aio
