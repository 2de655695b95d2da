#include "SshTestbed.h"

#include "core/ssh/SshSession.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <mutex>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace aio;
using namespace aio::test;

// Runs against the testbed VMs: vm-ready and the bastion; vm-scratch (default locale de_DE.UTF-8)
// for the host-key rotation and the host that speaks German.
class TestSshSession : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    // authentication
    void keyFileLogin_data();
    void keyFileLogin();
    void agentLogin();
    void encryptedKeyAsksForThePassphraseOnce();
    void passwordLogin();
    void keyboardInteractiveLogin();
    void failedLoginListsOfferedAndTriedMethods();
    void sshConfigIsHonouredAndSettingsOverrideIt();
    void proxyJumpGoesThroughTheBastion();
    void proxyJumpFromSshConfig();

    // host keys
    void unknownHostKeyAsksWithTheRightFingerprint();
    void trustAndRememberWritesOnlyTheAppFile();
    void changedHostKeyIsRefusedAndNothingWritten();
    void replaceStoredKeyLetsTheConnectionThrough();
    void hashedKnownHostsEntryIsRecognised();
    void rotatedHostKeyOnVmScratchIsRefused();

    // commands
    void linesArriveWhileTheCommandRuns();
    void cancelKillsTheRemoteProcess();
    void timeoutKillsTheRemoteProcess();
    void hostileArgumentsArriveByteForByte();
    void stdinIsDelivered();
    void nonZeroExitIsAnOutcomeNotAnError();
    void missingCommandIsCommandNotFound();
    void commandsRunSideBySide();
    void lostConnectionIsReportedAndTheNextCommandReconnects();
    void ptyCommandRunsOnATerminal();
    void endlessStreamsNeedNotKeepTheirOutput();
    void directTcpipReachesAServiceOnTheHost();
    void directTcpipCarriesBulkDataBothWays();

    // files
    void uploadAndDownload100MegabytesKeepsTheHash();
    void uploadIsAtomicAndSetsTheMode();
    void sudoUploadToARootOwnedPath();
    void downloadOfAMissingFileIsNotFound();

    // sudo and failures
    void sudoWithoutPassword();
    void rootCommandsRunAsTheUserWhenTheTargetSaysNoSudo();
    void sudoWithPasswordAsksOnceAndNeverLeaksIt();
    void wrongSudoPasswordIsRefused();
    void aHostThatSpeaksGermanIsStillUnderstood();
    void addressThatNeverAnswersTimesOut();
    void refusedPortIsConnectionRefused();

private:
    SshSettings ready(const QString& user = {}) const
    {
        return m_tb.settings(QStringLiteral("VM_READY"), m_appKnownHosts, user);
    }
    QString remoteTemp() const
    {
        return QStringLiteral("/tmp/aio-ssh-test-%1").arg(QRandomGenerator::global()->generate64(), 0, 16);
    }
    // Number of processes on the host whose command line contains `needle`, counted without
    // matching the counting command itself.
    int countRemote(SshSession& ssh, const QString& needle)
    {
        QString pattern = needle;
        pattern.insert(pattern.size() - 1, QLatin1Char('['));
        pattern.insert(pattern.size(), QLatin1Char(']'));
        auto r = ssh.run(RemoteCommand::shell(QStringLiteral("grep -la -- %1 /proc/[0-9]*/cmdline 2>/dev/null | wc -l")
                                                  .arg(QStringLiteral("'") + pattern + QStringLiteral("'"))));
        if (!r)
            return -1;
        return r->stdoutData.trimmed().toInt();
    }

    SshTestbed m_tb;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_appKnownHosts;
};

void TestSshSession::initTestCase()
{
    QVERIFY2(m_tb.isUp(), "the testbed is not up: /run/aio-testbed/testbed.env is missing");
}

void TestSshSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_appKnownHosts = m_dir->filePath(QStringLiteral("app/known_hosts"));
}

void TestSshSession::keyFileLogin_data()
{
    QTest::addColumn<QString>("keyVar");
    QTest::newRow("ed25519") << QStringLiteral("KEY");
    QTest::newRow("ecdsa") << QStringLiteral("KEY_ECDSA");
    QTest::newRow("rsa") << QStringLiteral("KEY_RSA");
}

void TestSshSession::keyFileLogin()
{
    QFETCH(QString, keyVar);
    SshSettings s = ready();
    s.identityFiles = {m_tb.value(keyVar)};
    SshSession ssh(s);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-un")}));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(r->stdoutData.trimmed(), m_tb.value(QStringLiteral("USER")).toUtf8());
}

void TestSshSession::agentLogin()
{
    QTemporaryDir agentDir;
    const QString sock = agentDir.filePath(QStringLiteral("agent.sock"));
    QProcess agent;
    agent.start(QStringLiteral("ssh-agent"), {QStringLiteral("-D"), QStringLiteral("-a"), sock});
    QVERIFY(agent.waitForStarted(5000));
    for (int i = 0; i < 100 && !QFile::exists(sock); ++i)
        QThread::msleep(50);
    QProcess add;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SSH_AUTH_SOCK"), sock);
    add.setProcessEnvironment(env);

    SshSettings s = ready();
    s.identityFiles.clear();
    s.useAgent = true;
    s.agentSocket = sock;
    {
        SshSession empty(s); // the agent holds no key yet: login must fail
        auto r = empty.run(RemoteCommand::args({QStringLiteral("true")}));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, ErrorKind::AuthenticationFailed);
    }
    add.start(QStringLiteral("ssh-add"), {m_tb.value(QStringLiteral("KEY"))});
    QVERIFY(add.waitForFinished(10000));
    QCOMPARE(add.exitCode(), 0);
    SshSession ssh(s);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("echo"), QStringLiteral("via-agent")}));
    agent.terminate();
    agent.waitForFinished(3000);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(r->stdoutData, QByteArray("via-agent\n"));
}

