#include "common/LocalSshd.h"
#include "core/ssh/SshSession.h"
#include "ui/ssh/HostKeyChangedDialog.h"
#include "ui/ssh/HostKeyDialog.h"
#include "ui/ssh/HostKeyPrompt.h"
#include "ui/ssh/SecretPromptDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

using namespace aio;
using namespace aio::ui;

// The SSH dialogs against a real sshd this test starts on 127.0.0.1 with its own host key: the
// host-key trust dialogs and the secret prompt (an encrypted client key's passphrase).
class TestSshDialogs : public QObject
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
    void passphraseDialogSaysWhatItAsksAndWhenItWasRefused();
    void cancelledPassphraseDoesNotConnect();
    void closingTheWindowWhileAskingEndsTheLogin();
    void questionsComeOneAtATimeAndAnAbandonedOneHoldsUpNothing();

private:
    SshSettings settings() const;
    QString run(const QString& program, const QStringList& args);

    test::LocalSshd m_sshd;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QString m_fingerprint;
    QString m_appFile;
    int m_case = 0;
};

QString TestSshDialogs::run(const QString& program, const QStringList& args)
{
    return QString::fromUtf8(test::runTool(program, args).out);
}

void TestSshDialogs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString problem = m_sshd.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    m_port = m_sshd.port();
    m_fingerprint = m_sshd.hostFingerprint();
    QVERIFY(m_fingerprint.startsWith(QLatin1String("SHA256:")));
}

void TestSshDialogs::cleanupTestCase()
{
    m_sshd.stop();
}

void TestSshDialogs::init()
{
    m_appFile = m_dir.filePath(QStringLiteral("app%1/known_hosts").arg(++m_case));
}

SshSettings TestSshDialogs::settings() const
{
    SshSettings s = m_sshd.settings(m_appFile, QStringLiteral("gui-test-vm"));
    s.hostKeyPolicy = HostKeyPolicy::Ask;
    return s;
}

void TestSshDialogs::unknownKeyOpensTheTrustDialogWithTheRightFingerprint()
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
    auto future = QtConcurrent::run([&ssh] { return ssh.connectToHost(); });
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

void TestSshDialogs::cancelInTheTrustDialogDoesNotConnect()
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
    auto future = QtConcurrent::run([&ssh] { return ssh.connectToHost(); });
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 15000);
    QCOMPARE(shown, 1);
    QVERIFY(!future.result());
    QCOMPARE(future.result().error().kind, ErrorKind::HostKeyUnknown);
    QVERIFY(!ssh.isConnected());
    QVERIFY(!QFile::exists(m_appFile));
}

void TestSshDialogs::changedKeyShowsTheWarningAndDoesNotConnect()
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
    auto future = QtConcurrent::run([&ssh] { return ssh.connectToHost(); });
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
    auto again = QtConcurrent::run([&ssh] { return ssh.connectToHost(); });
    QTRY_VERIFY_WITH_TIMEOUT(again.isFinished(), 15000);
    QVERIFY(again.result());
}

void TestSshDialogs::closingTheWarningReplacesNothing()
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

void TestSshDialogs::passphraseDialogSaysWhatItAsksAndWhenItWasRefused()
{
    QWidget window;
    window.show();
    SecretPrompt prompt(&window);
    SshSettings s = settings();
    s.identityFiles = {m_sshd.path(QStringLiteral("client_enc"))};
    s.hostKeyPolicy = HostKeyPolicy::AcceptNew;
    struct Seen
    {
        QString question;
        bool refusedShown = false;
        bool hidden = false;
    };
    QList<Seen> seen;
    bool guiThreadFree = false;
    connect(&prompt, &SecretPrompt::dialogShown, this, [&](QDialog* dialog) {
        Seen one;
        one.question = dialog->findChild<QLabel*>(QStringLiteral("secretQuestion"))->text();
        one.refusedShown = dialog->findChild<QLabel*>(QStringLiteral("secretRefused")) != nullptr;
        auto* field = dialog->findChild<QLineEdit*>(QStringLiteral("secretField"));
        one.hidden = field->echoMode() == QLineEdit::Password;
        seen << one;
        // The GUI thread runs on while the session waits for the answer.
        QTimer::singleShot(0, this, [&] { guiThreadFree = true; });
        QTRY_VERIFY_WITH_TIMEOUT(guiThreadFree, 5000);
        QTest::keyClicks(field, seen.size() == 1 ? QStringLiteral("wrong horse") : QStringLiteral("correct horse"));
        if (const QString shots = qEnvironmentVariable("AIO_SCREENSHOT_DIR"); !shots.isEmpty())
            dialog->grab().save(shots + QStringLiteral("/secret-prompt-%1.png").arg(seen.size()));
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("secretOk")), Qt::LeftButton);
    });
    SshCallbacks callbacks;
    callbacks.secrets = makeSecretProvider(QUuid::createUuid(), nullptr, prompt.asker());
    SshSession ssh(s, callbacks);
    auto future = QtConcurrent::run([&ssh] { return ssh.connectToHost(); });
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 20000);
    QVERIFY2(future.result(), qPrintable(future.result() ? QString() : future.result().error().toString()));
    QCOMPARE(seen.size(), 2);
    QVERIFY2(seen[0].question.contains(m_sshd.path(QStringLiteral("client_enc"))), qPrintable(seen[0].question));
    QVERIFY(seen[0].question.contains(QStringLiteral("Passphrase")));
    QVERIFY(seen[0].question.contains(QStringLiteral("gui-test-vm")));
    QVERIFY(!seen[0].refusedShown);
    QVERIFY(seen[1].refusedShown); // the second time it says the first answer was refused
    QVERIFY(seen[0].hidden && seen[1].hidden);
    QVERIFY(ssh.isConnected());
    // A reconnect does not ask again: the passphrase typed is kept for this target.
    ssh.disconnectFromHost();
    QVERIFY(ssh.connectToHost());
    QCOMPARE(seen.size(), 2);
}

