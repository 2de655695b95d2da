// The CLI asks on the terminal for what an SSH session needs (password, key passphrase, sudo
// password, an unknown host key), only when stdin is a terminal, with echo off. The real binary
// runs under a pseudo-terminal (forkpty) and does a dry-run deployment to vm-ready (198.18.0.2),
// which only reads the VM.

#include "common/TestbedEnv.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

namespace {

// One run of a program on a fresh pseudo-terminal: its stdin, stdout, stderr and controlling
// terminal are the pty's slave side; the test reads and types on the master side.
class PtyRun
{
public:
    PtyRun() = default;
    PtyRun(const PtyRun&) = delete;
    PtyRun& operator=(const PtyRun&) = delete;
    ~PtyRun()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        if (m_master >= 0)
            ::close(m_master);
    }

    bool start(const QString& program, const QStringList& args, const QProcessEnvironment& env)
    {
        // Everything the child needs is prepared before fork(): after it, only exec.
        std::vector<QByteArray> argStore{QFile::encodeName(program)};
        for (const QString& a : args)
            argStore.push_back(a.toLocal8Bit());
        std::vector<QByteArray> envStore;
        for (const QString& e : env.toStringList())
            envStore.push_back(e.toLocal8Bit());
        std::vector<char*> argv;
        for (QByteArray& a : argStore)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (QByteArray& e : envStore)
            envp.push_back(e.data());
        envp.push_back(nullptr);

        const pid_t pid = ::forkpty(&m_master, nullptr, nullptr, nullptr);
        if (pid < 0)
            return false;
        if (pid == 0) {
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        m_pid = pid;
        ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
        return true;
    }

    // Waits until TEXT appears in the output after what earlier waits consumed.
    bool waitFor(const QString& text, int timeoutMs = 30'000)
    {
        const QByteArray needle = text.toUtf8();
        QDeadlineTimer deadline(timeoutMs);
        while (true) {
            if (const qsizetype at = m_output.indexOf(needle, m_consumed); at >= 0) {
                m_consumed = at + needle.size();
                return true;
            }
            if (m_eof || deadline.hasExpired())
                return false;
            pump(int(qMin<qint64>(deadline.remainingTime(), 100)));
        }
    }

    void type(const QByteArray& keys) const
    {
        qsizetype done = 0;
        for (int tries = 0; done < keys.size() && tries < 100; ++tries) {
            const ssize_t n = ::write(m_master, keys.constData() + done, size_t(keys.size() - done));
            if (n > 0)
                done += n;
            else
                ::usleep(10'000);
        }
    }

    // The exit code, or -1 when it did not end in time (it is killed then) or died of a signal.
    int waitForExit(int timeoutMs = 60'000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!m_eof && !deadline.hasExpired())
            pump(int(qMin<qint64>(deadline.remainingTime(), 100)));
        int status = 0;
        while (m_pid > 0) {
            const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
            if (r == m_pid) {
                m_pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            if (deadline.hasExpired()) {
                ::kill(m_pid, SIGKILL);
                ::waitpid(m_pid, nullptr, 0);
                m_pid = -1;
                return -1;
            }
            ::usleep(20'000);
        }
        return -1;
    }

    QString output() const { return QString::fromUtf8(m_output); }
    // The terminal's settings (the master side reports the slave's).
    bool echoes() const
    {
        termios t{};
        return ::tcgetattr(m_master, &t) == 0 && (t.c_lflag & ECHO);
    }

private:
    void pump(int timeoutMs)
    {
        pollfd p{m_master, POLLIN, 0};
        if (::poll(&p, 1, qMax(timeoutMs, 0)) <= 0)
            return;
        char buf[4096];
        for (int i = 0; i < 64; ++i) {
            const ssize_t n = ::read(m_master, buf, sizeof buf);
            if (n > 0) {
                m_output.append(buf, n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR))
                m_eof = true; // EIO: every slave side is closed, the program ended
            return;
        }
    }

    pid_t m_pid = -1;
    int m_master = -1;
    QByteArray m_output;
    qsizetype m_consumed = 0;
    bool m_eof = false;
};

} // namespace

class TestCliPrompts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void loginPasswordIsAskedOnTheTerminalWithoutEcho();
    void refusedPasswordIsAskedAgainSayingItWasRefused();
    void ctrlDCancelsAndNothingMoreIsAsked();
    void ctrlCAtAPasswordLeavesTheTerminalEchoing();
    void encryptedKeyAsksForItsPassphraseOnce();
    void sudoPasswordIsAskedForTheOperator();
    void withoutTerminalNothingIsAskedAndTheErrorIsClear();
    void unknownHostKeyRefusedOnTheTerminalWritesNothing();
    void unknownHostKeyTrustedOnTheTerminalIsRemembered();
    void targetsCheckReportsWhatTheHostIs();
    void targetsCheckOfAGroupChecksEachAFewAtATime();

private:
    QString tb(const QString& key) const { return m_tb.value(QStringLiteral("AIO_TB_") + key); }
    QProcessEnvironment environment() const;
    QStringList deployArgs(const QString& target, bool knownHost = true) const;
    bool startDeploy(PtyRun& run, const QString& target, bool knownHost = true) const;
    QString addTarget(const QStringList& args) const; // empty, or what went wrong
    QString appKnownHosts() const { return m_profile.filePath(QStringLiteral("data/known_hosts")); }

    QHash<QString, QString> m_tb;
    QTemporaryDir m_profile;
    QString m_answers;
    QString m_emptyKnownHosts;
};

QProcessEnvironment TestCliPrompts::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // no keychain: every secret must be asked for
    env.remove(QStringLiteral("SSH_AUTH_SOCK"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("HOME"), m_profile.path()); // no ~/.ssh of whoever runs the test
    return env;
}

QStringList TestCliPrompts::deployArgs(const QString& target, bool knownHost) const
{
    QStringList args{QStringLiteral("--profile"),
                     m_profile.path(),
                     QStringLiteral("deploy"),
                     target,
                     QStringLiteral("--answers"),
                     m_answers,
                     QStringLiteral("--dry-run"),
                     QStringLiteral("--jwt-key-file"),
                     m_profile.filePath(QStringLiteral("jwt.pem"))};
    if (knownHost)
        args << QStringLiteral("--strict-host-key") << QStringLiteral("--known-hosts")
             << tb(QStringLiteral("KNOWN_HOSTS"));
    else
        args << QStringLiteral("--known-hosts") << m_emptyKnownHosts; // unknown, and no flag decides
    return args;
}

bool TestCliPrompts::startDeploy(PtyRun& run, const QString& target, bool knownHost) const
{
    return run.start(QStringLiteral(AIO_APP_PATH), deployArgs(target, knownHost), environment());
}

QString TestCliPrompts::addTarget(const QStringList& args) const
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(environment());
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(QStringLiteral(AIO_APP_PATH),
            QStringList{QStringLiteral("--profile"), m_profile.path(), QStringLiteral("targets"), QStringLiteral("add"),
                        QStringLiteral("vm")}
                + args);
    if (!p.waitForFinished(30'000)) {
        p.kill();
        p.waitForFinished(5'000);
        return QStringLiteral("targets add did not end within 30 s");
    }
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAll());
}

void TestCliPrompts::initTestCase()
{
    m_tb = aio::test::readTestbedEnv();
    QVERIFY2(!m_tb.isEmpty(), "the testbed is not up (tests/testbed/up; the CTest fixture testbed.up does it)");
    QVERIFY2(QFile::exists(QStringLiteral(AIO_APP_PATH)), AIO_APP_PATH);
    QVERIFY(m_profile.isValid());

    const QString host = tb(QStringLiteral("VM_READY_IP"));
    const QString user = tb(QStringLiteral("USER"));
    const QList<QStringList> targets{
        {QStringLiteral("pw"), QStringLiteral("--host"), host, QStringLiteral("--user"), user, QStringLiteral("--auth"),
         QStringLiteral("password"), QStringLiteral("--sudo")},
        {QStringLiteral("enc"), QStringLiteral("--host"), host, QStringLiteral("--user"), user,
         QStringLiteral("--auth"), QStringLiteral("key"), QStringLiteral("--key"), tb(QStringLiteral("KEY_ENCRYPTED")),
         QStringLiteral("--sudo")},
        {QStringLiteral("op"), QStringLiteral("--host"), host, QStringLiteral("--user"),
         tb(QStringLiteral("SUDOPW_USER")), QStringLiteral("--auth"), QStringLiteral("key"), QStringLiteral("--key"),
         tb(QStringLiteral("KEY")), QStringLiteral("--sudo")},
        {QStringLiteral("key"), QStringLiteral("--host"), host, QStringLiteral("--user"), user,
         QStringLiteral("--auth"), QStringLiteral("key"), QStringLiteral("--key"), tb(QStringLiteral("KEY")),
         QStringLiteral("--sudo")},
    };
    for (const QStringList& target : targets) {
        const QString error = addTarget(target);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // The answers of tests/integration/deploy (vm-ready is deployable); the dry-run changes nothing.
    const QString answers = QStringLiteral(R"({
        "version": 1,
        "container": {"image": "%1", "cpus": "1", "memory": "1g", "shmSize": "256m", "timeZone": "Europe/Berlin"},
        "publicHost": "%2",
        "tls": {"mode": "acme", "acme": {"email": "admin@example.org", "agreeTos": true,
                                         "directory": "%3", "caBundle": "%4"}},
        "edge": {},
        "sandboxAuth": {"jwt": true, "apiKey": false},
        "firewall": {"tool": "nftables", "adminSshCidrs": ["198.18.0.0/24"], "autoRevertSeconds": 60},
        "installMissing": false
    })")
                                .arg(tb(QStringLiteral("SANDBOX_IMAGE")), tb(QStringLiteral("VM_READY_NAME")),
                                     tb(QStringLiteral("ACME_DIRECTORY")), tb(QStringLiteral("ACME_CA_BUNDLE")));
    m_answers = m_profile.filePath(QStringLiteral("answers.json"));
    QFile a(m_answers);
    QVERIFY(a.open(QIODevice::WriteOnly));
    a.write(answers.toUtf8());
    a.close();
    m_emptyKnownHosts = m_profile.filePath(QStringLiteral("empty_known_hosts"));
    QFile e(m_emptyKnownHosts);
    QVERIFY(e.open(QIODevice::WriteOnly));
}

void TestCliPrompts::loginPasswordIsAskedOnTheTerminalWithoutEcho()
{
    const QString password = tb(QStringLiteral("PASSWORD"));
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("pw")));
    QVERIFY2(run.waitFor(QStringLiteral("Password for deploy@198.18.0.2: ")), qPrintable(run.output()));
    run.type(password.toUtf8() + '\n');
    const int code = run.waitForExit();
    const QString out = run.output();
    QVERIFY2(code == 0, qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("dry run, nothing is changed")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("previewed")), qPrintable(out));
    QVERIFY2(!out.contains(password), "the password was echoed or printed");
    QCOMPARE(out.count(QStringLiteral("Password for ")), 1); // asked once, then kept for this run
}

