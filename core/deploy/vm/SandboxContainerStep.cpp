#include "core/deploy/vm/SandboxContainerStep.h"

#include "core/common/ShellQuote.h"
#include "core/crypto/RsaKeyPair.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/render/DockerRunCommand.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace aio {

namespace {

RemoteCommand docker(const QStringList& args, int timeoutMs = 120'000)
{
    RemoteCommand c = RemoteCommand::args(QStringList{QStringLiteral("docker")} + args).asRoot();
    c.timeoutMs = timeoutMs;
    return c;
}

RemoteCommand ensureNetwork()
{
    return RemoteCommand::shell(DockerRunCommand::ensureNetworkScript()).asRoot();
}

// Waits (bounded: 90 tries, one second apart) until something answers HTTP on 127.0.0.1:8080.
const char* kGatewayScript
    = "if ! command -v curl >/dev/null 2>&1; then echo 'curl missing: not checked'; exit 0; fi\n"
      "i=0\n"
      "while [ $i -lt 90 ]; do\n"
      "  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:8080/v1/ping)\n"
      "  if [ \"$code\" != 000 ]; then echo \"HTTP $code from 127.0.0.1:8080/v1/ping\"; exit 0; fi\n"
      "  i=$((i+1)); sleep 1\n"
      "done\n"
      "echo 'nothing answers on 127.0.0.1:8080 after 90 s'; exit 1\n";
} // namespace

SandboxContainerStep::SandboxContainerStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("container"), SandboxContainerStep::tr("Sandbox container"),
           SandboxContainerStep::tr("Runs the sandbox image as a container that listens on the VM's loopback only "
                                    "(127.0.0.1:8080), with limits, log rotation and the authentication settings."))
    , m_deployment(std::move(deployment))
{ }

QStringList SandboxContainerStep::managedEnv()
{
    return {QStringLiteral("JWT_PUBLIC_KEY"), QStringLiteral("SANDBOX_API_KEY"), QStringLiteral("TZ")};
}

bool SandboxContainerStep::usesEnvFile() const
{
    return m_deployment->answers.sandboxApiKey;
}

QStringList SandboxContainerStep::runArgv() const
{
    const VmDeployment& d = *m_deployment;
    return DockerRunCommand::render(d.answers, d.answers.sandboxJwt ? d.jwtPublicKeyPem : QByteArray(), usesEnvFile());
}

QByteArray SandboxContainerStep::envFileContent() const
{
    return usesEnvFile() ? DockerRunCommand::renderEnvFile(m_deployment->secrets.apiKey) : QByteArray();
}

QString SandboxContainerStep::previousName() const
{
    return m_deployment->answers.containerName + QStringLiteral("-previous");
}

Result<ContainerSpec> SandboxContainerStep::desiredSpec() const
{
    QStringList env = managedEnv();
    for (const auto& [name, value] : m_deployment->answers.extraEnv)
        env << name;
    Result<ContainerSpec> spec = ContainerSpec::fromRunArgv(runArgv(), envFileContent(), env);
    if (spec)
        spec->secretEnv << QStringLiteral("SANDBOX_API_KEY");
    return spec;
}

Result<ContainerSpec> SandboxContainerStep::inspect(PlanContext& context, bool* exists)
{
    *exists = false;
    // The full inspect holds the container's environment: returned for parsing, never shown.
    Result<CommandOutcome> r = context.run(docker({QStringLiteral("inspect"), QStringLiteral("--type"),
                                                   QStringLiteral("container"), m_deployment->answers.containerName})
                                               .withoutShownOutput());
    if (!r)
        return r.error();
    if (!r->succeeded())
        return ContainerSpec();
    *exists = true;
    QStringList env = managedEnv();
    for (const auto& [name, value] : m_deployment->answers.extraEnv)
        env << name;
    return ContainerSpec::fromInspect(r->stdoutData, env);
}

