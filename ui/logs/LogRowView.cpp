#include "ui/logs/LogRowView.h"

#include <QHeaderView>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <climits>

namespace aio::ui {

LogRowView::LogRowView(QWidget* parent)
    : QAbstractItemView(parent)
    , m_header(new QHeaderView(Qt::Horizontal, this))
{
    m_header->setSectionsClickable(true);
    m_header->setHighlightSections(false);
    setSelectionBehavior(SelectRows);
    setHorizontalScrollMode(ScrollPerPixel);
    setVerticalScrollMode(ScrollPerPixel);
    const auto relayout = [this] {
        updateGeometries();
        viewport()->update();
    };
    connect(m_header, &QHeaderView::sectionResized, this, relayout);
    connect(m_header, &QHeaderView::sectionMoved, this, relayout);
    connect(m_header, &QHeaderView::sectionCountChanged, this, relayout);
    connect(m_header, &QHeaderView::geometriesChanged, this, relayout);
}

LogRowView::~LogRowView()
{
    // The header is deleted with the widget's children, after this object stopped being a
    // LogRowView: what it says then must not reach the slots above.
    disconnect(m_header, nullptr, this, nullptr);
    for (const QMetaObject::Connection& c : std::as_const(m_modelConnections))
        disconnect(c);
}

void LogRowView::setModel(QAbstractItemModel* model)
{
    for (const QMetaObject::Connection& c : std::as_const(m_modelConnections))
        disconnect(c);
    m_modelConnections.clear();
    QAbstractItemView::setModel(model);
    m_header->setModel(model);
    if (model) {
        // Rows come and go many times a second: placing them costs the same for any number.
        const auto relayout = [this] {
            updateGeometries();
            viewport()->update();
        };
        m_modelConnections << connect(model, &QAbstractItemModel::rowsInserted, this, relayout)
                           << connect(model, &QAbstractItemModel::rowsRemoved, this, relayout)
                           << connect(model, &QAbstractItemModel::modelReset, this, relayout)
                           << connect(model, &QAbstractItemModel::layoutChanged, this, relayout);
    }
    updateGeometries();
}

void LogRowView::setRowHeight(int pixels)
{
    m_rowHeight = std::max(1, pixels);
    updateGeometries();
    viewport()->update();
}

int LogRowView::rowCount() const
{
    return model() ? model()->rowCount(rootIndex()) : 0;
}

int LogRowView::firstVisibleRow() const
{
    return std::min(rowCount(), verticalOffset() / m_rowHeight);
}

int LogRowView::endVisibleRow() const
{
    const qint64 end = (qint64(verticalOffset()) + viewport()->height()) / m_rowHeight + 1;
    return int(std::min<qint64>(rowCount(), end));
}

int LogRowView::rowAt(int y) const
{
    const qint64 row = (qint64(y) + verticalOffset()) / m_rowHeight;
    return y < -verticalOffset() || row >= rowCount() ? -1 : int(row);
}

QRect LogRowView::visualRect(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != model() || index.parent() != rootIndex()
        || m_header->isSectionHidden(index.column()))
        return {};
    const qint64 y = qint64(index.row()) * m_rowHeight - verticalOffset();
    return QRect(m_header->sectionViewportPosition(index.column()),
                 int(std::clamp<qint64>(y, -qint64(INT_MAX) / 2, qint64(INT_MAX) / 2)),
                 m_header->sectionSize(index.column()), m_rowHeight);
}

void LogRowView::scrollTo(const QModelIndex& index, ScrollHint hint)
{
    if (!index.isValid() || index.model() != model())
        return;
    const qint64 top = qint64(index.row()) * m_rowHeight;
    const qint64 current = verticalOffset();
    const int height = viewport()->height();
    qint64 to = current;
    switch (hint) {
    case EnsureVisible:
        if (top < current)
            to = top;
        else if (top + m_rowHeight > current + height)
            to = top + m_rowHeight - height;
        break;
    case PositionAtTop:
        to = top;
        break;
    case PositionAtBottom:
        to = top + m_rowHeight - height;
        break;
    case PositionAtCenter:
        to = top - (height - m_rowHeight) / 2;
        to -= to % m_rowHeight; // whole rows at the top
        break;
    }
    verticalScrollBar()->setValue(int(std::clamp<qint64>(to, 0, verticalScrollBar()->maximum())));
    // A column wholly out of sight is brought in; the stretched message column never moves the view.
    const int x = m_header->sectionViewportPosition(index.column());
    const int w = m_header->sectionSize(index.column());
    if (x + w <= 0 || x >= viewport()->width())
        horizontalScrollBar()->setValue(m_header->sectionPosition(index.column()));
}

QModelIndex LogRowView::indexAt(const QPoint& point) const
{
    const int row = rowAt(point.y());
    const int column = m_header->logicalIndexAt(point.x());
    if (row < 0 || column < 0)
        return {};
    return model()->index(row, column, rootIndex());
}

void LogRowView::keyboardSearch(const QString&) { }

QModelIndex LogRowView::moveCursor(CursorAction action, Qt::KeyboardModifiers)
{
    const int rows = rowCount();
    if (rows == 0 || m_header->count() == 0)
        return {};
    const QModelIndex current = currentIndex();
    int row = current.isValid() ? current.row() : -1;
    int visual = current.isValid() ? m_header->visualIndex(current.column()) : 0;
    const int page = std::max(1, viewport()->height() / m_rowHeight);
    switch (action) {
    case MoveUp:
    case MovePrevious:
        row = row < 0 ? 0 : std::max(0, row - 1);
        break;
    case MoveDown:
    case MoveNext:
        row = std::min(rows - 1, row + 1);
        break;
    case MovePageUp:
        row = std::max(0, row - page);
        break;
    case MovePageDown:
        row = std::min(rows - 1, std::max(0, row) + page);
        break;
    case MoveHome:
        row = 0;
        break;
    case MoveEnd:
        row = rows - 1;
        break;
    case MoveLeft:
    case MoveRight: {
        // The next column shown that way, if there is one.
        const int step = action == MoveLeft ? -1 : 1;
        for (int v = visual + step; v >= 0 && v < m_header->count(); v += step) {
            if (!m_header->isSectionHidden(m_header->logicalIndex(v))) {
                visual = v;
                break;
            }
        }
        break;
    }
    }
    row = std::clamp(row, 0, rows - 1);
    return model()->index(row, m_header->logicalIndex(std::max(0, visual)), rootIndex());
}

