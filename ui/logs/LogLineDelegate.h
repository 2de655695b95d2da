#pragma once

#include "core/logs/LogSearch.h"

#include <QStyledItemDelegate>

#include <memory>

namespace aio::ui {

// Paints a log row's text with every match of the search highlighted (the rows the index marked
// as matching; the ranges are found only for the rows on screen).
class LogLineDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit LogLineDelegate(QObject* parent = nullptr);
    void setSearch(std::shared_ptr<const LogMatcher> search) { m_search = std::move(search); }
    // The columns whose text is searched (the message, or an access line's path and agent).
    void setColumns(QList<int> columns) { m_columns = std::move(columns); }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    std::shared_ptr<const LogMatcher> m_search;
    QList<int> m_columns;
};

} // namespace aio::ui
