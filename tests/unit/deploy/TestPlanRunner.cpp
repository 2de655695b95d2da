// The plan runner's logic against real processes on this machine (LocalShellHost): order,
// already-done on a second run, rollback on failure, dry-run, skip, cancel, confirmation,
// history with previous content and never a secret.

#include "common/LocalShellHost.h"

#include "core/common/ShellQuote.h"
#include "core/deploy/History.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/PlanRunner.h"
#include "core/deploy/vm/NginxConfigInstaller.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;
using aio::test::LocalShellHost;

namespace {

// A step that owns one file: it should hold `content`. Apply writes it and appends to a log
// with a shell command; verify greps the file and checks an optional condition file.
class FileStep : public Step
{
public:
    FileStep(QString id, QString path, QByteArray content)
        : Step(id, QStringLiteral("Write ") + path, QStringLiteral("test step"))
        , m_path(std::move(path))
        , m_content(std::move(content))
    { }

    QString failApplyWith; // a shell command run after writing; non-zero exit fails apply
    bool failVerify = false;
    QString notApplicable;
    QString applyScript; // extra command run during apply (e.g. to stream output or sleep)
    bool secretFile = false;

    Result<StepState> detect(PlanContext& ctx) override
    {
        Result<FileSnapshot> now = ctx.readFile(m_path);
        if (!now)
            return now.error();
        StepState s;
        s.files << *now;
        s.alreadyDone = now->exists && now->content == m_content;
        s.notApplicableReason = notApplicable;
        s.summary = now->exists ? QStringLiteral("exists") : QStringLiteral("absent");
        return s;
    }
    Result<StepPreview> preview(PlanContext&, const StepState& state) override
    {
        StepPreview p;
        p.commands << RemoteCommand::shell(QStringLiteral("echo %1 >> var/log/steps.log").arg(id())).displayText();
        p.fileChanges << FileChange::write(*state.file(m_path), m_content, 0644, secretFile);
        return p;
    }
    Status apply(PlanContext& ctx, const StepState&) override
    {
        RemoteFileAttributes attrs;
        if (Status s = ctx.writeFile(m_path, m_content, attrs, secretFile); !s)
            return s;
        if (!applyScript.isEmpty()) {
            if (auto r = ctx.runChecked(RemoteCommand::shell(applyScript), QStringLiteral("apply script")); !r)
                return r.error();
        }
        QDir().mkpath(QStringLiteral("var/log"));
        if (auto r = ctx.runChecked(RemoteCommand::shell(QStringLiteral("mkdir -p var/log && echo ") + id()
                                                         + QStringLiteral(" >> var/log/steps.log")),
                                    QStringLiteral("logging"));
            !r)
            return r.error();
        if (!failApplyWith.isEmpty()) {
            if (auto r = ctx.runChecked(RemoteCommand::shell(failApplyWith), QStringLiteral("the failing part")); !r)
                return r.error();
        }
        return {};
    }
    Result<VerifyReport> verify(PlanContext& ctx) override
    {
        VerifyReport report;
        Result<FileSnapshot> now = ctx.readFile(m_path);
        if (!now)
            return now.error();
        report.add(QStringLiteral("file has the content"), now->content == m_content, QString::fromUtf8(now->content));
        if (failVerify)
            report.add(QStringLiteral("made to fail"), false, QStringLiteral("failVerify"));
        return report;
    }
    Status rollback(PlanContext& ctx, const StepState& state) override
    {
        return ctx.restoreFile(*state.file(m_path), false, secretFile);
    }

private:
    QString m_path;
    QByteArray m_content;
};

struct Fixture
{
    QTemporaryDir root;
    QTemporaryDir historyDir;
    std::shared_ptr<LocalShellHost> host;
    std::shared_ptr<History> history;

