#pragma once

#include "core/inventory/Inventory.h"
#include "core/inventory/SecretStore.h"
#include "ui/main/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QObject>
#include <QPointer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

// Base for GUI tests (after KeePassXC's TestGui): a real MainWindow on a temporary profile, and
// helpers that find widgets by objectName the way a user finds them by their label.
class GuiTestBase : public QObject
{
    Q_OBJECT

protected:
    // A fresh, empty profile folder (call before createWindow(); files may be seeded into it).
    void newProfile();
    QString profileDir() const { return m_profile->path(); }
    QString inventoryPath() const;
    QString settingsPath() const;

    // Loads the profile's inventory as the app does and shows a MainWindow on it.
    void createWindow();
    // Closes the window (saving its state, as quitting does) and deletes it.
    void closeWindow();

    aio::Inventory* inventory() const { return m_inventory.get(); }
    aio::ui::MainWindow* window() const { return m_window.data(); }

    // The first widget with that objectName in the main window or any open top-level window
    // (dialogs). nullptr when there is none.
    template <typename T = QWidget>
    static T* find(const QString& objectName)
    {
        const auto tops = QApplication::topLevelWidgets();
        for (QWidget* top : tops) {
            if (!top->isVisible())
                continue; // closed dialogs waiting for deletion
            if (top->objectName() == objectName && qobject_cast<T*>(top))
                return qobject_cast<T*>(top);
            const auto found = top->template findChildren<T*>(objectName);
            for (T* w : found) {
                if (w->window()->isVisible()) // not inside a closed dialog
                    return w;
            }
        }
        return nullptr;
    }
    // A visible top-level dialog by objectName, waiting for it to appear (bounded).
    template <typename T = QWidget>
    static T* waitForWindow(const QString& objectName, int timeoutMs = 5000)
    {
        T* found = nullptr;
        waitUntil([&] { return (found = visibleTopLevel<T>(objectName)) != nullptr; }, timeoutMs);
        return found;
    }
    template <typename T = QWidget>
    static T* visibleTopLevel(const QString& objectName)
    {
        const auto tops = QApplication::topLevelWidgets();
        for (QWidget* top : tops) {
            if (top->objectName() == objectName && top->isVisible())
                if (T* t = qobject_cast<T*>(top))
                    return t;
        }
        return nullptr;
    }
    // Processes events until condition holds or timeoutMs passed; returns the condition.
    static bool waitUntil(const std::function<bool()>& condition, int timeoutMs = 5000);
    QAction* action(const QString& objectName) const;
    // Types text into the line edit with that objectName, as keystrokes, after clearing it.
    static void typeInto(const QString& objectName, const QString& text);
    // The names of the targets of that kind shown in the sidebar, in order, folders walked.
    QStringList sidebarNames(aio::TargetKind kind) const;

private:
    std::unique_ptr<QTemporaryDir> m_profile;
    std::unique_ptr<aio::Inventory> m_inventory;
    std::unique_ptr<aio::SecretStore> m_secrets;
    QPointer<aio::ui::MainWindow> m_window;
};
