// Property: every argument shellQuote()/shellJoin() produce reaches a POSIX shell as exactly that
// argument, and nothing in the quoted text is expanded or run.

#include "PosixWords.h"

#include "core/common/ShellQuote.h"

#include <QStringList>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    if (input.contains('\0'))
        return 0; // no shell argument can hold NUL
    const QByteArray quoted = aio::shellQuote(input);
    auto words = aio::fuzz::posixWords(quoted);
    if (!words || words->size() != 1 || words->first() != input)
        abort();

    // Several arguments, split at 0x1f, through shellJoin.
    QStringList args;
    QList<QByteArray> raw = input.split('\x1f');
    for (const QByteArray& a : raw) {
        const QString s = QString::fromUtf8(a);
        if (s.toUtf8() != a)
            return 0; // not valid UTF-8: QString would not round-trip it anyway
        args << s;
    }
    auto joined = aio::fuzz::posixWords(aio::shellJoin(args).toUtf8());
    if (!joined || joined->size() != raw.size())
        abort();
    for (qsizetype i = 0; i < raw.size(); ++i)
        if (joined->at(i) != raw[i])
            abort();
    return 0;
}
