#pragma once

#include "core/inventory/Target.h"

#include <QStandardItemModel>
#include <QUuid>

namespace aio {
class Inventory;
}

namespace aio::ui {

// The sidebar's model: the inventory's groups as folders (a group's subgroups, then its targets),
// then the targets in no group, each level sorted by name. Follows the Inventory's signals;
// selection is the view's. Targets can be dragged onto a folder (into that group), onto a target
// (into its group) or onto the empty space (out of any group); the move is one inventory change.
class TargetTreeModel : public QStandardItemModel
{
    Q_OBJECT

public:
    // SearchTextRole: what the sidebar's search matches, case-folded (name, address, user,
    // cluster context, group, tags). TagsRole: the target's tags, case-folded (QStringList).
    // GroupPathRole: a folder's group path ("Team/Sub").
    enum Role {
        TargetIdRole = Qt::UserRole + 1,
        TargetKindRole,
        IsGroupRole,
        SearchTextRole,
        TagsRole,
        GroupPathRole,
    };

    explicit TargetTreeModel(Inventory* inventory, QObject* parent = nullptr);

    QModelIndex indexForId(const QUuid& id) const;
    QModelIndex indexForGroup(const QString& group) const;
    static QUuid idAt(const QModelIndex& index);
    static bool isGroup(const QModelIndex& index);
    static QString groupAt(const QModelIndex& index); // a folder's path, else ""
    static QIcon iconFor(TargetKind kind);

    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    Qt::DropActions supportedDropActions() const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    // Moves the dropped targets to the group under the drop (see the class comment). The move is
    // made once the drop has ended, and false is returned, so the view never removes rows itself.
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;
    // The group a drop at parent lands in: a folder's, a target's own, or "" (none).
    static QString dropGroup(const QModelIndex& parent);

signals:
    // After the rows were rebuilt (the view restores its selection on this).
    void rebuilt();
    // A drop could not be applied (the inventory refused it).
    void moveFailed(const aio::Error& error);

private:
    void rebuild();

    Inventory* m_inventory = nullptr;
    QHash<QUuid, QPersistentModelIndex> m_rows; // target id -> its row, for indexForId
};

} // namespace aio::ui
