#pragma once

#include "core/ssh/SecretLookup.h"
#include "ui/ssh/GuiQuestion.h"

#include <QDialog>
#include <QObject>
#include <QPointer>

class QCheckBox;
class QLineEdit;

namespace aio::ui {

// Asks for one secret an SSH session needs: the login password, a key's passphrase, the sudo
// password or a keyboard-interactive prompt. Says what is asked and for which target, says when
// the previous answer was refused, hides what is typed (unless the server's prompt echoes), and
// offers to keep the answer in the system keychain.
class SecretPromptDialog : public QDialog
{
    Q_OBJECT
public:
    SecretPromptDialog(const SecretRequest& request, bool canRemember, bool keychainAvailable,
                       QWidget* parent = nullptr);

    SecretAnswer answer() const;
    // The question in one line, e.g. "Password for deploy@198.18.0.2" (also the CLI's wording).
    static QString question(const SecretRequest& request);

private:
    QLineEdit* m_secret = nullptr;
    QCheckBox* m_remember = nullptr;
};

// Bridges a session's secret questions (asked on its worker thread) to a SecretPromptDialog on
// the GUI thread; the GUI thread is never blocked. Lives on the GUI thread. When it goes away
// while a question is open, the waiting session gets "cancelled".
class SecretPrompt : public QObject
{
    Q_OBJECT
public:
    explicit SecretPrompt(QWidget* dialogParent);
    ~SecretPrompt() override;

    // Must only be called from other threads than this object's.
    SecretAsker asker();

signals:
    void dialogShown(QDialog* dialog); // for tests and screenshots

private:
    void ask(const SecretRequest& request, bool canRemember,
             const std::function<void(std::optional<SecretAnswer>)>& done);

    QPointer<QWidget> m_parent;
    AliveFlag m_alive = std::make_shared<std::atomic_bool>(true);
};

} // namespace aio::ui
