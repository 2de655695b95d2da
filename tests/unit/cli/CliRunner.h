#pragma once

// Runs the built aio-sandbox-manager binary for the CLI tests, with a private HOME and profile.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

class CliRunner
{
public:
    explicit CliRunner(const QString& home)
        : m_env(QProcessEnvironment::systemEnvironment())
    {
        m_env.insert(QStringLiteral("HOME"), home);
        m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
        m_env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
        m_env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
        m_env.remove(QStringLiteral("AIO_PROFILE"));
        m_env.remove(QStringLiteral("KUBECONFIG"));
    }

    QProcessEnvironment& environment() { return m_env; }
    // No keychain service for the runs that follow.
    void withoutKeychain()
    {
        m_env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/aio-bus"));
        m_env.insert(QStringLiteral("DISPLAY"), QString());
    }

    CliResult run(const QStringList& args, const QByteArray& input = {}) const
    {
        QProcess p;
        p.setProcessEnvironment(m_env);
        p.start(QStringLiteral(AIO_APP_PATH), args);
        CliResult r;
        if (!p.waitForStarted(30000))
            return r;
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished(5000);
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

private:
    QProcessEnvironment m_env;
};
