#include "ui/targets/TargetPage.h"

#include "ui/targets/ConnectionCheckBar.h"
#include "ui/targets/TargetSettingsView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace aio::ui {

namespace {
QList<TargetCapability>& registry()
{
    static QList<TargetCapability> list;
    return list;
}
} // namespace

void TargetPage::registerCapability(const TargetCapability& capability)
{
    auto& list = registry();
    list.erase(
        std::remove_if(list.begin(), list.end(), [&](const TargetCapability& c) { return c.id == capability.id; }),
        list.end());
    list.append(capability);
    std::stable_sort(list.begin(), list.end(),
                     [](const TargetCapability& a, const TargetCapability& b) { return a.order < b.order; });
}

QList<TargetCapability> TargetPage::capabilities()
{
    return registry();
}

TargetPage::TargetPage(const Target& target, Inventory* inventory, SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_target(target)
    , m_inventory(inventory)
    , m_secrets(secrets)
    , m_title(new QLabel(this))
    , m_subtitle(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_settings(new TargetSettingsView(this))
    , m_connection(new ConnectionCheckBar(secrets, this))
{
    setObjectName(QStringLiteral("targetPage"));
    m_title->setObjectName(QStringLiteral("targetPageTitle"));
    m_subtitle->setObjectName(QStringLiteral("targetPageSubtitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setTextFormat(Qt::PlainText);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette dim = m_subtitle->palette();
    dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
    m_subtitle->setPalette(dim);

    m_tabs->setObjectName(QStringLiteral("targetTabs"));
    m_tabs->setAccessibleName(tr("Target pages"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabBarAutoHide(true);
    m_settings->setObjectName(QStringLiteral("settingsTab"));
    m_tabs->addTab(m_settings, tr("Settings"));

    auto* titles = new QVBoxLayout;
    titles->setSpacing(4);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    m_connection->setMaximumWidth(640);
    auto* header = new QHBoxLayout;
    header->addLayout(titles, 1);
    header->addWidget(m_connection, 1, Qt::AlignBottom);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 12);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addSpacing(12);
    layout->addWidget(m_tabs, 1);

    for (const TargetCapability& capability : registry()) {
        if (capability.appliesTo && !capability.appliesTo(m_target))
            continue;
        if (!capability.create)
            continue;
        QWidget* tab = capability.create(this);
        if (!tab)
            continue;
        tab->setObjectName(capability.id);
        addCapabilityTab(tab, capability.icon, capability.title);
    }
    setTarget(target);
}

void TargetPage::setTarget(const Target& target)
{
    m_target = target;
    updateHeader();
    m_settings->setTarget(target);
    m_connection->setTarget(target);
    m_connection->setVisible(target.isVm());
    emit targetChanged(target);
}

int TargetPage::addCapabilityTab(QWidget* tab, const QIcon& icon, const QString& title)
{
    if (tab->accessibleName().isEmpty())
        tab->setAccessibleName(title);
    return m_tabs->addTab(tab, icon, title);
}

void TargetPage::updateHeader()
{
    m_title->setText(m_target.name);
    setAccessibleName(tr("Target %1").arg(m_target.name));
    if (m_target.isVm()) {
        m_subtitle->setText(tr("Virtual machine · %1").arg(m_target.address()));
    } else {
        const QString context = m_target.cluster.context.isEmpty() ? tr("current context") : m_target.cluster.context;
        m_subtitle->setText(tr("Kubernetes cluster · %1").arg(context));
    }
}

} // namespace aio::ui
