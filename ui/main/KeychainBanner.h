#pragma once

#include "core/inventory/KeychainProbe.h"
#include "ui/widgets/MessageBanner.h"

#include <functional>

namespace aio {
class SecretStore;
}

namespace aio::ui {

// The main window's word on the system keychain, before any step depends on it:
//  - at start it finds out (KeychainProbe, off the GUI thread, never starting anything) whether a
//    keychain is there and whether its first use will ask the admin something;
//  - no keychain: secrets go to memory at once (so nothing autolaunches a keyring that prompts
//    in a stray window), and the banner says so;
//  - a locked keyring, or none yet: the banner says a window of the keyring's own will ask, and
//    offers to get that over with now ("Unlock now") or to keep secrets in memory for this run;
//  - while a keychain call waits (the keyring is asking), the banner says where the question is
//    and offers to stop waiting (the secret is then kept in memory);
//  - a keyring that refuses: the banner says so and offers memory or another try.
class KeychainBanner : public MessageBanner
{
    Q_OBJECT

public:
    // prober: how the keychain is found out (KeychainProbe::probe unless a test passes another);
    // it runs off the GUI thread.
    explicit KeychainBanner(SecretStore* store, QWidget* parent = nullptr, std::function<KeychainState()> prober = {});

    // What the banner last found (Absent until the first probe answers).
    KeychainState state() const { return m_state; }
    bool probed() const { return m_probed; }

    // A keychain call reported that no keychain service answers (SecretStore::keychainUnavailable).
    void showUnavailable(const QString& message);

signals:
    void stateChanged();

private:
    void probe();
    void onProbed(const KeychainState& state);
    void onWaitingChanged(bool waiting);
    void onMemoryOnly(const QString& reason);
    void prepareNow();
    void offerMemory();

    SecretStore* m_store;
    std::function<KeychainState()> m_probe;
    KeychainState m_state;
    bool m_probed = false;
    bool m_waiting = false;
    bool m_preparing = false;
};

} // namespace aio::ui
