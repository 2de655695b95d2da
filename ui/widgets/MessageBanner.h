#pragma once

#include <QFrame>

class QLabel;

namespace aio::ui {

// A coloured strip across the top of a window that explains a lasting problem (the inventory
// file cannot be read, no keychain…), in the spirit of KeePassXC's MessageWidget.
class MessageBanner : public QFrame
{
    Q_OBJECT

public:
    enum class Level { Information, Warning, Error };

    explicit MessageBanner(QWidget* parent = nullptr);

    void showMessage(Level level, const QString& title, const QString& text);
    QString title() const;
    QString text() const;

private:
    QLabel* m_icon = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_text = nullptr;
};

} // namespace aio::ui
