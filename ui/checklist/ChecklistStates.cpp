#include "ui/checklist/ChecklistStates.h"

#include "core/checklist/AuditStore.h"
#include "core/checklist/VmChecklist.h"
#include "ui/widgets/Background.h"

#include <QPainter>
#include <QPixmap>

namespace aio::ui {

ChecklistStates& ChecklistStates::instance()
{
    static ChecklistStates* states = new ChecklistStates; // lives as long as the app
    return *states;
}

std::optional<ChecklistStates::State> ChecklistStates::state(const QUuid& targetId) const
{
    const auto it = m_states.constFind(targetId);
    if (it == m_states.constEnd())
        return std::nullopt;
    return *it;
}

ChecklistStates::State ChecklistStates::stateOf(const AuditReport& audit)
{
    State s;
    s.overall = audit.overall();
    s.when = audit.started;
    s.failed = audit.count(Verdict::Fail);
    s.warnings = audit.count(Verdict::Warning);
    s.unknown = audit.count(Verdict::Unknown);
    QHash<QString, QList<Verdict>> byItem;
    for (const CheckResult& r : audit.results) {
        if (const CheckInfo* info = VmChecklist::info(r.id))
            byItem[info->guideItem] << r.verdict;
    }
    for (auto it = byItem.begin(); it != byItem.end(); ++it)
        s.items.insert(it.key(), combinedVerdict(it.value()));
    return s;
}

void ChecklistStates::setAudit(const AuditReport& audit)
{
    m_states.insert(audit.targetId, stateOf(audit));
    emit changed(audit.targetId);
}

void ChecklistStates::forget(const QUuid& targetId)
{
    if (m_states.remove(targetId) > 0)
        emit changed(targetId);
}

void ChecklistStates::clear()
{
    const QList<QUuid> ids = m_states.keys();
    m_states.clear();
    for (const QUuid& id : ids)
        emit changed(id);
}

void ChecklistStates::loadAll(const QList<QUuid>& targetIds)
{
    runInBackground(
        this,
        [targetIds] {
            QList<AuditReport> latest;
            for (const QUuid& id : targetIds) {
                if (std::optional<AuditReport> a = AuditStore::forProfile().latest(id))
                    latest << *a;
            }
            return latest;
        },
        [this](const QList<AuditReport>& latest) {
            for (const AuditReport& a : latest) {
                if (!m_states.contains(a.targetId)) // an audit that ended meanwhile is newer
                    setAudit(a);
            }
        });
}

QColor ChecklistStates::colour(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass:
        return QColor(0x1a, 0x7f, 0x37);
    case Verdict::Fail:
        return QColor(0xcf, 0x22, 0x2e);
    case Verdict::Warning:
        return QColor(0xbf, 0x87, 0x00);
    case Verdict::Manual:
        return QColor(0x05, 0x50, 0xae);
    case Verdict::Unknown:
        break;
    }
    return QColor(0x8c, 0x95, 0x9f);
}

QIcon ChecklistStates::dot(Verdict verdict)
{
    static QHash<int, QIcon> cache;
    if (cache.contains(int(verdict)))
        return cache.value(int(verdict));
    QIcon icon;
    for (int size : {12, 16, 24}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(colour(verdict).darker(130), 1));
        p.setBrush(colour(verdict));
        p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3));
        icon.addPixmap(pm);
    }
    cache.insert(int(verdict), icon);
    return icon;
}

QIcon ChecklistStates::badged(const QIcon& base, Verdict verdict)
{
    QIcon icon;
    for (int size : {16, 24, 32}) {
        QPixmap pm = base.pixmap(size, size);
        if (pm.isNull()) {
            pm = QPixmap(size, size);
            pm.fill(Qt::transparent);
        }
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal d = size * 0.55;
        p.setPen(QPen(Qt::white, 1.5));
        p.setBrush(colour(verdict));
        p.drawEllipse(QRectF(size - d - 0.5, size - d - 0.5, d, d));
        icon.addPixmap(pm);
    }
    return icon;
}

QString ChecklistStates::describe(const State& s)
{
    QString counts;
    if (s.failed > 0)
        counts = tr("%1 failed").arg(s.failed);
    else if (s.unknown > 0)
        counts = tr("%1 unknown").arg(s.unknown);
    else if (s.warnings > 0)
        counts = tr("warnings: %1").arg(s.warnings);
    return tr("Checklist: %1%2 · checked %3")
        .arg(verdictText(s.overall), counts.isEmpty() ? QString() : QStringLiteral(", ") + counts,
             AuditStore::ago(s.when));
}

} // namespace aio::ui
