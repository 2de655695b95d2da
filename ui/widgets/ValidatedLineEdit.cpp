#include "ui/widgets/ValidatedLineEdit.h"

#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace aio::ui {

namespace {
// A red that keeps enough contrast on light and dark window colours.
QColor errorColour(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128 ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e);
}
} // namespace

ValidatedLineEdit::ValidatedLineEdit(const QString& objectName, const QString& accessibleName, QWidget* parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    setObjectName(objectName + QStringLiteral("Field"));
    m_edit->setObjectName(objectName);
    m_edit->setAccessibleName(accessibleName);
    m_edit->setClearButtonEnabled(false);
    m_error->setObjectName(objectName + QStringLiteral("Error"));
    m_error->setAccessibleName(tr("%1: error").arg(accessibleName));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    QPalette pal = m_error->palette();
    pal.setColor(QPalette::WindowText, errorColour(palette()));
    m_error->setPalette(pal);
    QFont small = m_error->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_error->setFont(small);
    m_error->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
    setFocusProxy(m_edit);

    connect(m_edit, &QLineEdit::textEdited, this, [this] { m_touched = true; });
    connect(m_edit, &QLineEdit::textChanged, this, [this](const QString& text) {
        revalidate();
        emit textChanged(text);
    });
}

void ValidatedLineEdit::setCheck(Check check)
{
    m_check = std::move(check);
    revalidate();
}

void ValidatedLineEdit::setShowErrorsBeforeEdit(bool show)
{
    m_showBeforeEdit = show;
    updateHint();
}

QString ValidatedLineEdit::text() const
{
    return m_edit->text();
}

void ValidatedLineEdit::setText(const QString& text)
{
    m_edit->setText(text);
}

void ValidatedLineEdit::setPlaceholderText(const QString& text)
{
    m_edit->setPlaceholderText(text);
}

void ValidatedLineEdit::setPassword(bool password)
{
    m_edit->setEchoMode(password ? QLineEdit::Password : QLineEdit::Normal);
}

void ValidatedLineEdit::revalidate()
{
    const bool wasValid = m_valid;
    m_errorText.clear();
    m_valid = true;
    if (m_check) {
        const Status status = m_check(m_edit->text());
        if (!status) {
            m_valid = false;
            m_errorText = status.error().message;
            if (!status.error().nextStep.isEmpty())
                m_errorText += QLatin1Char(' ') + status.error().nextStep;
        }
    }
    updateHint();
    if (wasValid != m_valid)
        emit validityChanged(m_valid);
}

void ValidatedLineEdit::updateHint()
{
    // An empty new field is not an error worth shouting about until the user has typed in it.
    const bool show = !m_valid && (m_touched || m_showBeforeEdit || !m_edit->text().isEmpty());
    const bool wasShown = !m_error->isHidden();
    m_error->setText(show ? m_errorText : QString());
    m_error->setVisible(show);
    fitHintHeight();
    m_edit->setAccessibleDescription(show ? m_errorText : QString());
    m_edit->setProperty("invalid", show);
    m_edit->setToolTip(show ? m_errorText : QString());
    if (wasShown != show)
        emit hintShownChanged(show);
}

void ValidatedLineEdit::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitHintHeight();
}

void ValidatedLineEdit::fitHintHeight()
{
    // Layouts do not grow a window for a word-wrapped label's height-for-width: say it outright.
    if (m_error->isHidden())
        m_error->setMinimumHeight(0);
    else
        m_error->setMinimumHeight(m_error->heightForWidth(qMax(width(), 200)));
}

} // namespace aio::ui