void TestSshSession::encryptedKeyAsksForThePassphraseOnce()
{
    SshSettings s = ready();
    s.identityFiles = {m_tb.value(QStringLiteral("KEY_ENCRYPTED"))};
    std::atomic_int asked{0};
    SshCallbacks cb;
    cb.secrets = [&](const SecretRequest& req) -> std::optional<QString> {
        if (req.kind != SecretRequest::Kind::KeyPassphrase)
            return std::nullopt;
        ++asked;
        [&] {
            QCOMPARE(req.keyPath, m_tb.value(QStringLiteral("KEY_ENCRYPTED")));
        }();
        return m_tb.value(QStringLiteral("KEY_PASSPHRASE"));
    };
    SshSession ssh(s, cb);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("true")}));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    auto r2 = ssh.run(RemoteCommand::args({QStringLiteral("true")}));
    QVERIFY(r2);
    QCOMPARE(asked.load(), 1);
}

void TestSshSession::passwordLogin()
{
    SshSettings s = ready();
    s.identityFiles.clear();
    s.allowPassword = true;
    QList<SecretRequest::Kind> kinds;
    SshCallbacks cb;
    cb.secrets = [&](const SecretRequest& req) -> std::optional<QString> {
        kinds << req.kind;
        return m_tb.value(QStringLiteral("PASSWORD"));
    };
    SshSession ssh(s, cb);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-un")}));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(kinds, QList<SecretRequest::Kind>{SecretRequest::Kind::LoginPassword});
}

void TestSshSession::keyboardInteractiveLogin()
{
    SshSettings s = ready();
    s.identityFiles.clear();
    s.allowKeyboardInteractive = true;
    QStringList prompts;
    SshCallbacks cb;
    cb.secrets = [&](const SecretRequest& req) -> std::optional<QString> {
        if (req.kind != SecretRequest::Kind::KeyboardInteractive)
            return std::nullopt;
        prompts << req.prompt;
        return m_tb.value(QStringLiteral("PASSWORD"));
    };
    SshSession ssh(s, cb);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("true")}));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QVERIFY(!prompts.isEmpty());
    QVERIFY2(prompts.first().contains(QLatin1String("assword")), qPrintable(prompts.first()));
}

void TestSshSession::failedLoginListsOfferedAndTriedMethods()
{
    QTemporaryDir keys;
    const QString stranger = keys.filePath(QStringLiteral("stranger"));
    QVERIFY(QProcess::execute(QStringLiteral("ssh-keygen"),
                              {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                               QStringLiteral("-N"), QString(), QStringLiteral("-f"), stranger})
            == 0);
    SshSettings s = ready();
    s.identityFiles = {stranger};
    SshSession ssh(s);
    auto st = ssh.connectToHost();
    QVERIFY(!st);
    QCOMPARE(st.error().kind, ErrorKind::AuthenticationFailed);
    QVERIFY2(st.error().detail.contains(QLatin1String("offered: publickey")), qPrintable(st.error().detail));
    QVERIFY2(st.error().detail.contains(stranger), qPrintable(st.error().detail));
    QCOMPARE(st.error().target, s.targetName);
    QVERIFY(!st.error().nextStep.isEmpty());
}

