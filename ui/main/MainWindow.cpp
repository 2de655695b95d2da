#include "ui/main/MainWindow.h"

#include "core/checklist/AuditStore.h"
#include "ui/checklist/ChecklistStates.h"

#include "core/common/Profile.h"
#include "core/deploy/vm/VmDeploymentSetup.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/KubeconfigImporter.h"
#include "core/inventory/SecretStore.h"
#include "core/inventory/SshConfigImporter.h"
#include "ui/main/KeychainBanner.h"
#include "ui/main/TargetFilterModel.h"
#include "ui/main/TargetTreeModel.h"
#include "ui/targets/BulkPage.h"
#include "ui/targets/ImportResultDialog.h"
#include "ui/targets/TargetDialog.h"
#include "ui/targets/TargetPage.h"
#include "ui/widgets/Background.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MessageBox.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPointer>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <functional>

namespace aio::ui {

namespace {
QIcon themed(const char* name, QStyle::StandardPixmap fallback)
{
    const QIcon resource(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
    if (!resource.pixmap(16).isNull())
        return resource;
    return QApplication::style()->standardIcon(fallback);
}

QAction* makeAction(QObject* parent, const QString& objectName, const QString& text, const QIcon& icon,
                    const QString& toolTip)
{
    auto* action = new QAction(icon, text, parent);
    action->setObjectName(objectName);
    action->setToolTip(toolTip);
    action->setStatusTip(toolTip);
    return action;
}
} // namespace

MainWindow::MainWindow(Inventory* inventory, SecretStore* secrets, const QString& settingsPath, QWidget* parent)
    : QMainWindow(parent)
    , m_inventory(inventory)
    , m_secrets(secrets)
    , m_settingsPath(settingsPath)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("AIO Sandbox Manager"));
    setAccessibleName(windowTitle());
    setWindowIcon(themed("app", QStyle::SP_ComputerIcon));

    createActions();
    createMenusAndToolBar();

