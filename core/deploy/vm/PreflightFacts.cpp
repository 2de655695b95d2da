#include "core/deploy/vm/PreflightFacts.h"

#include <QJsonArray>

namespace aio {

QString PreflightFacts::userScript()
{
    return QStringLiteral(
        "PATH=\"$PATH:/usr/sbin:/sbin\"\n"
        "if [ -r /etc/os-release ]; then . /etc/os-release; fi\n"
        "echo \"os_id=${ID:-unknown}\"; echo \"os_like=${ID_LIKE:-}\"\n"
        "echo \"os_version=${VERSION_ID:-}\"; echo \"os_name=${PRETTY_NAME:-}\"\n"
        "echo \"mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)\"\n"
        "echo \"disk_kb=$(df -Pk /var/lib 2>/dev/null | awk 'NR==2 {print $4}')\"\n"
        "echo \"clock=$(date -u +%s)\"\n"
        "for t in docker nginx nft certbot apt-get ufw; do\n"
        "  if command -v \"$t\" >/dev/null 2>&1; then echo \"has_$t=yes\"; else echo \"has_$t=no\"; fi\n"
        "done\n"
        "if [ -d /run/systemd/system ]; then echo systemd=yes; else echo systemd=no; fi\n");
}

QString PreflightFacts::rootScript()
{
    return QStringLiteral(
        "echo \"uid=$(id -u)\"\n"
        "if command -v docker >/dev/null 2>&1; then\n"
        "  if v=$(docker version --format '{{.Server.Version}}' 2>&1); then echo \"docker_server=$v\";\n"
        "  else echo \"docker_error=$(printf '%s' \"$v\" | tr '\\n' ' ' | cut -c1-300)\"; fi\n"
        "fi\n"
        "if [ -s /run/nginx.pid ] && kill -0 \"$(cat /run/nginx.pid)\" 2>/dev/null; then echo nginx_running=yes; "
        "else echo nginx_running=no; fi\n"
        "if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q 'Status: active'; then echo "
        "ufw_active=yes; fi\n"
        "if command -v ss >/dev/null 2>&1; then echo ss=yes; ss -ltnpH 2>/dev/null | awk '{print \"listen=\" $4 \" \" "
        "$6}'; else echo ss=no; fi\n");
}

PreflightFacts PreflightFacts::parse(const QByteArray& userOutput, const QByteArray& rootOutput)
{
    PreflightFacts f;
    const QList<QByteArray> lines = (userOutput + '\n' + rootOutput).split('\n');
    for (const QByteArray& raw : lines) {
        const QString line = QString::fromUtf8(raw).trimmed();
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0)
            continue;
        const QString key = line.left(eq);
        const QString value = line.mid(eq + 1);
        const bool yes = value == QLatin1String("yes");
        if (key == QLatin1String("os_id"))
            f.osId = value;
        else if (key == QLatin1String("os_like"))
            f.osLike = value;
        else if (key == QLatin1String("os_version"))
            f.osVersion = value;
        else if (key == QLatin1String("os_name"))
            f.osName = value;
        else if (key == QLatin1String("mem_kb"))
            f.memoryKb = value.toLongLong();
        else if (key == QLatin1String("disk_kb"))
            f.diskFreeKb = value.isEmpty() ? -1 : value.toLongLong();
        else if (key == QLatin1String("clock"))
            f.clockEpoch = value.toLongLong();
        else if (key == QLatin1String("has_docker"))
            f.dockerCli = yes;
        else if (key == QLatin1String("has_nginx"))
            f.nginx = yes;
        else if (key == QLatin1String("has_nft"))
            f.nft = yes;
        else if (key == QLatin1String("has_certbot"))
            f.certbot = yes;
        else if (key == QLatin1String("has_apt-get"))
            f.apt = yes;
        else if (key == QLatin1String("systemd"))
            f.systemd = yes;
        else if (key == QLatin1String("uid"))
            f.sudo = value == QLatin1String("0");
        else if (key == QLatin1String("docker_server"))
            f.dockerServerVersion = value;
        else if (key == QLatin1String("docker_error"))
            f.dockerError = value;
        else if (key == QLatin1String("nginx_running"))
            f.nginxRunning = yes;
        else if (key == QLatin1String("ufw_active"))
            f.ufwActive = yes;
        else if (key == QLatin1String("ss"))
            f.listenersKnown = yes;
        else if (key == QLatin1String("listen")) {
            // "0.0.0.0:80 users:(("nginx",pid=1,fd=6))" or "[::]:443 …"
            const qsizetype space = value.indexOf(QLatin1Char(' '));
            const QString local = space < 0 ? value : value.left(space);
            const qsizetype colon = local.lastIndexOf(QLatin1Char(':'));
            bool ok = false;
            const uint port = colon < 0 ? 0 : local.mid(colon + 1).toUInt(&ok);
            if (!ok || (port != 80 && port != 443))
                continue;
            Listener l;
            l.port = quint16(port);
            l.address = local.left(colon);
            l.process = space < 0 ? QString() : value.mid(space + 1).trimmed();
            f.listeners << l;
        }
    }
    return f;
}

bool PreflightFacts::isDebianLike() const
{
    return osId == QLatin1String("debian") || osId == QLatin1String("ubuntu")
        || osLike.split(QLatin1Char(' ')).contains(QLatin1String("debian"));
}

QList<PreflightFacts::Listener> PreflightFacts::foreignListeners() const
{
    QList<Listener> out;
    for (const Listener& l : listeners) {
        if (!l.process.contains(QLatin1String("\"nginx\"")))
            out << l;
    }
    return out;
}

QJsonObject PreflightFacts::toJson() const
{
    QJsonArray listen;
    for (const Listener& l : listeners)
        listen.append(QStringLiteral("%1:%2 %3").arg(l.address).arg(l.port).arg(l.process));
    return QJsonObject{
        {QStringLiteral("os"), osName},
        {QStringLiteral("osId"), osId},
        {QStringLiteral("osVersion"), osVersion},
        {QStringLiteral("memoryKb"), memoryKb},
        {QStringLiteral("diskFreeKb"), diskFreeKb},
        {QStringLiteral("sudo"), sudo},
        {QStringLiteral("docker"), dockerCli},
        {QStringLiteral("dockerServer"), dockerServerVersion},
        {QStringLiteral("dockerError"), dockerError},
        {QStringLiteral("nginx"), nginx},
        {QStringLiteral("nginxRunning"), nginxRunning},
        {QStringLiteral("nft"), nft},
        {QStringLiteral("certbot"), certbot},
        {QStringLiteral("systemd"), systemd},
        {QStringLiteral("listeners"), listen},
    };
}

} // namespace aio
