#include "core/ssh/SshSession.h"
#include "ui/ssh/HostKeyChangedDialog.h"
#include "ui/ssh/HostKeyDialog.h"
#include "ui/ssh/HostKeyPrompt.h"

#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QStackedWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

using namespace aio;

// The trust dialogs against a real sshd this test starts on 127.0.0.1 with its own host key.
class TestHostKeyDialogs : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void unknownKeyOpensTheTrustDialogWithTheRightFingerprint();
    void cancelInTheTrustDialogDoesNotConnect();
    void changedKeyShowsTheWarningAndDoesNotConnect();
    void closingTheWarningReplacesNothing();

private:
    SshSettings settings() const;
    QString run(const QString& program, const QStringList& args);

    QTemporaryDir m_dir;
    QProcess m_sshd;
    quint16 m_port = 0;
    QString m_fingerprint;
    QString m_appFile;
    int m_case = 0;
};

QString TestHostKeyDialogs::run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(20000);
    return QString::fromUtf8(p.readAllStandardOutput());
}

void TestHostKeyDialogs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString d = m_dir.path();
    for (const QString& name : {QStringLiteral("host_ed25519"), QStringLiteral("client")})
        run(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"), QString(),
             QStringLiteral("-f"), d + QLatin1Char('/') + name});
    QVERIFY(QFile::copy(d + QStringLiteral("/client.pub"), d + QStringLiteral("/authorized_keys")));
    m_fingerprint = run(QStringLiteral("ssh-keygen"), {QStringLiteral("-lf"), d + QStringLiteral("/host_ed25519.pub")})
                        .split(QLatin1Char(' '))
                        .value(1);
    QVERIFY(m_fingerprint.startsWith(QLatin1String("SHA256:")));
    {
        QTcpServer probe; // a free port
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        m_port = probe.serverPort();
    }
    QFile cfg(d + QStringLiteral("/sshd_config"));
    QVERIFY(cfg.open(QIODevice::WriteOnly));
    cfg.write(
        QStringLiteral("Port %1\nListenAddress 127.0.0.1\nHostKey %2/host_ed25519\nPidFile %2/sshd.pid\n"
                       "AuthorizedKeysFile %2/authorized_keys\nStrictModes no\nPermitRootLogin prohibit-password\n"
                       "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n")
            .arg(m_port)
            .arg(d)
            .toUtf8());
    cfg.close();
    QDir().mkpath(QStringLiteral("/run/sshd"));
    m_sshd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_sshd.start(
        QStringLiteral("/usr/sbin/sshd"),
        {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"), d + QStringLiteral("/sshd_config")});
    QVERIFY(m_sshd.waitForStarted(5000));
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_port);
        up = s.waitForConnected(100);
        if (!up)
            QTest::qWait(50);
    }
    QVERIFY2(up, "sshd did not start");
}

void TestHostKeyDialogs::cleanupTestCase()
{
    m_sshd.terminate();
    m_sshd.waitForFinished(5000);
}

void TestHostKeyDialogs::init()
{
    m_appFile = m_dir.filePath(QStringLiteral("app%1/known_hosts").arg(++m_case));
}

SshSettings TestHostKeyDialogs::settings() const
{
    SshSettings s;
    s.targetName = QStringLiteral("gui-test-vm");
    s.host = *HostName::parse(QStringLiteral("127.0.0.1"));
    s.port = m_port;
    const passwd* pw = getpwuid(getuid());
    s.user = QString::fromLocal8Bit(pw ? pw->pw_name : "root");
    s.useAgent = false;
    s.useDefaultIdentities = false;
    s.identityFiles = {m_dir.filePath(QStringLiteral("client"))};
    s.userKnownHostsFiles = {QString()};
    s.appKnownHostsFile = m_appFile;
    s.useSshConfig = false;
    s.hostKeyPolicy = HostKeyPolicy::Ask;
    return s;
}

void TestHostKeyDialogs::unknownKeyOpensTheTrustDialogWithTheRightFingerprint()
{
    QWidget window;
    window.show();
    HostKeyPrompt prompt(&window, QStringLiteral("gui-test-vm"));
    // The dialog runs modally while the session's worker waits: the user's part happens here.
    QStringList seen;
    bool cancelIsDefault = false;
    bool fileWrittenWhileAsking = true;
    connect(&prompt, &HostKeyPrompt::dialogShown, this, [&](QDialog* dialog) {
        seen << dialog->objectName() << dialog->findChild<QLabel*>(QStringLiteral("fingerprintLabel"))->text()
             << dialog->findChild<QLabel*>(QStringLiteral("keyTypeLabel"))->text()
             << dialog->findChild<QLabel*>(QStringLiteral("hostLabel"))->text();
        cancelIsDefault = dialog->findChild<QPushButton*>(QStringLiteral("cancelButton"))->isDefault();
        fileWrittenWhileAsking = QFile::exists(m_appFile);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("trustButton")), Qt::LeftButton);
    });
    SshSession ssh(settings(), {{}, prompt.decider()});
    auto future = ssh.connectAsync();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 15000);
    QCOMPARE(seen,
             (QStringList{QStringLiteral("hostKeyDialog"), m_fingerprint, QStringLiteral("ssh-ed25519"),
                          QStringLiteral("[127.0.0.1]:%1").arg(m_port)}));
    QVERIFY(cancelIsDefault); // Enter never trusts by accident
    QVERIFY(!fileWrittenWhileAsking); // nothing is written while the user decides
    QVERIFY2(future.result(), qPrintable(future.result() ? QString() : future.result().error().toString()));
    QVERIFY(ssh.isConnected());
    QFile app(m_appFile);
    QVERIFY(app.open(QIODevice::ReadOnly));
    QVERIFY(app.readAll().startsWith(QStringLiteral("[127.0.0.1]:%1 ssh-ed25519 ").arg(m_port).toUtf8()));
}

