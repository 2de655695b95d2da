#pragma once

#include "core/common/Result.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QUuid>

namespace aio {

// Which targets' tunnels start with the app, and on which local port: <config>/tunnels.json,
// {"version": 1, "tunnels": [{"target": "<id>", "autostart": true, "localPort": 0}]}. Holds no
// secret. Blocking file I/O: worker threads, never the GUI thread. A file that cannot be read is
// an error and is left as it is (nothing is lost by a later save until the admin changes a
// setting).
class TunnelSettings
{
    Q_DECLARE_TR_FUNCTIONS(aio::TunnelSettings)

public:
    struct Entry
    {
        QUuid target;
        bool autostart = false;
        quint16 localPort = 0; // 0: any free port
    };

    static QString defaultPath(); // <Profile::configDir()>/tunnels.json

    // The entries; none when the file does not exist.
    static Result<QList<Entry>> read(const QString& path);
    // Writes the whole list atomically (QSaveFile), 0600.
    static Status write(const QString& path, const QList<Entry>& entries);
};

} // namespace aio
