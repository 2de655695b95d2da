#include "ui/checklist/ChecklistPage.h"

#include "core/checklist/AuditStore.h"
#include "core/checklist/VmChecklist.h"
#include "core/common/Profile.h"
#include "core/ssh/SshSession.h"
#include "ui/checklist/ChecklistStates.h"
#include "ui/ssh/SessionGate.h"
#include "ui/ssh/SshHostFactory.h"
#include "ui/widgets/Background.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBox.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aio::ui {

namespace {

enum ChecklistColumn { CheckColumn, VerdictColumn, FoundColumn };
constexpr int CheckIdRole = Qt::UserRole + 1;

QString settingsKey(const QUuid& id)
{
    return QStringLiteral("checklist/%1/scheduleMinutes").arg(id.toString(QUuid::WithoutBraces));
}

QSettings settings()
{
    return QSettings(Profile::configDir() + QStringLiteral("/checklist.ini"), QSettings::IniFormat);
}

} // namespace

ChecklistPage::ChecklistPage(const Target& target, SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_target(target)
    , m_factory(new SshHostFactory(secrets, this))
{
    setObjectName(QStringLiteral("checklistPage"));
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("checklistState"));
    QFont big = m_state->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_state->setFont(big);
    m_when = new QLabel(this);
    m_when->setObjectName(QStringLiteral("checklistWhen"));
    m_changes = new QLabel(this);
    m_changes->setObjectName(QStringLiteral("checklistChanges"));
    m_changes->setWordWrap(true);
    m_changes->hide();

    m_run = new QPushButton(tr("Run audit"), this);
    m_run->setObjectName(QStringLiteral("checklistRun"));
    m_run->setToolTip(tr("Check this VM against the deployment guide's checklist now: commands over SSH and "
                         "requests from this workstation (Ctrl+R). Changes nothing."));
    connect(m_run, &QPushButton::clicked, this, [this] { isAuditing() ? (void)m_cancel->cancel() : runAudit(); });
    auto* shortcut = new QShortcut(QKeySequence(QStringLiteral("Ctrl+R")), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, [this] {
        if (!isAuditing())
            runAudit();
    });
    m_save = new QPushButton(tr("Save report…"), this);
    m_save->setObjectName(QStringLiteral("checklistSave"));
    m_save->setToolTip(tr("A report for a security reviewer: what was checked, when, the evidence and how to fix it "
                          "(HTML or Markdown)."));
    m_save->setEnabled(false);
    connect(m_save, &QPushButton::clicked, this, &ChecklistPage::saveReport);
    m_schedule = new QComboBox(this);
    m_schedule->setObjectName(QStringLiteral("checklistSchedule"));
    m_schedule->setAccessibleName(tr("Check again"));
    m_schedule->addItem(tr("Only when asked"), 0);
    m_schedule->addItem(tr("Every 5 minutes"), 5);
    m_schedule->addItem(tr("Every 15 minutes"), 15);
    m_schedule->addItem(tr("Every hour"), 60);
    m_schedule->addItem(tr("Every day"), 24 * 60);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (!isAuditing())
            runAudit();
    });
    connect(m_schedule, &QComboBox::currentIndexChanged, this, [this] {
        const int minutes = m_schedule->currentData().toInt();
        settings().setValue(settingsKey(m_target.id), minutes);
        setScheduleMinutes(minutes);
    });
    m_ageTimer = new QTimer(this);
    m_ageTimer->setInterval(30'000); // "3 min ago" stays true
    connect(m_ageTimer, &QTimer::timeout, this, &ChecklistPage::updateHeader);
    m_ageTimer->start();

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("checklistTree"));
    m_tree->setAccessibleName(tr("Checklist items and their checks"));
    m_tree->setHeaderLabels({tr("Item / check"), tr("Verdict"), tr("Found")});
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(FoundColumn, QHeaderView::Stretch);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &ChecklistPage::showDetails);

    auto* detailsBox = new QWidget(this);
    m_details = new QTextBrowser(detailsBox);
    m_details->setObjectName(QStringLiteral("checklistDetails"));
    m_details->setOpenLinks(false);
    m_fix = new QPushButton(tr("Fix in the deployment…"), detailsBox);
    m_fix->setObjectName(QStringLiteral("checklistFix"));
    m_fix->hide();
    connect(m_fix, &QPushButton::clicked, this, [this] {
        if (const CheckInfo* info = VmChecklist::info(selectedCheckId()))
            emit fixRequested(info->fixStep);
    });
    m_confirm = new QPushButton(detailsBox);
    m_confirm->setObjectName(QStringLiteral("checklistConfirm"));
    m_confirm->hide();
    connect(m_confirm, &QPushButton::clicked, this, &ChecklistPage::toggleConfirmation);
    auto* detailButtons = new QHBoxLayout;
    detailButtons->addWidget(m_fix);
    detailButtons->addWidget(m_confirm);
    detailButtons->addStretch(1);
    auto* detailsLayout = new QVBoxLayout(detailsBox);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(m_details, 1);
    detailsLayout->addLayout(detailButtons);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(detailsBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* top = new QHBoxLayout;
    top->addWidget(m_state, 1);
    top->addWidget(m_run);
    top->addWidget(m_save);
    auto* second = new QHBoxLayout;
    second->addWidget(m_when, 1);
    second->addWidget(new QLabel(tr("Check again:"), this));
    second->addWidget(m_schedule);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->addLayout(top);
    layout->addLayout(second);
    layout->addWidget(m_changes);
    layout->addWidget(split, 1);

    const int saved = settings().value(settingsKey(m_target.id), 0).toInt();
    const int index = m_schedule->findData(saved);
    m_schedule->setCurrentIndex(index < 0 ? 0 : index);
    setScheduleMinutes(m_schedule->currentData().toInt());
    updateHeader();
}

