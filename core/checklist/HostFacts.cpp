#include "core/checklist/HostFacts.h"

#include "core/checklist/Check.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <limits>
#include <list>

namespace aio {

// ---- docker inspect ----------------------------------------------------------------------------

bool ContainerFacts::publishesOutsideLoopback() const
{
    if (publishAll)
        return true; // -P: every exposed port on every address
    for (const auto& [address, port] : bindings8080) {
        Q_UNUSED(port);
        if (!(address.startsWith(QLatin1String("127.")) || address == QLatin1String("::1")))
            return true;
    }
    return false;
}

QString ContainerFacts::describeBindings() const
{
    QStringList parts;
    for (const auto& [address, port] : bindings8080) {
        const QString host = address.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(address) : address;
        parts << QStringLiteral("%1:%2->8080/tcp").arg(host, port);
    }
    return QStringLiteral("%1 (%2): %3")
        .arg(spec.name, spec.image,
             (parts.isEmpty() ? CheckInfo::tr("8080 not published") : parts.join(QStringLiteral(", ")))
                 + (publishAll ? QStringLiteral(" (PublishAllPorts: -P)") : QString()));
}

Result<QList<ContainerFacts>> parseContainers(const QByteArray& inspectJson)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(inspectJson, &error);
    if (!doc.isArray())
        return Error(ErrorKind::Protocol,
                     CheckInfo::tr("`docker inspect` printed something that is not a list of containers."),
                     error.errorString());
    QList<ContainerFacts> containers;
    for (const QJsonValue& v : doc.array()) {
        const QJsonObject root = v.toObject();
        Result<ContainerSpec> spec
            = ContainerSpec::fromInspect(QJsonDocument(QJsonArray{root}).toJson(QJsonDocument::Compact),
                                         {QStringLiteral("JWT_PUBLIC_KEY"), QStringLiteral("SANDBOX_API_KEY")});
        if (!spec)
            return spec.error();
        ContainerFacts facts;
        facts.spec = std::move(*spec);
        for (auto it = facts.spec.env.begin(); it != facts.spec.env.end(); ++it) {
            if (!it.value().isEmpty())
                facts.authConfigured = true;
            it.value() = QStringLiteral("…"); // never kept: the value may be a key
        }
        const QJsonObject host = root.value(QLatin1String("HostConfig")).toObject();
        // What is bound now (NetworkSettings.Ports, which also shows `-P`'s random ports), and what
        // the run asked for (HostConfig.PortBindings), together.
        QJsonArray bindings = root.value(QLatin1String("NetworkSettings"))
                                  .toObject()
                                  .value(QLatin1String("Ports"))
                                  .toObject()
                                  .value(QLatin1String("8080/tcp"))
                                  .toArray();
        for (const QJsonValue& b :
             host.value(QLatin1String("PortBindings")).toObject().value(QLatin1String("8080/tcp")).toArray())
            bindings.append(b);
        for (const QJsonValue& b : std::as_const(bindings)) {
            const QJsonObject o = b.toObject();
            QString address = o.value(QLatin1String("HostIp")).toString();
            if (address.isEmpty())
                address = QStringLiteral("0.0.0.0"); // docker's "every address"
            const QPair<QString, QString> binding{address, o.value(QLatin1String("HostPort")).toString()};
            if (!binding.second.isEmpty() && !facts.bindings8080.contains(binding))
                facts.bindings8080.append(binding);
        }
        facts.publishAll = host.value(QLatin1String("PublishAllPorts")).toBool();
        const QJsonObject exposed
            = root.value(QLatin1String("Config")).toObject().value(QLatin1String("ExposedPorts")).toObject();
        facts.exposes8080 = !facts.bindings8080.isEmpty() || exposed.contains(QLatin1String("8080/tcp"))
            || facts.spec.networkMode == QLatin1String("host");
        containers.append(std::move(facts));
    }
    return containers;
}

// ---- nginx -T ----------------------------------------------------------------------------------