void TestCliPrompts::refusedPasswordIsAskedAgainSayingItWasRefused()
{
    const QString password = tb(QStringLiteral("PASSWORD"));
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("pw")));
    QVERIFY2(run.waitFor(QStringLiteral("Password for deploy@198.18.0.2: ")), qPrintable(run.output()));
    run.type("not-the-password\n");
    QVERIFY2(run.waitFor(QStringLiteral("The password was refused. Attempt 2 of 3.")), qPrintable(run.output()));
    QVERIFY2(run.waitFor(QStringLiteral("Password for deploy@198.18.0.2: ")), qPrintable(run.output()));
    run.type(password.toUtf8() + '\n');
    const int code = run.waitForExit();
    const QString out = run.output();
    QVERIFY2(code == 0, qPrintable(out));
    QVERIFY2(!out.contains(password), "the password was echoed or printed");
    QVERIFY2(!out.contains(QStringLiteral("not-the-password")), "the wrong password was echoed or printed");
}

void TestCliPrompts::ctrlDCancelsAndNothingMoreIsAsked()
{
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("pw")));
    QVERIFY2(run.waitFor(QStringLiteral("Password for deploy@198.18.0.2: ")), qPrintable(run.output()));
    run.type("\x04"); // Ctrl-D on an empty line: EOF
    const int code = run.waitForExit(30'000);
    const QString out = run.output();
    QCOMPARE(code, 1);
    QCOMPARE(out.count(QStringLiteral("Password for ")), 1);
    QVERIFY2(out.contains(QStringLiteral("Logging in to 198.18.0.2 as deploy failed.")), qPrintable(out));
}

