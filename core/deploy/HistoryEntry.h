#pragma once

#include "core/common/Result.h"
#include "core/deploy/PlanJournal.h"
#include "core/deploy/Step.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace aio {

class SecretRedactor;

// One line of a target's deployment history: which step did what, when, the commands it ran,
// the files it changed with their previous content (so the admin can read and restore them),
// and how it ended. Never holds a secret: entries are redacted before they are written and
// secret files are recorded without content.
struct HistoryEntry
{
    Q_DECLARE_TR_FUNCTIONS(aio::HistoryEntry)

public:
    QDateTime when; // UTC
    QString targetName;
    QString planTitle;
    QString stepId;
    QString stepTitle;
    QString action; // "apply", "rollback", "skip"
    StepOutcome outcome = StepOutcome::NotRun;
    QString message; // the error, or for an applied step what it found before, translated
    QString skipReason; // for "skip"
    QStringList commands;
    QList<JournalFileChange> files;

    // The step needed nothing more after this entry: it was applied and verified, or skipped.
    bool finishedTheStep() const;
    // The entry's message as the history lists show it: the skip reason; "found before: …" for an
    // applied step (its message is the state it changed, not the result); else the message.
    QString note() const;

    // What the entry did as text: "$ command" lines, then per file "path: changed" (created,
    // removed, secret file …) and its unified diff against the previous content.
    QString changesText() const;
    static QString fileChangeSummary(const JournalFileChange& change);

    // Every text (commands, message, file contents) with secrets replaced by the marker.
    HistoryEntry redacted(const SecretRedactor& redactor) const;

    // File contents are stored as text when they are UTF-8, else as base64 ("…Base64" keys).
    QJsonObject toJson() const;
    static Result<HistoryEntry> fromJson(const QJsonObject& object);
};

} // namespace aio
