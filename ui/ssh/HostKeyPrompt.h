#pragma once

#include "core/ssh/SshCallbacks.h"
#include "ui/ssh/GuiQuestion.h"

#include <QObject>
#include <QPointer>
#include <QWidget>

namespace aio::ui {

// Bridges SshSession's host-key decision (asked on the session's worker thread) to the GUI: it
// shows a HostKeyDialog on the GUI thread (without blocking it) and hands the user's answer
// back. Lives on the GUI thread; decider() must only be called from other threads. When the
// prompt goes away while a question is open, the waiting session gets "reject".
class HostKeyPrompt : public QObject
{
    Q_OBJECT
public:
    explicit HostKeyPrompt(QWidget* dialogParent, QString targetName = {});
    ~HostKeyPrompt() override;

    // targetName: shown in the dialog (default: the one given to the constructor).
    HostKeyDecider decider(const QString& targetName = {});

signals:
    void dialogShown(QDialog* dialog); // for tests and screenshots

private:
    void ask(const HostKeyCheck& check, const QString& targetName,
             const std::function<void(std::optional<HostKeyDecision>)>& done);

    QPointer<QWidget> m_parent;
    QString m_targetName;
    AliveFlag m_alive = std::make_shared<std::atomic_bool>(true);
};

} // namespace aio::ui
