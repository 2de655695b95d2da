// "check TARGET…": the security checklist. Audits each VM target against the deployment guide's
// checklist (8080 private, TLS, authentication in front of every entrance, the proxy, the
// container's limits and health, the firewall) with real probes: commands over one SSH session
// and requests from this workstation. Prints each check with its evidence; --json for scripts;
// --report writes a Markdown or HTML report a reviewer can read on its own.

#include "app/cli/Command.h"
#include "app/cli/SshLogin.h"
#include "core/checklist/AuditStore.h"
#include "core/checklist/VmChecklist.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/SshSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSslCertificate>

namespace aio::cli {

namespace {

class CheckCommand : public Command
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::CheckCommand)

public:
    QString name() const override { return QStringLiteral("check"); }
    QString summary() const override { return tr("audit targets against the security checklist"); }
    QString help() const override
    {
        return tr("Usage: aio-sandbox-manager check TARGET... [--json] [--report FILE.html|FILE.md] [--ca-file PEM]\n"
                  "       aio-sandbox-manager check --list\n"
                  "\n"
                  "Audits each VM target against the deployment guide's security checklist, whoever deployed it:\n"
                  "port 8080 published on loopback only and closed from outside, no other sandbox port open,\n"
                  "TLS with a valid certificate and a redirect from http://, renewal automated, every entrance\n"
                  "(VNC, code-server, MCP, docs, shell, files, CDP) refusing anonymous requests, the image's\n"
                  "known bypasses closed, WebSocket upgrades and limits in nginx, the container's CPU and memory\n"
                  "limits, /dev/shm, restart policy, log rotation, pinned image, isolation and health, and the\n"
                  "host firewall. The cloud's security group cannot be seen from here: it is listed to confirm.\n"
                  "Commands run over one SSH session; requests go from this workstation like a visitor's.\n"
                  "\n"
                  "Options:\n"
                  "  --json            the audits as JSON (one object per target, every check with its evidence)\n"
                  "  --report FILE     also write a report: FILE ending in .html or .md\n"
                  "  --ca-file PEM     trust this CA too when checking the certificate (an own CA, a test CA)\n"
                  "  --all             show the evidence of passed checks too\n"
                  "  --list            list the checks (id, guide item, severity, title) and exit\n"
                  "  --confirm ID      record that you checked a manual item (cloud.security-group) by hand, with\n"
                  "                    today's date and your user name; --note TEXT says how; --unconfirm ID\n"
                  "                    withdraws it. Nothing is audited then.\n"
                  "\n"
                  "Every audit is kept with its time in the profile (the last 50 per target); the output says\n"
                  "what changed since the previous one.\n")
            + SshLogin::optionsHelp()
            + tr("\n"
                 "Exit codes: 0 no check failed, 1 a check failed or a target is unknown, 2 the audit could not\n"
                 "run (no SSH login: the checks from this workstation are still shown) or wrong usage.\n");
    }

