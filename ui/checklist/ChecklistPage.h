#pragma once

#include "core/checklist/AuditReport.h"
#include "core/common/CancelToken.h"
#include "core/inventory/Target.h"

#include <QSslCertificate>
#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QTextBrowser;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace aio {
class SecretStore;
}

namespace aio::ui {

class SshHostFactory;

// The "Checklist" tab of a VM target: the guide's items with their checks under them, a clear
// overall state, the evidence and the fix of the selected check, when it was last checked and
// what changed since the audit before. Audits run on demand (Ctrl+R) and on the schedule the
// admin picks; each is kept (AuditStore) and reported to ChecklistStates for the sidebar.
class ChecklistPage : public QWidget
{
    Q_OBJECT
public:
    ChecklistPage(const Target& target, SecretStore* secrets, QWidget* parent = nullptr);
    ~ChecklistPage() override;

    void setTarget(const Target& target);
    // Reads the stored audits (off the GUI thread) and shows the newest.
    void load();
    void runAudit();
    bool isAuditing() const { return static_cast<bool>(m_cancel); }
    const std::optional<AuditReport>& shown() const { return m_audit; }
    // Minutes between scheduled audits; 0: none.
    void setScheduleMinutes(int minutes);
    int scheduleMinutes() const;
    // Where trusted extra CAs come from (tests: a test CA).
    void setExtraCaCertificates(const QList<QSslCertificate>& certificates) { m_extraCa = certificates; }

signals:
    void auditFinished(const aio::AuditReport& audit);
    // The admin asked to fix a check: open this step of the deployment.
    void fixRequested(const QString& stepId);

private:
    void show(const AuditReport& audit, const std::optional<AuditReport>& previous);
    void showDetails();
    void updateHeader();
    void saveReport();
    void toggleConfirmation();
    void storeConfirmation(const QString& checkId, bool confirm);
    QString selectedCheckId() const;

    Target m_target;
    SshHostFactory* m_factory = nullptr;
    std::optional<AuditReport> m_audit;
    std::optional<AuditReport> m_previous;
    std::shared_ptr<CancelToken> m_cancel;
    QList<QSslCertificate> m_extraCa;
    int m_generation = 0;

    QLabel* m_state = nullptr;
    QLabel* m_when = nullptr;
    QLabel* m_changes = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_save = nullptr;
    QComboBox* m_schedule = nullptr;
    QTimer* m_timer = nullptr;
    QTimer* m_ageTimer = nullptr;
    QTreeWidget* m_tree = nullptr;
    QTextBrowser* m_details = nullptr;
    QPushButton* m_fix = nullptr;
    QPushButton* m_confirm = nullptr;
};

} // namespace aio::ui
