#include "app/cli/SshLogin.h"

#include "app/cli/TerminalPrompt.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/SecretLookup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QPointer>
#include <QTextStream>

namespace aio::cli {

QString SshLogin::optionsHelp()
{
    return tr("  --accept-new-host-key     trust and remember the VM's host key on first contact\n"
              "  --strict-host-key         only connect when the host key is already known\n"
              "  --known-hosts FILE        read host keys from FILE instead of ~/.ssh/known_hosts (repeatable)\n");
}

void SshLogin::addOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {QStringLiteral("accept-new-host-key"), {}},
        {QStringLiteral("strict-host-key"), {}},
        {QStringLiteral("known-hosts"), {}, QStringLiteral("file")},
    });
}

std::optional<QString> SshLogin::checkOptions(const QCommandLineParser& parser)
{
    if (parser.isSet(QStringLiteral("accept-new-host-key")) && parser.isSet(QStringLiteral("strict-host-key")))
        return tr("--accept-new-host-key and --strict-host-key exclude each other.");
    return std::nullopt;
}

SshLogin::SshLogin(const Target& target, const QCommandLineParser& parser, SecretStore& store, bool mayAsk)
    : m_settings(SshSettings::forTarget(target))
    , m_mayAsk(mayAsk)
{
    if (parser.isSet(QStringLiteral("known-hosts")))
        m_settings.userKnownHostsFiles = parser.values(QStringLiteral("known-hosts"));
    if (parser.isSet(QStringLiteral("accept-new-host-key")))
        m_settings.hostKeyPolicy = HostKeyPolicy::AcceptNew;
    else if (parser.isSet(QStringLiteral("strict-host-key")))
        m_settings.hostKeyPolicy = HostKeyPolicy::Strict;

    const bool interactive = mayAsk && TerminalPrompt::isInteractive();
    SecretAsker asker = interactive ? SecretAsker(&TerminalPrompt::askSecret)
                                    : SecretAsker([unasked = m_unasked](const SecretRequest&, bool) {
                                          unasked->store(true);
                                          return std::optional<SecretAnswer>();
                                      });
    m_callbacks.secrets = makeSecretProvider(target.id, QPointer<SecretStore>(&store), std::move(asker));
    if (interactive && m_settings.hostKeyPolicy == HostKeyPolicy::Ask)
        m_callbacks.hostKeyDecider = &TerminalPrompt::askHostKey;
}

void SshLogin::noteIfUnasked(QTextStream& err) const
{
    if (m_unasked->load() && !m_mayAsk)
        err << tr(
            "note: a password or passphrase was needed and is not in the keychain; nothing was asked because several "
            "targets were checked at once. Check this target alone (or with --jobs 1) to be asked.")
            << Qt::endl;
    else if (m_unasked->load())
        err << tr("note: a password or passphrase was needed and is not in the keychain; nothing was asked because "
                  "stdin is not a terminal. Run the command from a terminal to be asked, or keep the secret in the "
                  "keychain (targets add vm … --password-stdin).")
            << Qt::endl;
}

} // namespace aio::cli
