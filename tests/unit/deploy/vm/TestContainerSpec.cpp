#include "core/deploy/vm/ContainerSpec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace aio;

namespace {
const QStringList kManaged{QStringLiteral("JWT_PUBLIC_KEY"), QStringLiteral("SANDBOX_API_KEY"), QStringLiteral("TZ")};

QStringList runArgv()
{
    return {QStringLiteral("docker"),
            QStringLiteral("run"),
            QStringLiteral("-d"),
            QStringLiteral("--name"),
            QStringLiteral("aio-sandbox"),
            QStringLiteral("--restart"),
            QStringLiteral("unless-stopped"),
            QStringLiteral("--security-opt"),
            QStringLiteral("seccomp=unconfined"),
            QStringLiteral("-p"),
            QStringLiteral("127.0.0.1:8080:8080"),
            QStringLiteral("--shm-size"),
            QStringLiteral("2g"),
            QStringLiteral("--cpus"),
            QStringLiteral("1.5"),
            QStringLiteral("--memory"),
            QStringLiteral("2g"),
            QStringLiteral("--log-driver"),
            QStringLiteral("json-file"),
            QStringLiteral("--log-opt"),
            QStringLiteral("max-size=10m"),
            QStringLiteral("--label"),
            QStringLiteral("x=y"),
            QStringLiteral("-e"),
            QStringLiteral("TZ=UTC"),
            QStringLiteral("-e"),
            QStringLiteral("JWT_PUBLIC_KEY=abc"),
            QStringLiteral("ghcr.io/agent-infra/sandbox:1.11.0")};
}

QByteArray inspectJson()
{
    QFile f(QStringLiteral(AIO_SOURCE_DIR "/tests/unit/deploy/vm/podman-inspect.json"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestContainerSpec : public QObject
{
    Q_OBJECT
private slots:
    void inspectOfPodmansDockerApiIsRead();
    void runArgvMatchesWhatPodmanReports();
    void everyDifferenceIsListed();
    void secretValuesAreNeverShown();
    void publishedOnAllInterfacesIsADifference();
    void garbageInspectIsRefused();
    void privilegedCapabilitiesHostNetworkAndNoProcessLimitAreDifferences();
    void aContainerOutsideItsOwnNetworkIsADifference();
};

// On the VM's default bridge, any other container could reach the sandbox's 8080 past nginx.
void TestContainerSpec::aContainerOutsideItsOwnNetworkIsADifference()
{
    QStringList argv = runArgv();
    argv.insert(argv.size() - 1, QStringLiteral("--network"));
    argv.insert(argv.size() - 1, QStringLiteral("aio-sandbox-net"));
    Result<ContainerSpec> desired = ContainerSpec::fromRunArgv(argv, {}, kManaged);
    QVERIFY(desired.ok());
    QCOMPARE(desired->networks, QStringList{QStringLiteral("aio-sandbox-net")});
    QJsonArray array = QJsonDocument::fromJson(inspectJson()).array();
    QJsonObject root = array.first().toObject();
    QJsonObject settings = root.value(QStringLiteral("NetworkSettings")).toObject();
    for (const QStringList& attached : {QStringList{QStringLiteral("bridge")},
                                        QStringList{QStringLiteral("aio-sandbox-net"), QStringLiteral("bridge")},
                                        QStringList{QStringLiteral("aio-sandbox-net")}}) {
        QJsonObject networks;
        for (const QString& n : attached)
            networks.insert(n, QJsonObject{{QStringLiteral("IPAddress"), QStringLiteral("198.19.128.2")}});
        settings.insert(QStringLiteral("Networks"), networks);
        root.insert(QStringLiteral("NetworkSettings"), settings);
        array[0] = root;
        Result<ContainerSpec> actual = ContainerSpec::fromInspect(QJsonDocument(array).toJson(), kManaged);
        QVERIFY(actual.ok());
        QCOMPARE(actual->networks, attached);
        const QStringList diff = desired->differencesFrom(*actual);
        const bool onlyOurs = attached == QStringList{QStringLiteral("aio-sandbox-net")};
        QVERIFY2(onlyOurs ? !diff.join(QLatin1Char('\n')).contains(QStringLiteral("networks"))
                          : diff.contains(
                              QStringLiteral("networks: %1 → aio-sandbox-net").arg(attached.join(QLatin1Char(',')))),
                 qPrintable(diff.join(QLatin1Char('\n'))));
    }
}

// A container someone started by hand with more power than the plan gives it is never "already done".
void TestContainerSpec::privilegedCapabilitiesHostNetworkAndNoProcessLimitAreDifferences()
{
    QJsonDocument doc = QJsonDocument::fromJson(inspectJson());
    QJsonArray array = doc.array();
    QJsonObject root = array.first().toObject();
    QJsonObject host = root.value(QStringLiteral("HostConfig")).toObject();
    host.insert(QStringLiteral("Privileged"), true);
    host.insert(QStringLiteral("CapAdd"), QJsonArray{QStringLiteral("SYS_ADMIN"), QStringLiteral("NET_ADMIN")});
    host.insert(QStringLiteral("NetworkMode"), QStringLiteral("host"));
    host.insert(QStringLiteral("PidsLimit"), 0);
    root.insert(QStringLiteral("HostConfig"), host);
    array[0] = root;
    Result<ContainerSpec> actual = ContainerSpec::fromInspect(QJsonDocument(array).toJson(), kManaged);
    QVERIFY(actual.ok());
    QVERIFY(actual->privileged);
    QStringList argv = runArgv();
    argv.insert(argv.size() - 1, QStringLiteral("--pids-limit"));
    argv.insert(argv.size() - 1, QStringLiteral("4096"));
    Result<ContainerSpec> desired = ContainerSpec::fromRunArgv(argv, {}, kManaged);
    QVERIFY(desired.ok());
    QCOMPARE(desired->pidsLimit, qint64(4096));
    const QString diff = desired->differencesFrom(*actual).join(QLatin1Char('\n'));
    QVERIFY2(diff.contains(QStringLiteral("privileged: yes → no")), qPrintable(diff));
    QVERIFY2(diff.contains(QStringLiteral("added capabilities: NET_ADMIN,SYS_ADMIN → none")), qPrintable(diff));
    QVERIFY2(diff.contains(QStringLiteral("network: host →")), qPrintable(diff));
    QVERIFY2(diff.contains(QStringLiteral("process limit: 0 → 4096")), qPrintable(diff));
    // An engine's own name for the default bridge is no difference.
    host.insert(QStringLiteral("Privileged"), false);
    host.insert(QStringLiteral("CapAdd"), QJsonArray{});
    host.insert(QStringLiteral("NetworkMode"), QStringLiteral("bridge"));
    host.insert(QStringLiteral("PidsLimit"), 4096);
    root.insert(QStringLiteral("HostConfig"), host);
    array[0] = root;
    actual = ContainerSpec::fromInspect(QJsonDocument(array).toJson(), kManaged);
    QCOMPARE(desired->differencesFrom(*actual), QStringList());
}

void TestContainerSpec::inspectOfPodmansDockerApiIsRead()
{
    Result<ContainerSpec> spec = ContainerSpec::fromInspect(inspectJson(), kManaged);
    QVERIFY(spec.ok());
    QCOMPARE(spec->name, QStringLiteral("aio-sandbox"));
    QCOMPARE(spec->image, QStringLiteral("ghcr.io/agent-infra/sandbox:1.11.0"));
    QCOMPARE(spec->publishHostIp, QStringLiteral("127.0.0.1"));
    QCOMPARE(spec->publishHostPort, QStringLiteral("8080"));
    QCOMPARE(spec->memoryBytes, qint64(2) << 30);
    QCOMPARE(spec->nanoCpus, qint64(1'500'000'000));
    QCOMPARE(spec->restartPolicy, QStringLiteral("unless-stopped"));
    QCOMPARE(spec->securityOpts, QStringList{QStringLiteral("seccomp=unconfined")});
    QVERIFY(!spec->logOptionsReported); // podman leaves LogConfig.Config null
    QCOMPARE(spec->env.keys(), (QStringList{QStringLiteral("JWT_PUBLIC_KEY"), QStringLiteral("TZ")}));
    QVERIFY(spec->running);
}

void TestContainerSpec::runArgvMatchesWhatPodmanReports()
{
    Result<ContainerSpec> desired = ContainerSpec::fromRunArgv(runArgv(), {}, kManaged);
    QVERIFY(desired.ok());
    Result<ContainerSpec> actual = ContainerSpec::fromInspect(inspectJson(), kManaged);
    QVERIFY(actual.ok());
    QCOMPARE(desired->differencesFrom(*actual), QStringList());
}

void TestContainerSpec::everyDifferenceIsListed()
{
    QStringList argv = runArgv();
    argv[argv.indexOf(QStringLiteral("1.5"))] = QStringLiteral("2");
    argv[argv.indexOf(QStringLiteral("TZ=UTC"))] = QStringLiteral("TZ=Europe/Berlin");
    argv.last() = QStringLiteral("ghcr.io/agent-infra/sandbox:1.12.0");
    Result<ContainerSpec> desired = ContainerSpec::fromRunArgv(argv, {}, kManaged);
    QVERIFY(desired.ok());
    Result<ContainerSpec> actual = ContainerSpec::fromInspect(inspectJson(), kManaged);
    QVERIFY(actual.ok());
    actual->running = false;
    const QStringList diff = desired->differencesFrom(*actual);
    QCOMPARE(diff.size(), 4);
    QVERIFY(diff.filter(QStringLiteral("image")).first().contains(QStringLiteral("1.12.0")));
    QVERIFY(!diff.filter(QStringLiteral("2000000000")).isEmpty());
    QVERIFY(!diff.filter(QStringLiteral("Europe/Berlin")).isEmpty());
    QVERIFY(!diff.filter(QStringLiteral("stopped")).isEmpty());
}

void TestContainerSpec::secretValuesAreNeverShown()
{
    QStringList argv = runArgv();
    argv.insert(argv.size() - 1, QStringLiteral("--env-file"));
    argv.insert(argv.size() - 1, QStringLiteral("/etc/aio-sandbox/sandbox.env"));
    Result<ContainerSpec> desired = ContainerSpec::fromRunArgv(argv, "SANDBOX_API_KEY=topsecretvalue123\n", kManaged);
    QVERIFY(desired.ok());
    QCOMPARE(desired->env.value(QStringLiteral("SANDBOX_API_KEY")), QStringLiteral("topsecretvalue123"));
    desired->secretEnv << QStringLiteral("SANDBOX_API_KEY");
    Result<ContainerSpec> actual = ContainerSpec::fromInspect(inspectJson(), kManaged);
    QVERIFY(actual.ok());
    const QString diff = desired->differencesFrom(*actual).join(QLatin1Char('\n'));
    QVERIFY(diff.contains(QStringLiteral("SANDBOX_API_KEY")));
    QVERIFY(!diff.contains(QStringLiteral("topsecret")));
}

void TestContainerSpec::publishedOnAllInterfacesIsADifference()
{
    QByteArray json = inspectJson();
    json.replace("\"127.0.0.1\"", "\"\"");
    Result<ContainerSpec> actual = ContainerSpec::fromInspect(json, kManaged);
    QVERIFY(actual.ok());
    QCOMPARE(actual->publishHostIp, QStringLiteral("0.0.0.0"));
    Result<ContainerSpec> desired = ContainerSpec::fromRunArgv(runArgv(), {}, kManaged);
    const QStringList diff = desired->differencesFrom(*actual);
    QCOMPARE(diff.size(), 1);
    QVERIFY(diff.first().contains(QStringLiteral("0.0.0.0:8080")));
}

void TestContainerSpec::garbageInspectIsRefused()
{
    QVERIFY(!ContainerSpec::fromInspect("Error: no such container", kManaged).ok());
    QVERIFY(!ContainerSpec::fromInspect("[]", kManaged).ok());
}

QTEST_GUILESS_MAIN(TestContainerSpec)
#include "TestContainerSpec.moc"
