#include "app/cli/TerminalPrompt.h"

#include "core/inventory/SecretStore.h"

#include <QCoreApplication>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <termios.h>
#include <unistd.h>

namespace aio::cli {

namespace {

// One question at a time on the terminal, whichever session asks.
std::mutex& terminalMutex()
{
    static std::mutex mutex;
    return mutex;
}

// Set after the user ended a question with Ctrl-D: nothing more is asked in this run (a session
// falls back from keyboard-interactive to password login, which would ask the same again).
std::atomic_bool g_userCancelled{false};

// The terminal settings to put back when a signal ends the process while echo is off (only
// async-signal-safe calls in the handler).
constexpr std::array<int, 4> interruptSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};
struct EchoOffState
{
    volatile sig_atomic_t active = 0;
    int fd = -1;
    termios settings{};
    std::array<struct sigaction, interruptSignals.size()> previous{};
};
EchoOffState g_echoOff;

extern "C" void restoreTerminalAndReraise(int signal)
{
    if (g_echoOff.active)
        ::tcsetattr(g_echoOff.fd, TCSANOW, &g_echoOff.settings);
    for (size_t i = 0; i < interruptSignals.size(); ++i) {
        if (interruptSignals[i] == signal)
            ::sigaction(signal, &g_echoOff.previous[i], nullptr);
    }
    ::raise(signal);
}

// The controlling terminal, opened for one question.
class Tty
{
public:
    Tty()
        : m_fd(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC))
    { }
    ~Tty()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Tty(const Tty&) = delete;
    Tty& operator=(const Tty&) = delete;

    bool isOpen() const { return m_fd >= 0; }

    void write(const QString& text) const
    {
        const QByteArray bytes = text.toUtf8();
        qsizetype done = 0;
        for (int tries = 0; done < bytes.size() && tries < 64; ++tries) {
            const ssize_t n = ::write(m_fd, bytes.constData() + done, size_t(bytes.size() - done));
            if (n > 0)
                done += n;
            else if (n < 0 && errno != EINTR)
                return;
        }
    }

    // Shows PROMPT and reads one line (without its newline); nullopt at EOF (Ctrl-D) or on a read
    // error. Echo goes off before the prompt is shown, so nothing typed after it is echoed; the
    // terminal is put back as it was on every way out, also when a signal ends the process.
    // TCSANOW keeps what the user typed ahead.
    std::optional<QByteArray> ask(const QString& prompt, bool echo) const
    {
        termios saved{};
        const bool quiet = !echo && ::tcgetattr(m_fd, &saved) == 0;
        if (quiet)
            echoOff(saved);
        write(prompt);
        std::optional<QByteArray> line = readRawLine();
        if (quiet) {
            restore(saved);
            write(QStringLiteral("\n")); // the user's Enter was not shown
        } else if (!line) {
            write(QStringLiteral("\n"));
        }
        return line;
    }

private:
    static constexpr qsizetype maxLineBytes = 4096;

    std::optional<QByteArray> readRawLine() const
    {
        QByteArray line;
        line.reserve(maxLineBytes); // no reallocation leaves copies of a secret behind
        int interrupted = 0;
        while (line.size() < maxLineBytes) {
            char c = 0;
            const ssize_t n = ::read(m_fd, &c, 1);
            if (n < 0 && errno == EINTR && ++interrupted < 100)
                continue;
            if (n <= 0) {
                if (line.isEmpty())
                    return std::nullopt;
                break; // Ctrl-D after some text ends the line
            }
            if (c == '\n')
                break;
            line.append(c);
        }
        if (line.endsWith('\r'))
            line.chop(1);
        return line;
    }

    void echoOff(const termios& saved) const
    {
        g_echoOff.fd = m_fd;
        g_echoOff.settings = saved;
        g_echoOff.active = 1;
        for (size_t i = 0; i < interruptSignals.size(); ++i) {
            struct sigaction current
            {
            };
            ::sigaction(interruptSignals[i], nullptr, &current);
            g_echoOff.previous[i] = current;
            if (current.sa_handler == SIG_IGN)
                continue; // ignored signals cannot end the process: leave them be
            struct sigaction handler
            {
            };
            handler.sa_handler = restoreTerminalAndReraise;
            sigemptyset(&handler.sa_mask);
            ::sigaction(interruptSignals[i], &handler, nullptr);
        }
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK | ECHONL);
        ::tcsetattr(m_fd, TCSANOW, &silent);
    }

    void restore(const termios& saved) const
    {
        ::tcsetattr(m_fd, TCSANOW, &saved);
        g_echoOff.active = 0;
        for (size_t i = 0; i < interruptSignals.size(); ++i)
            ::sigaction(interruptSignals[i], &g_echoOff.previous[i], nullptr);
    }

    int m_fd = -1;
};

