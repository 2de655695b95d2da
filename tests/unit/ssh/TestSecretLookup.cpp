// The secret lookup every SSH session of the app and the CLI uses: what was typed earlier, then
// the keychain (a real GNOME Keyring in a private D-Bus session, started by the CTest wrapper),
// then the user; refused secrets are never offered again; one-time codes are never kept.

#include "core/inventory/SecretStore.h"
#include "core/ssh/SecretLookup.h"

#include <QTest>
#include <QtConcurrent>

using namespace aio;

namespace {
// Sessions ask from their worker thread; so do these tests (the keychain calls block).
std::optional<QString> askFromWorker(const SecretProvider& provider, const SecretRequest& request)
{
    return QtConcurrent::run([&] { return provider(request); }).result();
}

SecretRequest request(SecretRequest::Kind kind, int attempt = 1)
{
    SecretRequest r;
    r.kind = kind;
    r.targetName = QStringLiteral("web");
    r.user = QStringLiteral("deploy");
    r.host = QStringLiteral("198.18.0.2");
    r.attempt = attempt;
    return r;
}

// A user at the keyboard: answers from a script and counts the questions.
struct ScriptedUser
{
    QStringList answers;
    bool remember = false;
    int asked = 0;
    QList<bool> canRemember;

    SecretAsker asker()
    {
        return [this](const SecretRequest&, bool mayRemember) -> std::optional<SecretAnswer> {
            ++asked;
            canRemember << mayRemember;
            if (answers.isEmpty())
                return std::nullopt;
            return SecretAnswer{answers.takeFirst(), remember};
        };
    }
};
} // namespace

