#pragma once

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace aio::ui {

// A coloured strip across the top of a window that explains a lasting problem (the inventory
// file cannot be read, no keychain…), in the spirit of KeePassXC's MessageWidget.
class MessageBanner : public QFrame
{
    Q_OBJECT

public:
    enum class Level { Information, Warning, Error };

    explicit MessageBanner(QWidget* parent = nullptr);

    // Replaces the message; the buttons of an earlier message go away.
    void showMessage(Level level, const QString& title, const QString& text);
    // A button on the right of the current message (until the next showMessage).
    QPushButton* addButton(const QString& objectName, const QString& text);
    QString title() const;
    QString text() const;

private:
    QHBoxLayout* m_buttons = nullptr;
    QLabel* m_icon = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_text = nullptr;
};

} // namespace aio::ui