    m_model = new TargetTreeModel(m_inventory, this);

    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("targetTree"));
    m_tree->setAccessibleName(tr("Targets"));
    m_filter = new TargetFilterModel(this);
    m_filter->setSourceModel(m_model);
    m_tree->setModel(m_filter);
    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setItemsExpandable(true);
    m_tree->setExpandsOnDoubleClick(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setIndentation(14);
    // Several targets (Ctrl/Shift+click) or a group's folder: the bulk page acts on all of them.
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Dragging targets onto a folder puts them in that group (the model makes the change).
    m_tree->setDragEnabled(true);
    m_tree->setAcceptDrops(true);
    m_tree->setDropIndicatorShown(true);
    m_tree->setDragDropMode(QAbstractItemView::DragDrop);
    m_tree->setDefaultDropAction(Qt::MoveAction);
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* separator = new QAction(this);
    separator->setSeparator(true);
    m_tree->addActions({m_edit, m_duplicate, m_moveToGroup, m_editTags, m_renameGroup, separator, m_remove});
    connect(m_tree, &QTreeView::collapsed, this, [this](const QModelIndex& index) {
        m_collapsedGroups.insert(TargetTreeModel::groupAt(index).toCaseFolded());
    });
    connect(m_tree, &QTreeView::expanded, this, [this](const QModelIndex& index) {
        m_collapsedGroups.remove(TargetTreeModel::groupAt(index).toCaseFolded());
    });
    m_tree->setMinimumWidth(200);
    connect(m_tree, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        if (!TargetTreeModel::idAt(index).isNull() && m_edit->isEnabled())
            editSelected();
    });

    m_noSelection = new QLabel(tr("Select a target on the left to see its settings."), this);
    m_noSelection->setObjectName(QStringLiteral("noSelection"));
    static_cast<QLabel*>(m_noSelection)->setAlignment(Qt::AlignCenter);
    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(QStringLiteral("targetPages"));
    m_pages->addWidget(m_noSelection);
    m_bulkPage = new BulkPage(m_secrets, m_pages);
    m_bulkPage->addActionButtons({m_moveToGroup, m_editTags, m_remove});
    m_pages->addWidget(m_bulkPage);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->setChildrenCollapsible(false);
    // The search over the sidebar: as you type, by name, address or user; Enter opens the first match.
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("targetSearch"));
    m_search->setAccessibleName(tr("Search targets"));
    m_search->setPlaceholderText(tr("Search name, address, group, tag (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    auto* find = new QAction(tr("Search targets"), this);
    find->setObjectName(QStringLiteral("actionFindTarget"));
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    addAction(find);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filter->setSearchText(text);
        m_tree->expandAll();
        updateStatus();
        // A selected group acts on what is shown of it.
        if (m_pages->currentWidget() == m_bulkPage)
            onSelectionChanged();
    });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (const QModelIndex first = m_filter->firstTarget(); first.isValid()) {
            m_tree->selectionModel()->setCurrentIndex(first, QItemSelectionModel::ClearAndSelect);
            m_tree->setFocus();
        }
    });
    // Filters by kind and by tag, next to the search.
    m_kindFilter = new QComboBox(this);
    m_kindFilter->setObjectName(QStringLiteral("kindFilter"));
    m_kindFilter->setAccessibleName(tr("Show targets of kind"));
    m_kindFilter->addItem(tr("All kinds"), -1);
    m_kindFilter->addItem(TargetTreeModel::iconFor(TargetKind::Vm), tr("VMs"), int(TargetKind::Vm));
    m_kindFilter->addItem(TargetTreeModel::iconFor(TargetKind::Cluster), tr("Clusters"), int(TargetKind::Cluster));
    connect(m_kindFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int kind = m_kindFilter->currentData().toInt();
        m_filter->setKind(kind < 0 ? std::nullopt : std::optional(TargetKind(kind)));
        m_tree->expandAll();
        updateStatus();
        // A selected group acts on what is shown of it.
        if (m_pages->currentWidget() == m_bulkPage)
            onSelectionChanged();
    });
    m_tagFilter = new QComboBox(this);
    m_tagFilter->setObjectName(QStringLiteral("tagFilter"));
    m_tagFilter->setAccessibleName(tr("Show targets with tag"));
    m_tagFilter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_tagFilter->setMinimumContentsLength(8);
    connect(m_tagFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setTag(m_tagFilter->currentData().toString());
        m_tree->expandAll();
        updateStatus();
        // A selected group acts on what is shown of it.
        if (m_pages->currentWidget() == m_bulkPage)
            onSelectionChanged();
    });
    auto* filters = new QHBoxLayout;
    filters->setContentsMargins(0, 0, 0, 0);
    filters->setSpacing(4);
    filters->addWidget(m_kindFilter, 1);
    filters->addWidget(m_tagFilter, 1);
    auto* sidebar = new QWidget(this);
    sidebar->setObjectName(QStringLiteral("sidebar"));
    auto* sidebarLayout = new QVBoxLayout(sidebar);
    sidebarLayout->setContentsMargins(0, 0, 0, 0);
    sidebarLayout->setSpacing(4);
    sidebarLayout->addWidget(m_search);
    sidebarLayout->addLayout(filters);
    sidebarLayout->addWidget(m_tree, 1);
    m_splitter->addWidget(sidebar);
    m_splitter->addWidget(m_pages);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({260, 900});

    m_emptyState = createEmptyState();
    auto* splitterHolder = new QWidget(this);
    splitterHolder->setObjectName(QStringLiteral("splitterHolder"));
    auto* holderLayout = new QVBoxLayout(splitterHolder);
    holderLayout->setContentsMargins(8, 8, 0, 0);
    holderLayout->addWidget(m_splitter);
    m_central = new QStackedWidget(this);
    m_central->setObjectName(QStringLiteral("centralStack"));
    m_central->addWidget(m_emptyState);
    m_central->addWidget(splitterHolder);

    m_inventoryBanner = new MessageBanner(this);
    m_inventoryBanner->setObjectName(QStringLiteral("inventoryBanner"));
    // The keyring may be asking the admin for its password in a window of its own: a keychain call
    // waits as long as that takes, while the banner says so and offers to stop waiting.
    SecretStore::setBlockingTimeout(10 * 60 * 1000);
    // Quitting never waits for an open keyring prompt: calls still waiting end at once.
    connect(qApp, &QCoreApplication::aboutToQuit, this,
            [] { SecretStore::keepInMemoryOnly(tr("the app is quitting")); });
    m_keychainBanner = new KeychainBanner(m_secrets, this);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* banners = new QVBoxLayout;
    banners->setContentsMargins(8, 8, 8, 0);
    banners->setSpacing(6);
    banners->addWidget(m_inventoryBanner);
    banners->addWidget(m_keychainBanner);
    layout->addLayout(banners);
    layout->addWidget(m_central, 1);
    setCentralWidget(central);

    m_statusCount = new QLabel(this);
    m_statusCount->setObjectName(QStringLiteral("statusCount"));
    m_statusFile = new QLabel(this);
    m_statusFile->setObjectName(QStringLiteral("statusFile"));
    m_statusFile->setTextFormat(Qt::PlainText);
    statusBar()->addWidget(m_statusCount);
    statusBar()->addPermanentWidget(m_statusFile);
    statusBar()->setObjectName(QStringLiteral("statusBar"));

    connect(m_model, &TargetTreeModel::rebuilt, this, &MainWindow::onInventoryRebuilt);
    connect(m_model, &TargetTreeModel::moveFailed, this, [this](const Error& error) {
        MessageBox::tell(this, QMessageBox::Warning, tr("Move to group"), tr("The targets were not moved."),
                         error.toString());
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::onSelectionChanged);
    connect(m_secrets, &SecretStore::keychainUnavailable, m_keychainBanner, &KeychainBanner::showUnavailable);
    onInventoryRebuilt(); // and the read-only banner, when the file could not be read
    restoreWindowState();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_addVm = makeAction(this, QStringLiteral("actionAddVm"), tr("Add &VM…"), themed("add-vm", QStyle::SP_ComputerIcon),
                         tr("Add a virtual machine reached over SSH"));
    m_addVm->setShortcut(QKeySequence::New);
    m_addCluster = makeAction(this, QStringLiteral("actionAddCluster"), tr("Add &cluster…"),
                              themed("add-cluster", QStyle::SP_DriveNetIcon), tr("Add a Kubernetes cluster"));
    m_edit = makeAction(this, QStringLiteral("actionEdit"), tr("&Edit…"),
                        themed("edit", QStyle::SP_FileDialogDetailedView), tr("Edit the selected target"));
    m_edit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_duplicate = makeAction(this, QStringLiteral("actionDuplicate"), tr("&Duplicate"),
                             themed("duplicate", QStyle::SP_FileDialogNewFolder), tr("Copy the selected target"));
    m_duplicate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_remove = makeAction(this, QStringLiteral("actionRemove"), tr("&Remove…"), themed("remove", QStyle::SP_TrashIcon),
                          tr("Remove the selected targets"));
    m_remove->setShortcut(QKeySequence::Delete);
    m_moveToGroup = makeAction(this, QStringLiteral("actionMoveToGroup"), tr("Move to &group…"),
                               QApplication::style()->standardIcon(QStyle::SP_DirIcon),
                               tr("Put the selected targets in a group (or drag them onto a folder)"));
    m_moveToGroup->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    m_editTags = makeAction(this, QStringLiteral("actionEditTags"), tr("&Tags…"), QIcon(),
                            tr("Add or remove tags on the selected targets"));
    m_editTags->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_renameGroup = makeAction(this, QStringLiteral("actionRenameGroup"), tr("Re&name group…"), QIcon(),
                               tr("Rename the selected group"));
    m_importSsh = makeAction(this, QStringLiteral("actionImportSshConfig"), tr("Import from &SSH config…"),
                             themed("import", QStyle::SP_DialogOpenButton),
                             tr("Add virtual machines from the Host entries of an OpenSSH config file"));
    m_importKube = makeAction(this, QStringLiteral("actionImportKubeconfig"), tr("Import &kubeconfig…"),
                              themed("import", QStyle::SP_DialogOpenButton),
                              tr("Add Kubernetes clusters from the contexts of a kubeconfig file"));
    m_quit = makeAction(this, QStringLiteral("actionQuit"), tr("&Quit"), QIcon(), tr("Quit the app"));
    m_quit->setShortcut(QKeySequence::Quit);
    m_about = makeAction(this, QStringLiteral("actionAbout"), tr("&About AIO Sandbox Manager"), QIcon(),
                         tr("Version and licence"));

    connect(m_addVm, &QAction::triggered, this, &MainWindow::addVm);
    connect(m_addCluster, &QAction::triggered, this, &MainWindow::addCluster);
    connect(m_edit, &QAction::triggered, this, &MainWindow::editSelected);
    connect(m_duplicate, &QAction::triggered, this, &MainWindow::duplicateSelected);
    connect(m_remove, &QAction::triggered, this, &MainWindow::removeSelected);
    connect(m_moveToGroup, &QAction::triggered, this, &MainWindow::askGroupForSelected);
    connect(m_editTags, &QAction::triggered, this, &MainWindow::askTagsForSelected);
    connect(m_renameGroup, &QAction::triggered, this, &MainWindow::askRenameGroup);
    connect(m_importSsh, &QAction::triggered, this, &MainWindow::importSshConfig);
    connect(m_importKube, &QAction::triggered, this, &MainWindow::importKubeconfig);
    connect(m_quit, &QAction::triggered, this, &QWidget::close);
    connect(m_about, &QAction::triggered, this, [this] {
        MessageBox::tell(this, QMessageBox::Information, tr("About AIO Sandbox Manager"),
                         tr("AIO Sandbox Manager %1").arg(QStringLiteral(AIO_VERSION)),
                         tr("Deploys the AIO Sandbox to your VMs and Kubernetes clusters safely, and looks after it."));
    });
}

