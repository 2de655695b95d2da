#pragma once

// Internal to core/ssh: the thread that owns one SSH connection and everything on it.

#include "core/ssh/RemoteHost.h"
#include "core/ssh/SshCallbacks.h"
#include "core/ssh/SshSettings.h"

#include <QByteArray>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

namespace aio {

class SshConnection;
struct ExecOp;

// One worker thread per SshSession owns the libssh session, its channels and its SFTP
// subsystem (libssh's threading rule). Callers on any thread post jobs and wait for their
// result; commands run side by side on one connection, each on its own channel, pumped by one
// event loop. SFTP requests run one at a time between loop turns.
class SshWorker
{
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
    // SFTP primitives. Paths are remote absolute paths.
    Result<QString> sftpWriteTemp(const QString& finalPath, const QByteArray& content, int mode);
    Status sftpRename(const QString& from, const QString& to);
    Status sftpRemove(const QString& path);
    Result<QByteArray> sftpRead(const QString& path);

private:
    struct Impl;
    void run();
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

    std::unique_ptr<Impl> d;
    std::thread m_thread;
};

} // namespace aio
