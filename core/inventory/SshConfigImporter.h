#pragma once

#include "core/common/Result.h"
#include "core/inventory/ImportResult.h"

#include <QCoreApplication>
#include <QString>

#include <optional>

namespace aio {

// Turns OpenSSH client configuration (~/.ssh/config) into VM targets: one per concrete Host
// alias, with HostName, User, Port, IdentityFile and ProxyJump resolved the way ssh does (the
// first value obtained wins, Host * defaults apply). Wildcard and negated patterns are not
// targets; Include is followed (relative to the imported file's folder, ~/.ssh for ~/.ssh/config; at
// most 16 levels deep); Match blocks cannot be
// evaluated here and are skipped with a report. Everything skipped is reported with its line.
class SshConfigImporter
{
    Q_DECLARE_TR_FUNCTIONS(aio::SshConfigImporter)

public:
    static QString defaultPath(); // ~/.ssh/config

    // Io / NotFound when the file itself cannot be read; otherwise whatever could be imported.
    static Result<ImportResult> importFile(const QString& path);
    // Parses text as if read from fileName. Includes are resolved against sshDir (~/.ssh).
    static ImportResult parse(const QByteArray& text, const QString& fileName, const QString& sshDir);

    // The value ssh takes for a keyword (lower case, e.g. "serveraliveinterval") when it connects
    // to host, read from the file at path and its Includes; nullopt when the file does not set it
    // or cannot be read. For the options libssh does not read itself; a value set only inside a
    // Match section is not seen.
    static std::optional<QString> optionFor(const QString& path, const QString& host, const QString& keyword);
};

} // namespace aio