void MainWindow::createMenusAndToolBar()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("menuFile"));
    file->addAction(m_importSsh);
    file->addAction(m_importKube);
    file->addSeparator();
    file->addAction(m_quit);
    QMenu* targets = menuBar()->addMenu(tr("&Targets"));
    targets->setObjectName(QStringLiteral("menuTargets"));
    targets->addAction(m_addVm);
    targets->addAction(m_addCluster);
    targets->addSeparator();
    targets->addAction(m_edit);
    targets->addAction(m_duplicate);
    targets->addAction(m_moveToGroup);
    targets->addAction(m_editTags);
    targets->addAction(m_renameGroup);
    targets->addAction(m_remove);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("menuHelp"));
    help->addAction(m_about);

    QToolBar* bar = addToolBar(tr("Targets"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setFloatable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(20, 20));
    bar->addAction(m_addVm);
    bar->addAction(m_addCluster);
    bar->addSeparator();
    bar->addAction(m_edit);
    bar->addAction(m_duplicate);
    bar->addAction(m_remove);
    bar->addSeparator();
    bar->addAction(m_importSsh);
    bar->addAction(m_importKube);
    for (QAction* action : bar->actions()) {
        if (QWidget* button = bar->widgetForAction(action)) {
            button->setObjectName(action->objectName() + QStringLiteral("Button"));
            button->setAccessibleName(action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")));
        }
    }
}

QWidget* MainWindow::createEmptyState()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("emptyState"));
    auto* title = new QLabel(tr("No targets yet"), page);
    m_emptyStateTitle = title;
    title->setObjectName(QStringLiteral("emptyStateTitle"));
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    title->setAlignment(Qt::AlignCenter);
    auto* text
        = new QLabel(tr("A target is a place the AIO Sandbox can run: a virtual machine you reach over SSH, or "
                        "a Kubernetes cluster. Add one by hand, or import the hosts you already have in your SSH "
                        "config and the contexts of your kubeconfig."),
                     page);
    text->setObjectName(QStringLiteral("emptyStateText"));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    text->setFixedWidth(520);
    text->setMinimumHeight(text->heightForWidth(520));
    m_emptyStateText = text;

    auto makeButton = [page](QAction* action, const QString& name) {
        auto* button = new QPushButton(action->icon(), action->text(), page);
        button->setObjectName(name);
        button->setAccessibleName(action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")));
        button->setMinimumSize(220, 34);
        connect(button, &QPushButton::clicked, action, &QAction::trigger);
        connect(action, &QAction::enabledChanged, button, &QWidget::setEnabled);
        button->setEnabled(action->isEnabled());
        return button;
    };
    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(10);
    grid->addWidget(makeButton(m_addVm, QStringLiteral("emptyAddVmButton")), 0, 0);
    grid->addWidget(makeButton(m_addCluster, QStringLiteral("emptyAddClusterButton")), 0, 1);
    grid->addWidget(makeButton(m_importSsh, QStringLiteral("emptyImportSshButton")), 1, 0);
    grid->addWidget(makeButton(m_importKube, QStringLiteral("emptyImportKubeButton")), 1, 1);

    auto* layout = new QVBoxLayout(page);
    layout->addStretch(2);
    layout->addWidget(title, 0, Qt::AlignHCenter);
    layout->addSpacing(8);
    layout->addWidget(text, 0, Qt::AlignHCenter);
    layout->addSpacing(20);
    layout->addLayout(grid);
    layout->setAlignment(grid, Qt::AlignHCenter);
    layout->addStretch(3);
    return page;
}

