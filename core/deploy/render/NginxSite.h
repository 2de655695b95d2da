#pragma once

#include "core/deploy/VmDeployAnswers.h"

#include <QString>

namespace aio {

// Renders the nginx configuration that puts the sandbox behind TLS (V3), from validated
// answers. Pure functions; the files go under conf.d/, which every distribution's nginx.conf
// includes in the http context.
class NginxSite
{
public:
    // What the site's text depends on besides the answers: facts of the VM it is written to.
    struct HostFacts
    {
        bool ipv6 = false; // the kernel has IPv6 (/proc/net/if_inet6): nginx also listens on [::]
        friend bool operator==(const HostFacts&, const HostFacts&) = default;
    };

    struct TlsFiles
    {
        QString certificate; // full chain
        QString privateKey;
    };

    static QString mapFilePath(); // "/etc/nginx/conf.d/aio-sandbox-map.conf"
    static QString siteFilePath(); // "/etc/nginx/conf.d/aio-sandbox.conf"
    static QString htpasswdPath(); // "/etc/nginx/aio-sandbox.htpasswd"
    static QString authRequestLocation(); // "/_aio_auth" (internal)
    static QString sandboxAuthLocation(); // "/_aio_sandbox_auth" (internal, to the sandbox's /auth)
    // Whether nginx asks the sandbox's /auth for every request: when its own JWT or API key is the
    // barrier (no basic auth or SSO at the edge), since its gateway skips auth for static suffixes.
    static bool asksSandboxAtTheEdge(const VmDeployAnswers& answers);
    // Whether nginx hands the sandbox its API key: basic auth or SSO let the request through at the
    // edge (their credentials are dropped there) and the sandbox's API key is on.
    static bool handsKeyToSandbox(const VmDeployAnswers& answers);
    static QString upstreamKeyFilePath(); // "/etc/nginx/aio-sandbox-upstream-key.conf" (root, 0600)
    // `proxy_set_header X-AIO-API-Key "<key>";` for that file; the key is checked by checkApiKey().
    static QByteArray renderUpstreamKey(const QString& apiKey);
    // The image gateway's static suffixes, as an nginx regex alternation ("js|css|…").
    static QString staticSuffixPattern();

    // Where the certificate and key live on the VM for the chosen TLS mode:
    // existing → the admin's paths; ACME → /etc/letsencrypt/live/<host>/{fullchain,privkey}.pem;
    // own CA → /etc/aio-sandbox/tls/<host>.{crt,key}.
    static TlsFiles tlsFiles(const VmDeployAnswers& answers);

    // `map $http_upgrade $connection_upgrade { default upgrade; '' close; }` (written once).
    static QString renderMap();
    // The full site: port 80 (ACME path, else 301 to https) and 443 with TLS, access control and
    // the proxy to 127.0.0.1:8080.
    static QString render(const VmDeployAnswers& answers, const HostFacts& facts);
    // Port 80 only, serving the ACME challenge path from the webroot and 503 elsewhere: used to
    // bootstrap certbot before a certificate exists.
    static QString renderPreTls(const VmDeployAnswers& answers, const HostFacts& facts);
};

} // namespace aio
