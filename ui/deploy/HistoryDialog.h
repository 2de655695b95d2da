#pragma once

#include "core/deploy/HistoryEntry.h"

#include <QDialog>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace aio {
class History;
}

namespace aio::ui {

// The deployment history of one target, as the admin reads it: every apply, rollback and skip,
// newest first, and for the selected entry its message, the commands it ran and each file it
// changed as a coloured diff against the previous content. Read off the GUI thread.
class HistoryDialog : public QDialog
{
    Q_OBJECT
public:
    HistoryDialog(std::shared_ptr<History> history, const QString& targetName, QWidget* parent = nullptr);

    void reload();

signals:
    void loaded(int entries);

private:
    void showEntry(int row);

    std::shared_ptr<History> m_history;
    QList<HistoryEntry> m_entries; // newest first
    QLabel* m_summary = nullptr;
    QTreeWidget* m_list = nullptr;
    QPlainTextEdit* m_detail = nullptr;
};

} // namespace aio::ui
