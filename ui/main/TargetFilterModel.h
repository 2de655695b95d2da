#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>

namespace aio::ui {

// The sidebar's search: shows the targets whose name, address or user contain every word typed
// (case-insensitive), under their group rows; a group shows while one of its targets does. An
// empty search shows everything. Matching reads one prepared text per row
// (TargetTreeModel::SearchTextRole), so a keystroke costs one pass over the rows.
class TargetFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TargetFilterModel(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_text; }
    bool isSearching() const { return !m_words.isEmpty(); }
    // Targets shown now (not counting group rows).
    int shownTargets() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    QStringList m_words;
};

} // namespace aio::ui
