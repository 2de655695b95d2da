#pragma once

// The facts the VM checks judge, parsed from what the host's own tools print (`ss -Htlnp` is read
// by Listeners, as for the firewall step): `docker inspect`, `nginx -T`, `ufw status verbose`, `nft list ruleset`. Pure
// functions, so the judging is tested on recorded outputs as well as on the testbed's hosts.

#include "core/common/Result.h"
#include "core/deploy/vm/ContainerSpec.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace aio {

// One container as `docker inspect` describes it, with what the checks look at.
struct ContainerFacts
{
    ContainerSpec spec; // name, image, limits, restart, log, privileged, network
    QList<QPair<QString, QString>> bindings8080; // (host address, host port) of container port 8080/tcp
    bool exposes8080 = false; // the image or the run exposes 8080/tcp, or it is published
    bool authConfigured = false; // JWT_PUBLIC_KEY or SANDBOX_API_KEY is set (values never kept)
    bool publishAll = false; // run with -P: every exposed port on every address

    bool publishesOutsideLoopback() const;
    // "sandbox: 0.0.0.0:8080->8080/tcp"
    QString describeBindings() const;
};
// Parses the JSON array `docker inspect ID…` prints for any number of containers.
Result<QList<ContainerFacts>> parseContainers(const QByteArray& inspectJson);

// The parts of nginx's effective configuration (`nginx -T`) that decide whether the sandbox
// works and is protected behind it.
struct NginxFacts
{
    struct Location
    {
        QString server; // the server_name(s) of its server block
        QString listen; // the listen directives of its server block
        QString path; // "/", "/vnc/"…
        QString proxyPass; // "http://127.0.0.1:8080"
        bool http11 = false; // proxy_http_version 1.1
        bool upgradeHeader = false; // proxy_set_header Upgrade …
        bool overwritesProxyPort = false; // proxy_set_header X-AIO-Proxy-Port …
        bool fixedHost = false; // proxy_set_header Host to a value not taken from the client ($host, $http_host)
        std::optional<int> readTimeoutSec; // proxy_read_timeout here or inherited
        std::optional<qint64> maxBodyBytes; // client_max_body_size here or inherited
        bool authentication = false; // auth_basic, auth_request, allow/deny, or auth_jwt here or inherited
    };
    QList<Location> sandboxLocations; // locations whose proxy_pass reaches port 8080
    bool parsed = false;
};
NginxFacts parseNginx(const QByteArray& nginxDashT);
// "50m", "1g", "1024" → bytes; nullopt when malformed. "0" means unlimited (returned as 0).
std::optional<qint64> parseNginxSize(const QString& text);
// "86400s", "1h", "60" → seconds.
std::optional<int> parseNginxTime(const QString& text);

// What the host firewall does with incoming port 8080 and SSH.
struct FirewallFacts
{
    enum class Tool { None, Ufw, Nftables };
    Tool tool = Tool::None;
    bool active = false;
    bool defaultDeny = false; // incoming is dropped unless allowed
    bool allows8080 = false; // a rule accepts 8080 from anywhere
    bool denies8080 = false; // a rule drops or rejects 8080
    bool sshFromAnywhere = false; // SSH is accepted from any address
    QString sshRule; // the rule that lets SSH in, for evidence
    QStringList evidenceLines;
    QStringList unreadRules; // accept rules that could not be read: the verdict cannot be "denied"

    bool blocks8080() const { return active && !allows8080 && unreadRules.isEmpty() && (denies8080 || defaultDeny); }
};
FirewallFacts parseUfwStatus(const QByteArray& ufwStatusVerbose, int sshPort = 22);
FirewallFacts parseNftRuleset(const QByteArray& nftListRuleset, int sshPort = 22);

} // namespace aio
