#pragma once

#include "core/inventory/Target.h"
#include "core/ssh/SshCallbacks.h"
#include "core/ssh/SshSettings.h"

#include <QCoreApplication>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

class QCommandLineParser;
class QTextStream;

namespace aio {
class SecretStore;
}

namespace aio::cli {

// How a command logs in to a VM target, the same for every command: the target's settings and
// ~/.ssh/config, the host-key options (--accept-new-host-key, --strict-host-key, --known-hosts),
// secrets typed earlier in this run, then the keychain, then the terminal (only when stdin is
// one); an unknown host key is asked about on the terminal unless an option decided it.
class SshLogin
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::SshLogin)

public:
    // The options' lines for a command's --help.
    static QString optionsHelp();
    static void addOptions(QCommandLineParser& parser);
    // A usage error when the options contradict each other.
    static std::optional<QString> checkOptions(const QCommandLineParser& parser);

    // store must outlive the sessions made with callbacks(). mayAsk false: nothing is asked on the
    // terminal even when stdin is one (several targets are checked at once).
    SshLogin(const Target& target, const QCommandLineParser& parser, SecretStore& store, bool mayAsk = true);

    const SshSettings& settings() const { return m_settings; }
    const SshCallbacks& callbacks() const { return m_callbacks; }
    // After a failed login: says that a secret was needed but nothing was asked (no terminal).
    void noteIfUnasked(QTextStream& err) const;

private:
    SshSettings m_settings;
    SshCallbacks m_callbacks;
    bool m_mayAsk = true;
    std::shared_ptr<std::atomic_bool> m_unasked = std::make_shared<std::atomic_bool>(false);
};

} // namespace aio::cli
