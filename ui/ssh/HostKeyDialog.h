#pragma once

#include "core/ssh/SshCallbacks.h"

#include <QDialog>

class QLabel;
class QPushButton;

namespace aio::ui {

// Asks about a host key seen for the first time: shows the host, the key type and its SHA256
// fingerprint, and offers "Accept once", "Trust and remember" and "Cancel". Used through
// HostKeyPrompt when an SshSession reports HostKeyStatus::Unknown.
class HostKeyDialog : public QDialog
{
    Q_OBJECT
public:
    HostKeyDialog(const HostKeyCheck& check, const QString& targetName, QWidget* parent = nullptr);

    HostKeyDecision decision() const { return m_decision; }
    const HostKeyCheck& check() const { return m_check; }

private:
    void decide(HostKeyDecision decision);

    HostKeyCheck m_check;
    HostKeyDecision m_decision = HostKeyDecision::Reject;
};

} // namespace aio::ui
