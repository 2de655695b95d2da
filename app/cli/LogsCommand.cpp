// "logs TARGET": a VM's logs on stdout: the sandbox container's output and nginx's access and
// error logs, read over one SSH session, merged by time (or as they arrive with --follow), with
// a source tag per line when there are several, filtered by --grep. Drops of the connection are
// resumed without gaps or duplicates (core/logs/LogStream).

#include "app/cli/Command.h"
#include "app/cli/SshLogin.h"
#include "core/inventory/SecretStore.h"
#include "core/logs/LogSearch.h"
#include "core/logs/LogViewIndex.h"
#include "core/logs/VmLogSources.h"
#include "core/ssh/SshSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QRegularExpression>

#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

namespace aio::cli {

namespace {

// "10m", "2h", "30s", "1d", or an ISO time: ms since the epoch.
std::optional<qint64> parseSince(const QString& text, qint64 nowMs)
{
    static const QRegularExpression relative(QStringLiteral("^(\\d{1,9})([smhd])$"));
    const QRegularExpressionMatch m = relative.match(text);
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 ms = unit == QLatin1Char('s') ? n * 1000
            : unit == QLatin1Char('m')             ? n * 60'000
            : unit == QLatin1Char('h')             ? n * 3'600'000
                                                   : n * 86'400'000;
        return nowMs - ms;
    }
    QByteArray iso = text.toUtf8();
    QByteArrayView v(iso);
    if (const std::optional<qint64> t = parseIsoTimeMs(v); t && v.isEmpty())
        return *t;
    return std::nullopt;
}

class LogsCommand : public Command
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::LogsCommand)

