#include "core/inventory/SecretStore.h"

#include "core/inventory/KeychainOutcome.h"

#include "core/inventory/InventoryLogging.h"

#include <qt6keychain/keychain.h>

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QSemaphore>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>

namespace aio {

namespace {

// Secrets kept for this run only, when no keychain service answers. Process-wide, never written.
QMutex g_memoryMutex;
QHash<QString, QString>& memory()
{
    static QHash<QString, QString> secrets;
    return secrets;
}
std::atomic_bool g_keychainAvailable{true};
std::atomic_bool g_memoryOnly{false};
std::atomic_bool g_noKeychain{false};
std::atomic_int g_blockingTimeoutMs{30'000};
std::atomic_int g_slowCalls{0}; // keychain calls waiting for more than kSlowAfterMs
constexpr int kSlowAfterMs = 1000;

QMutex g_reasonMutex;
QString& memoryOnlyReason()
{
    static QString reason;
    return reason;
}

void countSlow(int delta)
{
    const int before = g_slowCalls.fetch_add(delta);
    if (before == 0 && delta > 0)
        emit SecretStore::activity()->waitingChanged(true);
    else if (before + delta == 0 && delta < 0)
        emit SecretStore::activity()->waitingChanged(false);
}

void rememberInMemory(const QString& key, const QString& secret)
{
    QMutexLocker lock(&g_memoryMutex);
    memory().insert(key, secret);
}

std::optional<QString> fromMemory(const QString& key)
{
    QMutexLocker lock(&g_memoryMutex);
    auto it = memory().constFind(key);
    if (it == memory().constEnd())
        return std::nullopt;
    return *it;
}

void forgetInMemory(const QString& key)
{
    QMutexLocker lock(&g_memoryMutex);
    auto it = memory().find(key);
    if (it != memory().end()) {
        it->fill(QLatin1Char('\0'));
        memory().erase(it);
    }
}

// True when the job failed because there is no keychain service to talk to (as opposed to a
// refusal or a missing entry). QtKeychain reports a missing D-Bus session / Secret Service
// either as NoBackendAvailable or as OtherError with the D-Bus or libsecret message.
bool isUnavailable(const QKeychain::Job* job)
{
    if (job->error() == QKeychain::NoBackendAvailable || job->error() == QKeychain::NotImplemented)
        return true;
    if (job->error() != QKeychain::OtherError)
        return false;
    const QString text = job->errorString();
    // libsecret / GIO: "Could not connect: No such file or directory", "Cannot autolaunch D-Bus
    // without X11 $DISPLAY"; D-Bus: "The name org.freedesktop.secrets was not provided by any
    // .service files"; KWallet: "… kwalletd …".
    static const char* const markers[] = {"Could not connect",
                                          "autolaunch",
                                          "D-Bus",
                                          "DBus",
                                          "org.freedesktop",
                                          "Secret Service",
                                          "ServiceUnknown",
                                          "not provided by any .service",
                                          "Failed to connect to socket",
                                          "kwallet"};
    for (const char* marker : markers) {
        if (text.contains(QLatin1String(marker), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

Error unavailableError(const QString& detail)
{
    if (g_memoryOnly) {
        QMutexLocker lock(&g_reasonMutex);
        return Error(ErrorKind::KeychainUnavailable,
                     SecretStore::tr("Secrets are kept in memory only, so this one is kept until the app quits."),
                     memoryOnlyReason().isEmpty() ? detail : memoryOnlyReason(),
                     SecretStore::tr("Start or unlock your desktop's keyring and restart the app to have secrets "
                                     "remembered."));
    }
    return Error(ErrorKind::KeychainUnavailable,
                 SecretStore::tr("No keychain service is running, so the secret is kept only until the app quits."),
                 detail,
                 SecretStore::tr("Start your desktop's keyring (for example GNOME Keyring or KWallet) to have secrets "
                                 "remembered; otherwise the app asks again next time."));
}

QString describe(SecretKind kind)
{
    switch (kind) {
    case SecretKind::Password:
        return SecretStore::tr("SSH password");
    case SecretKind::KeyPassphrase:
        return SecretStore::tr("key passphrase");
    case SecretKind::SudoPassword:
        return SecretStore::tr("sudo password");
    case SecretKind::Token:
        return SecretStore::tr("cluster token");
    case SecretKind::SandboxJwtPrivateKey:
        return SecretStore::tr("sandbox JWT signing key");
    case SecretKind::SandboxApiKey:
        return SecretStore::tr("sandbox API key");
    case SecretKind::EdgePassword:
        return SecretStore::tr("edge (basic auth) password");
    }
    return SecretStore::tr("secret");
}

// QtKeychain is not thread-safe (its job queue is a singleton QObject bound to the thread that
// first used it), so every job runs on one thread of ours. Callers on any thread hand a request
// over and get the outcome back by a queued signal (async) or a semaphore (blocking).
class KeychainThread
{
public:
    static QThread* instance()
    {
        static KeychainThread* self = [] {
            auto* t = new KeychainThread;
            // Stop the thread before the application object goes away.
            qAddPostRoutine([] { KeychainThread::stop(); });
            return t;
        }();
        return self->m_thread;
    }
    static void stop()
    {
        QThread* thread = instance();
        thread->quit();
        thread->wait(5000);
    }

private:
    KeychainThread()
        : m_thread(new QThread)
    {
        m_thread->setObjectName(QStringLiteral("aio-keychain"));
        m_thread->start();
    }
    QThread* m_thread;
};

enum class Operation { Write, Read, Remove };

bool onGuiThread()
{
    QCoreApplication* app = QCoreApplication::instance();
    return app && app->inherits("QGuiApplication") && QThread::currentThread() == app->thread();
}

// One keychain call, carried out on the keychain thread. Lives there; deletes itself when done.
class KeychainRequest : public QObject
{
    Q_OBJECT

public:
    KeychainRequest(Operation op, QString key, QString secret)
        : m_op(op)
        , m_key(std::move(key))
        , m_secret(std::move(secret))
    { }

    void start()
    {
        // Connected before the flag is read: a keepInMemoryOnly() in between still reaches us.
        connect(SecretStore::activity(), &KeychainActivity::stopWaiting, this, [this] {
            KeychainOutcome outcome;
            outcome.error = QKeychain::NoBackendAvailable;
            outcome.errorString = SecretStore::tr("stopped waiting for the keychain");
            outcome.unavailable = true;
            finish(outcome);
        });
        if (g_memoryOnly) {
            // Secrets went to memory only while this call was on its way: no keychain job.
            m_secret.fill(QLatin1Char('\0'));
            KeychainOutcome outcome;
            outcome.error = QKeychain::NoBackendAvailable;
            outcome.unavailable = true;
            finish(outcome);
            return;
        }
        QKeychain::Job* job = nullptr;
        if (m_op == Operation::Write) {
            auto* w = new QKeychain::WritePasswordJob(SecretStore::serviceName());
            w->setTextData(m_secret);
            job = w;
        } else if (m_op == Operation::Read) {
            job = new QKeychain::ReadPasswordJob(SecretStore::serviceName());
        } else {
            job = new QKeychain::DeletePasswordJob(SecretStore::serviceName());
        }
        m_secret.fill(QLatin1Char('\0'));
        m_secret.clear();
        job->setAutoDelete(true);
        job->setInsecureFallback(false); // never a plain file
        job->setKey(m_key);
        connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* finished) {
            KeychainOutcome outcome;
            outcome.error = finished->error();
            outcome.errorString = finished->errorString();
            outcome.unavailable = finished->error() != QKeychain::NoError && isUnavailable(finished);
            if (m_op == Operation::Read && finished->error() == QKeychain::NoError)
                outcome.text = static_cast<QKeychain::ReadPasswordJob*>(finished)->textData();
            finish(outcome);
        });
        // The admin stopped waiting (stopWaiting, connected above; the keyring's prompt may stay
        // open): the call ends as "no keychain". The job cannot be taken back; its late outcome
        // is dropped with this object.
        // A call that takes longer than a second is most likely waiting for the admin to answer
        // the keyring: say so (KeychainActivity::waitingChanged).
        QTimer::singleShot(kSlowAfterMs, this, [this] {
            if (m_finished)
                return;
            m_slow = true;
            countSlow(1);
        });
        job->start();
    }

signals:
    void done(const aio::KeychainOutcome& outcome);

private:
    void finish(const KeychainOutcome& outcome)
    {
        if (m_finished)
            return;
        m_finished = true;
        if (m_slow)
            countSlow(-1);
        emit done(outcome);
        deleteLater();
    }

    Operation m_op;
    QString m_key;
    QString m_secret;
    bool m_finished = false;
    bool m_slow = false;
};

// Starts request on the keychain thread; deliver is connected before, so nothing is missed.
void launch(KeychainRequest* request)
{
    request->moveToThread(KeychainThread::instance());
    QMetaObject::invokeMethod(request, &KeychainRequest::start, Qt::QueuedConnection);
}

// Runs a request and waits for its outcome on this thread (not the keychain thread).
Result<KeychainOutcome> runBlocking(Operation op, const QString& key, const QString& secret)
{
    if (onGuiThread())
        return Error(ErrorKind::Internal, SecretStore::tr("A blocking keychain call was made on the GUI thread."));
    struct Shared
    {
        QSemaphore ready;
        KeychainOutcome outcome;
    };
    auto shared = std::make_shared<Shared>();
    auto* request = new KeychainRequest(op, key, secret);
    QObject::connect(
        request, &KeychainRequest::done, request,
        [shared](const KeychainOutcome& outcome) {
            shared->outcome = outcome;
            shared->ready.release();
        },
        Qt::DirectConnection);
    launch(request);
    const int timeoutMs = g_blockingTimeoutMs.load();
    if (!shared->ready.tryAcquire(1, timeoutMs))
        return Error(ErrorKind::Timeout,
                     SecretStore::tr("The keychain did not answer within %n second(s).", nullptr, timeoutMs / 1000), {},
                     SecretStore::tr("The keyring may be waiting for you to unlock it in a window of its own."));
    return shared->outcome;
}

Error outcomeError(const KeychainOutcome& o, const QString& what)
{
    if (o.unavailable)
        return unavailableError(o.errorString);
    switch (o.error) {
    case QKeychain::EntryNotFound:
        return Error(ErrorKind::NotFound, SecretStore::tr("No %1 is stored in the keychain.").arg(what), o.errorString);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return Error(ErrorKind::PermissionDenied, SecretStore::tr("The keychain refused access to the %1.").arg(what),
                     o.errorString, SecretStore::tr("Unlock the keyring and try again."));
    default:
        return Error(ErrorKind::Io, SecretStore::tr("The keychain could not store or read the %1.").arg(what),
                     o.errorString);
    }
}

// What a finished write means; keeps the secret in memory when there is no keychain.
Status writeOutcome(const KeychainOutcome& o, const QString& key, const QString& secret, const QString& what,
                    bool& firstUnavailable)
{
    firstUnavailable = false;
    if (o.error == QKeychain::NoError) {
        forgetInMemory(key);
        g_keychainAvailable = true;
        return {};
    }
    if (o.unavailable) {
        rememberInMemory(key, secret);
        firstUnavailable = g_keychainAvailable.exchange(false);
        qCWarning(lcInventory) << "no keychain service; a secret is kept in memory for this run:" << o.errorString;
        return unavailableError(o.errorString);
    }
    return outcomeError(o, what);
}

Result<QString> readOutcome(const KeychainOutcome& o, const QString& what, bool& firstUnavailable)
{
    firstUnavailable = false;
    if (o.error == QKeychain::NoError)
        return o.text;
    if (o.unavailable)
        firstUnavailable = g_keychainAvailable.exchange(false);
    return outcomeError(o, what);
}

Status removeOutcome(const KeychainOutcome& o, const QString& what, bool wasInMemory)
{
    if (o.error == QKeychain::NoError || o.error == QKeychain::EntryNotFound)
        return {};
    if (o.unavailable)
        return wasInMemory ? Status() : Status(unavailableError(o.errorString));
    return outcomeError(o, what);
}
} // namespace

SecretStore::SecretStore(QObject* parent)
    : QObject(parent)
{ }

SecretStore::~SecretStore() = default;

QString SecretStore::serviceName()
{
    return QStringLiteral("aio-sandbox-manager");
}

QString SecretStore::kindName(SecretKind kind)
{
    switch (kind) {
    case SecretKind::Password:
        return QStringLiteral("password");
    case SecretKind::KeyPassphrase:
        return QStringLiteral("key-passphrase");
    case SecretKind::SudoPassword:
        return QStringLiteral("sudo-password");
    case SecretKind::Token:
        return QStringLiteral("token");
    case SecretKind::SandboxJwtPrivateKey:
        return QStringLiteral("sandbox-jwt-private-key");
    case SecretKind::SandboxApiKey:
        return QStringLiteral("sandbox-api-key");
    case SecretKind::EdgePassword:
        return QStringLiteral("edge-password");
    }
    return QStringLiteral("secret");
}

QString SecretStore::keyFor(const QUuid& targetId, SecretKind kind)
{
    return targetId.toString(QUuid::WithoutBraces) + QLatin1Char('/') + kindName(kind);
}

bool SecretStore::keychainSeemsAvailable()
{
    return g_keychainAvailable.load() && !g_memoryOnly.load();
}

void SecretStore::keepInMemoryOnly(const QString& reason, bool noKeychain)
{
    if (noKeychain)
        g_noKeychain = true;
    {
        QMutexLocker lock(&g_reasonMutex);
        memoryOnlyReason() = reason;
    }
    const bool was = g_memoryOnly.exchange(true);
    emit activity()->stopWaiting();
    if (!was) {
        qCInfo(lcInventory) << "secrets are kept in memory only:" << reason;
        emit activity()->memoryOnlyChanged(reason);
    }
}

bool SecretStore::memoryOnly()
{
    return g_memoryOnly.load();
}

bool SecretStore::noKeychain()
{
    return g_noKeychain.load();
}

void SecretStore::setBlockingTimeout(int milliseconds)
{
    g_blockingTimeoutMs = std::max(1000, milliseconds);
}

KeychainActivity* SecretStore::activity()
{
    static KeychainActivity* notifier = [] {
        auto* a = new KeychainActivity;
        // Its signals go to receivers' threads; it needs no event loop of its own, but the
        // keychain thread's requests connect to it, so it must outlive them: it is never deleted.
        return a;
    }();
    return notifier;
}

void SecretStore::clearMemory()
{
    QMutexLocker lock(&g_memoryMutex);
    for (auto it = memory().begin(); it != memory().end(); ++it)
        it->fill(QLatin1Char('\0'));
    memory().clear();
}

void SecretStore::write(const QUuid& targetId, SecretKind kind, const QString& secret, QObject* context,
                        StatusCallback done)
{
    const QString key = keyFor(targetId, kind);
    if (g_memoryOnly) {
        rememberInMemory(key, secret);
        QTimer::singleShot(0, context ? context : this, [done = std::move(done)] {
            if (done)
                done(Status(unavailableError({})));
        });
        return;
    }
    const QString what = describe(kind);
    QPointer<SecretStore> self(this);
    auto* request = new KeychainRequest(Operation::Write, key, secret);
    // The secret is captured only for the memory fallback and dies with the connection.
    connect(request, &KeychainRequest::done, context ? context : this,
            [self, key, secret, what, done = std::move(done)](const KeychainOutcome& outcome) {
                bool first = false;
                Status status = writeOutcome(outcome, key, secret, what, first);
                if (first && self)
                    emit self->keychainUnavailable(status.error().message);
                if (done)
                    done(status);
            });
    launch(request);
}

void SecretStore::read(const QUuid& targetId, SecretKind kind, QObject* context, SecretCallback done)
{
    const QString key = keyFor(targetId, kind);
    if (auto kept = fromMemory(key)) {
        // Called back asynchronously like every other outcome.
        QTimer::singleShot(0, context ? context : this, [done = std::move(done), value = *kept]() {
            if (done)
                done(value);
        });
        return;
    }
    if (g_memoryOnly) {
        QTimer::singleShot(0, context ? context : this, [done = std::move(done)] {
            if (done)
                done(Result<QString>(unavailableError({})));
        });
        return;
    }
    const QString what = describe(kind);
    QPointer<SecretStore> self(this);
    auto* request = new KeychainRequest(Operation::Read, key, {});
    connect(request, &KeychainRequest::done, context ? context : this,
            [self, what, done = std::move(done)](const KeychainOutcome& outcome) {
                bool first = false;
                Result<QString> result = readOutcome(outcome, what, first);
                if (first && self)
                    emit self->keychainUnavailable(result.error().message);
                if (done)
                    done(std::move(result));
            });
    launch(request);
}

void SecretStore::remove(const QUuid& targetId, SecretKind kind, QObject* context, StatusCallback done)
{
    const QString key = keyFor(targetId, kind);
    const bool wasInMemory = fromMemory(key).has_value();
    forgetInMemory(key);
    if (g_memoryOnly) {
        QTimer::singleShot(0, context ? context : this, [done = std::move(done)] {
            if (done)
                done(Status());
        });
        return;
    }
    const QString what = describe(kind);
    auto* request = new KeychainRequest(Operation::Remove, key, {});
    connect(request, &KeychainRequest::done, context ? context : this,
            [what, wasInMemory, done = std::move(done)](const KeychainOutcome& outcome) {
                if (done)
                    done(removeOutcome(outcome, what, wasInMemory));
            });
    launch(request);
}

void SecretStore::prepare(QObject* context, StatusCallback done)
{
    if (g_memoryOnly) {
        QTimer::singleShot(0, context ? context : this, [done = std::move(done)] {
            if (done)
                done(Status(unavailableError({})));
        });
        return;
    }
    const QString key = QStringLiteral("keychain-check");
    const QString what = tr("check entry");
    QPointer<SecretStore> self(this);
    auto* request = new KeychainRequest(Operation::Write, key, QStringLiteral("ok"));
    connect(request, &KeychainRequest::done, context ? context : this,
            [self, key, what, context, done = std::move(done)](const KeychainOutcome& outcome) mutable {
                if (outcome.error != QKeychain::NoError) {
                    if (outcome.unavailable)
                        g_keychainAvailable = false;
                    if (done)
                        done(Status(outcomeError(outcome, what)));
                    return;
                }
                g_keychainAvailable = true;
                auto* removal = new KeychainRequest(Operation::Remove, key, {});
                QObject* receiver = context ? context : static_cast<QObject*>(self.data());
                if (!receiver) {
                    launch(removal);
                    return;
                }
                connect(removal, &KeychainRequest::done, receiver,
                        [what, done = std::move(done)](const KeychainOutcome& removed) {
                            if (done)
                                done(removeOutcome(removed, what, false));
                        });
                launch(removal);
            });
    launch(request);
}

void SecretStore::removeAll(const QUuid& targetId, QObject* context, StatusCallback done)
{
    struct State
    {
        int pending = 0;
        std::optional<Error> firstError;
        StatusCallback done;
    };
    auto state = std::make_shared<State>();
    state->pending = int(std::size(kAllSecretKinds));
    state->done = std::move(done);
    for (SecretKind kind : kAllSecretKinds) {
        remove(targetId, kind, context, [state](Status status) {
            // A missing keychain is not a failure to remove: nothing can be stored there either.
            if (!status && status.error().kind != ErrorKind::KeychainUnavailable && !state->firstError)
                state->firstError = status.error();
            if (--state->pending == 0 && state->done)
                state->done(state->firstError ? Status(*state->firstError) : Status());
        });
    }
}

Status SecretStore::writeBlocking(const QUuid& targetId, SecretKind kind, const QString& secret)
{
    const QString key = keyFor(targetId, kind);
    if (g_memoryOnly) {
        rememberInMemory(key, secret);
        return unavailableError({});
    }
    auto outcome = runBlocking(Operation::Write, key, secret);
    if (!outcome)
        return outcome.error();
    bool first = false;
    Status status = writeOutcome(*outcome, key, secret, describe(kind), first);
    if (first)
        emit keychainUnavailable(status.error().message);
    return status;
}

Result<QString> SecretStore::readBlocking(const QUuid& targetId, SecretKind kind)
{
    const QString key = keyFor(targetId, kind);
    if (auto kept = fromMemory(key))
        return *kept;
    if (g_memoryOnly)
        return unavailableError({});
    auto outcome = runBlocking(Operation::Read, key, {});
    if (!outcome)
        return outcome.error();
    bool first = false;
    Result<QString> result = readOutcome(*outcome, describe(kind), first);
    if (first)
        emit keychainUnavailable(result.error().message);
    return result;
}

Status SecretStore::removeBlocking(const QUuid& targetId, SecretKind kind)
{
    const QString key = keyFor(targetId, kind);
    const bool wasInMemory = fromMemory(key).has_value();
    forgetInMemory(key);
    if (g_memoryOnly)
        return {};
    auto outcome = runBlocking(Operation::Remove, key, {});
    if (!outcome)
        return outcome.error();
    return removeOutcome(*outcome, describe(kind), wasInMemory);
}

} // namespace aio

#include "SecretStore.moc"
