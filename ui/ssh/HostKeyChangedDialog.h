#pragma once

#include "core/ssh/KnownHosts.h"

#include <QDialog>

class QCheckBox;
class QPushButton;
class QStackedWidget;

namespace aio::ui {

// The warning shown after an SshSession refused a changed host key (HostKeyChanged): the old and
// new fingerprints, what it may mean, and an explicit "Replace stored key" that needs a second
// confirmation. The dialog only reports the decision (replaceConfirmed()); the caller then calls
// KnownHosts::replaceStoredKey() off the GUI thread and reconnects.
class HostKeyChangedDialog : public QDialog
{
    Q_OBJECT
public:
    HostKeyChangedDialog(const HostKeyCheck& check, const QString& targetName, QWidget* parent = nullptr);

    bool replaceConfirmed() const { return m_replaceConfirmed; }
    const HostKeyCheck& check() const { return m_check; }

private:
    HostKeyCheck m_check;
    bool m_replaceConfirmed = false;
    QStackedWidget* m_pages = nullptr;
    QCheckBox* m_confirmBox = nullptr;
    QPushButton* m_confirmButton = nullptr;
};

} // namespace aio::ui
