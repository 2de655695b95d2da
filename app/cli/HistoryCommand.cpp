// "history TARGET": what the deployments changed on a target, newest last — the per-target
// history the deploy command and the wizard write (when, which step, what it did, how it ended,
// the commands and the files with their previous content).

#include "app/cli/Command.h"
#include "core/deploy/History.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace aio::cli {

class HistoryCommand : public Command
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::HistoryCommand)

public:
    QString name() const override { return QStringLiteral("history"); }
    QString summary() const override { return HistoryCommand::tr("show what deployments changed on a target"); }
    QString help() const override
    {
        return HistoryCommand::tr(
            "Usage: aio-sandbox-manager history TARGET [--last N] [--files] [--json]\n"
            "\n"
            "Shows the deployment history of TARGET, oldest first: when, which step, what it did (apply,\n"
            "rollback, skip), how it ended and why. Secrets never appear: they were redacted when the\n"
            "entry was written.\n"
            "\n"
            "Options:\n"
            "  --last N   only the N newest entries\n"
            "  --files    also the commands and every file change as a diff against its previous content\n"
            "  --json     the entries as a JSON array (the objects of the history file)\n"
            "\n"
            "Exit codes: 0 shown (also when there is no history yet), 1 unknown target or unreadable\n"
            "history, 2 wrong usage.\n");
    }

    int run(const QStringList& args, CommandContext& context) override
    {
        QCommandLineParser p;
        p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
        p.addOptions({
            {QStringLiteral("last"), {}, QStringLiteral("n")},
            {QStringLiteral("files"), {}},
            {QStringLiteral("json"), {}},
            {QStringLiteral("help"), {}},
        });
        if (!p.parse(QStringList{name()} + args))
            return context.usageError(p.errorText(), name());
        if (p.isSet(QStringLiteral("help"))) {
            context.out() << help();
            return ExitOk;
        }
        if (p.positionalArguments().size() != 1)
            return context.usageError(HistoryCommand::tr("Name exactly one target."), name());
        int last = -1;
        if (p.isSet(QStringLiteral("last"))) {
            bool ok = false;
            last = p.value(QStringLiteral("last")).toInt(&ok);
            if (!ok || last < 1)
                return context.usageError(HistoryCommand::tr("--last needs a whole number of 1 or more."), name());
        }
        Result<Target> target = context.target(p.positionalArguments().first());
        if (!target)
            return context.fail(target.error());

        const History history(target->id.toString());
        int skipped = 0;
        Result<QList<HistoryEntry>> entries = history.read(&skipped);
        if (!entries)
            return context.fail(entries.error().onTarget(target->name));
        if (skipped > 0)
            context.warn(QCoreApplication::translate("aio::cli::HistoryCommand",
                                                     "Lines of %1 that could not be read are left out: %n.", nullptr,
                                                     skipped)
                             .arg(history.filePath()));
        QList<HistoryEntry> shown = *entries;
        if (last > 0 && shown.size() > last)
            shown = shown.mid(shown.size() - last);

        QTextStream& out = context.out();
        if (p.isSet(QStringLiteral("json"))) {
            QJsonArray array;
            for (const HistoryEntry& e : std::as_const(shown))
                array.append(e.toJson());
            out << QJsonDocument(array).toJson(QJsonDocument::Indented);
            return ExitOk;
        }
        if (shown.isEmpty()) {
            out << HistoryCommand::tr("No deployment has changed %1 yet.").arg(target->name) << Qt::endl;
            return ExitOk;
        }
        const bool files = p.isSet(QStringLiteral("files"));
        for (const HistoryEntry& e : std::as_const(shown)) {
            QString line = QStringLiteral("%1  %2  %3  %4")
                               .arg(e.when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")),
                                    e.action.leftJustified(8), stepOutcomeName(e.outcome).leftJustified(15),
                                    e.stepTitle.isEmpty() ? e.stepId : e.stepTitle);
            if (!e.note().isEmpty())
                line += QStringLiteral(" — ") + e.note();
            out << line << '\n';
            if (!files)
                continue;
            for (const QString& d : e.changesText().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                out << QStringLiteral("    ") << d << '\n';
        }
        out.flush();
        return ExitOk;
    }
};

AIO_REGISTER_COMMAND(HistoryCommand)

} // namespace aio::cli
