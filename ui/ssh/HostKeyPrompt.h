#pragma once

#include "core/ssh/SshCallbacks.h"

#include <QObject>
#include <QPointer>
#include <QWidget>

namespace aio {

// Bridges SshSession's host-key decision (asked on the session's worker thread) to the GUI: it
// shows a HostKeyDialog on the GUI thread and hands the user's answer back. Lives on the GUI
// thread; decider() must only be called from other threads.
class HostKeyPrompt : public QObject
{
    Q_OBJECT
public:
    explicit HostKeyPrompt(QWidget* dialogParent, QString targetName = {});

    HostKeyDecider decider();

signals:
    void dialogShown(QDialog* dialog); // for tests and screenshots

private:
    HostKeyDecision askOnGuiThread(const HostKeyCheck& check);

    QPointer<QWidget> m_parent;
    QString m_targetName;
};

} // namespace aio
