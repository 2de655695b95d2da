#pragma once

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <memory>

namespace aio {

// Replaces known secret values (API key, passwords, private keys) in text before it is shown,
// logged or written to history. Copies share the same list, so a secret added during a run
// (a freshly generated API key) is redacted everywhere afterwards. Thread-safe.
class SecretRedactor
{
public:
    SecretRedactor();

    // Values shorter than 4 characters are ignored (redacting "a" would garble every text).
    void addSecret(const QString& value);
    void addSecret(const QByteArray& value);
    QString redact(const QString& text) const;
    QByteArray redact(const QByteArray& text) const;
    bool isEmpty() const;

    static QString marker(); // "«redacted»"

private:
    struct Shared
    {
        mutable QMutex mutex;
        QList<QByteArray> secrets; // longest first, so a secret containing another is replaced whole
    };
    std::shared_ptr<Shared> m_shared;
};

} // namespace aio