void TestSshSession::sshConfigIsHonouredAndSettingsOverrideIt()
{
    const QString config = m_dir->filePath(QStringLiteral("ssh_config"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QStringLiteral("Host tb-ready\n  HostName %1\n  Port %2\n  User nobody-by-config\n  IdentityFile %3\n")
                .arg(m_tb.value(QStringLiteral("VM_READY_IP")))
                .arg(m_tb.sshPort())
                .arg(m_tb.value(QStringLiteral("KEY")))
                .toUtf8());
    f.close();
    SshSettings s = ready();
    s.host = *HostName::parse(QStringLiteral("tb-ready"));
    s.port = 0;
    s.identityFiles.clear();
    s.useDefaultIdentities = true; // IdentityFile comes from the config
    s.useSshConfig = true;
    s.sshConfigFile = config;
    // The config's user does not exist; the target's own user overrides it.
    SshSession ssh(s);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-un")}));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(r->stdoutData.trimmed(), m_tb.value(QStringLiteral("USER")).toUtf8());
    QCOMPARE(ssh.lastHostKeyCheck().host, m_tb.value(QStringLiteral("VM_READY_IP")));
}

void TestSshSession::proxyJumpGoesThroughTheBastion()
{
    SshSettings s = ready();
    s.jumpHosts = {*SshHop::parse(QStringLiteral("%1@%2:%3")
                                      .arg(m_tb.value(QStringLiteral("USER")), m_tb.value(QStringLiteral("BASTION_IP")))
                                      .arg(m_tb.sshPort()))};
    SshSession ssh(s);
    auto r = ssh.run(RemoteCommand::shell(QStringLiteral("echo \"$SSH_CONNECTION\"")));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    const QList<QByteArray> parts = r->stdoutData.trimmed().split(' ');
    QCOMPARE(parts.size(), 4);
    QCOMPARE(QString::fromUtf8(parts[0]), m_tb.value(QStringLiteral("BASTION_IP")));
    QCOMPARE(QString::fromUtf8(parts[2]), m_tb.value(QStringLiteral("VM_READY_IP")));
}

void TestSshSession::proxyJumpFromSshConfig()
{
    const QString config = m_dir->filePath(QStringLiteral("ssh_config"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QStringLiteral("Host %1\n  ProxyJump %2@%3:%4\n")
                .arg(m_tb.value(QStringLiteral("VM_READY_IP")), m_tb.value(QStringLiteral("USER")),
                     m_tb.value(QStringLiteral("BASTION_IP")))
                .arg(m_tb.sshPort())
                .toUtf8());
    f.close();
    SshSettings s = ready();
    s.useSshConfig = true;
    s.sshConfigFile = config;
    SshSession ssh(s);
    auto r = ssh.run(RemoteCommand::shell(QStringLiteral("echo \"$SSH_CONNECTION\"")));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(QString::fromUtf8(r->stdoutData.split(' ').value(0)), m_tb.value(QStringLiteral("BASTION_IP")));
}

void TestSshSession::unknownHostKeyAsksWithTheRightFingerprint()
{
    SshSettings s = ready();
    s.userKnownHostsFiles = {QString()};
    s.hostKeyPolicy = HostKeyPolicy::Ask;
    QList<HostKeyCheck> asked;
    SshCallbacks cb;
    cb.hostKeyDecider = [&](const HostKeyCheck& c) {
        asked << c;
        return HostKeyDecision::Reject;
    };
    SshSession ssh(s, cb);
    auto st = ssh.connectToHost();
    QVERIFY(!st);
    QCOMPARE(st.error().kind, ErrorKind::HostKeyUnknown);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked[0].status, HostKeyStatus::Unknown);
    QCOMPARE(asked[0].key.type, QStringLiteral("ssh-ed25519"));
    QCOMPARE(asked[0].fingerprint(), m_tb.value(QStringLiteral("VM_READY_HOSTKEY_SHA256")));
    QVERIFY(st.error().detail.contains(asked[0].fingerprint()));
    QVERIFY(!QFile::exists(m_appKnownHosts));
    QCOMPARE(ssh.lastHostKeyCheck().fingerprint(), asked[0].fingerprint());

    // Accept once: connects, remembers nothing.
    SshCallbacks once;
    once.hostKeyDecider = [](const HostKeyCheck&) {
        return HostKeyDecision::AcceptOnce;
    };
    SshSession ssh2(s, once);
    QVERIFY(ssh2.connectToHost());
    QVERIFY(!QFile::exists(m_appKnownHosts));

    // Strict policy never asks.
    s.hostKeyPolicy = HostKeyPolicy::Strict;
    SshSession ssh3(s, cb);
    QVERIFY(!ssh3.connectToHost());
    QCOMPARE(asked.size(), 1);
}

void TestSshSession::trustAndRememberWritesOnlyTheAppFile()
{
    const QString userFile = m_dir->filePath(QStringLiteral("user_known_hosts"));
    QFile uf(userFile);
    QVERIFY(uf.open(QIODevice::WriteOnly));
    uf.write("# the user's file stays as it is\n");
    uf.close();
    SshSettings s = ready();
    s.userKnownHostsFiles = {userFile};
    s.hostKeyPolicy = HostKeyPolicy::Ask;
    SshCallbacks cb;
    cb.hostKeyDecider = [](const HostKeyCheck&) {
        return HostKeyDecision::TrustAndRemember;
    };
    {
        SshSession ssh(s, cb);
        QVERIFY(ssh.connectToHost());
    }
    QFile uf2(userFile);
    QVERIFY(uf2.open(QIODevice::ReadOnly));
    QCOMPARE(uf2.readAll(), QByteArray("# the user's file stays as it is\n"));
    QFile af(m_appKnownHosts);
    QVERIFY(af.open(QIODevice::ReadOnly));
    const QByteArray app = af.readAll();
    QVERIFY2(app.contains("ssh-ed25519 "), app.constData());
    // Now known: Strict connects without asking.
    s.hostKeyPolicy = HostKeyPolicy::Strict;
    SshSession again(s);
    QVERIFY(again.connectToHost());
    QCOMPARE(again.lastHostKeyCheck().status, HostKeyStatus::Known);
}

static QByteArray otherEd25519Line(const QString& dir, const QString& host)
{
    const QString path = dir + QStringLiteral("/impostor");
    QProcess::execute(QStringLiteral("ssh-keygen"),
                      {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                       QString(), QStringLiteral("-f"), path});
    QFile pub(path + QStringLiteral(".pub"));
    if (!pub.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> parts = pub.readAll().split(' ');
    return host.toUtf8() + ' ' + parts.value(0) + ' ' + parts.value(1) + '\n';
}

void TestSshSession::changedHostKeyIsRefusedAndNothingWritten()
{
    SshSettings s = ready();
    const QString hostName = QString::fromUtf8(KnownHosts::hostKeyName(s.host.toString(), s.port));
    const QString userFile = m_dir->filePath(QStringLiteral("user_known_hosts"));
    const QByteArray stale = otherEd25519Line(m_dir->path(), hostName);
    QVERIFY(!stale.isEmpty());
    QFile uf(userFile);
    QVERIFY(uf.open(QIODevice::WriteOnly));
    uf.write(stale);
    uf.close();
    s.userKnownHostsFiles = {userFile};
    s.hostKeyPolicy = HostKeyPolicy::AcceptNew; // even the most permissive policy must refuse
    bool asked = false;
    SshCallbacks cb;
    cb.hostKeyDecider = [&](const HostKeyCheck&) {
        asked = true;
        return HostKeyDecision::TrustAndRemember;
    };
    SshSession ssh(s, cb);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("touch"), QStringLiteral("/tmp/aio-should-not-exist")}));
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::HostKeyChanged);
    QVERIFY(!asked);
    const HostKeyCheck c = ssh.lastHostKeyCheck();
    QCOMPARE(c.status, HostKeyStatus::Changed);
    QCOMPARE(c.fingerprint(), m_tb.value(QStringLiteral("VM_READY_HOSTKEY_SHA256")));
    QCOMPARE(c.storedFingerprints.size(), 1);
    QVERIFY(c.storedFingerprints[0] != c.fingerprint());
    QVERIFY(r.error().detail.contains(c.fingerprint()));
    QVERIFY(r.error().detail.contains(c.storedFingerprints[0]));
    QVERIFY(!QFile::exists(m_appKnownHosts));
    QFile uf2(userFile);
    QVERIFY(uf2.open(QIODevice::ReadOnly));
    QCOMPARE(uf2.readAll(), stale);
    QVERIFY(!ssh.isConnected());
}

