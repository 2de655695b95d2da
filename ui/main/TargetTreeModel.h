#pragma once

#include "core/inventory/Target.h"

#include <QAbstractItemModel>
#include <QFont>
#include <QHash>
#include <QIcon>
#include <QUuid>

#include <vector>

namespace aio {
class Inventory;
}

namespace aio::ui {

// The sidebar's model: the inventory's groups as folders (a group's subgroups, then its targets),
// then the targets in no group, each level sorted by name. Follows the Inventory's signals;
// selection is the view's. Targets can be dragged onto a folder (into that group), onto a target
// (into its group) or onto the empty space (out of any group); the move is one inventory change.
class TargetTreeModel : public QAbstractItemModel
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

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

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
    // One row: a folder or a target. Rows are built once per inventory change and kept flat, so a
    // model of 5,000 targets is a few allocations, and data() is a switch, not a search.
    struct Node
    {
        int parent = -1; // index in m_nodes; -1: a top-level row
        int row = 0; // its row under its parent
        QList<int> children;
        bool folder = false;
        QString text; // the name, or "Folder (count)"
        QString group; // a folder's path
        QUuid id;
        TargetKind kind = TargetKind::Vm;
        QString search; // case-folded
        QStringList tags; // case-folded
        QString toolTip;
    };
    void rebuild();
    const QList<int>& childrenOf(const QModelIndex& parent) const;

    Inventory* m_inventory = nullptr;
    std::vector<Node> m_nodes;
    QList<int> m_top;
    QHash<QUuid, int> m_byId; // target id -> its node, for indexForId
    QIcon m_vmIcon;
    QIcon m_clusterIcon;
    QIcon m_folderIcon;
    QFont m_folderFont;
    mutable QHash<int, QIcon> m_badged; // kind × checklist verdict
};

} // namespace aio::ui
