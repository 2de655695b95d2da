#pragma once

#include "core/inventory/Target.h"

#include <QSortFilterProxyModel>
#include <QStringList>

#include <optional>

namespace aio::ui {

// The sidebar's search and filters: shows the targets whose name, address, user, group or tags
// contain every word typed (case-insensitive), of the kind and with the tag chosen, under their
// folders; a folder shows while one of its targets does. Nothing chosen shows everything.
// Matching reads prepared data per row (TargetTreeModel::SearchTextRole, TagsRole), so a keystroke
// costs one pass over the rows.
class TargetFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TargetFilterModel(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_text; }
    void setKind(std::optional<TargetKind> kind);
    void setTag(const QString& tag); // "" for any
    // A search or a filter hides some targets.
    bool isSearching() const { return !m_words.isEmpty() || m_kind || !m_tag.isEmpty(); }
    // Targets shown now (not counting folders).
    int shownTargets() const;
    // The first target shown, in the sidebar's order (invalid when none).
    QModelIndex firstTarget() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    QStringList m_words;
    std::optional<TargetKind> m_kind;
    QString m_tag; // case-folded
};

} // namespace aio::ui
