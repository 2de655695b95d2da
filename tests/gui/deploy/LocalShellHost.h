#pragma once

#include "core/ssh/RemoteHost.h"

#include <QString>

// A RemoteHost test double that runs commands on THIS machine: real processes (/bin/sh for
// scripts, the program itself for argument vectors) with the working folder `root`. Downloads
// read any local file (read-only); uploads are refused outside `root`, so a step that tried to
// write /etc during a test fails loudly instead of changing this machine. Sudo is ignored (the
// tests run as whoever runs them). Used by the deploy wizard's GUI test and its screenshots.
class LocalShellHost : public aio::RemoteHost
{
public:
    LocalShellHost(QString root, QString name = QStringLiteral("local-test-host"));

    aio::Result<aio::CommandOutcome> run(const aio::RemoteCommand& command, const aio::LineSink& onLine = {},
                                         const aio::CancelToken& cancel = {}) override;
    aio::Status upload(const QString& remotePath, const QByteArray& content,
                       const aio::RemoteFileAttributes& attrs) override;
    aio::Result<QByteArray> download(const QString& remotePath, bool sudo = false) override;
    QString targetName() const override { return m_name; }

    const QString& root() const { return m_root; }

private:
    QString m_root;
    QString m_name;
};
