#include "ui/main/TargetFilterModel.h"

#include "ui/main/TargetTreeModel.h"

namespace aio::ui {

TargetFilterModel::TargetFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true); // a group stays while one of its targets matches
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

int TargetFilterModel::shownTargets() const
{
    int shown = 0;
    for (int g = 0; g < rowCount(); ++g)
        shown += rowCount(index(g, 0));
    return shown;
}

bool TargetFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_words.isEmpty())
        return true;
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    if (row.data(TargetTreeModel::IsGroupRole).toBool())
        return false; // shown only through a matching target (recursive filtering)
    const QString text = row.data(TargetTreeModel::SearchTextRole).toString();
    for (const QString& word : m_words) {
        if (!text.contains(word))
            return false;
    }
    return true;
}

} // namespace aio::ui