int LogRowView::horizontalOffset() const
{
    return horizontalScrollBar()->value();
}

int LogRowView::verticalOffset() const
{
    return verticalScrollBar()->value();
}

bool LogRowView::isIndexHidden(const QModelIndex& index) const
{
    return m_header->isSectionHidden(index.column());
}

void LogRowView::setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command)
{
    const int rows = rowCount();
    const int columns = model() ? model()->columnCount(rootIndex()) : 0;
    if (!selectionModel() || rows == 0 || columns == 0)
        return;
    const QRect r = rect.normalized();
    const qint64 first = (qint64(r.top()) + verticalOffset()) / m_rowHeight;
    const qint64 last = (qint64(r.bottom()) + verticalOffset()) / m_rowHeight;
    if (first >= rows || last < 0)
        return;
    const QItemSelection selection(model()->index(int(std::max<qint64>(first, 0)), 0, rootIndex()),
                                   model()->index(int(std::min<qint64>(last, rows - 1)), columns - 1, rootIndex()));
    selectionModel()->select(selection, command);
}

QRegion LogRowView::visualRegionForSelection(const QItemSelection& selection) const
{
    QRegion region;
    const int first = firstVisibleRow();
    const int end = endVisibleRow();
    for (const QItemSelectionRange& range : selection) {
        if (!range.isValid() || range.parent() != rootIndex())
            continue;
        const int top = std::max(range.top(), first);
        const int bottom = std::min(range.bottom(), end - 1);
        if (top > bottom)
            continue;
        const int y = int(qint64(top) * m_rowHeight - verticalOffset());
        region += QRect(0, y, viewport()->width(), (bottom - top + 1) * m_rowHeight);
    }
    return region;
}

void LogRowView::updateGeometries()
{
    if (m_inGeometry)
        return;
    m_inGeometry = true;
    const int headerHeight = m_header->isHidden() ? 0 : m_header->sizeHint().height();
    setViewportMargins(0, headerHeight, 0, 0);
    const QRect area = viewport()->geometry();
    m_header->setGeometry(area.left(), area.top() - headerHeight, area.width(), headerHeight);
    // Per pixel: INT_MAX pixels hold 100 million rows of 20 pixels.
    const qint64 total = qint64(rowCount()) * m_rowHeight;
    verticalScrollBar()->setSingleStep(m_rowHeight);
    verticalScrollBar()->setPageStep(std::max(1, area.height()));
    verticalScrollBar()->setRange(0, int(std::clamp<qint64>(total - area.height(), 0, INT_MAX)));
    horizontalScrollBar()->setSingleStep(20);
    horizontalScrollBar()->setPageStep(std::max(1, area.width()));
    horizontalScrollBar()->setRange(0, std::max(0, m_header->length() - area.width()));
    m_header->setOffset(horizontalOffset());
    m_inGeometry = false;
    QAbstractItemView::updateGeometries();
}

void LogRowView::scrollContentsBy(int dx, int dy)
{
    if (dx != 0)
        m_header->setOffset(horizontalOffset());
    viewport()->scroll(dx, dy);
}

void LogRowView::paintEvent(QPaintEvent* event)
{
    QPainter painter(viewport());
    const int rows = rowCount();
    if (rows == 0 || m_header->count() == 0)
        return;
    const QRect area = event->rect();
    QStyleOptionViewItem base;
    initViewItemOption(&base);
    if (isEnabled())
        base.state |= QStyle::State_Enabled;
    if (window()->isActiveWindow())
        base.state |= QStyle::State_Active;
    const QModelIndex current = currentIndex();
    const int first = std::max(firstVisibleRow(), rowAt(area.top()) < 0 ? 0 : rowAt(area.top()));
    const int bottom = rowAt(area.bottom());
    const int end = bottom < 0 ? endVisibleRow() : std::min(endVisibleRow(), bottom + 1);
    int firstVisual = m_header->visualIndexAt(area.left());
    int lastVisual = m_header->visualIndexAt(area.right());
    if (firstVisual < 0)
        firstVisual = 0;
    if (lastVisual < 0)
        lastVisual = m_header->count() - 1;
    QItemSelectionModel* selection = selectionModel();
    for (int row = first; row < end; ++row) {
        const int y = int(qint64(row) * m_rowHeight - verticalOffset());
        const bool selected = selection && selection->isRowSelected(row, rootIndex());
        for (int visual = firstVisual; visual <= lastVisual; ++visual) {
            const int column = m_header->logicalIndex(visual);
            if (m_header->isSectionHidden(column))
                continue;
            const QModelIndex index = model()->index(row, column, rootIndex());
            QStyleOptionViewItem option = base;
            option.rect
                = QRect(m_header->sectionViewportPosition(column), y, m_header->sectionSize(column), m_rowHeight);
            if (selected)
                option.state |= QStyle::State_Selected;
            if (index == current && hasFocus())
                option.state |= QStyle::State_HasFocus;
            itemDelegateForIndex(index)->paint(&painter, option, index);
        }
    }
}

} // namespace aio::ui