void TestHostKeyDialogs::cancelInTheTrustDialogDoesNotConnect()
{
    QWidget window;
    window.show();
    HostKeyPrompt prompt(&window);
    int shown = 0;
    connect(&prompt, &HostKeyPrompt::dialogShown, this, [&](QDialog* dialog) {
        ++shown;
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("cancelButton")), Qt::LeftButton);
    });
    SshSession ssh(settings(), {{}, prompt.decider()});
    auto future = ssh.connectAsync();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 15000);
    QCOMPARE(shown, 1);
    QVERIFY(!future.result());
    QCOMPARE(future.result().error().kind, ErrorKind::HostKeyUnknown);
    QVERIFY(!ssh.isConnected());
    QVERIFY(!QFile::exists(m_appFile));
}

void TestHostKeyDialogs::changedKeyShowsTheWarningAndDoesNotConnect()
{
    // A stale key for this host in the app's file.
    run(QStringLiteral("ssh-keygen"),
        {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"), QString(),
         QStringLiteral("-f"), m_dir.filePath(QStringLiteral("old"))});
    QFile oldPub(m_dir.filePath(QStringLiteral("old.pub")));
    QVERIFY(oldPub.open(QIODevice::ReadOnly));
    const QList<QByteArray> parts = oldPub.readAll().split(' ');
    QDir().mkpath(QFileInfo(m_appFile).absolutePath());
    QFile app(m_appFile);
    QVERIFY(app.open(QIODevice::WriteOnly));
    const QByteArray stale = QStringLiteral("[127.0.0.1]:%1 ").arg(m_port).toUtf8() + parts[0] + ' ' + parts[1] + '\n';
    app.write(stale);
    app.close();
    const QString oldFingerprint
        = run(QStringLiteral("ssh-keygen"), {QStringLiteral("-lf"), m_dir.filePath(QStringLiteral("old.pub"))})
              .split(QLatin1Char(' '))
              .value(1);

    QWidget window;
    window.show();
    HostKeyPrompt prompt(&window);
    int dialogs = 0;
    connect(&prompt, &HostKeyPrompt::dialogShown, this, [&] { ++dialogs; });
    SshSession ssh(settings(), {{}, prompt.decider()});
    auto future = ssh.connectAsync();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 15000);
    QVERIFY(!future.result());
    QCOMPARE(future.result().error().kind, ErrorKind::HostKeyChanged);
    QCOMPARE(dialogs, 0); // no "accept?" question for a changed key
    QVERIFY(!ssh.isConnected());

    HostKeyChangedDialog warning(ssh.lastHostKeyCheck(), ssh.targetName(), &window);
    warning.show();
    QCOMPARE(warning.findChild<QLabel*>(QStringLiteral("newFingerprintLabel"))->text(),
             QStringLiteral("ssh-ed25519 ") + m_fingerprint);
    QCOMPARE(warning.findChild<QLabel*>(QStringLiteral("oldFingerprintLabel"))->text(),
             QStringLiteral("ssh-ed25519 ") + oldFingerprint);
    QVERIFY(warning.findChild<QLabel*>(QStringLiteral("warningLabel"))
                ->text()
                .contains(QLatin1String("man-in-the-middle")));
    auto* pages = warning.findChild<QStackedWidget*>(QStringLiteral("pages"));
    QTest::mouseClick(warning.findChild<QPushButton*>(QStringLiteral("replaceKeyButton")), Qt::LeftButton);
    QCOMPARE(pages->currentIndex(), 1);
    auto* confirm = warning.findChild<QPushButton*>(QStringLiteral("confirmReplaceButton"));
    QVERIFY(!confirm->isEnabled()); // the second confirmation is required
    QTest::mouseClick(confirm, Qt::LeftButton);
    QVERIFY(warning.isVisible());
    warning.findChild<QCheckBox*>(QStringLiteral("confirmCheckBox"))->setChecked(true);
    QVERIFY(confirm->isEnabled());
    QTest::mouseClick(confirm, Qt::LeftButton);
    QCOMPARE(warning.result(), int(QDialog::Accepted));
    QVERIFY(warning.replaceConfirmed());
    QFile unchanged(m_appFile);
    QVERIFY(unchanged.open(QIODevice::ReadOnly));
    QCOMPARE(unchanged.readAll(), stale); // the dialog itself writes nothing

    const HostKeyCheck c = warning.check();
    QVERIFY(ssh.knownHosts().replaceStoredKey(c.host, c.port, c.key));
    auto again = ssh.connectAsync();
    QTRY_VERIFY_WITH_TIMEOUT(again.isFinished(), 15000);
    QVERIFY(again.result());
}

void TestHostKeyDialogs::closingTheWarningReplacesNothing()
{
    HostKeyCheck check;
    check.status = HostKeyStatus::Changed;
    check.host = QStringLiteral("198.18.0.2");
    check.port = 22;
    check.key
        = *HostKey::fromBase64("ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIJ5evEmOXgw3x4fv4YXpmCY9eRhD98nBLC+CiWLLpMXp");
    check.storedFingerprints = {QStringLiteral("SHA256:old")};
    check.storedKeyTypes = {QStringLiteral("ssh-ed25519")};
    HostKeyChangedDialog warning(check, QStringLiteral("prod"));
    warning.show();
    QTest::mouseClick(warning.findChild<QPushButton*>(QStringLiteral("closeButton")), Qt::LeftButton);
    QCOMPARE(warning.result(), int(QDialog::Rejected));
    QVERIFY(!warning.replaceConfirmed());
}

QTEST_MAIN(TestHostKeyDialogs)
#include "TestHostKeyDialogs.moc"
