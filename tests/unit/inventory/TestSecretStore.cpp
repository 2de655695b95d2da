// SecretStore against a real Secret Service: GNOME Keyring in a private D-Bus session, started by
// with-test-keyring.sh (the CTest wrapper of this test).

#include "core/inventory/SecretStore.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QtConcurrent>

using namespace aio;

namespace {
// Waits (bounded) for an async callback.
template <typename T>
std::optional<T> waitFor(std::optional<T>& slot)
{
    for (int i = 0; i < 300 && !slot; ++i)
        QTest::qWait(50);
    return slot;
}
} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariableIsSet("AIO_IN_TEST_SESSION"),
                 "run through tests/unit/inventory/with-test-keyring.sh (ctest does)");
    }

    void keysNameTheTargetAndTheKind()
    {
        const QUuid id = QUuid::fromString(QStringLiteral("6f0c3a5e-1111-4a6b-9c1d-2e3f4a5b6c7d"));
        QCOMPARE(SecretStore::serviceName(), QStringLiteral("aio-sandbox-manager"));
        QCOMPARE(SecretStore::keyFor(id, SecretKind::Password),
                 QStringLiteral("6f0c3a5e-1111-4a6b-9c1d-2e3f4a5b6c7d/password"));
        QCOMPARE(SecretStore::keyFor(id, SecretKind::SandboxJwtPrivateKey),
                 QStringLiteral("6f0c3a5e-1111-4a6b-9c1d-2e3f4a5b6c7d/sandbox-jwt-private-key"));
        QCOMPARE(SecretStore::kindName(SecretKind::KeyPassphrase), QStringLiteral("key-passphrase"));
        QCOMPARE(SecretStore::kindName(SecretKind::SudoPassword), QStringLiteral("sudo-password"));
        QCOMPARE(SecretStore::kindName(SecretKind::Token), QStringLiteral("token"));
        QCOMPARE(SecretStore::kindName(SecretKind::SandboxApiKey), QStringLiteral("sandbox-api-key"));
        QCOMPARE(SecretStore::kindName(SecretKind::EdgePassword), QStringLiteral("edge-password"));
    }

    void asyncWriteReadRemove()
    {
        SecretStore store;
        const QUuid id = QUuid::createUuid();
        const QString secret = QStringLiteral("pa$$ wörd-%1").arg(QUuid::createUuid().toString());

        std::optional<Status> written;
        store.write(id, SecretKind::Password, secret, this, [&](Status s) { written = s; });
        QVERIFY(waitFor(written));
        QVERIFY2(written->ok(), qPrintable(written->ok() ? QString() : written->error().toString()));
        QVERIFY(SecretStore::keychainSeemsAvailable());

        std::optional<Result<QString>> read;
        store.read(id, SecretKind::Password, this, [&](Result<QString> r) { read = r; });
        QVERIFY(waitFor(read));
        QVERIFY(read->ok());
        QCOMPARE(read->value(), secret);

        // Another kind of the same target is separate.
        std::optional<Result<QString>> other;
        store.read(id, SecretKind::SudoPassword, this, [&](Result<QString> r) { other = r; });
        QVERIFY(waitFor(other));
        QVERIFY(!other->ok());
        QCOMPARE(other->error().kind, ErrorKind::NotFound);

        std::optional<Status> removed;
        store.remove(id, SecretKind::Password, this, [&](Status s) { removed = s; });
        QVERIFY(waitFor(removed));
        QVERIFY(removed->ok());

        std::optional<Result<QString>> gone;
        store.read(id, SecretKind::Password, this, [&](Result<QString> r) { gone = r; });
        QVERIFY(waitFor(gone));
        QVERIFY(!gone->ok());
        QCOMPARE(gone->error().kind, ErrorKind::NotFound);
    }

    void theSecretIsInTheSystemKeychain()
    {
        // Another client of the Secret Service (secret-tool) sees what we stored, under the
        // service name and key documented in SecretStore.h.
        SecretStore store;
        const QUuid id = QUuid::createUuid();
        const QString secret = QStringLiteral("seen-by-secret-tool-%1").arg(QUuid::createUuid().toString());
        QVERIFY(QtConcurrent::run([&] { return store.writeBlocking(id, SecretKind::Token, secret); }).result().ok());
        QProcess lookup;
        lookup.start(QStringLiteral("secret-tool"),
                     {QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("--unlock"),
                      QStringLiteral("user"), SecretStore::keyFor(id, SecretKind::Token)});
        QVERIFY(lookup.waitForFinished(30000));
        const QString output = QString::fromUtf8(lookup.readAllStandardOutput() + lookup.readAllStandardError());
        QVERIFY2(output.contains(secret), qPrintable(output));
        QVERIFY2(output.contains(SecretStore::serviceName()), qPrintable(output));
    }

    void blockingCallsWorkOnAWorkerThread()
    {
        SecretStore store;
        const QUuid id = QUuid::createUuid();
        const QString secret = QStringLiteral("worker-thread-secret");
        auto result = QtConcurrent::run([&]() -> Result<QString> {
                          if (Status s = store.writeBlocking(id, SecretKind::SudoPassword, secret); !s)
                              return s.error();
                          auto read = store.readBlocking(id, SecretKind::SudoPassword);
                          if (Status s = store.removeBlocking(id, SecretKind::SudoPassword); !s)
                              return s.error();
                          return read;
                      }).result();
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().toString()));
        QCOMPARE(*result, secret);
        auto after = QtConcurrent::run([&] { return store.readBlocking(id, SecretKind::SudoPassword); }).result();
        QCOMPARE(after.error().kind, ErrorKind::NotFound);
    }

    void removeAllClearsEveryKind()
    {
        SecretStore store;
        const QUuid id = QUuid::createUuid();
        const SecretKind kinds[] = {SecretKind::Password, SecretKind::KeyPassphrase, SecretKind::SandboxApiKey};
        for (SecretKind kind : kinds) {
            QVERIFY(
                QtConcurrent::run([&] { return store.writeBlocking(id, kind, QStringLiteral("x")); }).result().ok());
        }
        std::optional<Status> removed;
        store.removeAll(id, this, [&](Status s) { removed = s; });
        QVERIFY(waitFor(removed));
        QVERIFY(removed->ok());
        for (SecretKind kind : kinds) {
            auto r = QtConcurrent::run([&] { return store.readBlocking(id, kind); }).result();
            QCOMPARE(r.error().kind, ErrorKind::NotFound);
        }
    }

    void callbackIsDroppedWithItsContext()
    {
        SecretStore store;
        bool called = false;
        auto* context = new QObject;
        store.read(QUuid::createUuid(), SecretKind::Password, context, [&](Result<QString>) { called = true; });
        delete context;
        // Give the job time to finish; the callback must not run on a dead context.
        std::optional<Status> done;
        store.remove(QUuid::createUuid(), SecretKind::Password, this, [&](Status s) { done = s; });
        QVERIFY(waitFor(done));
        QTest::qWait(100);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "TestSecretStore.moc"
