#pragma once

#include "core/common/Result.h"
#include "core/deploy/FileSnapshot.h"
#include "core/deploy/PlanJournal.h"
#include "core/deploy/SecretRedactor.h"
#include "core/ssh/RemoteHost.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <functional>

namespace aio {

// Everything a Step needs while it runs: the host, streaming output, cancel, dry-run, secrets
// to redact, confirmation, facts shared between steps, and the journal of changes that becomes
// history. One context lives for one plan run on the runner's worker thread; tests of single
// steps make one directly around a test RemoteHost.
class PlanContext
{
    Q_DECLARE_TR_FUNCTIONS(aio::PlanContext)

public:
    using ConfirmHandler = std::function<bool(const QString& question)>;

    explicit PlanContext(RemoteHost& host);

    RemoteHost& host() { return m_host; }
    QString targetName() const { return m_host.targetName(); }

    // Dry-run: writeFile()/removeFile() refuse (a guard against a step that applies in preview).
    void setDryRun(bool dryRun) { m_dryRun = dryRun; }
    bool isDryRun() const { return m_dryRun; }
    void setAssumeYes(bool yes) { m_assumeYes = yes; }
    bool assumeYes() const { return m_assumeYes; }
    void setCancelToken(const CancelToken& token) { m_cancel = token; }
    const CancelToken& cancelToken() const { return m_cancel; }
    bool isCancelled() const { return m_cancel.isCancelled(); }
    // Receives every output line of commands run through run() (already redacted).
    void setLineSink(LineSink sink) { m_lineSink = std::move(sink); }
    // Asked by confirm(); blocks the worker until the admin answers. Unset: refuse.
    void setConfirmHandler(ConfirmHandler handler) { m_confirm = std::move(handler); }

    SecretRedactor& redactor() { return m_redactor; }
    const SecretRedactor& redactor() const { return m_redactor; }
    void addSecret(const QString& value) { m_redactor.addSecret(value); }

    // Runs a command, streams its output to the line sink, records its display text (redacted)
    // in the journal. A non-zero exit is returned in the outcome, not as an Error.
    Result<CommandOutcome> run(const RemoteCommand& command);
    // Like run(), but a non-zero exit is an Error of kind CommandFailed whose message starts
    // with `what` (translated, "Starting the container") and whose detail is stderr.
    Result<CommandOutcome> runChecked(const RemoteCommand& command, const QString& what);

    // The file as it is now (absent when it does not exist).
    Result<FileSnapshot> readFile(const QString& path, bool sudo = false);
    // Writes the file (atomically, via RemoteHost::upload) and journals its previous content,
    // read first. Secret files journal neither content.
    Status writeFile(const QString& path, const QByteArray& content, const RemoteFileAttributes& attrs,
                     bool secret = false);
    Status removeFile(const QString& path, bool sudo, bool secret = false);
    // Puts the file back as the snapshot shows: writes its content, or removes it.
    Status restoreFile(const FileSnapshot& snapshot, bool sudo, bool secret = false);

    // Asks the admin (true when assumeYes()).
    bool confirm(const QString& question);

    // Facts steps pass on to later steps of the same run ("os": "debian 12", "jwtPublicKeyPem"…).
    // Never put secrets here.
    QJsonObject facts() const;
    void setFact(const QString& key, const QJsonValue& value);

    // The journal so far; takeJournal() returns it and starts a new one.
    PlanJournal takeJournal();

private:
    RemoteHost& m_host;
    bool m_dryRun = false;
    bool m_assumeYes = false;
    CancelToken m_cancel;
    LineSink m_lineSink;
    ConfirmHandler m_confirm;
    SecretRedactor m_redactor;
    mutable QMutex m_mutex; // facts and journal (the GUI may read facts while a step runs)
    QJsonObject m_facts;
    PlanJournal m_journal;
};

} // namespace aio