public:
    QString name() const override { return QStringLiteral("logs"); }
    QString summary() const override { return tr("print a VM's container and nginx logs, or follow them"); }
    QString help() const override
    {
        return tr("Usage: aio-sandbox-manager logs TARGET [--source NAME]... [--follow] [--since WHEN] [--tail N]\n"
                  "                                [--grep REGEX] [--ignore-case] [--container NAME]\n"
                  "\n"
                  "Prints the logs of a VM target: the sandbox container's output (container), nginx's access\n"
                  "log (proxy) and error log (proxy-error), at the paths nginx -T reports for the sandbox's\n"
                  "site, and the sandbox's service logs inside the container (sandbox:NAME for\n"
                  "/var/log/gem/NAME.log). With several sources, each line starts with its source's name, and\n"
                  "lines are merged by their time (as they arrive with --follow). Over one SSH session; a\n"
                  "dropped connection is resumed where it was, without a gap or a repeated line, and said on\n"
                  "stderr.\n"
                  "\n"
                  "Options:\n"
                  "  --source NAME     container, proxy, proxy-error, sandbox:NAME, all (the default), or\n"
                  "                    file:/ABSOLUTE/PATH for any other file on the VM; repeat for several\n"
                  "  --follow, -f      keep printing new lines until interrupted\n"
                  "  --since WHEN      lines since 10m / 2h / 30s / 1d ago, or an ISO time (2026-12-03T04:00:00Z)\n"
                  "  --tail N          start N lines back in each source (default 100; without --since)\n"
                  "  --grep REGEX      only lines matching REGEX (PCRE); --ignore-case for any case\n"
                  "  --container NAME  the sandbox's container (default: the deployment's, else aio-sandbox)\n")
            + SshLogin::optionsHelp()
            + tr("\n"
                 "Exit codes: 0 printed, 1 a source could not be read (said why) or an unknown target,\n"
                 "2 wrong usage.\n");
    }

    int run(const QStringList& args, CommandContext& context) override
    {
        QCommandLineParser parser;
        parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
        SshLogin::addOptions(parser);
        const QCommandLineOption source(QStringLiteral("source"), {}, QStringLiteral("name"));
        const QCommandLineOption follow(QStringList{QStringLiteral("follow"), QStringLiteral("f")});
        const QCommandLineOption since(QStringLiteral("since"), {}, QStringLiteral("when"));
        const QCommandLineOption tail(QStringLiteral("tail"), {}, QStringLiteral("n"));
        const QCommandLineOption grep(QStringLiteral("grep"), {}, QStringLiteral("regex"));
        const QCommandLineOption ignoreCase(QStringLiteral("ignore-case"));
        const QCommandLineOption containerOption(QStringLiteral("container"), {}, QStringLiteral("name"));
        const QCommandLineOption helpOption(QStringLiteral("help"));
        parser.addOptions({source, follow, since, tail, grep, ignoreCase, containerOption, helpOption});
        if (!parser.parse(QStringList{name()} + args))
            return context.usageError(parser.errorText(), name());
        if (parser.isSet(helpOption)) {
            context.out() << help();
            return ExitOk;
        }
        if (parser.positionalArguments().size() != 1)
            return context.usageError(tr("Name exactly one target."), name());
        if (const std::optional<QString> wrong = SshLogin::checkOptions(parser))
            return context.usageError(*wrong, name());
        LogStartOptions start;
        start.follow = parser.isSet(follow);
        start.tailLines = 100;
        if (parser.isSet(tail)) {
            bool ok = false;
            start.tailLines = parser.value(tail).toInt(&ok);
            if (!ok || start.tailLines < 0)
                return context.usageError(tr("--tail needs a whole number of 0 or more."), name());
        }
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        std::optional<qint64> sinceMs;
        if (parser.isSet(since)) {
            sinceMs = parseSince(parser.value(since), now);
            if (!sinceMs)
                return context.usageError(
                    tr("--since takes 10m, 2h, 30s, 1d or an ISO time such as 2026-12-03T04:00:00Z."), name());
            start.sinceMs = sinceMs;
            start.tailLines = -1; // files: from the start, filtered by time below
        }
        std::shared_ptr<const LogMatcher> matcher;
        if (parser.isSet(grep)) {
            Result<LogMatcher> m
                = LogMatcher::compile(LogQuery{parser.value(grep), LogQuery::Mode::Regex, !parser.isSet(ignoreCase)});
            if (!m)
                return context.usageError(m.error().message, name());
            matcher = std::make_shared<const LogMatcher>(std::move(*m));
        }

        Result<Target> target = context.target(parser.positionalArguments().first());
        if (!target)
            return context.fail(target.error());
        if (!target->isVm())
            return context.fail(
                Error(ErrorKind::Usage,
                      tr("%1 is a cluster; its pod logs come with the Kubernetes support.").arg(target->name)));
        QString containerName = parser.value(containerOption);
        if (containerName.isEmpty())
            containerName = VmLogSources::containerNameOf(*target);

        SecretStore store;
        const SshLogin login(*target, parser, store);
        SshSession session(login.settings(), login.callbacks());
        if (Status s = session.connectToHost(); !s) {
            login.noteIfUnasked(context.err());
            return context.fail(s.error().onTarget(target->name));
        }
        // Which sources: all the deployment's by default; file:PATH for any other.
        QStringList wanted = parser.values(source);
        if (wanted.isEmpty())
            wanted << QStringLiteral("all");
        QList<LogSourceSpec> specs;
        const bool needDiscovery = std::any_of(wanted.begin(), wanted.end(),
                                               [](const QString& w) { return !w.startsWith(QLatin1String("file:")); });
        QList<LogSourceSpec> found;
        if (needDiscovery) {
            Result<QList<LogSourceSpec>> d = VmLogSources::discover(session, containerName, target->vm.sudo);
            if (!d)
                return context.fail(d.error().onTarget(target->name));
            found = *d;
        }
        for (const QString& w : std::as_const(wanted)) {
            if (w.startsWith(QLatin1String("file:"))) {
                Result<LogSourceSpec> f = LogSourceSpec::file(w, w.mid(5), LogFormat::Application, target->vm.sudo);
                if (!f)
                    return context.usageError(f.error().message, name());
                specs << *f;
                continue;
            }
            bool any = false;
            for (const LogSourceSpec& s : std::as_const(found)) {
                if (w == QLatin1String("all") || s.id == w) {
                    specs << s;
                    any = true;
                }
            }
            if (!any && w != QLatin1String("all"))
                return context.usageError(
                    w == QLatin1String("proxy") || w == QLatin1String("proxy-error")
                        ? tr("%1 has no nginx (or its access log is off): there is no %2 source.").arg(target->name, w)
                        : tr("Unknown source %1: container, proxy, proxy-error, sandbox:NAME (one of the container's "
                             "/var/log/gem/*.log), all or file:/PATH.")
                              .arg(w),
                    name());
        }

        const bool tagged = specs.size() > 1;
        struct Run
        {
            LogSourceSpec spec;
            std::unique_ptr<LogBuffer> buffer;
            std::unique_ptr<LogStream> stream;
            Status status;
        };
        std::vector<Run> runs;
        for (const LogSourceSpec& s : std::as_const(specs)) {
            LogBuffer::Options o;
            o.format = s.format;
            Run r;
            r.spec = s;
            r.buffer = std::make_unique<LogBuffer>(o);
            r.stream = std::make_unique<LogStream>(s, session, *r.buffer);
            runs.push_back(std::move(r));
        }
        std::mutex printing;
        auto wanted_ = [&](const LogSnapshot& snap, qint64 n) {
            if (sinceMs && snap.meta(n).timeMs < *sinceMs && !(snap.meta(n).flags & LogLineMeta::TimeFromArrival))
                return false;
            return !matcher || matcher->matches(snap.line(n));
        };
        auto printLine = [&](const LogSourceSpec& s, QByteArrayView line) {
            if (tagged)
                std::fputs(qPrintable(s.id.leftJustified(12) + QLatin1Char(' ')), stdout);
            std::fwrite(line.data(), 1, size_t(line.size()), stdout);
            std::fputc('\n', stdout);
        };
        CancelToken cancel;
        std::vector<std::thread> threads;
        for (Run& r : runs) {
            if (start.follow) {
                r.stream->setLinesSink([&, spec = r.spec, buffer = r.buffer.get()](qint64 from, qint64 to) {
                    const LogSnapshot snap = buffer->snapshot();
                    std::lock_guard lock(printing);
                    for (qint64 n = std::max(from, snap.firstLine()); n < to && n < snap.endLine(); ++n)
                        if (wanted_(snap, n))
                            printLine(spec, snap.line(n));
                    std::fflush(stdout);
                });
            }
            threads.emplace_back([&r, &start, &cancel, &printing] {
                r.status = r.stream->run(start, cancel, [&r, &printing](const LogStream::Event& e) {
                    if (e.kind != LogStream::Event::Kind::Reconnecting && e.kind != LogStream::Event::Kind::Rotated)
                        return;
                    std::lock_guard lock(printing);
                    std::fprintf(stderr, "%s: %s\n", qPrintable(r.spec.id), qPrintable(e.message));
                });
                if (!r.status) {
                    // Said at once: with --follow the other sources go on.
                    std::lock_guard lock(printing);
                    std::fflush(stdout);
                    std::fprintf(stderr, "error: %s: %s\n", qPrintable(r.spec.id),
                                 qPrintable(r.status.error().toString()));
                }
            });
        }
        for (std::thread& t : threads)
            t.join();

        const bool failed = std::any_of(runs.begin(), runs.end(), [](const Run& r) { return !r.status.ok(); });
        if (!start.follow) {
            // Merged by time, as the desktop app's view merges them (LogViewIndex).
            std::vector<LogFormat> formats;
            std::vector<LogSnapshot> snaps;
            for (const Run& r : runs) {
                formats.push_back(r.spec.format);
                snaps.push_back(r.buffer->snapshot());
            }
            LogViewIndex index(formats);
            LogViewFilter filter;
            filter.onlyMatching = matcher;
            index.setFilter(filter);
            index.update(snaps);
            for (const LogRow& row : index.rows()) {
                const LogSnapshot& snap = snaps[size_t(row.source())];
                if (wanted_(snap, row.line()))
                    printLine(runs[size_t(row.source())].spec, snap.line(row.line()));
            }
            std::fflush(stdout);
        }
        return failed ? int(ExitUserError) : int(ExitOk);
    }
};

} // namespace

AIO_REGISTER_COMMAND(LogsCommand)

} // namespace aio::cli