class TestSecretLookup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariableIsSet("AIO_IN_TEST_SESSION"),
                 "run through tests/unit/inventory/with-test-keyring.sh (ctest does)");
    }

    void kindsMapToKeychainEntries()
    {
        QCOMPARE(secretKindFor(request(SecretRequest::Kind::LoginPassword)), SecretKind::Password);
        QCOMPARE(secretKindFor(request(SecretRequest::Kind::KeyPassphrase)), SecretKind::KeyPassphrase);
        QCOMPARE(secretKindFor(request(SecretRequest::Kind::SudoPassword)), SecretKind::SudoPassword);
        SecretRequest pam = request(SecretRequest::Kind::KeyboardInteractive);
        pam.prompt = QStringLiteral("Password: ");
        QCOMPARE(secretKindFor(pam), SecretKind::Password);
        pam.prompt = QStringLiteral("(deploy@198.18.0.2) Password:");
        QCOMPARE(secretKindFor(pam), SecretKind::Password);
        SecretRequest otp = request(SecretRequest::Kind::KeyboardInteractive);
        otp.prompt = QStringLiteral("Verification code: ");
        QVERIFY(!secretKindFor(otp));
        SecretRequest echoed = request(SecretRequest::Kind::KeyboardInteractive);
        echoed.prompt = QStringLiteral("Password:");
        echoed.echo = true;
        QVERIFY(!secretKindFor(echoed));
    }

    void typedOnceIsAskedOnceAcrossReconnects()
    {
        SecretStore store;
        ScriptedUser user{{QStringLiteral("s3cret")}};
        const SecretProvider provider = makeSecretProvider(QUuid::createUuid(), &store, user.asker());
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::LoginPassword)), QStringLiteral("s3cret"));
        // A reconnect asks again with attempt 1: the answer typed before is used.
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::LoginPassword)), QStringLiteral("s3cret"));
        QCOMPARE(user.asked, 1);
        QCOMPARE(user.canRemember, QList<bool>{true});
    }

    void refusedAnswerIsAskedAgainNeverReused()
    {
        SecretStore store;
        ScriptedUser user{{QStringLiteral("wrong"), QStringLiteral("right")}};
        const SecretProvider provider = makeSecretProvider(QUuid::createUuid(), &store, user.asker());
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::SudoPassword)), QStringLiteral("wrong"));
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::SudoPassword, 2)), QStringLiteral("right"));
        QCOMPARE(user.asked, 2);
        // The next connection gets the corrected answer without asking.
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::SudoPassword)), QStringLiteral("right"));
        QCOMPARE(user.asked, 2);
        // A user who cancels: no secret, no guess.
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::SudoPassword, 3)), std::nullopt);
    }

    void keychainComesFirstButNotAfterARefusal()
    {
        SecretStore store;
        const QUuid id = QUuid::createUuid();
        QVERIFY(QtConcurrent::run([&] {
                    return store.writeBlocking(id, SecretKind::KeyPassphrase, QStringLiteral("from-keychain"));
                }).result());
        ScriptedUser user{{QStringLiteral("typed")}};
        const SecretProvider provider = makeSecretProvider(id, &store, user.asker());
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::KeyPassphrase)), QStringLiteral("from-keychain"));
        QCOMPARE(user.asked, 0);
        // The stored passphrase was wrong: the user is asked, the keychain is not tried again.
        QCOMPARE(askFromWorker(provider, request(SecretRequest::Kind::KeyPassphrase, 2)), QStringLiteral("typed"));
        QCOMPARE(user.asked, 1);
        // Without an asker (a script), a refused stored secret ends the attempt.
        const SecretProvider batch = makeSecretProvider(id, &store, nullptr);
        QCOMPARE(askFromWorker(batch, request(SecretRequest::Kind::KeyPassphrase)), QStringLiteral("from-keychain"));
        QCOMPARE(askFromWorker(batch, request(SecretRequest::Kind::KeyPassphrase, 2)), std::nullopt);
    }

    void rememberedAnswersGoToTheKeychainOthersDoNot()
    {
        SecretStore store;
        const QUuid kept = QUuid::createUuid();
        ScriptedUser rememberer{{QStringLiteral("keep me")}, true};
        QCOMPARE(askFromWorker(makeSecretProvider(kept, &store, rememberer.asker()),
                               request(SecretRequest::Kind::LoginPassword)),
                 QStringLiteral("keep me"));
        QCOMPARE(QtConcurrent::run([&] { return store.readBlocking(kept, SecretKind::Password); }).result().valueOr({}),
                 QStringLiteral("keep me"));
        // A new provider (the app started again) finds it in the keychain without asking.
        ScriptedUser nobody;
        QCOMPARE(askFromWorker(makeSecretProvider(kept, &store, nobody.asker()),
                               request(SecretRequest::Kind::LoginPassword)),
                 QStringLiteral("keep me"));
        QCOMPARE(nobody.asked, 0);

        const QUuid notKept = QUuid::createUuid();
        ScriptedUser forgetful{{QStringLiteral("only now")}, false};
        QCOMPARE(askFromWorker(makeSecretProvider(notKept, &store, forgetful.asker()),
                               request(SecretRequest::Kind::LoginPassword)),
                 QStringLiteral("only now"));
        QVERIFY(!QtConcurrent::run([&] { return store.readBlocking(notKept, SecretKind::Password); }).result());
    }

    void oneTimeCodesAreNeverKept()
    {
        SecretStore store;
        const QUuid id = QUuid::createUuid();
        ScriptedUser user{{QStringLiteral("123456"), QStringLiteral("654321")}, true};
        const SecretProvider provider = makeSecretProvider(id, &store, user.asker());
        SecretRequest otp = request(SecretRequest::Kind::KeyboardInteractive);
        otp.prompt = QStringLiteral("Verification code: ");
        QCOMPARE(askFromWorker(provider, otp), QStringLiteral("123456"));
        QCOMPARE(askFromWorker(provider, otp), QStringLiteral("654321")); // asked every time
        QCOMPARE(user.canRemember, (QList<bool>{false, false}));
        QVERIFY(!QtConcurrent::run([&] { return store.readBlocking(id, SecretKind::Password); }).result());
    }
};

QTEST_GUILESS_MAIN(TestSecretLookup)
#include "TestSecretLookup.moc"
