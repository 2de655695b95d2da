#include "gui/common/GuiTestBase.h"

#include "ui/checklist/ChecklistStates.h"

#include "common/WaitUntil.h"

#include "core/common/Profile.h"
#include "ui/main/TargetTreeModel.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QLineEdit>
#include <QTreeView>

#include <functional>

void GuiTestBase::newProfile()
{
    closeWindow();
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(m_profile->isValid());
    aio::Profile::setDirectory(m_profile->path());
    QVERIFY(QDir().mkpath(aio::Profile::configDir()));
    aio::ui::ChecklistStates::instance().clear(); // what the app knows of another profile's audits
}

QString GuiTestBase::inventoryPath() const
{
    return aio::Inventory::defaultFilePath();
}

QString GuiTestBase::settingsPath() const
{
    return aio::Profile::configDir() + QStringLiteral("/window.ini");
}

void GuiTestBase::createWindow()
{
    if (!m_profile)
        newProfile();
    m_inventory = std::make_unique<aio::Inventory>();
    (void)m_inventory->load(inventoryPath()); // errors are the window's to show
    m_secrets = std::make_unique<aio::SecretStore>();
    m_window = new aio::ui::MainWindow(m_inventory.get(), m_secrets.get(), settingsPath());
    m_window->setAttribute(Qt::WA_DeleteOnClose, false);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
}

void GuiTestBase::closeWindow()
{
    // Dialogs left open by a failed test must not leak into the next one.
    const auto tops = QApplication::topLevelWidgets();
    for (QWidget* top : tops) {
        if (top != m_window && top->isVisible())
            top->close();
    }
    if (m_window) {
        m_window->close();
        delete m_window;
    }
    m_secrets.reset();
    m_inventory.reset();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

bool GuiTestBase::waitUntil(const std::function<bool()>& condition, int timeoutMs)
{
    return aio::test::waitUntil(condition, timeoutMs);
}

QAction* GuiTestBase::action(const QString& objectName) const
{
    return m_window ? m_window->findChild<QAction*>(objectName) : nullptr;
}

void GuiTestBase::typeInto(const QString& objectName, const QString& text)
{
    auto* edit = find<QLineEdit>(objectName);
    QVERIFY2(edit, qPrintable(QStringLiteral("no line edit named ") + objectName));
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

QStringList GuiTestBase::sidebarNames(aio::TargetKind kind) const
{
    QStringList names;
    auto* tree = m_window->findChild<QTreeView*>(QStringLiteral("targetTree"));
    if (!tree)
        return names;
    // The targets as shown (a search hides some), folders walked in order.
    auto* model = tree->model();
    std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        for (int r = 0; r < model->rowCount(parent); ++r) {
            const QModelIndex row = model->index(r, 0, parent);
            if (aio::ui::TargetTreeModel::isGroup(row))
                walk(row);
            else if (row.data(aio::ui::TargetTreeModel::TargetKindRole).toInt() == int(kind))
                names << row.data().toString();
        }
    };
    walk(QModelIndex());
    return names;
}
