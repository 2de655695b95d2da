#pragma once

// The anonymous requests an attacker would try against a sandbox site, and how to judge what
// they meet. One set, used by the deployment's verify step and by the security checklist.

#include "core/common/CancelToken.h"
#include "core/net/ProbeEndpoint.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QUrl>

namespace aio {

struct EntranceProbe
{
    enum class Kind {
        Entrance, // an entrance of the image (VNC, code-server, MCP, docs, shell, files, CDP)
        SuffixBypass, // the image's own auth skips a GET whose URI ends in a static suffix
        HostBypass, // the image routes Host "<digits>-…" to that port inside the container
    };
    QByteArray path;
    QByteArray host; // empty: the public name
    bool websocket = false;
    Kind kind = Kind::Entrance;

    // "GET /vnc/index.html", "Host: 8091-x GET /v1/sandbox", "WebSocket /websockify".
    QString request() const;
};

// What one anonymous request met.
struct EntranceOutcome
{
    bool requestSent = false; // false: no answer (the evidence says why)
    bool refused = false; // 401/403, a redirect to the sign-in page, or (for a foreign Host) 400/421
    int status = 0;
    QString evidence;
};

class EntranceProbes
{
    Q_DECLARE_TR_FUNCTIONS(aio::EntranceProbes)

public:
    // Every entrance of the image, then the known bypasses.
    static const QList<EntranceProbe>& all();
    // Sends the probe anonymously to the endpoint. signInUrl: a redirect there counts as refused.
    static EntranceOutcome run(const ProbeEndpoint& endpoint, const EntranceProbe& probe, const QUrl& signInUrl,
                               const CancelToken& cancel = {});
    // A 302/303 whose Location starts with the sign-in URL.
    static bool sentToSignIn(int status, const QByteArray& location, const QUrl& signInUrl);
};

} // namespace aio