namespace {

struct Directive
{
    QString name;
    QStringList args;
    QList<Directive> children;
    bool block = false;
};

// nginx's own grammar: words (quotes allowed), ';' ends a directive, '{' '}' a block, '#' a comment.
QList<Directive> parseBlocks(const QString& text)
{
    QList<Directive> root;
    QList<QList<Directive>*> stack{&root};
    std::list<Directive> open; // the block directives being filled (a list: pointers into it stay valid)
    QStringList words;
    QString word;
    bool inWord = false;
    auto endWord = [&] {
        if (inWord)
            words << word;
        word.clear();
        inWord = false;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('#') && !inWord) {
            while (i < text.size() && text.at(i) != QLatin1Char('\n'))
                ++i;
            continue;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            inWord = true;
            const QChar quote = c;
            for (++i; i < text.size() && text.at(i) != quote; ++i) {
                if (text.at(i) == QLatin1Char('\\') && i + 1 < text.size())
                    ++i;
                word += text.at(i);
            }
            continue;
        }
        if (c.isSpace()) {
            endWord();
            continue;
        }
        if (c == QLatin1Char(';') || c == QLatin1Char('{') || c == QLatin1Char('}')) {
            endWord();
            if (c == QLatin1Char(';')) {
                if (!words.isEmpty())
                    stack.last()->append(Directive{words.first(), words.mid(1), {}, false});
            } else if (c == QLatin1Char('{')) {
                open.push_back(Directive{words.value(0), words.mid(1), {}, true});
                stack.append(&open.back().children);
            } else if (stack.size() > 1) {
                stack.removeLast();
                Directive done = std::move(open.back());
                open.pop_back();
                stack.last()->append(std::move(done));
            }
            words.clear();
            continue;
        }
        inWord = true;
        word += c;
    }
    return root;
}

struct Inherited
{
    std::optional<int> readTimeoutSec;
    std::optional<qint64> maxBodyBytes;
    bool authentication = false;
    QString server;
    QString listen;
};

bool isAuthDirective(const Directive& d)
{
    if (d.name == QLatin1String("auth_basic") || d.name == QLatin1String("auth_request"))
        return d.args.value(0) != QLatin1String("off");
    return d.name == QLatin1String("auth_jwt")
        || (d.name == QLatin1String("deny") && d.args.value(0) == QLatin1String("all"));
}

void applyInherited(const QList<Directive>& children, Inherited& in)
{
    for (const Directive& d : children) {
        if (d.block)
            continue;
        if (d.name == QLatin1String("proxy_read_timeout"))
            in.readTimeoutSec = parseNginxTime(d.args.value(0));
        else if (d.name == QLatin1String("client_max_body_size"))
            in.maxBodyBytes = parseNginxSize(d.args.value(0));
        else if (isAuthDirective(d))
            in.authentication = true;
        else if (d.name == QLatin1String("server_name"))
            in.server = d.args.join(QLatin1Char(' '));
        else if (d.name == QLatin1String("listen"))
            in.listen += (in.listen.isEmpty() ? QString() : QStringLiteral("; ")) + d.args.join(QLatin1Char(' '));
    }
}

bool reachesSandbox(const QString& proxyPass)
{
    static const QRegularExpression port8080(QStringLiteral("^https?://(127\\.[0-9.]+|localhost|\\[::1\\]):8080(/|$)"));
    return port8080.match(proxyPass).hasMatch();
}

void walkLocations(const QList<Directive>& children, Inherited in, const QString& path, NginxFacts& facts)
{
    applyInherited(children, in);
    NginxFacts::Location here;
    bool proxied = false;
    bool internal = false; // reached only by nginx itself (an auth_request target), never by a client
    for (const Directive& d : children) {
        if (d.block)
            continue;
        if (d.name == QLatin1String("internal"))
            internal = true;
        else if (d.name == QLatin1String("proxy_pass") && reachesSandbox(d.args.value(0))) {
            proxied = true;
            here.proxyPass = d.args.value(0);
        } else if (d.name == QLatin1String("proxy_http_version")) {
            here.http11 = d.args.value(0) == QLatin1String("1.1");
        } else if (d.name == QLatin1String("proxy_set_header")) {
            const QString header = d.args.value(0).toLower();
            const QString value = d.args.value(1);
            if (header == QLatin1String("upgrade"))
                here.upgradeHeader = value.contains(QLatin1String("$http_upgrade"));
            else if (header == QLatin1String("x-aio-proxy-port"))
                here.overwritesProxyPort = true;
            else if (header == QLatin1String("host"))
                here.fixedHost
                    = !value.contains(QLatin1String("$host")) && !value.contains(QLatin1String("$http_host"));
        }
    }
    if (proxied && !internal && !path.isNull()) {
        here.server = in.server;
        here.listen = in.listen;
        here.path = path;
        here.readTimeoutSec = in.readTimeoutSec.value_or(60); // nginx's default
        here.maxBodyBytes = in.maxBodyBytes.value_or(1024 * 1024); // 1m
        here.authentication = in.authentication;
        facts.sandboxLocations.append(here);
    }
    for (const Directive& d : children) {
        if (d.block && d.name == QLatin1String("location"))
            walkLocations(d.children, in, d.args.join(QLatin1Char(' ')), facts);
        else if (d.block && (d.name == QLatin1String("server") || d.name == QLatin1String("http"))) {
            Inherited inner = in;
            if (d.name == QLatin1String("server")) {
                inner.server.clear();
                inner.listen.clear();
            }
            walkLocations(d.children, inner, QString(), facts);
        }
    }
}

} // namespace

