#include "ui/logs/LogLineDelegate.h"

#include "ui/logs/LogTableModel.h"

#include <QApplication>
#include <QPainter>
#include <QTextLayout>

namespace aio::ui {

LogLineDelegate::LogLineDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{ }

void LogLineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    if (!m_search || !m_columns.contains(index.column()) || !index.data(LogTableModel::MatchRole).toBool()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    // The matches, found in the text's UTF-8 (what the search runs on), as character ranges.
    const bool selected = (opt.state & QStyle::State_Selected) != 0;
    const QVariant foreground = index.data(Qt::ForegroundRole);
    const QPalette::ColorGroup group = (opt.state & QStyle::State_Active) ? QPalette::Active : QPalette::Inactive;
    QTextCharFormat plain;
    plain.setForeground(selected                   ? opt.palette.color(group, QPalette::HighlightedText)
                            : foreground.isValid() ? foreground.value<QColor>()
                                                   : opt.palette.color(group, QPalette::Text));
    QList<QTextLayout::FormatRange> formats{QTextLayout::FormatRange{0, int(text.size()), plain}};
    const QByteArray utf8 = text.toUtf8();
    QTextCharFormat hit;
    hit.setBackground(QColor(0xff, 0xd5, 0x4f));
    hit.setForeground(Qt::black);
    for (const auto& [start, end] : m_search->ranges(utf8, 64)) {
        const int from = int(QString::fromUtf8(utf8.constData(), start).size());
        const int length = int(QString::fromUtf8(utf8.constData() + start, end - start).size());
        if (length > 0)
            formats.append(QTextLayout::FormatRange{from, length, hit});
    }
    QTextLayout layout(text, opt.font);
    layout.setFormats(formats);
    QTextOption textOption;
    textOption.setWrapMode(QTextOption::NoWrap);
    layout.setTextOption(textOption);
    layout.beginLayout();
    QTextLine line = layout.createLine();
    if (line.isValid())
        line.setLineWidth(1e6);
    layout.endLayout();

    const QRect rect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
    painter->save();
    painter->setClipRect(rect);
    const qreal y = rect.top() + (rect.height() - (line.isValid() ? line.height() : 0)) / 2.0;
    layout.draw(painter, QPointF(rect.left() + 2, y));
    painter->restore();
}

} // namespace aio::ui
