#include "ui/main/TargetTreeModel.h"

#include "core/inventory/Inventory.h"

#include <QApplication>
#include <QMap>
#include <QMimeData>
#include <QStyle>
#include <QTimer>

#include <algorithm>
#include <functional>

namespace aio::ui {

namespace {
const QString kMimeType = QStringLiteral("application/x-aio-sandbox-manager-target-ids");

// One line under the name in the tooltip: how the target is reached.
QString summary(const Target& target)
{
    if (target.isVm())
        return target.address();
    QString text = target.cluster.context.isEmpty()
        ? QCoreApplication::translate("aio::ui::TargetTreeModel", "current context")
        : target.cluster.context;
    if (!target.cluster.kubeNamespace.isEmpty())
        text += QStringLiteral(" / ") + target.cluster.kubeNamespace;
    return text;
}

bool byName(const Target& a, const Target& b)
{
    return QString::compare(a.name, b.name, Qt::CaseInsensitive) < 0;
}
} // namespace

TargetTreeModel::TargetTreeModel(Inventory* inventory, QObject* parent)
    : QStandardItemModel(parent)
    , m_inventory(inventory)
{
    setColumnCount(1);
    connect(m_inventory, &Inventory::reset, this, &TargetTreeModel::rebuild);
    connect(m_inventory, &Inventory::targetAdded, this, &TargetTreeModel::rebuild);
    connect(m_inventory, &Inventory::targetChanged, this, &TargetTreeModel::rebuild);
    connect(m_inventory, &Inventory::targetRemoved, this, &TargetTreeModel::rebuild);
    rebuild();
}

QIcon TargetTreeModel::iconFor(TargetKind kind)
{
    QIcon icon(kind == TargetKind::Vm ? QStringLiteral(":/icons/vm.svg") : QStringLiteral(":/icons/cluster.svg"));
    if (!icon.availableSizes().isEmpty() || !icon.pixmap(16).isNull())
        return icon;
    return QApplication::style()->standardIcon(kind == TargetKind::Vm ? QStyle::SP_ComputerIcon
                                                                      : QStyle::SP_DriveNetIcon);
}

void TargetTreeModel::rebuild()
{
    clear();
    m_rows.clear();
    setColumnCount(1);
    setHorizontalHeaderLabels({tr("Targets")});
    // One icon per kind, shared by its rows (made per row, the SVG was drawn 5,000 times).
    const QIcon vmIcon = iconFor(TargetKind::Vm);
    const QIcon clusterIcon = iconFor(TargetKind::Cluster);
    const QIcon folderIcon = QApplication::style()->standardIcon(QStyle::SP_DirIcon);

    // Group path (case-folded) -> its targets; QMap keeps the folders in order.
    QMap<QString, QList<Target>> byGroup;
    QHash<QString, QString> spelling;
    for (const Target& t : m_inventory->targets()) {
        const QString key = t.group.toCaseFolded();
        byGroup[key].append(t);
        spelling.insert(key, t.group);
        if (const qsizetype slash = t.group.indexOf(QLatin1Char('/')); slash > 0) {
            byGroup[t.group.left(slash).toCaseFolded()]; // the parent folder exists
            if (!spelling.contains(t.group.left(slash).toCaseFolded()))
                spelling.insert(t.group.left(slash).toCaseFolded(), t.group.left(slash));
        }
    }

    auto targetItem = [&](const Target& target) {
        auto* item = new QStandardItem(target.isVm() ? vmIcon : clusterIcon, target.name);
        item->setData(target.id, TargetIdRole);
        item->setData(QVariant::fromValue(int(target.kind)), TargetKindRole);
        item->setData(false, IsGroupRole);
        QStringList tags;
        for (const QString& tag : target.tags)
            tags.append(tag.toCaseFolded());
        item->setData(tags, TagsRole);
        item->setData(QStringList{target.name, summary(target), target.isVm() ? target.vm.user : QString(),
                                  target.group, target.tags.join(QLatin1Char(' '))}
                          .join(QLatin1Char('\n'))
                          .toCaseFolded(),
                      SearchTextRole);
        QString tip = summary(target);
        if (!target.tags.isEmpty())
            tip += QLatin1Char('\n') + tr("Tags: %1").arg(target.tags.join(QStringLiteral(", ")));
        item->setToolTip(tip);
        item->setAccessibleText(target.name);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemIsDropEnabled);
        item->setSizeHint(QSize(-1, 26));
        return item;
    };
    auto addTargets = [&](QStandardItem* parent, QList<Target> targets) {
        std::sort(targets.begin(), targets.end(), byName);
        QList<QStandardItem*> rows;
        rows.reserve(targets.size());
        for (const Target& t : std::as_const(targets))
            rows.append(targetItem(t));
        parent->appendRows(rows);
    };
    auto folderItem = [&](const QString& key, const QString& shownName) -> QStandardItem* {
        auto* folder = new QStandardItem(folderIcon, shownName);
        folder->setData(true, IsGroupRole);
        folder->setData(spelling.value(key), GroupPathRole);
        folder->setAccessibleText(shownName);
        folder->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDropEnabled);
        QFont bold = folder->font();
        bold.setBold(true);
        folder->setFont(bold);
        folder->setSizeHint(QSize(-1, 28));
        return folder;
    };

    QStandardItem* root = invisibleRootItem();
    QHash<QString, QStandardItem*> topFolders;
    QHash<QString, int> counts;
    QList<QStandardItem*> folderRows;
    for (auto it = byGroup.cbegin(); it != byGroup.cend(); ++it) {
        if (it.key().isEmpty() || it.key().contains(QLatin1Char('/')))
            continue;
        QStandardItem* folder = folderItem(it.key(), spelling.value(it.key()));
        addTargets(folder, it.value());
        topFolders.insert(it.key(), folder);
        counts[it.key()] += int(it.value().size());
        folderRows.append(folder);
    }
    // Subgroups, in order, before their parent's own targets.
    QHash<QString, int> subfolders;
    for (auto it = byGroup.cbegin(); it != byGroup.cend(); ++it) {
        const qsizetype slash = it.key().indexOf(QLatin1Char('/'));
        if (slash < 0)
            continue;
        const QString parentKey = it.key().left(slash);
        QStandardItem* sub = folderItem(it.key(), spelling.value(it.key()).mid(slash + 1));
        addTargets(sub, it.value());
        sub->setText(tr("%1 (%2)").arg(sub->text()).arg(it.value().size()));
        topFolders.value(parentKey)->insertRow(subfolders[parentKey]++, sub);
        counts[parentKey] += int(it.value().size());
    }
    for (auto it = topFolders.cbegin(); it != topFolders.cend(); ++it)
        it.value()->setText(tr("%1 (%2)").arg(it.value()->text()).arg(counts.value(it.key())));
    root->appendRows(folderRows);
    addTargets(root, byGroup.value(QString()));

    // indexForId in constant time (selection is restored after every rebuild).
    std::function<void(const QModelIndex&)> remember = [&](const QModelIndex& parent) {
        for (int r = 0; r < rowCount(parent); ++r) {
            const QModelIndex child = index(r, 0, parent);
            if (isGroup(child))
                remember(child);
            else
                m_rows.insert(idAt(child), QPersistentModelIndex(child));
        }
    };
    remember(QModelIndex());
    emit rebuilt();
}

