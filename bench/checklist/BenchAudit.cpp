// The security checklist's speed on the testbed: the audit of one VM (the target: under 3 s),
// against ten audits the way the fleet view runs them (VmChecklist::auditMany, FleetChecklist's
// jobs at once; the target: under 2x one audit), in the same run. Each audit logs in, runs every
// check and logs out. Prints a Markdown table for docs/benchmarks.md ("Checklist audit").
//   bench_audit [--vm VM_EXPOSED] [--fleet VM_READY,VM_FRESH,...] [--targets 10] [--jobs 10] [--runs 3]
// The fleet cycles through --fleet's VMs (default: every testbed VM with an engine), so the ten
// audits reach several hosts as a real fleet's would, not ten times the same small VM.

#include "integration/ssh/SshTestbed.h"

#include "core/checklist/VmChecklist.h"
#include "core/ssh/SshSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace aio;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    const QCommandLineOption vmOption(QStringLiteral("vm"), QStringLiteral("Testbed VM."), QStringLiteral("VM"),
                                      QStringLiteral("VM_EXPOSED"));
    const QCommandLineOption targetsOption(QStringLiteral("targets"), QStringLiteral("Targets in the fleet."),
                                           QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption jobsOption(QStringLiteral("jobs"), QStringLiteral("Audits at once."), QStringLiteral("N"),
                                        QStringLiteral("10"));
    const QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("Runs (best is kept)."),
                                        QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption fleetOption(QStringLiteral("fleet"), QStringLiteral("VMs the fleet cycles through."),
                                         QStringLiteral("VMS"),
                                         QStringLiteral("VM_EXPOSED,VM_READY,VM_FRESH,VM_SCRATCH,BASTION"));
    cli.addOptions({vmOption, targetsOption, jobsOption, runsOption, fleetOption});
    cli.process(app);
    const test::SshTestbed tb;
    if (!tb.isUp()) {
        std::fprintf(stderr, "the testbed is not up (tests/testbed/up)\n");
        return 2;
    }
    const QString vmName = cli.value(vmOption);
    QTemporaryDir dir;
    const SshSettings settings = tb.settings(vmName, dir.filePath(QStringLiteral("known_hosts")));
    VmSettings vs;
    vs.host = settings.host;
    vs.publicHost = *HostName::parse(tb.value(vmName + QStringLiteral("_NAME")));
    const Target target = Target::makeVm(QStringLiteral("bench"), vs);
    // Each target logs in to its own VM.
    QHash<QUuid, SshSettings> logins;
    logins.insert(target.id, settings);
    const ConnectionCheck::SessionFactory factory = [&logins](const Target& t) -> Result<std::shared_ptr<SshSession>> {
        return std::make_shared<SshSession>(logins.value(t.id));
    };
    const int count = cli.value(targetsOption).toInt();
    const int jobs = cli.value(jobsOption).toInt();
    const int runs = std::max(1, cli.value(runsOption).toInt());
    const QStringList fleetVms = cli.value(fleetOption).split(QLatin1Char(','), Qt::SkipEmptyParts);
    QList<Target> fleet;
    for (int i = 0; i < count; ++i) {
        const QString vm = fleetVms.at(i % fleetVms.size());
        SshSettings s = tb.settings(vm, dir.filePath(QStringLiteral("known_hosts")));
        VmSettings v;
        v.host = s.host;
        if (const Result<HostName> name
            = HostName::parse(tb.value(vm + QStringLiteral("_NAME")))) // the bastion has none
            v.publicHost = *name;
        Target t = Target::makeVm(QStringLiteral("%1-%2").arg(vm.toLower()).arg(i), v);
        logins.insert(t.id, s);
        fleet << t;
    }

    qint64 bestOne = -1;
    qint64 bestFleet = -1;
    int checks = 0;
    int failing = 0;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer t;
        t.start();
        const AuditReport one = VmChecklist::audit(target, factory);
        const qint64 oneMs = t.elapsed();
        if (one.loginError) {
            std::fprintf(stderr, "login failed: %s\n", qPrintable(one.loginError->toString()));
            return 1;
        }
        checks = int(one.results.size());
        bestOne = bestOne < 0 ? oneMs : std::min(bestOne, oneMs);
        t.restart();
        int audited = 0;
        failing = 0;
        VmChecklist::auditMany(fleet, factory, jobs, CancelToken(), [&](int, const AuditReport& a) {
            ++audited;
            failing += a.loginError ? 1 : 0;
            std::fprintf(stderr, "  audit %d: %lld ms (checks only)\n", audited, static_cast<long long>(a.durationMs));
        });
        const qint64 fleetMs = t.elapsed();
        if (audited != count || failing > 0) {
            std::fprintf(stderr, "fleet: %d of %d audited, %d not logged in\n", audited, count, failing);
            return 1;
        }
        bestFleet = bestFleet < 0 ? fleetMs : std::min(bestFleet, fleetMs);
    }
    std::printf("| measure | time | reference | ratio | target |\n|---|---|---|---|---|\n");
    std::printf("| audit of one VM (%s, %d checks, login to logout) | %lld ms | 3000 ms | %.2fx | under 3 s: %s |\n",
                qPrintable(vmName.toLower()), checks, static_cast<long long>(bestOne), double(bestOne) / 3000.0,
                bestOne < 3000 ? "met" : "NOT met");
    std::printf("| %d audits of %lld VMs in the fleet view's way (%d at once) | %lld ms | one audit: %lld ms | %.2fx | "
                "under 2x: %s |\n",
                count, static_cast<long long>(std::min<qsizetype>(count, fleetVms.size())), jobs,
                static_cast<long long>(bestFleet), static_cast<long long>(bestOne), double(bestFleet) / double(bestOne),
                double(bestFleet) < 2.0 * double(bestOne) ? "met" : "NOT met");
    return 0;
}