    Fixture()
    {
        host = std::make_shared<LocalShellHost>(root.path());
        history = std::make_shared<History>(QStringLiteral("0b7c6a52-0d9f-4c61-9f53-7d2b1b0e2a11"), historyDir.path());
    }
    QByteArray read(const QString& remote) const
    {
        QFile f(host->localPath(remote));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<absent>");
    }
    void write(const QString& remote, const QByteArray& content) const
    {
        QDir().mkpath(QFileInfo(host->localPath(remote)).absolutePath());
        QFile f(host->localPath(remote));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QList<HistoryEntry> entries() const { return history->read().valueOr({}); }
};

// QSignalSpy::wait() misses a signal emitted (from the worker) before it starts waiting: poll.
bool waitForSignal(QSignalSpy& spy)
{
    QDeadlineTimer deadline(30'000);
    while (spy.isEmpty() && !deadline.hasExpired())
        spy.wait(50);
    return !spy.isEmpty();
}

bool runToEnd(PlanRunner& runner, bool (PlanRunner::*start)(), bool* success = nullptr)
{
    QSignalSpy finished(&runner, &PlanRunner::finished);
    if (!(runner.*start)())
        return false;
    if (!waitForSignal(finished))
        return false;
    if (success)
        *success = finished.first().first().toBool();
    return true;
}

Plan threeFiles()
{
    Plan plan(QStringLiteral("test plan"));
    plan.add(std::make_unique<FileStep>(QStringLiteral("one"), QStringLiteral("/etc/one.conf"), "one\n"));
    plan.add(std::make_unique<FileStep>(QStringLiteral("two"), QStringLiteral("/etc/two.conf"), "two\nnew\n"));
    plan.add(std::make_unique<FileStep>(QStringLiteral("three"), QStringLiteral("/etc/three.conf"), "three\n"));
    return plan;
}

FileStep& fileStep(PlanRunner& runner, int index)
{
    return static_cast<FileStep&>(const_cast<Plan&>(runner.plan()).step(index));
}

} // namespace

class TestPlanRunner : public QObject
{
    Q_OBJECT

private slots:
    void runsStepsInOrderAndRecordsHistoryWithPreviousContent()
    {
        Fixture fx;
        fx.write(QStringLiteral("/etc/two.conf"), "two\nold\n");
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        QSignalSpy started(&runner, &PlanRunner::stepStarted);
        QSignalSpy stepFinished(&runner, &PlanRunner::stepFinished);
        bool ok = false;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(ok);

        QStringList order;
        for (const QList<QVariant>& s : started)
            order << QString::number(s.at(0).toInt()) + stepPhaseName(s.at(1).value<StepPhase>());
        QCOMPARE(order,
                 (QStringList{"0detect", "0preview", "0apply", "0verify", "1detect", "1preview", "1apply", "1verify",
                              "2detect", "2preview", "2apply", "2verify"}));
        QCOMPARE(stepFinished.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(runner.record(i).outcome, StepOutcome::Applied);
        QCOMPARE(fx.read(QStringLiteral("/etc/two.conf")), QByteArray("two\nnew\n"));
        QCOMPARE(fx.read(QStringLiteral("/var/log/steps.log")), QByteArray("one\ntwo\nthree\n"));

        const QList<HistoryEntry> h = fx.entries();
        QCOMPARE(h.size(), 3);
        QCOMPARE(h.at(1).stepId, QStringLiteral("two"));
        QCOMPARE(h.at(1).action, QStringLiteral("apply"));
        QCOMPARE(h.at(1).outcome, StepOutcome::Applied);
        QCOMPARE(h.at(1).files.size(), 1);
        QVERIFY(h.at(1).files.at(0).existedBefore);
        QCOMPARE(h.at(1).files.at(0).previousContent, QByteArray("two\nold\n"));
        QCOMPARE(h.at(1).files.at(0).newContent, QByteArray("two\nnew\n"));
        QVERIFY(!h.at(0).files.at(0).existedBefore);
        QVERIFY(h.at(1).commands.join(QLatin1Char('\n')).contains(QStringLiteral("echo two >> var/log/steps.log")));
        QCOMPARE(h.at(1).targetName, QStringLiteral("local-test"));
    }

    void secondRunChangesNothingAndSaysAlreadyDone()
    {
        Fixture fx;
        {
            PlanRunner first(threeFiles(), fx.host, fx.history);
            QVERIFY(runToEnd(first, &PlanRunner::startAll));
        }
        const int uploadsBefore = fx.host->uploadCount();
        const int historyBefore = fx.entries().size();
        PlanRunner second(threeFiles(), fx.host, fx.history);
        QSignalSpy verify(&second, &PlanRunner::verifyResult);
        bool ok = false;
        QVERIFY(runToEnd(second, &PlanRunner::startAll, &ok));
        QVERIFY(ok);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(second.record(i).outcome, StepOutcome::AlreadyDone);
            QVERIFY(second.record(i).preview.nothingToDo);
        }
        QCOMPARE(verify.size(), 3); // "already done" is still verified
        QCOMPARE(fx.host->uploadCount(), uploadsBefore);
        QCOMPARE(fx.entries().size(), historyBefore);
        QCOMPARE(fx.read(QStringLiteral("/var/log/steps.log")), QByteArray("one\ntwo\nthree\n"));
    }

