#pragma once

#include "core/common/CancelToken.h"
#include "core/inventory/Target.h"
#include "core/ssh/ConnectionCheck.h"

#include <QList>
#include <QWidget>

#include <memory>

class QAction;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace aio {
class SecretStore;
} // namespace aio

namespace aio::ui {

class FleetChecklist;
class SessionGate;
class SshHostFactory;

// The right-hand page when several targets or a group are selected: what is selected, one row
// per target (how it is reached, group, tags, and the last check's result), and what can be done
// to all of them at once: check the connection (a few at a time, each row filling in as its check
// ends; the button stops it), and the window's bulk actions (move to a group, tags, remove).
class BulkPage : public QWidget
{
    Q_OBJECT
public:
    BulkPage(SecretStore* secrets, QWidget* parent = nullptr);
    ~BulkPage() override;

    // title: "3 targets selected" or the group's name. Rows of targets still listed keep their
    // results; a check running for another selection is stopped.
    void setTargets(const QString& title, const QList<Target>& targets);
    QList<Target> targets() const { return m_targets; }
    // Buttons for the window's actions on the selection (they follow the actions' state).
    void addActionButtons(const QList<QAction*>& actions);

    FleetChecklist* fleet() const { return m_fleet; }
    void startCheck();
    void stopCheck();
    bool isChecking() const { return static_cast<bool>(m_cancel); }
    // The result column of a target's row ("" before a check).
    QString resultText(const QUuid& id) const;

signals:
    void checkFinished(int reached, int failed);

private:
    void showResult(int generation, int index, const Result<ConnectionReport>& result);

    QList<Target> m_targets;
    SshHostFactory* m_factory = nullptr;
    std::shared_ptr<SessionGate> m_gate; // lets running checks make sessions only while this page lives
    QLabel* m_title = nullptr;
    QLabel* m_summary = nullptr;
    QTreeWidget* m_list = nullptr;
    QPushButton* m_check = nullptr;
    FleetChecklist* m_fleet = nullptr;
    QWidget* m_buttons = nullptr;
    std::shared_ptr<CancelToken> m_cancel; // set while a check runs
    int m_generation = 0;
    int m_reached = 0;
    int m_failed = 0;
};

} // namespace aio::ui
