#include "ui/main/TargetTreeModel.h"

#include "ui/checklist/ChecklistStates.h"

#include "core/inventory/Inventory.h"

#include <QApplication>
#include <QMap>
#include <QMimeData>
#include <QPair>
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
    : QAbstractItemModel(parent)
    , m_inventory(inventory)
{
    // One icon per kind, shared by its rows (made per row, the SVG was drawn 5,000 times).
    m_vmIcon = iconFor(TargetKind::Vm);
    m_clusterIcon = iconFor(TargetKind::Cluster);
    m_folderIcon = QApplication::style()->standardIcon(QStyle::SP_DirIcon);
    // A target's checklist state shows as a dot on its icon, and follows every audit.
    connect(&ChecklistStates::instance(), &ChecklistStates::changed, this, [this](const QUuid& id) {
        const QModelIndex i = indexForId(id);
        if (i.isValid())
            emit dataChanged(i, i, {Qt::DecorationRole, Qt::ToolTipRole});
    });
    m_folderFont = QApplication::font();
    m_folderFont.setBold(true);
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
    beginResetModel();
    m_nodes.clear();
    m_top.clear();
    m_byId.clear();
    const QList<Target>& all = m_inventory->targets();
    m_nodes.reserve(size_t(all.size()) + 64);
    m_byId.reserve(all.size());

    // Group path (case-folded) -> its targets; QMap keeps the folders in order.
    QMap<QString, QList<const Target*>> byGroup;
    QHash<QString, QString> spelling;
    for (const Target& t : all) {
        const QString key = t.group.toCaseFolded();
        byGroup[key].append(&t);
        if (!key.isEmpty() && !spelling.contains(key))
            spelling.insert(key, t.group);
        if (const qsizetype slash = t.group.indexOf(QLatin1Char('/')); slash > 0) {
            const QString parentKey = key.left(slash);
            byGroup[parentKey]; // the parent folder exists
            if (!spelling.contains(parentKey))
                spelling.insert(parentKey, t.group.left(slash));
        }
    }

    auto addNode = [this](int parent, Node node) {
        const int at = int(m_nodes.size());
        QList<int>& siblings = parent < 0 ? m_top : m_nodes[size_t(parent)].children;
        node.parent = parent;
        node.row = int(siblings.size());
        siblings.append(at);
        m_nodes.push_back(std::move(node));
        return at;
    };
    auto addTargets = [&](int parent, QList<const Target*> targets) {
        std::sort(targets.begin(), targets.end(), [](const Target* a, const Target* b) { return byName(*a, *b); });
        for (const Target* t : std::as_const(targets)) {
            Node node;
            node.text = t->name;
            node.id = t->id;
            node.kind = t->kind;
            for (const QString& tag : t->tags)
                node.tags.append(tag.toCaseFolded());
            node.search = QStringList{t->name, summary(*t), t->isVm() ? t->vm.user : QString(), t->group,
                                      t->tags.join(QLatin1Char(' '))}
                              .join(QLatin1Char('\n'))
                              .toCaseFolded();
            node.toolTip = summary(*t);
            if (!t->tags.isEmpty())
                node.toolTip += QLatin1Char('\n') + tr("Tags: %1").arg(t->tags.join(QStringLiteral(", ")));
            m_byId.insert(t->id, addNode(parent, std::move(node)));
        }
    };
    auto addFolder = [&](int parent, const QString& key, const QString& shown, qsizetype count) {
        Node node;
        node.folder = true;
        node.text = tr("%1 (%2)").arg(shown).arg(count);
        node.group = spelling.value(key);
        return addNode(parent, std::move(node));
    };

    // Top-level folders in order, each with its subgroups first, then its own targets.
    for (auto it = byGroup.cbegin(); it != byGroup.cend(); ++it) {
        const QString& key = it.key();
        if (key.isEmpty() || key.contains(QLatin1Char('/')))
            continue;
        QList<QPair<QString, QList<const Target*>>> subgroups;
        qsizetype count = it.value().size();
        const QString prefix = key + QLatin1Char('/');
        for (auto sub = byGroup.lowerBound(prefix); sub != byGroup.cend() && sub.key().startsWith(prefix); ++sub) {
            subgroups.append({sub.key(), sub.value()});
            count += sub.value().size();
        }
        const int folder = addFolder(-1, key, spelling.value(key), count);
        for (const auto& [subKey, targets] : std::as_const(subgroups)) {
            const int subFolder = addFolder(folder, subKey, spelling.value(subKey).mid(key.size() + 1), targets.size());
            addTargets(subFolder, targets);
        }
        addTargets(folder, it.value());
    }
    addTargets(-1, byGroup.value(QString()));
    endResetModel();
    emit rebuilt();
}

