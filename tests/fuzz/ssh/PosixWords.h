#pragma once

// A strict POSIX sh word splitter for the quoting fuzz target: it returns the words a shell would
// pass to a command, or nothing when the text holds anything the shell would expand or treat
// as an operator outside quotes ($, `, globs, ;, |, &, <, >, (, ), #, ~, newline …).

#include <QByteArray>
#include <QList>

#include <optional>

namespace aio::fuzz {

inline std::optional<QList<QByteArray>> posixWords(const QByteArray& text)
{
    QList<QByteArray> words;
    QByteArray word;
    bool inWord = false;
    qsizetype i = 0;
    const qsizetype n = text.size();
    auto special = [](char c) {
        return c == '$' || c == '`' || c == ';' || c == '|' || c == '&' || c == '<' || c == '>' || c == '(' || c == ')'
            || c == '*' || c == '?' || c == '[' || c == '#' || c == '~' || c == '\n' || c == '{' || c == '}'
            || c == '!';
    };
    while (i < n) {
        const char c = text[i];
        if (c == ' ' || c == '\t') {
            if (inWord) {
                words << word;
                word.clear();
                inWord = false;
            }
            ++i;
        } else if (c == '\'') {
            const qsizetype close = text.indexOf('\'', i + 1);
            if (close < 0)
                return std::nullopt; // unterminated
            word += text.mid(i + 1, close - i - 1);
            inWord = true;
            i = close + 1;
        } else if (c == '\\') {
            if (i + 1 >= n || text[i + 1] == '\n')
                return std::nullopt;
            word += text[i + 1];
            inWord = true;
            i += 2;
        } else if (c == '"') {
            ++i;
            for (;;) {
                if (i >= n)
                    return std::nullopt;
                const char d = text[i];
                if (d == '"') {
                    ++i;
                    break;
                }
                if (d == '$' || d == '`')
                    return std::nullopt; // expansion inside double quotes
                if (d == '\\' && i + 1 < n
                    && (text[i + 1] == '$' || text[i + 1] == '`' || text[i + 1] == '"' || text[i + 1] == '\\')) {
                    word += text[i + 1];
                    i += 2;
                    continue;
                }
                word += d;
                ++i;
            }
            inWord = true;
        } else if (special(c) || c == '\0') {
            return std::nullopt;
        } else {
            word += c;
            inWord = true;
            ++i;
        }
    }
    if (inWord)
        words << word;
    return words;
}

} // namespace aio::fuzz
