#pragma once

// Shared by the end-to-end deployment tests: the testbed's facts (/run/aio-testbed/testbed.env),
// running the real CLI binary with a scratch profile, running commands inside a VM (vm-exec),
// and the probes a user's browser would make.

#include "core/common/HostName.h"

#include <QByteArray>
#include <QHash>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

struct CliRun
{
    int exitCode = -1;
    QString output; // stdout and stderr, merged
    // What a failed assertion should show, within QtTest's 1 KB message limit: the exit code,
    // the lines that say what went wrong (✗, error, failed), and the end of the output.
    QString why() const;
};

class DeployTestbed
{
public:
    DeployTestbed();
    bool isUp() const { return !m_values.isEmpty(); }
    QString value(const QString& key) const { return m_values.value(QStringLiteral("AIO_TB_") + key); }
    aio::HostName vmAddress(const QString& vm) const; // vm like "VM_READY"

    // `aio-sandbox-manager --profile <scratch> ARGS…`, stdin fed, bounded by timeoutMs.
    CliRun cli(const QStringList& args, const QByteArray& stdinData = {}, int timeoutMs = 600'000) const;
    // Adds the VM as a key-login target with sudo to the scratch profile.
    bool addTarget(const QString& name, const QString& vm, QString* error) const;
    // Runs CMD as root inside the VM; returns exit code, output in *output.
    int vmExec(const QString& vm, const QStringList& command, QString* output = nullptr, int timeoutMs = 300'000) const;
    // Leaves vm-ready as the testbed made it: nothing deployed (no container, site, certificate,
    // firewall table or pending revert). Every test that deploys there calls it before and after.
    void resetVmReady() const;
    // Pebble's issuing root, fetched from its management API (trusting pebble's own API cert).
    QByteArray fetchPebbleRoot(QString* error) const;

    QString profileDir() const { return m_profile.path(); }
    QString scratchPath(const QString& name) const { return m_profile.filePath(name); }
    static QString binary();
    // Writes JSON text to a scratch file, returns its path.
    QString writeScratch(const QString& name, const QByteArray& content) const;

private:
    QHash<QString, QString> m_values;
    QTemporaryDir m_profile;
};