void TestCliPrompts::ctrlCAtAPasswordLeavesTheTerminalEchoing()
{
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("pw")));
    QVERIFY2(run.waitFor(QStringLiteral("Password for deploy@198.18.0.2: ")), qPrintable(run.output()));
    QVERIFY(!run.echoes()); // echo is off while the password is typed
    run.type("\x03"); // Ctrl-C: SIGINT to the program
    QCOMPARE(run.waitForExit(30'000), -1); // ended by the signal
    QVERIFY2(run.echoes(), "the terminal was left with echo off");
}

void TestCliPrompts::encryptedKeyAsksForItsPassphraseOnce()
{
    const QString passphrase = tb(QStringLiteral("KEY_PASSPHRASE"));
    const QString prompt = QStringLiteral("Passphrase for key %1: ").arg(tb(QStringLiteral("KEY_ENCRYPTED")));
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("enc")));
    QVERIFY2(run.waitFor(prompt), qPrintable(run.output()));
    run.type(passphrase.toUtf8() + '\n');
    const int code = run.waitForExit();
    const QString out = run.output();
    QVERIFY2(code == 0, qPrintable(out));
    QVERIFY2(!out.contains(passphrase), "the passphrase was echoed or printed");
    QCOMPARE(out.count(QStringLiteral("Passphrase for key")), 1);
}

