#pragma once

// A real OpenSSH sshd for a test, on 127.0.0.1 and a free port, with its own host key and two
// client keys (plain, and encrypted with passphrase()), run in the foreground by this process
// and stopped with it. For tests that need SSH but not the testbed (GUI tests).

#include "common/RunTool.h"
#include "core/ssh/SshSettings.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <pwd.h>
#include <unistd.h>

namespace aio::test {

class LocalSshd
{
public:
    ~LocalSshd() { stop(); }

    static QString passphrase() { return QStringLiteral("correct horse"); }

    // Returns an empty string when sshd answers, else what went wrong.
    QString start()
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary folder");
        for (const QString& name :
             {QStringLiteral("host_ed25519"), QStringLiteral("client"), QStringLiteral("client_enc")}) {
            const ToolRun keygen = runTool(
                QStringLiteral("ssh-keygen"),
                {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                 name == QLatin1String("client_enc") ? passphrase() : QString(), QStringLiteral("-f"), path(name)});
            if (!keygen.ok())
                return QStringLiteral("ssh-keygen: ") + QString::fromUtf8(keygen.all());
        }
        QFile keys(path(QStringLiteral("authorized_keys")));
        if (!keys.open(QIODevice::WriteOnly))
            return keys.errorString();
        for (const QString& name : {QStringLiteral("client.pub"), QStringLiteral("client_enc.pub")}) {
            QFile pub(path(name));
            if (!pub.open(QIODevice::ReadOnly))
                return pub.errorString();
            keys.write(pub.readAll());
        }
        keys.close();
        const ToolRun fp
            = runTool(QStringLiteral("ssh-keygen"), {QStringLiteral("-lf"), path(QStringLiteral("host_ed25519.pub"))});
        m_fingerprint = QString::fromUtf8(fp.out).split(QLatin1Char(' ')).value(1);
        {
            QTcpServer probe; // a free port
            if (!probe.listen(QHostAddress::LocalHost))
                return QStringLiteral("no free port");
            m_port = probe.serverPort();
        }
        QFile cfg(path(QStringLiteral("sshd_config")));
        if (!cfg.open(QIODevice::WriteOnly))
            return cfg.errorString();
        cfg.write(QStringLiteral("Port %1\nListenAddress 127.0.0.1\nHostKey %2/host_ed25519\nPidFile %2/sshd.pid\n"
                                 "AuthorizedKeysFile %2/authorized_keys\nStrictModes no\n"
                                 "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                                 "KbdInteractiveAuthentication no\nUsePAM no\nSubsystem sftp internal-sftp\n")
                      .arg(m_port)
                      .arg(m_dir.path())
                      .toUtf8());
        cfg.close();
        QDir().mkpath(QStringLiteral("/run/sshd"));
        m_sshd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_sshd.start(
            QStringLiteral("/usr/sbin/sshd"),
            {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"), path(QStringLiteral("sshd_config"))});
        if (!m_sshd.waitForStarted(5000))
            return QStringLiteral("sshd did not start: ") + m_sshd.errorString();
        for (int i = 0; i < 100; ++i) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, m_port);
            if (s.waitForConnected(100))
                return {};
            QThread::msleep(50);
        }
        return QStringLiteral("sshd does not answer on port %1").arg(m_port);
    }

    void stop()
    {
        if (m_sshd.state() == QProcess::NotRunning)
            return;
        m_sshd.terminate();
        if (!m_sshd.waitForFinished(5000))
            m_sshd.kill();
        m_sshd.waitForFinished(2000);
    }

    quint16 port() const { return m_port; }
    QString hostFingerprint() const { return m_fingerprint; } // "SHA256:…"
    QString path(const QString& name) const { return m_dir.filePath(name); }

    // Settings that log in as this process's user with the plain client key, reading no user
    // known_hosts and writing trust to appKnownHostsFile.
    SshSettings settings(const QString& appKnownHostsFile, const QString& targetName = QStringLiteral("test-vm")) const
    {
        SshSettings s;
        s.targetName = targetName;
        s.host = *HostName::parse(QStringLiteral("127.0.0.1"));
        s.port = m_port;
        const passwd* pw = getpwuid(getuid());
        s.user = QString::fromLocal8Bit(pw ? pw->pw_name : "root");
        s.useAgent = false;
        s.useDefaultIdentities = false;
        s.identityFiles = {path(QStringLiteral("client"))};
        s.userKnownHostsFiles = {QString()};
        s.appKnownHostsFile = appKnownHostsFile;
        s.allowPassword = false;
        s.allowKeyboardInteractive = false;
        s.useSshConfig = false;
        return s;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_sshd;
    quint16 m_port = 0;
    QString m_fingerprint;
};

} // namespace aio::test
