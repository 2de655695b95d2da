#include "ui/checklist/FleetChecklist.h"

#include "core/checklist/AuditStore.h"
#include "core/checklist/VmChecklist.h"
#include "ui/checklist/ChecklistStates.h"
#include "ui/ssh/SessionGate.h"
#include "ui/widgets/Background.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace aio::ui {

namespace {
enum { NameColumn, OverallColumn, FirstItemColumn };
}

QStringList FleetChecklist::itemColumns()
{
    QStringList items;
    for (const QString& item : guideItems()) {
        for (const CheckInfo& c : VmChecklist::catalog()) {
            if (c.guideItem == item) {
                items << item;
                break;
            }
        }
    }
    return items;
}

FleetChecklist::FleetChecklist(std::shared_ptr<SessionGate> gate, QWidget* parent)
    : QWidget(parent)
    , m_gate(std::move(gate))
{
    setObjectName(QStringLiteral("fleetChecklist"));
    m_audit = new QPushButton(tr("Audit all"), this);
    m_audit->setObjectName(QStringLiteral("fleetAudit"));
    m_audit->setToolTip(tr("Audit every VM listed against the deployment guide's checklist, %1 at a time. Changes "
                           "nothing.")
                            .arg(kJobs));
    connect(m_audit, &QPushButton::clicked, this, [this] { isAuditing() ? stopAudit() : startAudit(); });
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("fleetProgress"));
    m_progress->hide();
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("fleetSummary"));

    const QStringList items = itemColumns();
    m_table = new QTableWidget(0, FirstItemColumn + int(items.size()) + 1, this);
    m_table->setObjectName(QStringLiteral("fleetTable"));
    m_table->setAccessibleName(tr("Checklist of the selected targets"));
    QStringList headers{tr("Target"), tr("Overall")};
    headers << items << tr("Checked");
    m_table->setHorizontalHeaderLabels(headers);
    for (int i = 0; i < items.size(); ++i)
        m_table->horizontalHeaderItem(FirstItemColumn + i)->setToolTip(guideItemTitle(items.at(i)));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto* top = new QHBoxLayout;
    top->addWidget(m_audit);
    top->addWidget(m_progress, 1);
    top->addWidget(m_summary, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);

    connect(&ChecklistStates::instance(), &ChecklistStates::changed, this, [this](const QUuid& id) {
        for (int row = 0; row < m_targets.size(); ++row) {
            if (m_targets.at(row).id == id)
                fillRow(row);
        }
    });
}

FleetChecklist::~FleetChecklist()
{
    if (m_cancel)
        m_cancel->cancel();
}

void FleetChecklist::setTargets(const QList<Target>& targets)
{
    QList<QUuid> before, now;
    for (const Target& t : std::as_const(m_targets))
        before << t.id;
    for (const Target& t : targets)
        now << t.id;
    if (isAuditing() && before != now)
        stopAudit();
    m_targets = targets;
    m_table->setRowCount(int(targets.size()));
    int vms = 0;
    for (int row = 0; row < targets.size(); ++row) {
        fillRow(row);
        vms += targets.at(row).isVm() ? 1 : 0;
    }
    m_audit->setEnabled(vms > 0);
}

void FleetChecklist::fillRow(int row)
{
    const Target& t = m_targets.at(row);
    auto cell = [&](int column, const QString& text, const QString& tip = {}) {
        auto* item = new QTableWidgetItem(text);
        item->setToolTip(tip);
        m_table->setItem(row, column, item);
        return item;
    };
    cell(NameColumn, t.name);
    const QStringList items = itemColumns();
    if (!t.isVm()) {
        cell(OverallColumn, tr("a cluster: comes with the Kubernetes checks"));
        return;
    }
    const std::optional<ChecklistStates::State> s = ChecklistStates::instance().state(t.id);
    if (!s) {
        cell(OverallColumn, tr("not audited"));
        for (int i = 0; i < items.size(); ++i)
            cell(FirstItemColumn + i, QString());
        cell(FirstItemColumn + int(items.size()), QString());
        return;
    }
    QTableWidgetItem* overall = cell(OverallColumn, verdictText(s->overall), ChecklistStates::describe(*s));
    overall->setIcon(ChecklistStates::dot(s->overall));
    overall->setForeground(ChecklistStates::colour(s->overall));
    for (int i = 0; i < items.size(); ++i) {
        const auto it = s->items.constFind(items.at(i));
        if (it == s->items.constEnd()) {
            cell(FirstItemColumn + i, QString());
            continue;
        }
        QTableWidgetItem* c
            = cell(FirstItemColumn + i, QString(),
                   QStringLiteral("%1 %2: %3").arg(items.at(i), guideItemTitle(items.at(i)), verdictText(*it)));
        c->setIcon(ChecklistStates::dot(*it));
        c->setData(Qt::UserRole, verdictKey(*it));
    }
    cell(FirstItemColumn + int(items.size()), AuditStore::ago(s->when));
}

void FleetChecklist::startAudit()
{
    QList<Target> vms;
    for (const Target& t : std::as_const(m_targets)) {
        if (t.isVm())
            vms << t;
    }
    if (vms.isEmpty() || isAuditing())
        return;
    m_cancel = std::make_shared<CancelToken>();
    const int generation = ++m_generation;
    m_done = 0;
    m_failing = 0;
    m_progress->setRange(0, int(vms.size()));
    m_progress->setValue(0);
    m_progress->show();
    m_audit->setText(tr("Stop"));
    m_summary->setText(tr("Auditing %1 VMs, %2 at a time…").arg(vms.size()).arg(kJobs));
    QPointer<FleetChecklist> self(this);
    runInBackground(
        this,
        [vms, gate = m_gate, cancel = m_cancel, self, generation] {
            VmChecklist::auditMany(vms, SessionGate::factory(gate), kJobs, *cancel, [&](int, const AuditReport& audit) {
                if (cancel->isCancelled())
                    return; // stopped: not kept
                Result<AuditReport> kept = AuditStore::forProfile().add(audit);
                const AuditReport shown = kept ? *kept : audit;
                gate->whileOpen([&] {
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, generation, shown] {
                            if (!self || generation != self->m_generation)
                                return;
                            ChecklistStates::instance().setAudit(shown);
                            ++self->m_done;
                            self->m_failing += shown.overall() == Verdict::Fail ? 1 : 0;
                            self->m_progress->setValue(self->m_done);
                        },
                        Qt::QueuedConnection);
                });
            });
            return 0;
        },
        [this, generation](int) {
            if (generation != m_generation)
                return;
            m_cancel.reset();
            m_progress->hide();
            m_audit->setText(tr("Audit all"));
            m_summary->setText(tr("Audited: %1. At risk (a check failed): %2.").arg(m_done).arg(m_failing));
            emit auditFinished(m_done, m_failing);
        });
}

void FleetChecklist::stopAudit()
{
    if (!m_cancel)
        return;
    m_cancel->cancel();
    m_cancel.reset();
    ++m_generation;
    m_progress->hide();
    m_audit->setText(tr("Audit all"));
    m_summary->setText(tr("Stopped: %1 audited.").arg(m_done));
}

} // namespace aio::ui