const QList<int>& TargetTreeModel::childrenOf(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return m_top;
    return m_nodes[size_t(parent.internalId())].children;
}

QModelIndex TargetTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column != 0 || row < 0 || parent.column() > 0)
        return {};
    const QList<int>& children = childrenOf(parent);
    if (row >= children.size())
        return {};
    return createIndex(row, 0, quintptr(children.at(row)));
}

QModelIndex TargetTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const int parent = m_nodes[size_t(child.internalId())].parent;
    if (parent < 0)
        return {};
    return createIndex(m_nodes[size_t(parent)].row, 0, quintptr(parent));
}

int TargetTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(childrenOf(parent).size());
}

int TargetTreeModel::columnCount(const QModelIndex&) const
{
    return 1;
}

QVariant TargetTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Node& node = m_nodes[size_t(index.internalId())];
    switch (role) {
    case Qt::DisplayRole:
        return node.text;
    case Qt::AccessibleTextRole:
        return node.folder ? node.group : node.text;
    case Qt::DecorationRole: {
        if (node.folder)
            return m_folderIcon;
        const QIcon& base = node.kind == TargetKind::Vm ? m_vmIcon : m_clusterIcon;
        const std::optional<ChecklistStates::State> state = ChecklistStates::instance().state(node.id);
        if (!state)
            return base;
        const int key = int(node.kind) * 16 + int(state->overall);
        if (!m_badged.contains(key))
            m_badged.insert(key, ChecklistStates::badged(base, state->overall));
        return m_badged.value(key);
    }
    case Qt::ToolTipRole: {
        if (node.folder)
            return {};
        const std::optional<ChecklistStates::State> state = ChecklistStates::instance().state(node.id);
        return state ? node.toolTip + QLatin1Char('\n') + ChecklistStates::describe(*state) : node.toolTip;
    }
    case Qt::FontRole:
        return node.folder ? QVariant(m_folderFont) : QVariant();
    case Qt::SizeHintRole:
        return QSize(-1, node.folder ? 28 : 26);
    case TargetIdRole:
        return node.folder ? QVariant() : QVariant(node.id);
    case TargetKindRole:
        return node.folder ? QVariant() : QVariant(int(node.kind));
    case IsGroupRole:
        return node.folder;
    case SearchTextRole:
        return node.search;
    case TagsRole:
        return node.tags;
    case GroupPathRole:
        return node.group;
    default:
        return {};
    }
}

QVariant TargetTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (section == 0 && orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return tr("Targets");
    return {};
}

Qt::ItemFlags TargetTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // the empty space: out of any group
    if (m_nodes[size_t(index.internalId())].folder)
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemIsDropEnabled;
}

QModelIndex TargetTreeModel::indexForId(const QUuid& id) const
{
    const auto it = m_byId.constFind(id);
    if (id.isNull() || it == m_byId.constEnd())
        return {};
    return createIndex(m_nodes[size_t(*it)].row, 0, quintptr(*it));
}

QModelIndex TargetTreeModel::indexForGroup(const QString& group) const
{
    if (group.isEmpty())
        return {};
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].folder && m_nodes[i].group.compare(group, Qt::CaseInsensitive) == 0)
            return createIndex(m_nodes[i].row, 0, quintptr(i));
    }
    return {};
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
