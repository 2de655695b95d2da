#include "core/deploy/SecretRedactor.h"

#include <QMutexLocker>

#include <algorithm>

namespace aio {

SecretRedactor::SecretRedactor()
    : m_shared(std::make_shared<Shared>())
{ }

QString SecretRedactor::marker()
{
    return QStringLiteral("«redacted»");
}

void SecretRedactor::addSecret(const QByteArray& value)
{
    if (value.size() < 4)
        return;
    QMutexLocker lock(&m_shared->mutex);
    if (m_shared->secrets.contains(value))
        return;
    m_shared->secrets.append(value);
    // Multi-line secrets (PEM keys) are also redacted line by line, so a key shown in pieces
    // (one output line at a time) does not leak either.
    if (value.contains('\n')) {
        for (const QByteArray& line : value.split('\n')) {
            const QByteArray trimmed = line.trimmed();
            if (trimmed.size() >= 16 && !trimmed.startsWith("-----") && !m_shared->secrets.contains(trimmed))
                m_shared->secrets.append(trimmed);
        }
    }
    std::stable_sort(m_shared->secrets.begin(), m_shared->secrets.end(),
                     [](const QByteArray& a, const QByteArray& b) { return a.size() > b.size(); });
}

void SecretRedactor::addSecret(const QString& value)
{
    addSecret(value.toUtf8());
}

QByteArray SecretRedactor::redact(const QByteArray& text) const
{
    QMutexLocker lock(&m_shared->mutex);
    if (m_shared->secrets.isEmpty())
        return text;
    QByteArray out = text;
    const QByteArray mark = marker().toUtf8();
    for (const QByteArray& secret : m_shared->secrets)
        out.replace(secret, mark);
    return out;
}

QString SecretRedactor::redact(const QString& text) const
{
    {
        QMutexLocker lock(&m_shared->mutex);
        if (m_shared->secrets.isEmpty())
            return text;
    }
    return QString::fromUtf8(redact(text.toUtf8()));
}

bool SecretRedactor::isEmpty() const
{
    QMutexLocker lock(&m_shared->mutex);
    return m_shared->secrets.isEmpty();
}

} // namespace aio
