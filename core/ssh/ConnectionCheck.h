#pragma once

#include "core/common/Result.h"
#include "core/inventory/Target.h"
#include "core/ssh/KnownHosts.h"
#include "core/ssh/RemoteHost.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace aio {

class SshSession;

// What "Check connection" found on a VM: who we are there, what it runs, whether root commands
// will work, and the host key we trusted. Every field comes from the host itself.
struct ConnectionReport
{
    enum class Sudo {
        Root, // logged in as root
        NoPassword, // sudo -n works
        NeedsPassword, // sudo exists but asks for a password (the app asks for it when needed)
        Missing, // no sudo and not root: root commands cannot run
    };
    QString user;
    QString os; // PRETTY_NAME of /etc/os-release, or uname -s
    QString kernel; // uname -r
    QString architecture; // uname -m
    Sudo sudo = Sudo::Missing;
    QString hostKeyType;
    QString hostKeyFingerprint; // SHA256:…
    qint64 roundTripMs = 0; // of the probe command, connection already open

    QString sudoText() const;
    // "label: value" lines for the CLI and tooltips.
    QStringList lines() const;
};

class ConnectionCheck
{
    Q_DECLARE_TR_FUNCTIONS(aio::ConnectionCheck)

public:
    // Connects (asking for host keys and secrets through the session's callbacks) and reads
    // the facts. Blocks the calling thread: run it on a worker.
    static Result<ConnectionReport> run(SshSession& session, const CancelToken& cancel = {});

    // Makes the session a target is checked with (the GUI's asks in dialogs, the CLI's on the
    // terminal or not at all); may be called from any thread.
    using SessionFactory = std::function<Result<std::shared_ptr<SshSession>>(const Target&)>;
    using OnChecked = std::function<void(int index, const Result<ConnectionReport>& result)>;
    static constexpr int defaultJobs = 4;
    static constexpr int maxJobs = 32;
    // Checks many targets, at most jobs (1 to maxJobs) at once, each on a thread of its own, and
    // calls onChecked with the target's index as each one ends (from those threads, one call at a
    // time). A cluster is reported as not reached over SSH; after cancel, the targets not started
    // are reported as cancelled. Blocks until every target has been reported.
    static void runMany(const QList<Target>& targets, const SessionFactory& factory, int jobs,
                        const CancelToken& cancel, const OnChecked& onChecked);
    // The probe on any host (tests use a local one); no host-key facts.
    static Result<ConnectionReport> probe(RemoteHost& host, const CancelToken& cancel = {});
    // Parses the probe's key=value output.
    static ConnectionReport parse(const QByteArray& output);
    static QString probeScript();
};

} // namespace aio
