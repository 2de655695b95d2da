// SecretStore where no keychain service is running (no D-Bus session): it says so clearly, keeps
// the secret in memory for this run only, and never pretends it was stored.

#include "core/inventory/SecretStore.h"

#include <QSignalSpy>
#include <QTest>
#include <QtConcurrent>

using namespace aio;

class TestSecretStoreNoKeychain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // CTest sets these; checked so the test cannot silently pass against a real keychain.
        QVERIFY(qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains(QStringLiteral("nonexistent")));
    }

    void writeReportsKeychainUnavailableAndKeepsTheSecretInMemory()
    {
        SecretStore store;
        QSignalSpy unavailable(&store, &SecretStore::keychainUnavailable);
        const QUuid id = QUuid::createUuid();
        std::optional<Status> written;
        store.write(id, SecretKind::Password, QStringLiteral("only-in-memory"), this, [&](Status s) { written = s; });
        for (int i = 0; i < 600 && !written; ++i)
            QTest::qWait(50);
        QVERIFY(written);
        QVERIFY(!written->ok());
        const Error e = written->error();
        QVERIFY2(e.kind == ErrorKind::KeychainUnavailable, qPrintable(e.toString()));
        QVERIFY2(e.message.contains(QStringLiteral("No keychain service")), qPrintable(e.message));
        QVERIFY(e.message.contains(QStringLiteral("until the app quits")));
        QVERIFY(!e.nextStep.isEmpty());
        QVERIFY(!e.detail.isEmpty()); // what QtKeychain / D-Bus said
        QVERIFY(!SecretStore::keychainSeemsAvailable());
        QCOMPARE(unavailable.count(), 1);

        // For the rest of this run the app can use it.
        auto read = QtConcurrent::run([&] { return store.readBlocking(id, SecretKind::Password); }).result();
        QVERIFY(read.ok());
        QCOMPARE(*read, QStringLiteral("only-in-memory"));

        // Next run (here: memory cleared) it is gone and must be asked for again.
        SecretStore::clearMemory();
        auto again = QtConcurrent::run([&] { return store.readBlocking(id, SecretKind::Password); }).result();
        QVERIFY(!again.ok());
        QVERIFY(again.error().kind == ErrorKind::KeychainUnavailable || again.error().kind == ErrorKind::NotFound);
    }

    void blockingWriteReportsTheSameError()
    {
        SecretStore store;
        const Status s = QtConcurrent::run([&] {
                             return store.writeBlocking(QUuid::createUuid(), SecretKind::Token, QStringLiteral("t"));
                         }).result();
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, ErrorKind::KeychainUnavailable);
    }

    void removingAMemoryOnlySecretSucceeds()
    {
        SecretStore store;
        const QUuid id = QUuid::createUuid();
        QCOMPARE(
            QtConcurrent::run([&] { return store.writeBlocking(id, SecretKind::SudoPassword, QStringLiteral("s")); })
                .result()
                .error()
                .kind,
            ErrorKind::KeychainUnavailable);
        QVERIFY(QtConcurrent::run([&] { return store.removeBlocking(id, SecretKind::SudoPassword); }).result().ok());
        auto read = QtConcurrent::run([&] { return store.readBlocking(id, SecretKind::SudoPassword); }).result();
        QVERIFY(!read.ok());
    }
};

QTEST_GUILESS_MAIN(TestSecretStoreNoKeychain)
#include "TestSecretStoreNoKeychain.moc"
