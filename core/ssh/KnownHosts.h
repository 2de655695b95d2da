#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace aio {

// A server's public host key: its type ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa" …) and
// the SSH wire blob (what known_hosts stores in base64).
struct HostKey
{
    QString type;
    QByteArray blob;

    bool isEmpty() const { return blob.isEmpty(); }
    // "SHA256:…" exactly as OpenSSH prints it (base64 without padding).
    QString sha256Fingerprint() const;
    QByteArray base64() const { return blob.toBase64(); }
    // Parses "<type> <base64>" parts; the blob must carry the same type.
    static Result<HostKey> fromBase64(const QByteArray& type, const QByteArray& base64);
    friend bool operator==(const HostKey& a, const HostKey& b) { return a.type == b.type && a.blob == b.blob; }
};

// One usable line of a known_hosts file (plain "host1,[host2]:2222,!bad*" or hashed "|1|salt|hash").
struct KnownHostsEntry
{
    enum class Marker { None, CertAuthority, Revoked };
    Marker marker = Marker::None;
    bool hashed = false;
    QList<QByteArray> patterns; // plain entries: as written, lower-cased ("!" negation kept)
    QByteArray salt; // hashed entries: HMAC-SHA1 key
    QByteArray hash; // hashed entries: HMAC-SHA1(salt, "host" or "[host]:port")
    HostKey key;
    QString file;
    int line = 0;

    // Does this entry name host:port? (Port 22 is looked up as "host", others as "[host]:port".)
    bool matches(const QString& host, quint16 port) const;
};

enum class HostKeyStatus {
    Known, // a stored key of this type equals the server's
    Unknown, // no stored key for this host at all: ask (or follow the policy)
    Changed, // a stored key of the same type differs: hard stop
    OtherKeyType, // only keys of other types are stored: hard stop (a changed key in disguise)
    Revoked, // the key is marked @revoked: hard stop
};

// The outcome of checking a server's key against the known_hosts files, with what the user
// needs to judge it.
struct HostKeyCheck
{
    HostKeyStatus status = HostKeyStatus::Unknown;
    QString host;
    quint16 port = 22;
    HostKey key; // what the server presented
    QStringList storedFingerprints; // for Changed / OtherKeyType: what we have on file
    QStringList storedKeyTypes;
    QStringList storedWhere; // "file:line" of the entries compared

    QString fingerprint() const { return key.sha256Fingerprint(); }
    QString hostForDisplay() const;
};

// The known_hosts files: the user's own (read only; OpenSSH's format, plain and hashed) and the
// app's file, the only one we write, and only after the user accepted a key. The app's file is
// authoritative for the key types it holds, so "replace stored key" works even when the stale
// key sits in ~/.ssh/known_hosts (which we never touch). Used by SshSession and the trust dialogs.
class KnownHosts
{
    Q_DECLARE_TR_FUNCTIONS(aio::KnownHosts)

public:
    KnownHosts(QStringList readOnlyFiles, QString appFile);

    // Checks host:port's key against both files, reading them now.
    HostKeyCheck verify(const QString& host, quint16 port, const HostKey& key) const;
    // Key types stored for host:port (app file first), to prefer them in key exchange.
    QStringList knownKeyTypes(const QString& host, quint16 port) const;
    // Remembers a key for host:port in the app's file (after the user accepted it).
    Status trust(const QString& host, quint16 port, const HostKey& key) const;
    // The explicit action after a Changed warning: removes the app file's keys of that type for
    // host:port and stores the new one. The user's own file is left as it is.
    Status replaceStoredKey(const QString& host, quint16 port, const HostKey& key) const;

    const QString& appFile() const { return m_appFile; }

    // Parsing, public for tests and fuzzing. Malformed lines are skipped.
    static std::optional<KnownHostsEntry> parseLine(const QByteArray& line);
    static QList<KnownHostsEntry> parse(const QByteArray& text, const QString& file = {});
    // "host" for port 22, "[host]:port" otherwise, as known_hosts spells it.
    static QByteArray hostKeyName(const QString& host, quint16 port);

private:
    QList<KnownHostsEntry> readFile(const QString& path) const;
    Status writeAppFile(const QByteArray& content) const;

    QStringList m_readOnlyFiles;
    QString m_appFile;
};

} // namespace aio
