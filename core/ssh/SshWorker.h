#pragma once

// Internal to core/ssh: the thread that owns one SSH connection and everything on it.

#include "core/ssh/RemoteHost.h"
#include "core/ssh/SshCallbacks.h"
#include "core/ssh/SshSession.h"
#include "core/ssh/SshSettings.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <functional>
#include <future>
#include <memory>
#include <type_traits>

namespace aio {

class SshConnection;
class ForwardFilter;
struct ExecOp;

// One worker thread per SshSession owns the libssh session, its channels and its SFTP
// subsystem (libssh's threading rule). Callers on any thread post jobs and wait for their
// result; commands run side by side on one connection, each on its own channel (ExecOutput),
// and forwarded channels are relayed to local sockets (ChannelRelay), all pumped by one event
// loop that sleeps until the session's socket, a relay's socket, a posted job, a cancel or the
// next deadline wakes it (no periodic wake-ups). SFTP requests (SftpClient) run one at a time
// between loop turns.
//
// Destroying the worker never waits for its thread: the thread finishes what it is doing (a
// login cannot be interrupted inside libssh), cancels the rest and tears the connection down on
// its own; waitForTeardowns() lets the program wait for those at exit.
class SshWorker
{
    Q_DECLARE_TR_FUNCTIONS(aio::SshWorker)

public:
    SshWorker(SshSettings settings, SshCallbacks callbacks);
    ~SshWorker();

    struct ExecRequest
    {
        QByteArray commandLine; // sent as is: the caller built it with shellQuote()
        bool pty = false;
        QByteArray stdinData;
        LineSink sink;
        CancelToken cancel;
        int timeoutMs = 120'000;
        bool keepOutput = true; // false: only the sink sees the output
        bool stdoutInChunks = false; // RemoteCommand::stdoutInChunks
        bool pidMarker = true; // the command line first prints "aio-pid:<pgid>" on stderr (stdout with a pty)
    };
    struct ExecResult
    {
        enum class End { Exited, Cancelled, TimedOut, Failed };
        End end = End::Failed;
        int exitStatus = -1;
        QString exitSignal;
        QByteArray out;
        QByteArray err;
        qint64 pgid = 0; // the remote process group, when the marker arrived
        Error error; // End::Failed
    };

    Status connect(const CancelToken& cancel);
    void disconnect();
    bool isConnected() const;
    HostKeyCheck lastHostKeyCheck() const;
    QString connectedUser() const;

    ExecResult exec(const ExecRequest& request);
    // A direct-tcpip channel to host:port (as the server resolves it), relayed to a local socket
    // pair; returns the caller's end.
    Result<int> openForward(const QString& host, quint16 port);
    // Takes over a connected local stream socket and relays it to a new direct-tcpip channel;
    // returns at once (see SshSession::forwardSocket).
    void adoptForward(int fd, const QString& host, quint16 port, std::unique_ptr<ForwardFilter> filter,
                      QByteArray toRemote);
    // SFTP primitives. Paths are remote absolute paths.
    Result<QString> sftpWriteTemp(const QString& finalPath, const QByteArray& content, int mode);
    Status sftpRename(const QString& from, const QString& to);
    Status sftpRemove(const QString& path);
    Result<QByteArray> sftpRead(const QString& path);

    using ForwardStats = SshSession::ForwardStats;
    ForwardStats forwardStats() const;

    // Waits until every worker thread destroyed so far has ended, at most timeoutMs; true when
    // none is left. For main() at exit and for tests.
    static bool waitForTeardowns(int timeoutMs);

private:
    struct Impl;
    void post(std::function<void()> job);
    // Runs fn on the worker thread and waits for what it returns.
    template <typename Fn>
    std::invoke_result_t<Fn&> call(Fn fn)
    {
        using R = std::invoke_result_t<Fn&>;
        std::promise<R> p;
        auto f = p.get_future();
        post([&] {
            if constexpr (std::is_void_v<R>) {
                fn();
                p.set_value();
            } else {
                p.set_value(fn());
            }
        });
        return f.get();
    }

    std::shared_ptr<Impl> d; // shared with the thread, which may outlive this object
};

} // namespace aio
