#include "ui/widgets/MessageBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace aio::ui {

MessageBanner::MessageBanner(QWidget* parent)
    : QFrame(parent)
    , m_buttons(new QHBoxLayout)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setAccessibleName(tr("Problem notice"));
    setFrameShape(QFrame::StyledPanel);
    m_title->setObjectName(QStringLiteral("messageBannerTitle"));
    m_text->setObjectName(QStringLiteral("messageBannerText"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    for (QLabel* label : {m_title, m_text}) {
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_icon->setAlignment(Qt::AlignTop);

    auto* texts = new QVBoxLayout;
    texts->setSpacing(4);
    texts->addWidget(m_title);
    texts->addWidget(m_text);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 10);
    layout->setSpacing(12);
    layout->addWidget(m_icon);
    layout->addLayout(texts, 1);
    m_buttons->setSpacing(6);
    layout->addLayout(m_buttons);
    hide();
}

void MessageBanner::showMessage(Level level, const QString& title, const QString& text)
{
    QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxInformation;
    QColor background(0xe8, 0xf0, 0xfe);
    QColor border(0x8a, 0xb4, 0xf8);
    if (level == Level::Warning) {
        pixmap = QStyle::SP_MessageBoxWarning;
        background = QColor(0xfe, 0xf7, 0xe0);
        border = QColor(0xf9, 0xc7, 0x4f);
    } else if (level == Level::Error) {
        pixmap = QStyle::SP_MessageBoxCritical;
        background = QColor(0xfc, 0xe8, 0xe6);
        border = QColor(0xe5, 0x73, 0x73);
    }
    const int size = style()->pixelMetric(QStyle::PM_LargeIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(pixmap, nullptr, this).pixmap(size, size));
    setStyleSheet(QStringLiteral("aio--ui--MessageBanner { background-color: %1; border: 1px solid %2; "
                                 "border-radius: 4px; } QLabel { color: #202124; background: transparent; }")
                      .arg(background.name(), border.name()));
    while (QLayoutItem* item = m_buttons->takeAt(0)) {
        if (QWidget* button = item->widget()) {
            button->hide();
            button->deleteLater();
        }
        delete item;
    }
    m_title->setText(title);
    m_text->setText(text);
    setAccessibleDescription(title + QLatin1Char(' ') + text);
    show();
}

QPushButton* MessageBanner::addButton(const QString& objectName, const QString& text)
{
    auto* button = new QPushButton(text, this);
    button->setObjectName(objectName);
    m_buttons->addWidget(button, 0, Qt::AlignVCenter);
    return button;
}

QString MessageBanner::title() const
{
    return m_title->text();
}

QString MessageBanner::text() const
{
    return m_text->text();
}

} // namespace aio::ui
