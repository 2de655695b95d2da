#pragma once

#include "core/common/Result.h"
#include "core/inventory/ImportResult.h"
#include "core/inventory/Target.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUuid>

#include <functional>
#include <optional>

namespace aio {

// The user's targets, kept in one versioned JSON file (see InventoryFile). Lives on the GUI
// thread; the UI shows it and listens to its signals, the CLI uses it directly.
//
// Every change (add/update/remove) is validated, then written to the file atomically before it
// takes effect in memory; when the write fails nothing changes and the error is returned.
// When the file is corrupt or was written by a newer version, load() returns that error, the file
// is left untouched and the inventory becomes read-only: every change returns readOnlyReason().
class Inventory : public QObject
{
    Q_OBJECT

public:
    explicit Inventory(QObject* parent = nullptr);
    ~Inventory() override;

    // The default file: <Profile::configDir()>/inventory.json.
    static QString defaultFilePath();

    // Reads the file at path (a missing file is an empty inventory) and remembers the path for
    // saving. Emits reset(). On Corrupt / UnsupportedVersion / Io errors the inventory is empty
    // and read-only.
    Status load(const QString& path = defaultFilePath());
    // load() in two halves, so the GUI reads the file on a worker: read() is blocking and safe on
    // any thread (an older format is migrated there, the old file kept as a backup); adopt() takes
    // its result on the inventory's thread, as load() would. Between beginLoading() and adopt()
    // the inventory is empty, isLoading(), and refuses changes.
    struct Loaded
    {
        Result<QList<Target>> targets = QList<Target>();
        int migratedFrom = 0;
        QString backupPath;
        // An older file that could not be migrated: its targets are shown, read-only, for this reason.
        std::optional<Error> notMigrated;
    };
    static Loaded read(const QString& path);
    void beginLoading(const QString& path);
    Status adopt(const QString& path, const Loaded& loaded);
    bool isLoading() const { return m_loading; }
    // An in-memory inventory with no file (tests, previews). Changes are not written anywhere.
    void loadFromList(const QList<Target>& targets);
    // Writes the current list to the file (changes already save themselves; this is for callers
    // that want to rewrite the file, e.g. after a migration). Refused when read-only.
    Status save();

    QString filePath() const { return m_path; }
    // After load() converted an older file: its format version and where the old file is kept.
    int migratedFrom() const { return m_migratedFrom; }
    QString backupPath() const { return m_backupPath; }
    bool isReadOnly() const { return m_readOnlyReason.has_value(); }
    // Why changes are refused (kind Corrupt / UnsupportedVersion / Io); only when isReadOnly().
    Error readOnlyReason() const;

    const QList<Target>& targets() const { return m_targets; }
    QList<Target> targets(TargetKind kind) const;
    int count() const { return int(m_targets.size()); }
    int count(TargetKind kind) const; // without copying a target
    std::optional<Target> findById(const QUuid& id) const;
    std::optional<Target> findByName(const QString& name) const;
    // NotFound with a clear message when there is no target of that name.
    Result<Target> get(const QString& name) const;

    // Validates target and checks its name is unique among the others (a target with the same
    // id is the one being edited and does not count). Use it for inline validation.
    Status check(const Target& target) const;
    // A name not used yet, based on base: "web", "web (2)", "web (3)" … (for duplicate / import).
    QString uniqueName(const QString& base) const;

    // Adds a target (a null id gets a fresh one). AlreadyExists when the name is taken.
    Result<Target> add(Target target);
    // Replaces the target with the same id. NotFound when there is none.
    Status update(const Target& target);
    // Removes by id / by name. NotFound when there is none.
    Status remove(const QUuid& id);
    Status removeByName(const QString& name);

    // Changes to many targets at once, as one user action: checked first, then one write of the
    // file and one reset(). NotFound when an id is not in the inventory (nothing changes then).
    Status removeMany(const QList<QUuid>& ids);
    // Puts the targets in group ("" takes them out of any group).
    Status setGroup(const QList<QUuid>& ids, const QString& group);
    // Adds and removes tags on the targets (tags already there, or not there, are left alone).
    Status changeTags(const QList<QUuid>& ids, const QStringList& add, const QStringList& remove);
    // Both at once, one write: group (when given) and tags; everything is checked first.
    Status organize(const QList<QUuid>& ids, const std::optional<QString>& group, const QStringList& add,
                    const QStringList& remove);
    // Renames a group, with its subgroups ("Team" -> "Ops" moves "Team/Db" to "Ops/Db").
    Status renameGroup(const QString& from, const QString& to);

    // Every group in use, sorted, with the parents of subgroups ("Team" for "Team/Db").
    QStringList groups() const;
    // Every tag in use, sorted, each in the spelling first met.
    QStringList tags() const;
    // The targets in any of groups (with their subgroups) or carrying any of tags, in inventory
    // order; with neither, none. Unknown groups and tags are appended to unknown.
    QList<Target> select(const QStringList& groups, const QStringList& tags, QStringList* unknown = nullptr) const;

    // Adds what an importer found. A target already in the inventory (same kind and same
    // host/port/user, or same kubeconfig and context) is skipped, so importing twice adds nothing;
    // a different target with a taken name is added under uniqueName(). Skipped entries are
    // appended to result.skipped (sourceFile names the imported file). Returns the targets added;
    // a write error stops the import and is returned. Linear in the number of targets; the file
    // is written once, and reset() is emitted once.
    Result<QList<Target>> addImported(ImportResult& result, const QString& sourceFile);

signals:
    void targetAdded(const aio::Target& target);
    void targetChanged(const aio::Target& target);
    void targetRemoved(const QUuid& id, const QString& name);
    // The whole list was replaced (load / loadFromList), or many targets came at once (an import).
    void reset();

private:
    Status persist(const QList<Target>& next);
    // Applies change to the targets with these ids, validates, writes once, emits reset().
    Status changeMany(const QList<QUuid>& ids, const std::function<void(Target&)>& change);

    QString m_path;
    QList<Target> m_targets;
    std::optional<Error> m_readOnlyReason;
    int m_migratedFrom = 0;
    QString m_backupPath;
    bool m_loading = false;
};

} // namespace aio
