#include "ui/deploy/DeployWizard.h"

#include "core/deploy/vm/VmDeploymentSetup.h"

#include "core/common/Profile.h"
#include "core/deploy/History.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/SshSession.h"
#include "ui/deploy/AnswersPage.h"
#include "ui/deploy/HistoryDialog.h"
#include "ui/deploy/ReachPanel.h"
#include "ui/deploy/SkipReasonDialog.h"
#include "ui/deploy/StepPage.h"
#include "ui/deploy/StepStatusIcon.h"
#include "ui/ssh/HostKeyChangedDialog.h"
#include "ui/ssh/SshHostFactory.h"
#include "ui/widgets/Background.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MessageBox.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

#include <optional>

namespace aio::ui {

struct DeployWizard::LoadResult
{
    std::optional<Result<VmDeployAnswers>> answers; // none: nothing saved yet
    Result<QList<HistoryEntry>> history = QList<HistoryEntry>();
    bool keyFilesExist = false; // the sandbox's keys were kept in files by an earlier run
};

namespace {
using State = StepStatusIcon::State;

QString when(const QDateTime& time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}
} // namespace

DeployWizard::DeployWizard(const Target& target, SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_target(target)
    , m_secrets(secrets)
    , m_dataDirectory(Profile::dataDir())
    , m_stepList(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_summary(new QLabel(this))
    , m_banner(new MessageBanner(this))
    , m_answersPage(new AnswersPage(this))
    , m_back(new QPushButton(tr("Back"), this))
    , m_next(new QPushButton(tr("Continue"), this))
    , m_applyAll(new QPushButton(tr("Apply all remaining…"), this))
    , m_historyButton(new QPushButton(tr("History…"), this))
{
    setObjectName(QStringLiteral("deployWizard"));
    // Made here, on the GUI thread; the firewall step's second connection calls it from the
    // runner's worker, after the wizard may have gone.
    QPointer<SshHostFactory> ssh(new SshHostFactory(secrets, this));
    m_hostFactory = [ssh](const Target& t) -> Result<std::shared_ptr<RemoteHost>> {
        if (!ssh)
            return Error(ErrorKind::Cancelled, tr("The deployment window was closed."));
        return ssh->create(t);
    };
    m_planFactory = [](VmDeployment d) {
        return VmPlanBuilder::build(std::move(d));
    };
    m_history = std::make_shared<History>(m_target.id.toString(), History::historyDirectory(m_dataDirectory));
    // Secrets went to memory only (no keychain, or the admin's word): keys then go to files
    // unless the admin decided otherwise.
    connect(SecretStore::activity(), &KeychainActivity::memoryOnlyChanged, this, [this] {
        // Only where no keychain exists: one the admin merely chose not to use may hold the keys.
        if (SecretStore::noKeychain() && !m_answersPage->keysInFilesChosen())
            m_answersPage->setKeysInFiles(true);
    });

    m_stepList->setObjectName(QStringLiteral("wizardSteps"));
    m_stepList->setAccessibleName(tr("Deployment steps"));
    m_stepList->setIconSize(QSize(20, 20));
    m_stepList->setSpacing(2);
    m_stepList->setFixedWidth(250);
    m_stepList->setFrameShape(QFrame::NoFrame);
    m_stepList->setStyleSheet(QStringLiteral("QListWidget#wizardSteps { background: palette(window); }"
                                             "QListWidget#wizardSteps::item { padding: 6px 4px; }"));
    m_summary->setObjectName(QStringLiteral("wizardSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_banner->setObjectName(QStringLiteral("wizardBanner"));
    m_banner->hide();
    m_back->setObjectName(QStringLiteral("wizardBack"));
    m_back->setAccessibleName(tr("Previous page"));
    m_next->setObjectName(QStringLiteral("wizardNext"));
    m_next->setAccessibleName(tr("Next page"));
    m_next->setDefault(true);
    m_historyButton->setObjectName(QStringLiteral("wizardHistory"));
    m_historyButton->setToolTip(tr("Everything the deployments changed on this target: when, which step, the "
                                   "commands, and each file as a diff against what was there before."));
    m_applyAll->setObjectName(QStringLiteral("wizardApplyAll"));
    m_applyAll->setToolTip(tr("Apply every step that is not done yet, in order, after one confirmation. "
                              "The run stops at the first step that fails; that step is rolled back."));

    m_pages->addWidget(m_answersPage);
    auto* nav = new QHBoxLayout;
    nav->addWidget(m_historyButton);
    nav->addWidget(m_applyAll);
    nav->addStretch(1);
    nav->addWidget(m_back);
    nav->addWidget(m_next);
    auto* right = new QVBoxLayout;
    right->setContentsMargins(12, 0, 0, 0);
    right->addWidget(m_pages, 1);
    right->addLayout(nav);
    auto* body = new QHBoxLayout;
    body->setContentsMargins(0, 0, 0, 0);
    body->addWidget(m_stepList);
    body->addLayout(right, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_banner);
    layout->addLayout(body, 1);
    // Below the steps: appearing when the deployment is complete, it moves nothing above it.
    m_reach = new ReachPanel(this);
    layout->addWidget(m_reach);

    connect(m_stepList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_pages->count() && row != m_pages->currentIndex())
            showPage(row);
    });
    connect(m_back, &QPushButton::clicked, this, [this] { showPage(currentPage() - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] {
        if (currentPage() == 0)
            continueFromAnswers();
        else
            showPage(currentPage() + 1);
    });
    connect(m_answersPage, &AnswersPage::changed, this, &DeployWizard::updateSummary);
    connect(m_applyAll, &QPushButton::clicked, this, &DeployWizard::applyAllRemaining);
    connect(m_historyButton, &QPushButton::clicked, this, [this] {
        auto* dialog = new HistoryDialog(m_history, m_target.name, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });

    updateStepList();
    updateButtons();
    updateSummary();
}

DeployWizard::~DeployWizard()
{
    // Never wait here for a job that cannot stop at once (a login, a command, an apply): the
    // runner ends it on its own and goes away then.
    if (m_runner)
        m_runner->cancelAndDeleteLater();
}

void DeployWizard::setHostFactory(HostFactory factory)
{
    m_hostFactory = std::move(factory);
}

void DeployWizard::setPlanFactory(PlanFactory factory)
{
    m_planFactory = std::move(factory);
}

void DeployWizard::setDataDirectory(const QString& directory)
{
    m_dataDirectory = directory;
    m_history = std::make_shared<History>(m_target.id.toString(), History::historyDirectory(directory));
}

void DeployWizard::setTarget(const Target& target)
{
    m_target = target;
    updateSummary();
}

StepPage* DeployWizard::stepPage(int index) const
{
    return index >= 0 && index < m_stepPages.size() ? m_stepPages[index] : nullptr;
}

int DeployWizard::currentPage() const
{
    return m_pages->currentIndex();
}

void DeployWizard::showPage(int page)
{
    if (page < 0 || page >= m_pages->count())
        return;
    m_pages->setCurrentIndex(page);
    m_stepList->setCurrentRow(page);
    updateButtons();
}

void DeployWizard::load()
{
    const QString data = m_dataDirectory;
    const std::shared_ptr<History> history = m_history;
    runInBackground(
        this,
        [data, target = m_target, history] {
            LoadResult result;
            result.answers = VmDeploymentSetup::loadAnswers(data, target);
            result.history = history->read();
            result.keyFilesExist = VmDeploymentSetup::anyKeyFileExists(VmDeploymentSetup::keyFilesIn(data, target.id));
            return result;
        },
        [this](LoadResult result) { onLoaded(result); });
}

void DeployWizard::onLoaded(const LoadResult& result)
{
    m_loaded = true;
    // Keys go to files when an earlier run put them there, or when there is no keychain to keep
    // them past this run; the admin sees the choice and may change it.
    const VmDeploymentSetup::KeyFiles files = VmDeploymentSetup::keyFilesIn(m_dataDirectory, m_target.id);
    m_answersPage->setKeyFolder(QFileInfo(files.jwtPrivateKey).absolutePath());
    m_answersPage->setKeysInFiles(result.keyFilesExist || SecretStore::noKeychain());
    if (result.answers && result.answers->ok()) {
        m_answersPage->setAnswers(result.answers->value());
    } else {
        VmDeployAnswers defaults = VmDeployAnswers::defaults();
        defaults.publicHost = m_target.vm.publicHost;
        m_answersPage->setAnswers(defaults);
        if (result.answers)
            m_banner->showMessage(MessageBanner::Level::Warning, tr("The saved answers could not be read"),
                                  result.answers->error().toString() + QLatin1Char('\n')
                                      + tr("The form shows the defaults; continuing saves them anew."));
        m_banner->setVisible(result.answers.has_value());
    }
    m_lastEntries.clear();
    m_historyCount = 0;
    if (result.history) {
        m_historyCount = int(result.history->size());
        for (const HistoryEntry& e : *result.history)
            m_lastEntries.insert(e.stepId, e);
    } else {
        showWizardProblem(result.history.error());
    }
    if (m_historyCount > 0 && !m_banner->isVisible()) {
        QDateTime last;
        for (const HistoryEntry& e : std::as_const(m_lastEntries))
            last = qMax(last, e.when);
        m_banner->showMessage(MessageBanner::Level::Information, tr("A deployment to this target was started before"),
                              tr("Last change %1. Continue to see where each step stands; steps already done show "
                                 "as done and change nothing.")
                                  .arg(when(last)));
        m_banner->show();
    }
    updateStepList();
    updateButtons();
    updateSummary();
    emit loaded();
}

void DeployWizard::continueFromAnswers()
{
    if (m_building || (m_runner && m_runner->isRunning()))
        return;
    Result<VmDeployAnswers> answers = m_answersPage->answers();
    if (!answers) {
        m_answersPage->showProblem(answers.error());
        return;
    }
    m_answersPage->showProblem({});
    // Remember the answers for this target (off the GUI thread, atomically); the target then
    // carries their public host (its settings show the name the sandbox is served on).
    runInBackground(
        this,
        [data = m_dataDirectory, id = m_target.id, toSave = *answers] {
            return VmDeploymentSetup::saveAnswers(data, id, toSave);
        },
        [this, chosen = *answers](Status saved) {
            if (!saved)
                showWizardProblem(saved.error());
            else if (std::optional<Target> updated = VmDeploymentSetup::targetFor(m_target, chosen))
                emit targetEdited(*updated);
        });
    m_building = true;
    m_summary->setText(tr("Preparing the plan (keys are made on this computer when the keychain has none)…"));
    updateButtons();
    readSecretsThenBuild(*answers, m_answersPage->basicAuthPassword());
}

void DeployWizard::readSecretsThenBuild(const VmDeployAnswers& answers, const QString& basicAuthPassword)
{
    SecretStore* store = m_secrets; // the app's store outlives every wizard
    // New keys go where the admin says; existing ones are read from where they are (files an
    // earlier run kept stay the keys even when the box is unticked now, so nothing is replaced).
    const VmDeploymentSetup::KeyFiles kept = VmDeploymentSetup::keyFilesIn(m_dataDirectory, m_target.id);
    const VmDeploymentSetup::KeyFiles files = m_answersPage->keysInFiles() ? kept : VmDeploymentSetup::KeyFiles{};
    struct Read
    {
        VmDeploymentSetup::Keys keys;
        Result<QList<QSslCertificate>> cas;
    };
    runInBackground(
        this,
        [store, id = m_target.id, answers, files, kept] {
            const bool fromFiles = !files.jwtPrivateKey.isEmpty() || VmDeploymentSetup::anyKeyFileExists(kept);
            return Read{VmDeploymentSetup::readKeys(store, id, answers, fromFiles ? kept : files),
                        VmDeploymentSetup::readTrustedCas(answers)};
        },
        [this, answers, basicAuthPassword, files](Read read) {
            if (!read.cas) {
                m_building = false;
                m_answersPage->showProblem(read.cas.error());
                updateButtons();
                updateSummary();
                return;
            }
            VmDeploymentSetup::Keys& keys = read.keys;
            VmDeployment d = VmDeploymentSetup::assemble(m_target, answers, keys.secrets, m_secrets, files);
            // Secrets in memory and no files: a new key serves this run only, which the preview
            // says (with the way to keep it). Anywhere else a key that cannot be kept fails the step.
            if (SecretStore::memoryOnly() && files.jwtPrivateKey.isEmpty()) {
                d.keysKeptIn = SecretStore::noKeychain()
                    ? tr("memory until the app quits (there is no keychain; tick \"Keep these keys in files\" to "
                         "keep them)")
                    : tr("memory until the app quits (secrets are kept in memory in this run; tick \"Keep these keys "
                         "in files\" to keep them)");
                d.saveSecret = [keep = d.saveSecret](SecretKind kind, const QByteArray& value) -> Status {
                    const Status s = keep(kind, value);
                    return !s && s.error().kind == ErrorKind::KeychainUnavailable ? Status() : s;
                };
            }
            d.trustedCas += *read.cas;
            // A password typed now replaces the kept one, and is kept once the plan accepts it.
            m_typedEdgePassword.clear();
            if (!answers.basicAuthUser.isEmpty() && !basicAuthPassword.isEmpty()) {
                d.secrets.basicAuthPassword = basicAuthPassword;
                m_typedEdgePassword = basicAuthPassword;
            }
            d.reconnect = [factory = m_hostFactory, target = m_target] {
                return factory(target);
            };
            if (!keys.unreadable) {
                buildPlan(std::move(d));
                return;
            }
            // The keys of earlier deployments are unknown, and new ones would lock out their
            // clients: the admin decides.
            MessageBox::ask(
                this, QMessageBox::Warning, tr("Keychain not readable"),
                tr("The keychain could not be read, so the sandbox keys of earlier deployments to %1 are unknown.")
                    .arg(m_target.name),
                tr("%1\n\nMaking new keys replaces them on the VM: every client that holds the old key or token "
                   "is locked out. Cancel to unlock or start the keychain first.")
                    .arg(keys.unreadable->toString()),
                QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                [this, d](QMessageBox::StandardButton button) mutable {
                    if (button == QMessageBox::Yes) {
                        buildPlan(std::move(d));
                        return;
                    }
                    m_building = false;
                    updateButtons();
                    updateSummary();
                });
        });
}

void DeployWizard::buildPlan(VmDeployment deployment)
{
    using Built = Result<VmPlanBuilder::Built>;
    m_buildingDeployment = std::make_shared<const VmDeployment>(deployment);
    runInBackground(
        this,
        [factory = m_planFactory, deployment]() mutable {
            return std::make_shared<Built>(factory(std::move(deployment)));
        },
        [this](std::shared_ptr<Built> built) { onPlanBuilt(*built); });
}

void DeployWizard::onPlanBuilt(Result<VmPlanBuilder::Built>& built)
{
    m_building = false;
    if (!built) {
        m_answersPage->showProblem(built.error());
        updateButtons();
        updateSummary();
        return;
    }
    Result<std::shared_ptr<RemoteHost>> host = m_hostFactory(m_target);
    if (!host) {
        m_answersPage->showProblem(host.error());
        updateButtons();
        updateSummary();
        return;
    }
    if (const QString typed = std::exchange(m_typedEdgePassword, QString()); !typed.isEmpty())
        runInBackground(
            this,
            [store = m_secrets, id = m_target.id, typed] {
                return VmDeploymentSetup::saveEdgePassword(store, id, typed);
            },
            [this](Status kept) {
                if (!kept)
                    showWizardProblem(kept.error());
            });
    delete m_runner.data(); // not running: continueFromAnswers() refuses while it does
    m_host = *host;
    m_hostKeyQuestionOpen = false;
    auto* runner = new PlanRunner(std::move(built->plan), *host, m_history, this);
    for (const QString& secret : std::as_const(built->secrets))
        runner->redactor().addSecret(secret);
    m_deployment = built->deployment ? built->deployment : m_buildingDeployment;
    m_runner = runner;
    m_runnerCreated = QDateTime::currentDateTimeUtc();
    m_doneThisSession.clear();
    m_reachShown = false; // a new plan: the panel waits for it to be complete
    m_reach->hide();
    connectRunner();
    createStepPages();
    updateStepList();
    emit planReady();
    m_runner->startPreview(-1);
    showPage(1 + resumeIndex());
    updateSummary();
}

void DeployWizard::createStepPages()
{
    for (StepPage* page : std::as_const(m_stepPages)) {
        m_pages->removeWidget(page);
        page->deleteLater();
    }
    m_stepPages.clear();
    const Plan& plan = m_runner->plan();
    for (int i = 0; i < plan.size(); ++i) {
        auto* page = new StepPage(i, plan.step(i), m_pages);
        page->setHistoryNote(historyNote(i));
        connect(page, &StepPage::previewRequested, this, [this](int index) {
            if (m_runner)
                m_runner->startPreview(index);
        });
        connect(page, &StepPage::applyRequested, this, [this](int index) {
            if (m_runner)
                m_runner->startStep(index);
        });
        connect(page, &StepPage::retryRequested, this, &DeployWizard::retryStep);
        connect(page, &StepPage::rollbackRequested, this, [this](int index) {
            if (!m_runner)
                return;
            MessageBox::ask(this, QMessageBox::Question, tr("Roll back"),
                            tr("Roll back \"%1\"?").arg(m_stepPages[index]->title()),
                            tr("The files and settings this step changed are put back as the step found them."),
                            QMessageBox::Yes | QMessageBox::No, QMessageBox::No,
                            [runner = m_runner, index](QMessageBox::StandardButton button) {
                                if (runner && button == QMessageBox::Yes)
                                    runner->startRollback(index);
                            });
        });
        connect(page, &StepPage::skipRequested, this, &DeployWizard::skipStep);
        connect(page, &StepPage::cancelRequested, this, [this] {
            if (m_runner)
                m_runner->cancel();
        });
        m_pages->addWidget(page);
        m_stepPages.append(page);
    }
    if (!m_wantedStep.isEmpty())
        showStep(std::exchange(m_wantedStep, QString()));
}

void DeployWizard::showStep(const QString& stepId)
{
    for (int i = 0; i < m_stepPages.size(); ++i) {
        if (m_stepPages.at(i)->stepId() == stepId) {
            showPage(1 + i);
            return;
        }
    }
    // The plan is made from the answers: the step shows once they are continued from.
    m_wantedStep = stepId;
    showPage(0);
    m_banner->showMessage(
        MessageBanner::Level::Information, tr("The checklist sent you here"),
        tr("Check the answers and continue: the step that fixes it (%1) opens when the plan is ready.").arg(stepId));
    m_banner->show();
}

void DeployWizard::connectRunner()
{
    PlanRunner* r = m_runner;
    connect(r, &PlanRunner::jobStarted, this, &DeployWizard::updateButtons);
    connect(r, &PlanRunner::stepStarted, this, [this](int index, StepPhase phase) {
        if (m_followRunning && index != m_runningIndex)
            showPage(1 + index);
        m_runningIndex = index;
        if (StepPage* page = stepPage(index))
            page->showPhase(phase);
        updateStepList();
        updateButtons();
    });
    connect(r, &PlanRunner::lineReceived, this, [this](int index, OutputChannel channel, const QString& line) {
        if (StepPage* page = stepPage(index))
            page->appendOutput(channel, line);
    });
    connect(r, &PlanRunner::previewReady, this, [this](int index, const StepPreview& preview) {
        if (StepPage* page = stepPage(index))
            page->showPreview(preview);
    });
    connect(r, &PlanRunner::verifyResult, this, [this](int index, const VerifyReport& report) {
        if (StepPage* page = stepPage(index))
            page->showVerifyReport(report);
    });
    connect(r, &PlanRunner::needsConfirmation, this, &DeployWizard::onNeedsConfirmation);
    connect(r, &PlanRunner::stepFinished, this, [this](int index, StepOutcome outcome, const QString& message) {
        const StepRecord record = m_runner->record(index);
        if (outcome == StepOutcome::Applied || outcome == StepOutcome::AlreadyDone)
            m_doneThisSession.insert(index);
        else if (outcome != StepOutcome::Previewed)
            m_doneThisSession.remove(index);
        if (StepPage* page = stepPage(index)) {
            page->showFinished(outcome, message, record);
            page->setHistoryNote(historyNote(index));
        }
        if (record.error && record.error->kind == ErrorKind::HostKeyChanged)
            offerHostKeyReplacement();
        if (outcome != StepOutcome::Previewed)
            refreshHistory();
        updateStepList();
        updateButtons();
        updateSummary();
    });
    connect(r, &PlanRunner::finished, this, [this](bool success) {
        m_runningIndex = -1;
        m_followRunning = false;
        if (m_previewAgainWhenIdle) {
            m_previewAgainWhenIdle = false;
            QTimer::singleShot(0, this, [this] {
                if (m_runner)
                    m_runner->startPreview(-1);
            });
        }
        updateStepList();
        updateButtons();
        updateSummary();
        emit jobFinished(success);
    });
}

void DeployWizard::refreshHistory()
{
    const std::shared_ptr<History> history = m_history;
    runInBackground(
        this, [history] { return history->read(); },
        [this](Result<QList<HistoryEntry>> result) {
            const Result<QList<HistoryEntry>> entries = result;
            if (!entries)
                return;
            m_lastEntries.clear();
            m_historyCount = int(entries->size());
            for (const HistoryEntry& e : *entries)
                m_lastEntries.insert(e.stepId, e);
            for (StepPage* page : std::as_const(m_stepPages))
                page->setHistoryNote(historyNote(page->index()));
            updateStepList();
            updateSummary();
        });
}

QString DeployWizard::historyNote(int index) const
{
    if (!m_runner || index < 0 || index >= m_runner->plan().size())
        return {};
    const auto it = m_lastEntries.constFind(m_runner->plan().step(index).id());
    if (it == m_lastEntries.cend())
        return {};
    const HistoryEntry& e = *it;
    // A step this session skipped, applied or checked shows that outcome; an older entry is then
    // only what an earlier run did.
    const StepOutcome now = m_runner->record(index).outcome;
    const bool decidedNow = now != StepOutcome::NotRun && now != StepOutcome::Previewed;
    if (decidedNow && e.when < m_runnerCreated) {
        if (e.action == QLatin1String("skip"))
            return tr("An earlier run skipped it on %1.").arg(when(e.when));
        if (e.action == QLatin1String("rollback"))
            return tr("An earlier run rolled it back on %1.").arg(when(e.when));
        if (e.outcome == StepOutcome::Applied)
            return tr("An earlier run applied it on %1.").arg(when(e.when));
        return tr("An earlier run failed on %1.").arg(when(e.when));
    }
    if (e.action == QLatin1String("skip"))
        return tr("History: skipped on %1 — %2").arg(when(e.when), e.skipReason);
    if (e.action == QLatin1String("rollback"))
        return tr("History: rolled back on %1.").arg(when(e.when));
    if (e.outcome == StepOutcome::Applied)
        return tr("History: applied on %1.").arg(when(e.when));
    return tr("History: failed on %1 — %2").arg(when(e.when), e.message);
}

void DeployWizard::updateStepList()
{
    auto stateOf = [this](int i) -> State {
        if (m_runner && m_runner->isRunning() && i == m_runningIndex)
            return State::Running;
        StepRecord record;
        QString id;
        if (m_runner && i < m_runner->plan().size()) {
            record = m_runner->record(i);
            id = m_runner->plan().step(i).id();
        }
        switch (record.outcome) {
        case StepOutcome::Applied:
        case StepOutcome::AlreadyDone:
            return State::Done;
        case StepOutcome::Skipped:
            return State::Skipped;
        case StepOutcome::Failed:
        case StepOutcome::RollbackFailed:
        case StepOutcome::Cancelled:
            return State::Failed;
        case StepOutcome::RolledBack:
            return State::RolledBack;
        case StepOutcome::Previewed: // "already done" here only once its checks ran (Apply checks it)
            if (record.preview.nothingToDo && m_doneThisSession.contains(i))
                return State::Done;
            break;
        case StepOutcome::NotRun:
            if (record.error)
                return State::Failed;
            break;
        }
        // Not finished in this session: what the history says, else previewed / pending.
        const auto it = m_lastEntries.constFind(id);
        if (it != m_lastEntries.cend() && !record.appliedThisRun) {
            if (it->action == QLatin1String("skip"))
                return State::Skipped;
            if (it->action == QLatin1String("apply") && it->outcome == StepOutcome::Applied
                && (record.outcome != StepOutcome::Previewed || record.preview.nothingToDo))
                return State::Done;
        }
        return record.outcome == StepOutcome::Previewed ? State::Previewed : State::Pending;
    };

    const QSignalBlocker blocker(m_stepList);
    const int wanted = m_pages->currentIndex();
    m_stepList->clear();
    auto* answers = new QListWidgetItem(StepStatusIcon::icon(State::Answers), tr("Answers"), m_stepList);
    answers->setData(Qt::AccessibleDescriptionRole, StepStatusIcon::label(State::Answers));
    if (!m_runner) {
        auto* hintItem = new QListWidgetItem(tr("The steps appear once\nthe answers are complete."), m_stepList);
        hintItem->setFlags(Qt::NoItemFlags);
    } else {
        for (int i = 0; i < m_runner->plan().size(); ++i) {
            const State s = stateOf(i);
            auto* item = new QListWidgetItem(StepStatusIcon::icon(s),
                                             tr("%1. %2").arg(i + 1).arg(m_runner->plan().step(i).title()), m_stepList);
            item->setData(Qt::UserRole, int(s));
            item->setData(Qt::AccessibleDescriptionRole, StepStatusIcon::label(s));
            item->setToolTip(StepStatusIcon::label(s));
        }
    }
    m_stepList->setCurrentRow(wanted);
}

void DeployWizard::updateButtons()
{
    const bool running = m_runner && m_runner->isRunning();
    const int page = currentPage();
    m_back->setEnabled(page > 0);
    if (page == 0) {
        m_next->setText(tr("Continue"));
        m_next->setEnabled(m_loaded && !m_building && !running);
        m_next->setToolTip(tr("Check the answers, remember them and preview every step. Nothing is changed yet."));
    } else {
        m_next->setText(tr("Next step"));
        m_next->setEnabled(page + 1 < m_pages->count());
        m_next->setToolTip({});
    }
    m_next->setVisible(page == 0 || page + 1 < m_pages->count());
    const Remaining remaining = remainingSteps();
    m_applyAll->setVisible(m_runner && page > 0);
    m_applyAll->setEnabled(!running && !remaining.isEmpty());
    // Counts only what is still to do; steps already done are checked, not counted as changes.
    if (!remaining.toChange.isEmpty())
        m_applyAll->setText(tr("Apply all remaining (%1)…").arg(remaining.toChange.size()));
    else if (!remaining.toCheck.isEmpty())
        m_applyAll->setText(tr("Check the remaining (%1)…").arg(remaining.toCheck.size()));
    else
        m_applyAll->setText(tr("Apply all remaining…"));
    m_applyAll->setToolTip(remaining.toCheck.isEmpty() ? QString()
                                                       : tr("%n step(s) already done are only checked.", nullptr,
                                                            int(remaining.toCheck.size())));
    for (StepPage* p : std::as_const(m_stepPages)) {
        const int i = p->index();
        p->updateButtons(m_runner ? m_runner->record(i) : StepRecord(), running, running && m_runningIndex == i);
    }
}

void DeployWizard::updateSummary()
{
    if (m_building)
        return;
    if (!m_runner) {
        m_summary->setText(m_loaded ? tr("Deploy the sandbox to %1: answer the questions, then preview every step "
                                         "before anything changes.")
                                          .arg(m_target.name)
                                    : tr("Reading the saved answers and history of %1…").arg(m_target.name));
        return;
    }
    int done = 0;
    int skipped = 0;
    int failed = 0;
    const int total = m_stepList->count() - 1;
    for (int row = 1; row < m_stepList->count(); ++row) {
        const auto s = State(m_stepList->item(row)->data(Qt::UserRole).toInt());
        done += s == State::Done ? 1 : 0;
        skipped += s == State::Skipped ? 1 : 0;
        failed += s == State::Failed ? 1 : 0;
    }
    QString text = tr("%1 of %2 steps done").arg(done).arg(total);
    if (skipped > 0)
        text += tr(", %n skipped", nullptr, skipped);
    if (failed > 0)
        text += tr(", %n failed", nullptr, failed);
    const bool complete = done + skipped == total && total > 0;
    if (complete)
        text = tr("The deployment to %1 is complete: %2.").arg(m_target.name, text);
    else
        text = tr("Deploying to %1: %2.").arg(m_target.name, text);
    // Once complete, how to reach it (looked up once per completion, not on every refresh).
    if (complete && !m_reachShown && !m_runner->isRunning() && m_deployment) {
        m_reachShown = true;
        m_reach->showFor(m_deployment->answers, m_deployment->vmAddress);
        m_reach->show();
    } else if (!complete && m_reachShown) {
        m_reachShown = false;
        m_reach->hide();
    }
    if (m_runner->isRunning())
        text += QLatin1Char(' ') + tr("Working…");
    m_summary->setText(text);
}

void DeployWizard::onNeedsConfirmation(int index, const QString& question)
{
    showPage(1 + index);
    MessageBox::ask(this, QMessageBox::Question, tr("Confirm"), question, {}, QMessageBox::Yes | QMessageBox::No,
                    QMessageBox::No, [runner = m_runner](QMessageBox::StandardButton button) {
                        if (runner)
                            runner->answerConfirmation(button == QMessageBox::Yes);
                    });
}

void DeployWizard::skipStep(int index)
{
    StepPage* page = stepPage(index);
    if (!page || !m_runner)
        return;
    SkipReasonDialog::ask(this, page->title(), [this, index](const QString& reason) {
        if (!m_runner || !m_runner->skip(index, reason))
            showWizardProblem(Error(ErrorKind::Usage, tr("The step could not be skipped now."), {},
                                    tr("Wait until the running step ends; the verify step cannot be skipped.")));
    });
}

void DeployWizard::offerHostKeyReplacement()
{
    // One warning however many steps failed on it; only for SSH hosts (they know the keys).
    const auto ssh = std::dynamic_pointer_cast<SshSession>(m_host);
    if (!ssh || m_hostKeyQuestionOpen)
        return;
    const HostKeyCheck check = ssh->lastHostKeyCheck();
    if (check.status != HostKeyStatus::Changed)
        return;
    m_hostKeyQuestionOpen = true;
    auto* dialog = new HostKeyChangedDialog(check, m_target.name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::finished, this, [this, dialog, ssh, check] {
        if (!dialog->replaceConfirmed()) {
            m_hostKeyQuestionOpen = false;
            return;
        }
        // Written off the GUI thread; then every step is previewed again over a new connection.
        runInBackground(
            this, [ssh, check] { return ssh->knownHosts().replaceStoredKey(check.host, check.port, check.key); },
            [this, ssh](Status result) {
                m_hostKeyQuestionOpen = false;
                const Status replaced = result;
                if (!replaced) {
                    showWizardProblem(replaced.error());
                    return;
                }
                m_banner->showMessage(MessageBanner::Level::Information,
                                      tr("The stored host key of %1 was replaced.").arg(m_target.name),
                                      tr("Every step is previewed again over a new connection."));
                m_banner->show();
                if (!m_runner || m_host != ssh)
                    return;
                if (m_runner->isRunning())
                    m_previewAgainWhenIdle = true; // the failing previews are still running
                else
                    m_runner->startPreview(-1);
            });
    });
    dialog->open();
    emit hostKeyWarningShown(dialog);
}

DeployWizard::Remaining DeployWizard::remainingSteps() const
{
    Remaining remaining;
    if (!m_runner)
        return remaining;
    for (int i = 0; i < m_runner->plan().size(); ++i) {
        const StepRecord record = m_runner->record(i);
        if (stepOutcomeIsFinished(record.outcome))
            continue;
        const bool onlyChecked = record.previewed && record.preview.nothingToDo;
        (onlyChecked ? remaining.toCheck : remaining.toChange) << m_runner->plan().step(i).title();
    }
    return remaining;
}

void DeployWizard::applyAllRemaining()
{
    const Remaining remaining = remainingSteps();
    if (!m_runner || m_runner->isRunning() || remaining.isEmpty())
        return;
    QString list;
    if (!remaining.toChange.isEmpty()) {
        list += tr("To change:") + QLatin1Char('\n');
        for (const QString& t : remaining.toChange)
            list += QStringLiteral("• ") + t + QLatin1Char('\n');
    }
    if (!remaining.toCheck.isEmpty()) {
        list += tr("Already done, only checked:") + QLatin1Char('\n');
        for (const QString& t : remaining.toCheck)
            list += QStringLiteral("• ") + t + QLatin1Char('\n');
    }
    const QString question = remaining.toChange.isEmpty()
        ? tr("Check the %n remaining step(s) on %1 now?", nullptr, int(remaining.toCheck.size())).arg(m_target.name)
        : tr("Apply the %n remaining step(s) to %1 now?", nullptr, int(remaining.toChange.size())).arg(m_target.name);
    MessageBox::ask(
        this, QMessageBox::Question,
        remaining.toChange.isEmpty() ? tr("Check the remaining steps") : tr("Apply all remaining steps"), question,
        list + QLatin1Char('\n')
            + tr("Each step is detected again, applied and verified, in this order. Steps that are already done "
                 "only get checked. The run stops at the first step that fails, and that step is rolled back. "
                 "Questions a step asks (such as keeping the firewall) are still asked."),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No, [this](QMessageBox::StandardButton button) {
            if (button != QMessageBox::Yes || !m_runner)
                return;
            m_followRunning = true;
            if (!m_runner->startAll()) {
                m_followRunning = false;
                showWizardProblem(Error(ErrorKind::Usage, tr("The steps could not be started now."), {},
                                        tr("Wait until the running step ends, then try again.")));
            }
        });
}

void DeployWizard::retryStep(int index)
{
    if (!m_runner)
        return;
    if (m_runner->record(index).previewed)
        m_runner->startStep(index);
    else
        m_runner->startPreview(index);
}

void DeployWizard::showWizardProblem(const Error& error)
{
    QString text = error.detail;
    if (!error.nextStep.isEmpty())
        text += (text.isEmpty() ? QString() : QStringLiteral("\n")) + error.nextStep;
    m_banner->showMessage(MessageBanner::Level::Error, error.message, text);
    m_banner->show();
}

int DeployWizard::resumeIndex() const
{
    if (!m_runner)
        return 0;
    for (int i = 0; i < m_runner->plan().size(); ++i) {
        const auto it = m_lastEntries.constFind(m_runner->plan().step(i).id());
        if (it == m_lastEntries.cend() || !it->finishedTheStep())
            return i;
    }
    return m_runner->plan().size() - 1;
}

} // namespace aio::ui
