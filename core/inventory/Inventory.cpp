#include "core/inventory/Inventory.h"

#include "core/common/Profile.h"
#include "core/inventory/InventoryFile.h"
#include "core/inventory/InventoryLogging.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include <algorithm>

namespace aio {

Inventory::Inventory(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<aio::Target>();
}

Inventory::~Inventory() = default;

QString Inventory::defaultFilePath()
{
    return Profile::configDir() + QStringLiteral("/inventory.json");
}

Status Inventory::load(const QString& path)
{
    return adopt(path, read(path));
}

Inventory::Loaded Inventory::read(const QString& path)
{
    Loaded loaded;
    int version = InventoryFile::currentVersion;
    loaded.targets = InventoryFile::read(path, &version);
    if (loaded.targets && version < InventoryFile::currentVersion) {
        // An older format: keep the file as it was, then write it in today's format, so the next
        // change is not the one that silently converts it.
        auto backup = InventoryFile::backup(path, version);
        Status written = backup ? InventoryFile::write(path, *loaded.targets) : Status(backup.error());
        if (written) {
            loaded.migratedFrom = version;
            loaded.backupPath = *backup;
            qCInfo(lcInventory) << "inventory migrated from format version" << version << "; the old file is kept as"
                                << *backup;
        } else {
            // The targets are still readable: shown, but nothing may be written over the old
            // file without its backup.
            Error e = written.error();
            e.nextStep = tr("The inventory (format version %1) is shown read-only until it can be converted: %2")
                             .arg(version)
                             .arg(e.nextStep.isEmpty() ? tr("make its folder writable, then start the app again.")
                                                       : e.nextStep);
            loaded.notMigrated = e;
            qCWarning(lcInventory) << "inventory not migrated:" << e.toString();
        }
    }
    return loaded;
}

void Inventory::beginLoading(const QString& path)
{
    m_path = path;
    m_targets.clear();
    m_loading = true;
    m_readOnlyReason = Error(ErrorKind::Io, tr("The inventory is still being read."), {}, tr("Try again in a moment."));
    emit reset();
}

Status Inventory::adopt(const QString& path, const Loaded& loaded)
{
    m_path = path;
    m_loading = false;
    m_readOnlyReason.reset();
    m_migratedFrom = loaded.migratedFrom;
    m_backupPath = loaded.backupPath;
    if (!loaded.targets) {
        m_targets.clear();
        m_readOnlyReason = loaded.targets.error();
        qCWarning(lcInventory) << "inventory is read-only:" << loaded.targets.error().toString();
        emit reset();
        return loaded.targets.error();
    }
    m_targets = *loaded.targets;
    if (loaded.notMigrated)
        m_readOnlyReason = loaded.notMigrated;
    emit reset();
    return loaded.notMigrated ? Status(*loaded.notMigrated) : Status();
}

void Inventory::loadFromList(const QList<Target>& targets)
{
    m_path.clear();
    m_loading = false;
    m_readOnlyReason.reset();
    m_targets = targets;
    emit reset();
}

Status Inventory::save()
{
    if (m_readOnlyReason)
        return *m_readOnlyReason;
    if (m_path.isEmpty())
        return {};
    return InventoryFile::write(m_path, m_targets);
}

Error Inventory::readOnlyReason() const
{
    return m_readOnlyReason.value_or(Error());
}

QList<Target> Inventory::targets(TargetKind kind) const
{
    QList<Target> out;
    for (const Target& t : m_targets) {
        if (t.kind == kind)
            out.append(t);
    }
    return out;
}

int Inventory::count(TargetKind kind) const
{
    return int(std::count_if(m_targets.cbegin(), m_targets.cend(), [kind](const Target& t) { return t.kind == kind; }));
}

std::optional<Target> Inventory::findById(const QUuid& id) const
{
    for (const Target& t : m_targets) {
        if (t.id == id)
            return t;
    }
    return std::nullopt;
}

std::optional<Target> Inventory::findByName(const QString& name) const
{
    // Names are unique without regard to case, so "Prod" and "prod" never both exist.
    for (const Target& t : m_targets) {
        if (t.name.compare(name, Qt::CaseInsensitive) == 0)
            return t;
    }
    return std::nullopt;
}

Result<Target> Inventory::get(const QString& name) const
{
    if (auto t = findByName(name))
        return *t;
    return Error(ErrorKind::NotFound, tr("There is no target named \"%1\".").arg(name), {},
                 tr("List the targets with: aio-sandbox-manager targets list"));
}

Status Inventory::check(const Target& target) const
{
    if (Status s = target.validate(); !s)
        return s;
    if (auto other = findByName(target.name); other && other->id != target.id)
        return Error(ErrorKind::AlreadyExists, tr("A target named \"%1\" already exists.").arg(other->name), {},
                     tr("Choose another name."));
    return {};
}

QString Inventory::uniqueName(const QString& base) const
{
    if (!findByName(base))
        return base;
    for (int i = 2; i < 10000; ++i) {
        const QString candidate = tr("%1 (%2)").arg(base).arg(i);
        if (!findByName(candidate))
            return candidate;
    }
    return base + QLatin1Char(' ') + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
}

namespace {
// case-folded group path -> the spelling in use ("prod" -> "Prod"), parents included.
QHash<QString, QString> groupSpellings(const QList<Target>& targets)
{
    QHash<QString, QString> spelled;
    for (const Target& t : targets) {
        if (t.group.isEmpty())
            continue;
        const qsizetype slash = t.group.indexOf(QLatin1Char('/'));
        if (slash > 0 && !spelled.contains(t.group.left(slash).toCaseFolded()))
            spelled.insert(t.group.left(slash).toCaseFolded(), t.group.left(slash));
        if (!spelled.contains(t.group.toCaseFolded()))
            spelled.insert(t.group.toCaseFolded(), t.group);
    }
    return spelled;
}

// The group as already spelled in the inventory: "prod/eu" joins "Prod" (and "Prod/EU"), so a
// folder is never shown twice in two spellings.
QString canonicalGroup(const QString& group, const QHash<QString, QString>& spelled)
{
    if (group.isEmpty())
        return group;
    if (auto same = spelled.constFind(group.toCaseFolded()); same != spelled.constEnd())
        return *same;
    const qsizetype slash = group.indexOf(QLatin1Char('/'));
    if (slash > 0) {
        if (auto parent = spelled.constFind(group.left(slash).toCaseFolded()); parent != spelled.constEnd())
            return *parent + group.mid(slash);
    }
    return group;
}
} // namespace

Status Inventory::persist(const QList<Target>& next)
{
    if (m_readOnlyReason) {
        Error e = *m_readOnlyReason;
        e.nextStep = tr("The inventory is read-only because of this problem; nothing was changed.");
        return e;
    }
    if (!m_path.isEmpty()) {
        if (Status s = InventoryFile::write(m_path, next); !s)
            return s;
    }
    m_targets = next;
    return {};
}

Result<Target> Inventory::add(Target target)
{
    if (target.id.isNull())
        target.id = QUuid::createUuid();
    if (findById(target.id))
        return Error(ErrorKind::AlreadyExists, tr("A target with this id already exists."), {},
                     tr("Use update to change it, or give the copy a new id."));
    target.group = canonicalGroup(Target::normalizeGroup(target.group), groupSpellings(m_targets));
    if (Status s = check(target); !s)
        return s.error();
    QList<Target> next = m_targets;
    next.append(target);
    if (Status s = persist(next); !s)
        return s.error();
    emit targetAdded(target);
    return target;
}

Status Inventory::update(const Target& edited)
{
    Target target = edited;
    QList<Target> others = m_targets;
    others.removeIf([&](const Target& t) { return t.id == edited.id; });
    target.group = canonicalGroup(Target::normalizeGroup(target.group), groupSpellings(others));
    qsizetype index = -1;
    for (qsizetype i = 0; i < m_targets.size(); ++i) {
        if (m_targets.at(i).id == target.id)
            index = i;
    }
    if (index < 0)
        return Error(ErrorKind::NotFound, tr("The target \"%1\" is no longer in the inventory.").arg(target.name));
    if (Status s = check(target); !s)
        return s;
    QList<Target> next = m_targets;
    next[index] = target;
    if (Status s = persist(next); !s)
        return s;
    emit targetChanged(target);
    return {};
}

Status Inventory::remove(const QUuid& id)
{
    auto existing = findById(id);
    if (!existing)
        return Error(ErrorKind::NotFound, tr("The target is no longer in the inventory."));
    QList<Target> next = m_targets;
    next.removeIf([&](const Target& t) { return t.id == id; });
    if (Status s = persist(next); !s)
        return s;
    emit targetRemoved(existing->id, existing->name);
    return {};
}

namespace {

// What makes two targets the same (importing twice adds nothing): the same kind and the same
// host/port/user and jump host, or the same kubeconfig and context. Another jump host is another
// route the admin asked for, not the same target.
QString sameTargetKey(const Target& t)
{
    if (t.isVm())
        return QStringLiteral("vm\n%1\n%2\n%3\n%4")
            .arg(t.vm.host.toString(), QString::number(t.vm.port.value()), t.vm.user, t.vm.jumpHost.toString());
    return QStringLiteral("cluster\n%1\n%2").arg(t.cluster.kubeconfigPath, t.cluster.context);
}

} // namespace

Result<QList<Target>> Inventory::addImported(ImportResult& result, const QString& sourceFile)
{
    if (m_readOnlyReason)
        return persist(m_targets).error();
    // Linear in the number of targets: the checks use hashes, and the file is written once for the
    // whole import (one user action, one atomic write), never once per target.
    QHash<QString, QString> sameAs; // sameTargetKey -> the existing target's name
    QSet<QString> names; // case-folded: names are unique without regard to case
    sameAs.reserve(m_targets.size() + result.targets.size());
    names.reserve(m_targets.size() + result.targets.size());
    for (const Target& existing : std::as_const(m_targets)) {
        sameAs.insert(sameTargetKey(existing), existing.name);
        names.insert(existing.name.toCaseFolded());
    }
    QHash<QString, QString> spelled = groupSpellings(m_targets);
    QList<Target> next = m_targets;
    QList<Target> added;
    for (Target t : result.targets) {
        const QString key = sameTargetKey(t);
        if (auto same = sameAs.constFind(key); same != sameAs.constEnd()) {
            result.skipped.append(
                ImportIssue{sourceFile, 0, t.name,
                            tr("it is already in the inventory as \"%1\"; it is left as it is.").arg(*same)});
            continue;
        }
        if (names.contains(t.name.toCaseFolded())) {
            const QString base = t.name;
            for (int i = 2; names.contains(t.name.toCaseFolded()); ++i)
                t.name = tr("%1 (%2)").arg(base).arg(i);
        }
        if (t.id.isNull())
            t.id = QUuid::createUuid();
        t.group = canonicalGroup(t.group, spelled);
        if (!t.group.isEmpty()) {
            spelled.insert(t.group.toCaseFolded(), t.group);
            const QString parent = t.group.section(QLatin1Char('/'), 0, 0);
            if (!spelled.contains(parent.toCaseFolded()))
                spelled.insert(parent.toCaseFolded(), parent);
        }
        if (Status s = t.validate(); !s) {
            result.skipped.append(ImportIssue{sourceFile, 0, t.name, s.error().message});
            continue;
        }
        sameAs.insert(key, t.name);
        names.insert(t.name.toCaseFolded());
        next.append(t);
        added.append(t);
    }
    if (added.isEmpty())
        return added;
    if (Status s = persist(next); !s)
        return s.error();
    // One signal for the whole import: a view rebuilds once, not once per target.
    emit reset();
    return added;
}

Status Inventory::removeMany(const QList<QUuid>& ids)
{
    const QSet<QUuid> wanted(ids.begin(), ids.end());
    QList<Target> next;
    next.reserve(m_targets.size());
    for (const Target& t : std::as_const(m_targets)) {
        if (!wanted.contains(t.id))
            next.append(t);
    }
    if (m_targets.size() - next.size() != wanted.size())
        return Error(ErrorKind::NotFound,
                     tr("Some of these targets are no longer in the inventory; none was removed."));
    if (wanted.isEmpty())
        return {};
    if (Status s = persist(next); !s)
        return s;
    emit reset();
    return {};
}

Status Inventory::changeMany(const QList<QUuid>& ids, const std::function<void(Target&)>& change)
{
    const QSet<QUuid> wanted(ids.begin(), ids.end());
    QList<Target> next = m_targets;
    qsizetype changed = 0;
    for (Target& t : next) {
        if (!wanted.contains(t.id))
            continue;
        ++changed;
        change(t);
        if (Status s = t.validate(); !s)
            return s;
    }
    if (changed != wanted.size())
        return Error(ErrorKind::NotFound,
                     tr("Some of these targets are no longer in the inventory; none was changed."));
    if (next == m_targets)
        return {};
    if (Status s = persist(next); !s)
        return s;
    emit reset();
    return {};
}

Status Inventory::setGroup(const QList<QUuid>& ids, const QString& group)
{
    return organize(ids, group, {}, {});
}

Status Inventory::changeTags(const QList<QUuid>& ids, const QStringList& add, const QStringList& remove)
{
    return organize(ids, std::nullopt, add, remove);
}

Status Inventory::organize(const QList<QUuid>& ids, const std::optional<QString>& group, const QStringList& add,
                           const QStringList& remove)
{
    QString spelled;
    if (group) {
        const QString normalized = Target::normalizeGroup(*group);
        if (Status s = Target::checkGroup(normalized); !s)
            return s;
        // The spelling already in use by the other targets wins, so "prod" and "Prod" stay one
        // folder (and moving all of "prod" to "Prod" renames it).
        const QSet<QUuid> moving(ids.begin(), ids.end());
        QList<Target> others = m_targets;
        others.removeIf([&](const Target& t) { return moving.contains(t.id); });
        spelled = canonicalGroup(normalized, groupSpellings(others));
    }
    for (const QString& tag : add + remove) {
        if (Status s = Target::checkTag(tag); !s)
            return s;
    }
    return changeMany(ids, [&](Target& t) {
        if (group)
            t.group = spelled;
        t.tags.removeIf([&](const QString& tag) { return remove.contains(tag, Qt::CaseInsensitive); });
        for (const QString& tag : add) {
            if (!t.hasTag(tag))
                t.tags.append(tag);
        }
    });
}

Status Inventory::renameGroup(const QString& from, const QString& to)
{
    const QString target = Target::normalizeGroup(to);
    if (from.isEmpty())
        return Error(ErrorKind::InvalidInput, tr("Choose a group to rename."));
    if (Status s = Target::checkGroup(target); !s)
        return s;
    if (target.isEmpty())
        return Error(ErrorKind::InvalidInput, tr("The new group name is empty."), {},
                     tr("To take the targets out of the group, move them out instead."));
    QList<QUuid> ids;
    QList<Target> others;
    for (const Target& t : std::as_const(m_targets)) {
        if (t.inGroup(from))
            ids.append(t.id);
        else
            others.append(t);
    }
    if (ids.isEmpty())
        return Error(ErrorKind::NotFound, tr("There is no group \"%1\".").arg(from));
    // Renamed into a group that exists ("ops" while "Ops" has targets): one folder, its spelling.
    const QHash<QString, QString> spelled = groupSpellings(others);
    return changeMany(ids, [&](Target& t) { t.group = canonicalGroup(target + t.group.mid(from.size()), spelled); });
}

namespace {
// The spellings, sorted without regard to case.
QStringList sortedSpellings(const QHash<QString, QString>& spelled)
{
    QStringList out = spelled.values();
    std::sort(out.begin(), out.end(),
              [](const QString& a, const QString& b) { return QString::compare(a, b, Qt::CaseInsensitive) < 0; });
    return out;
}
} // namespace

QStringList Inventory::groups() const
{
    return sortedSpellings(groupSpellings(m_targets));
}

QStringList Inventory::tags() const
{
    QHash<QString, QString> seen; // case-folded -> first spelling
    for (const Target& t : std::as_const(m_targets)) {
        for (const QString& tag : t.tags) {
            if (!seen.contains(tag.toCaseFolded()))
                seen.insert(tag.toCaseFolded(), tag);
        }
    }
    return sortedSpellings(seen);
}

QList<Target> Inventory::select(const QStringList& wantedGroups, const QStringList& wantedTags,
                                QStringList* unknown) const
{
    QList<Target> out;
    QSet<QString> groupsSeen, tagsSeen;
    for (const Target& t : std::as_const(m_targets)) {
        bool match = false;
        for (const QString& g : wantedGroups) {
            if (!g.isEmpty() && t.inGroup(g)) {
                match = true;
                groupsSeen.insert(g);
            }
        }
        for (const QString& tag : wantedTags) {
            if (t.hasTag(tag)) {
                match = true;
                tagsSeen.insert(tag);
            }
        }
        if (match)
            out.append(t);
    }
    if (unknown) {
        for (const QString& g : wantedGroups) {
            if (!groupsSeen.contains(g))
                unknown->append(tr("group \"%1\"").arg(g));
        }
        for (const QString& tag : wantedTags) {
            if (!tagsSeen.contains(tag))
                unknown->append(tr("tag \"%1\"").arg(tag));
        }
    }
    return out;
}

Status Inventory::removeByName(const QString& name)
{
    auto target = get(name);
    if (!target)
        return target.error();
    return remove(target->id);
}

} // namespace aio
