#pragma once

#include "core/checklist/AuditReport.h"

#include <QHash>
#include <QIcon>
#include <QObject>
#include <QUuid>

#include <optional>

namespace aio::ui {

// The newest checklist state of each target, for the sidebar, the target pages and the fleet
// view: one place that every audit reports to and that every view follows. Lives on the GUI
// thread; loadAll() reads the stored audits on a worker.
class ChecklistStates : public QObject
{
    Q_OBJECT
public:
    struct State
    {
        Verdict overall = Verdict::Unknown;
        QDateTime when;
        int failed = 0;
        int warnings = 0;
        int unknown = 0;
        QHash<QString, Verdict> items; // guide item → combined verdict
    };

    static ChecklistStates& instance();

    std::optional<State> state(const QUuid& targetId) const;
    // Records an audit that just ended (stored already).
    void setAudit(const AuditReport& audit);
    void forget(const QUuid& targetId);
    // Forgets every state (another profile is opened).
    void clear();
    // Reads the newest stored audit of each target, off the GUI thread.
    void loadAll(const QList<QUuid>& targetIds);

    // The verdict's colour and a small round icon of it.
    static QColor colour(Verdict verdict);
    static QIcon dot(Verdict verdict);
    // base with a verdict dot in its lower right corner.
    static QIcon badged(const QIcon& base, Verdict verdict);
    // "Checklist: FAILED, 3 failed · checked 3 min ago".
    static QString describe(const State& state);
    static State stateOf(const AuditReport& audit);

signals:
    void changed(const QUuid& targetId);

private:
    QHash<QUuid, State> m_states;
};

} // namespace aio::ui