void TestSshSession::replaceStoredKeyLetsTheConnectionThrough()
{
    SshSettings s = ready();
    const QString hostName = QString::fromUtf8(KnownHosts::hostKeyName(s.host.toString(), s.port));
    const QString userFile = m_dir->filePath(QStringLiteral("user_known_hosts"));
    const QByteArray stale = otherEd25519Line(m_dir->path(), hostName);
    QFile uf(userFile);
    QVERIFY(uf.open(QIODevice::WriteOnly));
    uf.write(stale);
    uf.close();
    s.userKnownHostsFiles = {userFile};
    SshSession ssh(s);
    QCOMPARE(ssh.connectToHost().error().kind, ErrorKind::HostKeyChanged);
    const HostKeyCheck c = ssh.lastHostKeyCheck();
    QVERIFY(ssh.knownHosts().replaceStoredKey(c.host, c.port, c.key));
    QVERIFY(ssh.connectToHost());
    QCOMPARE(ssh.lastHostKeyCheck().status, HostKeyStatus::Known);
    QFile uf2(userFile);
    QVERIFY(uf2.open(QIODevice::ReadOnly));
    QCOMPARE(uf2.readAll(), stale); // the user's own file is never rewritten
}

void TestSshSession::hashedKnownHostsEntryIsRecognised()
{
    const QString hashed = m_dir->filePath(QStringLiteral("hashed_known_hosts"));
    QVERIFY(QFile::copy(m_tb.value(QStringLiteral("KNOWN_HOSTS")), hashed));
    QFile::setPermissions(hashed, QFile::ReadOwner | QFile::WriteOwner);
    QCOMPARE(QProcess::execute(QStringLiteral("ssh-keygen"),
                               {QStringLiteral("-q"), QStringLiteral("-H"), QStringLiteral("-f"), hashed}),
             0);
    QFile f(hashed);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY2(text.startsWith("|1|"), text.constData());
    QVERIFY(!text.contains(m_tb.value(QStringLiteral("VM_READY_IP")).toUtf8()));
    SshSettings s = ready();
    s.userKnownHostsFiles = {hashed};
    SshSession ssh(s);
    QVERIFY(ssh.connectToHost());
    QCOMPARE(ssh.lastHostKeyCheck().status, HostKeyStatus::Known);
    QVERIFY(ssh.lastHostKeyCheck().storedWhere.value(0).startsWith(hashed));
}

void TestSshSession::rotatedHostKeyOnVmScratchIsRefused()
{
    if (m_tb.value(QStringLiteral("VM_SCRATCH_UP")) == QLatin1String("0"))
        QSKIP("this testbed was brought up without vm-scratch (tests/testbed/up without it)");
    const QString rotate = m_tb.value(QStringLiteral("ROTATE_HOSTKEY"));
    QVERIFY(QFile::exists(rotate));
    SshSettings s = m_tb.settings(QStringLiteral("VM_SCRATCH"), m_appKnownHosts);
    {
        SshSession before(s);
        auto st = before.connectToHost(); // the testbed's known_hosts holds the original key
        QVERIFY2(st, qPrintable(st ? QString() : st.error().toString()));
    }
    QProcess p;
    p.start(rotate, {QStringLiteral("vm-scratch")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QString newFingerprint = QString::fromUtf8(p.readAllStandardOutput().trimmed().split('\n').last());
    auto restore = qScopeGuard([&] {
        QProcess r;
        r.start(rotate, {QStringLiteral("vm-scratch"), QStringLiteral("--restore")});
        r.waitForFinished(60000);
    });
    QVERIFY2(newFingerprint.startsWith(QLatin1String("SHA256:")), qPrintable(newFingerprint));
    QVERIFY(newFingerprint != m_tb.value(QStringLiteral("VM_SCRATCH_HOSTKEY_SHA256")));

    bool asked = false;
    SshCallbacks cb;
    cb.hostKeyDecider = [&](const HostKeyCheck&) {
        asked = true;
        return HostKeyDecision::TrustAndRemember;
    };
    SshSession ssh(s, cb);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("true")}));
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::HostKeyChanged);
    QVERIFY(!asked);
    const HostKeyCheck c = ssh.lastHostKeyCheck();
    QCOMPARE(c.fingerprint(), newFingerprint);
    QCOMPARE(c.storedFingerprints, QStringList{m_tb.value(QStringLiteral("VM_SCRATCH_HOSTKEY_SHA256"))});
    QVERIFY(!QFile::exists(m_appKnownHosts)); // nothing written

    // The explicit action: replace, then the connection goes through; the testbed file is untouched.
    QVERIFY(ssh.knownHosts().replaceStoredKey(c.host, c.port, c.key));
    auto ok = ssh.run(RemoteCommand::args({QStringLiteral("true")}));
    QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().toString()));
    restore.dismiss();
    QProcess back;
    back.start(rotate, {QStringLiteral("vm-scratch"), QStringLiteral("--restore")});
    QVERIFY(back.waitForFinished(60000));
    QCOMPARE(back.exitCode(), 0);
    SshSession after(m_tb.settings(QStringLiteral("VM_SCRATCH"), m_dir->filePath(QStringLiteral("fresh"))));
    QVERIFY(after.connectToHost());
}

void TestSshSession::linesArriveWhileTheCommandRuns()
{
    SshSession ssh(ready());
    QVERIFY(ssh.connectToHost());
    QElapsedTimer clock;
    std::mutex m;
    QList<QPair<qint64, QByteArray>> lines;
    clock.start();
    auto r = ssh.run(RemoteCommand::shell(QStringLiteral("for i in 1 2 3; do echo $i; sleep 1; done")),
                     [&](OutputChannel ch, const QByteArray& line) {
                         std::lock_guard lock(m);
                         if (ch == OutputChannel::Stdout)
                             lines << qMakePair(clock.elapsed(), line);
                     });
    const qint64 end = clock.elapsed();
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0].second, QByteArray("1"));
    QCOMPARE(lines[2].second, QByteArray("3"));
    QVERIFY2(end - lines[0].first > 1500,
             qPrintable(QStringLiteral("first line at %1 ms, end at %2 ms").arg(lines[0].first).arg(end)));
    QCOMPARE(r->stdoutData, QByteArray("1\n2\n3\n"));
}