    void failingVerifyRollsBackThatStepAndStops()
    {
        Fixture fx;
        fx.write(QStringLiteral("/etc/two.conf"), "two\nworking\n");
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        fileStep(runner, 1).failVerify = true;
        QSignalSpy verify(&runner, &PlanRunner::verifyResult);
        bool ok = true;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(!ok);
        QCOMPARE(runner.record(0).outcome, StepOutcome::Applied);
        QCOMPARE(runner.record(1).outcome, StepOutcome::Failed);
        QCOMPARE(runner.record(1).error->kind, ErrorKind::VerificationFailed);
        QCOMPARE(runner.record(2).outcome, StepOutcome::NotRun);
        // The previous working content is back; step three never ran.
        QCOMPARE(fx.read(QStringLiteral("/etc/two.conf")), QByteArray("two\nworking\n"));
        QCOMPARE(fx.read(QStringLiteral("/etc/three.conf")), QByteArray("<absent>"));
        QCOMPARE(verify.size(), 2);
        QVERIFY(!verify.at(1).at(1).value<VerifyReport>().passed());

        const QList<HistoryEntry> h = fx.entries();
        QCOMPARE(h.size(), 3); // one applied, two applied-then-failed, two rolled back
        QCOMPARE(h.at(1).outcome, StepOutcome::Failed);
        QCOMPARE(h.at(2).action, QStringLiteral("rollback"));
        QCOMPARE(h.at(2).outcome, StepOutcome::RolledBack);
        QCOMPARE(h.at(2).files.at(0).newContent, QByteArray("two\nworking\n"));
    }

    void failingApplyRollsBackFilesItWrote()
    {
        Fixture fx;
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        fileStep(runner, 0).failApplyWith = QStringLiteral("echo broken config >&2; exit 3");
        QSignalSpy stepFinished(&runner, &PlanRunner::stepFinished);
        bool ok = true;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(!ok);
        QCOMPARE(runner.record(0).outcome, StepOutcome::Failed);
        QCOMPARE(runner.record(0).error->kind, ErrorKind::CommandFailed);
        QVERIFY(runner.record(0).error->detail.contains(QStringLiteral("broken config")));
        QCOMPARE(fx.read(QStringLiteral("/etc/one.conf")), QByteArray("<absent>")); // removed again
        QCOMPARE(runner.record(1).outcome, StepOutcome::NotRun);
        QCOMPARE(stepFinished.last().at(1).value<StepOutcome>(), StepOutcome::Failed);
    }

