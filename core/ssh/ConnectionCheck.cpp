#include "core/ssh/ConnectionCheck.h"
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ssh/SshSession.h"

#include <QCoreApplication>
#include <QElapsedTimer>

namespace aio {

QString ConnectionReport::sudoText() const
{
    switch (sudo) {
    case Sudo::Root:
        return ConnectionCheck::tr("logged in as root");
    case Sudo::NoPassword:
        return ConnectionCheck::tr("sudo works without a password");
    case Sudo::NeedsPassword:
        return ConnectionCheck::tr("sudo asks for a password (asked when needed)");
    case Sudo::Missing:
        return ConnectionCheck::tr("no sudo: root commands cannot run");
    }
    return {};
}

QStringList ConnectionReport::lines() const
{
    QStringList out;
    out << ConnectionCheck::tr("User: %1").arg(user) << ConnectionCheck::tr("System: %1").arg(os)
        << ConnectionCheck::tr("Kernel: %1 (%2)").arg(kernel, architecture)
        << ConnectionCheck::tr("Root commands: %1").arg(sudoText());
    if (!hostKeyFingerprint.isEmpty())
        out << ConnectionCheck::tr("Host key: %1 %2").arg(hostKeyType, hostKeyFingerprint);
    out << ConnectionCheck::tr("Round trip: %1 ms").arg(roundTripMs);
    return out;
}

QString ConnectionCheck::probeScript()
{
    // Fixed text: nothing of the user's reaches it. sudo -n never waits for a password.
    return QStringLiteral(
        "printf 'user=%s\\n' \"$(id -un)\"\n"
        "if [ -r /etc/os-release ]; then . /etc/os-release; printf 'os=%s\\n' \"${PRETTY_NAME:-$NAME}\"; "
        "else printf 'os=%s\\n' \"$(uname -s)\"; fi\n"
        "printf 'kernel=%s\\n' \"$(uname -r)\"\n"
        "printf 'arch=%s\\n' \"$(uname -m)\"\n"
        "if [ \"$(id -u)\" = 0 ]; then echo sudo=root\n"
        "elif ! command -v sudo >/dev/null 2>&1; then echo sudo=missing\n"
        "elif sudo -n true >/dev/null 2>&1; then echo sudo=nopasswd\n"
        "else echo sudo=password; fi\n");
}

ConnectionReport ConnectionCheck::parse(const QByteArray& output)
{
    ConnectionReport r;
    for (const QByteArray& raw : output.split('\n')) {
        const qsizetype eq = raw.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray key = raw.left(eq);
        const QString value = QString::fromUtf8(raw.mid(eq + 1)).trimmed();
        if (key == "user")
            r.user = value;
        else if (key == "os")
            r.os = value;
        else if (key == "kernel")
            r.kernel = value;
        else if (key == "arch")
            r.architecture = value;
        else if (key == "sudo")
            r.sudo = value == QLatin1String("root")  ? ConnectionReport::Sudo::Root
                : value == QLatin1String("nopasswd") ? ConnectionReport::Sudo::NoPassword
                : value == QLatin1String("password") ? ConnectionReport::Sudo::NeedsPassword
                                                     : ConnectionReport::Sudo::Missing;
    }
    return r;
}

Result<ConnectionReport> ConnectionCheck::probe(RemoteHost& host, const CancelToken& cancel)
{
    RemoteCommand cmd = RemoteCommand::shell(probeScript());
    cmd.timeoutMs = 30'000;
    QElapsedTimer clock;
    clock.start();
    Result<CommandOutcome> out = host.run(cmd, {}, cancel);
    if (!out)
        return out.error();
    if (!out->succeeded())
        return Error(ErrorKind::Protocol, tr("The connection check failed on %1.").arg(host.targetName()),
                     QString::fromUtf8(out->stderrData).trimmed(),
                     tr("The login shell must be a POSIX shell (sh, bash, dash)."));
    ConnectionReport report = parse(out->stdoutData);
    report.roundTripMs = clock.elapsed();
    if (report.user.isEmpty())
        return Error(ErrorKind::Protocol,
                     tr("The connection check on %1 printed nothing useful.").arg(host.targetName()),
                     QString::fromUtf8(out->stdoutData.left(400)));
    return report;
}

Result<ConnectionReport> ConnectionCheck::run(SshSession& session, const CancelToken& cancel)
{
    if (const Status s = session.connectToHost(cancel); !s)
        return s.error();
    Result<ConnectionReport> report = probe(session, cancel);
    if (!report)
        return report;
    const HostKeyCheck key = session.lastHostKeyCheck();
    report->hostKeyType = key.key.type;
    report->hostKeyFingerprint = key.fingerprint();
    return report;
}

void ConnectionCheck::runMany(const QList<Target>& targets, const SessionFactory& factory, int jobs,
                              const CancelToken& cancel, const OnChecked& onChecked)
{
    std::atomic_int next{0};
    std::mutex reporting;
    auto report = [&](int index, const Result<ConnectionReport>& result) {
        const std::lock_guard lock(reporting);
        onChecked(index, result);
    };
    auto work = [&] {
        for (int i = next++; i < targets.size(); i = next++) {
            const Target& target = targets.at(i);
            if (cancel.isCancelled()) {
                report(i, Error(ErrorKind::Cancelled, tr("Not checked: the check was stopped.")));
                continue;
            }
            if (!target.isVm()) {
                report(i,
                       Error(ErrorKind::Usage,
                             tr("%1 is a cluster; only VM targets are reached over SSH.").arg(target.name)));
                continue;
            }
            Result<std::shared_ptr<SshSession>> session = factory(target);
            if (!session) {
                report(i, session.error());
                continue;
            }
            Result<ConnectionReport> result = run(**session, cancel);
            (*session)->disconnectFromHost();
            report(i, result);
        }
    };
    const int threads = int(std::clamp<qsizetype>(std::min<qsizetype>(jobs, targets.size()), 1, maxJobs));
    std::vector<std::thread> workers;
    workers.reserve(size_t(threads - 1));
    for (int t = 1; t < threads; ++t)
        workers.emplace_back(work);
    work(); // this thread is one of the workers
    for (std::thread& worker : workers)
        worker.join();
}

} // namespace aio
