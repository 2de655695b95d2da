#pragma once

#include "core/inventory/Target.h"

#include <QIcon>
#include <QList>
#include <QWidget>

#include <functional>

class QLabel;
class QTabWidget;

namespace aio {
class Inventory;
class SecretStore;
} // namespace aio

namespace aio::ui {

class ConnectionCheckBar;
class TargetPage;
class TargetSettingsView;

// A capability a target page can show as a tab (Deploy, Checklist, Logs, …). Areas register
// theirs once at start-up with TargetPage::registerCapability(); a page shows a tab only for the
// capabilities that apply to its target, so there are never empty "coming soon" tabs.
struct TargetCapability
{
    QString id; // stable, also the tab widget's objectName, e.g. "deployTab"
    QString title; // translated tab text
    QIcon icon;
    int order = 100; // tabs are sorted by order; the Settings tab is 0
    std::function<bool(const Target& target)> appliesTo; // empty: applies to every target
    // Builds the tab for page->target(); the tab follows page's targetChanged() signal.
    std::function<QWidget*(TargetPage* page)> create;
};

// The right-hand page for one target: a header (name, how it is reached) and a tab per capability,
// the first being its settings. The tab bar hides itself while Settings is the only tab.
class TargetPage : public QWidget
{
    Q_OBJECT

public:
    TargetPage(const Target& target, Inventory* inventory, SecretStore* secrets, QWidget* parent = nullptr);

    const Target& target() const { return m_target; }
    Inventory* inventory() const { return m_inventory; }
    SecretStore* secrets() const { return m_secrets; }
    QTabWidget* tabs() const { return m_tabs; }
    ConnectionCheckBar* connectionCheck() const { return m_connection; }

    // Updates the header and settings and tells the capability tabs.
    void setTarget(const Target& target);
    // Adds a tab by hand (registered capabilities are added by the constructor).
    int addCapabilityTab(QWidget* tab, const QIcon& icon, const QString& title);

    static void registerCapability(const TargetCapability& capability);
    static QList<TargetCapability> capabilities();

signals:
    void targetChanged(const aio::Target& target);

private:
    void updateHeader();

    Target m_target;
    Inventory* m_inventory = nullptr;
    SecretStore* m_secrets = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_subtitle = nullptr;
    QTabWidget* m_tabs = nullptr;
    TargetSettingsView* m_settings = nullptr;
    ConnectionCheckBar* m_connection = nullptr;
};

} // namespace aio::ui