bool isYes(const std::optional<QByteArray>& line)
{
    if (!line)
        return false;
    const QString answer = QString::fromUtf8(*line).trimmed().toLower();
    return answer == QLatin1String("y") || answer == QLatin1String("yes");
}

// A server's prompt is shown as text: control characters (terminal escape sequences) become '?'.
QString printable(const QString& text)
{
    QString shown;
    shown.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool control = (u < 0x20 && u != u'\n' && u != u'\t') || (u >= 0x7f && u < 0xa0);
        shown.append(control ? QChar(u'?') : c);
    }
    return shown;
}
} // namespace

bool TerminalPrompt::isInteractive()
{
    return ::isatty(STDIN_FILENO) == 1;
}

QString TerminalPrompt::promptFor(const SecretRequest& request)
{
    switch (request.kind) {
    case SecretRequest::Kind::LoginPassword:
        return TerminalPrompt::tr("Password for %1@%2: ").arg(request.user, request.host);
    case SecretRequest::Kind::KeyPassphrase:
        return request.keyPath.isEmpty() ? TerminalPrompt::tr("Passphrase for the SSH key: ")
                                         : TerminalPrompt::tr("Passphrase for key %1: ").arg(request.keyPath);
    case SecretRequest::Kind::SudoPassword:
        return TerminalPrompt::tr("sudo password for %1 on %2: ").arg(request.user, request.host);
    case SecretRequest::Kind::KeyboardInteractive: {
        // PAM's "Password: " is the login password: asked like one. Anything else is the server's
        // own text, after who asks (as OpenSSH shows it).
        if (secretKindFor(request) == SecretKind::Password)
            return TerminalPrompt::tr("Password for %1@%2: ").arg(request.user, request.host);
        const QString text = printable(request.prompt);
        return QStringLiteral("(%1@%2) ").arg(request.user, request.host)
            + (text.trimmed().isEmpty() ? TerminalPrompt::tr("Answer: ") : text);
    }
    }
    return {};
}

QString TerminalPrompt::retryNoteFor(const SecretRequest& request)
{
    if (request.attempt <= 1)
        return {};
    QString refused;
    switch (request.kind) {
    case SecretRequest::Kind::LoginPassword:
        refused = tr("The password was refused.");
        break;
    case SecretRequest::Kind::KeyPassphrase:
        refused = tr("The passphrase was refused: it does not decrypt the key.");
        break;
    case SecretRequest::Kind::SudoPassword:
        refused = tr("sudo refused the password.");
        break;
    case SecretRequest::Kind::KeyboardInteractive:
        refused = secretKindFor(request) ? tr("The password was refused.") : tr("The server asks again.");
        break;
    }
    return tr("%1 Attempt %2 of %3.").arg(refused).arg(request.attempt).arg(maxAttempts);
}

std::optional<SecretAnswer> TerminalPrompt::askSecret(const SecretRequest& request, bool canRemember)
{
    if (!isInteractive() || request.attempt > maxAttempts || g_userCancelled)
        return std::nullopt;
    std::lock_guard lock(terminalMutex());
    if (g_userCancelled)
        return std::nullopt;
    const Tty tty;
    if (!tty.isOpen())
        return std::nullopt;
    if (const QString note = retryNoteFor(request); !note.isEmpty())
        tty.write(note + QLatin1Char('\n'));
    const bool echo = request.kind == SecretRequest::Kind::KeyboardInteractive && request.echo;
    std::optional<QByteArray> line = tty.ask(promptFor(request), echo);
    if (!line) {
        g_userCancelled = true;
        return std::nullopt;
    }
    SecretAnswer answer;
    answer.secret = QString::fromUtf8(*line);
    line->fill('\0');
    if (canRemember && !echo && SecretStore::keychainSeemsAvailable()) {
        answer.remember = isYes(tty.ask(tr("Keep it in the keychain? [y/N] "), true));
    }
    return answer;
}

HostKeyDecision TerminalPrompt::askHostKey(const HostKeyCheck& check)
{
    if (!isInteractive())
        return HostKeyDecision::Reject;
    std::lock_guard lock(terminalMutex());
    const Tty tty;
    if (!tty.isOpen())
        return HostKeyDecision::Reject;
    tty.write(tr("The host key of %1 is not known yet.\n").arg(check.hostForDisplay()));
    tty.write(tr("%1 key fingerprint is %2.\n").arg(check.key.type, check.fingerprint()));
    tty.write(tr("Compare it with the fingerprint the host's administrator gives you.\n"));
    const std::optional<QByteArray> answer = tty.ask(tr("Trust this host key and remember it? [y/N] "), true);
    return isYes(answer) ? HostKeyDecision::TrustAndRemember : HostKeyDecision::Reject;
}

} // namespace aio::cli
