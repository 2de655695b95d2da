#pragma once

#include "core/common/Result.h"
#include "core/deploy/vm/NftRuleset.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

namespace aio {

// What `ufw status verbose` says that matters to us.
struct UfwStatus
{
    bool active = false;
    QString defaultIncoming; // "deny", "reject", "allow"; empty when ufw did not say
};

// FirewallRules as ufw commands (for hosts where ufw is the firewall, like most Ubuntu VMs).
// Every command is an argument vector after "ufw", sent with RemoteCommand::args (each argument
// quoted), never a pasted line. The order keeps the deployment's own SSH connection safe: the
// rule for the SSH client's address is PREPENDED (ufw evaluates its rules first match wins), then
// come the admin networks, 80/443, the 8080 deny, `default deny incoming` and `--force enable`.
// Rules the admin already has that would defeat ours (SSH open to anyone, 8080 allowed) are
// deleted first; the backup taken before (see backupScript) brings them back on revert.
class UfwRules
{
    Q_DECLARE_TR_FUNCTIONS(aio::UfwRules)

public:
    // Our rules, in order, as the arguments after "ufw" ("prepend", "allow", "from", …). A null
    // client address or a port of 0 is refused: without the client's rule ufw could lock us out.
    static Result<QList<QStringList>> rules(const FirewallRules& rules);
    // The settings after the rules: {"default","deny","incoming"}, {"--force","enable"}.
    static QList<QStringList> finalCommands();
    // A rule as `ufw show added` prints it, without "ufw " ("prepend allow …" is shown as "allow …").
    static QString addedForm(const QStringList& ruleArgs);

    // The lines of `ufw show added` without the heading and the leading "ufw ".
    static QStringList parseAdded(const QByteArray& showAdded);
    static UfwStatus parseStatus(const QByteArray& statusVerbose);
    // Splits a `show added` line into arguments (single-quoted parts, as ufw prints comments).
    static QStringList splitLine(const QString& line);
    // Rules of `show added` that open the SSH port to anyone (allow/limit without "from", by
    // port, "ssh" or the OpenSSH profile) or allow 8080: the `ufw delete …` arguments (without
    // the comment: ufw matches a deletion without it) that remove them.
    static QList<QStringList> conflicting(const QStringList& added, const FirewallRules& rules);
    // Which of our rules (addedForm) `show added` lacks; comments are not compared.
    static QStringList missing(const QStringList& added, const FirewallRules& rules);

    // Run as root before any change: copies /etc/ufw/{user,user6}.rules, /etc/ufw/ufw.conf and
    // /etc/default/ufw to backupDir() with whether ufw was active; prints "active"/"inactive".
    static QString backupScript();
    // Puts the backup back: disables ufw if it was inactive, copies the files, reloads if it was
    // active. Run by the timed revert job and by rollback. Exit 3 when there is no backup.
    static QString restoreScript();
    static QString backupDir(); // /var/lib/aio-sandbox/ufw-backup
    static QString restorePath(); // /var/lib/aio-sandbox/ufw-restore.sh
    static QString commentPrefix(); // "aio: "
};

} // namespace aio
