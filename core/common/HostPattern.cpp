#include "core/common/HostPattern.h"

namespace aio::HostPattern {

bool matches(QByteArrayView pattern, QByteArrayView text)
{
    qsizetype p = 0, t = 0, starP = -1, starT = 0;
    const qsizetype pn = pattern.size(), tn = text.size();
    auto lower = [](char c) {
        return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    };
    while (t < tn) {
        if (p < pn && pattern[p] == '*') { // before the literal test: a '*' in the text is no wildcard
            starP = p++;
            starT = t;
        } else if (p < pn && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
            ++p;
            ++t;
        } else if (starP >= 0) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pn && pattern[p] == '*')
        ++p;
    return p == pn;
}

bool matchesList(const QList<QByteArray>& patterns, QByteArrayView text)
{
    bool matched = false;
    for (const QByteArray& pattern : patterns) {
        if (pattern.startsWith('!')) {
            if (matches(QByteArrayView(pattern).sliced(1), text))
                return false; // a negated match excludes outright, as in OpenSSH
        } else if (!matched && matches(pattern, text)) {
            matched = true;
        }
    }
    return matched;
}

} // namespace aio::HostPattern