QUuid MainWindow::selectedTargetId() const
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    return rows.size() == 1 ? TargetTreeModel::idAt(rows.first()) : QUuid();
}

QList<Target> MainWindow::selectedTargets() const
{
    // In the sidebar's order: the targets picked, and those shown under a picked folder.
    const QItemSelectionModel* selection = m_tree->selectionModel();
    QList<Target> out;
    std::function<void(const QModelIndex&, bool)> walk = [&](const QModelIndex& parent, bool underPicked) {
        for (int r = 0; r < m_filter->rowCount(parent); ++r) {
            const QModelIndex row = m_filter->index(r, 0, parent);
            const bool picked = underPicked || selection->isSelected(row);
            if (TargetTreeModel::isGroup(row)) {
                walk(row, picked);
            } else if (picked) {
                if (auto t = m_inventory->findById(TargetTreeModel::idAt(row)))
                    out.append(*t);
            }
        }
    };
    walk(QModelIndex(), false);
    return out;
}

bool MainWindow::selectTargets(const QList<QUuid>& ids)
{
    QItemSelection selection;
    QModelIndex first;
    for (const QUuid& id : ids) {
        const QModelIndex index = m_filter->mapFromSource(m_model->indexForId(id));
        if (!index.isValid())
            continue;
        selection.select(index, index);
        if (!first.isValid())
            first = index;
    }
    if (!first.isValid())
        return false;
    m_tree->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    m_tree->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_tree->scrollTo(first);
    return true;
}

bool MainWindow::selectGroup(const QString& group)
{
    const QModelIndex source = m_model->indexForGroup(group);
    QModelIndex index = m_filter->mapFromSource(source);
    if (!source.isValid())
        return false;
    if (!index.isValid()) {
        m_search->clear();
        m_kindFilter->setCurrentIndex(0);
        m_tagFilter->setCurrentIndex(0);
        index = m_filter->mapFromSource(source);
    }
    m_tree->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_tree->scrollTo(index);
    return true;
}

bool MainWindow::selectTarget(const QUuid& id)
{
    const QModelIndex source = m_model->indexForId(id);
    if (!source.isValid())
        return false;
    QModelIndex index = m_filter->mapFromSource(source);
    if (!index.isValid()) {
        // Hidden by the search or a filter: the target asked for is shown, so they give way.
        m_search->clear();
        m_kindFilter->setCurrentIndex(0);
        m_tagFilter->setCurrentIndex(0);
        index = m_filter->mapFromSource(source);
        if (!index.isValid())
            return false;
    }
    m_tree->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_tree->scrollTo(index);
    return true;
}

TargetPage* MainWindow::currentTargetPage() const
{
    return qobject_cast<TargetPage*>(m_pages->currentWidget());
}

void MainWindow::onInventoryRebuilt()
{
    // The sidebar shows each VM's newest checklist state: read (off the GUI thread) for the
    // targets not known yet.
    QList<QUuid> unknown;
    for (const Target& t : m_inventory->targets()) {
        if (t.isVm() && !ChecklistStates::instance().state(t.id))
            unknown << t.id;
    }
    if (!unknown.isEmpty())
        ChecklistStates::instance().loadAll(unknown);
    // Pages follow the inventory: gone targets lose theirs, changed ones are updated.
    const auto ids = m_targetPages.keys();
    for (const QUuid& id : ids) {
        const auto target = m_inventory->findById(id);
        if (!target)
            onTargetRemoved(id);
        else if (!(m_targetPages.value(id)->target() == *target))
            m_targetPages.value(id)->setTarget(*target);
    }
    updateTagFilter();
    m_tree->expandAll();
    // Folders the admin closed stay closed.
    for (const QString& group : std::as_const(m_collapsedGroups)) {
        if (const QModelIndex folder = m_filter->mapFromSource(m_model->indexForGroup(group)); folder.isValid())
            m_tree->collapse(folder);
    }
    const QUuid wanted = m_wantedSelection.isNull() ? m_currentId : std::exchange(m_wantedSelection, QUuid());
    // While the file is read, the sidebar waits (an empty state would flash by first).
    m_central->setCurrentIndex(m_inventory->count() == 0 && !m_inventory->isLoading() ? 0 : 1);
    static_cast<QLabel*>(m_noSelection)
        ->setText(m_inventory->isLoading() ? tr("Reading the inventory…")
                                           : tr("Select a target on the left to see its settings."));
    if (!m_inventory->isLoading())
        showReadOnlyBanner();
    // The rebuild dropped the selection: keep it (or select the target just added), else the first one.
    if (!wanted.isNull() && selectTarget(wanted)) {
    } else if (!m_currentGroup.isEmpty() && selectGroup(m_currentGroup)) {
    } else if (m_currentIds.size() > 1 && selectTargets(m_currentIds)) {
    } else if (m_inventory->count() > 0) {
        // The first target shown (the search may hide some).
        selectTarget(TargetTreeModel::idAt(m_filter->firstTarget()));
    }
    onSelectionChanged();
    updateStatus();
}

