#pragma once

#include "core/common/HostName.h"
#include "core/deploy/VmDeployAnswers.h"

#include <QFrame>
#include <QHostAddress>
#include <QList>

#include <functional>

class QLabel;
class QPushButton;

namespace aio::ui {

// After a finished deployment: how to reach the sandbox. The URL to open; with the app's own CA,
// which certificate browsers must trust, where it is, and a button to save a copy; and whether
// the public name resolves to the VM from this computer (looked up without blocking).
class ReachPanel : public QFrame
{
    Q_OBJECT

public:
    // Resolves a name to its addresses and calls back on the GUI thread (an empty list: it does
    // not resolve). The default asks the system's resolver; tests give their own.
    using Lookup = std::function<void(const QString& name, QObject* context,
                                      std::function<void(const QList<QHostAddress>&)> done)>;

    explicit ReachPanel(QWidget* parent = nullptr);

    // Fills the panel for a sandbox deployed with `answers` on the VM reached at `vm`.
    void showFor(const VmDeployAnswers& answers, const HostName& vm);

    static void setLookupForTests(Lookup lookup);

signals:
    void nameChecked(); // the lookup's answer is shown
    void caSaved(bool ok); // the copy of the CA certificate was written (or not)

private:
    void showLookup(const QList<QHostAddress>& addresses);

    VmDeployAnswers m_answers;
    HostName m_vm;
    int m_generation = 0;
    QLabel* m_url = nullptr;
    QLabel* m_ca = nullptr;
    QPushButton* m_saveCa = nullptr;
    QLabel* m_dns = nullptr;
    static Lookup s_lookup;
};

} // namespace aio::ui