ChecklistPage::~ChecklistPage()
{
    if (m_cancel)
        m_cancel->cancel();
}

void ChecklistPage::setTarget(const Target& target)
{
    m_target = target;
}

void ChecklistPage::setScheduleMinutes(int minutes)
{
    if (minutes <= 0) {
        m_timer->stop();
    } else {
        m_timer->start(minutes * 60'000);
    }
    const int index = m_schedule->findData(minutes);
    if (index >= 0 && index != m_schedule->currentIndex()) {
        const QSignalBlocker block(m_schedule);
        m_schedule->setCurrentIndex(index);
    }
    updateHeader();
}

int ChecklistPage::scheduleMinutes() const
{
    return m_timer->isActive() ? m_timer->interval() / 60'000 : 0;
}

void ChecklistPage::load()
{
    const int generation = m_generation;
    runInBackground(
        this, [id = m_target.id] { return AuditStore::forProfile().audits(id); },
        [this, generation](const Result<QList<AuditReport>>& audits) {
            if (generation != m_generation || m_audit) // an audit ran meanwhile: it is newer
                return;
            if (!audits) {
                m_when->setText(audits.error().toString());
                return;
            }
            if (audits->isEmpty())
                return;
            show(audits->last(),
                 audits->size() > 1 ? std::optional<AuditReport>(audits->at(audits->size() - 2)) : std::nullopt);
        });
}

void ChecklistPage::runAudit()
{
    if (isAuditing())
        return;
    m_cancel = std::make_shared<CancelToken>();
    const int generation = ++m_generation;
    m_run->setText(tr("Stop"));
    m_state->setText(tr("Auditing %1…").arg(m_target.name));
    auto gate = std::make_shared<SessionGate>(m_factory);
    connect(this, &QObject::destroyed, this, [gate] { gate->close(); });
    runInBackground(
        this,
        [target = m_target, gate, cancel = m_cancel, extraCa = m_extraCa] {
            const AuditReport audit = VmChecklist::audit(target, SessionGate::factory(gate), extraCa, *cancel);
            if (cancel->isCancelled()) // stopped part-way: not an audit, neither kept nor shown
                return std::make_pair(std::optional<AuditReport>(), std::optional<AuditReport>());
            std::optional<AuditReport> previous = AuditStore::forProfile().latest(target.id);
            Result<AuditReport> kept = AuditStore::forProfile().add(audit);
            return std::make_pair(std::optional<AuditReport>(kept ? *kept : audit), previous);
        },
        [this, generation](const std::pair<std::optional<AuditReport>, std::optional<AuditReport>>& done) {
            if (generation != m_generation)
                return;
            m_cancel.reset();
            m_run->setText(tr("Run audit"));
            if (!done.first) { // stopped
                updateHeader();
                return;
            }
            ChecklistStates::instance().setAudit(*done.first);
            show(*done.first, done.second);
            emit auditFinished(*done.first);
        });
}

void ChecklistPage::show(const AuditReport& audit, const std::optional<AuditReport>& previous)
{
    const QString selected = selectedCheckId();
    m_audit = audit;
    m_previous = previous;
    m_save->setEnabled(true);
    m_tree->clear();
    QTreeWidgetItem* select = nullptr;
    QHash<QString, QTreeWidgetItem*> items;
    QHash<QString, QList<Verdict>> itemVerdicts;
    for (const QString& item : guideItems()) {
        for (const CheckResult& r : audit.results) {
            const CheckInfo* info = VmChecklist::info(r.id);
            if (!info || info->guideItem != item)
                continue;
            QTreeWidgetItem* parent = items.value(item);
            if (!parent) {
                parent = new QTreeWidgetItem(m_tree, {QStringLiteral("%1 — %2").arg(item, guideItemTitle(item))});
                QFont bold = parent->font(CheckColumn);
                bold.setBold(true);
                parent->setFont(CheckColumn, bold);
                items.insert(item, parent);
            }
            itemVerdicts[item] << r.verdict;
            auto* child = new QTreeWidgetItem(parent, {info->title, verdictText(r.verdict), r.summary});
            child->setData(CheckColumn, CheckIdRole, r.id);
            child->setIcon(VerdictColumn, ChecklistStates::dot(r.verdict));
            child->setToolTip(FoundColumn, r.summary);
            child->setForeground(VerdictColumn, ChecklistStates::colour(r.verdict));
            if (r.id == selected)
                select = child;
        }
    }
    for (auto it = items.begin(); it != items.end(); ++it) {
        const Verdict v = combinedVerdict(itemVerdicts.value(it.key()));
        it.value()->setText(VerdictColumn, verdictText(v));
        it.value()->setIcon(VerdictColumn, ChecklistStates::dot(v));
        it.value()->setForeground(VerdictColumn, ChecklistStates::colour(v));
        it.value()->setExpanded(v != Verdict::Pass); // what needs attention is open
    }
    m_tree->resizeColumnToContents(CheckColumn);
    m_tree->resizeColumnToContents(VerdictColumn);
    if (!select && m_tree->topLevelItemCount() > 0) {
        // The first check that failed, else the first one.
        for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
            if ((*it)->parent() && !select)
                select = *it;
            if ((*it)->parent() && (*it)->text(VerdictColumn) == verdictText(Verdict::Fail)) {
                select = *it;
                break;
            }
        }
    }
    if (select)
        m_tree->setCurrentItem(select);
    QStringList changed;
    if (previous) {
        for (const CheckChange& c : AuditStore::changes(*previous, audit)) {
            const CheckInfo* info = VmChecklist::info(c.checkId);
            changed << tr("%1: %2 → %3").arg(info ? info->title : c.checkId, verdictText(c.before), verdictText(c.now));
        }
    }
    m_changes->setText(
        previous ? (changed.isEmpty()
                        ? tr("Nothing changed since the audit before (%1).").arg(AuditStore::ago(previous->started))
                        : tr("Changed since the audit before (%1): %2")
                              .arg(AuditStore::ago(previous->started), changed.join(QStringLiteral("; "))))
                 : QString());
    m_changes->setVisible(previous.has_value());
    updateHeader();
    showDetails();
}