void TestSshSession::cancelKillsTheRemoteProcess()
{
    SshSession ssh(ready());
    CancelToken cancel;
    std::atomic_bool started{false};
    QElapsedTimer clock;
    clock.start();
    auto future = QtConcurrent::run([&] {
        return ssh.run(
            RemoteCommand::shell(QStringLiteral("echo started; sleep 31717; echo never")),
            [&](OutputChannel, const QByteArray& line) {
                if (line == "started")
                    started = true;
            },
            cancel);
    });
    for (int i = 0; i < 200 && !started; ++i)
        QThread::msleep(50);
    QVERIFY(started);
    QCOMPARE(countRemote(ssh, QStringLiteral("sleep 31717")), 1);
    cancel.cancel();
    future.waitForFinished();
    auto r = future.result();
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::Cancelled);
    QVERIFY(clock.elapsed() < 20'000);
    QCOMPARE(countRemote(ssh, QStringLiteral("sleep 31717")), 0);
}

void TestSshSession::timeoutKillsTheRemoteProcess()
{
    SshSession ssh(ready());
    RemoteCommand cmd = RemoteCommand::shell(QStringLiteral("sleep 31718 & wait"));
    cmd.timeoutMs = 1500;
    auto r = ssh.run(cmd);
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::Timeout);
    QCOMPARE(countRemote(ssh, QStringLiteral("sleep 31718")), 0);
}

void TestSshSession::hostileArgumentsArriveByteForByte()
{
    const QStringList hostile{QStringLiteral("it's"),
                              QStringLiteral("\"double\""),
                              QStringLiteral("$(touch /tmp/aio-pwned)"),
                              QStringLiteral("`id`"),
                              QStringLiteral("line1\nline2"),
                              QStringLiteral("a; rm -rf /tmp/aio-nothing"),
                              QStringLiteral("* ? [x] ~ $HOME ${PATH} !! \\ |&<>"),
                              QStringLiteral(""),
                              QStringLiteral("-n"),
                              QStringLiteral("tab\there"),
                              QString::fromUtf8("caf\xc3\xa9 \xe2\x9c\x93")};
    SshSession ssh(ready());
    QStringList argv{QStringLiteral("printf"), QStringLiteral("%s\\0")};
    argv << hostile;
    auto r = ssh.run(RemoteCommand::args(argv));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QByteArray expected;
    for (const QString& a : hostile)
        expected += a.toUtf8() + '\0';
    QCOMPARE(r->stdoutData, expected);
    auto pwned = ssh.run(
        RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-e"), QStringLiteral("/tmp/aio-pwned")}));
    QVERIFY(pwned);
    QCOMPARE(pwned->exitCode, 1);
    // The same through sudo.
    argv[1] = QStringLiteral("%s\\0");
    auto rs = ssh.run(RemoteCommand::args(argv).asRoot());
    QVERIFY2(rs, qPrintable(rs ? QString() : rs.error().toString()));
    QCOMPARE(rs->stdoutData, expected);
}

void TestSshSession::stdinIsDelivered()
{
    SshSession ssh(ready());
    RemoteCommand cmd = RemoteCommand::args({QStringLiteral("cat")});
    cmd.stdinData = QByteArray("first\nsecond\0third", 18);
    auto r = ssh.run(cmd);
    QVERIFY(r);
    QCOMPARE(r->stdoutData, cmd.stdinData);
}

void TestSshSession::nonZeroExitIsAnOutcomeNotAnError()
{
    SshSession ssh(ready());
    auto r = ssh.run(RemoteCommand::shell(QStringLiteral("echo out; echo err >&2; exit 3")));
    QVERIFY(r);
    QCOMPARE(r->exitCode, 3);
    QCOMPARE(r->stdoutData, QByteArray("out\n"));
    QCOMPARE(r->stderrData, QByteArray("err\n")); // the pid marker is not part of stderr
}

void TestSshSession::missingCommandIsCommandNotFound()
{
    SshSession ssh(ready());
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("aio-no-such-command"), QStringLiteral("x")}));
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::CommandNotFound);
    QVERIFY(r.error().detail.contains(QLatin1String("aio-no-such-command")));
}

void TestSshSession::commandsRunSideBySide()
{
    SshSession ssh(ready());
    QVERIFY(ssh.connectToHost());
    QElapsedTimer clock;
    clock.start();
    QList<QFuture<Result<CommandOutcome>>> futures;
    for (int i = 0; i < 4; ++i)
        futures << QtConcurrent::run(
            [&ssh, i] { return ssh.run(RemoteCommand::shell(QStringLiteral("sleep 2; echo %1").arg(i))); });
    for (int i = 0; i < 4; ++i) {
        futures[i].waitForFinished();
        auto r = futures[i].result();
        QVERIFY(r);
        QCOMPARE(r->stdoutData.trimmed(), QByteArray::number(i));
    }
    QVERIFY2(clock.elapsed() < 7000, "four 2 s commands on one connection must overlap");
}

void TestSshSession::lostConnectionIsReportedAndTheNextCommandReconnects()
{
    SshSession ssh(ready());
    QVERIFY(ssh.connectToHost());
    // The command kills the sshd process serving this connection (it runs as the same user).
    RemoteCommand cmd = RemoteCommand::shell(QStringLiteral("echo before; sleep 0.3; kill -9 $PPID; sleep 10"));
    cmd.timeoutMs = 30'000;
    QElapsedTimer clock;
    clock.start();
    auto r = ssh.run(cmd);
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::ConnectionLost);
    QVERIFY(clock.elapsed() < 9000);
    QVERIFY(!ssh.isConnected());
    auto again = ssh.run(RemoteCommand::args({QStringLiteral("echo"), QStringLiteral("back")}));
    QVERIFY2(again, qPrintable(again ? QString() : again.error().toString()));
    QCOMPARE(again->stdoutData, QByteArray("back\n"));
}

