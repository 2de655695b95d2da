#pragma once

#include <QMessageBox>

#include <functional>

namespace aio::ui {

// Asks the user a question without a nested event loop: the answer arrives in a callback.
// Tests drive it through setNextAnswer() (as KeePassXC's MessageBox does): the next question is
// answered at once with that button and no box is shown.
class MessageBox
{
public:
    using Answered = std::function<void(QMessageBox::StandardButton)>;

    // Shows a window-modal box with the given buttons; calls answered with the button chosen
    // (Cancel / Escape give the escape button). The box deletes itself.
    static QMessageBox* ask(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                            const QString& informativeText, QMessageBox::StandardButtons buttons,
                            QMessageBox::StandardButton defaultButton, Answered answered);
    // Tells the user something (one OK button).
    static QMessageBox* tell(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                             const QString& informativeText = {});

    static void setNextAnswer(QMessageBox::StandardButton button);
    static bool hasNextAnswer();

private:
    static QMessageBox::StandardButton s_nextAnswer;
};

} // namespace aio::ui
