#include "ui/targets/BulkPage.h"

#include "core/ssh/ConnectionCheck.h"
#include "core/ssh/SshSession.h"
#include "ui/checklist/FleetChecklist.h"
#include "ui/ssh/SessionGate.h"
#include "ui/ssh/SshHostFactory.h"
#include "ui/widgets/Background.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <mutex>
#include <shared_mutex>

namespace aio::ui {

namespace {
enum BulkColumn { NameColumn, AddressColumn, GroupColumn, TagsColumn, ResultColumn };
}

BulkPage::BulkPage(SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_factory(new SshHostFactory(secrets, this))
    , m_gate(std::make_shared<SessionGate>(m_factory))
{
    setObjectName(QStringLiteral("bulkPage"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("bulkTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_title->setFont(big);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("bulkSummary"));
    m_summary->setWordWrap(true);

    m_check = new QPushButton(tr("Check connection"), this);
    m_check->setObjectName(QStringLiteral("bulkCheck"));
    m_check->setToolTip(tr("Log in to each VM the way a deployment does, %1 at a time, and show who you are "
                           "there, its system and whether root commands work.")
                            .arg(ConnectionCheck::defaultJobs));
    connect(m_check, &QPushButton::clicked, this, [this] { isChecking() ? stopCheck() : startCheck(); });

    m_buttons = new QWidget(this);
    auto* buttons = new QHBoxLayout(m_buttons);
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_check);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("bulkTargets"));
    m_list->setAccessibleName(tr("Selected targets"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setHeaderLabels({tr("Name"), tr("Reached at"), tr("Group"), tr("Tags"), tr("Connection")});
    m_list->header()->setSectionResizeMode(ResultColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(true);

    m_fleet = new FleetChecklist(m_gate, this);
    auto* fleetTitle = new QLabel(tr("Security checklist"), this);
    QFont bold = fleetTitle->font();
    bold.setBold(true);
    fleetTitle->setFont(bold);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(8);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_buttons);
    layout->addWidget(m_list, 1);
    layout->addWidget(fleetTitle);
    layout->addWidget(m_fleet, 1);
}

BulkPage::~BulkPage()
{
    if (m_cancel)
        m_cancel->cancel();
    m_gate->close();
}

void BulkPage::addActionButtons(const QList<QAction*>& actions)
{
    auto* layout = static_cast<QHBoxLayout*>(m_buttons->layout());
    for (QAction* action : actions) {
        auto* button = new QPushButton(action->icon(), action->text().remove(QLatin1Char('&')), m_buttons);
        button->setObjectName(QStringLiteral("bulk_") + action->objectName());
        button->setToolTip(action->toolTip());
        button->setEnabled(action->isEnabled());
        connect(button, &QPushButton::clicked, action, &QAction::trigger);
        connect(action, &QAction::enabledChanged, button, &QPushButton::setEnabled);
        layout->addWidget(button);
    }
    layout->addStretch(1);
}

void BulkPage::setTargets(const QString& title, const QList<Target>& targets)
{
    QHash<QUuid, QString> results;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_list->topLevelItem(i);
        results.insert(item->data(NameColumn, Qt::UserRole).toUuid(), item->text(ResultColumn));
    }
    bool same = targets.size() == m_targets.size();
    for (qsizetype i = 0; same && i < targets.size(); ++i)
        same = targets.at(i).id == m_targets.at(i).id;
    if (!same)
        stopCheck();
    m_targets = targets;
    m_title->setText(title);
    int vms = 0;
    for (const Target& t : targets)
        vms += t.isVm() ? 1 : 0;
    m_summary->setText(tr("Targets: %1 (virtual machines: %2, Kubernetes clusters: %3). Select one target to see "
                          "its settings, or act on all of them here.")
                           .arg(targets.size())
                           .arg(vms)
                           .arg(targets.size() - vms));
    m_list->clear();
    QList<QTreeWidgetItem*> items;
    items.reserve(targets.size());
    for (const Target& t : targets) {
        auto* item = new QTreeWidgetItem({t.name, t.isVm() ? t.address() : t.cluster.context, t.group,
                                          t.tags.join(QStringLiteral(", ")), results.value(t.id)});
        item->setData(NameColumn, Qt::UserRole, t.id);
        items.append(item);
    }
    m_list->addTopLevelItems(items);
    m_list->resizeColumnToContents(NameColumn);
    m_list->resizeColumnToContents(AddressColumn);
    m_check->setEnabled(vms > 0);
    m_fleet->setTargets(targets);
}

QString BulkPage::resultText(const QUuid& id) const
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        if (m_list->topLevelItem(i)->data(NameColumn, Qt::UserRole).toUuid() == id)
            return m_list->topLevelItem(i)->text(ResultColumn);
    }
    return {};
}

void BulkPage::startCheck()
{
    if (m_cancel || m_targets.isEmpty())
        return;
    m_cancel = std::make_shared<CancelToken>();
    m_reached = m_failed = 0;
    const int generation = ++m_generation;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        m_list->topLevelItem(i)->setText(ResultColumn, tr("waiting…"));
        m_list->topLevelItem(i)->setToolTip(ResultColumn, {});
    }
    m_check->setText(tr("Stop"));
    QPointer<BulkPage> page(this);
    runInBackground(
        this,
        [targets = m_targets, gate = m_gate, cancel = m_cancel, page, generation] {
            ConnectionCheck::runMany(targets, SessionGate::factory(gate), ConnectionCheck::defaultJobs, *cancel,
                                     [&](int index, const Result<ConnectionReport>& result) {
                                         gate->whileOpen([&] { // the page is still there (it closes the gate first)
                                             QMetaObject::invokeMethod(
                                                 page.data(),
                                                 [page, generation, index, result] {
                                                     if (page)
                                                         page->showResult(generation, index, result);
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
            m_check->setText(tr("Check connection"));
            emit checkFinished(m_reached, m_failed);
        });
}

void BulkPage::stopCheck()
{
    if (!m_cancel)
        return;
    m_cancel->cancel();
    m_cancel.reset();
    ++m_generation;
    m_check->setText(tr("Check connection"));
}

void BulkPage::showResult(int generation, int index, const Result<ConnectionReport>& result)
{
    if (generation != m_generation || index >= m_list->topLevelItemCount())
        return;
    QTreeWidgetItem* item = m_list->topLevelItem(index);
    if (result) {
        ++m_reached;
        item->setText(
            ResultColumn,
            tr("✓ %1 · %2 · %3 · %4 ms").arg(result->user, result->os, result->sudoText()).arg(result->roundTripMs));
        item->setToolTip(ResultColumn, result->lines().join(QLatin1Char('\n')));
    } else if (!m_targets.value(index).isVm()) {
        item->setText(ResultColumn, tr("– a cluster; not reached over SSH")); // not a failed login
    } else {
        ++m_failed;
        item->setText(ResultColumn, QStringLiteral("✗ ") + result.error().message);
        item->setToolTip(ResultColumn, result.error().nextStep);
    }
}

} // namespace aio::ui