void TestSshSession::ptyCommandRunsOnATerminal()
{
    SshSession ssh(ready());
    RemoteCommand cmd = RemoteCommand::shell(QStringLiteral("tty; echo to-stderr >&2"));
    cmd.pty = true;
    QList<QByteArray> lines;
    auto r = ssh.run(cmd, [&](OutputChannel, const QByteArray& line) { lines << line; });
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(r->exitCode, 0);
    QCOMPARE(lines.size(), 2); // a terminal merges stderr into stdout; the pid marker is not shown
    QVERIFY2(lines[0].startsWith("/dev/pts/"), lines[0].constData());
    QCOMPARE(lines[1], QByteArray("to-stderr"));

    // Input is not echoed back (it may be a sudo password).
    RemoteCommand reader = RemoteCommand::shell(QStringLiteral("read x; echo \"got:$x\""));
    reader.pty = true;
    reader.stdinData = "not-to-be-echoed\n";
    auto rr = ssh.run(reader);
    QVERIFY2(rr, qPrintable(rr ? QString() : rr.error().toString()));
    QCOMPARE(rr->stdoutData, QByteArray("got:not-to-be-echoed\r\n"));
}

void TestSshSession::endlessStreamsNeedNotKeepTheirOutput()
{
    SshSession ssh(ready());
    RemoteCommand cmd = RemoteCommand::shell(QStringLiteral("seq 1 200000; sleep 1; echo done >&2"));
    cmd.keepOutput = false;
    cmd.timeoutMs = 0; // no limit
    qint64 lines = 0;
    QByteArray last;
    auto r = ssh.run(cmd, [&](OutputChannel ch, const QByteArray& line) {
        if (ch == OutputChannel::Stdout) {
            ++lines;
            last = line;
        }
    });
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(lines, 200000);
    QCOMPARE(last, QByteArray("200000"));
    QVERIFY(r->stdoutData.isEmpty());
    QCOMPARE(r->stderrData, QByteArray("done\n"));
}

static QByteArray readSome(int fd, int timeoutMs)
{
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeoutMs) <= 0)
        return {};
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    return n > 0 ? QByteArray(buf, n) : QByteArray();
}

void TestSshSession::directTcpipReachesAServiceOnTheHost()
{
    SshSession ssh(ready());
    QList<int> fds;
    for (int i = 0; i < 3; ++i) { // several at once on one connection
        auto fd = ssh.openDirectTcpip(QStringLiteral("127.0.0.1"), 22);
        QVERIFY2(fd, qPrintable(fd ? QString() : fd.error().toString()));
        fds << *fd;
    }
    for (int fd : fds) {
        const QByteArray banner = readSome(fd, 5000);
        QVERIFY2(banner.startsWith("SSH-2.0-OpenSSH"), banner.constData());
        const QByteArray hello = "SSH-2.0-aio-forward-test\r\n";
        QCOMPARE(::write(fd, hello.constData(), size_t(hello.size())), ssize_t(hello.size()));
        QVERIFY(!readSome(fd, 5000).isEmpty()); // the server's key exchange answer came back through
        ::close(fd);
    }
    auto refused = ssh.openDirectTcpip(QStringLiteral("127.0.0.1"), 1);
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, ErrorKind::ConnectionRefused);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("true")}));
    QVERIFY(r); // the session carries on
}

void TestSshSession::directTcpipCarriesBulkDataBothWays()
{
    SshSession ssh(ready());
    const int port = 20000 + int(QRandomGenerator::global()->bounded(10000));
    const QString echo
        = QStringLiteral("import socket,sys\n"
                         "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                         "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(1); print('ready', flush=True)\n"
                         "c,_=s.accept()\n"
                         "while True:\n"
                         "    d=c.recv(65536)\n"
                         "    if not d: break\n"
                         "    c.sendall(d)\n"
                         "c.close()\n");
    std::atomic_bool ready{false};
    RemoteCommand server
        = RemoteCommand::args({QStringLiteral("python3"), QStringLiteral("-c"), echo, QString::number(port)});
    server.timeoutMs = 60'000;
    auto serverDone = QtConcurrent::run([&] {
        return ssh.run(server, [&](OutputChannel, const QByteArray& line) {
            if (line == "ready")
                ready = true;
        });
    });
    for (int i = 0; i < 200 && !ready; ++i)
        QThread::msleep(25);
    QVERIFY(ready);
    auto fd = ssh.openDirectTcpip(QStringLiteral("127.0.0.1"), quint16(port));
    QVERIFY2(fd, qPrintable(fd ? QString() : fd.error().toString()));
    QByteArray payload(8 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator(9).fillRange(reinterpret_cast<quint32*>(payload.data()), payload.size() / 4);
    std::thread writer([&] {
        qsizetype pos = 0;
        while (pos < payload.size()) {
            const ssize_t w
                = ::write(*fd, payload.constData() + pos, size_t(std::min<qsizetype>(65536, payload.size() - pos)));
            if (w <= 0)
                break;
            pos += w;
        }
        ::shutdown(*fd, SHUT_WR);
    });
    QByteArray back;
    back.reserve(payload.size());
    char buf[65536];
    for (int idle = 0; idle < 100;) {
        pollfd p{*fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) {
            ++idle;
            continue;
        }
        const ssize_t n = ::read(*fd, buf, sizeof buf);
        if (n <= 0)
            break;
        back.append(buf, n);
    }
    writer.join();
    ::close(*fd);
    QCOMPARE(back.size(), payload.size());
    QVERIFY(back == payload);
    serverDone.waitForFinished();
    QVERIFY(serverDone.result());
}

void TestSshSession::uploadAndDownload100MegabytesKeepsTheHash()
{
    QByteArray content(100 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator rng(42);
    rng.fillRange(reinterpret_cast<quint32*>(content.data()), content.size() / 4);
    const QByteArray sha = QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();
    SshSession ssh(ready());
    QVERIFY(ssh.connectToHost());
    const QString path = remoteTemp();
    QElapsedTimer clock;
    clock.start();
    auto up = ssh.upload(path, content, {});
    const qint64 upMs = clock.restart();
    QVERIFY2(up, qPrintable(up ? QString() : up.error().toString()));
    auto sum = ssh.run(RemoteCommand::args({QStringLiteral("sha256sum"), path}));
    QVERIFY(sum);
    QCOMPARE(sum->stdoutData.left(64), sha);
    clock.restart();
    auto down = ssh.download(path);
    const qint64 downMs = clock.elapsed();
    QVERIFY2(down, qPrintable(down ? QString() : down.error().toString()));
    QCOMPARE(down->size(), content.size());
    QCOMPARE(QCryptographicHash::hash(*down, QCryptographicHash::Sha256).toHex(), sha);
    qInfo("SFTP 100 MiB: upload %lld ms (%.1f MB/s), download %lld ms (%.1f MB/s)", upMs,
          content.size() / 1e6 / (upMs / 1000.0), downMs, content.size() / 1e6 / (downMs / 1000.0));
    // Through sudo (cat > temp, mv) both ways.
    const QString rootPath = remoteTemp();
    clock.restart();
    RemoteFileAttributes attrs;
    attrs.sudo = true;
    attrs.mode = 0600;
    auto sup = ssh.upload(rootPath, content, attrs);
    const qint64 supMs = clock.restart();
    QVERIFY2(sup, qPrintable(sup ? QString() : sup.error().toString()));
    auto sdown = ssh.download(rootPath, true);
    const qint64 sdownMs = clock.elapsed();
    QVERIFY2(sdown, qPrintable(sdown ? QString() : sdown.error().toString()));
    QCOMPARE(QCryptographicHash::hash(*sdown, QCryptographicHash::Sha256).toHex(), sha);
    qInfo("sudo 100 MiB: upload %lld ms (%.1f MB/s), download %lld ms (%.1f MB/s)", supMs,
          content.size() / 1e6 / (supMs / 1000.0), sdownMs, content.size() / 1e6 / (sdownMs / 1000.0));
    QVERIFY(ssh.run(RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), path, rootPath}).asRoot()));
}

