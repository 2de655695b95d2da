#include "core/deploy/vm/ContainerSpec.h"

#include "core/deploy/VmDeployAnswers.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace aio {

namespace {

QString shown(const QString& value)
{
    return value.isEmpty() ? ContainerSpec::tr("(none)") : value;
}

// Long values (a base64 public key) are shortened so a diff line stays readable.
QString abbreviated(const QString& value)
{
    return value.size() > 48 ? value.left(20) + QStringLiteral("…") + value.right(12) : shown(value);
}
} // namespace

Result<ContainerSpec> ContainerSpec::fromInspect(const QByteArray& json, const QStringList& managedEnv)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull() || !doc.isArray() || doc.array().isEmpty() || !doc.array().first().isObject())
        return Error(ErrorKind::Protocol, tr("`docker inspect` printed something that is not a container description."),
                     parseError.errorString());
    const QJsonObject root = doc.array().first().toObject();
    const QJsonObject config = root.value(QLatin1String("Config")).toObject();
    const QJsonObject host = root.value(QLatin1String("HostConfig")).toObject();

    ContainerSpec spec;
    spec.id = root.value(QLatin1String("Id")).toString();
    spec.name = root.value(QLatin1String("Name")).toString();
    if (spec.name.startsWith(QLatin1Char('/')))
        spec.name.remove(0, 1);
    spec.image = config.value(QLatin1String("Image")).toString();
    for (const QJsonValue& v : config.value(QLatin1String("Env")).toArray()) {
        const QString entry = v.toString();
        const qsizetype eq = entry.indexOf(QLatin1Char('='));
        const QString key = eq < 0 ? entry : entry.left(eq);
        if (managedEnv.contains(key))
            spec.env.insert(key, eq < 0 ? QString() : entry.mid(eq + 1));
    }
    const QJsonObject bindings = host.value(QLatin1String("PortBindings")).toObject();
    const QJsonArray binding = bindings.value(spec.containerPort).toArray();
    if (!binding.isEmpty()) {
        const QJsonObject first = binding.first().toObject();
        spec.publishHostIp = first.value(QLatin1String("HostIp")).toString();
        spec.publishHostPort = first.value(QLatin1String("HostPort")).toString();
        if (spec.publishHostIp.isEmpty())
            spec.publishHostIp = QStringLiteral("0.0.0.0");
    }
    for (auto it = bindings.begin(); it != bindings.end(); ++it) {
        if (it.key() != spec.containerPort && !it.value().toArray().isEmpty())
            spec.publishHostPort += QStringLiteral(" +") + it.key(); // extra published ports show up as a difference
    }
    spec.memoryBytes = host.value(QLatin1String("Memory")).toInteger();
    spec.nanoCpus = host.value(QLatin1String("NanoCpus")).toInteger();
    spec.shmSizeBytes = host.value(QLatin1String("ShmSize")).toInteger();
    spec.restartPolicy = host.value(QLatin1String("RestartPolicy")).toObject().value(QLatin1String("Name")).toString();
    for (const QJsonValue& v : host.value(QLatin1String("SecurityOpt")).toArray())
        spec.securityOpts << v.toString();
    const QJsonObject log = host.value(QLatin1String("LogConfig")).toObject();
    spec.logDriver = log.value(QLatin1String("Type")).toString();
    const QJsonValue logConfig = log.value(QLatin1String("Config"));
    spec.logOptionsReported = logConfig.isObject();
    const QJsonObject logOptions = logConfig.toObject();
    for (auto it = logOptions.begin(); it != logOptions.end(); ++it)
        spec.logOptions.insert(it.key(), it.value().toString());
    spec.running = root.value(QLatin1String("State")).toObject().value(QLatin1String("Running")).toBool();
    spec.privileged = host.value(QLatin1String("Privileged")).toBool();
    for (const QJsonValue& v : host.value(QLatin1String("CapAdd")).toArray())
        spec.capAdd << v.toString();
    spec.networkMode = host.value(QLatin1String("NetworkMode")).toString();
    spec.networks
        = root.value(QLatin1String("NetworkSettings")).toObject().value(QLatin1String("Networks")).toObject().keys();
    spec.pidsLimit = host.value(QLatin1String("PidsLimit")).toInteger();
    return spec;
}

