#include "core/deploy/vm/PreflightStep.h"

#include "core/deploy/PlanContext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>

namespace aio {

namespace {
constexpr qint64 kMinMemoryKb = 2LL * 1000 * 1000; // "2 GB": MemTotal of a 2 GB VM is a bit under 2 GiB
constexpr qint64 kMinDiskKb = 20LL * 1024 * 1024;
constexpr qint64 kMaxSkewSeconds = 120;
} // namespace

PreflightStep::PreflightStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(
        QStringLiteral("preflight"), PreflightStep::tr("Preflight"),
        PreflightStep::tr("Checks the VM: operating system, sudo, memory and disk, docker and nginx, ports 80 and 443, "
                          "and its clock. Offers to install what is missing with the distribution's packages."))
    , m_deployment(std::move(deployment))
{ }

Result<PreflightFacts> PreflightStep::probe(PlanContext& context, QString* sudoProblem, QJsonObject* raw)
{
    Result<CommandOutcome> user
        = context.runChecked(RemoteCommand::shell(PreflightFacts::userScript()), tr("Reading the VM's facts"));
    if (!user)
        return user.error();
    QByteArray rootOutput;
    Result<CommandOutcome> root = context.run(RemoteCommand::shell(PreflightFacts::rootScript()).asRoot());
    if (!root) {
        if (root.error().kind == ErrorKind::Cancelled || root.error().kind == ErrorKind::ConnectionLost)
            return root.error();
        *sudoProblem = root.error().toString();
    } else {
        rootOutput = root->stdoutData;
    }
    if (raw) {
        raw->insert(QStringLiteral("userOutput"), QString::fromUtf8(user->stdoutData));
        raw->insert(QStringLiteral("rootOutput"), QString::fromUtf8(rootOutput));
    }
    return PreflightFacts::parse(user->stdoutData, rootOutput);
}

QStringList PreflightStep::missingPackages(const PreflightFacts& facts, const VmDeployAnswers& answers)
{
    QStringList packages;
    if (!facts.dockerCli)
        packages << QStringLiteral("docker.io");
    if (!facts.nginx)
        packages << QStringLiteral("nginx");
    if (answers.tlsMode == VmDeployAnswers::TlsMode::Acme && !facts.certbot)
        packages << QStringLiteral("certbot");
    if (answers.firewallTool == VmDeployAnswers::FirewallTool::Nftables && !facts.nft)
        packages << QStringLiteral("nftables");
    return packages;
}

QStringList PreflightStep::warningsFor(const PreflightFacts& f, qint64 workstationEpoch,
                                       VmDeployAnswers::FirewallTool firewall)
{
    QStringList w;
    if (f.memoryKb >= 0 && f.memoryKb < kMinMemoryKb)
        w << tr("The VM has %1 MB of memory; the sandbox needs at least 2 GB.").arg(f.memoryKb / 1024);
    if (f.diskFreeKb >= 0 && f.diskFreeKb < kMinDiskKb)
        w << tr("Only %1 GB are free under /var/lib; the image alone is about 13 GB, 20 GB are advised.")
                 .arg(double(f.diskFreeKb) / (1024.0 * 1024.0), 0, 'f', 1);
    if (f.clockEpoch > 0 && workstationEpoch > 0 && qAbs(f.clockEpoch - workstationEpoch) > kMaxSkewSeconds)
        w << tr("The VM's clock is %1 seconds off this workstation's; certificates and tokens may be refused. "
                "Enable NTP on the VM.")
                 .arg(f.clockEpoch - workstationEpoch);
    for (const PreflightFacts::Listener& l : f.foreignListeners())
        w << tr("Port %1 is taken by %2 on %3; nginx needs it.")
                 .arg(l.port)
                 .arg(l.process.isEmpty() ? tr("an unknown process") : l.process, l.address);
    if (f.ufwActive && firewall == VmDeployAnswers::FirewallTool::Nftables)
        w << tr("ufw is active on the VM and keeps its own rules next to the nftables table this deployment adds; "
                "choose ufw as the firewall tool instead, or make sure ufw allows 80 and 443.");
    else if (f.ufwActive && firewall == VmDeployAnswers::FirewallTool::None)
        w << tr("ufw is active on the VM: make sure it allows 80 and 443 as well (or choose ufw as the firewall "
                "tool and the deployment sets it).");
    if (!f.osId.isEmpty() && !f.isDebianLike())
        w << tr("%1 is not Debian or Ubuntu; installing packages is not offered, install docker and nginx by hand.")
                 .arg(f.osName.isEmpty() ? f.osId : f.osName);
    return w;
}

QList<RemoteCommand> PreflightStep::installCommands(const QStringList& packages)
{
    QList<RemoteCommand> commands;
    if (packages.isEmpty())
        return commands;
    RemoteCommand update = RemoteCommand::args({QStringLiteral("apt-get"), QStringLiteral("update")}).asRoot();
    update.timeoutMs = 10 * 60'000;
    QStringList install{QStringLiteral("env"),     QStringLiteral("DEBIAN_FRONTEND=noninteractive"),
                        QStringLiteral("apt-get"), QStringLiteral("install"),
                        QStringLiteral("-y"),      QStringLiteral("--no-install-recommends")};
    install += packages;
    RemoteCommand add = RemoteCommand::args(install).asRoot();
    add.timeoutMs = 30 * 60'000;
    commands << update << add;
    return commands;
}

Result<StepState> PreflightStep::detect(PlanContext& context)
{
    QString sudoProblem;
    QJsonObject raw;
    Result<PreflightFacts> probed = probe(context, &sudoProblem, &raw);
    if (!probed)
        return probed.error();
    const PreflightFacts& f = *probed;
    StepState state;
    state.facts = f.toJson();
    for (auto it = raw.begin(); it != raw.end(); ++it)
        state.facts.insert(it.key(), it.value());
    state.facts.insert(QStringLiteral("sudoProblem"), sudoProblem);
    state.facts.insert(QStringLiteral("workstationEpoch"), QDateTime::currentSecsSinceEpoch());
    const QStringList missing = missingPackages(f, m_deployment->answers);
    state.facts.insert(QStringLiteral("missing"), QJsonArray::fromStringList(missing));
    const bool dockerUsable = f.dockerCli && !f.dockerServerVersion.isEmpty();
    state.alreadyDone = f.sudo && missing.isEmpty() && dockerUsable && f.foreignListeners().isEmpty();
    state.summary = tr("%1; %2 MB memory; docker %3; nginx %4")
                        .arg(f.osName.isEmpty() ? f.osId : f.osName)
                        .arg(f.memoryKb / 1024)
                        .arg(dockerUsable ? f.dockerServerVersion : (f.dockerCli ? tr("unreachable") : tr("missing")),
                             f.nginx ? (f.nginxRunning ? tr("running") : tr("installed")) : tr("missing"));
    context.setFact(QStringLiteral("systemd"), f.systemd);
    context.setFact(QStringLiteral("os"), f.osName);
    return state;
}

Result<StepPreview> PreflightStep::preview(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    const QJsonObject& f = state.facts;
    QStringList missing;
    for (const QJsonValue& v : f.value(QStringLiteral("missing")).toArray())
        missing << v.toString();
    const PreflightFacts facts = PreflightFacts::parse(f.value(QStringLiteral("userOutput")).toString().toUtf8(),
                                                       f.value(QStringLiteral("rootOutput")).toString().toUtf8());
    p.warnings = warningsFor(facts, f.value(QStringLiteral("workstationEpoch")).toInteger(),
                             m_deployment->answers.firewallTool);
    const QString sudoProblem = f.value(QStringLiteral("sudoProblem")).toString();
    if (!f.value(QStringLiteral("sudo")).toBool())
        p.warnings << tr("sudo does not work for this user: %1").arg(sudoProblem);
    if (f.value(QStringLiteral("docker")).toBool() && f.value(QStringLiteral("dockerServer")).toString().isEmpty())
        p.warnings
            << tr("The docker CLI cannot reach its engine: %1").arg(f.value(QStringLiteral("dockerError")).toString());
    for (const RemoteCommand& c : installCommands(missing))
        p.commands << c.displayText();
    if (!missing.isEmpty())
        p.notes << tr("Missing on the VM: %1. They are installed from the VM's configured apt sources.")
                       .arg(missing.join(QStringLiteral(", ")));
    p.notes << tr("Found: %1").arg(state.summary);
    return p;
}

Status PreflightStep::apply(PlanContext& context, const StepState& state)
{
    const QJsonObject& f = state.facts;
    if (!f.value(QStringLiteral("sudo")).toBool())
        return Error(ErrorKind::SudoPasswordRequired, tr("The deployment needs sudo on the VM, and sudo did not work."),
                     f.value(QStringLiteral("sudoProblem")).toString(),
                     tr("Give the user sudo rights, or store the sudo password for this target."));
    QStringList missing;
    for (const QJsonValue& v : f.value(QStringLiteral("missing")).toArray())
        missing << v.toString();
    if (!missing.isEmpty()) {
        const bool debian = f.value(QStringLiteral("osId")).toString() == QLatin1String("debian")
            || f.value(QStringLiteral("osId")).toString() == QLatin1String("ubuntu");
        if (!debian && !f.value(QStringLiteral("os")).toString().contains(QLatin1String("Debian")))
            return Error(ErrorKind::NotFound,
                         tr("%1 must be installed by hand on this system.").arg(missing.join(QStringLiteral(", "))));
        if (!m_deployment->answers.installMissing
            && !context.confirm(
                tr("Install %1 on %2 with apt-get?").arg(missing.join(QStringLiteral(", ")), context.targetName())))
            return Error(ErrorKind::Cancelled,
                         tr("%1 are missing and were not installed.").arg(missing.join(QStringLiteral(", "))), {},
                         tr("Install them, or answer yes (installMissing in the answers)."));
        for (const RemoteCommand& c : installCommands(missing)) {
            Result<CommandOutcome> r
                = context.runChecked(c, tr("Installing %1").arg(missing.join(QStringLiteral(", "))));
            if (!r)
                return r.error();
        }
    }
    if (f.value(QStringLiteral("docker")).toBool() && f.value(QStringLiteral("dockerServer")).toString().isEmpty()
        && !missing.contains(QStringLiteral("docker.io")))
        return Error(ErrorKind::CommandFailed, tr("The docker CLI cannot reach its engine."),
                     f.value(QStringLiteral("dockerError")).toString(),
                     tr("Start the docker service on the VM (or check /var/run/docker.sock) and run the step again."));
    return {};
}

Result<VerifyReport> PreflightStep::verify(PlanContext& context)
{
    QString sudoProblem;
    Result<PreflightFacts> probed = probe(context, &sudoProblem, nullptr);
    if (!probed)
        return probed.error();
    const PreflightFacts& f = *probed;
    VerifyReport report;
    report.add(tr("sudo works"), f.sudo, f.sudo ? QStringLiteral("id -u = 0") : sudoProblem);
    report.add(tr("docker engine reachable"), !f.dockerServerVersion.isEmpty(),
               f.dockerServerVersion.isEmpty() ? (f.dockerCli ? f.dockerError : tr("docker CLI missing"))
                                               : tr("server version %1").arg(f.dockerServerVersion));
    report.add(tr("nginx installed"), f.nginx, f.nginx ? tr("nginx found") : tr("nginx missing"));
    const QStringList missing = missingPackages(f, m_deployment->answers);
    report.add(tr("required tools present"), missing.isEmpty(),
               missing.isEmpty() ? tr("nothing missing") : tr("missing: %1").arg(missing.join(QStringLiteral(", "))));
    const auto foreign = f.foreignListeners();
    QStringList taken;
    for (const auto& l : foreign)
        taken << QStringLiteral("%1:%2 %3").arg(l.address).arg(l.port).arg(l.process);
    report.add(tr("ports 80/443 free or nginx's"), foreign.isEmpty(),
               foreign.isEmpty() ? (f.listenersKnown ? tr("no other listener") : tr("ss not available; not checked"))
                                 : taken.join(QStringLiteral("; ")));
    return report;
}

Status PreflightStep::rollback(PlanContext& context, const StepState& state)
{
    QStringList missing;
    for (const QJsonValue& v : state.facts.value(QStringLiteral("missing")).toArray())
        missing << v.toString();
    if (missing.isEmpty())
        return {};
    // Only what this step installed (it was missing before) is removed again.
    QStringList argv{QStringLiteral("env"), QStringLiteral("DEBIAN_FRONTEND=noninteractive"), QStringLiteral("apt-get"),
                     QStringLiteral("remove"), QStringLiteral("-y")};
    argv += missing;
    RemoteCommand remove = RemoteCommand::args(argv).asRoot();
    remove.timeoutMs = 10 * 60'000;
    Result<CommandOutcome> r
        = context.runChecked(remove, tr("Removing %1 again").arg(missing.join(QStringLiteral(", "))));
    if (!r)
        return r.error();
    return {};
}

} // namespace aio
