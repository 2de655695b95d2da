#pragma once

#include "core/common/Result.h"
#include "core/inventory/Target.h"
#include "core/ssh/ConnectionCheck.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;

namespace aio {
class SecretStore;
} // namespace aio

namespace aio::ui {

class SshHostFactory;

// "Check connection" in a VM target's header: connects the way every feature of the app does
// (keychain, password and host-key dialogs), then shows who we are on the host, its system,
// whether root commands will work and the round trip — or what failed and what to do next. The
// check runs on a worker thread; the button cancels it while it runs.
class ConnectionCheckBar : public QWidget
{
    Q_OBJECT
public:
    ConnectionCheckBar(SecretStore* secrets, QWidget* parent = nullptr);
    ~ConnectionCheckBar() override;

    void setTarget(const Target& target);
    void startCheck();
    bool isChecking() const { return static_cast<bool>(m_cancel); }

signals:
    void checkFinished(bool ok);

private:
    void showResult(const Result<ConnectionReport>& result);

    Target m_target;
    SshHostFactory* m_factory = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_button = nullptr;
    std::shared_ptr<CancelToken> m_cancel; // set while a check runs
    int m_generation = 0; // a result for an older target or check is dropped
};

} // namespace aio::ui
