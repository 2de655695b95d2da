#pragma once

#include "core/common/Result.h"
#include "core/deploy/HistoryEntry.h"
#include "core/deploy/PlanRunner.h"
#include "core/deploy/vm/VmPlanBuilder.h"
#include "core/inventory/Target.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QWidget>

#include <functional>
#include <memory>

class QDialog;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;

namespace aio {
class History;
class SecretStore;
} // namespace aio

namespace aio::ui {

class AnswersPage;
class MessageBanner;
class ReachPanel;
class StepPage;

// The guided deployment of the sandbox to one VM target (Option 1: Docker + Nginx + TLS +
// authentication). A step list on the left (with status icons) and a content pane: the answers
// page first, then one page per plan step where the admin previews, applies, retries, rolls back
// or skips (with a reason). Everything runs through PlanRunner's signals on its worker thread;
// answers and history are read and written off the GUI thread. The answers are remembered per
// target (<data>/deploy/<target-id>.answers.json, VmDeployAnswers' JSON) and every change is in
// the target's History, so leaving and coming back shows where the deployment stood.
//
// Used as the "Deploy" tab of a VM target's page (registerDeployCapability()).
class DeployWizard : public QWidget
{
    Q_OBJECT

public:
    // Opens the host the plan runs on; called on the GUI thread (must not block) and, for the
    // firewall step's second connection, on the runner's worker thread.
    using HostFactory = std::function<Result<std::shared_ptr<RemoteHost>>(const Target& target)>;
    // Builds the plan from the deployment; runs on a worker thread. Default: VmPlanBuilder::build.
    using PlanFactory = std::function<Result<VmPlanBuilder::Built>(VmDeployment deployment)>;

    // secrets may be null (then keys are generated for every plan and not kept).
    DeployWizard(const Target& target, SecretStore* secrets, QWidget* parent = nullptr);
    ~DeployWizard() override;

    void setHostFactory(HostFactory factory);
    void setPlanFactory(PlanFactory factory);
    // Where answers (<dir>/deploy) and history (<dir>/history) live; default Profile::dataDir().
    void setDataDirectory(const QString& directory);
    void setTarget(const Target& target);
    const Target& target() const { return m_target; }

    // Reads the target's saved answers and history (off the GUI thread); emits loaded().
    void load();
    // Validates the answers, saves them, builds the plan and previews every step; emits
    // planReady() then, when the previews end, jobFinished().
    void continueFromAnswers();

    // For tests and the screenshot tool.
    AnswersPage* answersPage() const { return m_answersPage; }
    PlanRunner* runner() const { return m_runner; }
    int stepCount() const { return int(m_stepPages.size()); }
    StepPage* stepPage(int index) const;
    // The saved answers and history have been read (load() answered).
    bool isLoaded() const { return m_loaded; }
    int currentPage() const; // 0: answers, 1 + i: step i
    void showPage(int page);
    // Shows the page of the step with that id ("nginx", "container"…); before the plan is made,
    // the answers, and the step once the plan is ready.
    void showStep(const QString& stepId);
    std::shared_ptr<History> history() const { return m_history; }

signals:
    void loaded();
    // The wizard changed the target (the deployment's public host): the owner saves it.
    void targetEdited(const aio::Target& target);
    void planReady();
    void jobFinished(bool success);
    // The changed-host-key warning opened (for tests and screenshots).
    void hostKeyWarningShown(QDialog* dialog);

private:
    struct LoadResult;
    void onLoaded(const LoadResult& result);
    void readSecretsThenBuild(const VmDeployAnswers& answers, const QString& basicAuthPassword);
    void buildPlan(VmDeployment deployment);
    void onPlanBuilt(Result<VmPlanBuilder::Built>& built);
    void createStepPages();
    void connectRunner();
    void refreshHistory();
    void updateStepList();
    void updateButtons();
    void updateSummary();
    void onNeedsConfirmation(int index, const QString& question);
    void skipStep(int index);
    void retryStep(int index);
    // Asks once, listing the steps that are not done, then applies them in order; stops at the
    // first failure (which is rolled back) and follows the running step's page.
    void applyAllRemaining();
    // The steps this session has not finished: those whose preview changes something, and those
    // already done that applying only checks.
    struct Remaining
    {
        QStringList toChange;
        QStringList toCheck;
        bool isEmpty() const { return toChange.isEmpty() && toCheck.isEmpty(); }
    };
    Remaining remainingSteps() const;
    // A step failed because the VM's host key changed: shows the old and new fingerprints and
    // offers to replace the stored key (with a second confirmation), then previews again.
    void offerHostKeyReplacement();
    void showWizardProblem(const Error& error);
    int resumeIndex() const;
    // The step's last history entry, worded as earlier when this session has an outcome of its own.
    QString historyNote(int index) const;

    Target m_target;
    SecretStore* m_secrets = nullptr;
    HostFactory m_hostFactory;
    PlanFactory m_planFactory;
    QString m_dataDirectory;
    std::shared_ptr<History> m_history;
    QHash<QString, HistoryEntry> m_lastEntries; // last history entry per step id
    int m_historyCount = 0;
    QDateTime m_runnerCreated; // history entries older than this are from earlier runs
    // Steps applied or checked in this session: previewing one again, with nothing to change,
    // leaves it done (its checks passed, and detect still finds it in place).
    QSet<int> m_doneThisSession;
    ReachPanel* m_reach = nullptr; // shown once the deployment is complete
    bool m_reachShown = false;
    QString m_typedEdgePassword; // typed for the plan being built: kept once the plan is built
    bool m_loaded = false;
    bool m_building = false;

    std::shared_ptr<const VmDeployment> m_deployment;
    std::shared_ptr<const VmDeployment> m_buildingDeployment; // what the plan being built is for
    QPointer<PlanRunner> m_runner;
    std::shared_ptr<RemoteHost> m_host; // the runner's host
    bool m_hostKeyQuestionOpen = false;
    bool m_previewAgainWhenIdle = false; // the host key was replaced while a job ran
    int m_runningIndex = -1;
    bool m_followRunning = false; // "Apply all remaining" shows each step's page as it starts

    QListWidget* m_stepList = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLabel* m_summary = nullptr;
    MessageBanner* m_banner = nullptr;
    QString m_wantedStep; // shown when the step pages are made
    AnswersPage* m_answersPage = nullptr;
    QList<StepPage*> m_stepPages;
    QPushButton* m_back = nullptr;
    QPushButton* m_next = nullptr;
    QPushButton* m_applyAll = nullptr;
    QPushButton* m_historyButton = nullptr;
};

} // namespace aio::ui