void MainWindow::onSelectionChanged()
{
    const QUuid id = selectedTargetId();
    const auto target = id.isNull() ? std::nullopt : m_inventory->findById(id);
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (!target && !rows.isEmpty()) {
        // Several targets, or a group: the bulk page.
        const QList<Target> targets = selectedTargets();
        const QString group = rows.size() == 1 ? TargetTreeModel::groupAt(rows.first()) : QString();
        const QString title = !group.isEmpty() ? tr("Group “%1”").arg(group) : tr("Several targets selected");
        m_bulkPage->setTargets(title, targets);
        m_pages->setCurrentWidget(m_bulkPage);
    } else if (!target) {
        m_pages->setCurrentWidget(m_noSelection);
    } else {
        TargetPage* page = m_targetPages.value(id);
        if (!page) {
            page = new TargetPage(*target, m_inventory, m_secrets, m_pages);
            m_targetPages.insert(id, page);
            m_pages->addWidget(page);
        } else if (!(page->target() == *target)) {
            page->setTarget(*target);
        }
        m_pages->setCurrentWidget(page);
    }
    m_currentId = id;
    // What a rebuild restores: the targets picked, or the one folder.
    m_currentIds.clear();
    m_currentGroup.clear();
    for (const QModelIndex& row : rows) {
        if (!TargetTreeModel::isGroup(row))
            m_currentIds.append(TargetTreeModel::idAt(row));
        else if (rows.size() == 1)
            m_currentGroup = TargetTreeModel::groupAt(row);
    }
    // A check of a selection no longer shown stops (its dialogs with it).
    if (m_pages->currentWidget() != m_bulkPage)
        m_bulkPage->stopCheck();
    updateActions();
}

void MainWindow::onTargetRemoved(const QUuid& id)
{
    if (TargetPage* page = m_targetPages.take(id)) {
        m_pages->removeWidget(page);
        page->deleteLater();
    }
    // Its audits go with it.
    ChecklistStates::instance().forget(id);
    runInBackground(
        this, [id] { return AuditStore::forProfile().forget(id); },
        [](const Status& s) {
            if (!s)
                qWarning().noquote() << s.error().toString();
        });
}

void MainWindow::updateActions()
{
    const bool writable = !m_inventory->isReadOnly();
    const bool selected = !selectedTargetId().isNull();
    m_addVm->setEnabled(writable);
    m_addCluster->setEnabled(writable);
    m_importSsh->setEnabled(writable);
    m_importKube->setEnabled(writable);
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    const bool any = !rows.isEmpty();
    m_edit->setEnabled(writable && selected);
    m_duplicate->setEnabled(writable && selected);
    m_remove->setEnabled(writable && any);
    m_moveToGroup->setEnabled(writable && any);
    m_editTags->setEnabled(writable && any);
    m_renameGroup->setEnabled(writable && rows.size() == 1 && TargetTreeModel::isGroup(rows.first()));
}

void MainWindow::updateStatus()
{
    const int vms = m_inventory->count(TargetKind::Vm);
    const int clusters = m_inventory->count(TargetKind::Cluster);
    // (explicit singular and plural: the app ships no English plural forms yet)
    const QString vmText = vms == 1 ? tr("1 virtual machine") : tr("%1 virtual machines").arg(vms);
    const QString clusterText = clusters == 1 ? tr("1 Kubernetes cluster") : tr("%1 Kubernetes clusters").arg(clusters);
    m_statusCount->setText(
        vmText + QStringLiteral(" · ") + clusterText
        + (m_filter && m_filter->isSearching() ? tr(" · %1 shown").arg(m_filter->shownTargets()) : QString())
        + (m_inventory->isReadOnly() ? tr(" · read-only") : QString()));
    const QString path = QDir::toNativeSeparators(m_inventory->filePath());
    m_statusFile->setText(path.isEmpty() ? tr("Inventory in memory only") : tr("Inventory: %1").arg(path));
}

void MainWindow::showReadOnlyBanner()
{
    if (!m_inventory->isReadOnly())
        return;
    const Error error = m_inventory->readOnlyReason();
    const QString path = QDir::toNativeSeparators(m_inventory->filePath());
    QString title;
    switch (error.kind) {
    case ErrorKind::UnsupportedVersion:
        title = tr("The inventory file was written by a newer version of AIO Sandbox Manager");
        break;
    case ErrorKind::Corrupt:
        title = tr("The inventory file is damaged and cannot be read");
        break;
    default:
        title = tr("The inventory file cannot be read");
        break;
    }
    QString text = error.message;
    if (!error.detail.isEmpty())
        text += QLatin1Char(' ') + error.detail;
    if (!text.contains(m_inventory->filePath()))
        text += QLatin1Char('\n') + tr("File: %1").arg(path);
    text += QLatin1Char('\n');
    text += error.nextStep.isEmpty() ? tr("The file is kept exactly as it is; repair, replace or move it away, then "
                                          "start the app again.")
                                     : error.nextStep;
    text += QLatin1Char(' ') + tr("Until then targets cannot be added, changed or removed.");
    m_inventoryBanner->showMessage(MessageBanner::Level::Error, title, text);
    m_emptyStateTitle->setText(tr("No targets to show"));
    m_emptyStateText->setText(tr("The inventory file could not be read (see above), so no targets are shown and none "
                                 "can be added. The file itself is left untouched."));
    m_emptyStateText->setMinimumHeight(m_emptyStateText->heightForWidth(m_emptyStateText->width()));
    updateActions();
    updateStatus();
}

void MainWindow::addVm()
{
    Target target;
    target.kind = TargetKind::Vm;
    target.vm.sudo = true; // deploying needs root; most cloud images log in as a user with sudo
    openTargetDialog(int(TargetDialog::Mode::Add), target);
}

void MainWindow::addCluster()
{
    Target target;
    target.kind = TargetKind::Cluster;
    openTargetDialog(int(TargetDialog::Mode::Add), target);
}

void MainWindow::editSelected()
{
    if (const auto target = m_inventory->findById(selectedTargetId()))
        openTargetDialog(int(TargetDialog::Mode::Edit), *target);
}

void MainWindow::duplicateSelected()
{
    if (const auto target = m_inventory->findById(selectedTargetId()))
        openTargetDialog(int(TargetDialog::Mode::Duplicate), *target);
}

