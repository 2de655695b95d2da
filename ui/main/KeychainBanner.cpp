#include "ui/main/KeychainBanner.h"

#include "core/inventory/SecretStore.h"
#include "ui/widgets/Background.h"

#include <QPushButton>

namespace aio::ui {

KeychainBanner::KeychainBanner(SecretStore* store, QWidget* parent, std::function<KeychainState()> prober)
    : MessageBanner(parent)
    , m_store(store)
    , m_probe(prober ? std::move(prober) : [] { return KeychainProbe::probe(); })
{
    setObjectName(QStringLiteral("keychainBanner"));
    KeychainActivity* activity = SecretStore::activity();
    connect(activity, &KeychainActivity::waitingChanged, this, &KeychainBanner::onWaitingChanged);
    connect(activity, &KeychainActivity::memoryOnlyChanged, this, &KeychainBanner::onMemoryOnly);
    if (SecretStore::memoryOnly())
        onMemoryOnly({});
    probe(); // also when secrets are in memory already: the banner then says whether a keychain is there
}

void KeychainBanner::probe()
{
    runInBackground(this, m_probe, [this](KeychainState state) { onProbed(state); });
}

void KeychainBanner::onProbed(const KeychainState& state)
{
    m_state = state;
    m_probed = true;
    if ((m_preparing || m_waiting) && !SecretStore::memoryOnly()) {
        // A question of the keyring is open: the banner keeps saying so until it is answered
        // (the wait ending probes again).
        emit stateChanged();
        return;
    }
    if (SecretStore::memoryOnly()) {
        onMemoryOnly({});
    } else if (state.kind == KeychainState::Kind::Absent) {
        // Calling the keychain now would autolaunch D-Bus and a keyring that prompts in a window
        // of its own, unrelated to this app: secrets stay in memory instead, said plainly.
        SecretStore::keepInMemoryOnly(state.summary(), true);
    } else if (state.kind == KeychainState::Kind::Ready) {
        hide();
    } else if (!m_waiting) {
        QString title;
        switch (state.kind) {
        case KeychainState::Kind::Locked:
            title = tr("The system keychain is locked");
            break;
        case KeychainState::Kind::NoKeyring:
            title = tr("The system keychain has no keyring yet");
            break;
        default:
            title = tr("The system keychain is not running");
            break;
        }
        showMessage(Level::Information, title,
                    state.summary() + QLatin1Char(' ')
                        + tr("Answer it now, so no deployment waits for it, or keep secrets in memory for this run "
                             "(they are asked for again next time)."));
        QPushButton* unlock
            = addButton(QStringLiteral("keychainPrepare"),
                        state.kind == KeychainState::Kind::NoKeyring ? tr("Create keyring now") : tr("Unlock now"));
        connect(unlock, &QPushButton::clicked, this, &KeychainBanner::prepareNow);
        offerMemory();
    }
    emit stateChanged();
}

void KeychainBanner::onWaitingChanged(bool waiting)
{
    m_waiting = waiting;
    if (SecretStore::memoryOnly())
        return;
    if (waiting) {
        showMessage(Level::Information, tr("Waiting for the system keychain"),
                    tr("The keychain is asking a question in a window of its own (its password, or a password for a "
                       "new keyring); the window may be behind this one. Answer it there, or stop waiting and keep "
                       "secrets in memory until the app quits."));
        offerMemory();
    } else if (!m_preparing) {
        probe(); // what the keyring is now (unlocked, still locked, refused)
    }
    emit stateChanged();
}

void KeychainBanner::onMemoryOnly(const QString& reason)
{
    Q_UNUSED(reason);
    const bool none = m_probed && m_state.kind == KeychainState::Kind::Absent;
    showMessage(Level::Warning, none ? tr("No system keychain is available") : tr("Secrets are kept in memory only"),
                (none ? m_state.summary() : tr("Passwords and passphrases are kept only until the app quits."))
                    + QLatin1Char(' ')
                    + tr("You are asked for them again next time. The deployment wizard offers to keep the "
                         "sandbox's keys in files only you can read."));
    emit stateChanged();
}

void KeychainBanner::showUnavailable(const QString& message)
{
    if (SecretStore::memoryOnly())
        return;
    showMessage(Level::Warning, tr("No system keychain is available"),
                tr("Passwords and passphrases are kept only until the app quits, and are asked for again next "
                   "time.")
                    + (message.isEmpty() ? QString() : QLatin1Char(' ') + message));
    emit stateChanged();
}

void KeychainBanner::prepareNow()
{
    m_preparing = true;
    showMessage(Level::Information, tr("Waiting for the system keychain"),
                tr("The keychain asks its question in a window of its own, which may open behind this one."));
    offerMemory();
    m_store->prepare(this, [this](Status status) {
        m_preparing = false;
        if (SecretStore::memoryOnly())
            return;
        if (status) {
            m_state = KeychainState{KeychainState::Kind::Ready, {}};
            hide();
            emit stateChanged();
            return;
        }
        if (status.error().kind == ErrorKind::KeychainUnavailable) {
            showUnavailable(status.error().detail);
            return;
        }
        const Error& e = status.error();
        showMessage(Level::Warning, tr("The system keychain refused"),
                    tr("It did not unlock or make a keyring (%1): its window may have been closed, or could not "
                       "open. Try again, or keep secrets in memory until the app quits.")
                        .arg(e.detail.isEmpty() ? e.message : e.detail));
        QPushButton* again = addButton(QStringLiteral("keychainPrepare"), tr("Try again"));
        connect(again, &QPushButton::clicked, this, &KeychainBanner::prepareNow);
        offerMemory();
        emit stateChanged();
    });
}

void KeychainBanner::offerMemory()
{
    QPushButton* memory = addButton(QStringLiteral("keychainMemoryOnly"), tr("Keep in memory"));
    memory->setToolTip(tr("Keep passwords only until the app quits, and never ask the keychain again in this run"));
    connect(memory, &QPushButton::clicked, this,
            [] { SecretStore::keepInMemoryOnly(tr("you chose to keep secrets in memory for this run")); });
}

} // namespace aio::ui
