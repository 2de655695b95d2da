#include "ui/ssh/SecretPromptDialog.h"

#include "core/inventory/SecretStore.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace aio::ui {

QString SecretPromptDialog::question(const SecretRequest& request)
{
    const QString who = request.user.isEmpty() ? request.host : request.user + QLatin1Char('@') + request.host;
    switch (request.kind) {
    case SecretRequest::Kind::LoginPassword:
        return tr("Password for %1").arg(who);
    case SecretRequest::Kind::KeyPassphrase:
        return tr("Passphrase for the key %1").arg(request.keyPath);
    case SecretRequest::Kind::SudoPassword:
        return tr("sudo password for %1 on %2").arg(request.user, request.host);
    case SecretRequest::Kind::KeyboardInteractive:
        return tr("%1 asks: %2").arg(who, request.prompt.trimmed());
    }
    return {};
}

SecretPromptDialog::SecretPromptDialog(const SecretRequest& request, bool canRemember, bool keychainAvailable,
                                       QWidget* parent)
    : QDialog(parent)
    , m_secret(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("&Keep it in the system keychain"), this))
{
    setObjectName(QStringLiteral("secretPromptDialog"));
    setWindowTitle(request.kind == SecretRequest::Kind::KeyPassphrase      ? tr("Key passphrase")
                       : request.kind == SecretRequest::Kind::SudoPassword ? tr("sudo password")
                                                                           : tr("SSH login"));
    auto* layout = new QVBoxLayout(this);

    QString intro = QStringLiteral("<b>%1</b>").arg(question(request).toHtmlEscaped());
    if (!request.targetName.isEmpty())
        intro += QStringLiteral("<br>") + tr("Target: %1").arg(request.targetName.toHtmlEscaped());
    auto* introLabel = new QLabel(intro, this);
    introLabel->setObjectName(QStringLiteral("secretQuestion"));
    introLabel->setWordWrap(true);
    introLabel->setTextFormat(Qt::RichText);
    layout->addWidget(introLabel);

    if (request.attempt > 1) {
        auto* refused = new QLabel(tr("The previous answer was refused. Check it and type it again."), this);
        refused->setObjectName(QStringLiteral("secretRefused"));
        refused->setWordWrap(true);
        refused->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: bold;"));
        layout->addWidget(refused);
    }

    auto* form = new QFormLayout;
    m_secret->setObjectName(QStringLiteral("secretField"));
    m_secret->setAccessibleName(question(request));
    const bool echo = request.kind == SecretRequest::Kind::KeyboardInteractive && request.echo;
    m_secret->setEchoMode(echo ? QLineEdit::Normal : QLineEdit::Password);
    m_secret->setInputMethodHints(echo ? Qt::ImhNone : Qt::ImhHiddenText | Qt::ImhSensitiveData);
    form->addRow(request.kind == SecretRequest::Kind::KeyPassphrase ? tr("Passphrase:")
                     : echo                                         ? tr("Answer:")
                                                                    : tr("Password:"),
                 m_secret);
    layout->addLayout(form);

    m_remember->setObjectName(QStringLiteral("secretRemember"));
    if (!canRemember) {
        m_remember->setChecked(false);
        m_remember->setEnabled(false);
        m_remember->setToolTip(tr("This answer changes every time; it is not kept."));
    } else if (!keychainAvailable) {
        m_remember->setChecked(false);
        m_remember->setEnabled(false);
        m_remember->setToolTip(tr("No keychain service runs in this session: the answer is kept in memory only "
                                  "until the app closes."));
    } else {
        m_remember->setChecked(true);
        m_remember->setToolTip(tr("Kept in the system keychain for this target, never in a file."));
    }
    layout->addWidget(m_remember);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
    ok->setObjectName(QStringLiteral("secretOk"));
    ok->setText(tr("&Connect"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("secretCancel"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_secret->setFocus();
    setMinimumWidth(420);
}

SecretAnswer SecretPromptDialog::answer() const
{
    return SecretAnswer{m_secret->text(), m_remember->isEnabled() && m_remember->isChecked()};
}

SecretPrompt::SecretPrompt(QWidget* dialogParent)
    : QObject(dialogParent)
    , m_parent(dialogParent)
{ }

SecretPrompt::~SecretPrompt()
{
    m_alive->store(false);
}

SecretAsker SecretPrompt::asker()
{
    QPointer<SecretPrompt> self(this);
    AliveFlag alive = m_alive;
    return [self, alive](const SecretRequest& request, bool canRemember) -> std::optional<SecretAnswer> {
        if (!self || QThread::currentThread() == self->thread())
            return std::nullopt; // never wait for the GUI thread on itself
        if (request.attempt > 3)
            return std::nullopt; // three refusals: stop before the server locks the account
        return askOnGuiThread<SecretAnswer>(
            self.data(), alive,
            [self, request, canRemember](const std::function<void(std::optional<SecretAnswer>)>& done) {
                if (self)
                    self->ask(request, canRemember, done);
                else
                    done(std::nullopt);
            });
    };
}

void SecretPrompt::ask(const SecretRequest& request, bool canRemember,
                       const std::function<void(std::optional<SecretAnswer>)>& done)
{
    auto* dialog = new SecretPromptDialog(request, canRemember, SecretStore::keychainSeemsAvailable(), m_parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::finished, dialog, [dialog, done](int result) {
        if (result == QDialog::Accepted)
            done(dialog->answer());
        else
            done(std::nullopt);
    });
    connect(dialog, &QObject::destroyed, this, [done] { done(std::nullopt); });
    dialog->open();
    emit dialogShown(dialog);
}

} // namespace aio::ui
