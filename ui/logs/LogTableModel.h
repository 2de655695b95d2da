#pragma once

#include "core/logs/LogSession.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QStringList>

#include <deque>
#include <memory>
#include <optional>

namespace aio::ui {

// The rows of a log view as a table: a copy of the LogViewIndex's rows (16 bytes each) that
// follows its updates, and the snapshots their lines are read from. Text is made only for the
// rows the view paints. Two shapes: lines (time, source, level, message) and, for nginx access
// lines, their fields.
class LogTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum class Shape { Lines, Access };
    enum LinesColumn { TimeColumn, SourceColumn, LevelColumn, MessageColumn, LinesColumnCount };
    enum AccessColumn {
        AccessTime,
        AccessSource,
        AccessClient,
        AccessMethod,
        AccessPath,
        AccessStatus,
        AccessBytes,
        AccessUpstream,
        AccessAgent,
        AccessColumnCount
    };
    enum Role { SourceColorRole = Qt::UserRole + 1, MatchRole, LevelRole };

    explicit LogTableModel(QObject* parent = nullptr);

    struct Source
    {
        QString name;
        QColor color;
        LogFormat format = LogFormat::Plain;
    };
    void setSources(const QList<Source>& sources);
    const QList<Source>& sources() const { return m_sources; }
    void setShape(Shape shape);
    Shape shape() const { return m_shape; }
    void setUtc(bool utc);
    bool isUtc() const { return m_utc; }

    // Follows one update of the session (rows removed, changed and inserted as it says).
    void apply(const LogViewUpdate& update);
    // Shows the rows in another order (an access table sorted by a column; see sortKeys).
    void setSortedRows(std::vector<LogRow> rows);
    // The rows in the order of an access table's column, computed off the GUI thread from a copy:
    // the row indexes, sorted stably (equal keys keep their time order).
    static std::vector<LogRow> sortedByColumn(std::vector<LogRow> rows, const std::vector<LogSnapshot>& snapshots,
                                              int accessColumn, Qt::SortOrder order);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const std::deque<LogRow>& rows() const { return m_rows; }
    const std::vector<LogSnapshot>& snapshots() const { return m_snapshots; }
    qint64 matchCount() const { return m_matches; }
    // The row's line as stored (nullopt: it has left memory).
    std::optional<QByteArrayView> lineBytes(int row) const;
    // What the Message column shows: the line without docker's timestamp prefix.
    std::optional<QByteArrayView> messageBytes(int row) const;
    // "time  source  line", as copied and saved.
    QString rowText(int row) const;
    // The next row after (or before) `from` that matches the search; -1: none. Wraps around.
    int nextMatch(int from, bool forward) const;
    QString formatTime(qint64 ms) const;

private:
    QVariant linesData(int rowIndex, int column, int role) const;
    QVariant accessData(int rowIndex, int column, int role) const;

    QList<Source> m_sources;
    Shape m_shape = Shape::Lines;
    bool m_utc = true;
    std::deque<LogRow> m_rows;
    std::vector<LogSnapshot> m_snapshots;
    qint64 m_matches = 0;
};

} // namespace aio::ui
