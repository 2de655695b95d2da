#include "core/ssh/KnownHosts.h"

#include "core/common/HostPattern.h"

#include "core/ssh/SshLogging.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QSaveFile>

namespace aio {

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

// Splits at runs of blanks; the last field keeps the rest of the line (the comment).
QList<QByteArray> fields(const QByteArray& line, int maxFields)
{
    QList<QByteArray> out;
    qsizetype i = 0;
    const qsizetype n = line.size();
    while (i < n && out.size() < maxFields) {
        while (i < n && isBlank(line[i]))
            ++i;
        if (i >= n)
            break;
        qsizetype start = i;
        while (i < n && !isBlank(line[i]))
            ++i;
        out << line.mid(start, i - start);
    }
    return out;
}

// The key type embedded at the start of an SSH public key blob (uint32 length + name).
QByteArray blobType(const QByteArray& blob)
{
    if (blob.size() < 4)
        return {};
    const auto* p = reinterpret_cast<const unsigned char*>(blob.constData());
    const quint32 len = (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
    if (len == 0 || len > 64 || qsizetype(len) > blob.size() - 4)
        return {};
    return blob.mid(4, len);
}

QByteArray strictBase64(const QByteArray& text)
{
    auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    return decoded ? decoded.decoded : QByteArray();
}

} // namespace

QString HostKey::sha256Fingerprint() const
{
    QByteArray digest = QCryptographicHash::hash(blob, QCryptographicHash::Sha256).toBase64();
    while (digest.endsWith('='))
        digest.chop(1);
    return QStringLiteral("SHA256:") + QString::fromLatin1(digest);
}

Result<HostKey> HostKey::fromBase64(const QByteArray& type, const QByteArray& base64)
{
    const QByteArray blob = strictBase64(base64);
    if (blob.isEmpty() || blobType(blob) != type)
        return Error(ErrorKind::Corrupt, KnownHosts::tr("A host key is not valid base64 of its stated type."),
                     QString::fromLatin1(type));
    return HostKey{QString::fromLatin1(type), blob};
}

QString HostKeyCheck::hostForDisplay() const
{
    return QString::fromUtf8(KnownHosts::hostKeyName(host, port));
}

bool KnownHostsEntry::matches(const QString& host, quint16 port) const
{
    const QByteArray name = KnownHosts::hostKeyName(host, port);
    if (hashed) {
        QMessageAuthenticationCode mac(QCryptographicHash::Sha1, salt);
        mac.addData(name);
        return mac.result() == hash;
    }
    return HostPattern::matchesList(patterns, name);
}

KnownHosts::KnownHosts(QStringList readOnlyFiles, QString appFile)
    : m_readOnlyFiles(std::move(readOnlyFiles))
    , m_appFile(std::move(appFile))
{ }

QByteArray KnownHosts::hostKeyName(const QString& host, quint16 port)
{
    const QByteArray h = host.toLower().toUtf8();
    if (port == 0 || port == 22)
        return h;
    return '[' + h + "]:" + QByteArray::number(port);
}

std::optional<KnownHostsEntry> KnownHosts::parseLine(const QByteArray& rawLine)
{
    QByteArray line = rawLine;
    if (line.endsWith('\n'))
        line.chop(1);
    QList<QByteArray> f = fields(line, 5);
    if (f.isEmpty() || f[0].startsWith('#'))
        return std::nullopt;
    KnownHostsEntry entry;
    if (f[0].startsWith('@')) {
        if (f[0] == "@cert-authority")
            entry.marker = KnownHostsEntry::Marker::CertAuthority;
        else if (f[0] == "@revoked")
            entry.marker = KnownHostsEntry::Marker::Revoked;
        else
            return std::nullopt;
        f.removeFirst();
    }
    if (f.size() < 3)
        return std::nullopt;
    const QByteArray& hosts = f[0];
    if (hosts.startsWith("|1|")) {
        const QList<QByteArray> parts = hosts.mid(3).split('|');
        if (parts.size() != 2)
            return std::nullopt;
        entry.hashed = true;
        entry.salt = strictBase64(parts[0]);
        entry.hash = strictBase64(parts[1]);
        if (entry.salt.size() != 20 || entry.hash.size() != 20)
            return std::nullopt;
    } else if (hosts.startsWith('|')) {
        return std::nullopt; // an unknown hash format
    } else {
        for (const QByteArray& p : hosts.split(',')) {
            if (!p.isEmpty() && p != "!")
                entry.patterns << p.toLower();
        }
        if (entry.patterns.isEmpty())
            return std::nullopt;
    }
    auto key = HostKey::fromBase64(f[1], f[2]);
    if (!key)
        return std::nullopt;
    entry.key = *key;
    return entry;
}

QList<KnownHostsEntry> KnownHosts::parse(const QByteArray& text, const QString& file)
{
    QList<KnownHostsEntry> entries;
    int lineNo = 0;
    for (const QByteArray& line : text.split('\n')) {
        ++lineNo;
        auto entry = parseLine(line);
        if (!entry)
            continue;
        entry->file = file;
        entry->line = lineNo;
        entries << *entry;
    }
    return entries;
}

QList<KnownHostsEntry> KnownHosts::readFile(const QString& path) const
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return parse(f.readAll(), path);
}

