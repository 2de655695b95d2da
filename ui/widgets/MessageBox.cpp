#include "ui/widgets/MessageBox.h"

#include <QPushButton>

namespace aio::ui {

QMessageBox::StandardButton MessageBox::s_nextAnswer = QMessageBox::NoButton;

void MessageBox::setNextAnswer(QMessageBox::StandardButton button)
{
    s_nextAnswer = button;
}

bool MessageBox::hasNextAnswer()
{
    return s_nextAnswer != QMessageBox::NoButton;
}

QMessageBox* MessageBox::ask(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                             const QString& informativeText, QMessageBox::StandardButtons buttons,
                             QMessageBox::StandardButton defaultButton, Answered answered)
{
    if (s_nextAnswer != QMessageBox::NoButton) {
        const auto answer = s_nextAnswer;
        s_nextAnswer = QMessageBox::NoButton;
        if (answered)
            answered(answer);
        return nullptr;
    }
    auto* box = new QMessageBox(icon, title, text, buttons, parent);
    box->setObjectName(QStringLiteral("messageBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->setInformativeText(informativeText);
    box->setDefaultButton(defaultButton);
    box->setTextFormat(Qt::PlainText);
    QObject::connect(box, &QMessageBox::finished, box, [box, answered] {
        QAbstractButton* clicked = box->clickedButton();
        const auto answer = clicked ? box->standardButton(clicked) : QMessageBox::Cancel;
        if (answered)
            answered(answer);
    });
    box->open();
    return box;
}

QMessageBox* MessageBox::tell(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& text,
                              const QString& informativeText)
{
    return ask(parent, icon, title, text, informativeText, QMessageBox::Ok, QMessageBox::Ok, {});
}

} // namespace aio::ui
