#include "core/checklist/AuditStore.h"

#include "core/common/Profile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <map>
#include <memory>
#include <mutex>

namespace aio {

AuditStore::AuditStore(QString dataDirectory)
    : m_dir(std::move(dataDirectory) + QStringLiteral("/audits"))
{ }

AuditStore& AuditStore::forProfile()
{
    // One store per profile folder (tests switch profiles within a process).
    static std::mutex mutex;
    static std::map<QString, std::unique_ptr<AuditStore>> stores;
    const QString dir = Profile::dataDir();
    const std::lock_guard lock(mutex);
    std::unique_ptr<AuditStore>& store = stores[dir];
    if (!store)
        store = std::make_unique<AuditStore>(dir);
    return *store;
}

QString AuditStore::filePath(const QUuid& targetId) const
{
    return m_dir + QLatin1Char('/') + targetId.toString(QUuid::WithoutBraces) + QStringLiteral(".json");
}

Result<AuditStore::File> AuditStore::read(const QUuid& targetId) const
{
    File file;
    QFile f(filePath(targetId));
    if (!f.exists())
        return file;
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, tr("The audits file %1 cannot be read.").arg(f.fileName()), f.errorString());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (!doc.isObject())
        return Error(ErrorKind::Corrupt, tr("The audits file %1 is damaged; it is left as it is.").arg(f.fileName()),
                     error.errorString());
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("version")).toInt() > 1)
        return Error(ErrorKind::UnsupportedVersion,
                     tr("The audits file %1 was written by a newer version.").arg(f.fileName()));
    for (const QJsonValue& v : root.value(QStringLiteral("audits")).toArray()) {
        Result<AuditReport> a = AuditReport::fromJson(v.toObject());
        if (!a)
            return Error(ErrorKind::Corrupt,
                         tr("The audits file %1 is damaged; it is left as it is.").arg(f.fileName()),
                         a.error().message);
        file.audits << *a;
    }
    const QJsonObject confirmed = root.value(QStringLiteral("confirmed")).toObject();
    for (auto it = confirmed.begin(); it != confirmed.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        file.confirmations.insert(
            it.key(),
            ManualConfirmation{QDateTime::fromString(o.value(QStringLiteral("when")).toString(), Qt::ISODate),
                               o.value(QStringLiteral("who")).toString(), o.value(QStringLiteral("note")).toString()});
    }
    return file;
}