void TestSshDialogs::cancelledPassphraseDoesNotConnect()
{
    QWidget window;
    window.show();
    SecretPrompt prompt(&window);
    SshSettings s = settings();
    s.identityFiles = {m_sshd.path(QStringLiteral("client_enc"))};
    s.hostKeyPolicy = HostKeyPolicy::AcceptNew;
    int shown = 0;
    connect(&prompt, &SecretPrompt::dialogShown, this, [&](QDialog* dialog) {
        ++shown;
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("secretCancel")), Qt::LeftButton);
    });
    SshCallbacks callbacks;
    callbacks.secrets = makeSecretProvider(QUuid::createUuid(), nullptr, prompt.asker());
    SshSession ssh(s, callbacks);
    auto future = QtConcurrent::run([&ssh] { return ssh.connectToHost(); });
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 20000);
    QVERIFY(!future.result());
    QCOMPARE(future.result().error().kind, ErrorKind::AuthenticationFailed);
    QCOMPARE(shown, 1);
    QVERIFY(!ssh.isConnected());
}

void TestSshDialogs::closingTheWindowWhileAskingEndsTheLogin()
{
    // The admin closes the window while the passphrase question is open: the waiting session
    // gets "cancelled" instead of waiting forever, and nothing blocks the GUI thread.
    auto* window = new QWidget;
    window->show();
    auto* prompt = new SecretPrompt(window);
    int shown = 0;
    connect(prompt, &SecretPrompt::dialogShown, this, [&](QDialog*) {
        ++shown;
        QTimer::singleShot(0, window, [window] { delete window; }); // deletes the prompt and the dialog too
    });
    SshSettings s = settings();
    s.identityFiles = {m_sshd.path(QStringLiteral("client_enc"))};
    s.hostKeyPolicy = HostKeyPolicy::AcceptNew;
    SshCallbacks callbacks;
    callbacks.secrets = makeSecretProvider(QUuid::createUuid(), nullptr, prompt->asker());
    SshSession ssh(s, callbacks);
    QElapsedTimer clock;
    clock.start();
    auto future = QtConcurrent::run([&ssh] { return ssh.connectToHost(); });
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 20000);
    QCOMPARE(shown, 1);
    QVERIFY(!future.result());
    QCOMPARE(future.result().error().kind, ErrorKind::AuthenticationFailed);
    QVERIFY2(clock.elapsed() < 10'000, "the session waited for an answer from a window that was gone");
}

void TestSshDialogs::questionsComeOneAtATimeAndAnAbandonedOneHoldsUpNothing()
{
    // Several sessions ask at once (a check of many targets): the GUI shows one question at a
    // time. A question whose asker gives up (its window closed) no longer holds up the next.
    QObject owner;
    const AliveFlag firstAlive = std::make_shared<std::atomic_bool>(true);
    const AliveFlag othersAlive = std::make_shared<std::atomic_bool>(true);
    QList<std::function<void(std::optional<int>)>> open; // the questions shown and not yet answered
    QStringList shown;
    auto asker = [&](const QString& name) {
        return [&, name](std::function<void(std::optional<int>)> done) {
            shown << name;
            open << std::move(done);
        };
    };
    auto first
        = QtConcurrent::run([&] { return askOnGuiThread<int>(&owner, firstAlive, asker(QStringLiteral("first"))); });
    QTRY_COMPARE(shown, QStringList{QStringLiteral("first")});
    auto second
        = QtConcurrent::run([&] { return askOnGuiThread<int>(&owner, othersAlive, asker(QStringLiteral("second"))); });
    auto third
        = QtConcurrent::run([&] { return askOnGuiThread<int>(&owner, othersAlive, asker(QStringLiteral("third"))); });
    QTest::qWait(600);
    QCOMPARE(shown.size(), 1); // the others wait in line
    QElapsedTimer clock;
    clock.start();
    firstAlive->store(false); // the first one's window is gone: its question is abandoned, unanswered
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 2, 5000);
    QVERIFY2(clock.elapsed() < 3000, "an abandoned question held up the next one");
    QTRY_VERIFY(first.isFinished());
    QCOMPARE(first.result(), std::nullopt);
    QTest::qWait(300);
    QCOMPARE(shown.size(), 2);
    open.takeLast()(7); // the admin answers the second
    QTRY_COMPARE(shown.size(), 3);
    QTRY_VERIFY(second.isFinished());
    QCOMPARE(second.result(), std::optional<int>(7));
    open.takeLast()(std::nullopt); // and cancels the third
    QTRY_VERIFY(third.isFinished());
    QCOMPARE(third.result(), std::nullopt);
    QCOMPARE(shown.mid(1), (QStringList{QStringLiteral("second"), QStringLiteral("third")}));
    open.first()(1); // the abandoned one's dialog closes late: nothing changes
}

QTEST_MAIN(TestSshDialogs)
#include "TestSshDialogs.moc"
