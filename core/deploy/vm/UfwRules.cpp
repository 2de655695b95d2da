#include "core/deploy/vm/UfwRules.h"

#include "core/common/ShellQuote.h"

#include <QCoreApplication>

namespace aio {

namespace {

// "198.18.0.1" for a single host (as `ufw show added` prints it), else "198.18.0.0/24".
QString source(const Cidr& c)
{
    const int full = c.isIpv6() ? 128 : 32;
    return c.prefixLength() == full ? c.address().toString() : c.toString();
}

QStringList withoutComment(QStringList tokens)
{
    const qsizetype at = tokens.indexOf(QStringLiteral("comment"));
    if (at >= 0)
        tokens = tokens.mid(0, at);
    return tokens;
}

QString stripComment(const QString& line)
{
    return withoutComment(UfwRules::splitLine(line)).join(QLatin1Char(' '));
}

// Does a ufw port spec ("22", "22/tcp", "20:30/tcp", "22,80/tcp", "ssh") cover TCP port `port`?
bool coversTcpPort(QString spec, quint16 port)
{
    if (spec.endsWith(QLatin1String("/udp")))
        return false;
    if (spec.endsWith(QLatin1String("/tcp")))
        spec.chop(4);
    if (spec.compare(QLatin1String("ssh"), Qt::CaseInsensitive) == 0
        || spec.compare(QLatin1String("OpenSSH"), Qt::CaseInsensitive) == 0)
        return port == 22;
    for (const QString& part : spec.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList range = part.split(QLatin1Char(':'));
        bool okLow = false;
        bool okHigh = false;
        const uint low = range.value(0).toUInt(&okLow);
        const uint high = range.size() == 2 ? range.value(1).toUInt(&okHigh) : low;
        if (okLow && (range.size() == 1 || okHigh) && low <= port && port <= high)
            return true;
    }
    return false;
}
} // namespace

QString UfwRules::commentPrefix()
{
    return QStringLiteral("aio: ");
}

QString UfwRules::backupDir()
{
    return QStringLiteral("/var/lib/aio-sandbox/ufw-backup");
}

QString UfwRules::restorePath()
{
    return QStringLiteral("/var/lib/aio-sandbox/ufw-restore.sh");
}

Result<QList<QStringList>> UfwRules::rules(const FirewallRules& rules)
{
    QHostAddress client = rules.sshClient;
    bool isV4 = false;
    const quint32 v4 = client.toIPv4Address(&isV4); // ::ffff:a.b.c.d → a.b.c.d
    if (isV4)
        client = QHostAddress(v4);
    if (client.isNull() || rules.sshPort == 0)
        return Error(ErrorKind::InvalidInput, tr("The address of this SSH connection is not known."), {},
                     tr("The firewall is not changed without it: it could lock you out."));
    const QString ssh = QString::number(rules.sshPort);
    QList<QStringList> out;
    out << QStringList{QStringLiteral("prepend"), QStringLiteral("allow"),
                       QStringLiteral("from"),    client.toString(),
                       QStringLiteral("to"),      QStringLiteral("any"),
                       QStringLiteral("port"),    ssh,
                       QStringLiteral("proto"),   QStringLiteral("tcp"),
                       QStringLiteral("comment"), commentPrefix() + QStringLiteral("this admin connection")};
    for (const Cidr& c : rules.sshAllowed) {
        if (!c.isValid())
            return Error(ErrorKind::InvalidInput, tr("An admin SSH range is not a valid network."));
        out << QStringList{QStringLiteral("allow"),
                           QStringLiteral("from"),
                           source(c),
                           QStringLiteral("to"),
                           QStringLiteral("any"),
                           QStringLiteral("port"),
                           ssh,
                           QStringLiteral("proto"),
                           QStringLiteral("tcp"),
                           QStringLiteral("comment"),
                           commentPrefix() + QStringLiteral("admin SSH")};
    }
    for (quint16 p : rules.openPorts)
        out << QStringList{QStringLiteral("allow"), QString::number(p) + QStringLiteral("/tcp"),
                           QStringLiteral("comment"), commentPrefix() + QStringLiteral("web")};
    for (quint16 p : rules.keptPorts) {
        if (rules.openPorts.contains(p) || p == rules.sshPort || rules.droppedPorts.contains(p))
            continue;
        out << QStringList{QStringLiteral("allow"), QString::number(p) + QStringLiteral("/tcp"),
                           QStringLiteral("comment"), commentPrefix() + QStringLiteral("kept open")};
    }
    for (quint16 p : rules.droppedPorts)
        out << QStringList{QStringLiteral("deny"), QString::number(p) + QStringLiteral("/tcp"),
                           QStringLiteral("comment"),
                           commentPrefix() + QStringLiteral("sandbox port, only through nginx")};
    return out;
}

QList<QStringList> UfwRules::finalCommands()
{
    return {{QStringLiteral("default"), QStringLiteral("deny"), QStringLiteral("incoming")},
            {QStringLiteral("--force"), QStringLiteral("enable")}};
}

QString UfwRules::addedForm(const QStringList& ruleArgs)
{
    QStringList parts;
    for (qsizetype i = 0; i < ruleArgs.size(); ++i) {
        QString t = ruleArgs.at(i);
        if (i == 0 && t == QLatin1String("prepend"))
            continue; // "prepend allow …" is shown as "allow …"
        if (i > 0 && ruleArgs.at(i - 1) == QLatin1String("comment"))
            t = QLatin1Char('\'') + t + QLatin1Char('\'');
        parts << t;
    }
    return parts.join(QLatin1Char(' '));
}

QStringList UfwRules::parseAdded(const QByteArray& showAdded)
{
    QStringList out;
    for (const QString& raw : QString::fromUtf8(showAdded).split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (line.startsWith(QLatin1String("ufw ")))
            out << line.mid(4).trimmed();
    }
    return out;
}

UfwStatus UfwRules::parseStatus(const QByteArray& statusVerbose)
{
    UfwStatus s;
    for (const QString& raw : QString::fromUtf8(statusVerbose).split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (line.startsWith(QLatin1String("Status:")))
            s.active = line.mid(7).trimmed() == QLatin1String("active");
        else if (line.startsWith(QLatin1String("Default:")))
            s.defaultIncoming = line.mid(8).trimmed().section(QLatin1Char(' '), 0, 0);
    }
    return s;
}

QStringList UfwRules::splitLine(const QString& line)
{
    QStringList out;
    QString current;
    bool inQuote = false;
    bool have = false;
    for (const QChar ch : line) {
        if (inQuote) {
            if (ch == QLatin1Char('\''))
                inQuote = false;
            else
                current += ch;
        } else if (ch == QLatin1Char('\'')) {
            inQuote = true;
            have = true;
        } else if (ch.isSpace()) {
            if (have)
                out << current;
            current.clear();
            have = false;
        } else {
            current += ch;
            have = true;
        }
    }
    if (have)
        out << current;
    return out;
}

QList<QStringList> UfwRules::conflicting(const QStringList& added, const FirewallRules& rules)
{
    QList<QStringList> out;
    for (const QString& line : added) {
        const QStringList tokens = withoutComment(splitLine(line));
        if (tokens.isEmpty())
            continue;
        const QString action = tokens.first();
        if (action != QLatin1String("allow") && action != QLatin1String("limit"))
            continue;
        if (tokens.contains(QLatin1String("out")))
            continue;
        QStringList specs;
        const qsizetype fromAt = tokens.indexOf(QStringLiteral("from"));
        const bool fromAnyone = fromAt < 0 || tokens.value(fromAt + 1) == QLatin1String("any");
        const qsizetype portAt = tokens.indexOf(QStringLiteral("port"));
        const qsizetype appAt = tokens.indexOf(QStringLiteral("app"));
        if (portAt >= 0) {
            QString spec = tokens.value(portAt + 1);
            const qsizetype protoAt = tokens.indexOf(QStringLiteral("proto"));
            if (protoAt >= 0)
                spec += QLatin1Char('/') + tokens.value(protoAt + 1);
            specs << spec;
        } else if (appAt >= 0) {
            specs << tokens.value(appAt + 1);
        } else if (fromAt < 0) {
            // "allow 22/tcp", "allow in 22", "limit OpenSSH"
            const qsizetype at = tokens.value(1) == QLatin1String("in") ? 2 : 1;
            if (tokens.size() == at + 1)
                specs << tokens.value(at);
        }
        bool conflicts = false;
        for (const QString& spec : specs) {
            if (fromAnyone && coversTcpPort(spec, rules.sshPort))
                conflicts = true;
            for (quint16 p : rules.droppedPorts)
                if (action == QLatin1String("allow") && coversTcpPort(spec, p))
                    conflicts = true;
        }
        if (conflicts)
            out << (QStringList{QStringLiteral("delete")} + tokens);
    }
    return out;
}

QStringList UfwRules::missing(const QStringList& added, const FirewallRules& rules)
{
    Result<QList<QStringList>> ours = UfwRules::rules(rules);
    if (!ours)
        return {ours.error().message};
    QStringList have;
    for (const QString& line : added)
        have << stripComment(line);
    QStringList out;
    for (const QStringList& rule : *ours) {
        const QString form = addedForm(rule);
        if (!have.contains(stripComment(form)))
            out << form;
    }
    return out;
}

QString UfwRules::backupScript()
{
    const QString b = shellQuote(backupDir());
    return QStringLiteral("set -e\n"
                          "b=%1\n"
                          "rm -rf \"$b.new\"\n"
                          "mkdir -p -m 700 \"$b.new\"\n"
                          "for f in user.rules user6.rules ufw.conf; do\n"
                          "  if [ -f \"/etc/ufw/$f\" ]; then cp -p \"/etc/ufw/$f\" \"$b.new/$f\"; fi\n"
                          "done\n"
                          "if [ -f /etc/default/ufw ]; then cp -p /etc/default/ufw \"$b.new/default-ufw\"; fi\n"
                          "if ufw status | grep -q '^Status: active'; then echo active; else echo inactive; fi > "
                          "\"$b.new/state\"\n"
                          "rm -rf \"$b\"\n"
                          "mv \"$b.new\" \"$b\"\n"
                          "cat \"$b/state\"\n")
        .arg(b);
}

QString UfwRules::restoreScript()
{
    const QString b = shellQuote(backupDir());
    return QStringLiteral("#!/bin/sh\n"
                          "# Written by AIO Sandbox Manager: puts ufw back as it was before the firewall step.\n"
                          "b=%1\n"
                          "[ -f \"$b/state\" ] || { echo 'no ufw backup' >&2; exit 3; }\n"
                          "state=$(cat \"$b/state\")\n"
                          "if [ \"$state\" != active ]; then ufw --force disable; fi\n"
                          "for f in user.rules user6.rules ufw.conf; do\n"
                          "  if [ -f \"$b/$f\" ]; then cp -p \"$b/$f\" \"/etc/ufw/$f\"; fi\n"
                          "done\n"
                          "if [ -f \"$b/default-ufw\" ]; then cp -p \"$b/default-ufw\" /etc/default/ufw; fi\n"
                          "if [ \"$state\" = active ]; then ufw reload; fi\n"
                          "echo \"ufw restored ($state)\"\n")
        .arg(b);
}

} // namespace aio