    void dryRunPreviewsEveryStepAndAppliesNothing()
    {
        Fixture fx;
        fx.write(QStringLiteral("/etc/two.conf"), "two\nold\n");
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        runner.setOptions({.dryRun = true});
        QSignalSpy previews(&runner, &PlanRunner::previewReady);
        QSignalSpy started(&runner, &PlanRunner::stepStarted);
        bool ok = false;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(ok);
        QCOMPARE(previews.size(), 3);
        for (const QList<QVariant>& s : started)
            QVERIFY(s.at(1).value<StepPhase>() == StepPhase::Detect
                    || s.at(1).value<StepPhase>() == StepPhase::Preview);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(runner.record(i).outcome, StepOutcome::Previewed);
        const QString diff = previews.at(1).at(1).value<StepPreview>().fileChanges.at(0).unifiedDiff();
        QVERIFY2(diff.contains(QStringLiteral("-old\n+new\n")), qPrintable(diff));
        QCOMPARE(fx.read(QStringLiteral("/etc/one.conf")), QByteArray("<absent>"));
        QCOMPARE(fx.read(QStringLiteral("/etc/two.conf")), QByteArray("two\nold\n"));
        QCOMPARE(fx.host->uploadCount(), 0);
        QVERIFY(fx.entries().isEmpty());
    }

    void dryRunContextRefusesWrites()
    {
        QTemporaryDir root;
        LocalShellHost host(root.path());
        PlanContext ctx(host);
        ctx.setDryRun(true);
        Status s = ctx.writeFile(QStringLiteral("/etc/x"), "x", {});
        QVERIFY(!s);
        QVERIFY(!QFile::exists(host.localPath(QStringLiteral("/etc/x"))));
    }

    // The VM's IPv6 fact is asked once per run: the nginx, TLS and edge steps then render the same
    // site (a second answer could differ only if the VM changed mid-run, and must not).
    void nginxHostFactsAreAskedOncePerRun()
    {
        QTemporaryDir root;
        LocalShellHost host(root.path());
        PlanContext ctx(host);
        int commands = 0;
        ctx.setLineSink([&commands](OutputChannel, const QByteArray&) { ++commands; });
        QVERIFY(!ctx.facts().contains(QStringLiteral("nginxIpv6")));
        Result<NginxSite::HostFacts> first = NginxConfigInstaller::hostFacts(ctx);
        QVERIFY(first);
        QVERIFY(ctx.facts().value(QStringLiteral("nginxIpv6")).isBool());
        QCOMPARE(ctx.facts().value(QStringLiteral("nginxIpv6")).toBool(), first->ipv6);
        // What the run knows is what the steps get, without asking again.
        ctx.setFact(QStringLiteral("nginxIpv6"), !first->ipv6);
        Result<NginxSite::HostFacts> second = NginxConfigInstaller::hostFacts(ctx);
        QVERIFY(second);
        QCOMPARE(second->ipv6, !first->ipv6);
    }

    // `docker inspect` prints the container's environment: a key this run does not know (so cannot
    // redact) must not reach the GUI or the terminal, while the step still gets the output to parse.
    void outputMarkedNotShownNeverReachesTheSink()
    {
        QTemporaryDir root;
        LocalShellHost host(root.path());
        PlanContext ctx(host);
        QList<QByteArray> shown;
        ctx.setLineSink([&shown](OutputChannel, const QByteArray& line) { shown << line; });
        Result<CommandOutcome> hidden
            = ctx.run(RemoteCommand::args({QStringLiteral("echo"), QStringLiteral("SANDBOX_API_KEY=unknown-key")})
                          .withoutShownOutput());
        QVERIFY(hidden);
        QCOMPARE(hidden->stdoutData, QByteArray("SANDBOX_API_KEY=unknown-key\n"));
        QVERIFY(shown.isEmpty());
        QVERIFY(ctx.run(RemoteCommand::args({QStringLiteral("echo"), QStringLiteral("visible")})));
        QCOMPARE(shown, QList<QByteArray>{QByteArray("visible")});
    }

