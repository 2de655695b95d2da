// "Check connection" on a VM target's page, against a real sshd this test starts on 127.0.0.1:
// the host-key trust dialog on first contact, the facts read from the host, no second question
// once trusted, a passphrase asked once for an encrypted key, and a clear error when the host
// does not answer.

#include "common/LocalSshd.h"
#include "core/common/Profile.h"
#include "core/inventory/Target.h"
#include "ui/targets/ConnectionCheckBar.h"
#include "ui/targets/TargetPage.h"

#include <QApplication>
#include <QDialog>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <pwd.h>
#include <unistd.h>

using namespace aio;
using namespace aio::ui;

namespace {
// Answers the next dialog with that objectName the way a user would, when it opens.
void whenDialogOpens(const QString& name, std::function<void(QDialog*)> answer, int* count)
{
    auto* timer = new QTimer(qApp);
    timer->setInterval(20);
    auto deadline = std::make_shared<QDeadlineTimer>(20'000);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, name, answer, count, deadline] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            auto* dialog = qobject_cast<QDialog*>(w);
            if (dialog && dialog->objectName() == name && dialog->isVisible()) {
                ++*count;
                timer->stop();
                timer->deleteLater();
                answer(dialog);
                return;
            }
        }
        if (deadline->hasExpired()) {
            timer->stop();
            timer->deleteLater();
        }
    });
    timer->start();
}
} // namespace

class TestConnectionCheck : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid() && m_profile.isValid());
        qputenv("HOME", m_home.path().toUtf8()); // no ~/.ssh/config or known_hosts of the machine
        Profile::setDirectory(m_profile.path());
        const QString problem = m_sshd.start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void firstCheckAsksAboutTheHostKeyThenShowsTheFacts()
    {
        TargetPage page(vm(QStringLiteral("client")), nullptr, nullptr);
        page.resize(1100, 700);
        page.show();
        auto* bar = page.connectionCheck();
        QVERIFY(bar->isVisible());
        auto* status = bar->findChild<QLabel*>(QStringLiteral("connectionStatus"));
        int asked = 0;
        QString shownFingerprint;
        whenDialogOpens(
            QStringLiteral("hostKeyDialog"),
            [&](QDialog* dialog) {
                shownFingerprint = dialog->findChild<QLabel*>(QStringLiteral("fingerprintLabel"))->text();
                QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("trustButton")), Qt::LeftButton);
            },
            &asked);
        QSignalSpy done(bar, &ConnectionCheckBar::checkFinished);
        QTest::mouseClick(bar->findChild<QPushButton*>(QStringLiteral("connectionCheckButton")), Qt::LeftButton);
        QVERIFY(bar->isChecking());
        QVERIFY(done.wait(20'000));
        QVERIFY2(done.first().first().toBool(), qPrintable(status->text() + QLatin1Char('\n') + status->toolTip()));
        QCOMPARE(asked, 1);
        QCOMPARE(shownFingerprint, m_sshd.hostFingerprint());
        const passwd* pw = getpwuid(getuid());
        QVERIFY2(
            status->text().startsWith(QStringLiteral("✓ Connected as %1").arg(QString::fromLocal8Bit(pw->pw_name))),
            qPrintable(status->text()));
        QVERIFY(status->toolTip().contains(m_sshd.hostFingerprint()));
        QVERIFY(status->toolTip().contains(QStringLiteral("Kernel: ")));
        // Trusted in the profile's known_hosts, so the next check asks nothing.
        QFile known(Profile::dataDir() + QStringLiteral("/known_hosts"));
        QVERIFY(known.open(QIODevice::ReadOnly));
        QVERIFY(known.readAll().startsWith(QStringLiteral("[127.0.0.1]:%1 ssh-ed25519 ").arg(m_sshd.port()).toUtf8()));
        QTest::mouseClick(bar->findChild<QPushButton*>(QStringLiteral("connectionCheckButton")), Qt::LeftButton);
        QVERIFY(done.wait(20'000));
        QVERIFY(done.last().first().toBool());
        QCOMPARE(asked, 1);
    }

    void encryptedKeyAsksForItsPassphraseOnce()
    {
        TargetPage page(vm(QStringLiteral("client_enc")), nullptr, nullptr);
        page.show();
        auto* bar = page.connectionCheck();
        int asked = 0;
        whenDialogOpens(
            QStringLiteral("secretPromptDialog"),
            [&](QDialog* dialog) {
                QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("secretField")),
                                 test::LocalSshd::passphrase());
                QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("secretOk")), Qt::LeftButton);
            },
            &asked);
        QSignalSpy done(bar, &ConnectionCheckBar::checkFinished);
        bar->startCheck();
        QVERIFY(done.wait(20'000));
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(bar->findChild<QLabel*>(QStringLiteral("connectionStatus"))->toolTip()));
        QCOMPARE(asked, 1);
        bar->startCheck(); // typed once for this target: not asked again
        QVERIFY(done.wait(20'000));
        QVERIFY(done.last().first().toBool());
        QCOMPARE(asked, 1);
    }

    void aHostThatRefusesSaysSoAndWhatToDo()
    {
        Target target = vm(QStringLiteral("client"));
        {
            QTcpServer closed; // a port nobody listens on once this scope ends
            QVERIFY(closed.listen(QHostAddress::LocalHost));
            target.vm.port = *Port::parse(QString::number(closed.serverPort()));
        }
        TargetPage page(target, nullptr, nullptr);
        page.show();
        auto* bar = page.connectionCheck();
        QSignalSpy done(bar, &ConnectionCheckBar::checkFinished);
        bar->startCheck();
        QVERIFY(done.wait(20'000));
        QVERIFY(!done.first().first().toBool());
        auto* status = bar->findChild<QLabel*>(QStringLiteral("connectionStatus"));
        QVERIFY2(status->text().startsWith(QStringLiteral("✗ ")), qPrintable(status->text()));
        QVERIFY2(status->text().contains(QStringLiteral("Nothing accepts SSH connections")),
                 qPrintable(status->text()));
        QVERIFY(!status->toolTip().isEmpty()); // the next step
    }

    void clustersHaveNoConnectionCheck()
    {
        ClusterSettings c;
        c.kubeconfigPath = m_home.filePath(QStringLiteral("kubeconfig"));
        TargetPage page(Target::makeCluster(QStringLiteral("k8s"), c), nullptr, nullptr);
        page.show();
        QVERIFY(!page.connectionCheck()->isVisible());
    }

    void cleanupTestCase() { m_sshd.stop(); }

private:
    Target vm(const QString& key) const
    {
        VmSettings s;
        s.host = *HostName::parse(QStringLiteral("127.0.0.1"));
        s.port = *Port::parse(QString::number(m_sshd.port()));
        const passwd* pw = getpwuid(getuid());
        s.user = QString::fromLocal8Bit(pw ? pw->pw_name : "root");
        s.auth = SshAuthMethod::KeyFile;
        s.keyPath = m_sshd.path(key);
        return Target::makeVm(QStringLiteral("local-%1").arg(key), s);
    }

    QTemporaryDir m_home;
    QTemporaryDir m_profile;
    test::LocalSshd m_sshd;
};

QTEST_MAIN(TestConnectionCheck)
#include "TestConnectionCheck.moc"