Status AuditStore::write(const QUuid& targetId, const File& file) const
{
    if (!QDir().mkpath(m_dir))
        return Error(ErrorKind::Io, tr("The folder %1 cannot be made.").arg(m_dir));
    QFile::setPermissions(m_dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QJsonArray audits;
    for (const AuditReport& a : file.audits)
        audits.append(a.toJson());
    QJsonObject confirmed;
    for (auto it = file.confirmations.begin(); it != file.confirmations.end(); ++it)
        confirmed.insert(it.key(),
                         QJsonObject{{QStringLiteral("when"), it->when.toUTC().toString(Qt::ISODate)},
                                     {QStringLiteral("who"), it->who},
                                     {QStringLiteral("note"), it->note}});
    const QJsonObject root{
        {QStringLiteral("version"), 1}, {QStringLiteral("audits"), audits}, {QStringLiteral("confirmed"), confirmed}};
    QSaveFile out(filePath(targetId));
    if (!out.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, tr("The audits file %1 cannot be written.").arg(out.fileName()), out.errorString());
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (out.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0 || !out.commit())
        return Error(ErrorKind::Io, tr("The audits file %1 cannot be written.").arg(out.fileName()), out.errorString());
    return {};
}

void AuditStore::applyConfirmations(AuditReport& audit, const QHash<QString, ManualConfirmation>& confirmations)
{
    for (CheckResult& r : audit.results) {
        if (r.verdict != Verdict::Manual || !confirmations.contains(r.id))
            continue;
        const ManualConfirmation& c = confirmations.value(r.id);
        r.verdict = Verdict::Pass;
        r.summary
            = tr("Confirmed by %1 on %2.").arg(c.who, c.when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")))
            + (c.note.isEmpty() ? QString() : QLatin1Char(' ') + c.note);
        r.addEvidence(tr("confirmed by hand"),
                      QStringLiteral("%1 %2").arg(c.who, c.when.toUTC().toString(Qt::ISODate)));
    }
}

Result<QList<AuditReport>> AuditStore::audits(const QUuid& targetId) const
{
    const QMutexLocker lock(&m_mutex);
    Result<File> f = read(targetId);
    if (!f)
        return f.error();
    return f->audits;
}

std::optional<AuditReport> AuditStore::latest(const QUuid& targetId) const
{
    Result<QList<AuditReport>> all = audits(targetId);
    if (!all || all->isEmpty())
        return std::nullopt;
    return all->last();
}

Result<AuditReport> AuditStore::add(AuditReport audit)
{
    const QMutexLocker lock(&m_mutex);
    Result<File> f = read(audit.targetId);
    File file = f ? *f : File{}; // a damaged file is replaced by the new audit only after it is moved aside
    if (!f && f.error().kind == ErrorKind::Corrupt)
        QFile::rename(filePath(audit.targetId), filePath(audit.targetId) + QStringLiteral(".damaged"));
    else if (!f)
        return f.error();
    applyConfirmations(audit, file.confirmations);
    file.audits << audit;
    while (file.audits.size() > kKept)
        file.audits.removeFirst();
    if (Status s = write(audit.targetId, file); !s)
        return s.error();
    return audit;
}

QHash<QString, ManualConfirmation> AuditStore::confirmations(const QUuid& targetId) const
{
    const QMutexLocker lock(&m_mutex);
    Result<File> f = read(targetId);
    return f ? f->confirmations : QHash<QString, ManualConfirmation>{};
}

Status AuditStore::setConfirmed(const QUuid& targetId, const QString& checkId, bool confirmed, const QString& note)
{
    const QMutexLocker lock(&m_mutex);
    Result<File> f = read(targetId);
    if (!f)
        return f.error();
    File file = *f;
    if (confirmed) {
        QString who = qEnvironmentVariable("USER");
        if (who.isEmpty())
            who = qEnvironmentVariable("LOGNAME", QStringLiteral("admin"));
        file.confirmations.insert(checkId, ManualConfirmation{QDateTime::currentDateTimeUtc(), who, note});
    } else {
        file.confirmations.remove(checkId);
    }
    if (!file.audits.isEmpty()) {
        AuditReport& last = file.audits.last();
        for (CheckResult& r : last.results) {
            if (r.id != checkId)
                continue;
            if (!confirmed && r.verdict == Verdict::Pass && r.evidence.size() == 1
                && r.evidence.first().label == tr("confirmed by hand")) {
                r.verdict = Verdict::Manual;
                r.evidence.clear();
                r.summary = tr("Cannot be seen from here: confirm it in the cloud console.");
            }
        }
        applyConfirmations(last, file.confirmations);
    }
    return write(targetId, file);
}

Status AuditStore::forget(const QUuid& targetId)
{
    const QMutexLocker lock(&m_mutex);
    QFile f(filePath(targetId));
    if (f.exists() && !f.remove())
        return Error(ErrorKind::Io, tr("The audits file %1 cannot be removed.").arg(f.fileName()), f.errorString());
    return {};
}

QList<CheckChange> AuditStore::changes(const AuditReport& previous, const AuditReport& now)
{
    QList<CheckChange> out;
    for (const CheckResult& r : now.results) {
        const CheckResult* before = previous.result(r.id);
        const Verdict was = before ? before->verdict : Verdict::Unknown;
        if (was != r.verdict)
            out << CheckChange{r.id, was, r.verdict};
    }
    return out;
}

QString AuditStore::ago(const QDateTime& when, const QDateTime& now)
{
    const qint64 s = when.secsTo(now);
    if (s < 60)
        return tr("just now");
    if (s < 3600)
        return tr("%1 min ago").arg(s / 60);
    if (s < 86400)
        return tr("%1 h ago").arg(s / 3600);
    if (s < 2 * 86400)
        return tr("yesterday");
    return tr("%1 days ago").arg(s / 86400);
}

} // namespace aio