void MainWindow::openTargetDialog(int mode, const Target& target)
{
    if (m_inventory->isReadOnly())
        return;
    auto* dialog = new TargetDialog(TargetDialog::Mode(mode), target, m_inventory, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const std::optional<SshAuthMethod> previousAuth
        = TargetDialog::Mode(mode) == TargetDialog::Mode::Edit && target.isVm() ? std::optional(target.vm.auth)
                                                                                : std::nullopt;
    dialog->setSaveHandler(
        [this, mode, previousAuth](const Target& edited, const TargetDialog::Secrets& secrets) -> Status {
            Target saved = edited;
            if (saved.id.isNull())
                saved.id = QUuid::createUuid();
            m_wantedSelection = saved.id; // the sidebar selects it when it rebuilds
            if (TargetDialog::Mode(mode) == TargetDialog::Mode::Edit) {
                if (Status s = m_inventory->update(saved); !s)
                    return s;
            } else {
                Result<Target> added = m_inventory->add(saved);
                if (!added)
                    return added.error();
                saved = *added;
            }
            m_wantedSelection = QUuid();
            storeSecrets(saved, previousAuth, secrets.password, secrets.keyPassphrase);
            statusBar()->showMessage(TargetDialog::Mode(mode) == TargetDialog::Mode::Edit
                                         ? tr("Saved “%1”.").arg(saved.name)
                                         : tr("Added “%1”.").arg(saved.name),
                                     5000);
            return {};
        });
    dialog->open();
}

void MainWindow::storeSecrets(const Target& target, std::optional<SshAuthMethod> previousAuth, const QString& password,
                              const QString& passphrase)
{
    if (!target.isVm())
        return;
    const QUuid id = target.id;
    const QString name = target.name;
    auto report = [this, name](Status status) {
        if (!status && status.error().kind != ErrorKind::KeychainUnavailable)
            statusBar()->showMessage(status.error().onTarget(name).toString(), 10000);
    };
    // A secret of a method no longer used must not linger in the keychain.
    const bool authChanged = previousAuth && *previousAuth != target.vm.auth;
    if (authChanged && *previousAuth == SshAuthMethod::Password)
        m_secrets->remove(id, SecretKind::Password, this, report);
    if (authChanged && *previousAuth == SshAuthMethod::KeyFile)
        m_secrets->remove(id, SecretKind::KeyPassphrase, this, report);
    if (target.vm.auth == SshAuthMethod::Password && !password.isEmpty())
        m_secrets->write(id, SecretKind::Password, password, this, report);
    if (target.vm.auth == SshAuthMethod::KeyFile && !passphrase.isEmpty())
        m_secrets->write(id, SecretKind::KeyPassphrase, passphrase, this, report);
}

void MainWindow::removeSelected()
{
    const QList<Target> targets = selectedTargets();
    if (targets.isEmpty() || m_inventory->isReadOnly())
        return;
    QList<QUuid> ids;
    QStringList names;
    for (const Target& t : targets) {
        ids.append(t.id);
        names.append(t.name);
    }
    // One confirmation, listing what goes.
    const bool one = targets.size() == 1;
    const QString question = one ? tr("Remove “%1” from your targets?").arg(names.first())
                                 : tr("Remove these %1 targets from your targets?").arg(targets.size());
    QString details;
    if (!one) {
        const QStringList shown = names.mid(0, 25);
        details = QStringLiteral("• ") + shown.join(QStringLiteral("\n• "));
        if (names.size() > shown.size())
            details += QLatin1Char('\n') + tr("… and %1 more").arg(names.size() - shown.size());
        details += QStringLiteral("\n\n");
    }
    details += one ? tr("Its settings and the secrets kept for it in the keychain are deleted. Nothing on the %1 "
                        "itself is changed.")
                         .arg(targets.first().isVm() ? tr("virtual machine") : tr("cluster"))
                   : tr("Their settings and the secrets kept for them in the keychain are deleted. Nothing on the "
                        "machines or clusters themselves is changed.");
    MessageBox::ask(
        this, QMessageBox::Question, one ? tr("Remove target") : tr("Remove targets"), question, details,
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
        [this, ids, names](QMessageBox::StandardButton answer) {
            if (answer != QMessageBox::Yes)
                return;
            // One change of the inventory for all of them (one write of the file).
            if (Status s = m_inventory->removeMany(ids); !s) {
                MessageBox::tell(this, QMessageBox::Warning, tr("Remove target"),
                                 names.size() == 1 ? tr("“%1” could not be removed.").arg(names.first())
                                                   : tr("The targets could not be removed; none was."),
                                 s.error().toString());
                return;
            }
            // The sandbox keys kept in files for them (a workstation without a keychain) go too.
            runInBackground(
                this,
                [data = Profile::dataDir(), ids] {
                    Status all;
                    for (const QUuid& id : ids) {
                        if (Status removed = VmDeploymentSetup::removeKeyFiles(data, id); !removed)
                            all = removed;
                    }
                    return all;
                },
                [this](Status removed) {
                    if (!removed)
                        statusBar()->showMessage(removed.error().toString(), 10000);
                });
            const QString done = names.size() == 1 ? tr("Removed “%1”.").arg(names.first())
                                                   : tr("Removed %1 targets.").arg(names.size());
            auto left = std::make_shared<qsizetype>(ids.size());
            auto failures = std::make_shared<QStringList>();
            for (qsizetype i = 0; i < ids.size(); ++i) {
                m_secrets->removeAll(ids.at(i), this, [this, name = names.at(i), done, left, failures](Status removed) {
                    // Without a keychain service nothing was kept there; any other failure leaves
                    // secrets behind, and the user must know.
                    if (!removed && removed.error().kind != ErrorKind::KeychainUnavailable)
                        failures->append(name + QStringLiteral(": ") + removed.error().toString());
                    if (--*left > 0)
                        return;
                    if (failures->isEmpty()) {
                        statusBar()->showMessage(done, 5000);
                        return;
                    }
                    MessageBox::tell(this, QMessageBox::Warning, tr("Remove target"),
                                     tr("The targets were removed, but some of their secrets could not be deleted "
                                        "from the keychain."),
                                     failures->join(QLatin1Char('\n'))
                                         + tr("\n\nDelete them with your keychain manager (for example Seahorse, "
                                              "\"Passwords and Keys\"): the entries belong to %1.")
                                               .arg(SecretStore::serviceName()));
                });
            }
        });
}

void MainWindow::moveSelectedToGroup(const QString& group)
{
    // One folder picked: it moves whole, subgroups and all (a rename).
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (rows.size() == 1 && TargetTreeModel::isGroup(rows.first()) && !Target::normalizeGroup(group).isEmpty()) {
        renameGroup(TargetTreeModel::groupAt(rows.first()), group);
        return;
    }
    QList<QUuid> ids;
    for (const Target& t : selectedTargets())
        ids.append(t.id);
    if (ids.isEmpty())
        return;
    if (Status s = m_inventory->setGroup(ids, group); !s) {
        MessageBox::tell(this, QMessageBox::Warning, tr("Move to group"), tr("The targets were not moved."),
                         s.error().toString());
        return;
    }
    const QString spelled = Target::normalizeGroup(group);
    statusBar()->showMessage(spelled.isEmpty() ? tr("Took the targets out of their groups.")
                                               : tr("Moved the targets to “%1”.").arg(spelled),
                             5000);
    // The targets moved stay selected (not the whole folder they joined).
    if (ids.size() == 1)
        selectTarget(ids.first());
    else
        selectTargets(ids);
}

void MainWindow::changeTagsOfSelected(const QStringList& add, const QStringList& remove)
{
    QList<QUuid> ids;
    for (const Target& t : selectedTargets())
        ids.append(t.id);
    if (ids.isEmpty())
        return;
    if (Status s = m_inventory->changeTags(ids, add, remove); !s)
        MessageBox::tell(this, QMessageBox::Warning, tr("Tags"), tr("The tags were not changed."),
                         s.error().toString());
}

void MainWindow::renameGroup(const QString& from, const QString& to)
{
    if (Status s = m_inventory->renameGroup(from, to); !s) {
        MessageBox::tell(this, QMessageBox::Warning, tr("Rename group"),
                         tr("The group “%1” was not renamed.").arg(from), s.error().toString());
        return;
    }
    selectGroup(Target::normalizeGroup(to));
}

void MainWindow::askGroupForSelected()
{
    const QList<Target> targets = selectedTargets();
    if (targets.isEmpty())
        return;
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("moveToGroupDialog"));
    dialog->setWindowTitle(tr("Move to group"));
    dialog->setLabelText(
        targets.size() == 1
            ? tr("Group for “%1” (Team, or Team/Sub one level deeper; empty for none):").arg(targets.first().name)
            : tr("Group for the %1 targets (Team, or Team/Sub one level deeper; empty for none):").arg(targets.size()));
    dialog->setComboBoxEditable(true);
    dialog->setComboBoxItems(QStringList{QString()} + m_inventory->groups());
    dialog->setTextValue(targets.first().group);
    connect(dialog, &QInputDialog::textValueSelected, this, &MainWindow::moveSelectedToGroup);
    dialog->open();
}

