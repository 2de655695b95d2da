// LogRowView, the logs' table view that keeps nothing per row: what an admin does with it (click,
// shift-click, keys, scrolling to a row, columns from the header) works over a million rows, and
// rows appended while it follows keep the scroll range right.

#include "ui/logs/LogRowView.h"

#include <QAbstractTableModel>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QTest>

using aio::ui::LogRowView;

namespace {

class RowsModel : public QAbstractTableModel
{
public:
    explicit RowsModel(int rows)
        : m_rows(rows)
    { }
    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_rows; }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : 3; }
    QVariant data(const QModelIndex& index, int role) const override
    {
        if (role != Qt::DisplayRole)
            return {};
        return QStringLiteral("r%1c%2").arg(index.row()).arg(index.column());
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
            return QStringLiteral("Column %1").arg(section);
        return {};
    }
    void append(int n)
    {
        beginInsertRows({}, m_rows, m_rows + n - 1);
        m_rows += n;
        endInsertRows();
    }
    void dropFront(int n)
    {
        beginRemoveRows({}, 0, n - 1);
        m_rows -= n;
        endRemoveRows();
    }

private:
    int m_rows;
};

// The view over the model, 20-pixel rows, on screen.
bool shown(LogRowView& view, QAbstractItemModel& model)
{
    view.setModel(&model);
    view.setRowHeight(20);
    view.resize(600, 420);
    view.show();
    return QTest::qWaitForWindowExposed(&view);
}

} // namespace

class TestLogRowView : public QObject
{
    Q_OBJECT

private slots:
    void placesAMillionRowsByArithmetic();
    void clicksShiftClicksAndKeysSelectWholeRows();
    void appendedAndDroppedRowsKeepTheScrollRangeRight();
};

void TestLogRowView::placesAMillionRowsByArithmetic()
{
    RowsModel model(1'000'000);
    LogRowView view;
    QVERIFY(shown(view, model));
    QCOMPARE(view.horizontalHeader()->count(), 3);
    const int visible = view.viewport()->height();
    QCOMPARE(view.verticalScrollBar()->maximum(), 1'000'000 * 20 - visible);

    const QModelIndex far = model.index(765'432, 1);
    view.scrollTo(far, QAbstractItemView::PositionAtCenter);
    const QRect r = view.visualRect(far);
    QVERIFY(view.viewport()->rect().contains(r));
    QVERIFY(qAbs(r.center().y() - visible / 2) <= 20);
    QCOMPARE(view.indexAt(r.center()), far);
    QCOMPARE(view.verticalScrollBar()->value() % 20, 0); // whole rows at the top

    view.scrollTo(model.index(10, 0)); // EnsureVisible: above, so it comes to the top
    QCOMPARE(view.visualRect(model.index(10, 0)).top(), 0);
    QCOMPARE(view.indexAt(QPoint(view.horizontalHeader()->length() + 5, 5)), QModelIndex()); // right of the columns

    RowsModel few(5); // below the last row: no row
    view.setModel(&few);
    QCOMPARE(view.verticalScrollBar()->maximum(), 0);
    QCOMPARE(view.indexAt(QPoint(5, 5 * 20 + 5)), QModelIndex());
    QCOMPARE(view.indexAt(QPoint(5, 4 * 20 + 5)), few.index(4, 0));
}

void TestLogRowView::clicksShiftClicksAndKeysSelectWholeRows()
{
    RowsModel model(1'000'000);
    LogRowView view;
    view.setSelectionMode(QAbstractItemView::ExtendedSelection);
    QVERIFY(shown(view, model));
    QItemSelectionModel* selection = view.selectionModel();

    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(30, 3 * 20 + 5));
    QCOMPARE(view.currentIndex().row(), 3);
    QVERIFY(selection->isRowSelected(3, {}));
    QCOMPARE(selection->selectedRows().size(), 1);

    QTest::mouseClick(view.viewport(), Qt::LeftButton, Qt::ShiftModifier, QPoint(150, 7 * 20 + 5));
    QCOMPARE(selection->selectedRows().size(), 5); // rows 3 to 7, whole
    for (int row = 3; row <= 7; ++row)
        QVERIFY(selection->isRowSelected(row, {}));

    QTest::mouseClick(view.viewport(), Qt::LeftButton, Qt::ControlModifier, QPoint(30, 10 * 20 + 5));
    QCOMPARE(selection->selectedRows().size(), 6);

    QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.currentIndex().row(), 11);
    QCOMPARE(selection->selectedRows().size(), 1);
    QTest::keyClick(&view, Qt::Key_PageDown);
    QVERIFY(view.currentIndex().row() > 11 + 10);
    QTest::keyClick(&view, Qt::Key_End);
    QCOMPARE(view.currentIndex().row(), 999'999);
    QCOMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.currentIndex().row(), 0);
    QCOMPARE(view.verticalScrollBar()->value(), 0);
    QTest::keyClick(&view, Qt::Key_Down, Qt::ShiftModifier);
    QTest::keyClick(&view, Qt::Key_Down, Qt::ShiftModifier);
    QCOMPARE(selection->selectedRows().size(), 3);
    // Typing jumps nowhere (it would read a million rows).
    QTest::keyClicks(&view, QStringLiteral("r9"));
    QCOMPARE(view.currentIndex().row(), 2);
}

void TestLogRowView::appendedAndDroppedRowsKeepTheScrollRangeRight()
{
    RowsModel model(100);
    LogRowView view;
    QVERIFY(shown(view, model));
    const int visible = view.viewport()->height();
    QCOMPARE(view.verticalScrollBar()->maximum(), 100 * 20 - visible);
    for (int i = 0; i < 50; ++i) // a followed log: rows arrive in batches, the view stays at the end
    {
        model.append(20'000);
        view.scrollToBottom();
    }
    QCOMPARE(view.verticalScrollBar()->maximum(), (100 + 50 * 20'000) * 20 - visible);
    QCOMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
    QCOMPARE(view.indexAt(QPoint(5, visible - 5)).row(), 100 + 50 * 20'000 - 1);
    model.dropFront(300'000); // the buffer let the oldest lines go
    QCOMPARE(view.verticalScrollBar()->maximum(), (100 + 50 * 20'000 - 300'000) * 20 - visible);
    view.selectionModel()->setCurrentIndex(model.index(5, 0), QItemSelectionModel::ClearAndSelect);
    model.dropFront(10); // the current row left memory
    QVERIFY(!view.selectionModel()->isRowSelected(5, {}) || view.currentIndex().row() != 5);
}

QTEST_MAIN(TestLogRowView)
#include "TestLogRowView.moc"
