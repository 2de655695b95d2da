#include "core/inventory/Inventory.h"

#include "core/common/Profile.h"
#include "core/inventory/InventoryFile.h"
#include "core/inventory/InventoryLogging.h"

#include <QCoreApplication>

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

Result<QList<Target>> Inventory::addImported(ImportResult& result, const QString& sourceFile)
{
    if (m_readOnlyReason)
        return persist(m_targets).error();
    auto sameTarget = [](const Target& a, const Target& b) {
        if (a.kind != b.kind)
            return false;
        if (a.isVm())
            // Another jump host is another route the admin asked for, not the same target.
            return a.vm.host == b.vm.host && a.vm.port == b.vm.port && a.vm.user == b.vm.user
                && a.vm.jumpHost == b.vm.jumpHost;
        return a.cluster.kubeconfigPath == b.cluster.kubeconfigPath && a.cluster.context == b.cluster.context;
    };
    QList<Target> added;
    for (Target t : result.targets) {
        const Target* same = nullptr;
        for (const Target& existing : m_targets) {
            if (!same && sameTarget(existing, t))
                same = &existing;
        }
        if (same) {
            result.skipped.append(
                ImportIssue{sourceFile, 0, t.name,
                            tr("it is already in the inventory as \"%1\"; it is left as it is.").arg(same->name)});
            continue;
        }
        if (findByName(t.name))
            t.name = uniqueName(t.name);
        auto r = add(t);
        if (!r) {
            if (r.error().kind == ErrorKind::Io)
                return r.error();
            result.skipped.append(ImportIssue{sourceFile, 0, t.name, r.error().message});
            continue;
        }
        added.append(*r);
    }
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
