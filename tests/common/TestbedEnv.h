#pragma once

// Reads the testbed's facts (/run/aio-testbed/testbed.env, or $AIO_TESTBED_ENV): shell-style
// KEY=value lines written by tests/testbed/up. Empty when the testbed is not up.

#include <QFile>
#include <QHash>
#include <QString>

namespace aio::test {

inline QHash<QString, QString> readTestbedEnv()
{
    QHash<QString, QString> values;
    QFile f(qEnvironmentVariable("AIO_TESTBED_ENV", QStringLiteral("/run/aio-testbed/testbed.env")));
    if (!f.open(QIODevice::ReadOnly))
        return values;
    for (const QByteArray& raw : f.readAll().split('\n')) {
        const QByteArray line = raw.trimmed();
        const qsizetype eq = line.indexOf('=');
        if (line.isEmpty() || line.startsWith('#') || eq <= 0)
            continue;
        QByteArray value = line.mid(eq + 1);
        if (const qsizetype hash = value.indexOf(" #"); hash >= 0)
            value = value.left(hash);
        value = value.trimmed();
        if (value.size() >= 2 && (value.startsWith('"') || value.startsWith('\'')) && value.back() == value.front())
            value = value.mid(1, value.size() - 2);
        values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(value));
    }
    return values;
}

} // namespace aio::test