Result<StepState> SandboxContainerStep::detect(PlanContext& context)
{
    const VmDeployment& d = *m_deployment;
    StepState state;
    Result<CommandOutcome> image
        = context.run(docker({QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("--format"),
                              QStringLiteral("{{.Id}}"), d.answers.image.toString()}));
    if (!image)
        return image.error();
    const bool imagePresent = image->succeeded();
    bool exists = false;
    Result<ContainerSpec> actual = inspect(context, &exists);
    if (!actual)
        return actual.error();
    Result<ContainerSpec> desired = desiredSpec();
    if (!desired)
        return desired.error();
    Result<CommandOutcome> previous
        = context.run(docker({QStringLiteral("inspect"), QStringLiteral("--type"), QStringLiteral("container"),
                              QStringLiteral("--format"), QStringLiteral("{{.Id}}"), previousName()}));
    if (!previous)
        return previous.error();
    if (usesEnvFile()) {
        Result<FileSnapshot> envFile = context.readFile(DockerRunCommand::envFilePath(), true);
        if (!envFile)
            return envFile.error();
        state.files << *envFile;
    }

    const QStringList differences = exists ? desired->differencesFrom(*actual) : QStringList();
    state.facts.insert(QStringLiteral("imagePresent"), imagePresent);
    state.facts.insert(QStringLiteral("imageId"), QString::fromUtf8(image->stdoutData).trimmed());
    state.facts.insert(QStringLiteral("exists"), exists);
    state.facts.insert(QStringLiteral("running"), exists && actual->running);
    state.facts.insert(QStringLiteral("containerId"), actual->id);
    state.facts.insert(QStringLiteral("previousExists"), previous->succeeded());
    state.facts.insert(QStringLiteral("differences"), QJsonArray::fromStringList(differences));
    state.facts.insert(QStringLiteral("currentImage"), actual->image);
    const bool envFileCurrent
        = !usesEnvFile() || (state.files.first().exists && state.files.first().content == envFileContent());
    state.alreadyDone = exists && differences.isEmpty() && envFileCurrent;
    if (!exists)
        state.summary = tr("No container %1 yet; image %2 is %3.")
                            .arg(d.answers.containerName, d.answers.image.toString(),
                                 imagePresent ? tr("on the VM") : tr("not on the VM"));
    else if (state.alreadyDone)
        state.summary = tr("Container %1 runs %2 as asked.").arg(d.answers.containerName, actual->image);
    else
        state.summary = tr("Container %1 runs %2 and differs in %3 setting(s).")
                            .arg(d.answers.containerName, actual->image)
                            .arg(differences.size() + (envFileCurrent ? 0 : 1));
    return state;
}

Result<StepPreview> SandboxContainerStep::preview(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    const VmDeployment& d = *m_deployment;
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    if (state.alreadyDone)
        return p;
    const bool exists = state.facts.value(QStringLiteral("exists")).toBool();
    if (!state.facts.value(QStringLiteral("imagePresent")).toBool()) {
        p.commands << docker(DockerRunCommand::pullArgv(d.answers.image).mid(1)).displayText();
        p.notes << tr("The image is not on the VM and will be pulled (about 13 GB for the real image).");
    } else {
        p.notes << tr("The image %1 is already on the VM (%2); it is used as it is.")
                       .arg(d.answers.image.toString(),
                            state.facts.value(QStringLiteral("imageId")).toString().left(19));
    }
    if (exists) {
        p.notes << tr("The container exists and will be recreated because:");
        for (const QJsonValue& v : state.facts.value(QStringLiteral("differences")).toArray())
            p.notes << QStringLiteral("  • ") + v.toString();
        if (state.facts.value(QStringLiteral("previousExists")).toBool())
            p.commands << docker({QStringLiteral("rm"), QStringLiteral("-f"), previousName()}).displayText();
        p.commands << docker({QStringLiteral("stop"), d.answers.containerName}).displayText()
                   << docker({QStringLiteral("rename"), d.answers.containerName, previousName()}).displayText();
        p.notes << tr("The current container is kept, stopped, as %1 so it can be brought back.").arg(previousName());
    }
    if (usesEnvFile())
        p.fileChanges << FileChange::write(state.files.first(), envFileContent(), 0600, true);
    p.commands << ensureNetwork().displayText();
    p.commands << docker(runArgv().mid(1)).displayText();
    if (d.answers.image.isFloating())
        p.warnings << tr("The image tag floats (%1): pin a version such as %2 so upgrades are deliberate.")
                          .arg(d.answers.image.toString(), VmDeployAnswers::suggestedTag());
    return p;
}

