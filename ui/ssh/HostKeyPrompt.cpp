#include "ui/ssh/HostKeyPrompt.h"

#include "ui/ssh/HostKeyDialog.h"

#include <QThread>

namespace aio {

HostKeyPrompt::HostKeyPrompt(QWidget* dialogParent, QString targetName)
    : QObject(dialogParent)
    , m_parent(dialogParent)
    , m_targetName(std::move(targetName))
{ }

HostKeyDecider HostKeyPrompt::decider()
{
    QPointer<HostKeyPrompt> self(this);
    return [self](const HostKeyCheck& check) {
        if (!self || QThread::currentThread() == self->thread())
            return HostKeyDecision::Reject; // never block the GUI thread on itself
        HostKeyDecision decision = HostKeyDecision::Reject;
        QMetaObject::invokeMethod(
            self.data(), [&] { decision = self->askOnGuiThread(check); }, Qt::BlockingQueuedConnection);
        return decision;
    };
}

HostKeyDecision HostKeyPrompt::askOnGuiThread(const HostKeyCheck& check)
{
    HostKeyDialog dialog(check, m_targetName, m_parent);
    dialog.setModal(true);
    QMetaObject::invokeMethod(
        this, [this, &dialog] { emit dialogShown(&dialog); }, Qt::QueuedConnection);
    dialog.exec();
    return dialog.decision();
}

} // namespace aio