void ChecklistPage::updateHeader()
{
    const int minutes = m_schedule ? m_schedule->currentData().toInt() : 0;
    const QString schedule = minutes > 0 && m_timer && m_timer->isActive()
        ? tr(" · next in %1 min").arg(std::max(1, m_timer->remainingTime() / 60'000))
        : QString();
    if (isAuditing())
        return;
    if (!m_audit) {
        m_state->setText(tr("Not audited yet"));
        m_state->setStyleSheet({});
        m_when->setText(tr("Run an audit to see where this VM stands against the deployment guide's checklist.")
                        + schedule);
        return;
    }
    const AuditReport& a = *m_audit;
    const Verdict overall = a.overall();
    QString text;
    switch (overall) {
    case Verdict::Pass:
        text = tr("Safe: every check passed");
        break;
    case Verdict::Fail:
        text = tr("At risk: %1 of %2 checks failed").arg(a.count(Verdict::Fail)).arg(a.results.size());
        break;
    case Verdict::Unknown:
        text = tr("Not known: %1 checks could not tell").arg(a.count(Verdict::Unknown));
        break;
    case Verdict::Warning:
        text = tr("Passed, with warnings: %1").arg(a.count(Verdict::Warning));
        break;
    case Verdict::Manual:
        text = tr("Automatic checks passed; confirm what cannot be seen from here");
        break;
    }
    m_state->setText(text);
    m_state->setStyleSheet(QStringLiteral("color: %1;").arg(ChecklistStates::colour(overall).name()));
    m_when->setText(tr("Last checked %1 (%2 s, reaching %3)")
                        .arg(AuditStore::ago(a.started))
                        .arg(double(a.durationMs) / 1000.0, 0, 'f', 1)
                        .arg(a.address)
                    + (a.loginError ? tr(" · not reached over SSH: %1").arg(a.loginError->message) : QString())
                    + schedule);
}

QString ChecklistPage::selectedCheckId() const
{
    const QTreeWidgetItem* item = m_tree->currentItem();
    return item ? item->data(CheckColumn, CheckIdRole).toString() : QString();
}

void ChecklistPage::showDetails()
{
    const QString id = selectedCheckId();
    const CheckInfo* info = VmChecklist::info(id);
    const CheckResult* r = m_audit ? m_audit->result(id) : nullptr;
    if (!info || !r) {
        m_details->setHtml(tr("<p>Select a check to see what was found, the evidence and how to fix it.</p>"));
        m_fix->hide();
        m_confirm->hide();
        return;
    }
    auto esc = [](const QString& s) {
        return s.toHtmlEscaped();
    };
    QString html = QStringLiteral("<h3>%1</h3><p><b style=\"color:%2\">%3</b> — %4</p>")
                       .arg(esc(info->title), ChecklistStates::colour(r->verdict).name(), esc(verdictText(r->verdict)),
                            esc(r->summary));
    html += QStringLiteral("<p><i>%1</i> · %2 %3 · <code>%4</code></p>")
                .arg(esc(info->explanation), esc(tr("guide item")), esc(info->guideItem), esc(info->id));
    for (const Evidence& e : r->evidence)
        html += QStringLiteral("<p><b>%1</b></p><pre>%2</pre>").arg(esc(e.label), esc(e.text));
    if (r->verdict != Verdict::Pass)
        html += QStringLiteral("<p><b>%1</b> %2</p>").arg(esc(tr("How to fix:")), esc(info->remediation));
    m_details->setHtml(html);
    m_fix->setVisible(r->verdict != Verdict::Pass && !info->fixStep.isEmpty());
    const bool manual = id == QLatin1String("cloud.security-group");
    m_confirm->setVisible(manual);
    m_confirm->setText(r->verdict == Verdict::Manual ? tr("Mark as confirmed…") : tr("Withdraw confirmation"));
}

void ChecklistPage::toggleConfirmation()
{
    const QString id = selectedCheckId();
    const CheckResult* r = m_audit ? m_audit->result(id) : nullptr;
    if (!r)
        return;
    const bool confirm = r->verdict == Verdict::Manual;
    if (!confirm) {
        storeConfirmation(id, false);
        return;
    }
    MessageBox::ask(this, QMessageBox::Question, tr("Confirm the security group"),
                    tr("Did you check in the cloud console that %1's security group lets in only 80 and 443 (and SSH "
                       "from the admins' ranges), never 8080?")
                        .arg(m_target.name),
                    tr("Your user name and today's date are kept with the confirmation."),
                    QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
                    [this, id](QMessageBox::StandardButton answer) {
                        if (answer == QMessageBox::Yes)
                            storeConfirmation(id, true);
                    });
}

void ChecklistPage::storeConfirmation(const QString& id, bool confirm)
{
    runInBackground(
        this,
        [id = m_target.id, check = id, confirm]() -> Result<QList<AuditReport>> {
            if (Status s = AuditStore::forProfile().setConfirmed(id, check, confirm); !s)
                return s.error();
            return AuditStore::forProfile().audits(id);
        },
        [this](const Result<QList<AuditReport>>& audits) {
            if (!audits) {
                MessageBox::tell(this, QMessageBox::Warning, tr("Not saved"), audits.error().message,
                                 audits.error().detail);
                return;
            }
            if (!audits->isEmpty()) {
                ChecklistStates::instance().setAudit(audits->last());
                show(audits->last(), m_previous);
            }
        });
}

void ChecklistPage::saveReport()
{
    if (!m_audit)
        return;
    FileDialog::saveFile(
        this, tr("Save the checklist report"),
        QDir::homePath() + QStringLiteral("/%1-checklist.html").arg(m_target.name),
        tr("HTML report (*.html);;Markdown report (*.md)"), [this, audit = *m_audit](const QString& path) {
            runInBackground(
                this,
                [audit, path]() -> Status {
                    const QString text = path.endsWith(QLatin1String(".md"), Qt::CaseInsensitive)
                        ? AuditReport::toMarkdown({audit}, VmChecklist::catalog())
                        : AuditReport::toHtml({audit}, VmChecklist::catalog());
                    QSaveFile f(path);
                    if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0 || !f.commit())
                        return Error(ErrorKind::Io, tr("%1 cannot be written.").arg(path), f.errorString());
                    return {};
                },
                [this](const Status& saved) {
                    if (!saved)
                        MessageBox::tell(this, QMessageBox::Warning, tr("Report not saved"), saved.error().message,
                                         saved.error().detail);
                });
        });
}

} // namespace aio::ui