QModelIndex TargetTreeModel::indexForId(const QUuid& id) const
{
    if (id.isNull())
        return {};
    return m_rows.value(id);
}

QModelIndex TargetTreeModel::indexForGroup(const QString& group) const
{
    const QString wanted = group.toCaseFolded();
    std::function<QModelIndex(const QModelIndex&)> find = [&](const QModelIndex& parent) -> QModelIndex {
        for (int r = 0; r < rowCount(parent); ++r) {
            const QModelIndex child = index(r, 0, parent);
            if (!isGroup(child))
                continue;
            if (groupAt(child).toCaseFolded() == wanted)
                return child;
            if (const QModelIndex deeper = find(child); deeper.isValid())
                return deeper;
        }
        return {};
    };
    return group.isEmpty() ? QModelIndex() : find(QModelIndex());
}

QUuid TargetTreeModel::idAt(const QModelIndex& index)
{
    return index.data(TargetIdRole).toUuid();
}

bool TargetTreeModel::isGroup(const QModelIndex& index)
{
    return index.data(IsGroupRole).toBool();
}

QString TargetTreeModel::groupAt(const QModelIndex& index)
{
    return isGroup(index) ? index.data(GroupPathRole).toString() : QString();
}

QStringList TargetTreeModel::mimeTypes() const
{
    return {kMimeType};
}

QMimeData* TargetTreeModel::mimeData(const QModelIndexList& indexes) const
{
    QStringList ids;
    for (const QModelIndex& index : indexes) {
        if (const QUuid id = idAt(index); !id.isNull())
            ids.append(id.toString(QUuid::WithoutBraces));
    }
    if (ids.isEmpty())
        return nullptr;
    auto* data = new QMimeData;
    data->setData(kMimeType, ids.join(QLatin1Char('\n')).toUtf8());
    return data;
}

Qt::DropActions TargetTreeModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

bool TargetTreeModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int, int, const QModelIndex&) const
{
    return data && data->hasFormat(kMimeType) && !m_inventory->isReadOnly();
}

QString TargetTreeModel::dropGroup(const QModelIndex& parent)
{
    if (!parent.isValid())
        return {};
    if (isGroup(parent))
        return groupAt(parent);
    // Onto a target: into the group it is in (its folder's).
    return parent.parent().isValid() ? groupAt(parent.parent()) : QString();
}

bool TargetTreeModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                   const QModelIndex& parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    QList<QUuid> ids;
    for (const QByteArray& line : data->data(kMimeType).split('\n')) {
        if (const QUuid id = QUuid::fromString(QString::fromLatin1(line)); !id.isNull())
            ids.append(id);
    }
    const QString group = dropGroup(parent);
    // After the drop has ended: changing the inventory rebuilds this model, which must not happen
    // under the view's drop handling.
    QTimer::singleShot(0, this, [this, ids, group] {
        if (Status s = m_inventory->setGroup(ids, group); !s)
            emit moveFailed(s.error());
    });
    return false;
}

} // namespace aio::ui