void TestCliPrompts::sudoPasswordIsAskedForTheOperator()
{
    const QString password = tb(QStringLiteral("SUDOPW_PASSWORD"));
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("op")));
    QVERIFY2(run.waitFor(QStringLiteral("sudo password for operator on 198.18.0.2: ")), qPrintable(run.output()));
    run.type(password.toUtf8() + '\n');
    const int code = run.waitForExit();
    const QString out = run.output();
    QVERIFY2(code == 0, qPrintable(out));
    QVERIFY2(!out.contains(password), "the sudo password was echoed or printed");
    QCOMPARE(out.count(QStringLiteral("sudo password for")), 1);
}

void TestCliPrompts::withoutTerminalNothingIsAskedAndTheErrorIsClear()
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(environment());
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(QStringLiteral(AIO_APP_PATH), deployArgs(QStringLiteral("pw")));
    QVERIFY(p.waitForStarted(10'000));
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished(5'000);
        QFAIL("the deploy did not end within 60 s without a terminal");
    }
    const QString out = QString::fromUtf8(p.readAll());
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(!out.contains(QStringLiteral("Password for")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Logging in to 198.18.0.2 as deploy failed.")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("stdin is not a terminal")), qPrintable(out));
}

void TestCliPrompts::unknownHostKeyRefusedOnTheTerminalWritesNothing()
{
    QFile::remove(appKnownHosts());
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("key"), false));
    QVERIFY2(run.waitFor(QStringLiteral("The host key of 198.18.0.2 is not known yet.")), qPrintable(run.output()));
    QVERIFY2(run.waitFor(QStringLiteral("key fingerprint is %1.").arg(tb(QStringLiteral("VM_READY_HOSTKEY_SHA256")))),
             qPrintable(run.output()));
    QVERIFY2(run.waitFor(QStringLiteral("Trust this host key and remember it? [y/N] ")), qPrintable(run.output()));
    run.type("n\n");
    const int code = run.waitForExit();
    const QString out = run.output();
    QCOMPARE(code, 1);
    QVERIFY2(out.contains(QStringLiteral("is not known and was not accepted")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("--accept-new-host-key")), qPrintable(out));
    QVERIFY2(!QFile::exists(appKnownHosts()), "the refused key was written to the profile's known_hosts");
}

void TestCliPrompts::unknownHostKeyTrustedOnTheTerminalIsRemembered()
{
    QFile::remove(appKnownHosts());
    PtyRun run;
    QVERIFY(startDeploy(run, QStringLiteral("key"), false));
    QVERIFY2(run.waitFor(QStringLiteral("key fingerprint is %1.").arg(tb(QStringLiteral("VM_READY_HOSTKEY_SHA256")))),
             qPrintable(run.output()));
    QVERIFY2(run.waitFor(QStringLiteral("Trust this host key and remember it? [y/N] ")), qPrintable(run.output()));
    run.type("y\n");
    const int code = run.waitForExit();
    const QString out = run.output();
    QVERIFY2(code == 0, qPrintable(out));
    QCOMPARE(out.count(QStringLiteral("Trust this host key")), 1); // the reconnects know it now
    QFile known(appKnownHosts());
    QVERIFY2(known.open(QIODevice::ReadOnly), "nothing was written to the profile's known_hosts");
    QVERIFY(known.readAll().startsWith("198.18.0.2 "));
}

void TestCliPrompts::targetsCheckReportsWhatTheHostIs()
{
    const QStringList strict{QStringLiteral("--strict-host-key"), QStringLiteral("--known-hosts"),
                             tb(QStringLiteral("KNOWN_HOSTS"))};
    const auto check = [&](const QString& target, QString* out) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setProcessEnvironment(environment());
        p.setStandardInputFile(QProcess::nullDevice());
        p.start(QStringLiteral(AIO_APP_PATH),
                QStringList{QStringLiteral("--profile"), m_profile.path(), QStringLiteral("targets"),
                            QStringLiteral("check"), target}
                    + strict);
        if (!p.waitForFinished(60'000)) {
            p.kill();
            p.waitForFinished(5'000);
            return -1;
        }
        *out = QString::fromUtf8(p.readAll());
        return p.exitCode();
    };
    QString out;
    QCOMPARE(check(QStringLiteral("key"), &out), 0);
    QVERIFY2(out.contains(QStringLiteral("Connected to key (deploy@198.18.0.2")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("User: deploy")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("System: Debian GNU/Linux 12")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Root commands: sudo works without a password")), qPrintable(out));
    QVERIFY2(out.contains(tb(QStringLiteral("VM_READY_HOSTKEY_SHA256"))), qPrintable(out));
    QCOMPARE(check(QStringLiteral("op"), &out), 0);
    QVERIFY2(out.contains(QStringLiteral("Root commands: sudo asks for a password")), qPrintable(out));
    // Without a terminal a password target cannot log in: a clear error and the note, exit 1.
    QCOMPARE(check(QStringLiteral("pw"), &out), 1);
    QVERIFY2(out.contains(QStringLiteral("stdin is not a terminal")), qPrintable(out));

    // On a terminal the password is asked for, once, and never shown.
    PtyRun run;
    QVERIFY(run.start(QStringLiteral(AIO_APP_PATH),
                      QStringList{QStringLiteral("--profile"), m_profile.path(), QStringLiteral("targets"),
                                  QStringLiteral("check"), QStringLiteral("pw")}
                          + strict,
                      environment()));
    QVERIFY2(run.waitFor(QStringLiteral("Password for deploy@198.18.0.2: ")), qPrintable(run.output()));
    run.type(tb(QStringLiteral("PASSWORD")).toUtf8() + '\n');
    QCOMPARE(run.waitForExit(), 0);
    QVERIFY2(run.output().contains(QStringLiteral("User: deploy")), qPrintable(run.output()));
    QVERIFY(!run.output().contains(tb(QStringLiteral("PASSWORD"))));
}

void TestCliPrompts::targetsCheckOfAGroupChecksEachAFewAtATime()
{
    // A group of three testbed logins and one port where nothing listens (refused at once).
    QVERIFY(
        addTarget({QStringLiteral("gone"), QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                   QStringLiteral("--port"), QStringLiteral("1"), QStringLiteral("--group"), QStringLiteral("fleet")})
            .isEmpty());
    QProcess edit;
    edit.setProcessEnvironment(environment());
    edit.start(QStringLiteral(AIO_APP_PATH),
               {QStringLiteral("--profile"), m_profile.path(), QStringLiteral("targets"), QStringLiteral("edit"),
                QStringLiteral("key"), QStringLiteral("op"), QStringLiteral("pw"), QStringLiteral("--group"),
                QStringLiteral("fleet")});
    QVERIFY(edit.waitForFinished(30'000));
    QCOMPARE(edit.exitCode(), 0);

    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(environment());
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(QStringLiteral(AIO_APP_PATH),
            {QStringLiteral("--profile"), m_profile.path(), QStringLiteral("targets"), QStringLiteral("check"),
             QStringLiteral("--group"), QStringLiteral("fleet"), QStringLiteral("--jobs"), QStringLiteral("3"),
             QStringLiteral("--strict-host-key"), QStringLiteral("--known-hosts"), tb(QStringLiteral("KNOWN_HOSTS"))});
    QVERIFY(p.waitForFinished(90'000));
    const QString out = QString::fromUtf8(p.readAll());
    QCOMPARE(p.exitCode(), 1); // some failed
    const QStringList lines = out.split(QLatin1Char('\n'));
    auto lineOf = [&](const QString& name) {
        for (const QString& line : lines) {
            if (line.startsWith(name + QLatin1Char(' ')))
                return line;
        }
        return QString();
    };
    QVERIFY2(lineOf(QStringLiteral("key")).contains(QStringLiteral("ok ")), qPrintable(out));
    QVERIFY2(lineOf(QStringLiteral("key")).contains(QStringLiteral("Debian GNU/Linux 12")), qPrintable(out));
    QVERIFY2(lineOf(QStringLiteral("op")).contains(QStringLiteral("sudo asks for a password")), qPrintable(out));
    QVERIFY2(lineOf(QStringLiteral("pw")).contains(QStringLiteral("FAILED")), qPrintable(out));
    QVERIFY2(lineOf(QStringLiteral("gone")).contains(QStringLiteral("FAILED")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("several targets were checked at once")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Reached: 2 of 4 VM targets.")), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestCliPrompts)
#include "TestCliPrompts.moc"