    int run(const QStringList& args, CommandContext& context) override
    {
        QCommandLineParser parser;
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
        SshLogin::addOptions(parser);
        const QCommandLineOption json(QStringLiteral("json"));
        const QCommandLineOption report(QStringLiteral("report"), {}, QStringLiteral("file"));
        const QCommandLineOption caFile(QStringLiteral("ca-file"), {}, QStringLiteral("pem"));
        const QCommandLineOption all(QStringLiteral("all"));
        const QCommandLineOption helpOption(QStringLiteral("help"));
        const QCommandLineOption confirm(QStringLiteral("confirm"), {}, QStringLiteral("id"));
        const QCommandLineOption unconfirm(QStringLiteral("unconfirm"), {}, QStringLiteral("id"));
        const QCommandLineOption note(QStringLiteral("note"), {}, QStringLiteral("text"));
        const QCommandLineOption list(QStringLiteral("list"));
        parser.addOptions({json, report, caFile, all, helpOption, confirm, unconfirm, note, list});
        if (!parser.parse(QStringList{name()} + args))
            return context.usageError(parser.errorText(), name());
        if (parser.isSet(helpOption)) {
            context.out() << help();
            return ExitOk;
        }
        if (parser.isSet(list)) {
            for (const CheckInfo& c : VmChecklist::catalog())
                context.out() << QStringLiteral("%1  %2  %3  %4\n")
                                     .arg(c.id.leftJustified(28), c.guideItem, severityKey(c.severity).leftJustified(8),
                                          c.title);
            return ExitOk;
        }
        const QStringList names = parser.positionalArguments();
        if (names.isEmpty())
            return context.usageError(tr("Name at least one target."), name());
        if (const std::optional<QString> wrong = SshLogin::checkOptions(parser))
            return context.usageError(*wrong, name());
        const QString reportPath = parser.value(report);
        const bool html = reportPath.endsWith(QLatin1String(".html"), Qt::CaseInsensitive)
            || reportPath.endsWith(QLatin1String(".htm"), Qt::CaseInsensitive);
        if (parser.isSet(report) && !html && !reportPath.endsWith(QLatin1String(".md"), Qt::CaseInsensitive))
            return context.usageError(tr("--report writes FILE.html or FILE.md."), name());
        QList<QSslCertificate> extraCa;
        if (parser.isSet(caFile)) {
            QFile pem(parser.value(caFile));
            if (!pem.open(QIODevice::ReadOnly))
                return context.fail(
                    Error(ErrorKind::Io, tr("%1 cannot be read.").arg(pem.fileName()), pem.errorString()));
            extraCa = QSslCertificate::fromData(pem.readAll(), QSsl::Pem);
            if (extraCa.isEmpty())
                return context.fail(
                    Error(ErrorKind::InvalidInput, tr("%1 holds no PEM certificate.").arg(pem.fileName())));
        }

        QList<Target> targets;
        for (const QString& n : names) {
            Result<Target> t = context.target(n);
            if (!t)
                return context.fail(t.error());
            if (!t->isVm())
                return context.fail(
                    Error(ErrorKind::Usage,
                          tr("%1 is a cluster; its checklist comes with the Kubernetes support.").arg(t->name)));
            targets << *t;
        }

        if (parser.isSet(confirm) || parser.isSet(unconfirm)) {
            const bool yes = parser.isSet(confirm);
            const QString id = parser.value(yes ? confirm : unconfirm);
            const CheckInfo* info = VmChecklist::info(id);
            if (!info || id != QLatin1String("cloud.security-group"))
                return context.usageError(tr("Only a manual item can be confirmed by hand: cloud.security-group."),
                                          name());
            for (const Target& t : std::as_const(targets)) {
                if (Status s = AuditStore::forProfile().setConfirmed(t.id, id, yes, parser.value(note)); !s)
                    return context.fail(s.error());
                context.out()
                    << (yes ? tr("%1: %2 confirmed by hand.") : tr("%1: %2 is to confirm again.")).arg(t.name, id)
                    << Qt::endl;
            }
            return ExitOk;
        }

        SecretStore store;
        QList<AuditReport> audits;
        QList<std::optional<AuditReport>> previous;
        for (const Target& target : std::as_const(targets)) {
            const SshLogin login(target, parser, store, targets.size() == 1);
            AuditReport audit = VmChecklist::audit(
                target,
                [&login](const Target&) -> Result<std::shared_ptr<SshSession>> {
                    return std::make_shared<SshSession>(login.settings(), login.callbacks());
                },
                extraCa);
            previous << AuditStore::forProfile().latest(target.id);
            Result<AuditReport> kept = AuditStore::forProfile().add(audit);
            if (kept)
                audit = *kept;
            else
                context.warn(tr("The audit of %1 is not kept: %2").arg(target.name, kept.error().toString()));
            audits << audit;
            if (audit.loginError)
                login.noteIfUnasked(context.err());
        }

        if (parser.isSet(json)) {
            QJsonArray array;
            for (const AuditReport& a : std::as_const(audits))
                array.append(a.toJson());
            context.out() << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        } else {
            for (qsizetype i = 0; i < audits.size(); ++i)
                print(audits.at(i), previous.at(i), parser.isSet(all), context);
        }
        context.out().flush();
        if (parser.isSet(report)) {
            const QString text = html ? AuditReport::toHtml(audits, VmChecklist::catalog())
                                      : AuditReport::toMarkdown(audits, VmChecklist::catalog());
            QSaveFile file(reportPath);
            if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit())
                return context.fail(
                    Error(ErrorKind::Io, tr("The report %1 cannot be written.").arg(reportPath), file.errorString()));
            context.err() << tr("Report written to %1").arg(reportPath) << Qt::endl;
        }
        // A failed check outweighs an audit that could not run.
        bool failed = false;
        bool unreached = false;
        for (const AuditReport& a : std::as_const(audits)) {
            failed = failed || a.exitCode() == 1;
            unreached = unreached || a.exitCode() == 2;
        }
        const int code = failed ? int(ExitUserError) : unreached ? int(ExitUsage) : int(ExitOk);
        return code;
    }

