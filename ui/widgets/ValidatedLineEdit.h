#pragma once

#include "core/common/Result.h"

#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;

namespace aio::ui {

// A line edit with its own inline error: the check runs as the user types and a red hint appears
// right under the field. Dialogs enable their OK button only while every field isValid().
// The line edit carries the objectName given; the hint is "<objectName>Error".
class ValidatedLineEdit : public QWidget
{
    Q_OBJECT

public:
    using Check = std::function<Status(const QString& text)>;

    ValidatedLineEdit(const QString& objectName, const QString& accessibleName, QWidget* parent = nullptr);

    QLineEdit* lineEdit() const { return m_edit; }
    QLabel* errorLabel() const { return m_error; }

    // The rule for this field; runs at once and on every change.
    void setCheck(Check check);
    // Shows the error for an untouched field too (e.g. when a dialog opens on invalid data).
    void setShowErrorsBeforeEdit(bool show);

    QString text() const;
    void setText(const QString& text);
    void setPlaceholderText(const QString& text);
    void setPassword(bool password);

    bool isValid() const { return m_valid; }
    QString errorText() const { return m_errorText; }
    // Runs the check again (when something it depends on changed, e.g. the auth method).
    void revalidate();

signals:
    void textChanged(const QString& text);
    void validityChanged(bool valid);
    // The error hint appeared or went away (the dialog may want to fit its height).
    void hintShownChanged(bool shown);

private:
    void updateHint();
    void resizeEvent(QResizeEvent* event) override;
    void fitHintHeight();

    QLineEdit* m_edit = nullptr;
    QLabel* m_error = nullptr;
    Check m_check;
    QString m_errorText;
    bool m_valid = true;
    bool m_touched = false;
    bool m_showBeforeEdit = false;
};

} // namespace aio::ui
