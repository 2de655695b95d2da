#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QMap>
#include <QString>
#include <QStringList>

namespace aio {

// The parts of a container's configuration the VM plan manages, comparable between what
// `docker inspect` reports for the running container and what the answers ask for. The
// sandbox container step shows the difference before it recreates anything, and keeps the
// previous spec for rollback.
struct ContainerSpec
{
    Q_DECLARE_TR_FUNCTIONS(aio::ContainerSpec)

public:
    QString id; // from inspect only
    QString name;
    QString image;
    QMap<QString, QString> env; // only the variables we manage are compared
    QStringList secretEnv; // names whose values are never shown (SANDBOX_API_KEY)
    QString publishHostIp; // "127.0.0.1"
    QString publishHostPort; // "8080"
    QString containerPort = QStringLiteral("8080/tcp");
    qint64 memoryBytes = 0;
    qint64 nanoCpus = 0;
    qint64 shmSizeBytes = 0;
    QString restartPolicy;
    QStringList securityOpts;
    QString logDriver;
    QMap<QString, QString> logOptions; // not reported by podman's Docker API: compared only when reported
    bool logOptionsReported = true;
    bool running = false;
    // What would open the container up or let it take the host: never asked for, always replaced.
    bool privileged = false;
    QStringList capAdd;
    QString networkMode; // "host" shares the VM's network (8080 on every interface)
    QStringList networks; // the networks it is attached to (wanted: only ours)
    qint64 pidsLimit = 0; // 0: none

    // Parses the JSON array `docker inspect NAME` prints. `managedEnv`: the variable names
    // whose presence or value matters (others, like PATH from the image, are ignored).
    static Result<ContainerSpec> fromInspect(const QByteArray& json, const QStringList& managedEnv);

    // The spec a `docker run` argument vector asks for (as DockerRunCommand renders it), so what
    // is compared is exactly what would be run. envFile: the --env-file's content, if any.
    static Result<ContainerSpec> fromRunArgv(const QStringList& argv, const QByteArray& envFile,
                                             const QStringList& managedEnv);

    // Human-readable differences, one per line: "memory: 2147483648 → 4294967296".
    // Empty when `actual` already matches `desired` (this).
    QStringList differencesFrom(const ContainerSpec& actual) const;
};

} // namespace aio
