#pragma once

#include <QDialog>

#include <functional>
#include <optional>

class QDialogButtonBox;
class QPlainTextEdit;

namespace aio::ui {

// Asks why a deployment step is skipped; the reason goes to the target's history, so whoever
// looks later knows it was a decision and not an accident. Window-modal, never a nested event
// loop: the reason arrives in a callback. Tests answer through setNextReason() (no dialog shown).
class SkipReasonDialog : public QDialog
{
    Q_OBJECT

public:
    using Answered = std::function<void(const QString& reason)>;

    SkipReasonDialog(const QString& stepTitle, QWidget* parent = nullptr);

    // Opens the dialog (or answers at once with the seam's reason); `answered` runs only when
    // the admin confirms with a non-empty reason.
    static void ask(QWidget* parent, const QString& stepTitle, Answered answered);
    // The next ask() is answered with this reason (an empty string: as if cancelled).
    static void setNextReason(const QString& reason);

    QString reason() const;

private:
    void updateOk();

    QPlainTextEdit* m_reason = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    static std::optional<QString> s_nextReason;
};

} // namespace aio::ui