    void skippedStepIsRecordedWithItsReasonAndNotRun()
    {
        Fixture fx;
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        QVERIFY(!runner.skip(1, QStringLiteral("   "))); // a reason is required
        QVERIFY(runner.skip(1, QStringLiteral("the admin manages this file by hand")));
        fileStep(runner, 2).notApplicable = QStringLiteral("firewall tool is none");
        bool ok = false;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(ok);
        QCOMPARE(runner.record(1).outcome, StepOutcome::Skipped);
        QCOMPARE(runner.record(2).outcome, StepOutcome::Skipped);
        QCOMPARE(fx.read(QStringLiteral("/etc/two.conf")), QByteArray("<absent>"));
        QCOMPARE(fx.read(QStringLiteral("/etc/three.conf")), QByteArray("<absent>"));
        const QList<HistoryEntry> h = fx.entries();
        QCOMPARE(h.size(), 3);
        QCOMPARE(h.at(0).action, QStringLiteral("skip"));
        QCOMPARE(h.at(0).skipReason, QStringLiteral("the admin manages this file by hand"));
        QCOMPARE(h.at(2).skipReason, QStringLiteral("firewall tool is none"));
    }

    void cancelDuringACommandStopsTheRunAndRollsBack()
    {
        Fixture fx;
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        fileStep(runner, 0).applyScript = QStringLiteral("echo started; sleep 60");
        QSignalSpy finished(&runner, &PlanRunner::finished);
        connect(&runner, &PlanRunner::lineReceived, &runner, [&](int, OutputChannel, const QString& line) {
            if (line == QLatin1String("started"))
                runner.cancel();
        });
        QVERIFY(runner.startAll());
        QVERIFY(waitForSignal(finished)); // the sleep would take 60 s: cancel killed it
        QVERIFY(!finished.first().first().toBool());
        QCOMPARE(runner.record(0).outcome, StepOutcome::Failed);
        QCOMPARE(runner.record(0).error->kind, ErrorKind::Cancelled);
        QCOMPARE(fx.read(QStringLiteral("/etc/one.conf")), QByteArray("<absent>")); // rolled back
        QCOMPARE(runner.record(1).outcome, StepOutcome::NotRun);
    }

    void declinedConfirmationAppliesNothing()
    {
        Fixture fx;
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        runner.setOptions({.confirmEachStep = true});
        QStringList questions;
        connect(&runner, &PlanRunner::needsConfirmation, &runner, [&](int index, const QString& q) {
            questions << q;
            runner.answerConfirmation(index == 0); // yes to the first, no to the second
        });
        bool ok = true;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(!ok);
        QCOMPARE(questions.size(), 2);
        QVERIFY(questions.at(0).contains(QStringLiteral("local-test")));
        QCOMPARE(runner.record(0).outcome, StepOutcome::Applied);
        QCOMPARE(runner.record(1).outcome, StepOutcome::Cancelled);
        QCOMPARE(fx.read(QStringLiteral("/etc/two.conf")), QByteArray("<absent>"));
    }

    void assumeYesNeverAsks()
    {
        Fixture fx;
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        runner.setOptions({.confirmEachStep = true, .assumeYes = true});
        QSignalSpy asked(&runner, &PlanRunner::needsConfirmation);
        bool ok = false;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(ok);
        QCOMPARE(asked.size(), 0);
    }

