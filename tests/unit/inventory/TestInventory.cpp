// Inventory and InventoryFile: the versioned JSON file, atomic writes, files we cannot read are
// kept untouched, validation and unique names, and the signals the UI listens to.

#include "core/common/Profile.h"
#include "core/inventory/ImportResult.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/InventoryFile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace aio;

namespace {
Target vm(const QString& name, const QString& host = QStringLiteral("vm.example.com"))
{
    VmSettings settings;
    settings.host = *HostName::parse(host);
    settings.user = QStringLiteral("deploy");
    return Target::makeVm(name, settings);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void writeAll(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
}
} // namespace

class TestInventory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path() const { return m_dir.filePath(QStringLiteral("config/inventory.json")); }

private slots:
    void init()
    {
        QFile::remove(path());
        QDir(m_dir.filePath(QStringLiteral("config"))).removeRecursively();
    }

    void missingFileIsAnEmptyInventory()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        QCOMPARE(inventory.count(), 0);
        QVERIFY(!inventory.isReadOnly());
        QVERIFY(!QFile::exists(path())); // nothing written until something changes
    }

    void targetsRoundTripThroughTheFile()
    {
        QTemporaryDir kubeDir;
        const QString kubeconfig = kubeDir.filePath(QStringLiteral("config"));
        writeAll(kubeconfig, "apiVersion: v1\n");
        ClusterSettings cluster;
        cluster.kubeconfigPath = kubeconfig;
        cluster.context = QStringLiteral("prod");
        cluster.kubeNamespace = QStringLiteral("sandbox");

        Target web = vm(QStringLiteral("web"));
        web.vm.auth = SshAuthMethod::Password;
        web.vm.sudo = true;
        web.vm.jumpHost = *JumpHost::parse(QStringLiteral("ops@198.18.0.5:2222"));
        web.vm.knownHostsFiles = {QStringLiteral("/home/ops/.ssh/known_hosts.lab")};
        web.notes = QStringLiteral("ünïcode notes");
        const Target k8s = Target::makeCluster(QStringLiteral("k8s"), cluster);
        {
            Inventory inventory;
            QVERIFY(inventory.load(path()).ok());
            QVERIFY(inventory.add(web).ok());
            QVERIFY(inventory.add(k8s).ok());
        }
        Inventory again;
        QVERIFY(again.load(path()).ok());
        QCOMPARE(again.count(), 2);
        QVERIFY(*again.findById(web.id) == web);
        QVERIFY(*again.findById(k8s.id) == k8s);
        QCOMPARE(again.targets(TargetKind::Cluster).size(), 1);

        const QJsonObject root = QJsonDocument::fromJson(readAll(path())).object();
        QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("aio-sandbox-manager/inventory"));
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), InventoryFile::currentVersion);
        QCOMPARE(QFile::permissions(path()),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
    }

    void saveReplacesTheFileAtomically()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        QVERIFY(inventory.add(vm(QStringLiteral("one"))).ok());
        const QByteArray before = readAll(path());

        // A reader that opened the old file keeps reading the complete old file: the new content
        // arrives by rename, never by rewriting the file in place.
        QFile reader(path());
        QVERIFY(reader.open(QIODevice::ReadOnly));
        QVERIFY(inventory.add(vm(QStringLiteral("two"))).ok());
        QCOMPARE(reader.readAll(), before);
        QVERIFY(readAll(path()) != before);
        QVERIFY(readAll(path()).contains("\"two\""));
        // No temporary files are left behind.
        QCOMPARE(QDir(QFileInfo(path()).absolutePath()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("inventory.json")});
    }

    void failedWriteChangesNothing()
    {
        // The inventory's folder cannot be created: a file is in the way.
        const QString blocker = m_dir.filePath(QStringLiteral("blocker"));
        writeAll(blocker, "not a folder");
        Inventory inventory;
        QVERIFY(inventory.load(blocker + QStringLiteral("/config/inventory.json")).ok());
        QSignalSpy added(&inventory, &Inventory::targetAdded);
        auto r = inventory.add(vm(QStringLiteral("web")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Io);
        QCOMPARE(inventory.count(), 0);
        QCOMPARE(added.count(), 0);
    }

    void corruptFileIsKeptAndReadOnly_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not json") << QByteArray("{\"format\": \"aio-sandbox-manager/inventory\", \"version\": 1, ");
        QTest::newRow("wrong format") << QByteArray(R"({"format": "something-else", "version": 1, "targets": []})");
        QTest::newRow("no version") << QByteArray(R"({"format": "aio-sandbox-manager/inventory", "targets": []})");
        QTest::newRow("bad entry") << QByteArray(
            R"({"format": "aio-sandbox-manager/inventory", "version": 1, "targets": [{"name": "x"}]})");
        QTest::newRow("binary") << QByteArray("\x00\x01\x02\xff", 4);
    }
    void corruptFileIsKeptAndReadOnly()
    {
        QFETCH(QByteArray, content);
        writeAll(path(), content);
        Inventory inventory;
        QSignalSpy added(&inventory, &Inventory::targetAdded);
        const Status loaded = inventory.load(path());
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().kind, ErrorKind::Corrupt);
        QVERIFY(loaded.error().message.contains(path()));
        QVERIFY(!loaded.error().nextStep.isEmpty());
        QVERIFY(inventory.isReadOnly());
        QCOMPARE(inventory.readOnlyReason().kind, ErrorKind::Corrupt);

        auto r = inventory.add(vm(QStringLiteral("web")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Corrupt);
        QVERIFY(!inventory.save().ok());
        QVERIFY(!InventoryFile::write(path(), {vm(QStringLiteral("x"))}).ok());
        QCOMPARE(readAll(path()), content);
        QCOMPARE(added.count(), 0);
        QCOMPARE(inventory.count(), 0);
    }

    void newerVersionIsKeptAndReadOnly()
    {
        const QByteArray content = readAll(QStringLiteral(AIO_SOURCE_DIR "/tests/data/inventory-newer-version.json"));
        QVERIFY(!content.isEmpty());
        writeAll(path(), content);
        Inventory inventory;
        const Status loaded = inventory.load(path());
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().kind, ErrorKind::UnsupportedVersion);
        QVERIFY(loaded.error().message.contains(QStringLiteral("newer version")));
        QVERIFY(inventory.isReadOnly());
        QCOMPARE(inventory.add(vm(QStringLiteral("web"))).error().kind, ErrorKind::UnsupportedVersion);
        QCOMPARE(inventory.removeByName(QStringLiteral("web")).ok(), false);
        QCOMPARE(readAll(path()), content);
    }

    // The file of the previous format comes in, today's goes out, and the old one is kept whole.
    void versionOneFileIsMigratedAndKeptAsABackup()
    {
        const QByteArray old = readAll(QStringLiteral(AIO_SOURCE_DIR "/tests/data/inventory-version-1.json"));
        QVERIFY(!old.isEmpty());
        writeAll(path(), old);
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        QVERIFY(!inventory.isReadOnly());
        QCOMPARE(inventory.count(), 2);
        QCOMPARE(inventory.migratedFrom(), 1);
        QCOMPARE(inventory.backupPath(), path() + QStringLiteral(".v1-backup"));
        QCOMPARE(readAll(inventory.backupPath()), old);
        QCOMPARE(QFile::permissions(inventory.backupPath()) & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
        const QJsonObject root = QJsonDocument::fromJson(readAll(path())).object();
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), InventoryFile::currentVersion);
        const Target web = *inventory.findByName(QStringLiteral("web-1"));
        QCOMPARE(web.notes, QStringLiteral("written by version 1 of the format"));
        QVERIFY(web.group.isEmpty());
        QVERIFY(web.tags.isEmpty());
        QCOMPARE(inventory.findByName(QStringLiteral("db-1"))->vm.port.value(), 2222);

        // Loading again migrates nothing more; a second migration of another old file keeps both backups.
        Inventory again;
        QVERIFY(again.load(path()).ok());
        QCOMPARE(again.migratedFrom(), 0);
        writeAll(path(), old);
        Inventory third;
        QVERIFY(third.load(path()).ok());
        QCOMPARE(third.backupPath(), path() + QStringLiteral(".v1-backup.2"));
        QCOMPARE(readAll(path() + QStringLiteral(".v1-backup")), old);
    }

    void migrationThatCannotKeepABackupLeavesTheFileAloneAndShowsTheTargets()
    {
        const QByteArray old = readAll(QStringLiteral(AIO_SOURCE_DIR "/tests/data/inventory-version-1.json"));
        writeAll(path(), old);
        // A folder where the backup would go: the copy fails, so nothing may be rewritten.
        QVERIFY(QDir().mkpath(path() + QStringLiteral(".v1-backup")));
        for (int i = 2; i < 1000; ++i)
            QVERIFY(QDir().mkpath(path() + QStringLiteral(".v1-backup.%1").arg(i)));
        Inventory inventory;
        const Status loaded = inventory.load(path());
        QVERIFY(!loaded.ok());
        QVERIFY(inventory.isReadOnly());
        QCOMPARE(readAll(path()), old);
        // The targets are still there to see (and to deploy to), only not to change.
        QCOMPARE(inventory.count(), 2);
        QCOMPARE(inventory.add(vm(QStringLiteral("new"))).error().kind, ErrorKind::Io);
        QCOMPARE(readAll(path()), old);
    }

    void groupsAndTagsRoundTripAndBadOnesAreCorrupt()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        Target web = vm(QStringLiteral("web"));
        web.group = QStringLiteral("Production/EU");
        web.tags = {QStringLiteral("gpu"), QStringLiteral("eu-west")};
        QVERIFY(inventory.add(web).ok());
        Inventory reloaded;
        QVERIFY(reloaded.load(path()).ok());
        QCOMPARE(reloaded.findById(web.id)->group, QStringLiteral("Production/EU"));
        QCOMPARE(reloaded.findById(web.id)->tags, (QStringList{QStringLiteral("gpu"), QStringLiteral("eu-west")}));

        Target bad = vm(QStringLiteral("bad"));
        bad.group = QStringLiteral("a/b/c");
        QCOMPARE(inventory.add(bad).error().kind, ErrorKind::InvalidInput);
        bad.group.clear();
        bad.tags = {QStringLiteral("two words")};
        QCOMPARE(inventory.add(bad).error().kind, ErrorKind::InvalidInput);
        bad.tags = {QStringLiteral("gpu"), QStringLiteral("GPU")};
        QCOMPARE(inventory.add(bad).error().kind, ErrorKind::InvalidInput);

        QJsonObject object = web.toJson();
        object.insert(QStringLiteral("tags"), QStringLiteral("gpu"));
        QCOMPARE(Target::fromJson(object).error().kind, ErrorKind::Corrupt);
        object = web.toJson();
        object.insert(QStringLiteral("group"), QStringLiteral("/x"));
        QCOMPARE(Target::fromJson(object).error().kind, ErrorKind::Corrupt);
    }

    void groupsKeepOneSpellingAndRenameMovesSubgroups()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        Target a = vm(QStringLiteral("a"), QStringLiteral("198.18.1.1"));
        a.group = QStringLiteral("Prod");
        Target b = vm(QStringLiteral("b"), QStringLiteral("198.18.1.2"));
        b.group = QStringLiteral(" prod / eu ");
        Target c = vm(QStringLiteral("c"), QStringLiteral("198.18.1.3"));
        QVERIFY(inventory.add(a).ok());
        QVERIFY(inventory.add(b).ok());
        QVERIFY(inventory.add(c).ok());
        QCOMPARE(inventory.findById(b.id)->group, QStringLiteral("Prod/eu"));
        QCOMPARE(inventory.groups(), (QStringList{QStringLiteral("Prod"), QStringLiteral("Prod/eu")}));

        QSignalSpy resets(&inventory, &Inventory::reset);
        QVERIFY(inventory.setGroup({c.id}, QStringLiteral("PROD/EU")).ok());
        QCOMPARE(inventory.findById(c.id)->group, QStringLiteral("Prod/eu"));
        QVERIFY(inventory.renameGroup(QStringLiteral("prod"), QStringLiteral("Live")).ok());
        QCOMPARE(inventory.findById(a.id)->group, QStringLiteral("Live"));
        QCOMPARE(inventory.findById(b.id)->group, QStringLiteral("Live/eu"));
        QCOMPARE(resets.count(), 2);
        resets.clear();
        QCOMPARE(inventory.renameGroup(QStringLiteral("nothing"), QStringLiteral("x")).error().kind,
                 ErrorKind::NotFound);
        // Moving every member of a spelling to another spelling takes the new one; renaming into a group
        // that exists joins its spelling.
        QVERIFY(inventory.setGroup({a.id}, QStringLiteral("LIVE")).ok());
        QCOMPARE(inventory.findById(a.id)->group, QStringLiteral("Live")); // b's Live/eu keeps the spelling
        QVERIFY(inventory.setGroup({c.id}, QStringLiteral("Staging")).ok());
        QVERIFY(inventory.setGroup({c.id}, QStringLiteral("STAGING")).ok());
        QCOMPARE(inventory.findById(c.id)->group, QStringLiteral("STAGING")); // its only member: the new spelling
        Target d = vm(QStringLiteral("d"), QStringLiteral("198.18.1.4"));
        d.group = QStringLiteral("Ops");
        QVERIFY(inventory.add(d).ok());
        QVERIFY(inventory.renameGroup(QStringLiteral("live"), QStringLiteral("ops")).ok());
        QCOMPARE(inventory.findById(a.id)->group, QStringLiteral("Ops"));
        QCOMPARE(inventory.findById(b.id)->group, QStringLiteral("Ops/eu"));
        QVERIFY(inventory.renameGroup(QStringLiteral("Ops"), QStringLiteral("Live")).ok());
        resets.clear();
        // A group refused changes nothing.
        QCOMPARE(inventory.setGroup({a.id, b.id}, QStringLiteral("a/b/c")).error().kind, ErrorKind::InvalidInput);
        QCOMPARE(inventory.findById(a.id)->group, QStringLiteral("Live"));

        QVERIFY(inventory.changeTags({a.id, b.id}, {QStringLiteral("gpu")}, {}).ok());
        QVERIFY(inventory.changeTags({b.id}, {QStringLiteral("eu")}, {QStringLiteral("GPU")}).ok());
        QCOMPARE(inventory.findById(a.id)->tags, QStringList{QStringLiteral("gpu")});
        QCOMPARE(inventory.findById(b.id)->tags, QStringList{QStringLiteral("eu")});
        QCOMPARE(inventory.tags(), (QStringList{QStringLiteral("eu"), QStringLiteral("gpu")}));

        Inventory reloaded;
        QVERIFY(reloaded.load(path()).ok());
        QCOMPARE(reloaded.findById(b.id)->group, QStringLiteral("Live/eu"));
        QCOMPARE(reloaded.findById(b.id)->tags, QStringList{QStringLiteral("eu")});
    }

    void selectionByGroupAndTag()
    {
        Inventory inventory;
        Target a = vm(QStringLiteral("a"), QStringLiteral("198.18.2.1"));
        a.group = QStringLiteral("Team/Db");
        Target b = vm(QStringLiteral("b"), QStringLiteral("198.18.2.2"));
        b.group = QStringLiteral("Team");
        b.tags = {QStringLiteral("gpu")};
        Target c = vm(QStringLiteral("c"), QStringLiteral("198.18.2.3"));
        c.group = QStringLiteral("Teamwork"); // not a subgroup of Team
        c.tags = {QStringLiteral("GPU")};
        inventory.loadFromList({a, b, c});
        auto names = [](const QList<Target>& targets) {
            QStringList out;
            for (const Target& t : targets)
                out << t.name;
            return out;
        };
        QCOMPARE(names(inventory.select({QStringLiteral("team")}, {})),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(names(inventory.select({QStringLiteral("Team/db")}, {})), QStringList{QStringLiteral("a")});
        QCOMPARE(names(inventory.select({}, {QStringLiteral("gpu")})),
                 (QStringList{QStringLiteral("b"), QStringLiteral("c")}));
        QStringList unknown;
        QCOMPARE(names(inventory.select({QStringLiteral("Team/Db")}, {QStringLiteral("arm")}, &unknown)),
                 QStringList{QStringLiteral("a")});
        QCOMPARE(unknown.size(), 1);
        QVERIFY(unknown.first().contains(QStringLiteral("arm")));
    }

    void bulkRemoveIsOneWriteAndOneSignal()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        ImportResult found;
        for (int i = 0; i < 500; ++i)
            found.targets.append(vm(QStringLiteral("h%1").arg(i), QStringLiteral("198.18.3.1")));
        for (int i = 0; i < 500; ++i)
            found.targets[i].vm.port = *Port::fromInt(1000 + i);
        QCOMPARE(inventory.addImported(found, QStringLiteral("ssh_config"))->size(), 500);
        QList<QUuid> ids;
        for (int i = 0; i < 500; i += 2)
            ids.append(inventory.targets().at(i).id);
        QSignalSpy resets(&inventory, &Inventory::reset);
        QSignalSpy removedOneByOne(&inventory, &Inventory::targetRemoved);
        QVERIFY(inventory.removeMany(ids).ok());
        QCOMPARE(inventory.count(), 250);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(removedOneByOne.count(), 0);
        Inventory reloaded;
        QVERIFY(reloaded.load(path()).ok());
        QCOMPARE(reloaded.count(), 250);
        // An id no longer there: nothing is removed.
        QCOMPARE(inventory.removeMany({reloaded.targets().first().id, ids.first()}).error().kind, ErrorKind::NotFound);
        QCOMPARE(inventory.count(), 250);
    }

    void namesAreUniqueWithoutRegardToCase()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        QVERIFY(inventory.add(vm(QStringLiteral("Web"))).ok());
        auto dup = inventory.add(vm(QStringLiteral("web"), QStringLiteral("other.example.com")));
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().kind, ErrorKind::AlreadyExists);
        QVERIFY(dup.error().message.contains(QStringLiteral("Web")));
        QCOMPARE(inventory.count(), 1);
        QCOMPARE(inventory.uniqueName(QStringLiteral("web")), QStringLiteral("web (2)"));
        QCOMPARE(inventory.uniqueName(QStringLiteral("db")), QStringLiteral("db"));
    }

    void invalidTargetsAreRefusedBeforeWriting()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        Target bad = vm(QStringLiteral("web"));
        bad.vm.auth = SshAuthMethod::KeyFile; // without a key
        auto r = inventory.add(bad);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::InvalidInput);
        QVERIFY(!QFile::exists(path()));
    }

    void updateAndRemoveEmitSignalsAndPersist()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        QSignalSpy added(&inventory, &Inventory::targetAdded);
        QSignalSpy changed(&inventory, &Inventory::targetChanged);
        QSignalSpy removed(&inventory, &Inventory::targetRemoved);

        auto web = inventory.add(vm(QStringLiteral("web")));
        QVERIFY(web.ok());
        auto db = inventory.add(vm(QStringLiteral("db")));
        QVERIFY(db.ok());
        QCOMPARE(added.count(), 2);
        QCOMPARE(added.at(0).at(0).value<Target>().name, QStringLiteral("web"));

        Target renamed = *web;
        renamed.name = QStringLiteral("db");
        QCOMPARE(inventory.update(renamed).error().kind, ErrorKind::AlreadyExists);
        renamed.name = QStringLiteral("web-2");
        renamed.vm.port = Port(2200);
        QVERIFY(inventory.update(renamed).ok());
        QCOMPARE(changed.count(), 1);

        QVERIFY(inventory.removeByName(QStringLiteral("db")).ok());
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toString(), QStringLiteral("db"));
        QCOMPARE(inventory.removeByName(QStringLiteral("db")).error().kind, ErrorKind::NotFound);

        Inventory again;
        QVERIFY(again.load(path()).ok());
        QCOMPARE(again.count(), 1);
        QCOMPARE(again.targets().first().name, QStringLiteral("web-2"));
        QCOMPARE(again.targets().first().vm.port.value(), quint16(2200));
    }

    void importingTwiceAddsNothingAndClashingNamesAreRenamed()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        QVERIFY(inventory.add(vm(QStringLiteral("web"), QStringLiteral("web.example.com"))).ok());
        ImportResult found;
        found.targets = {vm(QStringLiteral("web"), QStringLiteral("web.example.com")),
                         vm(QStringLiteral("web"), QStringLiteral("other.example.com")), vm(QStringLiteral("db"))};
        auto added = inventory.addImported(found, QStringLiteral("ssh_config"));
        QVERIFY(added.ok());
        QCOMPARE(added->size(), 2);
        QCOMPARE(added->at(0).name, QStringLiteral("web (2)"));
        QCOMPARE(added->at(1).name, QStringLiteral("db"));
        QCOMPARE(found.skipped.size(), 1);
        QVERIFY(found.skipped.first().reason.contains(QStringLiteral("already in the inventory")));

        ImportResult again;
        again.targets = {vm(QStringLiteral("db"))};
        QCOMPARE(inventory.addImported(again, QStringLiteral("ssh_config"))->size(), 0);
        QCOMPARE(inventory.count(), 3);

        // The same host through a jump host is another route the admin asked for: it is added.
        ImportResult viaBastion;
        Target routed = vm(QStringLiteral("db"));
        routed.vm.jumpHost = *JumpHost::parse(QStringLiteral("ops@198.18.0.5"));
        viaBastion.targets = {routed};
        auto addedRoute = inventory.addImported(viaBastion, QStringLiteral("ssh_config"));
        QVERIFY(addedRoute.ok());
        QCOMPARE(addedRoute->size(), 1);
        QCOMPARE(addedRoute->first().name, QStringLiteral("db (2)"));
        QVERIFY(viaBastion.skipped.isEmpty());
    }

    // An import is one user action: the file is written once and views hear of it once, however
    // many hosts came (writing after each target made 5,000 hosts take minutes).
    void aLargeImportIsOneWriteAndOneSignal()
    {
        Inventory inventory;
        QVERIFY(inventory.load(path()).ok());
        ImportResult found;
        for (int i = 0; i < 3000; ++i)
            found.targets.append(
                vm(QStringLiteral("h%1").arg(i), QStringLiteral("198.18.%1.%2").arg(i / 256).arg(i % 256)));
        found.targets.append(vm(QStringLiteral("h7"), QStringLiteral("198.18.0.7"))); // the same host again
        QSignalSpy resets(&inventory, &Inventory::reset);
        QSignalSpy addedOneByOne(&inventory, &Inventory::targetAdded);
        auto added = inventory.addImported(found, QStringLiteral("ssh_config"));
        QVERIFY(added.ok());
        QCOMPARE(added->size(), 3000);
        QCOMPARE(found.skipped.size(), 1);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(addedOneByOne.count(), 0);
        Inventory reloaded;
        QVERIFY(reloaded.load(path()).ok());
        QCOMPARE(reloaded.count(), 3000);
        ImportResult again = found;
        again.skipped.clear();
        QCOMPARE(inventory.addImported(again, QStringLiteral("ssh_config"))->size(), 0);
        QCOMPARE(again.skipped.size(), 3001);
    }

    void fileFunctionsWorkOnAWorkerThread()
    {
        const QList<Target> targets{vm(QStringLiteral("a")), vm(QStringLiteral("b"))};
        const QString file = path();
        Status written = QtConcurrent::run([&] { return InventoryFile::write(file, targets); }).result();
        QVERIFY(written.ok());
        auto read = QtConcurrent::run([&] { return InventoryFile::read(file); }).result();
        QVERIFY(read.ok());
        QCOMPARE(*read, targets);
    }

    void profileFolderHoldsEverything()
    {
        QTemporaryDir profile;
        Profile::setDirectory(profile.path());
        QCOMPARE(Profile::configDir(), profile.path() + QStringLiteral("/config"));
        QCOMPARE(Profile::dataDir(), profile.path() + QStringLiteral("/data"));
        QCOMPARE(Profile::cacheDir(), profile.path() + QStringLiteral("/cache"));
        QCOMPARE(Inventory::defaultFilePath(), profile.path() + QStringLiteral("/config/inventory.json"));
        Profile::setDirectory({});
        QStandardPaths::setTestModeEnabled(true);
        QCOMPARE(Inventory::defaultFilePath(),
                 QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)
                     + QStringLiteral("/inventory.json"));
    }
};

QTEST_GUILESS_MAIN(TestInventory)
#include "TestInventory.moc"