private:
    static void print(const AuditReport& a, const std::optional<AuditReport>& previous, bool allEvidence,
                      CommandContext& context)
    {
        QTextStream& out = context.out();
        out << tr("%1 (%2): %3 — %4 passed, %5 failed, %6 warnings, %7 unknown, %8 to confirm; %9 s")
                   .arg(a.targetName, a.address, verdictText(a.overall()).toUpper())
                   .arg(a.count(Verdict::Pass))
                   .arg(a.count(Verdict::Fail))
                   .arg(a.count(Verdict::Warning))
                   .arg(a.count(Verdict::Unknown))
                   .arg(a.count(Verdict::Manual))
                   .arg(double(a.durationMs) / 1000.0, 0, 'f', 1)
            << '\n';
        if (a.loginError)
            out << "  " << tr("not reached over SSH: %1").arg(a.loginError->message) << '\n';
        for (const CheckResult& r : a.results) {
            const CheckInfo* info = VmChecklist::info(r.id);
            out << QStringLiteral("  %1 %2 %3\n")
                       .arg(QStringLiteral("[%1]").arg(verdictKey(r.verdict).toUpper()).leftJustified(10),
                            (info ? info->guideItem : QString()).leftJustified(3), info ? info->title : r.id);
            out << QStringLiteral("             %1\n").arg(r.summary);
            if (r.verdict == Verdict::Pass && !allEvidence)
                continue;
            for (const Evidence& e : r.evidence) {
                QStringList lines = e.text.split(QLatin1Char('\n'));
                const qsizetype total = lines.size();
                if (!allEvidence && total > 6)
                    lines = lines.mid(0, 6);
                out << QStringLiteral("             · %1:\n").arg(e.label);
                for (const QString& l : std::as_const(lines))
                    out << QStringLiteral("                 %1\n").arg(l);
                if (lines.size() < total)
                    out << QStringLiteral("                 ")
                        << tr("(%1 more lines; --all shows them)").arg(total - lines.size()) << '\n';
            }
            if (info && r.verdict != Verdict::Pass)
                out << QStringLiteral("             ") << tr("fix: %1").arg(info->remediation) << '\n';
        }
        if (previous) {
            const QList<CheckChange> changed = AuditStore::changes(*previous, a);
            out << "  "
                << (changed.isEmpty()
                        ? tr("Nothing changed since the previous check (%1).").arg(AuditStore::ago(previous->started))
                        : tr("Changed since the previous check (%1):").arg(AuditStore::ago(previous->started)))
                << '\n';
            for (const CheckChange& c : changed)
                out << QStringLiteral("    %1: %2 → %3\n").arg(c.checkId, verdictKey(c.before), verdictKey(c.now));
        }
        out << '\n';
    }
};

} // namespace

AIO_REGISTER_COMMAND(CheckCommand)

} // namespace aio::cli
