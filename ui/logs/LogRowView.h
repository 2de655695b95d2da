#pragma once

// A table view for millions of rows of one height: it keeps nothing per row. QTableView's vertical
// header keeps an entry per row and walks all of them to place rows after every insert or removal
// (2 million rows: about 10 ms an update, which made the followed log stall the GUI). Here a row's
// place is its number times the row height; columns come from a horizontal QHeaderView as usual.
//
// What it does like QTableView: rows selected whole (extended selection with the mouse and the
// keyboard), the current row, the item delegate painting each cell, clickable and resizable
// column headers, scrolling per pixel, scrollTo with its hints, context-menu actions.

#include <QAbstractItemView>

class QHeaderView;

namespace aio::ui {

class LogRowView : public QAbstractItemView
{
    Q_OBJECT

public:
    explicit LogRowView(QWidget* parent = nullptr);
    ~LogRowView() override;

    void setModel(QAbstractItemModel* model) override;
    QHeaderView* horizontalHeader() const { return m_header; }
    void setRowHeight(int pixels);
    int rowHeight() const { return m_rowHeight; }
    // The first and one past the last row on screen.
    int firstVisibleRow() const;
    int endVisibleRow() const;

    QRect visualRect(const QModelIndex& index) const override;
    void scrollTo(const QModelIndex& index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint& point) const override;
    // Typing in the rows does not jump to a row that starts with it (over millions of rows that
    // would read each one): the search field finds lines.
    void keyboardSearch(const QString& search) override;

protected:
    QModelIndex moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex& index) const override;
    void setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection& selection) const override;
    void updateGeometries() override;
    void scrollContentsBy(int dx, int dy) override;
    void paintEvent(QPaintEvent* event) override;

private:
    int rowCount() const;
    int rowAt(int y) const; // viewport y; -1 outside the rows

    QHeaderView* m_header = nullptr;
    QList<QMetaObject::Connection> m_modelConnections;
    int m_rowHeight = 20;
    bool m_inGeometry = false;
};

} // namespace aio::ui
