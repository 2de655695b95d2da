#include "ui/main/TargetFilterModel.h"

#include "ui/main/TargetTreeModel.h"

namespace aio::ui {

TargetFilterModel::TargetFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true); // a folder stays while one of its targets matches
}

void TargetFilterModel::setSearchText(const QString& text)
{
    const QStringList words = text.toCaseFolded().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    m_text = text;
    if (words == m_words)
        return;
    m_words = words;
    invalidateRowsFilter();
}

void TargetFilterModel::setKind(std::optional<TargetKind> kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    invalidateRowsFilter();
}

void TargetFilterModel::setTag(const QString& tag)
{
    if (tag.toCaseFolded() == m_tag)
        return;
    m_tag = tag.toCaseFolded();
    invalidateRowsFilter();
}

int TargetFilterModel::shownTargets() const
{
    std::function<int(const QModelIndex&)> count = [&](const QModelIndex& parent) {
        int shown = 0;
        for (int r = 0; r < rowCount(parent); ++r) {
            const QModelIndex row = index(r, 0, parent);
            shown += TargetTreeModel::isGroup(row) ? count(row) : 1;
        }
        return shown;
    };
    return count(QModelIndex());
}

QModelIndex TargetFilterModel::firstTarget() const
{
    std::function<QModelIndex(const QModelIndex&)> first = [&](const QModelIndex& parent) -> QModelIndex {
        for (int r = 0; r < rowCount(parent); ++r) {
            const QModelIndex row = index(r, 0, parent);
            if (!TargetTreeModel::isGroup(row))
                return row;
            if (const QModelIndex inside = first(row); inside.isValid())
                return inside;
        }
        return {};
    };
    return first(QModelIndex());
}

bool TargetFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!isSearching())
        return true;
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    if (row.data(TargetTreeModel::IsGroupRole).toBool())
        return false; // shown only through a matching target (recursive filtering)
    if (m_kind && row.data(TargetTreeModel::TargetKindRole).toInt() != int(*m_kind))
        return false;
    if (!m_tag.isEmpty() && !row.data(TargetTreeModel::TagsRole).toStringList().contains(m_tag))
        return false;
    const QString text = row.data(TargetTreeModel::SearchTextRole).toString();
    for (const QString& word : m_words) {
        if (!text.contains(word))
            return false;
    }
    return true;
}

} // namespace aio::ui
