#include "core/checklist/VmChecklist.h"

#include "core/checklist/EntranceProbes.h"
#include "core/checklist/HostFacts.h"
#include "core/deploy/ImageRef.h"
#include "core/deploy/vm/Listeners.h"
#include "core/net/HttpsProbe.h"
#include "core/net/PortProbe.h"
#include "core/net/WebSocketProbe.h"
#include "core/ssh/RemoteHost.h"
#include "core/ssh/SshSession.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QThreadPool>

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace aio {

namespace {

// The ports of the image that must never answer from outside (upstream's compose file).
const QList<int> kSandboxPorts{5900, 6080, 8080, 8091, 8200, 8888, 9222};

CheckInfo make(const char* id, const char* item, Severity severity, const QString& title, const QString& explanation,
               const QString& remediation, const char* fixStep = "")
{
    return CheckInfo{QString::fromLatin1(id),     QString::fromLatin1(item), severity, title, explanation, remediation,
                     QString::fromLatin1(fixStep)};
}

QString errorText(const Error& e)
{
    return e.message + (e.detail.isEmpty() ? QString() : QStringLiteral(" (") + e.detail.trimmed() + QLatin1Char(')'));
}

// The output of one command on the VM, or why there is none.
struct Remote
{
    std::optional<CommandOutcome> outcome;
    std::optional<Error> error;
    QString label; // the command, for evidence

    bool ok() const { return outcome.has_value(); }
    QString out() const { return outcome ? QString::fromUtf8(outcome->stdoutData).trimmed() : QString(); }
    QString why() const { return error ? errorText(*error) : QString(); }
};

Remote runRemote(RemoteHost* host, const std::optional<Error>& loginError, const QString& label, RemoteCommand command,
                 int timeoutMs, const CancelToken& cancel)
{
    Remote r;
    r.label = label;
    if (!host) {
        r.error = loginError ? *loginError : Error(ErrorKind::ConnectionLost, VmChecklist::tr("No SSH session."));
        return r;
    }
    command.timeoutMs = timeoutMs;
    command.showOutput = false; // docker inspect holds the environment; nothing of it is streamed
    Result<CommandOutcome> out = host->run(command, {}, cancel);
    if (out)
        r.outcome = *out;
    else
        r.error = out.error();
    return r;
}

CheckResult unknownBecause(const QString& id, const Remote& r)
{
    CheckResult c{id, Verdict::Unknown, VmChecklist::tr("Could not tell: %1").arg(r.why()), {}};
    return c;
}

// Everything gathered in the first round, all at once.
struct Facts
{
    Remote containers, listeners, nginx, firewall, renewal, ping, daemon;
    QMap<int, PortProbeResult> ports;
    std::optional<Result<HttpProbeResult>> https, http;
};

// Runs the jobs at once on threads of a pool of their own (Qt threads: the probes' sockets need
// them) and waits for all of them.
void runAll(std::vector<std::function<void()>>& jobs)
{
    QThreadPool pool;
    pool.setMaxThreadCount(int(jobs.size()));
    for (auto& job : jobs)
        pool.start(std::move(job));
    pool.waitForDone();
    jobs.clear();
}

QString describe(const Result<HttpProbeResult>& r)
{
    return r ? r->evidence() : errorText(r.error());
}

} // namespace

const QList<int>& VmChecklist::probedPorts()
{
    static const QList<int> ports{22, 80, 443, 5900, 6080, 8080, 8091, 8200, 8888, 9222};
    return ports;
}

const QList<CheckInfo>& VmChecklist::catalog()
{
    static const QList<CheckInfo> checks{
        make("vm.8080.loopback-binding", "C1", Severity::Critical,
             tr("The sandbox's port 8080 is published on loopback only"),
             tr("Port 8080 is the sandbox's gateway to VNC, code-server, MCP, a shell and files. Published on every "
                "address, anyone who reaches the VM reaches all of it."),
             tr("Publish it as -p 127.0.0.1:8080:8080 (the deployment's container step does) and put nginx in front."),
             "container"),
        make("vm.8080.no-public-listener", "T1", Severity::Critical,
             tr("Nothing listens on port 8080 on a public address"),
             tr("Whatever process it is (a container, a proxy, a forgotten test), a listener on 0.0.0.0:8080 or "
                "[::]:8080 "
                "is reachable from outside unless a firewall stops it."),
             tr("Bind that listener to 127.0.0.1, or stop it."), "container"),
        make("net.8080.closed", "T4", Severity::Critical, tr("Port 8080 is closed from this workstation"),
             tr("Seen from outside, like an attacker would: a connection to the VM's port 8080 must not complete."),
             tr("Bind the sandbox to loopback, deny 8080 in the host firewall, and never open it in the cloud's "
                "security group."),
             "firewall"),
        make("net.exposed-ports", "V2", Severity::High, tr("Only SSH, HTTP and HTTPS answer from outside"),
             tr("The image's inner ports (5900 VNC, 6080 noVNC, 8091 API, 8200 code-server, 8888 Jupyter, 9222 browser "
                "CDP) give full control without authentication."),
             tr("Close every port but 80 and 443 (and SSH from the admins' ranges) in the host firewall and the "
                "security "
                "group."),
             "firewall"),
        make(
            "vm.firewall", "T4", Severity::Medium, tr("The host firewall denies 8080 and limits SSH"),
            tr("A second line behind the security group: if a container is ever published on every address, the "
               "firewall still keeps 8080 closed; SSH open to the whole internet invites password guessing."),
            tr("Let the deployment's firewall step install nftables or ufw rules: inbound 80/443, SSH from the admins' "
               "ranges, 8080 dropped."),
            "firewall"),
        make("cloud.security-group", "V2", Severity::High,
             tr("The cloud security group allows only 80 and 443 (and SSH from admins)"),
             tr("The cloud's own firewall cannot be seen from inside the VM or told apart from the host firewall from "
                "here."),
             tr("In the cloud console, check the VM's security group: inbound 80 and 443 from anywhere, 22 from the "
                "admins' ranges only, never 8080. Then mark this item confirmed.")),
        make("tls.https", "T2", Severity::Critical, tr("HTTPS answers on port 443"),
             tr("Without TLS, passwords, tokens and the VNC stream cross the network in clear."),
             tr("Terminate TLS at nginx (the deployment's TLS and nginx steps) or at a load balancer."), "tls"),
        make("tls.certificate", "C2", Severity::High,
             tr("The certificate is valid for the host name and not about to expire"),
             tr("Browsers refuse an invalid certificate, and admins who click through warnings can be intercepted. A "
                "certificate expiring within 21 days needs attention now."),
             tr("Issue a certificate for the public name (Let's Encrypt through the deployment's TLS step) and keep it "
                "renewed."),
             "tls"),
        make("tls.protocol", "C2", Severity::Medium, tr("TLS 1.2 or newer is negotiated"),
             tr("TLS 1.0 and 1.1 are broken and disabled by every current browser."),
             tr("Set ssl_protocols TLSv1.2 TLSv1.3; in nginx."), "nginx"),
        make("tls.http-redirect", "V3", Severity::Medium, tr("Plain HTTP redirects to HTTPS"),
             tr("A site that also answers on http:// lets a link or a typo send credentials in clear."),
             tr("Make the port-80 server answer every request with a 301 to https://."), "nginx"),
        make(
            "tls.renewal", "C2", Severity::Medium, tr("Certificate renewal is automated"),
            tr("Let's Encrypt certificates last 90 days; without a renewal timer the site breaks within three months."),
            tr("Enable certbot's timer (systemctl enable --now certbot.timer) or its cron job."), "tls"),
        make("auth.entrances", "C3", Severity::Critical, tr("Every entrance refuses anonymous requests"),
             tr("The image has no authentication of its own unless JWT_PUBLIC_KEY or SANDBOX_API_KEY is set: VNC, "
                "code-server, MCP, the docs, the shell and file downloads are open to anyone who reaches them."),
             tr("Put authentication in front (basic auth, SSO with auth_request, an IP allowlist) and/or set the "
                "sandbox's JWT_PUBLIC_KEY (the deployment's auth and nginx steps)."),
             "auth"),
        make("auth.bypasses", "C3", Severity::Critical, tr("The image's known authentication bypasses are closed"),
             tr("The image's own authentication skips any GET whose URI ends in a static suffix (?x=.js) and routes a "
                "Host header \"<digits>-…\" to that port inside the container without authentication."),
             tr("Authenticate at nginx for every request, and send a fixed Host to the sandbox (the deployment's nginx "
                "step does both)."),
             "nginx"),
        make("auth.proxy-port-header", "C3", Severity::High, tr("A client's X-AIO-Proxy-Port header is overwritten"),
             tr("Upstream says a trusted proxy must overwrite X-AIO-Proxy-Port; passed through, a client chooses which "
                "inner port its request reaches."),
             tr("Add proxy_set_header X-AIO-Proxy-Port \"\"; to every location that proxies to the sandbox."), "nginx"),
        make("nginx.websocket", "V3", Severity::High, tr("A WebSocket upgrade works through the proxy"),
             tr("VNC, the terminals and MCP's streams are WebSockets: without proxy_http_version 1.1 and the Upgrade "
                "and "
                "Connection headers they fail behind the proxy."),
             tr("In each location proxying to the sandbox: proxy_http_version 1.1; proxy_set_header Upgrade "
                "$http_upgrade; proxy_set_header Connection $connection_upgrade;"),
             "nginx"),
        make("nginx.limits", "V3", Severity::Medium, tr("Uploads up to 50 MB and long-lived sessions pass the proxy"),
             tr("nginx's defaults (1 MB bodies, 60 s read timeout) break file uploads and drop idle VNC and terminal "
                "sessions after a minute."),
             tr("Set client_max_body_size 50m; and proxy_read_timeout/proxy_send_timeout of an hour or more."),
             "nginx"),
        make("container.limits", "C4", Severity::High, tr("The sandbox container has CPU and memory limits"),
             tr("A browser and agents without limits can take the whole VM, including sshd and nginx."),
             tr("Run with --cpus and --memory (the guide's examples: 1–4 CPUs, 2–8 GB)."), "container"),
        make("container.shm", "C4", Severity::Medium, tr("The sandbox has a 2 GB /dev/shm"),
             tr("Chromium inside the sandbox crashes on docker's 64 MB default /dev/shm."),
             tr("Run with --shm-size 2g."), "container"),
        make("container.restart", "C5", Severity::Low, tr("The container restarts by itself"),
             tr("Without a restart policy the sandbox stays down after a crash or a reboot."),
             tr("Run with --restart unless-stopped."), "container"),
        make("container.log-rotation", "C5", Severity::Low, tr("The container's logs are rotated"),
             tr("docker's json-file driver keeps every line forever unless max-size is set: the disk fills up."),
             tr("Run with --log-opt max-size=50m --log-opt max-file=5, or set log-opts in /etc/docker/daemon.json."),
             "container"),
        make("container.image-pinned", "C5", Severity::Medium, tr("The image is pinned to a version or digest"),
             tr(":latest changes under you: a restart can bring a different sandbox, and what was audited is not what "
                "runs."),
             tr("Use a version tag (for example 1.11.0) or a digest."), "container"),
        make("container.isolation", "C1", Severity::Critical,
             tr("The container is not privileged and not on the host network"),
             tr("A privileged container or one on the host's network stack can take the VM, and host networking puts "
                "8080 on every address."),
             tr("Run without --privileged and --network host; add only the capabilities the image needs."),
             "container"),
        make("container.health", "C5", Severity::Medium, tr("The sandbox answers its health check"),
             tr("GET /v1/ping on the VM's loopback shows the sandbox's gateway is up."),
             tr("Look at the container's logs (docker logs) and restart it."), "container"),
    };
    return checks;
}

const CheckInfo* VmChecklist::info(const QString& checkId)
{
    for (const CheckInfo& c : catalog()) {
        if (c.id == checkId)
            return &c;
    }
    return nullptr;
}

AuditReport VmChecklist::run(RemoteHost* host, const std::optional<Error>& loginError, const VmAuditInput& input,
                             const CancelToken& cancel)
{
    QElapsedTimer clock;
    clock.start();
    AuditReport report;
    report.targetName = input.targetName;
    report.targetId = input.targetId;
    report.started = QDateTime::currentDateTimeUtc();
    report.loginError = host ? std::nullopt : loginError;
    const HostName& shownName = input.publicHost.isEmpty() ? input.address : input.publicHost;
    report.address = input.publicHost.isEmpty() || input.publicHost == input.address
        ? input.address.toString()
        : tr("%1 via %2").arg(input.publicHost.toString(), input.address.toString());

    // ---- round 1: the host's facts and the workstation's first look, all at once ----
    Facts f;
    const int rt = input.remoteTimeoutMs;
    std::vector<std::function<void()>> jobs;
    auto remote = [&](Remote& slot, const QString& label, RemoteCommand command) {
        jobs.emplace_back([&slot, label, command = std::move(command), host, &loginError, rt, &cancel] {
            slot = runRemote(host, loginError, label, command, rt, cancel);
        });
    };
    remote(f.containers, QStringLiteral("docker inspect $(docker ps -q)"),
           RemoteCommand::shell(QStringLiteral("ids=$(docker ps -q) || exit 3; if [ -z \"$ids\" ]; then echo '[]'; "
                                               "else docker inspect $ids; fi"))
               .asRoot());
    remote(f.listeners, QStringLiteral("ss -Htlnp"),
           RemoteCommand::args({QStringLiteral("ss"), QStringLiteral("-Htlnp")}).asRoot());
    remote(
        f.nginx, QStringLiteral("nginx -T"),
        RemoteCommand::shell(QStringLiteral("if ! command -v nginx >/dev/null 2>&1; then echo '#no-nginx'; exit 0; fi; "
                                            "nginx -T 2>&1"))
            .asRoot());
    remote(f.firewall, QStringLiteral("ufw status verbose / nft list ruleset"),
           RemoteCommand::shell(
               QStringLiteral("if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q 'Status: active'; "
                              "then echo '#ufw'; ufw status verbose; "
                              "elif command -v nft >/dev/null 2>&1; then echo '#nft'; nft list ruleset; "
                              "else echo '#none'; fi"))
               .asRoot());
    remote(f.renewal, QStringLiteral("certbot renewal"),
           RemoteCommand::shell(
               QStringLiteral(
                   "for f in /etc/letsencrypt/renewal/*.conf; do [ -e \"$f\" ] && echo \"conf $f\"; done; "
                   "if command -v systemctl >/dev/null 2>&1; then for t in certbot.timer snap.certbot.renew.timer "
                   "certbot-renew.timer; do echo \"timer $t $(systemctl is-enabled $t 2>/dev/null)\"; "
                   "done; fi; [ -e /etc/cron.d/certbot ] && echo 'cron /etc/cron.d/certbot'; exit 0"))
               .asRoot());
    remote(f.ping, QStringLiteral("curl http://127.0.0.1:8080/v1/ping"),
           RemoteCommand::shell(QStringLiteral("command -v curl >/dev/null 2>&1 || { echo 'no curl'; exit 0; }; "
                                               "curl -s -o /dev/null -w '%{http_code}' --max-time 5 "
                                               "http://127.0.0.1:8080/v1/ping; exit 0")));
    remote(f.daemon, QStringLiteral("cat /etc/docker/daemon.json"),
           RemoteCommand::shell(QStringLiteral("cat /etc/docker/daemon.json 2>/dev/null; exit 0")).asRoot());
    QMutex portsMutex;
    for (int port : probedPorts()) {
        jobs.emplace_back([&, port] {
            const PortProbeResult r = PortProbe::run(input.address, Port(quint16(port)), input.probeTimeoutMs, cancel);
            const QMutexLocker lock(&portsMutex);
            f.ports.insert(port, r);
        });
    }
    auto endpoint = [&](int port, bool tls) {
        ProbeEndpoint e;
        e.address = input.address;
        e.port = Port(quint16(port));
        e.hostName = input.publicHost;
        e.tls = tls;
        e.extraCaCertificates = input.extraCaCertificates;
        e.timeoutMs = input.probeTimeoutMs;
        return e;
    };
    jobs.emplace_back([&] {
        HttpProbeRequest r;
        r.endpoint = endpoint(443, true);
        r.path = "/v1/ping";
        r.sendWhenUnverified = true; // anonymous: nothing to leak, and what answers is evidence
        f.https = HttpsProbe::run(r, cancel);
    });
    jobs.emplace_back([&] {
        HttpProbeRequest r;
        r.endpoint = endpoint(80, false);
        r.path = "/";
        f.http = HttpsProbe::run(r, cancel);
    });
    runAll(jobs);

    // ---- the entrance the world sees: HTTPS, else plain HTTP on 80, else 8080 itself ----
    std::optional<ProbeEndpoint> front;
    QString frontWhy;
    const bool httpsAnswers = f.https && *f.https && (*f.https)->requestSent && (*f.https)->status > 0;
    const bool httpRedirects = f.http && *f.http && ((*f.http)->status == 301 || (*f.http)->status == 308)
        && (*f.http)->header("Location").startsWith("https://");
    if (httpsAnswers)
        front = endpoint(443, true);
    else if (f.http && *f.http && (*f.http)->status > 0 && !httpRedirects)
        front = endpoint(80, false);
    else if (f.ports.value(8080).state == PortState::Open)
        front = endpoint(8080, false);
    else
        frontWhy = tr("nothing answers HTTP on ports 443, 80 or 8080 from this workstation");

    // ---- round 2: every entrance anonymously, and a WebSocket through the front ----
    QList<EntranceOutcome> entrances(EntranceProbes::all().size());
    std::optional<Result<WebSocketProbeResult>> upgrade;
    if (front) {
        for (qsizetype i = 0; i < EntranceProbes::all().size(); ++i) {
            jobs.emplace_back([&, i] {
                entrances[i] = EntranceProbes::run(*front, EntranceProbes::all().at(i), input.signInUrl, cancel);
            });
        }
        jobs.emplace_back([&] {
            WebSocketProbeRequest ws;
            ws.endpoint = *front;
            ws.path = "/websockify";
            ws.sendWhenUnverified = true;
            upgrade = WebSocketProbe::run(ws, cancel);
        });
        runAll(jobs);
    }

    // ---- judging ----
    QList<CheckResult>& out = report.results;
    Result<QList<ContainerFacts>> containers = f.containers.ok() && f.containers.outcome->succeeded()
        ? parseContainers(f.containers.outcome->stdoutData)
        : Result<QList<ContainerFacts>>(f.containers.error
                                            ? *f.containers.error
                                            : Error(ErrorKind::CommandFailed, tr("docker ps/inspect failed."),
                                                    QString::fromUtf8(f.containers.outcome->stderrData).trimmed()));
    QList<ContainerFacts> sandboxes; // the containers that publish or expose 8080
    if (containers) {
        for (const ContainerFacts& c : *containers) {
            if (c.exposes8080)
                sandboxes << c;
        }
    }
    auto containerEvidence = [&](CheckResult& c) {
        QStringList lines;
        for (const ContainerFacts& s : sandboxes)
            lines << s.describeBindings();
        c.addEvidence(f.containers.label,
                      lines.isEmpty() ? tr("no running container publishes or exposes 8080")
                                      : lines.join(QLatin1Char('\n')));
    };
    auto noContainer = [&](const QString& id) -> std::optional<CheckResult> {
        if (!containers)
            return CheckResult{id, Verdict::Unknown, tr("Could not tell: %1").arg(errorText(containers.error())), {}};
        if (sandboxes.isEmpty())
            return CheckResult{id,
                               Verdict::Unknown,
                               tr("Could not tell: no running container publishes or exposes port 8080 "
                                  "(is the sandbox deployed and running?)"),
                               {}};
        return std::nullopt;
    };

    // C1: loopback binding of every container publishing 8080.
    {
        const QString id = QStringLiteral("vm.8080.loopback-binding");
        if (std::optional<CheckResult> u = noContainer(id)) {
            out << *u;
        } else {
            QStringList open;
            for (const ContainerFacts& s : sandboxes) {
                if (s.publishesOutsideLoopback() || s.spec.networkMode == QLatin1String("host"))
                    open << s.spec.name;
            }
            CheckResult c{id,
                          open.isEmpty() ? Verdict::Pass : Verdict::Fail,
                          open.isEmpty() ? tr("Every container with port 8080 publishes it on loopback only.")
                                         : tr("Published beyond loopback: %1").arg(open.join(QStringLiteral(", "))),
                          {}};
            containerEvidence(c);
            out << c;
        }
    }
    // T1: listeners on 8080.
    {
        const QString id = QStringLiteral("vm.8080.no-public-listener");
        if (!f.listeners.ok() || !f.listeners.outcome->succeeded()) {
            out << (f.listeners.ok()
                        ? CheckResult{id,
                                      Verdict::Unknown,
                                      tr("Could not tell: ss failed: %1")
                                          .arg(QString::fromUtf8(f.listeners.outcome->stderrData).trimmed()),
                                      {}}
                        : unknownBecause(id, f.listeners));
        } else {
            QStringList publicLines, allLines;
            for (const Listener& l : Listeners::parse(f.listeners.outcome->stdoutData)) {
                if (l.port != 8080)
                    continue;
                const QString line
                    = QStringLiteral("%1:%2 %3")
                          .arg(l.address.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(l.address) : l.address)
                          .arg(l.port)
                          .arg(l.process.isEmpty() ? QString() : QStringLiteral("(%1)").arg(l.process));
                allLines << line.trimmed();
                if (!l.isLoopback())
                    publicLines << line.trimmed();
            }
            CheckResult c{id,
                          publicLines.isEmpty() ? Verdict::Pass : Verdict::Fail,
                          publicLines.isEmpty()
                              ? (allLines.isEmpty() ? tr("Nothing listens on port 8080 on the VM.")
                                                    : tr("Port 8080 listens on loopback only."))
                              : tr("Listening on a public address: %1").arg(publicLines.join(QStringLiteral("; "))),
                          {}};
            c.addEvidence(QStringLiteral("ss -Htlnp | port 8080"),
                          allLines.isEmpty() ? tr("(no listener on 8080)") : allLines.join(QLatin1Char('\n')));
            out << c;
        }
    }
    // T4: 8080 from the workstation.
    {
        const PortProbeResult p = f.ports.value(8080);
        Verdict v = Verdict::Unknown;
        QString summary;
        switch (p.state) {
        case PortState::Open:
            v = Verdict::Fail;
            summary = tr("Port 8080 on %1 accepts connections from this workstation.").arg(input.address.toString());
            break;
        case PortState::Refused:
        case PortState::Filtered:
            v = Verdict::Pass;
            summary = tr("Port 8080 on %1 is %2 from this workstation.")
                          .arg(input.address.toString(), PortProbe::stateName(p.state));
            break;
        case PortState::Unreachable:
        case PortState::Unknown:
            summary = tr("Could not tell: the VM did not answer at all from this workstation (%1).").arg(p.detail);
            break;
        }
        CheckResult c{QStringLiteral("net.8080.closed"), v, summary, {}};
        c.addEvidence(tr("TCP connect from this workstation"), p.evidence());
        out << c;
    }
    // V2: other ports.
    {
        QStringList open, lines;
        bool anyAnswer = false;
        for (int port : probedPorts()) {
            const PortProbeResult p = f.ports.value(port);
            lines << p.evidence();
            if (p.state == PortState::Open || p.state == PortState::Refused)
                anyAnswer = true;
            if (p.state == PortState::Open && kSandboxPorts.contains(port))
                open << QString::number(port);
        }
        CheckResult c{QStringLiteral("net.exposed-ports"), Verdict::Pass, {}, {}};
        if (!open.isEmpty()) {
            c.verdict = Verdict::Fail;
            c.summary = tr("The sandbox's own ports answer from outside: %1").arg(open.join(QStringLiteral(", ")));
        } else if (!anyAnswer) {
            c.verdict = Verdict::Unknown;
            c.summary
                = tr("Could not tell: no probed port answered or refused (the VM or the network drops everything).");
        } else {
            c.summary = tr("None of the sandbox's ports (%1) answers from this workstation.")
                            .arg(QStringList([] {
                                     QStringList s;
                                     for (int p : kSandboxPorts)
                                         s << QString::number(p);
                                     return s;
                                 }())
                                     .join(QStringLiteral(", ")));
        }
        c.addEvidence(tr("TCP connects from this workstation"), lines.join(QLatin1Char('\n')));
        out << c;
    }
    // T4: host firewall.
    bool firewallDrops8080 = false;
    {
        const QString id = QStringLiteral("vm.firewall");
        if (!f.firewall.ok()) {
            out << unknownBecause(id, f.firewall);
        } else {
            const QString text = f.firewall.out();
            FirewallFacts fw;
            if (text.startsWith(QLatin1String("#ufw")))
                fw = parseUfwStatus(f.firewall.outcome->stdoutData, input.sshPort);
            else if (text.startsWith(QLatin1String("#nft")))
                fw = parseNftRuleset(f.firewall.outcome->stdoutData, input.sshPort);
            firewallDrops8080 = fw.blocks8080();
            CheckResult c{id, Verdict::Pass, {}, {}};
            if (!fw.active) {
                c.verdict = Verdict::Warning;
                c.summary = tr("No host firewall is active: only the loopback binding and the security group keep 8080 "
                               "closed.");
            } else if (fw.allows8080) {
                c.verdict = Verdict::Fail;
                c.summary = tr("The host firewall accepts port 8080 from anywhere.");
            } else if (!fw.unreadRules.isEmpty()) {
                c.verdict = Verdict::Unknown;
                c.summary = tr("Could not tell: rules that accept traffic could not be read: %1")
                                .arg(fw.unreadRules.join(QStringLiteral("; ")));
            } else if (!fw.blocks8080()) {
                c.verdict = Verdict::Warning;
                c.summary = tr("The host firewall neither drops 8080 nor drops by default.");
            } else if (fw.sshFromAnywhere) {
                c.verdict = Verdict::Warning;
                c.summary = tr("8080 is denied, but SSH is open to any address (%1).").arg(fw.sshRule);
            } else {
                c.summary = tr("8080 is denied and SSH is limited (%1).")
                                .arg(fw.sshRule.isEmpty() ? tr("no rule lets SSH in from outside") : fw.sshRule);
            }
            c.addEvidence(f.firewall.label,
                          fw.evidenceLines.isEmpty() ? text.left(2000) : fw.evidenceLines.join(QLatin1Char('\n')));
            out << c;
        }
    }
    // V2: the cloud security group: manual.
    out << CheckResult{QStringLiteral("cloud.security-group"),
                       Verdict::Manual,
                       tr("Cannot be seen from here: confirm it in the cloud console."),
                       {}};

    // T2 / C2: TLS.
    const bool haveTls = f.https && *f.https && (*f.https)->tls.encrypted;
    {
        CheckResult c{QStringLiteral("tls.https"), Verdict::Fail, {}, {}};
        if (haveTls) {
            c.verdict = Verdict::Pass;
            c.summary = tr("HTTPS answers on %1:443 (%2).").arg(shownName.toString(), (*f.https)->tls.protocol);
        } else {
            c.summary = tr("No TLS on port 443: %1").arg(f.https ? describe(*f.https) : QString());
        }
        if (f.https)
            c.addEvidence(QStringLiteral("GET https://%1/v1/ping").arg(shownName.forUrl()), describe(*f.https));
        out << c;
    }
    {
        CheckResult c{QStringLiteral("tls.certificate"), Verdict::Unknown, {}, {}};
        if (!haveTls || (*f.https)->tls.chain.isEmpty()) {
            c.verdict = haveTls ? Verdict::Unknown : Verdict::Fail;
            c.summary = haveTls ? tr("Could not tell: the server sent no certificate.")
                                : tr("No certificate: HTTPS does not answer.");
        } else {
            const TlsPeerInfo& tls = (*f.https)->tls;
            const CertificateInfo& leaf = tls.chain.first();
            const qint64 days = leaf.daysLeft();
            if (days < 0) {
                c.verdict = Verdict::Fail;
                c.summary = tr("The certificate expired %1 days ago.").arg(-days);
            } else if (!tls.verified) {
                c.verdict = Verdict::Fail;
                c.summary
                    = tr("The certificate does not verify: %1").arg(tls.verificationErrors.join(QStringLiteral("; ")));
            } else if (days < 21) {
                c.verdict = Verdict::Warning;
                c.summary = tr("Valid for %1, but expires in %2 days.").arg(shownName.toString()).arg(days);
            } else {
                c.verdict = Verdict::Pass;
                c.summary = tr("Valid for %1, %2 days left.").arg(shownName.toString()).arg(days);
            }
            c.addEvidence(tr("TLS handshake with %1").arg(shownName.toString()), tls.toString());
        }
        out << c;
    }
    {
        CheckResult c{QStringLiteral("tls.protocol"), Verdict::Unknown, {}, {}};
        if (haveTls) {
            const QString proto = (*f.https)->tls.protocol;
            const bool modern = proto.contains(QLatin1String("1.2")) || proto.contains(QLatin1String("1.3"));
            c.verdict = modern ? Verdict::Pass : Verdict::Fail;
            c.summary = tr("Negotiated %1.").arg(proto.isEmpty() ? tr("an unknown protocol") : proto);
            c.addEvidence(tr("TLS handshake"), proto + QStringLiteral(" ") + (*f.https)->tls.cipher);
        } else {
            c.verdict = Verdict::Fail;
            c.summary = tr("No TLS on port 443.");
        }
        out << c;
    }
    {
        CheckResult c{QStringLiteral("tls.http-redirect"), Verdict::Fail, {}, {}};
        if (!f.http || !*f.http) {
            const bool closed
                = f.ports.value(80).state == PortState::Refused || f.ports.value(80).state == PortState::Filtered;
            c.verdict = closed && haveTls ? Verdict::Pass : Verdict::Unknown;
            c.summary = closed && haveTls ? tr("Port 80 is closed; the site is HTTPS only.")
                                          : tr("Could not tell: %1").arg(f.http ? describe(*f.http) : QString());
        } else if (httpRedirects) {
            c.verdict = Verdict::Pass;
            c.summary = tr("http:// answers %1 to %2.")
                            .arg((*f.http)->status)
                            .arg(QString::fromUtf8((*f.http)->header("Location")));
        } else {
            c.summary = tr("http:// answers %1 instead of redirecting to https://.").arg((*f.http)->status);
        }
        if (f.http)
            c.addEvidence(QStringLiteral("GET http://%1/").arg(shownName.forUrl()),
                          describe(*f.http)
                              + (f.http && *f.http && !(*f.http)->header("Location").isEmpty()
                                     ? QStringLiteral("; Location: ") + QString::fromUtf8((*f.http)->header("Location"))
                                     : QString()));
        out << c;
    }
    {
        CheckResult c{QStringLiteral("tls.renewal"), Verdict::Unknown, {}, {}};
        if (!haveTls) {
            c.verdict = Verdict::Fail;
            c.summary = tr("No certificate to renew: HTTPS does not answer.");
        } else if (!f.renewal.ok()) {
            c = unknownBecause(c.id, f.renewal);
        } else {
            const QString text = f.renewal.out();
            const QString leafIssuer
                = (*f.https)->tls.chain.isEmpty() ? QString() : (*f.https)->tls.chain.first().issuer;
            const bool conf = text.contains(QLatin1String("conf /etc/letsencrypt/renewal/"));
            static const QRegularExpression enabledTimer(QStringLiteral("^timer \\S+ enabled$"),
                                                         QRegularExpression::MultilineOption);
            const bool scheduled = enabledTimer.match(text).hasMatch() || text.contains(QLatin1String("cron "));
            if (conf && scheduled) {
                c.verdict = Verdict::Pass;
                c.summary = tr("certbot keeps the certificate renewed.");
            } else if (conf) {
                c.verdict = Verdict::Fail;
                c.summary
                    = tr("certbot has a renewal configuration, but neither its timer nor its cron job is enabled.");
            } else {
                c.verdict = Verdict::Warning;
                c.summary = tr("Not an ACME certificate (issuer %1): renewing it is up to the admin.").arg(leafIssuer);
            }
            c.addEvidence(f.renewal.label, text.isEmpty() ? tr("(nothing found)") : text);
        }
        out << c;
    }

    // C3: entrances and bypasses.
    auto judgeEntrances = [&](const QString& id, bool bypasses) {
        CheckResult c{id, Verdict::Unknown, {}, {}};
        if (!front) {
            c.summary = tr("Could not tell: %1.").arg(frontWhy);
            return c;
        }
        QStringList open, silent;
        for (qsizetype i = 0; i < EntranceProbes::all().size(); ++i) {
            const EntranceProbe& p = EntranceProbes::all().at(i);
            if ((p.kind != EntranceProbe::Kind::Entrance) != bypasses)
                continue;
            const EntranceOutcome& o = entrances.at(i);
            c.addEvidence(p.request(), o.evidence);
            if (!o.requestSent)
                silent << p.request();
            else if (!o.refused)
                open << QStringLiteral("%1 → %2").arg(p.request()).arg(o.status);
        }
        if (!open.isEmpty()) {
            c.verdict = Verdict::Fail;
            c.summary = tr("Answered without credentials: %1").arg(open.join(QStringLiteral("; ")));
        } else if (!silent.isEmpty()) {
            c.summary = tr("Could not tell: no answer to %1").arg(silent.join(QStringLiteral("; ")));
        } else {
            c.verdict = Verdict::Pass;
            c.summary
                = bypasses ? tr("Every known bypass is refused.") : tr("Every entrance refuses anonymous requests.");
        }
        c.summary += QLatin1Char(' ') + tr("(through %1)").arg(front->describe());
        return c;
    };
    out << judgeEntrances(QStringLiteral("auth.entrances"), false);
    out << judgeEntrances(QStringLiteral("auth.bypasses"), true);

    // The nginx configuration, for the header, WebSocket and limits checks.
    const bool haveNginxText = f.nginx.ok() && !f.nginx.out().startsWith(QLatin1String("#no-nginx"));
    const NginxFacts nginx = haveNginxText ? parseNginx(f.nginx.outcome->stdoutData) : NginxFacts{};
    auto locationsEvidence = [&](CheckResult& c, const std::function<QString(const NginxFacts::Location&)>& line) {
        QStringList lines;
        for (const NginxFacts::Location& l : nginx.sandboxLocations)
            lines << QStringLiteral("server %1 [%2] location %3: %4").arg(l.server, l.listen, l.path, line(l));
        c.addEvidence(QStringLiteral("nginx -T"),
                      lines.isEmpty() ? tr("no location proxies to port 8080") : lines.join(QLatin1Char('\n')));
    };
    auto nginxUnknown = [&](const QString& id) -> std::optional<CheckResult> {
        if (!f.nginx.ok())
            return unknownBecause(id, f.nginx);
        if (!haveNginxText)
            return CheckResult{id, Verdict::Unknown, tr("Could not tell: nginx is not installed on the VM."), {}};
        if (!f.nginx.outcome->succeeded())
            return CheckResult{
                id, Verdict::Unknown, tr("Could not tell: nginx -T failed: %1").arg(f.nginx.out().right(400)), {}};
        if (nginx.sandboxLocations.isEmpty())
            return CheckResult{
                id, Verdict::Unknown, tr("Could not tell: no nginx location proxies to the sandbox's port 8080."), {}};
        return std::nullopt;
    };
    {
        const QString id = QStringLiteral("auth.proxy-port-header");
        if (std::optional<CheckResult> u = nginxUnknown(id)) {
            out << *u;
        } else {
            QStringList missing;
            for (const NginxFacts::Location& l : nginx.sandboxLocations) {
                if (!l.overwritesProxyPort)
                    missing << l.path;
            }
            CheckResult c{id,
                          missing.isEmpty() ? Verdict::Pass : Verdict::Fail,
                          missing.isEmpty()
                              ? tr("Every location proxying to the sandbox overwrites X-AIO-Proxy-Port.")
                              : tr("Passed through unchanged in: %1").arg(missing.join(QStringLiteral(", "))),
                          {}};
            locationsEvidence(c, [](const NginxFacts::Location& l) {
                return l.overwritesProxyPort ? QStringLiteral("proxy_set_header X-AIO-Proxy-Port set")
                                             : QStringLiteral("X-AIO-Proxy-Port not set");
            });
            out << c;
        }
    }
    {
        CheckResult c{QStringLiteral("nginx.websocket"), Verdict::Unknown, {}, {}};
        if (!front) {
            c.summary = tr("Could not tell: %1.").arg(frontWhy);
        } else if (upgrade && *upgrade && (*upgrade)->upgraded()) {
            c.verdict = Verdict::Pass;
            c.summary = tr("/websockify was upgraded through %1.").arg(front->describe());
        } else if (upgrade && *upgrade
                   && ((*upgrade)->status == 401 || (*upgrade)->status == 403 || (*upgrade)->status == 302)) {
            // Refused before the proxy: judge from the configuration instead.
            std::optional<CheckResult> u = nginxUnknown(c.id);
            if (u) {
                c.summary = tr("Could not tell: the upgrade is refused without credentials, and %1")
                                .arg(u->summary.section(QStringLiteral(": "), 1));
            } else {
                QStringList broken;
                for (const NginxFacts::Location& l : nginx.sandboxLocations) {
                    if (!l.http11 || !l.upgradeHeader)
                        broken << l.path;
                }
                c.verdict = broken.isEmpty() ? Verdict::Pass : Verdict::Fail;
                c.summary = broken.isEmpty() ? tr("Refused without credentials here; every location proxying to the "
                                                  "sandbox passes upgrades (HTTP/1.1 and the Upgrade header).")
                                             : tr("No WebSocket upgrade in: %1").arg(broken.join(QStringLiteral(", ")));
                locationsEvidence(c, [](const NginxFacts::Location& l) {
                    return QStringLiteral("proxy_http_version %1; Upgrade header %2")
                        .arg(l.http11 ? QStringLiteral("1.1") : QStringLiteral("1.0 (default)"),
                             l.upgradeHeader ? QStringLiteral("passed") : QStringLiteral("missing"));
                });
            }
        } else if (!upgrade || !*upgrade || !(*upgrade)->requestSent) {
            c.summary
                = tr("Could not tell: the upgrade on /websockify got no answer through %1.").arg(front->describe());
        } else {
            c.verdict = Verdict::Fail;
            c.summary = tr("The upgrade on /websockify failed through %1.").arg(front->describe());
        }
        if (upgrade)
            c.addEvidence(QStringLiteral("WebSocket /websockify"),
                          *upgrade ? (*upgrade)->evidence() : errorText(upgrade->error()));
        out << c;
    }
    {
        const QString id = QStringLiteral("nginx.limits");
        if (std::optional<CheckResult> u = nginxUnknown(id)) {
            out << *u;
        } else {
            QStringList small;
            for (const NginxFacts::Location& l : nginx.sandboxLocations) {
                if (l.maxBodyBytes.value_or(0) != 0 && l.maxBodyBytes.value_or(0) < 50LL * 1024 * 1024)
                    small << tr("%1: bodies up to %2 KB").arg(l.path).arg(l.maxBodyBytes.value_or(0) / 1024);
                if (l.readTimeoutSec.value_or(60) < 3600)
                    small << tr("%1: read timeout %2 s").arg(l.path).arg(l.readTimeoutSec.value_or(60));
            }
            CheckResult c{id,
                          small.isEmpty() ? Verdict::Pass : Verdict::Warning,
                          small.isEmpty() ? tr("Bodies of 50 MB and sessions of an hour or more pass.")
                                          : small.join(QStringLiteral("; ")),
                          {}};
            locationsEvidence(c, [](const NginxFacts::Location& l) {
                return QStringLiteral("client_max_body_size %1; proxy_read_timeout %2s")
                    .arg(l.maxBodyBytes.value_or(0) == 0 ? QStringLiteral("unlimited")
                                                         : QString::number(l.maxBodyBytes.value_or(0)))
                    .arg(l.readTimeoutSec.value_or(60));
            });
            out << c;
        }
    }

    // C4 / C5: the containers themselves.
    auto perContainer
        = [&](const QString& id, const std::function<std::optional<QString>(const ContainerFacts&)>& problem,
              const QString& passSummary, Verdict failVerdict,
              const std::function<QString(const ContainerFacts&)>& fact) {
              if (std::optional<CheckResult> u = noContainer(id))
                  return *u;
              QStringList problems, facts;
              for (const ContainerFacts& s : sandboxes) {
                  if (std::optional<QString> p = problem(s))
                      problems << QStringLiteral("%1: %2").arg(s.spec.name, *p);
                  facts << QStringLiteral("%1: %2").arg(s.spec.name, fact(s));
              }
              CheckResult c{id,
                            problems.isEmpty() ? Verdict::Pass : failVerdict,
                            problems.isEmpty() ? passSummary : problems.join(QStringLiteral("; ")),
                            {}};
              c.addEvidence(QStringLiteral("docker inspect"), facts.join(QLatin1Char('\n')));
              return c;
          };
    out << perContainer(
        QStringLiteral("container.limits"),
        [](const ContainerFacts& s) -> std::optional<QString> {
            QStringList missing;
            if (s.spec.memoryBytes <= 0)
                missing << tr("no memory limit");
            if (s.spec.nanoCpus <= 0)
                missing << tr("no CPU limit");
            return missing.isEmpty() ? std::nullopt : std::optional<QString>(missing.join(QStringLiteral(", ")));
        },
        tr("CPU and memory are limited."), Verdict::Fail,
        [](const ContainerFacts& s) {
            return QStringLiteral("Memory=%1 NanoCpus=%2").arg(s.spec.memoryBytes).arg(s.spec.nanoCpus);
        });
    out << perContainer(
        QStringLiteral("container.shm"),
        [](const ContainerFacts& s) -> std::optional<QString> {
            if (s.spec.shmSizeBytes >= 2LL * 1024 * 1024 * 1024)
                return std::nullopt;
            return tr("/dev/shm is %1 MB").arg(s.spec.shmSizeBytes / (1024 * 1024));
        },
        tr("/dev/shm is 2 GB or more."), Verdict::Warning,
        [](const ContainerFacts& s) { return QStringLiteral("ShmSize=%1").arg(s.spec.shmSizeBytes); });
    out << perContainer(
        QStringLiteral("container.restart"),
        [](const ContainerFacts& s) -> std::optional<QString> {
            if (s.spec.restartPolicy.isEmpty() || s.spec.restartPolicy == QLatin1String("no"))
                return tr("no restart policy");
            return std::nullopt;
        },
        tr("The container restarts by itself."), Verdict::Warning,
        [](const ContainerFacts& s) {
            return QStringLiteral("RestartPolicy=%1")
                .arg(s.spec.restartPolicy.isEmpty() ? QStringLiteral("no") : s.spec.restartPolicy);
        });
    {
        const QString daemon = f.daemon.out();
        const bool daemonRotates = QJsonDocument::fromJson(daemon.toUtf8())
                                       .object()
                                       .value(QLatin1String("log-opts"))
                                       .toObject()
                                       .contains(QLatin1String("max-size"));
        CheckResult c = perContainer(
            QStringLiteral("container.log-rotation"),
            [&](const ContainerFacts& s) -> std::optional<QString> {
                if (s.spec.logDriver == QLatin1String("local") || s.spec.logDriver == QLatin1String("journald")
                    || s.spec.logDriver == QLatin1String("k8s-file") || s.spec.logDriver == QLatin1String("syslog"))
                    return std::nullopt; // these rotate or hand logs to a system that does
                if (s.spec.logOptions.contains(QStringLiteral("max-size")) || daemonRotates)
                    return std::nullopt;
                if (!s.spec.logOptionsReported)
                    return tr("the engine does not report log options, and /etc/docker/daemon.json sets no max-size");
                return tr("json-file without max-size");
            },
            tr("Logs are rotated."), Verdict::Warning,
            [](const ContainerFacts& s) {
                // Only what is judged: other log options may hold a token or a URL with a password.
                QStringList opts;
                for (const char* key : {"max-size", "max-file"}) {
                    if (s.spec.logOptions.contains(QLatin1String(key)))
                        opts << QLatin1String(key) + QLatin1Char('=') + s.spec.logOptions.value(QLatin1String(key));
                }
                return QStringLiteral("LogConfig.Type=%1 %2").arg(s.spec.logDriver, opts.join(QLatin1Char(' ')));
            });
        if (!daemon.isEmpty()) {
            // The daemon file may hold proxies with passwords and log tokens: only its log rotation.
            const QJsonObject d = QJsonDocument::fromJson(daemon.toUtf8()).object();
            const QJsonObject opts = d.value(QLatin1String("log-opts")).toObject();
            c.addEvidence(f.daemon.label,
                          QStringLiteral("log-driver=%1 log-opts.max-size=%2 log-opts.max-file=%3")
                              .arg(d.value(QLatin1String("log-driver")).toString(QStringLiteral("(default)")),
                                   opts.value(QLatin1String("max-size")).toString(QStringLiteral("(none)")),
                                   opts.value(QLatin1String("max-file")).toString(QStringLiteral("(none)"))));
        }
        out << c;
    }
    out << perContainer(
        QStringLiteral("container.image-pinned"),
        [](const ContainerFacts& s) -> std::optional<QString> {
            const QString image = s.spec.image;
            if (image.contains(QLatin1String("@sha256:")))
                return std::nullopt;
            const QString last = image.section(QLatin1Char('/'), -1);
            const qsizetype colon = last.indexOf(QLatin1Char(':'));
            const QString tag = colon < 0 ? QString() : last.mid(colon + 1);
            if (tag.isEmpty() || tag == QLatin1String("latest"))
                return tr("%1 is not pinned (%2)").arg(image, tag.isEmpty() ? tr("no tag: latest") : tag);
            return std::nullopt;
        },
        tr("Every sandbox image is pinned to a version or digest."), Verdict::Fail,
        [](const ContainerFacts& s) { return QStringLiteral("Config.Image=%1").arg(s.spec.image); });
    out << perContainer(
        QStringLiteral("container.isolation"),
        [](const ContainerFacts& s) -> std::optional<QString> {
            QStringList bad;
            if (s.spec.privileged)
                bad << tr("privileged");
            if (s.spec.networkMode == QLatin1String("host"))
                bad << tr("host network");
            for (const QString& cap : s.spec.capAdd) {
                if (cap.contains(QLatin1String("ALL")) || cap.contains(QLatin1String("SYS_ADMIN")))
                    bad << tr("capability %1").arg(cap);
            }
            return bad.isEmpty() ? std::nullopt : std::optional<QString>(bad.join(QStringLiteral(", ")));
        },
        tr("Not privileged, not on the host network."), Verdict::Fail,
        [](const ContainerFacts& s) {
            return QStringLiteral("Privileged=%1 NetworkMode=%2 CapAdd=%3")
                .arg(s.spec.privileged ? QStringLiteral("true") : QStringLiteral("false"), s.spec.networkMode,
                     s.spec.capAdd.join(QLatin1Char(',')));
        });
    {
        CheckResult c{QStringLiteral("container.health"), Verdict::Unknown, {}, {}};
        if (!f.ping.ok()) {
            c = unknownBecause(c.id, f.ping);
        } else {
            const QString code = f.ping.out();
            if (code == QLatin1String("200")) {
                c.verdict = Verdict::Pass;
                c.summary = tr("GET /v1/ping on the VM's loopback answers 200.");
            } else if (code == QLatin1String("no curl")) {
                c.summary = tr("Could not tell: curl is not installed on the VM.");
            } else {
                c.verdict = Verdict::Fail;
                c.summary = code == QLatin1String("000") ? tr("Nothing answers on 127.0.0.1:8080 on the VM.")
                                                         : tr("GET /v1/ping answers %1.").arg(code);
            }
            c.addEvidence(f.ping.label, QStringLiteral("HTTP %1").arg(code));
        }
        out << c;
    }
    // A listener on a public 8080 that the host firewall drops, and that is closed from here, is
    // exposed only the day the firewall goes: a warning, not a failure.
    for (CheckResult& r : out) {
        if (r.id == QLatin1String("vm.8080.no-public-listener") && r.verdict == Verdict::Fail && firewallDrops8080) {
            const CheckResult* closed = nullptr;
            for (const CheckResult& o : std::as_const(out)) {
                if (o.id == QLatin1String("net.8080.closed"))
                    closed = &o;
            }
            if (closed && closed->verdict == Verdict::Pass) {
                r.verdict = Verdict::Warning;
                r.summary += QLatin1Char(' ')
                    + tr("The host firewall drops 8080 and it is closed from here; it is exposed "
                         "if the firewall is ever turned off.");
            }
        }
    }
    // A VM that answered on none of the probed ports (not even a refusal) was not seen at all from
    // here: what the workstation's probes found says nothing about it, so those checks are unknown.
    bool seen = false;
    for (const PortProbeResult& p : std::as_const(f.ports))
        seen = seen || p.state == PortState::Open || p.state == PortState::Refused;
    if (!seen) {
        static const QStringList fromHere{QStringLiteral("net.8080.closed"),   QStringLiteral("tls.https"),
                                          QStringLiteral("tls.certificate"),   QStringLiteral("tls.protocol"),
                                          QStringLiteral("tls.http-redirect"), QStringLiteral("tls.renewal")};
        for (CheckResult& r : out) {
            if (fromHere.contains(r.id) && r.verdict != Verdict::Unknown) {
                r.verdict = Verdict::Unknown;
                r.summary = tr("Could not tell: %1 answered on none of the probed ports from this workstation.")
                                .arg(input.address.toString());
            }
        }
    }
    report.durationMs = clock.elapsed();
    return report;
}

VmAuditInput VmChecklist::inputFor(const Target& target, const QList<QSslCertificate>& extraCa)
{
    VmAuditInput input;
    input.targetName = target.name;
    input.targetId = target.id;
    input.address = target.vm.host;
    input.publicHost = target.vm.publicHost;
    input.extraCaCertificates = extraCa;
    input.sshPort = target.vm.port.value();
    return input;
}

AuditReport VmChecklist::audit(const Target& target, const ConnectionCheck::SessionFactory& factory,
                               const QList<QSslCertificate>& extraCa, const CancelToken& cancel)
{
    const VmAuditInput input = inputFor(target, extraCa);
    Result<std::shared_ptr<SshSession>> session = factory(target);
    std::optional<Error> loginError;
    if (!session)
        loginError = session.error().onTarget(target.name);
    else if (Status connected = (*session)->connectToHost(cancel); !connected)
        loginError = connected.error().onTarget(target.name);
    AuditReport report = run(loginError ? nullptr : session->get(), loginError, input, cancel);
    if (session)
        (*session)->disconnectFromHost();
    return report;
}

void VmChecklist::auditMany(const QList<Target>& targets, const ConnectionCheck::SessionFactory& factory, int jobs,
                            const CancelToken& cancel, const std::function<void(int, const AuditReport&)>& onAudited,
                            const QList<QSslCertificate>& extraCa)
{
    std::mutex mutex;
    int next = 0;
    auto work = [&] {
        for (;;) {
            int i = 0;
            {
                const std::lock_guard lock(mutex);
                if (next >= targets.size() || cancel.isCancelled())
                    return;
                i = next++;
            }
            const AuditReport report = audit(targets.at(i), factory, extraCa, cancel);
            if (cancel.isCancelled())
                return; // stopped part-way: what it saw is not an audit
            const std::lock_guard lock(mutex);
            onAudited(i, report);
        }
    };
    const int threads
        = int(std::clamp<qsizetype>(std::min<qsizetype>(jobs, targets.size()), 1, ConnectionCheck::maxJobs));
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t)
        workers.emplace_back(work);
    work();
    for (std::thread& w : workers)
        w.join();
}

} // namespace aio
