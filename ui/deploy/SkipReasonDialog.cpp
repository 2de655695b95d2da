#include "ui/deploy/SkipReasonDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace aio::ui {

std::optional<QString> SkipReasonDialog::s_nextReason;

SkipReasonDialog::SkipReasonDialog(const QString& stepTitle, QWidget* parent)
    : QDialog(parent)
    , m_reason(new QPlainTextEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("skipReasonDialog"));
    setWindowTitle(tr("Skip \"%1\"").arg(stepTitle));
    auto* text
        = new QLabel(tr("Why is this step skipped? The reason is kept in the target's deployment history."), this);
    text->setWordWrap(true);
    m_reason->setObjectName(QStringLiteral("skipReason"));
    m_reason->setAccessibleName(tr("Reason for skipping"));
    m_reason->setPlaceholderText(tr("e.g. The cloud firewall already does this; see ticket OPS-123."));
    m_reason->setTabChangesFocus(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Skip step"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("skipReasonOk"));
    m_buttons->button(QDialogButtonBox::Ok)->setAccessibleName(tr("Skip step"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("skipReasonCancel"));
    m_buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_reason);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reason, &QPlainTextEdit::textChanged, this, &SkipReasonDialog::updateOk);
    updateOk();
    resize(460, 220);
}

QString SkipReasonDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

void SkipReasonDialog::updateOk()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!reason().isEmpty());
}

void SkipReasonDialog::setNextReason(const QString& reason)
{
    s_nextReason = reason;
}

void SkipReasonDialog::ask(QWidget* parent, const QString& stepTitle, Answered answered)
{
    if (s_nextReason) {
        const QString reason = s_nextReason->trimmed();
        s_nextReason.reset();
        if (!reason.isEmpty())
            answered(reason);
        return;
    }
    auto* dialog = new SkipReasonDialog(stepTitle, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::accepted, dialog, [dialog, answered] {
        if (!dialog->reason().isEmpty())
            answered(dialog->reason());
    });
    dialog->open();
}

} // namespace aio::ui
