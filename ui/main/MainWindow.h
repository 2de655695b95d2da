#pragma once

#include "core/inventory/ImportResult.h"
#include "core/inventory/Target.h"

#include <QHash>
#include <QMainWindow>
#include <QSet>
#include <QUuid>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QStackedWidget;
class QTreeView;

namespace aio {
class Inventory;
class SecretStore;
} // namespace aio

namespace aio::ui {

class BulkPage;
class KeychainBanner;
class TargetFilterModel;
class MessageBanner;
class TargetPage;
class TargetTreeModel;

// The app's window: targets in a sidebar of group folders (search, kind and tag filters, several
// can be selected and dragged into a group), a page for the selected target, the
// actions that add, edit, duplicate, remove and import targets, and banners for lasting problems
// (an inventory file that cannot be read, no keychain). Window geometry and the splitter are kept
// in the QSettings file given (in the profile's config folder).
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(Inventory* inventory, SecretStore* secrets, const QString& settingsPath, QWidget* parent = nullptr);
    ~MainWindow() override;

    // The window's size on first start (no saved geometry) on a screen with that available area.
    static QSize firstStartSize(const QSize& available);

    // The id of the selected target, null when none or several are selected.
    QUuid selectedTargetId() const;
    // Every target selected: those picked, and those shown under a picked folder (sidebar order).
    QList<Target> selectedTargets() const;
    bool selectTarget(const QUuid& id);
    // Selects these targets (those still there); false when none is.
    bool selectTargets(const QList<QUuid>& ids);
    // Selects a group's folder (its targets show on the bulk page); false when there is none.
    bool selectGroup(const QString& group);
    BulkPage* bulkPage() const { return m_bulkPage; }
    // The page of the target shown now, or nullptr.
    TargetPage* currentTargetPage() const;

public slots:
    void addVm();
    void addCluster();
    void editSelected();
    void duplicateSelected();
    void removeSelected();
    void importSshConfig();
    void importKubeconfig();
    // Moves the selected targets to group ("" takes them out of any group).
    void moveSelectedToGroup(const QString& group);
    void changeTagsOfSelected(const QStringList& add, const QStringList& remove);
    void renameGroup(const QString& from, const QString& to);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenusAndToolBar();
    QWidget* createEmptyState();
    void openTargetDialog(int mode, const Target& target);
    void importFrom(const QString& path, bool kubeconfig);
    void showImportResult(const QString& path, const Result<ImportResult>& result);
    void storeSecrets(const Target& target, std::optional<SshAuthMethod> previousAuth, const QString& password,
                      const QString& passphrase);
    void onInventoryRebuilt();
    void onSelectionChanged();
    void onTargetRemoved(const QUuid& id);
    void updateActions();
    void updateStatus();
    void showReadOnlyBanner();
    void askGroupForSelected();
    void askTagsForSelected();
    void askRenameGroup();
    void updateTagFilter();
    void restoreWindowState();
    void saveWindowState();

    Inventory* m_inventory = nullptr;
    SecretStore* m_secrets = nullptr;
    QString m_settingsPath;
    TargetTreeModel* m_model = nullptr;

    QStackedWidget* m_central = nullptr; // empty state or the splitter
    QWidget* m_emptyState = nullptr;
    QLabel* m_emptyStateTitle = nullptr;
    QLabel* m_emptyStateText = nullptr;
    QSplitter* m_splitter = nullptr;
    QTreeView* m_tree = nullptr;
    QStackedWidget* m_pages = nullptr;
    QWidget* m_noSelection = nullptr;
    QHash<QUuid, TargetPage*> m_targetPages;
    MessageBanner* m_inventoryBanner = nullptr;
    KeychainBanner* m_keychainBanner = nullptr;
    TargetFilterModel* m_filter = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_kindFilter = nullptr;
    QComboBox* m_tagFilter = nullptr;
    BulkPage* m_bulkPage = nullptr;
    QSet<QString> m_collapsedGroups; // folders the admin closed stay closed across rebuilds
    QLabel* m_statusCount = nullptr;
    QLabel* m_statusFile = nullptr;
    QUuid m_wantedSelection; // select this one after the next rebuild
    QUuid m_currentId; // the selection before a rebuild
    QList<QUuid> m_currentIds; // or the targets picked
    QString m_currentGroup; // or the one folder picked

    QAction* m_addVm = nullptr;
    QAction* m_addCluster = nullptr;
    QAction* m_edit = nullptr;
    QAction* m_duplicate = nullptr;
    QAction* m_remove = nullptr;
    QAction* m_moveToGroup = nullptr;
    QAction* m_editTags = nullptr;
    QAction* m_renameGroup = nullptr;
    QAction* m_importSsh = nullptr;
    QAction* m_importKube = nullptr;
    QAction* m_quit = nullptr;
    QAction* m_about = nullptr;
};

} // namespace aio::ui