    void rollbackAllRestoresEveryStepInReverseOrder()
    {
        Fixture fx;
        fx.write(QStringLiteral("/etc/one.conf"), "original one\n");
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        QVERIFY(runToEnd(runner, &PlanRunner::startAll));
        QCOMPARE(fx.read(QStringLiteral("/etc/one.conf")), QByteArray("one\n"));
        QSignalSpy started(&runner, &PlanRunner::stepStarted);
        bool ok = false;
        QVERIFY(runToEnd(runner, &PlanRunner::startRollbackAll, &ok));
        QVERIFY(ok);
        QList<int> order;
        for (const QList<QVariant>& s : started)
            order << s.at(0).toInt();
        QCOMPARE(order, (QList<int>{2, 1, 0}));
        QCOMPARE(fx.read(QStringLiteral("/etc/one.conf")), QByteArray("original one\n"));
        QCOMPARE(fx.read(QStringLiteral("/etc/two.conf")), QByteArray("<absent>"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(runner.record(i).outcome, StepOutcome::RolledBack);
        // A second rollback has nothing to do.
        QSignalSpy finished(&runner, &PlanRunner::finished);
        QVERIFY(runner.startRollback(0));
        QVERIFY(waitForSignal(finished));
        QVERIFY(!finished.first().first().toBool());
    }

    void outputIsStreamedLineByLine()
    {
        Fixture fx;
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        fileStep(runner, 0).applyScript = QStringLiteral("printf 'first\\nsecond\\n'; echo oops >&2");
        QSignalSpy lines(&runner, &PlanRunner::lineReceived);
        QVERIFY(runToEnd(runner, &PlanRunner::startAll));
        QStringList seen;
        for (const QList<QVariant>& l : lines) {
            QCOMPARE(l.at(0).toInt(), 0);
            seen << (l.at(1).value<OutputChannel>() == OutputChannel::Stderr ? QStringLiteral("E:") : QString())
                    + l.at(2).toString();
        }
        QVERIFY2(seen.contains(QStringLiteral("first")) && seen.contains(QStringLiteral("second"))
                     && seen.contains(QStringLiteral("E:oops")),
                 qPrintable(seen.join(QLatin1Char('|'))));
    }

    void historyAndOutputNeverHoldASecret()
    {
        Fixture fx;
        const QString secret = QStringLiteral("sk-live-7Hq2LmZp0vX9");
        Plan plan(QStringLiteral("secret plan"));
        plan.add(std::make_unique<FileStep>(QStringLiteral("config"), QStringLiteral("/etc/app.conf"),
                                            "api_key = " + secret.toUtf8() + "\n"));
        auto envFile = std::make_unique<FileStep>(QStringLiteral("env"), QStringLiteral("/etc/app.env"),
                                                  "SANDBOX_API_KEY=" + secret.toUtf8() + "\n");
        envFile->secretFile = true;
        envFile->applyScript = QStringLiteral("echo using ") + shellQuote(secret);
        plan.add(std::move(envFile));
        PlanRunner runner(std::move(plan), fx.host, fx.history);
        runner.redactor().addSecret(secret);
        QSignalSpy lines(&runner, &PlanRunner::lineReceived);
        QSignalSpy previews(&runner, &PlanRunner::previewReady);
        bool ok = false;
        QVERIFY(runToEnd(runner, &PlanRunner::startAll, &ok));
        QVERIFY(ok);
        // The host really got the secret…
        QVERIFY(fx.read(QStringLiteral("/etc/app.env")).contains(secret.toUtf8()));
        // …but no output line, preview command or history byte holds it.
        for (const QList<QVariant>& l : lines)
            QVERIFY(!l.at(2).toString().contains(secret));
        QVERIFY(!previews.at(1).at(1).value<StepPreview>().fileChanges.at(0).unifiedDiff().contains(secret));
        QVERIFY(!previews.at(0).at(1).value<StepPreview>().fileChanges.at(0).unifiedDiff().contains(secret));
        QFile file(fx.history->filePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.isEmpty());
        QVERIFY(!bytes.contains(secret.toUtf8()));
        QVERIFY(bytes.contains(SecretRedactor::marker().toUtf8()));
        const QList<HistoryEntry> h = fx.entries();
        QCOMPARE(h.size(), 2);
        QVERIFY(h.at(1).files.at(0).secret);
        QVERIFY(h.at(1).files.at(0).newContent.isEmpty());
        QVERIFY(h.at(1).commands.join(QLatin1Char(' ')).contains(SecretRedactor::marker()));
    }

    void startRefusesWhileRunningAndBadIndexes()
    {
        Fixture fx;
        PlanRunner runner(threeFiles(), fx.host, fx.history);
        QVERIFY(!runner.startStep(7));
        QVERIFY(!runner.startStep(-1));
        fileStep(runner, 0).applyScript = QStringLiteral("sleep 2");
        QSignalSpy finished(&runner, &PlanRunner::finished);
        QVERIFY(runner.startAll());
        QVERIFY(!runner.startAll());
        QVERIFY(!runner.skip(2, QStringLiteral("busy")));
        QVERIFY(waitForSignal(finished));
        QVERIFY(!runner.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestPlanRunner)
#include "TestPlanRunner.moc"
