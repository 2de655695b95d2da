#pragma once

#include "core/checklist/AuditReport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>
#include <QUuid>

namespace aio {

// An item the admin confirmed by hand (the cloud's security group): when and who.
struct ManualConfirmation
{
    QDateTime when; // UTC
    QString who; // the local user name
    QString note;
};

// One line of "what changed since the previous audit".
struct CheckChange
{
    QString checkId;
    Verdict before = Verdict::Unknown;
    Verdict now = Verdict::Unknown;
};

// The audits of each target, newest last, kept in <data dir>/audits/<target id>.json (owner-only,
// written atomically), with the items the admin confirmed by hand. Thread-safe: audits of
// several targets are stored from worker threads at once.
class AuditStore
{
    Q_DECLARE_TR_FUNCTIONS(aio::AuditStore)

public:
    static constexpr int kKept = 50; // audits kept per target

    explicit AuditStore(QString dataDirectory);
    // Profile::dataDir()'s store.
    static AuditStore& forProfile();

    QString directory() const { return m_dir; }
    QString filePath(const QUuid& targetId) const;

    // The target's audits, oldest first; empty when there are none yet.
    Result<QList<AuditReport>> audits(const QUuid& targetId) const;
    // The newest audit of each target that has one.
    std::optional<AuditReport> latest(const QUuid& targetId) const;
    // Applies the confirmations (a confirmed manual item passes, saying by whom and when), keeps
    // the audit and drops the oldest beyond kKept. Returns the audit as kept.
    Result<AuditReport> add(AuditReport audit);

    QHash<QString, ManualConfirmation> confirmations(const QUuid& targetId) const;
    // Confirms (or, with confirmed false, withdraws) a manual item; the newest audit is updated too.
    Status setConfirmed(const QUuid& targetId, const QString& checkId, bool confirmed, const QString& note = {});
    // Forgets a removed target's audits.
    Status forget(const QUuid& targetId);

    // The checks whose verdict differs between two audits (new checks count as changed from unknown).
    static QList<CheckChange> changes(const AuditReport& previous, const AuditReport& now);
    // "3 min ago", "2 h ago", "yesterday"…
    static QString ago(const QDateTime& when, const QDateTime& now = QDateTime::currentDateTimeUtc());

private:
    struct File
    {
        QList<AuditReport> audits;
        QHash<QString, ManualConfirmation> confirmations;
    };
    Result<File> read(const QUuid& targetId) const;
    Status write(const QUuid& targetId, const File& file) const;
    static void applyConfirmations(AuditReport& audit, const QHash<QString, ManualConfirmation>& confirmations);

    QString m_dir;
    mutable QMutex m_mutex;
};

} // namespace aio
