#include "core/inventory/Inventory.h"

#include "core/common/Profile.h"
#include "core/inventory/InventoryFile.h"
#include "core/inventory/InventoryLogging.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

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
    m_path = path;
    m_readOnlyReason.reset();
    auto targets = InventoryFile::read(path);
    if (!targets) {
        m_targets.clear();
        m_readOnlyReason = targets.error();
        qCWarning(lcInventory) << "inventory is read-only:" << targets.error().toString();
        emit reset();
        return targets.error();
    }
    m_targets = *targets;
    emit reset();
    return {};
}

void Inventory::loadFromList(const QList<Target>& targets)
{
    m_path.clear();
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
    if (Status s = check(target); !s)
        return s.error();
    QList<Target> next = m_targets;
    next.append(target);
    if (Status s = persist(next); !s)
        return s.error();
    emit targetAdded(target);
    return target;
}

Status Inventory::update(const Target& target)
{
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

Status Inventory::removeByName(const QString& name)
{
    auto target = get(name);
    if (!target)
        return target.error();
    return remove(target->id);
}

} // namespace aio
