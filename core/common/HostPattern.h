#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace aio::HostPattern {

// OpenSSH's match_pattern(): '*' matches any run, '?' one character, letters compare without
// case; a '*' or '?' in the text is an ordinary character. Iterative with one backtrack point
// (no recursion, linear for the patterns people write; fuzzed).
bool matches(QByteArrayView pattern, QByteArrayView text);

// A list as a Host line or a known_hosts entry holds it: the text matches when one pattern does and
// no negated pattern ("!pattern") does.
bool matchesList(const QList<QByteArray>& patterns, QByteArrayView text);

} // namespace aio::HostPattern