void MainWindow::askTagsForSelected()
{
    const QList<Target> targets = selectedTargets();
    if (targets.isEmpty())
        return;
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("tagsDialog"));
    dialog->setWindowTitle(tr("Tags"));
    QStringList present;
    for (const Target& t : targets) {
        for (const QString& tag : t.tags) {
            if (!present.contains(tag, Qt::CaseInsensitive))
                present.append(tag);
        }
    }
    const QString tagList = present.isEmpty() ? tr("none") : present.join(QStringLiteral(", "));
    auto* intro = new QLabel(targets.size() == 1
                                 ? tr("Tags of “%1”: %2").arg(targets.first().name, tagList)
                                 : tr("Tags on the %1 targets: %2").arg(QString::number(targets.size()), tagList),
                             dialog);
    intro->setWordWrap(true);
    auto* add = new QLineEdit(dialog);
    add->setObjectName(QStringLiteral("addTagsEdit"));
    add->setPlaceholderText(tr("e.g. gpu, eu-west"));
    auto* remove = new QLineEdit(dialog);
    remove->setObjectName(QStringLiteral("removeTagsEdit"));
    remove->setPlaceholderText(present.join(QStringLiteral(", ")));
    auto* problem = new QLabel(dialog);
    problem->setObjectName(QStringLiteral("tagsProblem"));
    problem->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    auto* form = new QFormLayout(dialog);
    form->addRow(intro);
    form->addRow(tr("&Add:"), add);
    form->addRow(tr("&Remove:"), remove);
    form->addRow(problem);
    form->addRow(buttons);
    auto check = [add, remove, problem, buttons] {
        auto added = Target::parseTags(add->text());
        auto removed = Target::parseTags(remove->text());
        const Status s = !added ? Status(added.error()) : !removed ? Status(removed.error()) : Status();
        problem->setText(s ? QString() : s.error().message + QLatin1Char(' ') + s.error().nextStep);
        buttons->button(QDialogButtonBox::Ok)->setEnabled(bool(s) && (!added->isEmpty() || !removed->isEmpty()));
    };
    connect(add, &QLineEdit::textChanged, dialog, check);
    connect(remove, &QLineEdit::textChanged, dialog, check);
    check();
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, dialog, [this, dialog, add, remove] {
        changeTagsOfSelected(Target::parseTags(add->text()).valueOr({}), Target::parseTags(remove->text()).valueOr({}));
        dialog->accept();
    });
    dialog->open();
}

