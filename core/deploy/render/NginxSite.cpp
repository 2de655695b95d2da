#include "core/deploy/render/NginxSite.h"

namespace aio {

namespace {
QString header(const VmDeployAnswers& a)
{
    return QStringLiteral("# Managed by AIO Sandbox Manager: the AIO Sandbox at https://%1/\n"
                          "# The next deployment overwrites changes made here.\n")
        .arg(a.publicHost.forUrl());
}

// `listen` lines for one port: IPv4 always, IPv6 too when the VM has it (nginx could not start
// with a [::] socket on a kernel without IPv6). [::] listens to IPv6 only (nginx's default).
QString listenLines(const char* portAndOptions, const NginxSite::HostFacts& facts)
{
    const QString what = QString::fromLatin1(portAndOptions);
    QString out = QStringLiteral("    listen %1;\n").arg(what);
    if (facts.ipv6)
        out += QStringLiteral("    listen [::]:%1;\n").arg(what);
    return out;
}

QString acmeLocation(const VmDeployAnswers& a)
{
    return QStringLiteral("    # ACME HTTP-01 challenges, open to everyone (the CA validates from the internet).\n"
                          "    location ^~ /.well-known/acme-challenge/ {\n"
                          "        root %1;\n"
                          "        default_type \"text/plain\";\n"
                          "        try_files $uri =404;\n"
                          "    }\n")
        .arg(a.acmeWebroot);
}
QString proxyDirectives(const QString& host)
{
    return QStringLiteral("        proxy_pass http://127.0.0.1:8080;\n"
                          "        proxy_http_version 1.1;\n"
                          "        # Host is set here, never taken from the client: the sandbox routes on it.\n"
                          "        proxy_set_header Host %1;\n"
                          "        proxy_set_header Upgrade $http_upgrade;\n"
                          "        proxy_set_header Connection $connection_upgrade;\n"
                          "        proxy_set_header X-Real-IP $remote_addr;\n"
                          "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                          "        proxy_set_header X-Forwarded-Proto $scheme;\n"
                          "        # What clients say about the original request is never passed on.\n"
                          "        proxy_set_header Forwarded \"\";\n"
                          "        proxy_set_header X-Forwarded-Host \"\";\n"
                          "        proxy_set_header X-Forwarded-Port \"\";\n"
                          "        proxy_set_header X-Original-URL \"\";\n"
                          "        proxy_set_header X-Original-URI \"\";\n"
                          "        proxy_set_header X-Rewrite-URL \"\";\n"
                          "        # Clients must not pick an internal port of the sandbox.\n"
                          "        proxy_set_header X-AIO-Proxy-Port \"\";\n"
                          "        # VNC, terminals and MCP keep connections open for hours.\n"
                          "        proxy_read_timeout 86400s;\n"
                          "        proxy_send_timeout 86400s;\n"
                          "        proxy_buffering off;\n"
                          "        proxy_request_buffering off;\n")
        .arg(host);
}
} // namespace

QString NginxSite::mapFilePath()
{
    return QStringLiteral("/etc/nginx/conf.d/aio-sandbox-map.conf");
}

QString NginxSite::siteFilePath()
{
    return QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf");
}

QString NginxSite::htpasswdPath()
{
    return QStringLiteral("/etc/nginx/aio-sandbox.htpasswd");
}

QString NginxSite::authRequestLocation()
{
    return QStringLiteral("/_aio_auth");
}

QString NginxSite::sandboxAuthLocation()
{
    return QStringLiteral("/_aio_sandbox_auth");
}

bool NginxSite::asksSandboxAtTheEdge(const VmDeployAnswers& a)
{
    // Basic auth and SSO already refuse strangers at the edge for every request; without them the
    // sandbox's own check is the barrier, and its gateway skips it for static suffixes.
    return (a.sandboxJwt || a.sandboxApiKey) && a.basicAuthUser.isEmpty() && a.authRequestUrl.isEmpty();
}

bool NginxSite::handsKeyToSandbox(const VmDeployAnswers& a)
{
    return a.sandboxApiKey && (!a.basicAuthUser.isEmpty() || !a.authRequestUrl.isEmpty());
}

QString NginxSite::upstreamKeyFilePath()
{
    return QStringLiteral("/etc/nginx/aio-sandbox-upstream-key.conf");
}

QByteArray NginxSite::renderUpstreamKey(const QString& apiKey)
{
    return QByteArrayLiteral("# Managed by AIO Sandbox Manager: the sandbox's API key, added by nginx after the edge\n"
                             "# let a request through. Root only.\n"
                             "proxy_set_header X-AIO-API-Key \"")
        + apiKey.toUtf8() + QByteArrayLiteral("\";\n");
}

QString NginxSite::staticSuffixPattern()
{
    return QStringLiteral("js|css|svg|woff|woff2|json|ico|png|jpg|jpeg|gif|webp|wasm|ttf");
}

NginxSite::TlsFiles NginxSite::tlsFiles(const VmDeployAnswers& a)
{
    const QString host = a.publicHost.toString();
    switch (a.tlsMode) {
    case VmDeployAnswers::TlsMode::ExistingFiles:
        return {a.certificatePath, a.privateKeyPath};
    case VmDeployAnswers::TlsMode::Acme:
        return {QStringLiteral("/etc/letsencrypt/live/%1/fullchain.pem").arg(host),
                QStringLiteral("/etc/letsencrypt/live/%1/privkey.pem").arg(host)};
    case VmDeployAnswers::TlsMode::OwnCa:
        return {QStringLiteral("/etc/aio-sandbox/tls/%1.crt").arg(host),
                QStringLiteral("/etc/aio-sandbox/tls/%1.key").arg(host)};
    }
    return {};
}

QString NginxSite::renderMap()
{
    return QStringLiteral("# Managed by AIO Sandbox Manager: WebSocket upgrades for the AIO Sandbox site.\n"
                          "map $http_upgrade $connection_upgrade {\n"
                          "    default upgrade;\n"
                          "    '' close;\n"
                          "}\n");
}

QString NginxSite::render(const VmDeployAnswers& a, const HostFacts& facts)
{
    // The name as clients send it in Host (an IPv6 literal in brackets).
    const QString host = a.publicHost.forUrl();
    const TlsFiles tls = tlsFiles(a);
    QString out = header(a);
    if (!a.basicAuthUser.isEmpty())
        out += QStringLiteral("\n# Per-address request budget of the password-protected site (http context).\n"
                              "limit_req_zone $binary_remote_addr zone=aio_sandbox_edge:1m rate=10r/s;\n");
    out += QStringLiteral("\nserver {\n") + listenLines("80", facts)
        + QStringLiteral("    server_name %1;\n\n").arg(host);
    out += acmeLocation(a);
    out += QStringLiteral("\n"
                          "    location / {\n"
                          "        return 301 https://%1$request_uri;\n"
                          "    }\n"
                          "}\n\n")
               .arg(host);

    out += QStringLiteral("server {\n") + listenLines("443 ssl http2", facts)
        + QStringLiteral("    server_name %1;\n\n"
                         "    ssl_certificate %2;\n"
                         "    ssl_certificate_key %3;\n"
                         "    ssl_protocols TLSv1.2 TLSv1.3;\n"
                         "    ssl_prefer_server_ciphers off;\n"
                         "    ssl_session_timeout 1d;\n"
                         "    server_tokens off;\n\n"
                         "    client_max_body_size 50m;\n")
              .arg(host, tls.certificate, tls.privateKey);
    if (a.hstsEnabled())
        out += QStringLiteral("    # Browsers keep to https for this name for a year.\n"
                              "    add_header Strict-Transport-Security \"max-age=31536000\" always;\n");
    if (!a.basicAuthUser.isEmpty())
        out += QStringLiteral("    # Password guessing is slowed down: at most 10 requests a second from one address.\n"
                              "    limit_req zone=aio_sandbox_edge burst=200 nodelay;\n"
                              "    limit_req_status 429;\n");

    if (!a.authRequestUrl.isEmpty()) {
        out += QStringLiteral(
                   "\n"
                   "    # The SSO check: 2xx lets the request through, 401/403 refuse it. What it is told about\n"
                   "    # the request comes from nginx; headers a client sent under these names are replaced.\n"
                   "    location = %1 {\n"
                   "        internal;\n"
                   "        proxy_pass %2;\n"
                   "        proxy_pass_request_body off;\n"
                   "        proxy_set_header Content-Length \"\";\n"
                   "        proxy_set_header X-Original-URL https://%3$request_uri;\n"
                   "        proxy_set_header X-Original-URI $request_uri;\n"
                   "        proxy_set_header X-Original-Method $request_method;\n"
                   "        proxy_set_header X-Forwarded-Host %3;\n"
                   "        proxy_set_header X-Forwarded-Proto $scheme;\n"
                   "        proxy_set_header X-Forwarded-Uri $request_uri;\n"
                   "        proxy_set_header X-Forwarded-Method $request_method;\n"
                   "        proxy_set_header X-Forwarded-For $remote_addr;\n"
                   "        proxy_set_header X-Real-IP $remote_addr;\n"
                   "        proxy_set_header Forwarded \"\";\n")
                   .arg(authRequestLocation(), a.authRequestUrl.toString(QUrl::FullyEncoded), host);
        if (a.authRequestUrl.scheme() == QLatin1String("https"))
            out += QStringLiteral(
                       "        # The SSO server's certificate is checked against the system's CAs and its name.\n"
                       "        proxy_ssl_verify on;\n"
                       "        proxy_ssl_verify_depth 4;\n"
                       "        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n"
                       "        proxy_ssl_server_name on;\n"
                       "        proxy_ssl_name %1;\n")
                       .arg(a.authRequestUrl.host(QUrl::FullyEncoded));
        out += QStringLiteral("    }\n");
        if (!a.signInUrl.isEmpty()) {
            const QString signIn = a.signInUrl.toString(QUrl::FullyEncoded);
            out += QStringLiteral(
                       "\n"
                       "    # A browser the SSO check refused is sent to sign in, and comes back here after.\n"
                       "    location @aio_sign_in {\n"
                       "        return 302 %1%2rd=https://%3$request_uri;\n"
                       "    }\n")
                       .arg(signIn, signIn.contains(QLatin1Char('?')) ? QStringLiteral("&") : QStringLiteral("?"),
                            host);
        }
    }

    const bool sandboxAtEdge = asksSandboxAtTheEdge(a);
    if (sandboxAtEdge) {
        out += QStringLiteral(
                   "\n"
                   "    # The sandbox decides every request here, through its /auth endpoint (JWT, API key, or a\n"
                   "    # ticket in the original URI). Its gateway alone would let a GET ending in a static suffix\n"
                   "    # (\"?x=.js\") through unauthenticated; this fixed URI with a fixed Host cannot match that.\n"
                   "    location = %1 {\n"
                   "        internal;\n"
                   "        proxy_pass http://127.0.0.1:8080/auth;\n"
                   "        proxy_pass_request_body off;\n"
                   "        proxy_set_header Content-Length \"\";\n"
                   "        proxy_set_header Host %2;\n"
                   "        proxy_set_header X-Original-URI $request_uri;\n"
                   "        proxy_set_header X-Original-Method $request_method;\n"
                   "        proxy_set_header X-AIO-Proxy-Port \"\";\n"
                   "    }\n")
                   .arg(sandboxAuthLocation(), host);
    }

    if (sandboxAtEdge) {
        out += QStringLiteral(
                   "\n"
                   "    # noVNC's own files (scripts, styles, images), which a page opened with a ticket loads\n"
                   "    # without one. Matched on the normalized path, so \"..\" or a query cannot leave /vnc/.\n"
                   "    location ~* ^/vnc/[A-Za-z0-9_./-]+\\.(%1)$ {\n")
                   .arg(staticSuffixPattern());
        if (!a.allowlist.isEmpty()) {
            for (const Cidr& cidr : a.allowlist)
                out += QStringLiteral("        allow %1;\n").arg(cidr.toString());
            out += QStringLiteral("        deny all;\n");
        }
        out += QStringLiteral("        limit_except GET {\n"
                              "            deny all;\n"
                              "        }\n");
        out += proxyDirectives(host);
        out += QStringLiteral("    }\n");
    }

    out += QStringLiteral("\n    location / {\n");
    if (!a.allowlist.isEmpty()) {
        out += QStringLiteral("        # Only these networks may reach the sandbox.\n");
        for (const Cidr& cidr : a.allowlist)
            out += QStringLiteral("        allow %1;\n").arg(cidr.toString());
        out += QStringLiteral("        deny all;\n");
    }
    if (!a.basicAuthUser.isEmpty())
        out += QStringLiteral("        auth_basic \"AIO Sandbox\";\n"
                              "        auth_basic_user_file %1;\n")
                   .arg(htpasswdPath());
    if (!a.authRequestUrl.isEmpty()) {
        out += QStringLiteral("        auth_request %1;\n").arg(authRequestLocation());
        if (!a.signInUrl.isEmpty())
            out += QStringLiteral("        error_page 401 = @aio_sign_in;\n");
        // Who signed in reaches the sandbox only from the SSO check's answer (oauth2-proxy and
        // Authelia names); a client's own headers of these names are replaced (empty: not sent).
        for (const char* h : {"X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups", "Remote-User",
                              "Remote-Email", "Remote-Groups", "Remote-Name"}) {
            const QString name = QString::fromLatin1(h);
            const QString var
                = QStringLiteral("$aio_sso_") + name.toLower().replace(QLatin1Char('-'), QLatin1Char('_'));
            out += QStringLiteral("        auth_request_set %1 $upstream_http_%2;\n"
                                  "        proxy_set_header %3 %1;\n")
                       .arg(var, name.toLower().replace(QLatin1Char('-'), QLatin1Char('_')), name);
        }
    }
    if (sandboxAtEdge)
        out += QStringLiteral("        auth_request %1;\n").arg(sandboxAuthLocation());
    if (!a.basicAuthUser.isEmpty() || !a.authRequestUrl.isEmpty())
        out += QStringLiteral("        # The edge checked these credentials; they never reach the sandbox.\n"
                              "        proxy_set_header Authorization \"\";\n");
    if (handsKeyToSandbox(a))
        // A glob: nginx -t passes before the edge step has written the file (requests then get 401).
        out += QStringLiteral("        include %1;\n")
                   .arg(upstreamKeyFilePath().replace(QLatin1String(".conf"), QLatin1String("*.conf")));
    out += proxyDirectives(host);
    out += QStringLiteral("    }\n"
                          "}\n");
    return out;
}

QString NginxSite::renderPreTls(const VmDeployAnswers& a, const HostFacts& facts)
{
    QString out = header(a);
    out += QStringLiteral("# Before a certificate exists: port 80 serves only the ACME challenge path.\n"
                          "\nserver {\n")
        + listenLines("80", facts) + QStringLiteral("    server_name %1;\n\n").arg(a.publicHost.forUrl());
    out += acmeLocation(a);
    out += QStringLiteral("\n"
                          "    location / {\n"
                          "        return 503;\n"
                          "    }\n"
                          "}\n");
    return out;
}

} // namespace aio