std::optional<qint64> parseNginxSize(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^([0-9]+)([kKmMgG]?)$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2).toLower();
    if (unit == QLatin1String("k"))
        n *= 1024;
    else if (unit == QLatin1String("m"))
        n *= 1024 * 1024;
    else if (unit == QLatin1String("g"))
        n *= 1024LL * 1024 * 1024;
    return n;
}

std::optional<int> parseNginxTime(const QString& text)
{
    static const QRegularExpression part(QStringLiteral("([0-9]+)(ms|s|m|h|d|w|M|y)?"));
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    qint64 total = 0;
    qsizetype consumed = 0;
    for (QRegularExpressionMatchIterator it = part.globalMatch(t); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart() != consumed)
            return std::nullopt;
        consumed = m.capturedEnd();
        const qint64 n = m.captured(1).toLongLong();
        const QString unit = m.captured(2);
        if (unit == QLatin1String("ms"))
            total += n / 1000;
        else if (unit.isEmpty() || unit == QLatin1String("s"))
            total += n;
        else if (unit == QLatin1String("m"))
            total += n * 60;
        else if (unit == QLatin1String("h"))
            total += n * 3600;
        else if (unit == QLatin1String("d"))
            total += n * 86400;
        else if (unit == QLatin1String("w"))
            total += n * 7 * 86400;
        else if (unit == QLatin1String("M"))
            total += n * 30 * 86400;
        else
            total += n * 365 * 86400;
    }
    if (consumed != t.size())
        return std::nullopt;
    return int(std::min<qint64>(total, std::numeric_limits<int>::max()));
}

NginxFacts parseNginx(const QByteArray& nginxDashT)
{
    NginxFacts facts;
    const QString text = QString::fromUtf8(nginxDashT);
    facts.parsed = text.contains(QLatin1String("http")) && text.contains(QLatin1Char('{'));
    walkLocations(parseBlocks(text), Inherited{}, QString(), facts);
    return facts;
}

// ---- firewalls ---------------------------------------------------------------------------------

namespace {

// A port list as ufw or nft writes it ("8080", "80,443", "8000:9000", "{ 22, 8000-8100 }") holds port.
bool portListHolds(QString list, int port)
{
    list.remove(QLatin1Char('{')).remove(QLatin1Char('}'));
    for (const QString& part : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString t = part.trimmed();
        const qsizetype dash = std::max(t.indexOf(QLatin1Char('-')), t.indexOf(QLatin1Char(':')));
        if (dash > 0) {
            if (port >= t.left(dash).toInt() && port <= t.mid(dash + 1).toInt())
                return true;
        } else if (t.toInt() == port) {
            return true;
        }
    }
    return false;
}

} // namespace

FirewallFacts parseUfwStatus(const QByteArray& ufwStatusVerbose, int sshPort)
{
    FirewallFacts f;
    f.tool = FirewallFacts::Tool::Ufw;
    bool rules = false;
    for (const QByteArray& raw : ufwStatusVerbose.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(QLatin1String("Status:"))) {
            f.active = line.contains(QLatin1String("active")) && !line.contains(QLatin1String("inactive"));
            f.evidenceLines << line;
        } else if (line.startsWith(QLatin1String("Default:"))) {
            f.defaultDeny
                = line.contains(QLatin1String("deny (incoming)")) || line.contains(QLatin1String("reject (incoming)"));
            f.evidenceLines << line;
        } else if (line.startsWith(QLatin1String("--"))) {
            rules = true;
        } else if (rules && !line.isEmpty()) {
            // "To" is a port spec ("8080/tcp", "80,443/tcp", "8000:9000/tcp"), an app ("OpenSSH"), an
            // address, or "Anywhere" (every port); it may be followed by "(v6)" and "on IFACE".
            static const QRegularExpression rule(
                QStringLiteral("^(.+?)(?: \\(v6\\))?(?: on \\S+)?\\s+(ALLOW|DENY|REJECT|LIMIT)(?: IN| FWD)?\\s+(.*)$"));
            const QRegularExpressionMatch m = rule.match(line);
            if (!m.hasMatch()) {
                if (line.contains(QLatin1String("ALLOW")))
                    f.unreadRules << line; // an accept we cannot read: never judged as closed
                continue;
            }
            const QString to = m.captured(1).trimmed();
            const QString action = m.captured(2);
            const QString from = m.captured(3);
            const bool anywhere = from.startsWith(QLatin1String("Anywhere"));
            const bool accepts = action == QLatin1String("ALLOW") || action == QLatin1String("LIMIT");
            const QString portSpec = to.section(QLatin1Char('/'), 0, 0).section(QLatin1Char(' '), 0, 0);
            const bool everyPort = to.startsWith(QLatin1String("Anywhere"));
            const bool isSsh = to.startsWith(QLatin1String("OpenSSH")) || everyPort || portListHolds(portSpec, sshPort);
            if (everyPort || portListHolds(portSpec, 8080)) {
                f.evidenceLines << line;
                if (accepts && anywhere)
                    f.allows8080 = true;
                else if (!accepts)
                    f.denies8080 = true;
            }
            if (isSsh) {
                f.evidenceLines << line;
                if (accepts && anywhere) {
                    f.sshFromAnywhere = true;
                    f.sshRule = line;
                } else if (accepts && f.sshRule.isEmpty()) {
                    f.sshRule = line;
                }
            }
        }
    }
    return f;
}

