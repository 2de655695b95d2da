#include "core/inventory/SecretStore.h"

#include "core/inventory/InventoryLog.h"

#include <qt6keychain/keychain.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QHash>
#include <QMutex>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>

namespace aio {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("aio::SecretStore", text);
}

// Secrets kept for this run only, when no keychain service answers. Process-wide, never written.
QMutex g_memoryMutex;
QHash<QString, QString>& memory()
{
    static QHash<QString, QString> secrets;
    return secrets;
}
std::atomic_bool g_keychainAvailable{true};

constexpr int blockingTimeoutMs = 30'000;

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
    static const char* const markers[] = {"D-Bus",
                                          "DBus",
                                          "dbus",
                                          "org.freedesktop",
                                          "secret service",
                                          "Secret Service",
                                          "No such interface",
                                          "ServiceUnknown",
                                          "Cannot autolaunch",
                                          "not provided by any .service",
                                          "kwallet"};
    for (const char* marker : markers) {
        if (text.contains(QLatin1String(marker), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

Error unavailableError(const QString& detail)
{
    return Error(ErrorKind::KeychainUnavailable,
                 tr("No keychain service is running, so the secret is kept only until the app quits."), detail,
                 tr("Start your desktop's keyring (for example GNOME Keyring or KWallet) to have secrets "
                    "remembered; otherwise the app asks again next time."));
}

Error jobError(const QKeychain::Job* job, const QString& what)
{
    if (isUnavailable(job))
        return unavailableError(job->errorString());
    switch (job->error()) {
    case QKeychain::EntryNotFound:
        return Error(ErrorKind::NotFound, tr("No %1 is stored in the keychain.").arg(what), job->errorString());
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return Error(ErrorKind::PermissionDenied, tr("The keychain refused access to the %1.").arg(what),
                     job->errorString(), tr("Unlock the keyring and try again."));
    default:
        return Error(ErrorKind::Io, tr("The keychain could not store or read the %1.").arg(what), job->errorString());
    }
}

QString describe(SecretKind kind)
{
    switch (kind) {
    case SecretKind::Password:
        return tr("SSH password");
    case SecretKind::KeyPassphrase:
        return tr("key passphrase");
    case SecretKind::SudoPassword:
        return tr("sudo password");
    case SecretKind::Token:
        return tr("cluster token");
    case SecretKind::SandboxJwtPrivateKey:
        return tr("sandbox JWT signing key");
    case SecretKind::SandboxApiKey:
        return tr("sandbox API key");
    }
    return tr("secret");
}

const SecretKind allKinds[] = {SecretKind::Password, SecretKind::KeyPassphrase,        SecretKind::SudoPassword,
                               SecretKind::Token,    SecretKind::SandboxJwtPrivateKey, SecretKind::SandboxApiKey};

template <typename Job>
Job* makeJob(const QString& key)
{
    auto* job = new Job(SecretStore::serviceName());
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain file
    job->setKey(key);
    return job;
}

bool onGuiThread()
{
    QCoreApplication* app = QCoreApplication::instance();
    return app && app->inherits("QGuiApplication") && QThread::currentThread() == app->thread();
}

// Runs start(done) and waits for done() in a local event loop, bounded in time.
template <typename T>
Result<T> waitFor(const std::function<void(QObject*, std::function<void(Result<T>)>)>& start)
{
    if (onGuiThread())
        return Error(ErrorKind::Internal, tr("A blocking keychain call was made on the GUI thread."));
    QEventLoop loop;
    auto result = std::make_shared<std::optional<Result<T>>>();
    QObject context; // lives on this thread, so callbacks run here, inside loop
    start(&context, [&loop, result](Result<T> r) {
        *result = std::move(r);
        loop.quit();
    });
    if (!result->has_value()) {
        QTimer::singleShot(blockingTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!result->has_value())
        return Error(ErrorKind::Timeout, tr("The keychain did not answer within 30 seconds."), {},
                     tr("The keyring may be waiting for you to unlock it."));
    return std::move(**result);
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
    }
    return QStringLiteral("secret");
}

QString SecretStore::keyFor(const QUuid& targetId, SecretKind kind)
{
    return targetId.toString(QUuid::WithoutBraces) + QLatin1Char('/') + kindName(kind);
}

bool SecretStore::keychainSeemsAvailable()
{
    return g_keychainAvailable.load();
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
    auto* job = makeJob<QKeychain::WritePasswordJob>(key);
    job->setTextData(secret);
    QPointer<SecretStore> self(this);
    const QString what = describe(kind);
    // The secret is captured only for the memory fallback and dies with the lambda.
    connect(job, &QKeychain::Job::finished, context ? context : this,
            [self, key, secret, what, done = std::move(done)](QKeychain::Job* finished) {
                Status status;
                if (finished->error() == QKeychain::NoError) {
                    forgetInMemory(key);
                    g_keychainAvailable = true;
                } else if (isUnavailable(finished)) {
                    rememberInMemory(key, secret);
                    const bool first = g_keychainAvailable.exchange(false);
                    qCWarning(lcInventory)
                        << "no keychain service; keeping a secret in memory:" << finished->errorString();
                    status = unavailableError(finished->errorString());
                    if (first && self)
                        emit self->keychainUnavailable(status.error().message);
                } else {
                    status = jobError(finished, what);
                }
                if (done)
                    done(status);
            });
    job->start();
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
    auto* job = makeJob<QKeychain::ReadPasswordJob>(key);
    QPointer<SecretStore> self(this);
    const QString what = describe(kind);
    connect(job, &QKeychain::Job::finished, context ? context : this,
            [self, what, done = std::move(done)](QKeychain::Job* finished) {
                auto* readJob = static_cast<QKeychain::ReadPasswordJob*>(finished);
                Result<QString> result = QString();
                if (finished->error() == QKeychain::NoError) {
                    result = readJob->textData();
                } else {
                    if (isUnavailable(finished)) {
                        const bool first = g_keychainAvailable.exchange(false);
                        if (first && self)
                            emit self->keychainUnavailable(unavailableError(finished->errorString()).message);
                    }
                    result = jobError(finished, what);
                }
                if (done)
                    done(std::move(result));
            });
    job->start();
}

void SecretStore::remove(const QUuid& targetId, SecretKind kind, QObject* context, StatusCallback done)
{
    const QString key = keyFor(targetId, kind);
    const bool wasInMemory = fromMemory(key).has_value();
    forgetInMemory(key);
    auto* job = makeJob<QKeychain::DeletePasswordJob>(key);
    const QString what = describe(kind);
    connect(job, &QKeychain::Job::finished, context ? context : this,
            [what, wasInMemory, done = std::move(done)](QKeychain::Job* finished) {
                Status status;
                const auto error = finished->error();
                if (error == QKeychain::NoError || error == QKeychain::EntryNotFound) {
                    status = {};
                } else if (isUnavailable(finished) && wasInMemory) {
                    status = {}; // it only ever was in memory, and now it is gone
                } else if (isUnavailable(finished)) {
                    status = unavailableError(finished->errorString());
                } else {
                    status = jobError(finished, what);
                }
                if (done)
                    done(status);
            });
    job->start();
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
    state->pending = int(std::size(allKinds));
    state->done = std::move(done);
    for (SecretKind kind : allKinds) {
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
    auto r = waitFor<bool>([&](QObject* context, std::function<void(Result<bool>)> finish) {
        write(targetId, kind, secret, context, [finish](Status s) { finish(s ? Result<bool>(true) : s.error()); });
    });
    if (!r)
        return r.error();
    return {};
}

Result<QString> SecretStore::readBlocking(const QUuid& targetId, SecretKind kind)
{
    return waitFor<QString>([&](QObject* context, std::function<void(Result<QString>)> finish) {
        read(targetId, kind, context, std::move(finish));
    });
}

Status SecretStore::removeBlocking(const QUuid& targetId, SecretKind kind)
{
    auto r = waitFor<bool>([&](QObject* context, std::function<void(Result<bool>)> finish) {
        remove(targetId, kind, context, [finish](Status s) { finish(s ? Result<bool>(true) : s.error()); });
    });
    if (!r)
        return r.error();
    return {};
}

} // namespace aio