void TestSshSession::uploadIsAtomicAndSetsTheMode()
{
    SshSession ssh(ready());
    const QString path = remoteTemp();
    QVERIFY(ssh.upload(path, "old\n", {}));
    RemoteFileAttributes attrs;
    attrs.mode = 0640;
    QVERIFY(ssh.upload(path, "new\n", attrs)); // replaces an existing file
    auto r = ssh.run(RemoteCommand::shell(
        QStringLiteral("stat -c %a %1; cat %1; ls -a /tmp | grep -c '\\.aio-' || true").arg(path)));
    QVERIFY(r);
    QCOMPARE(r->stdoutData, QByteArray("640\nnew\n0\n"));
    QVERIFY(ssh.run(RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), path})));
}

void TestSshSession::sudoUploadToARootOwnedPath()
{
    SshSession ssh(ready());
    const QString path = QStringLiteral("/etc/aio-ssh-test-%1.conf").arg(QRandomGenerator::global()->generate(), 0, 16);
    // Without sudo: a clear permission error.
    auto denied = ssh.upload(path, "x\n", {});
    QVERIFY(!denied);
    QCOMPARE(denied.error().kind, ErrorKind::PermissionDenied);
    RemoteFileAttributes attrs;
    attrs.sudo = true;
    attrs.mode = 0640;
    attrs.owner = QStringLiteral("root");
    attrs.group = QStringLiteral("root");
    QVERIFY(ssh.upload(path, "server_name example;\n", attrs));
    auto r = ssh.run(RemoteCommand::shell(QStringLiteral("stat -c '%a %U %G' %1").arg(path)));
    QVERIFY(r);
    QCOMPARE(r->stdoutData, QByteArray("640 root root\n"));
    auto back = ssh.download(path, true);
    QVERIFY(back);
    QCOMPARE(*back, QByteArray("server_name example;\n"));
    QVERIFY(ssh.run(RemoteCommand::args({QStringLiteral("rm"), QStringLiteral("-f"), path}).asRoot()));
}

void TestSshSession::downloadOfAMissingFileIsNotFound()
{
    SshSession ssh(ready());
    auto r = ssh.download(QStringLiteral("/tmp/aio-no-such-file"));
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::NotFound);
    auto rs = ssh.download(QStringLiteral("/root/aio-no-such-file"), true);
    QVERIFY(!rs);
    QCOMPARE(rs.error().kind, ErrorKind::NotFound);
}

void TestSshSession::sudoWithoutPassword()
{
    bool asked = false;
    SshCallbacks cb;
    cb.secrets = [&](const SecretRequest&) -> std::optional<QString> {
        asked = true;
        return std::nullopt;
    };
    SshSession ssh(ready(), cb);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(r->stdoutData, QByteArray("0\n"));
    QVERIFY(!asked);
}

void TestSshSession::rootCommandsRunAsTheUserWhenTheTargetSaysNoSudo()
{
    SshSettings settings = ready();
    settings.rootThroughSudo = false; // "Root commands: as the user itself"
    SshSession ssh(settings);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QVERIFY2(r->stdoutData != "0\n", "sudo was used although the target says not to");
    // A root-owned file is then out of reach, and the error says so.
    auto denied = ssh.download(QStringLiteral("/etc/shadow"), true);
    QVERIFY(!denied);
}

void TestSshSession::sudoWithPasswordAsksOnceAndNeverLeaksIt()
{
    const QString password = m_tb.value(QStringLiteral("SUDOPW_PASSWORD"));
    SshSettings s
        = m_tb.settings(QStringLiteral("VM_READY"), m_appKnownHosts, m_tb.value(QStringLiteral("SUDOPW_USER")));
    int asked = 0;
    SshCallbacks cb;
    cb.secrets = [&](const SecretRequest& req) -> std::optional<QString> {
        if (req.kind != SecretRequest::Kind::SudoPassword)
            return std::nullopt;
        ++asked;
        return password;
    };
    SshSession ssh(s, cb);
    auto who = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-un")}));
    QVERIFY(who);
    QCOMPARE(who->stdoutData.trimmed(), s.user.toUtf8());
    RemoteCommand cmd
        = RemoteCommand::shell(QStringLiteral("id -u; cat; ps -o args= -p $$ 2>/dev/null; ps -eo args 2>/dev/null"));
    cmd.sudo = true;
    cmd.stdinData = "payload\n";
    auto r = ssh.run(cmd);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QVERIFY2(r->stdoutData.startsWith("0\npayload\n"),
             r->stdoutData.constData()); // the password is not the command's stdin
    QVERIFY(!r->stdoutData.contains(password.toUtf8()));
    QVERIFY(!r->stderrData.contains(password.toUtf8()));
    auto r2 = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QVERIFY(r2);
    QCOMPARE(r2->stdoutData, QByteArray("0\n"));
    RemoteCommand onPty = RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot();
    onPty.pty = true; // a terminal must not echo the password that goes in on stdin
    auto r3 = ssh.run(onPty);
    QVERIFY2(r3, qPrintable(r3 ? QString() : r3.error().toString()));
    QVERIFY(!r3->stdoutData.contains(password.toUtf8()));
    QCOMPARE(r3->stdoutData.trimmed(), QByteArray("0")); // sudo -S adds a bare newline on a terminal
    QCOMPARE(asked, 1);
    QVERIFY(!SshSession::commandLine(cmd, true).contains(password));
}