Status SandboxContainerStep::waitForGateway(PlanContext& context, QString* evidence)
{
    RemoteCommand wait = RemoteCommand::shell(QString::fromLatin1(kGatewayScript));
    wait.timeoutMs = 150'000;
    Result<CommandOutcome> r = context.run(wait);
    if (!r)
        return r.error();
    *evidence = QString::fromUtf8(r->stdoutData).trimmed();
    if (!r->succeeded())
        return Error(ErrorKind::VerificationFailed, tr("The sandbox does not answer on 127.0.0.1:8080."), *evidence,
                     tr("Look at `docker logs %1` on the VM.").arg(m_deployment->answers.containerName));
    return {};
}

Status SandboxContainerStep::apply(PlanContext& context, const StepState& state)
{
    const VmDeployment& d = *m_deployment;
    const QString name = d.answers.containerName;
    if (!state.facts.value(QStringLiteral("imagePresent")).toBool()) {
        Result<CommandOutcome> pull
            = context.runChecked(docker(DockerRunCommand::pullArgv(d.answers.image).mid(1), 3'600'000),
                                 tr("Pulling %1").arg(d.answers.image.toString()));
        if (!pull)
            return pull.error();
    }
    if (state.facts.value(QStringLiteral("exists")).toBool()) {
        if (state.facts.value(QStringLiteral("previousExists")).toBool()) {
            Result<CommandOutcome> rm
                = context.runChecked(docker({QStringLiteral("rm"), QStringLiteral("-f"), previousName()}),
                                     tr("Removing the old %1").arg(previousName()));
            if (!rm)
                return rm.error();
        }
        Result<CommandOutcome> stop
            = context.runChecked(docker({QStringLiteral("stop"), name}), tr("Stopping %1").arg(name));
        if (!stop)
            return stop.error();
        Result<CommandOutcome> rename = context.runChecked(docker({QStringLiteral("rename"), name, previousName()}),
                                                           tr("Keeping %1 as %2").arg(name, previousName()));
        if (!rename)
            return rename.error();
    }
    if (usesEnvFile()) {
        Result<CommandOutcome> dir = context.runChecked(
            RemoteCommand::args({QStringLiteral("install"), QStringLiteral("-d"), QStringLiteral("-m"),
                                 QStringLiteral("0700"), QStringLiteral("/etc/aio-sandbox")})
                .asRoot(),
            tr("Creating /etc/aio-sandbox"));
        if (!dir)
            return dir.error();
        RemoteFileAttributes attrs;
        attrs.mode = 0600;
        attrs.owner = QStringLiteral("root");
        attrs.sudo = true;
        const Status w = context.writeFile(DockerRunCommand::envFilePath(), envFileContent(), attrs, true);
        if (!w)
            return w;
    }
    Result<CommandOutcome> network = context.runChecked(ensureNetwork(), tr("Creating the sandbox's own network"));
    if (!network)
        return network.error();
    Result<CommandOutcome> run = context.runChecked(docker(runArgv().mid(1), 300'000), tr("Starting the container"));
    if (!run)
        return run.error();
    QString evidence;
    return waitForGateway(context, &evidence);
}

Result<VerifyReport> SandboxContainerStep::verify(PlanContext& context)
{
    VerifyReport report;
    bool exists = false;
    Result<ContainerSpec> actual = inspect(context, &exists);
    if (!actual)
        return actual.error();
    Result<ContainerSpec> desired = desiredSpec();
    if (!desired)
        return desired.error();
    report.add(tr("container %1 exists and runs").arg(m_deployment->answers.containerName), exists && actual->running,
               exists ? (actual->running ? tr("running %1").arg(actual->image) : tr("stopped"))
                      : tr("no such container"));
    if (!exists)
        return report;
    const bool loopbackOnly
        = actual->publishHostIp == QLatin1String("127.0.0.1") && !actual->publishHostPort.contains(QLatin1Char('+'));
    report.add(tr("port 8080 published on 127.0.0.1 only"), loopbackOnly,
               QStringLiteral("%1:%2 → %3").arg(actual->publishHostIp, actual->publishHostPort, actual->containerPort));
    const QStringList differences = desired->differencesFrom(*actual);
    report.add(tr("settings as asked"), differences.isEmpty(),
               differences.isEmpty() ? tr("image, limits, restart policy, seccomp, logs and environment match")
                                     : differences.join(QStringLiteral("; ")));
    QString evidence;
    const Status gateway = waitForGateway(context, &evidence);
    report.add(tr("the sandbox answers on 127.0.0.1:8080"), gateway.ok(), evidence);
    addBannerCheck(context, report);
    return report;
}

void SandboxContainerStep::addBannerCheck(PlanContext& context, VerifyReport& report)
{
    const VmDeployAnswers& a = m_deployment->answers;
    // The banner is the first lines of the container's output; access lines may follow in volume.
    RemoteCommand logs
        = RemoteCommand::shell(QStringLiteral("docker logs %1 2>&1 | head -n 200").arg(shellQuote(a.containerName)))
              .asRoot();
    logs.timeoutMs = 60'000;
    Result<CommandOutcome> r = context.run(logs);
    const QString banner = r ? QString::fromUtf8(r->stdoutData) : QString();
    const BannerFacts facts = readBanner(banner);
    const bool imageAuth = a.sandboxJwt || a.sandboxApiKey;
    QString evidence = facts.imageVersion.isEmpty() ? tr("no \"Image Version\" line in docker logs")
                                                    : tr("Image Version: %1").arg(facts.imageVersion);
    if (facts.noAuthWarning)
        evidence += tr("; the banner warns: NO AUTHENTICATION CONFIGURED");
    if (!r)
        evidence = r.error().toString();
    if (imageAuth)
        report.add(tr("the sandbox's own authentication is on (no warning in its start-up banner)"),
                   r && !facts.noAuthWarning, evidence);
    else
        report.add(tr("the sandbox's own authentication is off by choice: only the edge protects it"), r.ok(),
                   evidence);
}

SandboxContainerStep::BannerFacts SandboxContainerStep::readBanner(const QString& output)
{
    BannerFacts facts;
    const QStringList lines = output.split(QLatin1Char('\n'));
    for (const QString& raw : lines) {
        const QString line = raw.trimmed();
        if (facts.imageVersion.isEmpty() && line.startsWith(QLatin1String("Image Version:")))
            facts.imageVersion = line.mid(int(qstrlen("Image Version:"))).trimmed().left(64);
        if (line.contains(QLatin1String("SECURITY RISK - NO AUTHENTICATION CONFIGURED")))
            facts.noAuthWarning = true;
    }
    return facts;
}

Status SandboxContainerStep::rollback(PlanContext& context, const StepState& state)
{
    const QString name = m_deployment->answers.containerName;
    const QString originalId = state.facts.value(QStringLiteral("containerId")).toString();
    auto idOf = [&](const QString& container) -> Result<QString> {
        Result<CommandOutcome> r
            = context.run(docker({QStringLiteral("inspect"), QStringLiteral("--type"), QStringLiteral("container"),
                                  QStringLiteral("--format"), QStringLiteral("{{.Id}}"), container}));
        if (!r)
            return r.error();
        return r->succeeded() ? QString::fromUtf8(r->stdoutData).trimmed() : QString();
    };
    Result<QString> current = idOf(name);
    if (!current)
        return current.error();
    const bool originalUntouched = !originalId.isEmpty() && *current == originalId;
    if (!current->isEmpty() && !originalUntouched) {
        Result<CommandOutcome> rm = context.runChecked(docker({QStringLiteral("rm"), QStringLiteral("-f"), name}),
                                                       tr("Removing the new container"));
        if (!rm)
            return rm.error();
    }
    for (const FileSnapshot& f : state.files) {
        const Status s = context.restoreFile(f, true, true);
        if (!s)
            return s;
    }
    if (originalId.isEmpty())
        return {};
    if (!originalUntouched) {
        Result<QString> kept = idOf(previousName());
        if (!kept)
            return kept.error();
        if (*kept != originalId)
            return Error(ErrorKind::NotFound,
                         tr("The previous container %1 is gone; it cannot be brought back.").arg(name), {},
                         tr("Run the step again to create the container from the answers."));
        Result<CommandOutcome> rename = context.runChecked(docker({QStringLiteral("rename"), previousName(), name}),
                                                           tr("Bringing back the previous container"));
        if (!rename)
            return rename.error();
    }
    if (state.facts.value(QStringLiteral("running")).toBool()) {
        Result<CommandOutcome> start
            = context.runChecked(docker({QStringLiteral("start"), name}), tr("Starting the previous container"));
        if (!start)
            return start.error();
    }
    return {};
}

} // namespace aio
