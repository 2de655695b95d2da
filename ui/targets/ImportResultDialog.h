#pragma once

#include "core/inventory/ImportResult.h"

#include <QDialog>

class QComboBox;
class QTreeWidget;

namespace aio::ui {

// Shows what an import did: the targets added and every entry or line skipped, with the reason.
class ImportResultDialog : public QDialog
{
    Q_OBJECT

public:
    // added: the targets now in the inventory; skipped: the importer's issues plus any the
    // inventory refused (name taken, …). source: the file imported.
    ImportResultDialog(const QString& source, const QList<Target>& added, const QList<ImportIssue>& skipped,
                       QWidget* parent = nullptr);

    QTreeWidget* importedList() const { return m_imported; }
    QTreeWidget* skippedList() const { return m_skipped; }
    // Offers to put every target added in one group (existing ones to choose from).
    void offerGroups(const QStringList& groups);
    // Shows the group the targets added are in now (after groupChosen was acted on).
    void showGroup(const QString& group);

signals:
    // The admin chose a group for every target added ("" for none).
    void groupChosen(const QString& group);

private:
    QWidget* m_groupRow = nullptr;
    QComboBox* m_group = nullptr;
    QTreeWidget* m_imported = nullptr;
    QTreeWidget* m_skipped = nullptr;
};

} // namespace aio::ui
