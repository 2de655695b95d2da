#include "ui/main/TargetTreeModel.h"

#include "core/inventory/Inventory.h"

#include <QApplication>
#include <QStyle>

#include <algorithm>

namespace aio::ui {

namespace {
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
    setColumnCount(1);
    setHorizontalHeaderLabels({tr("Targets")});
    for (TargetKind kind : {TargetKind::Vm, TargetKind::Cluster}) {
        // One icon per kind, shared by its rows (made per row, the SVG was drawn 5,000 times).
        const QIcon icon = iconFor(kind);
        QList<Target> targets = m_inventory->targets(kind);
        std::sort(targets.begin(), targets.end(), [](const Target& a, const Target& b) {
            return QString::compare(a.name, b.name, Qt::CaseInsensitive) < 0;
        });
        const QString title = kind == TargetKind::Vm ? tr("Virtual machines") : tr("Kubernetes clusters");
        auto* group = new QStandardItem(tr("%1 (%2)").arg(title).arg(targets.size()));
        group->setData(true, IsGroupRole);
        group->setData(QVariant::fromValue(int(kind)), TargetKindRole);
        group->setAccessibleText(title);
        group->setFlags(Qt::ItemIsEnabled);
        QFont bold = group->font();
        bold.setBold(true);
        group->setFont(bold);
        group->setSizeHint(QSize(-1, 30));
        for (const Target& target : targets) {
            auto* item = new QStandardItem(icon, target.name);
            item->setData(target.id, TargetIdRole);
            item->setData(QVariant::fromValue(int(kind)), TargetKindRole);
            item->setData(false, IsGroupRole);
            item->setData(QStringList{target.name, summary(target), target.isVm() ? target.vm.user : QString()}
                              .join(QLatin1Char('\n'))
                              .toCaseFolded(),
                          SearchTextRole);
            item->setToolTip(summary(target));
            item->setAccessibleText(target.name);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            item->setSizeHint(QSize(-1, 26));
            group->appendRow(item);
        }
        appendRow(group);
    }
    emit rebuilt();
}

QModelIndex TargetTreeModel::groupIndex(TargetKind kind) const
{
    return index(kind == TargetKind::Vm ? 0 : 1, 0);
}

QModelIndex TargetTreeModel::indexForId(const QUuid& id) const
{
    if (id.isNull())
        return {};
    for (int g = 0; g < rowCount(); ++g) {
        const QModelIndex group = index(g, 0);
        for (int r = 0; r < rowCount(group); ++r) {
            const QModelIndex child = index(r, 0, group);
            if (idAt(child) == id)
                return child;
        }
    }
    return {};
}

QUuid TargetTreeModel::idAt(const QModelIndex& index)
{
    return index.data(TargetIdRole).toUuid();
}

} // namespace aio::ui
