#include "core/inventory/KeychainProbe.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QFileInfo>
#include <QUuid>

namespace aio {

namespace {

const QString kSecrets = QStringLiteral("org.freedesktop.secrets");
const QString kSecretsPath = QStringLiteral("/org/freedesktop/secrets");

// The session bus address, only when one is configured: the environment, or the per-user bus
// socket systemd and dbus-broker create. Never "autolaunch:" (that starts a bus and, through it,
// a keyring that prompts).
QString sessionBusAddress()
{
    const QString env = qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS");
    if (!env.isEmpty())
        return env.startsWith(QLatin1String("autolaunch:")) ? QString() : env;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (runtime.isEmpty())
        return {};
    const QString socket = runtime + QStringLiteral("/bus");
    return QFileInfo::exists(socket) ? QStringLiteral("unix:path=") + socket : QString();
}

QDBusMessage call(QDBusConnection& bus, const QString& service, const QString& path, const QString& interface,
                  const QString& method, const QVariantList& args, int timeoutMs)
{
    QDBusMessage m = QDBusMessage::createMethodCall(service, path, interface, method);
    m.setArguments(args);
    // Never start a service by calling it: the probe must not be what opens a prompt.
    m.setAutoStartService(false);
    return bus.call(m, QDBus::Block, timeoutMs);
}

KeychainState state(KeychainState::Kind kind, QString detail)
{
    return KeychainState{kind, std::move(detail)};
}

KeychainState probeOn(QDBusConnection& bus, int timeoutMs)
{
    const QString busName = QStringLiteral("org.freedesktop.DBus");
    const QString busPath = QStringLiteral("/org/freedesktop/DBus");
    QDBusMessage owned = call(bus, busName, busPath, busName, QStringLiteral("NameHasOwner"), {kSecrets}, timeoutMs);
    // A bus that does not answer is not proof that no keychain exists: going to memory for good on a
    // slow moment would be wrong, so it counts as one that may ask.
    if (owned.type() != QDBusMessage::ReplyMessage || owned.arguments().isEmpty())
        return state(KeychainState::Kind::NotStarted, owned.errorMessage());
    if (!owned.arguments().constFirst().toBool()) {
        QDBusMessage names
            = call(bus, busName, busPath, busName, QStringLiteral("ListActivatableNames"), {}, timeoutMs);
        const QStringList activatable
            = names.arguments().isEmpty() ? QStringList() : names.arguments().constFirst().toStringList();
        if (activatable.contains(kSecrets))
            return state(KeychainState::Kind::NotStarted, KeychainState::tr("the Secret Service can be started"));
        // KDE's wallet, which QtKeychain uses on Plasma, where it may not provide the Secret
        // Service name. Whether its wallet is open cannot be asked without opening it.
        for (const char* kwallet : {"org.kde.kwalletd6", "org.kde.kwalletd5"}) {
            const QString name = QString::fromLatin1(kwallet);
            QDBusMessage running
                = call(bus, busName, busPath, busName, QStringLiteral("NameHasOwner"), {name}, timeoutMs);
            if (!running.arguments().isEmpty() && running.arguments().constFirst().toBool())
                return state(KeychainState::Kind::Ready, KeychainState::tr("KWallet (%1)").arg(name));
            if (activatable.contains(name))
                return state(KeychainState::Kind::NotStarted, KeychainState::tr("KWallet can be started"));
        }
        return state(KeychainState::Kind::Absent, KeychainState::tr("no program provides the Secret Service"));
    }
    // QtKeychain stores in the default collection.
    QDBusMessage alias = call(bus, kSecrets, kSecretsPath, QStringLiteral("org.freedesktop.Secret.Service"),
                              QStringLiteral("ReadAlias"), {QStringLiteral("default")}, timeoutMs);
    if (alias.type() != QDBusMessage::ReplyMessage || alias.arguments().isEmpty())
        return state(KeychainState::Kind::Locked, alias.errorMessage()); // running, busy: it may be asking
    const QString collection = alias.arguments().constFirst().value<QDBusObjectPath>().path();
    if (collection.isEmpty() || collection == QLatin1String("/"))
        return state(KeychainState::Kind::NoKeyring, KeychainState::tr("no default keyring"));
    QDBusMessage locked
        = call(bus, kSecrets, collection, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"),
               {QStringLiteral("org.freedesktop.Secret.Collection"), QStringLiteral("Locked")}, timeoutMs);
    if (locked.type() != QDBusMessage::ReplyMessage || locked.arguments().isEmpty())
        return state(KeychainState::Kind::Locked, locked.errorMessage());
    const bool isLocked = locked.arguments().constFirst().value<QDBusVariant>().variant().toBool();
    return state(isLocked ? KeychainState::Kind::Locked : KeychainState::Kind::Ready, collection);
}

} // namespace

QString KeychainState::summary() const
{
    switch (kind) {
    case Kind::Ready:
        return tr("The system keychain is unlocked: passwords you choose to keep are stored there.");
    case Kind::Locked:
        return tr("The system keychain is locked: the first time a password is kept or read, it asks for its "
                  "password in a window of its own, which may open behind this one.");
    case Kind::NoKeyring:
        return tr("The system keychain has no keyring yet: the first time a password is kept, it asks you to choose "
                  "a password for a new keyring, in a window of its own, which may open behind this one.");
    case Kind::NotStarted:
        return tr("The system keychain is not running: it starts the first time a password is kept, and may then "
                  "ask for its password in a window of its own.");
    case Kind::Absent:
        return tr("No system keychain is available (%1): passwords are kept only until the app quits.")
            .arg(detail.isEmpty() ? tr("no D-Bus session") : detail);
    }
    return {};
}

KeychainState KeychainProbe::probe(int timeoutMs)
{
    const QString address = sessionBusAddress();
    if (address.isEmpty())
        return state(KeychainState::Kind::Absent, KeychainState::tr("no D-Bus session"));
    const QString name = QStringLiteral("aio-keychain-probe-") + QUuid::createUuid().toString(QUuid::Id128);
    KeychainState result;
    {
        QDBusConnection bus = QDBusConnection::connectToBus(address, name);
        if (!bus.isConnected())
            result = state(KeychainState::Kind::Absent,
                           KeychainState::tr("the D-Bus session cannot be reached: %1").arg(bus.lastError().message()));
        else
            result = probeOn(bus, timeoutMs);
    }
    QDBusConnection::disconnectFromBus(name);
    return result;
}

} // namespace aio