namespace {

// Whether an nft rule can match TCP: false when it names only other protocols ("meta l4proto
// { icmp, icmpv6 }", or by number when /etc/protocols is missing: "{ 1, 58 }"; "udp …"; "ip
// protocol icmp").
bool mayMatchTcp(const QString& rule)
{
    static const QRegularExpression proto(
        QStringLiteral("(?:meta\\s+l4proto|ip\\s+protocol|ip6\\s+nexthdr)\\s+(\\{[^}]*\\}|\\S+)"));
    const QRegularExpressionMatch m = proto.match(rule);
    if (m.hasMatch()) {
        QString list = m.captured(1);
        list.remove(QLatin1Char('{')).remove(QLatin1Char('}'));
        for (const QString& p : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString name = p.trimmed();
            if (name == QLatin1String("tcp") || name == QLatin1String("6"))
                return true;
        }
        return false;
    }
    const QStringList words = rule.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString first = words.value(0);
    return !(first == QLatin1String("udp") || first == QLatin1String("icmp") || first == QLatin1String("icmpv6")
             || first == QLatin1String("sctp"));
}

} // namespace

FirewallFacts parseNftRuleset(const QByteArray& nftListRuleset, int sshPort)
{
    FirewallFacts f;
    f.tool = FirewallFacts::Tool::Nftables;
    bool inInput = false;
    int depth = 0;
    int chainDepth = -1;
    static const QRegularExpression dport(QStringLiteral("dport\\s+(\\{[^}]*\\}|[0-9]+(?:-[0-9]+)?)"));
    // What nft prints after a verdict or around a rule that does not change what it matches.
    static const QRegularExpression decoration(QStringLiteral(
        "\\s+(comment\\s+\"[^\"]*\"|counter(\\s+packets\\s+\\d+\\s+bytes\\s+\\d+)?|log(\\s+prefix\\s+\"[^\"]*\")?)"));
    for (const QByteArray& raw : nftListRuleset.split('\n')) {
        QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(QLatin1String("chain ")))
            chainDepth = depth;
        depth += int(line.count(QLatin1Char('{'))) - int(line.count(QLatin1Char('}')));
        if (chainDepth >= 0 && depth <= chainDepth) {
            chainDepth = -1;
            inInput = false;
            continue;
        }
        if (line.contains(QLatin1String("hook input"))) {
            inInput = true;
            f.active = true;
            if (line.contains(QLatin1String("policy drop")))
                f.defaultDeny = true;
            f.evidenceLines << line;
            continue;
        }
        if (!inInput)
            continue;
        const QString shown = line;
        line.replace(decoration, QString());
        const QStringList words = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        const bool accepts = words.contains(QLatin1String("accept"));
        const bool drops = words.contains(QLatin1String("drop")) || words.contains(QLatin1String("reject"));
        const bool restricted = line.contains(QLatin1String("saddr")) || line.contains(QLatin1String("iifname \"lo\""))
            || line.contains(QLatin1String("iif \"lo\"")) || line.contains(QLatin1String("ct state"));
        const QRegularExpressionMatch m = dport.match(line);
        if (!m.hasMatch()) {
            // An accept for every port from anywhere opens 8080 too, unless it matches only other protocols.
            if (accepts && !restricted && mayMatchTcp(line)) {
                f.evidenceLines << shown;
                f.allows8080 = true;
                f.sshFromAnywhere = true;
                f.sshRule = shown;
            }
            continue;
        }
        if (portListHolds(m.captured(1), 8080)) {
            f.evidenceLines << shown;
            if (accepts && !restricted)
                f.allows8080 = true;
            else if (drops)
                f.denies8080 = true;
        }
        if (portListHolds(m.captured(1), sshPort)) {
            f.evidenceLines << shown;
            if (accepts && !restricted) {
                f.sshFromAnywhere = true;
                f.sshRule = shown;
            } else if (accepts && f.sshRule.isEmpty()) {
                f.sshRule = shown;
            }
        }
    }
    return f;
}

} // namespace aio
