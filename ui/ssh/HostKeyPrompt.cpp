#include "ui/ssh/HostKeyPrompt.h"

#include "ui/ssh/HostKeyDialog.h"

#include <QThread>

namespace aio::ui {

HostKeyPrompt::HostKeyPrompt(QWidget* dialogParent, QString targetName)
    : QObject(dialogParent)
    , m_parent(dialogParent)
    , m_targetName(std::move(targetName))
{ }

HostKeyPrompt::~HostKeyPrompt()
{
    m_alive->store(false);
}

HostKeyDecider HostKeyPrompt::decider(const QString& targetName)
{
    QPointer<HostKeyPrompt> self(this);
    AliveFlag alive = m_alive;
    const QString name = targetName.isEmpty() ? m_targetName : targetName;
    return [self, alive, name](const HostKeyCheck& check) {
        if (!self || QThread::currentThread() == self->thread())
            return HostKeyDecision::Reject; // never wait for the GUI thread on itself
        const std::optional<HostKeyDecision> decision = askOnGuiThread<HostKeyDecision>(
            self.data(), alive, [self, check, name](const std::function<void(std::optional<HostKeyDecision>)>& done) {
                if (self)
                    self->ask(check, name, done);
                else
                    done(std::nullopt);
            });
        return decision.value_or(HostKeyDecision::Reject);
    };
}

void HostKeyPrompt::ask(const HostKeyCheck& check, const QString& targetName,
                        const std::function<void(std::optional<HostKeyDecision>)>& done)
{
    auto* dialog = new HostKeyDialog(check, targetName, m_parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::finished, dialog, [dialog, done] { done(dialog->decision()); });
    // Closed without an answer (the window went away): the session is told "reject".
    connect(dialog, &QObject::destroyed, this, [done] { done(std::nullopt); });
    dialog->open();
    emit dialogShown(dialog);
}

} // namespace aio::ui