Result<ContainerSpec> ContainerSpec::fromRunArgv(const QStringList& argv, const QByteArray& envFile,
                                                 const QStringList& managedEnv)
{
    ContainerSpec spec;
    spec.logDriver = QStringLiteral("json-file"); // docker's default
    spec.running = true;
    auto addEnv = [&](const QString& entry) {
        const qsizetype eq = entry.indexOf(QLatin1Char('='));
        const QString key = eq < 0 ? entry : entry.left(eq);
        if (managedEnv.contains(key))
            spec.env.insert(key, eq < 0 ? QString() : entry.mid(eq + 1));
    };
    qsizetype i = 0;
    while (i < argv.size() && argv.at(i) != QLatin1String("run"))
        ++i;
    ++i;
    auto value = [&](const QString& option) -> Result<QString> {
        if (i + 1 >= argv.size())
            return Error(ErrorKind::Internal, tr("The docker run command ends after %1.").arg(option));
        return argv.at(++i);
    };
    for (; i < argv.size(); ++i) {
        const QString a = argv.at(i);
        if (!a.startsWith(QLatin1Char('-'))) {
            spec.image = a;
            break;
        }
        if (a == QLatin1String("-d") || a == QLatin1String("--detach") || a == QLatin1String("--init"))
            continue;
        Result<QString> v = value(a);
        if (!v)
            return v.error();
        if (a == QLatin1String("--name")) {
            spec.name = *v;
        } else if (a == QLatin1String("-p") || a == QLatin1String("--publish")) {
            // hostIp:hostPort:containerPort
            const QStringList parts = v->split(QLatin1Char(':'));
            if (parts.size() == 3) {
                spec.publishHostIp = parts[0];
                spec.publishHostPort = parts[1];
                spec.containerPort = parts[2].contains(QLatin1Char('/')) ? parts[2] : parts[2] + QStringLiteral("/tcp");
            } else if (parts.size() == 2) {
                spec.publishHostIp = QStringLiteral("0.0.0.0");
                spec.publishHostPort = parts[0];
                spec.containerPort = parts[1] + QStringLiteral("/tcp");
            }
        } else if (a == QLatin1String("--memory") || a == QLatin1String("-m")) {
            Result<qint64> b = VmDeployAnswers::parseBytes(QStringLiteral("memory"), *v);
            if (!b)
                return b.error();
            spec.memoryBytes = *b;
        } else if (a == QLatin1String("--shm-size")) {
            Result<qint64> b = VmDeployAnswers::parseBytes(QStringLiteral("shm"), *v);
            if (!b)
                return b.error();
            spec.shmSizeBytes = *b;
        } else if (a == QLatin1String("--cpus")) {
            Result<int> m = VmDeployAnswers::parseCpus(*v);
            if (!m)
                return m.error();
            spec.nanoCpus = qint64(*m) * 1'000'000;
        } else if (a == QLatin1String("--restart")) {
            spec.restartPolicy = *v;
        } else if (a == QLatin1String("--network") || a == QLatin1String("--net")) {
            spec.networks = {*v};
            if (*v == QLatin1String("host"))
                spec.networkMode = *v;
        } else if (a == QLatin1String("--pids-limit")) {
            spec.pidsLimit = v->toLongLong();
        } else if (a == QLatin1String("--security-opt")) {
            spec.securityOpts << *v;
        } else if (a == QLatin1String("--log-driver")) {
            spec.logDriver = *v;
        } else if (a == QLatin1String("--log-opt")) {
            const qsizetype eq = v->indexOf(QLatin1Char('='));
            spec.logOptions.insert(v->left(eq), v->mid(eq + 1));
        } else if (a == QLatin1String("-e") || a == QLatin1String("--env")) {
            addEnv(*v);
        } else if (a == QLatin1String("--env-file")) {
            for (const QByteArray& line : envFile.split('\n')) {
                const QString entry = QString::fromUtf8(line).trimmed();
                if (!entry.isEmpty() && !entry.startsWith(QLatin1Char('#')))
                    addEnv(entry);
            }
        }
        // Other options (--label, --hostname…) are not compared.
    }
    if (spec.image.isEmpty())
        return Error(ErrorKind::Internal, tr("The docker run command names no image."));
    return spec;
}

