#pragma once

#include "core/common/CancelToken.h"
#include "core/common/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace aio {

// One command to run on a host. Either an argument vector (each argument quoted with
// shellQuote(), never pasted) or a script of ours run by `sh -c` (user values inside it must
// already be quoted with shellQuote()).
struct RemoteCommand
{
    QStringList argv; // used when script is empty
    QString script; // a POSIX sh script, run as: sh -c <script>
    bool sudo = false; // run as root: sudo -n first, then the password from the keychain / a prompt
    QByteArray stdinData; // written to the command's stdin, then EOF
    int timeoutMs = 120'000; // the remote process is killed after this; <= 0: no limit (endless streams)
    bool pty = false; // allocate a pty (kills the process group on cancel)
    bool keepOutput = true; // false: output only reaches the LineSink (log tails that never end)
    // The LineSink gets stdout in pieces of whole lines (each with its '\n', many lines a call)
    // rather than a call a line, for fast streams that split lines themselves; a last piece
    // without its '\n' comes at the end. Stderr still comes a line a call.
    bool stdoutInChunks = false;
    // false: the output is returned but never shown (no LineSink): `docker inspect` prints the
    // container's environment, which may hold a key this run does not know and so cannot redact.
    bool showOutput = true;

    static RemoteCommand args(QStringList a)
    {
        RemoteCommand c;
        c.argv = std::move(a);
        return c;
    }
    static RemoteCommand shell(QString s)
    {
        RemoteCommand c;
        c.script = std::move(s);
        return c;
    }
    RemoteCommand& asRoot()
    {
        sudo = true;
        return *this;
    }
    RemoteCommand& withoutShownOutput()
    {
        showOutput = false;
        return *this;
    }
    // The command as it is sent, for previews and history (never holds a password).
    QString displayText() const;
};

struct CommandOutcome
{
    int exitCode = -1;
    QByteArray stdoutData;
    QByteArray stderrData;
    bool succeeded() const { return exitCode == 0; }
};

enum class OutputChannel { Stdout, Stderr };

// Receives output line by line as it arrives (called from the session's worker thread).
using LineSink = std::function<void(OutputChannel channel, const QByteArray& line)>;

struct RemoteFileAttributes
{
    int mode = 0644;
    QString owner; // empty: leave as created
    QString group; // empty: leave as created
    bool sudo = false;
};

// A host we can run commands on and move files to. SshSession implements it; deployment,
// checks and logs are written against it. All calls block the *calling* thread and must be
// made from a worker thread, never the GUI thread; they are safe to call from several threads.
class RemoteHost
{
public:
    virtual ~RemoteHost() = default;

    // Runs the command; a non-zero exit is not an Error (see CommandOutcome::exitCode) but a
    // missing command (127), a refused sudo, a timeout or a lost connection is.
    virtual Result<CommandOutcome> run(const RemoteCommand& command, const LineSink& onLine = {},
                                       const CancelToken& cancel = {})
        = 0;
    // Writes content to path atomically (temporary file in the same folder, then rename).
    virtual Status upload(const QString& remotePath, const QByteArray& content, const RemoteFileAttributes& attrs) = 0;
    // Reads a whole file; NotFound when it does not exist.
    virtual Result<QByteArray> download(const QString& remotePath, bool sudo = false) = 0;
    // The inventory name of the target, for errors and history.
    virtual QString targetName() const = 0;
};

} // namespace aio