void MainWindow::askRenameGroup()
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (rows.size() != 1 || !TargetTreeModel::isGroup(rows.first()))
        return;
    const QString from = TargetTreeModel::groupAt(rows.first());
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("renameGroupDialog"));
    dialog->setWindowTitle(tr("Rename group"));
    dialog->setLabelText(tr("New name for “%1” (its subgroups move with it):").arg(from));
    dialog->setTextValue(from);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, from](const QString& to) { renameGroup(from, to); });
    dialog->open();
}

void MainWindow::updateTagFilter()
{
    const QString current = m_tagFilter->currentData().toString();
    const QSignalBlocker blocker(m_tagFilter);
    m_tagFilter->clear();
    m_tagFilter->addItem(tr("Any tag"), QString());
    for (const QString& tag : m_inventory->tags())
        m_tagFilter->addItem(QStringLiteral("#") + tag, tag);
    const int keep = m_tagFilter->findData(current, Qt::UserRole, Qt::MatchFixedString);
    m_tagFilter->setCurrentIndex(keep < 0 ? 0 : keep);
    if (keep < 0)
        m_filter->setTag({});
    m_tagFilter->setEnabled(m_tagFilter->count() > 1);
}

void MainWindow::importSshConfig()
{
    const QString path = SshConfigImporter::defaultPath();
    FileDialog::openFile(this, tr("Import from SSH config"), QFileInfo(path).absolutePath(), tr("All files (*)"),
                         [this](const QString& chosen) { importFrom(chosen, false); });
}

void MainWindow::importKubeconfig()
{
    const QString path = KubeconfigImporter::defaultPath();
    FileDialog::openFile(this, tr("Import kubeconfig"), QFileInfo(path).absolutePath(),
                         tr("Kubeconfig files (*config *.yaml *.yml);;All files (*)"),
                         [this](const QString& chosen) { importFrom(chosen, true); });
}

void MainWindow::importFrom(const QString& path, bool kubeconfig)
{
    if (m_inventory->isReadOnly())
        return;
    // Reading and parsing the file happen off the GUI thread; adding happens here.
    statusBar()->showMessage(tr("Importing %1…").arg(QDir::toNativeSeparators(path)));
    runInBackground(
        this,
        [path, kubeconfig]() -> Result<ImportResult> {
            return kubeconfig ? KubeconfigImporter::importFile(path) : SshConfigImporter::importFile(path);
        },
        [this, path](Result<ImportResult> result) { showImportResult(path, result); });
}

void MainWindow::showImportResult(const QString& path, const Result<ImportResult>& result)
{
    statusBar()->clearMessage();
    const QString shownPath = QDir::toNativeSeparators(path);
    if (!result) {
        MessageBox::tell(this, QMessageBox::Warning, tr("Import"), tr("Nothing was imported from %1.").arg(shownPath),
                         result.error().toString());
        return;
    }
    // The inventory decides what is new (importing twice adds nothing) and renames clashes. Hosts of
    // a file the SSH config Includes go in a group named after that file (the dialog offers one
    // group for all instead).
    ImportResult found = *result;
    found.groupByIncludedFile(path);
    Result<QList<Target>> addedResult = m_inventory->addImported(found, path);
    if (!addedResult) {
        MessageBox::tell(this, QMessageBox::Warning, tr("Import"),
                         tr("The targets from %1 could not be saved.").arg(shownPath), addedResult.error().toString());
        return;
    }
    const QList<Target> added = *addedResult;
    const QList<ImportIssue> skipped = found.skipped;
    if (!added.isEmpty())
        selectTarget(added.first().id);
    statusBar()->showMessage(
        added.size() == 1 ? tr("Imported 1 target.") : tr("Imported %1 targets.").arg(added.size()), 5000);
    auto* dialog = new ImportResultDialog(shownPath, added, skipped, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->offerGroups(m_inventory->groups());
    QList<QUuid> addedIds;
    for (const Target& t : added)
        addedIds.append(t.id);
    connect(dialog, &ImportResultDialog::groupChosen, this, [this, dialog, addedIds](const QString& group) {
        if (Status s = m_inventory->setGroup(addedIds, group); !s) {
            MessageBox::tell(dialog, QMessageBox::Warning, tr("Move to group"), tr("The targets were not moved."),
                             s.error().toString());
            return;
        }
        dialog->showGroup(m_inventory->findById(addedIds.first())->group);
    });
    dialog->open();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

QSize MainWindow::firstStartSize(const QSize& available)
{
    // Large enough that the deployment answers show whole on a 1920x1080 screen (two columns),
    // never larger than 92% of the screen, so a small screen keeps room around the window.
    return {qMin(1720, available.width() * 92 / 100), qMin(1000, available.height() * 92 / 100)};
}

void MainWindow::restoreWindowState()
{
    QSettings settings(m_settingsPath, QSettings::IniFormat);
    const QByteArray geometry = settings.value(QStringLiteral("mainWindow/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        // First start: a comfortable size that still fits a small screen, centred.
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 800);
        setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, firstStartSize(available.size()), available));
    }
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("mainWindow/splitter")).toByteArray());
    const QUuid selected(settings.value(QStringLiteral("mainWindow/selectedTarget")).toString());
    if (!selected.isNull() && !selectTarget(selected) && m_inventory->isLoading())
        m_wantedSelection = selected; // once the file is read
}

void MainWindow::saveWindowState()
{
    if (m_settingsPath.isEmpty())
        return;
    QSettings settings(m_settingsPath, QSettings::IniFormat);
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    settings.setValue(QStringLiteral("mainWindow/splitter"), m_splitter->saveState());
    if (!m_inventory->isLoading()) // closed before the file was read: keep what was selected
        settings.setValue(QStringLiteral("mainWindow/selectedTarget"),
                          selectedTargetId().toString(QUuid::WithoutBraces));
    settings.sync();
}

} // namespace aio::ui
