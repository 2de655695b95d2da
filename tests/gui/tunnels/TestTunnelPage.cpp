// The Tunnel tab as an admin uses it, against a real OpenSSH sshd on 127.0.0.1 (tests/common/
// LocalSshd.h) and a small HTTP server of this test standing in for the sandbox behind it: one
// click on "VNC" starts the tunnel and opens the browser at a one-time link (recorded here) that
// gives a cookie and then the page; the labels show the state and the traffic; Stop ends it; a
// sandbox that does not answer on the VM is said as such, not shown as up.

#include "common/LocalSshd.h"
#include "common/WaitUntil.h"
#include "core/common/Profile.h"
#include "core/common/Translations.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/Target.h"
#include "core/tunnel/TunnelSettings.h"
#include "ui/tunnels/TunnelPage.h"
#include "ui/tunnels/TunnelRegistry.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <thread>
#include <unistd.h>

using namespace aio;
using namespace aio::ui;

namespace {

// Answers every request with a small "noVNC" page and closes; on its own thread.
class FakeSandbox
{
public:
    FakeSandbox()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        m_port = m_server.serverPort();
        m_server.moveToThread(&m_thread);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                QObject::connect(s, &QTcpSocket::readyRead, s, [s] {
                    if (!s->peek(65536).contains("\r\n\r\n"))
                        return;
                    const QByteArray req = s->readAll();
                    QByteArray body = "<html><title>noVNC</title>ok</html>";
                    if (req.startsWith("GET /v1/ping"))
                        body = "{\"status\":\"ok\"}";
                    s->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size())
                             + "\r\nConnection: close\r\n\r\n" + body);
                    s->disconnectFromHost();
                });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        m_thread.start();
    }
    ~FakeSandbox()
    {
        QMetaObject::invokeMethod(
            &m_server,
            [this] {
                m_server.close();
                m_server.moveToThread(QCoreApplication::instance()->thread());
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }

private:
    QThread m_thread;
    QTcpServer m_server;
    quint16 m_port = 0;
};

int statusOf(const QByteArray& answer)
{
    return answer.split(' ').value(1).toInt();
}

QByteArray get(quint16 port, const QByteArray& target, const QByteArray& cookie = {})
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(5000))
        return {};
    s.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\nConnection: close\r\n"
            + (cookie.isEmpty() ? QByteArray() : "Cookie: " + cookie + "\r\n") + "\r\n");
    QByteArray all;
    QDeadlineTimer deadline(10'000);
    while (s.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        s.waitForReadyRead(100);
        all += s.readAll();
    }
    return all + s.readAll();
}

} // namespace

class TestTunnelPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid() && m_profile.isValid());
        installTranslations(*QCoreApplication::instance()); // "1 connection", as the app says it
        qputenv("HOME", m_home.path().toUtf8());
        Profile::setDirectory(m_profile.path());
        const QString problem = m_sshd.start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // The host key is trusted already (the admin checked the connection before).
        QFile pub(m_sshd.path(QStringLiteral("host_ed25519.pub")));
        QVERIFY(pub.open(QIODevice::ReadOnly));
        const QList<QByteArray> parts = pub.readAll().trimmed().split(' ');
        QDir().mkpath(Profile::dataDir());
        QFile known(Profile::dataDir() + QStringLiteral("/known_hosts"));
        QVERIFY(known.open(QIODevice::WriteOnly));
        known.write("[127.0.0.1]:" + QByteArray::number(m_sshd.port()) + ' ' + parts.value(0) + ' ' + parts.value(1)
                    + '\n');
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_freePort = probe.serverPort();
    }

    void oneClickOpensAWorkingLinkAndStopEndsIt()
    {
        FakeSandbox sandbox;
        const Target target = vm(QStringLiteral("sandbox-vm"));
        Inventory none; // as the app does once its inventory is read: the settings are read
        TunnelRegistry::instance(nullptr)->startMarked(none);
        TunnelPage page(target, nullptr);
        page.setSandboxPort(sandbox.port());
        QList<QUrl> opened;
        page.setUrlOpener([&](const QUrl& url) { opened << url; });
        page.resize(900, 360);
        page.show();
        auto* state = page.findChild<QLabel*>(QStringLiteral("tunnelState"));
        QCOMPARE(state->text(), QStringLiteral("not running"));

        QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("tunnelOpen-vnc")), Qt::LeftButton);
        QVERIFY2(test::waitUntil([&] { return !opened.isEmpty(); }, 30'000), qPrintable(state->text()));
        QVERIFY2(state->text().startsWith(QStringLiteral("up")), qPrintable(state->text()));
        // The browser is given a private start page that holds the link (not the link itself).
        const QUrl startPage = opened.first();
        QVERIFY(startPage.isLocalFile());
        QFile pageFile(startPage.toLocalFile());
        QVERIFY(pageFile.open(QIODevice::ReadOnly));
        QCOMPARE(pageFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        const QByteArray html = pageFile.readAll();
        const qsizetype at = html.indexOf("url=") + 4;
        const QUrl link(QString::fromUtf8(html.mid(at, html.indexOf('"', at) - at))
                            .replace(QStringLiteral("&amp;"), QStringLiteral("&")));
        QCOMPARE(link.path(), QStringLiteral("/vnc/index.html"));
        const quint16 port = quint16(link.port());
        const QByteArray redirect
            = get(port, link.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded).toLatin1());
        QCOMPARE(statusOf(redirect), 200);
        QVERIFY(redirect.contains("url=/vnc/index.html?autoconnect=true"));
        const qsizetype c = redirect.indexOf("Set-Cookie: ");
        const QByteArray cookie = redirect.mid(c + 12, redirect.indexOf(';', c) - c - 12);
        const QByteArray page200 = get(port, "/vnc/index.html?autoconnect=true", cookie);
        QCOMPARE(statusOf(page200), 200);
        QVERIFY(page200.contains("noVNC"));
        QCOMPARE(statusOf(get(port, "/vnc/index.html")), 403);
        {
            // A refused upload still gets its answer (not a connection reset over it).
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(s.waitForConnected(5000));
            s.write("POST /v1/file/upload HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                    + "\r\nContent-Length: 4000000\r\n\r\n");
            s.write(QByteArray(4'000'000, 'x'));
            QByteArray answer;
            QDeadlineTimer deadline(10'000);
            while (!answer.contains("\r\n") && !deadline.hasExpired() && s.state() == QAbstractSocket::ConnectedState) {
                s.waitForBytesWritten(50);
                s.waitForReadyRead(50);
                answer += s.readAll();
            }
            answer += s.readAll();
            QCOMPARE(statusOf(answer), 403);
        }

        auto* traffic = page.findChild<QLabel*>(QStringLiteral("tunnelTraffic"));
        QVERIFY2(test::waitUntil([&] { return traffic->text().contains(QStringLiteral("2 refused")); }, 5000),
                 qPrintable(traffic->text()));
        if (const QString shots = qEnvironmentVariable("AIO_SCREENSHOT_DIR"); !shots.isEmpty())
            QVERIFY(page.grab().save(shots + QStringLiteral("/tunnel-tab.png")));

        // A second tab on the same target shows the same tunnel (it outlives the tab).
        TunnelPage again(target, nullptr);
        QVERIFY(again.findChild<QLabel*>(QStringLiteral("tunnelState"))->text().startsWith(QStringLiteral("up")));

        QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("tunnelStop")), Qt::LeftButton);
        QCOMPARE(state->text(), QStringLiteral("not running"));
        QVERIFY(test::waitUntil([&] { return get(port, "/").isEmpty(); }, 5000));
    }

    void aSandboxThatDoesNotAnswerIsSaid()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 nothing = closed.serverPort();
        closed.close();
        const Target target = vm(QStringLiteral("empty-vm"));
        TunnelPage page(target, nullptr);
        page.setSandboxPort(nothing);
        page.show();
        QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("tunnelStart")), Qt::LeftButton);
        auto* state = page.findChild<QLabel*>(QStringLiteral("tunnelState"));
        QVERIFY2(test::waitUntil([&] { return state->text().contains(QStringLiteral("nothing answers")); }, 30'000),
                 qPrintable(state->text()));
        QVERIFY(!state->text().startsWith(QStringLiteral("up ·")));
        TunnelRegistry::instance(nullptr)->stop(target.id);
    }

    void aTunnelMarkedToStartWithTheAppStartsWithIt()
    {
        const Target target = vm(QStringLiteral("daily-vm"));
        {
            TunnelPage page(target, nullptr);
            auto* withApp = page.findChild<QCheckBox*>(QStringLiteral("tunnelWithApp"));
            // The settings are read once the app has its inventory; a page made before waits.
            Inventory none;
            TunnelRegistry::instance(nullptr)->startMarked(none);
            QVERIFY(test::waitUntil([&] { return withApp->isEnabled(); }, 10'000));
            QVERIFY(!withApp->isChecked());
            page.findChild<QLineEdit*>(QStringLiteral("tunnelPort"))->setText(QString::number(m_freePort));
            withApp->click();
        }
        // Written in the background, then read by the next start of the app.
        Result<QList<TunnelSettings::Entry>> saved = QList<TunnelSettings::Entry>();
        QVERIFY(test::waitUntil(
            [&] {
                saved = TunnelSettings::read(TunnelSettings::defaultPath());
                return saved && saved->size() == 1;
            },
            10'000));
        QCOMPARE(saved->first().target, target.id);
        QVERIFY(saved->first().autostart);
        QCOMPARE(saved->first().localPort, m_freePort);

        TunnelRegistry::shutdown(); // the app quits …
        Inventory inventory; // … and starts again
        inventory.loadFromList({target});
        TunnelRegistry* registry = TunnelRegistry::instance(nullptr);
        registry->startMarked(inventory);
        QVERIFY(test::waitUntil([&] { return registry->tunnel(target.id) != nullptr; }, 10'000));
        QCOMPARE(registry->tunnel(target.id)->port(), m_freePort);
        TunnelPage page(target, nullptr);
        QVERIFY(page.findChild<QCheckBox*>(QStringLiteral("tunnelWithApp"))->isChecked());
        // The far end here is no sandbox on 8080 of this machine: what the tab says is the truth.
        auto* state = page.findChild<QLabel*>(QStringLiteral("tunnelState"));
        QVERIFY2(test::waitUntil([&] { return !state->text().startsWith(QStringLiteral("connecting")); }, 30'000),
                 qPrintable(state->text()));
        page.findChild<QCheckBox*>(QStringLiteral("tunnelWithApp"))->click();
        QVERIFY(test::waitUntil(
            [&] {
                saved = TunnelSettings::read(TunnelSettings::defaultPath());
                return saved && saved->isEmpty();
            },
            10'000));
        TunnelRegistry::shutdown();
    }

private:
    Target vm(const QString& name) const
    {
        VmSettings s;
        s.host = *HostName::parse(QStringLiteral("127.0.0.1"));
        s.port = *Port::parse(QString::number(m_sshd.port()));
        const passwd* pw = getpwuid(getuid());
        s.user = QString::fromLocal8Bit(pw ? pw->pw_name : "root");
        s.auth = SshAuthMethod::KeyFile;
        s.keyPath = m_sshd.path(QStringLiteral("client"));
        return Target::makeVm(name, s);
    }

    QTemporaryDir m_home;
    QTemporaryDir m_profile;
    test::LocalSshd m_sshd;
    quint16 m_freePort = 0;
};

QTEST_MAIN(TestTunnelPage)
#include "TestTunnelPage.moc"
