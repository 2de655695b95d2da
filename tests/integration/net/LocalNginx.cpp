#include "LocalNginx.h"

#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

LocalNginx::LocalNginx() = default;

LocalNginx::~LocalNginx()
{
    stop();
}

quint16 LocalNginx::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

bool LocalNginx::runTool(const QString& program, const QStringList& args, QString* error, const QString& workDir)
{
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(60'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = program + QLatin1Char(' ') + args.join(QLatin1Char(' ')) + QStringLiteral(": ")
            + QString::fromLocal8Bit(p.readAll());
        return false;
    }
    return true;
}

bool LocalNginx::start(const QString& servers, quint16 probePort, QString* error)
{
    const QString d = m_dir.path();
    const QString conf = QStringLiteral(R"(user root;
worker_processes 1;
pid %1/nginx.pid;
error_log %1/error.log info;
events { worker_connections 64; }
http {
    access_log %1/access.log;
    client_body_temp_path %1/body;
    proxy_temp_path %1/proxy;
    fastcgi_temp_path %1/fastcgi;
    uwsgi_temp_path %1/uwsgi;
    scgi_temp_path %1/scgi;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
%2
}
)")
                             .arg(d, servers);
    QFile f(d + QStringLiteral("/nginx.conf"));
    if (!f.open(QIODevice::WriteOnly) || f.write(conf.toUtf8()) < 0) {
        *error = QStringLiteral("cannot write nginx.conf");
        return false;
    }
    f.close();
    if (!runTool(
            QStringLiteral("nginx"),
            {QStringLiteral("-t"), QStringLiteral("-p"), d, QStringLiteral("-c"), d + QStringLiteral("/nginx.conf")},
            error))
        return false;
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStringLiteral("nginx"),
                    {QStringLiteral("-p"), d, QStringLiteral("-c"), d + QStringLiteral("/nginx.conf"),
                     QStringLiteral("-g"), QStringLiteral("daemon off;")});
    if (!m_process.waitForStarted(10'000)) {
        *error = QStringLiteral("nginx did not start: ") + m_process.errorString();
        return false;
    }
    for (int i = 0; i < 100; ++i) { // at most ~10 s
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, probePort);
        if (s.waitForConnected(100))
            return true;
        if (m_process.state() == QProcess::NotRunning)
            break;
        QThread::msleep(100);
    }
    *error = QStringLiteral("nginx is not listening: ") + QString::fromLocal8Bit(m_process.readAll());
    return false;
}

void LocalNginx::stop()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(10'000))
            m_process.kill();
        m_process.waitForFinished(5'000);
    }
}