void TestSshSession::wrongSudoPasswordIsRefused()
{
    SshSettings s
        = m_tb.settings(QStringLiteral("VM_READY"), m_appKnownHosts, m_tb.value(QStringLiteral("SUDOPW_USER")));
    const QString wrong = QStringLiteral("wrong-'$(id)-password");
    int asked = 0;
    SshCallbacks cb;
    cb.secrets = [&](const SecretRequest& req) -> std::optional<QString> {
        ++asked;
        [&] {
            QCOMPARE(req.attempt, asked);
        }();
        return wrong;
    };
    SshSession ssh(s, cb);
    auto r = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ErrorKind::SudoPasswordRequired);
    QCOMPARE(asked, 3);
    QVERIFY(!r.error().toString().contains(wrong));

    // No way to get a password at all: a clear SudoPasswordRequired.
    SshSession none(s);
    auto r2 = none.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QVERIFY(!r2);
    QCOMPARE(r2.error().kind, ErrorKind::SudoPasswordRequired);
    QVERIFY(!r2.error().nextStep.isEmpty());
}

// vm-scratch's logins get LANG=de_DE.UTF-8 (/etc/default/locale, as a German cloud image has). The
// app reads sudo's answers and other output as English; it must get English there too.
void TestSshSession::aHostThatSpeaksGermanIsStillUnderstood()
{
    if (m_tb.value(QStringLiteral("VM_SCRATCH_UP")) == QLatin1String("0"))
        QSKIP("this testbed was brought up without vm-scratch (tests/testbed/up without it)");
    const QString password = m_tb.value(QStringLiteral("SUDOPW_PASSWORD"));
    SshSettings s
        = m_tb.settings(QStringLiteral("VM_SCRATCH"), m_appKnownHosts, m_tb.value(QStringLiteral("SUDOPW_USER")));
    int asked = 0;
    SshCallbacks cb;
    cb.secrets = [&](const SecretRequest& req) -> std::optional<QString> {
        if (req.kind != SecretRequest::Kind::SudoPassword)
            return std::nullopt;
        ++asked;
        return asked == 1 ? password : QStringLiteral("wrong-password");
    };
    SshSession ssh(s, cb);

    // The host itself answers in German when the locale is not fixed.
    auto host = ssh.run(RemoteCommand::shell(
        QStringLiteral("echo \"$LANG\"; env -u LC_ALL sudo -n true; env -u LC_ALL /usr/bin/printf '%.1f\\n' 1.5")));
    QVERIFY2(host, qPrintable(host ? QString() : host.error().toString()));
    QVERIFY2(host->stdoutData.startsWith("de_DE.UTF-8\n1,5\n"), host->stdoutData.constData());
    QVERIFY2(host->stderrData.contains("Passwort"), host->stderrData.constData());

    // What the app runs gets the C locale.
    auto numbers = ssh.run(
        RemoteCommand::args({QStringLiteral("/usr/bin/printf"), QStringLiteral("%.1f"), QStringLiteral("1.5")}));
    QVERIFY2(numbers, qPrintable(numbers ? QString() : numbers.error().toString()));
    QCOMPARE(numbers->stdoutData, QByteArray("1.5"));

    // sudo's "a password is required" is recognised, the password asked for once, and it works.
    auto root = ssh.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QVERIFY2(root, qPrintable(root ? QString() : root.error().toString()));
    QCOMPARE(root->stdoutData, QByteArray("0\n"));
    QCOMPARE(asked, 1);

    // A refused password is recognised as such (sudo says so in English).
    SshSession again(s, cb);
    auto refused = again.run(RemoteCommand::args({QStringLiteral("id"), QStringLiteral("-u")}).asRoot());
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, ErrorKind::SudoPasswordRequired);
    QCOMPARE(asked, 4);
}

void TestSshSession::addressThatNeverAnswersTimesOut()
{
    SshSettings s = ready();
    s.targetName = QStringLiteral("ghost-vm");
    s.host = *HostName::parse(QStringLiteral("198.18.0.250"));
    s.port = 22;
    s.connectTimeoutMs = 3000;
    SshSession ssh(s);
    QElapsedTimer clock;
    clock.start();
    auto st = ssh.connectToHost();
    const qint64 took = clock.elapsed();
    QVERIFY(!st);
    QVERIFY2(st.error().kind == ErrorKind::Timeout || st.error().kind == ErrorKind::HostUnreachable,
             qPrintable(st.error().toString()));
    QVERIFY2(took < 5000, qPrintable(QString::number(took)));
    QVERIFY(st.error().toString().contains(QLatin1String("ghost-vm")));
    QVERIFY(st.error().toString().contains(QLatin1String("198.18.0.250")));
    QVERIFY(!st.error().nextStep.isEmpty());
}

void TestSshSession::refusedPortIsConnectionRefused()
{
    SshSettings s = ready();
    s.port = 1; // nothing listens there
    SshSession ssh(s);
    auto st = ssh.connectToHost();
    QVERIFY(!st);
    QCOMPARE(st.error().kind, ErrorKind::ConnectionRefused);
}

QTEST_GUILESS_MAIN(TestSshSession)
#include "TestSshSession.moc"
