#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace aio {

// The one place that turns an argument into text for a POSIX shell (sh, bash, dash, zsh).
// Every remote command line is built from arguments passed through these; no user text is
// ever pasted into a shell line any other way. Words made only of safe characters stay bare
// for readability; everything else is single-quoted, with ' written as '\''.
QByteArray shellQuote(const QByteArray& argument);
QString shellQuote(const QString& argument);
// Quotes each argument and joins them with spaces.
QString shellJoin(const QStringList& arguments);

} // namespace aio
