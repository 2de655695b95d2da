#pragma once

#include "core/inventory/Target.h"

#include <QStandardItemModel>
#include <QUuid>

namespace aio {
class Inventory;
}

namespace aio::ui {

// The sidebar's model: the inventory's targets under two group rows, "Virtual machines" and
// "Kubernetes clusters", sorted by name. Follows the Inventory's signals; selection is the view's.
class TargetTreeModel : public QStandardItemModel
{
    Q_OBJECT

public:
    // SearchTextRole: what the sidebar's search matches, case-folded (name, address, user,
    // cluster context).
    enum Role { TargetIdRole = Qt::UserRole + 1, TargetKindRole, IsGroupRole, SearchTextRole };

    explicit TargetTreeModel(Inventory* inventory, QObject* parent = nullptr);

    QModelIndex indexForId(const QUuid& id) const;
    QModelIndex groupIndex(TargetKind kind) const;
    static QUuid idAt(const QModelIndex& index);
    static QIcon iconFor(TargetKind kind);

signals:
    // After the rows were rebuilt (the view restores its selection on this).
    void rebuilt();

private:
    void rebuild();

    Inventory* m_inventory = nullptr;
};

} // namespace aio::ui
