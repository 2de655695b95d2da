#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

// A real nginx on 127.0.0.1 run by a test: the config body (the http block's servers) is the
// test's; logs, pid and temp paths live in a temporary folder. Used by the net probe tests.
class LocalNginx
{
public:
    LocalNginx();
    ~LocalNginx();
    // Starts nginx with `servers` inside its http block; waits (bounded) until `probePort` answers.
    bool start(const QString& servers, quint16 probePort, QString* error);
    void stop();
    QString dir() const { return m_dir.path(); }

    static quint16 freePort();
    // Runs a program; returns false (and sets *error to its output) when it fails.
    static bool runTool(const QString& program, const QStringList& args, QString* error, const QString& workDir = {});

private:
    QTemporaryDir m_dir;
    QProcess m_process;
};
