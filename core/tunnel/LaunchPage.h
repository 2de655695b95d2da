#pragma once

#include "core/common/Result.h"

#include <QCoreApplication>
#include <QUrl>

namespace aio {

// What the browser is started with when the app opens a tunnel's one-time link: a small HTML
// page in the user's runtime folder (0600 in a 0700 folder) that sends the browser on to the
// link. A link given to xdg-open or the browser on their command line would be readable by every
// user of the workstation in /proc/PID/cmdline, and another user could spend it first (Jupyter
// opens its token links the same way). Blocking file I/O: worker threads and the CLI.
class LaunchPage
{
    Q_DECLARE_TR_FUNCTIONS(aio::LaunchPage)

public:
    static constexpr int kKeepSeconds = 120; // older pages are removed when a new one is written

    // The file URL of a new page for `link`. `folder`: where (default: <runtime>/aio-sandbox-manager).
    static Result<QUrl> write(const QUrl& link, const QString& folder = {});
    static QString defaultFolder();
};

} // namespace aio
