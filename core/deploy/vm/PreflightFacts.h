#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace aio {

// What the preflight probe scripts report about a VM (key=value lines), parsed. Pure; the
// preflight step runs the scripts and decides from these what is missing or worth a warning.
struct PreflightFacts
{
    struct Listener
    {
        quint16 port = 0;
        QString address;
        QString process; // from `ss -p`, e.g. users:(("nginx",pid=12,fd=6)); empty when unknown
    };

    QString osId; // "debian"
    QString osLike; // "debian" for ubuntu
    QString osVersion; // "12"
    QString osName; // "Debian GNU/Linux 12 (bookworm)"
    qint64 memoryKb = -1;
    qint64 diskFreeKb = -1;
    qint64 clockEpoch = -1;
    bool sudo = false;
    bool dockerCli = false;
    QString dockerServerVersion; // empty: not reachable
    QString dockerError;
    bool nginx = false;
    bool nginxRunning = false;
    bool nft = false;
    bool ufwActive = false;
    bool certbot = false;
    bool apt = false;
    bool systemd = false;
    bool listenersKnown = false; // ss was there
    QList<Listener> listeners; // on 80/443

    // Parses the output of userScript() then rootScript() (concatenated is fine).
    static PreflightFacts parse(const QByteArray& userOutput, const QByteArray& rootOutput);
    static QString userScript();
    static QString rootScript();

    bool isDebianLike() const;
    // Listeners on 80/443 owned by something other than nginx (which we reuse).
    QList<Listener> foreignListeners() const;
    QJsonObject toJson() const;
};

} // namespace aio