QStringList ContainerSpec::differencesFrom(const ContainerSpec& actual) const
{
    QStringList out;
    auto compare = [&out](const QString& what, const QString& have, const QString& want) {
        if (have != want)
            out << QStringLiteral("%1: %2 → %3").arg(what, abbreviated(have), abbreviated(want));
    };
    compare(tr("image"), actual.image, image);
    compare(tr("published port"), actual.publishHostIp + QLatin1Char(':') + actual.publishHostPort,
            publishHostIp + QLatin1Char(':') + publishHostPort);
    compare(tr("memory limit"), QString::number(actual.memoryBytes), QString::number(memoryBytes));
    compare(tr("CPU limit (nano CPUs)"), QString::number(actual.nanoCpus), QString::number(nanoCpus));
    compare(tr("/dev/shm size"), QString::number(actual.shmSizeBytes), QString::number(shmSizeBytes));
    compare(tr("restart policy"), actual.restartPolicy, restartPolicy);
    QStringList haveOpts = actual.securityOpts;
    QStringList wantOpts = securityOpts;
    haveOpts.sort();
    wantOpts.sort();
    compare(tr("security options"), haveOpts.join(QLatin1Char(',')), wantOpts.join(QLatin1Char(',')));
    // podman's Docker API calls json-file "k8s-file" in some versions; both rotate the same way.
    const auto driver = [](const QString& d) {
        return d == QLatin1String("k8s-file") ? QStringLiteral("json-file") : d;
    };
    compare(tr("log driver"), driver(actual.logDriver), driver(logDriver));
    if (actual.logOptionsReported) {
        for (auto it = logOptions.begin(); it != logOptions.end(); ++it)
            compare(tr("log option %1").arg(it.key()), actual.logOptions.value(it.key()), it.value());
    }
    QStringList keys = env.keys() + actual.env.keys();
    keys.removeDuplicates();
    keys.sort();
    for (const QString& key : keys) {
        if (secretEnv.contains(key)) {
            if (env.value(key) != actual.env.value(key) || env.contains(key) != actual.env.contains(key))
                out << tr("environment %1: secret value changes").arg(key);
            continue;
        }
        if (!env.contains(key))
            out << tr("environment %1: set → removed").arg(key);
        else if (!actual.env.contains(key))
            out << tr("environment %1: (unset) → %2").arg(key, abbreviated(env.value(key)));
        else
            compare(tr("environment %1").arg(key), actual.env.value(key), env.value(key));
    }
    compare(tr("process limit"), QString::number(actual.pidsLimit), QString::number(pidsLimit));
    if (actual.privileged != privileged)
        out << tr("privileged: %1 → %2")
                   .arg(actual.privileged ? tr("yes") : tr("no"), privileged ? tr("yes") : tr("no"));
    // Two sets of names, compared without regard to order.
    auto compareSets = [&out](const QString& what, QStringList have, QStringList want) {
        have.sort();
        want.sort();
        if (have != want)
            out << tr("%1: %2 → %3")
                       .arg(what, have.isEmpty() ? tr("none") : have.join(QLatin1Char(',')),
                            want.isEmpty() ? tr("none") : want.join(QLatin1Char(',')));
    };
    compareSets(tr("added capabilities"), actual.capAdd, capAdd);
    // Only the host's own network is a difference: engines name the default bridge differently.
    if ((actual.networkMode == QLatin1String("host")) != (networkMode == QLatin1String("host")))
        out << tr("network: %1 → %2").arg(actual.networkMode, networkMode.isEmpty() ? tr("its own") : networkMode);
    if (!networks.isEmpty())
        compareSets(tr("networks"), actual.networks, networks);
    if (!actual.running)
        out << tr("state: stopped → running");
    return out;
}

} // namespace aio
