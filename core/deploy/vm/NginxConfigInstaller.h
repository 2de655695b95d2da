#pragma once

#include "core/common/Result.h"
#include "core/deploy/FileSnapshot.h"
#include "core/deploy/render/NginxSite.h"
#include "core/ssh/RemoteHost.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>

namespace aio {

class PlanContext;

// Changes nginx configuration files safely: each new file is uploaded atomically (a temporary
// file in the same folder, renamed into place, so nginx never reads half a file), the whole
// configuration is checked with `nginx -t`, and only then is nginx reloaded. When the check or
// the reload fails, every file is put back as its snapshot shows and nginx, which never loaded
// the broken configuration, keeps serving the previous one. Used by the nginx, TLS and edge steps.
class NginxConfigInstaller
{
    Q_DECLARE_TR_FUNCTIONS(aio::NginxConfigInstaller)

public:
    struct Change
    {
        FileSnapshot before;
        QByteArray after;
        int mode = 0644;
        bool secret = false;
    };

    static Status install(PlanContext& context, const QList<Change>& changes);
    // Puts the files back and reloads when the result passes `nginx -t`.
    static Status restore(PlanContext& context, const QList<FileSnapshot>& snapshots,
                          const QStringList& secretPaths = {});

    // The VM's facts the site's text depends on (IPv6: `test -e /proc/net/if_inet6`). Asked once
    // per run; later steps read the answer from the run's facts ("nginxIpv6").
    static Result<NginxSite::HostFacts> hostFacts(PlanContext& context);

    static RemoteCommand testCommand(); // sudo nginx -t
    // Reload (or start when not running) without systemd when there is none.
    static RemoteCommand reloadCommand();
    static QString reloadScript();
};

} // namespace aio
