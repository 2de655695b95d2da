#pragma once

// Which logs a VM target has: the sandbox container's output, and nginx's access and error logs
// for the sandbox's site, with the paths nginx itself reports (`nginx -T`: the site's own
// access_log / error_log, else the http block's, else nginx's defaults).

#include "core/common/CancelToken.h"
#include "core/common/Result.h"
#include "core/inventory/Target.h"
#include "core/logs/LogStream.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

namespace aio {

class VmLogSources
{
    Q_DECLARE_TR_FUNCTIONS(aio::VmLogSources)

public:
    struct NginxLogPaths
    {
        QString access; // empty: access logging is off
        QString error;
    };
    // From `nginx -T` output: the paths in the section of siteFile (nginx prints "# configuration
    // file PATH:" before each file), else the first outside any server block, else the defaults.
    // "off", syslog: and pipes are not files and are skipped.
    static NginxLogPaths nginxLogPaths(const QByteArray& nginxDashT, const QString& siteFile);

    // The sources of a deployment (the site file is NginxSite::siteFilePath()): "container", "proxy"
    // (access) and "proxy-error", then the sandbox's own service logs inside the container
    // (/var/log/gem/*.log, "sandbox:NAME"; none when the container is not running). Runs `nginx -T`
    // on the host (as root when sudo); when nginx is not there, no proxy sources.
    static Result<QList<LogSourceSpec>> discover(RemoteHost& host, const QString& containerName, bool sudo,
                                                 const CancelToken& cancel = {});
    // The sandbox's container on this target: the one its saved deployment names, else "aio-sandbox".
    static QString containerNameOf(const Target& target);
    // The service logs `ls` printed (one path a line) as sources read inside the container.
    static QList<LogSourceSpec> serviceLogs(const QByteArray& listing, const QString& containerName, bool sudo);

private:
    static void appendProxySources(QList<LogSourceSpec>& out, const QByteArray& nginxDashT, bool sudo);
};

} // namespace aio