HostKeyCheck KnownHosts::verify(const QString& host, quint16 port, const HostKey& key) const
{
    HostKeyCheck check;
    check.host = host;
    check.port = port == 0 ? 22 : port;
    check.key = key;

    QList<QList<KnownHostsEntry>> groups; // app file first: it is authoritative for its key types
    groups << readFile(m_appFile);
    QList<KnownHostsEntry> userEntries;
    for (const QString& f : m_readOnlyFiles)
        userEntries << readFile(f);
    groups << userEntries;

    QList<const KnownHostsEntry*> otherTypes;
    for (const auto& group : groups) {
        for (const auto& e : group) {
            if (e.marker == KnownHostsEntry::Marker::Revoked && e.key == key) {
                check.status = HostKeyStatus::Revoked;
                check.storedWhere << e.file + QLatin1Char(':') + QString::number(e.line);
                return check;
            }
        }
    }
    for (const auto& group : groups) {
        QList<const KnownHostsEntry*> sameType;
        for (const auto& e : group) {
            if (e.marker != KnownHostsEntry::Marker::None || !e.matches(host, check.port))
                continue;
            if (e.key.type == key.type)
                sameType << &e;
            else
                otherTypes << &e;
        }
        if (sameType.isEmpty())
            continue;
        for (const auto* e : sameType) {
            if (e->key.blob == key.blob) {
                check.status = HostKeyStatus::Known;
                check.storedWhere = {e->file + QLatin1Char(':') + QString::number(e->line)};
                return check;
            }
        }
        check.status = HostKeyStatus::Changed;
        for (const auto* e : sameType) {
            check.storedFingerprints << e->key.sha256Fingerprint();
            check.storedKeyTypes << e->key.type;
            check.storedWhere << e->file + QLatin1Char(':') + QString::number(e->line);
        }
        return check;
    }
    if (!otherTypes.isEmpty()) {
        check.status = HostKeyStatus::OtherKeyType;
        for (const auto* e : otherTypes) {
            check.storedFingerprints << e->key.sha256Fingerprint();
            check.storedKeyTypes << e->key.type;
            check.storedWhere << e->file + QLatin1Char(':') + QString::number(e->line);
        }
        return check;
    }
    check.status = HostKeyStatus::Unknown;
    return check;
}

QStringList KnownHosts::knownKeyTypes(const QString& host, quint16 port) const
{
    QStringList types;
    QList<KnownHostsEntry> all = readFile(m_appFile);
    for (const QString& f : m_readOnlyFiles)
        all << readFile(f);
    for (const auto& e : all) {
        if (e.marker == KnownHostsEntry::Marker::None && e.matches(host, port) && !types.contains(e.key.type))
            types << e.key.type;
    }
    return types;
}

Status KnownHosts::writeAppFile(const QByteArray& content) const
{
    if (m_appFile.isEmpty())
        return Error(ErrorKind::Usage, tr("No file to store trusted host keys in is configured."));
    QDir().mkpath(QFileInfo(m_appFile).absolutePath());
    QSaveFile out(m_appFile);
    if (!out.open(QIODevice::WriteOnly) || out.write(content) != content.size() || !out.commit())
        return Error(ErrorKind::Io, tr("Could not write the trusted host keys file %1.").arg(m_appFile),
                     out.errorString(), tr("Check that the folder exists and is writable."));
    QFile::setPermissions(m_appFile, QFile::ReadOwner | QFile::WriteOwner);
    return {};
}

Status KnownHosts::trust(const QString& host, quint16 port, const HostKey& key) const
{
    if (key.isEmpty() || host.isEmpty())
        return Error(ErrorKind::Usage, tr("There is no host key to trust."));
    QByteArray content;
    QFile f(m_appFile);
    if (f.open(QIODevice::ReadOnly))
        content = f.readAll();
    f.close();
    if (!content.isEmpty() && !content.endsWith('\n'))
        content += '\n';
    content += hostKeyName(host, port) + ' ' + key.type.toLatin1() + ' ' + key.base64() + '\n';
    qCInfo(lcSsh) << "trusting" << key.type << key.sha256Fingerprint() << "for" << hostKeyName(host, port) << "in"
                  << m_appFile;
    return writeAppFile(content);
}

Status KnownHosts::replaceStoredKey(const QString& host, quint16 port, const HostKey& key) const
{
    if (key.isEmpty() || host.isEmpty())
        return Error(ErrorKind::Usage, tr("There is no host key to store."));
    QByteArray kept;
    QFile f(m_appFile);
    if (f.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = f.readAll().split('\n');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QByteArray& line = lines[i];
            if (i == lines.size() - 1 && line.isEmpty())
                break;
            auto entry = parseLine(line);
            if (entry && entry->marker == KnownHostsEntry::Marker::None && entry->key.type == key.type
                && entry->matches(host, port))
                continue;
            kept += line + '\n';
        }
    }
    f.close();
    kept += hostKeyName(host, port) + ' ' + key.type.toLatin1() + ' ' + key.base64() + '\n';
    qCInfo(lcSsh) << "replacing the stored" << key.type << "key for" << hostKeyName(host, port) << "with"
                  << key.sha256Fingerprint();
    return writeAppFile(kept);
}

} // namespace aio
