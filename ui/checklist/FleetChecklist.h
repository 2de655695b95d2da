#pragma once

#include "core/common/CancelToken.h"
#include "core/inventory/Target.h"

#include <QWidget>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace aio::ui {

class SessionGate;

// The fleet view of the checklist, for several targets or a group: a row per target, a column
// per guide item, each cell the item's verdict from the target's newest audit, and an "Audit"
// button that audits every VM a few at a time with progress, each row filling in as its audit
// ends. Follows ChecklistStates, so an audit run from a target's page shows here too.
class FleetChecklist : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kJobs = 4; // audits at once (each runs its own probes in parallel)

    FleetChecklist(std::shared_ptr<SessionGate> gate, QWidget* parent = nullptr);
    ~FleetChecklist() override;

    void setTargets(const QList<Target>& targets);
    void startAudit();
    void stopAudit();
    bool isAuditing() const { return static_cast<bool>(m_cancel); }
    QTableWidget* table() const { return m_table; }

signals:
    void auditFinished(int audited, int failing);

private:
    void fillRow(int row);
    static QStringList itemColumns();

    std::shared_ptr<SessionGate> m_gate;
    QList<Target> m_targets;
    std::shared_ptr<CancelToken> m_cancel;
    int m_generation = 0;
    int m_done = 0;
    int m_failing = 0;
    QLabel* m_summary = nullptr;
    QPushButton* m_audit = nullptr;
    QProgressBar* m_progress = nullptr;
    QTableWidget* m_table = nullptr;
};

} // namespace aio::ui
