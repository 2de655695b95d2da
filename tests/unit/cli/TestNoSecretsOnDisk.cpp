// No secret ever lands in a file the app writes: targets with passwords are added in-process and
// through the CLI, with a real keychain (GNOME Keyring, via with-test-keyring.sh) and without one,
// then every file under the test's HOME and profiles is searched for the secrets in any encoding.

#include "CliRunner.h"
#include "core/common/Profile.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/SecretStore.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace aio;

class TestNoSecretsOnDisk : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;
    QStringList m_secrets;

    QString secret(const char* label)
    {
        const QString s
            = QStringLiteral("S3cr3t-%1-%2").arg(QLatin1String(label), QUuid::createUuid().toString(QUuid::Id128));
        m_secrets << s;
        return s;
    }

    // Every form a careless write could take.
    static QList<QByteArray> encodings(const QString& s)
    {
        QByteArray utf16(reinterpret_cast<const char*>(s.utf16()), s.size() * 2);
        return {s.toUtf8(), utf16, s.toUtf8().toBase64(), s.toUtf8().toHex(), s.toUtf8().toPercentEncoding()};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariableIsSet("AIO_IN_TEST_SESSION"),
                 "run through tests/unit/inventory/with-test-keyring.sh (ctest does)");
        QVERIFY(m_root.isValid());
    }

    void inProcessWithKeychain()
    {
        Profile::setDirectory(m_root.filePath(QStringLiteral("profile-inprocess")));
        Inventory inventory;
        QVERIFY(inventory.load().ok());
        VmSettings vm;
        vm.host = *HostName::parse(QStringLiteral("198.18.0.10"));
        vm.auth = SshAuthMethod::Password;
        vm.sudo = true;
        auto target = inventory.add(Target::makeVm(QStringLiteral("pw-vm"), vm));
        QVERIFY(target.ok());
        SecretStore store;
        const QString password = secret("password");
        const QString sudo = secret("sudo");
        QVERIFY(QtConcurrent::run([&] { return store.writeBlocking(target->id, SecretKind::Password, password); })
                    .result()
                    .ok());
        QVERIFY(QtConcurrent::run([&] { return store.writeBlocking(target->id, SecretKind::SudoPassword, sudo); })
                    .result()
                    .ok());
        QVERIFY(inventory.save().ok());
        QVERIFY(QFile::exists(inventory.filePath()));
        Profile::setDirectory({});
    }

    void cliWithKeychain()
    {
        CliRunner cli(m_root.filePath(QStringLiteral("home")));
        const QString profile = m_root.filePath(QStringLiteral("profile-cli"));
        const QString password = secret("cli-password");
        CliResult r = cli.run({QStringLiteral("--profile"), profile, QStringLiteral("targets"), QStringLiteral("add"),
                               QStringLiteral("vm"), QStringLiteral("cli-vm"), QStringLiteral("--host"),
                               QStringLiteral("198.18.0.11"), QStringLiteral("--auth"), QStringLiteral("password"),
                               QStringLiteral("--password-stdin")},
                              password.toUtf8() + '\n');
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("stored in the system keychain"));
        QVERIFY(!r.out.contains(password.toUtf8()) && !r.err.contains(password.toUtf8()));

        // It really is in the keychain, under the target's id.
        r = cli.run({QStringLiteral("--profile"), profile, QStringLiteral("targets"), QStringLiteral("list"),
                     QStringLiteral("--json")});
        const QUuid id = QUuid::fromString(
            QJsonDocument::fromJson(r.out).array().at(0).toObject().value(QStringLiteral("id")).toString());
        QVERIFY(!id.isNull());
        SecretStore store;
        auto stored = QtConcurrent::run([&] { return store.readBlocking(id, SecretKind::Password); }).result();
        QVERIFY(stored.ok());
        QCOMPARE(*stored, password);
    }

    // The edge's basic-auth password, given once to `deploy`, is kept in the keychain (not in the
    // answers or any file), and the next run finds it there.
    void cliKeepsTheEdgePasswordInTheKeychain()
    {
        CliResult r;
        CliRunner cli(m_root.filePath(QStringLiteral("home")));
        const QString profile = m_root.filePath(QStringLiteral("profile-edge"));
        const QString password = secret("edge-password");
        r = cli.run({QStringLiteral("--profile"), profile, QStringLiteral("targets"), QStringLiteral("add"),
                     QStringLiteral("vm"), QStringLiteral("edge-vm"), QStringLiteral("--host"),
                     QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString answers = m_root.filePath(QStringLiteral("edge-answers.json"));
        QFile f(answers);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"version": 1, "publicHost": "sandbox.test", "tls": {"mode": "own-ca"},
                    "edge": {"basicAuthUser": "admin"}, "sandboxAuth": {"jwt": false, "apiKey": true}})");
        f.close();
        const QStringList deploy{
            QStringLiteral("--profile"), profile, QStringLiteral("deploy"), QStringLiteral("edge-vm"),
            QStringLiteral("--answers"), answers, QStringLiteral("--yes")};
        // The plan is built (so the password is accepted and kept); then port 1 refuses the login.
        r = cli.run(deploy + QStringList{QStringLiteral("--basic-auth-password-stdin")}, password.toUtf8() + '\n');
        QVERIFY(r.exitCode != 0);
        QVERIFY2(!r.err.contains("no password was given"), r.err.constData());
        r = cli.run({QStringLiteral("--profile"), profile, QStringLiteral("targets"), QStringLiteral("list"),
                     QStringLiteral("--json")});
        const QUuid id = QUuid::fromString(
            QJsonDocument::fromJson(r.out).array().at(0).toObject().value(QStringLiteral("id")).toString());
        SecretStore store;
        auto stored = QtConcurrent::run([&] { return store.readBlocking(id, SecretKind::EdgePassword); }).result();
        QVERIFY(stored.ok());
        QCOMPARE(*stored, password);
        // The next run needs no password: it gets as far as the login again.
        r = cli.run(deploy);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(!r.err.contains("no password was given"), r.err.constData());
        QVERIFY(!r.out.contains(password.toUtf8()) && !r.err.contains(password.toUtf8()));
    }

    void cliWithoutKeychain()
    {
        CliRunner cli(m_root.filePath(QStringLiteral("home")));
        cli.withoutKeychain();
        const QString profile = m_root.filePath(QStringLiteral("profile-nokeychain"));
        const QString sudo = secret("no-keychain-sudo");
        const CliResult r
            = cli.run({QStringLiteral("--profile"), profile, QStringLiteral("targets"), QStringLiteral("add"),
                       QStringLiteral("vm"), QStringLiteral("sudo-vm"), QStringLiteral("--host"),
                       QStringLiteral("198.18.0.12"), QStringLiteral("--sudo"), QStringLiteral("--password-stdin")},
                      sudo.toUtf8() + '\n');
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("No keychain service is running, so the password was not stored"), r.err.constData());
        QVERIFY(QFile::exists(profile + QStringLiteral("/config/inventory.json")));
    }

    void noFileHoldsASecret()
    {
        QCOMPARE(m_secrets.size(), 5);
        int files = 0;
        QDirIterator it(m_root.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            const QByteArray content = f.readAll();
            ++files;
            for (const QString& s : std::as_const(m_secrets)) {
                for (const QByteArray& form : encodings(s))
                    QVERIFY2(!content.contains(form), qPrintable(QStringLiteral("%1 holds a secret").arg(path)));
            }
        }
        // The inventories were written (so there was something to search).
        QVERIFY2(files >= 3, qPrintable(QString::number(files)));
    }
};

QTEST_GUILESS_MAIN(TestNoSecretsOnDisk)
#include "TestNoSecretsOnDisk.moc"
