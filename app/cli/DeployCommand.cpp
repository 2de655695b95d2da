#include "app/cli/DeployCommand.h"

#include "app/cli/SshLogin.h"

#include "core/common/Profile.h"
#include "core/deploy/History.h"
#include "core/deploy/PlanRunner.h"
#include "core/deploy/vm/VmDeploymentSetup.h"
#include "core/deploy/vm/VmPlanBuilder.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/SecretStore.h"
#include "core/ssh/SecretLookup.h"
#include "core/ssh/SshSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSaveFile>
#include <QSslCertificate>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>

namespace aio::cli {

namespace {

// One line from stdin (a y/N answer or a secret); empty at EOF.
QString readLine()
{
    std::string line;
    if (!std::getline(std::cin, line))
        return {};
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return QString::fromStdString(line);
}

QString outcomeText(StepOutcome o)
{
    switch (o) {
    case StepOutcome::Applied:
        return DeployCommand::tr("applied");
    case StepOutcome::AlreadyDone:
        return DeployCommand::tr("already done");
    case StepOutcome::Skipped:
        return DeployCommand::tr("skipped");
    case StepOutcome::Failed:
        return DeployCommand::tr("FAILED (rolled back)");
    case StepOutcome::RollbackFailed:
        return DeployCommand::tr("FAILED, and the rollback failed too");
    case StepOutcome::RolledBack:
        return DeployCommand::tr("rolled back");
    case StepOutcome::Cancelled:
        return DeployCommand::tr("cancelled");
    case StepOutcome::Previewed:
        return DeployCommand::tr("previewed");
    case StepOutcome::NotRun:
        return DeployCommand::tr("not run");
    }
    return {};
}

QString indent(const QString& text, const QString& prefix)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    for (QString& l : lines)
        l.prepend(prefix);
    return lines.join(QLatin1Char('\n'));
}
} // namespace

QString DeployCommand::summary() const
{
    return tr("deploy the sandbox to a VM target (Docker + nginx + TLS + auth), "
              "step by step");
}

QString DeployCommand::help() const
{
    return tr("Usage: aio-sandbox-manager deploy TARGET [--answers FILE] [options]\n"
              "\n"
              "Deploys the AIO Sandbox to the VM target TARGET with the answers in "
              "FILE (see docs/deploy-answers.md),\n"
              "else with the answers last used for TARGET (by the app's wizard or an earlier deploy):\n"
              "preflight, authentication keys, the container, nginx, TLS, edge access "
              "control, host firewall and a\n"
              "final check from this workstation. Each step shows what it will change "
              "before it changes it; a\n"
              "second run changes nothing; a failing step is rolled back.\n"
              "\n"
              "Options:\n"
              "  --answers FILE            the deployment answers (JSON); kept as TARGET's answers\n"
              "                            (default: the answers last used for TARGET)\n"
              "  --dry-run                 only detect and show the previews; change "
              "nothing\n"
              "  --yes                     do not ask before each step (and answer yes "
              "to the steps' questions)\n"
              "  --accept-new-host-key     trust and remember the VM's host key on "
              "first contact\n"
              "  --strict-host-key         only connect when the host key is already "
              "known\n"
              "  --known-hosts FILE        read host keys from FILE instead of "
              "~/.ssh/known_hosts (repeatable)\n"
              "  --address ADDR            the VM's address as reached from here, for "
              "the final checks\n"
              "                            (default: the target's SSH host)\n"
              "  --trust-ca FILE           also trust this CA for the final HTTPS "
              "checks (repeatable), e.g. the\n"
              "                            root of a private ACME server\n"
              "  --jwt-key-file FILE       keep the sandbox's JWT private key in FILE "
              "(0600) instead of the keychain;\n"
              "                            read from it when it exists\n"
              "  --api-key-file FILE       the same for the sandbox API key\n"
              "  --basic-auth-password-stdin  read the basic-auth password from the "
              "first line of stdin\n"
              "                            (else AIO_BASIC_AUTH_PASSWORD, else the one kept in the\n"
              "                            keychain by an earlier run or the app; a given one is kept)\n"
              "\n"
              "The SSH password, key passphrase and sudo password come from the keychain. When stdin is a "
              "terminal,\n"
              "one that is missing or refused is asked for there (not echoed, at most 3 times), and an unknown "
              "host key\n"
              "is shown with its SHA256 fingerprint and asked about once (unless --accept-new-host-key or\n"
              "--strict-host-key decides). Without a terminal nothing is asked: the deployment stops with an "
              "error.\n"
              "\n"
              "Exit codes: 0 every step done or not needed (dry-run: every preview "
              "shown), 1 a step failed or was\n"
              "refused, 2 wrong usage.\n");
}

int DeployCommand::run(const QStringList& args, CommandContext& context)
{
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addOptions({
        {QStringLiteral("answers"), {}, QStringLiteral("file")},
        {QStringLiteral("dry-run"), {}},
        {QStringLiteral("yes"), {}},
        {QStringLiteral("address"), {}, QStringLiteral("address")},
        {QStringLiteral("trust-ca"), {}, QStringLiteral("file")},
        {QStringLiteral("jwt-key-file"), {}, QStringLiteral("file")},
        {QStringLiteral("api-key-file"), {}, QStringLiteral("file")},
        {QStringLiteral("basic-auth-password-stdin"), {}},
        {QStringLiteral("help"), {}},
    });
    SshLogin::addOptions(p);
    if (!p.parse(QStringList{QStringLiteral("deploy")} + args))
        return context.usageError(p.errorText(), name());
    if (p.isSet(QStringLiteral("help"))) {
        context.out() << help();
        return ExitOk;
    }
    if (p.positionalArguments().size() != 1)
        return context.usageError(tr("Name exactly one target."), name());
    if (const std::optional<QString> wrong = SshLogin::checkOptions(p))
        return context.usageError(*wrong, name());

    Result<Target> target = context.target(p.positionalArguments().first());
    if (!target)
        return context.fail(target.error());
    if (!target->isVm())
        return context.fail(
            Error(ErrorKind::Usage, tr("%1 is a cluster; `deploy` handles VM targets.").arg(target->name)));

    const bool dryRun = p.isSet(QStringLiteral("dry-run"));
    Result<VmDeployAnswers> answers = Error(ErrorKind::NotFound, QString());
    if (p.isSet(QStringLiteral("answers"))) {
        answers = VmDeployAnswers::load(p.value(QStringLiteral("answers")));
    } else {
        std::optional<Result<VmDeployAnswers>> saved = VmDeploymentSetup::loadAnswers(Profile::dataDir(), *target);
        if (!saved)
            return context.usageError(tr("No answers are saved for %1 yet: pass --answers FILE (see "
                                         "docs/deploy-answers.md), or deploy it once from the app.")
                                          .arg(target->name),
                                      name());
        answers = std::move(*saved);
    }
    if (!answers)
        return context.fail(answers.error());

    // Secrets: the keychain, or the files named on the command line; the
    // basic-auth password from stdin or the environment. Never from the command
    // line itself.
    SecretStore store;
    VmDeploymentSetup::KeyFiles keyFiles{p.value(QStringLiteral("jwt-key-file")),
                                         p.value(QStringLiteral("api-key-file"))};
    // Keys the wizard keeps in files (a workstation without a keychain) are the target's keys here
    // too, each where no other file is named.
    const VmDeploymentSetup::KeyFiles wizardFiles = VmDeploymentSetup::keyFilesIn(Profile::dataDir(), target->id);
    if (keyFiles.jwtPrivateKey.isEmpty() && QFileInfo::exists(wizardFiles.jwtPrivateKey))
        keyFiles.jwtPrivateKey = wizardFiles.jwtPrivateKey;
    if (keyFiles.apiKey.isEmpty() && QFileInfo::exists(wizardFiles.apiKey))
        keyFiles.apiKey = wizardFiles.apiKey;
    VmDeploymentSetup::Keys keys = VmDeploymentSetup::readKeys(&store, target->id, *answers, keyFiles);
    if (keys.unreadable) {
        Error e = *keys.unreadable;
        e.nextStep = tr("Unlock or start the keychain, or pass --jwt-key-file / --api-key-file FILE (a new key is "
                        "made and written there when the file does not exist).");
        return context.fail(e);
    }
    // Without a keychain a key this run makes would die with it, and the sandbox could no longer
    // be reached with it: a file must hold it (said before anything runs, dry run included).
    const bool jwtHomeless
        = answers->sandboxJwt && keys.secrets.jwtPrivateKeyPem.isEmpty() && keyFiles.jwtPrivateKey.isEmpty();
    const bool apiHomeless = answers->sandboxApiKey && keys.secrets.apiKey.isEmpty() && keyFiles.apiKey.isEmpty();
    if (SecretStore::memoryOnly() && (jwtHomeless || apiHomeless))
        return context.fail(
            Error(ErrorKind::KeychainUnavailable,
                  tr("No keychain runs here, so a new %1 could not be kept after this command ends.")
                      .arg(jwtHomeless ? tr("JWT signing key") : tr("API key")),
                  {},
                  tr("Pass --jwt-key-file / --api-key-file FILE: a new key is made and written there (0600), and "
                     "later runs read it from there.")));
    VmDeployment d = VmDeploymentSetup::assemble(*target, *answers, keys.secrets, &store, keyFiles, dryRun);
    // The edge password: stdin, else the environment, else the one kept for the target.
    QString givenEdgePassword;
    if (!d.answers.basicAuthUser.isEmpty()) {
        givenEdgePassword = p.isSet(QStringLiteral("basic-auth-password-stdin"))
            ? readLine()
            : qEnvironmentVariable("AIO_BASIC_AUTH_PASSWORD");
        if (!givenEdgePassword.isEmpty())
            d.secrets.basicAuthPassword = givenEdgePassword;
    }
    d.saveSecret = [keep = d.saveSecret](SecretKind kind, const QByteArray& value) -> Status {
        const Status s = keep(kind, value);
        if (!s && s.error().kind == ErrorKind::KeychainUnavailable)
            return Error(ErrorKind::KeychainUnavailable, s.error().message, s.error().detail,
                         tr("No keychain runs here: pass --jwt-key-file/--api-key-file so the key is kept, or the "
                            "sandbox cannot be reached later."));
        return s;
    };
    if (p.isSet(QStringLiteral("address"))) {
        Result<HostName> address = HostName::parse(p.value(QStringLiteral("address")));
        if (!address)
            return context.fail(address.error());
        d.vmAddress = *address;
    }
    Result<QList<QSslCertificate>> cas
        = VmDeploymentSetup::readTrustedCas(*answers, p.values(QStringLiteral("trust-ca")));
    if (!cas)
        return context.fail(cas.error());
    d.trustedCas += *cas;
    const SshLogin login(*target, p, store);
    const SshSettings& settings = login.settings();
    const SshCallbacks& callbacks = login.callbacks();
    const auto noteUnasked = [&context, &login] {
        login.noteIfUnasked(context.err());
    };
    d.reconnect = [settings, callbacks]() -> Result<std::shared_ptr<RemoteHost>> {
        auto fresh = std::make_shared<SshSession>(settings, callbacks);
        if (const Status s = fresh->connectToHost(); !s)
            return s.error();
        return std::shared_ptr<RemoteHost>(fresh);
    };

    Result<VmPlanBuilder::Built> built = VmPlanBuilder::build(d);
    if (!built)
        return context.fail(built.error().onTarget(target->name));
    // A password given here is kept for the target (the plan accepted it), like the wizard does.
    if (!dryRun && !givenEdgePassword.isEmpty()) {
        if (Status kept = VmDeploymentSetup::saveEdgePassword(&store, target->id, givenEdgePassword); !kept)
            context.warn(
                tr("The edge password could not be kept for %1: %2").arg(target->name, kept.error().toString()));
    }
    // These answers are now the target's: the wizard and the next `deploy TARGET` start from them.
    if (!dryRun && p.isSet(QStringLiteral("answers"))) {
        if (Status kept = VmDeploymentSetup::saveAnswers(Profile::dataDir(), target->id, *answers); !kept)
            context.warn(tr("The answers could not be kept for %1: %2").arg(target->name, kept.error().toString()));
        else if (std::optional<Target> updated = VmDeploymentSetup::targetFor(*target, *answers)) {
            // The target carries the deployment's public host (one name, shown in its settings).
            const Status saved
                = context.inventory() ? context.inventory()->update(*updated) : Status(context.inventoryError());
            if (saved)
                context.out() << tr("The public host of %1 is now %2 (from the answers).")
                                     .arg(target->name, answers->publicHost.toString())
                              << Qt::endl;
            else
                context.warn(
                    tr("The public host of %1 could not be saved: %2").arg(target->name, saved.error().toString()));
        }
    }

    auto session = std::make_shared<SshSession>(settings, callbacks);
    if (const Status s = session->connectToHost(); !s) {
        const int code = context.fail(s.error().onTarget(target->name));
        noteUnasked();
        return code;
    }

    QTextStream& out = context.out();
    out << tr("Deploying to %1 (%2), serving https://%3/%4")
               .arg(target->name, settings.displayName(), d.answers.publicHost.toString(),
                    dryRun ? tr(" — dry run, nothing is changed") : QString())
        << Qt::endl;

    auto history = std::make_shared<History>(target->id.toString());
    const int stepCount = built->plan.size();
    QStringList titles;
    for (int i = 0; i < stepCount; ++i)
        titles << built->plan.step(i).title();
    PlanRunner runner(std::move(built->plan), session, dryRun ? nullptr : history);
    for (const QString& secret : built->secrets)
        runner.redactor().addSecret(secret);
    PlanRunner::Options options;
    options.dryRun = dryRun;
    options.assumeYes = p.isSet(QStringLiteral("yes"));
    options.confirmEachStep = !options.assumeYes && !dryRun;
    runner.setOptions(options);

    QEventLoop loop;
    bool success = false;
    QObject::connect(&runner, &PlanRunner::stepStarted, &loop, [&](int index, StepPhase phase) {
        if (phase == StepPhase::Detect)
            out << Qt::endl
                << QStringLiteral("== [%1/%2] %3 ==").arg(index + 1).arg(stepCount).arg(titles.value(index))
                << Qt::endl;
        else if (phase == StepPhase::Apply || phase == StepPhase::Rollback || phase == StepPhase::Verify)
            out << QStringLiteral("-- %1").arg(stepPhaseName(phase)) << Qt::endl;
    });
    QObject::connect(&runner, &PlanRunner::previewReady, &loop, [&](int, const StepPreview& preview) {
        if (preview.nothingToDo && preview.commands.isEmpty() && preview.fileChanges.isEmpty()) {
            out << tr("Nothing to change.") << Qt::endl;
            for (const QString& note : preview.notes)
                out << QStringLiteral("  ") << note << Qt::endl;
            if (!preview.checklist.isEmpty()) {
                out << QStringLiteral("  ") << preview.checklistTitle << Qt::endl;
                for (const QString& item : preview.checklist)
                    out << QStringLiteral("    [ ] ") << item << Qt::endl;
            }
            return;
        }
        out << indent(preview.toText(), QStringLiteral("  ")) << Qt::endl;
    });
    QObject::connect(&runner, &PlanRunner::lineReceived, &loop, [&](int, OutputChannel channel, const QString& line) {
        out << (channel == OutputChannel::Stderr ? QStringLiteral("  ! ") : QStringLiteral("  | ")) << line << Qt::endl;
    });
    QObject::connect(&runner, &PlanRunner::verifyResult, &loop, [&](int, const VerifyReport& report) {
        out << indent(report.toText(), QStringLiteral("  ")) << Qt::endl;
    });
    QObject::connect(&runner, &PlanRunner::needsConfirmation, &loop, [&](int, const QString& question) {
        out << question << tr(" [y/N] ") << Qt::flush;
        const QString answer = readLine().trimmed().toLower();
        runner.answerConfirmation(answer == QLatin1String("y") || answer == QLatin1String("yes"));
    });
    QObject::connect(&runner, &PlanRunner::stepFinished, &loop,
                     [&](int index, StepOutcome outcome, const QString& message) {
                         out << QStringLiteral("=> %1: %2").arg(titles.value(index), outcomeText(outcome));
                         if (!message.isEmpty())
                             out << QStringLiteral(" — ") << message;
                         out << Qt::endl;
                     });
    QObject::connect(&runner, &PlanRunner::finished, &loop, [&](bool ok) {
        success = ok;
        loop.quit();
    });
    if (!runner.startAll())
        return context.fail(Error(ErrorKind::Internal, tr("The deployment could not start.")));
    loop.exec();

    out << Qt::endl << tr("Summary:") << Qt::endl;
    bool allDone = true;
    for (int i = 0; i < stepCount; ++i) {
        const StepRecord r = runner.record(i);
        // A step skipped by the admin leaves the deployment unfinished; one that does not apply does
        // not. Neither gets the check mark of a step that was applied and verified.
        const bool skipped = r.outcome == StepOutcome::Skipped;
        const bool fine = dryRun
            ? r.outcome == StepOutcome::Previewed || stepOutcomeIsFinished(r.outcome)
            : stepOutcomeIsFinished(r.outcome) && !(skipped && r.state.notApplicableReason.isEmpty());
        allDone = allDone && fine;
        const QString mark = !fine ? QStringLiteral("✗") : skipped ? QStringLiteral("–") : QStringLiteral("✓");
        out << QStringLiteral("  %1 %2: %3").arg(mark, titles.value(i), outcomeText(r.outcome));
        if (r.error)
            out << QStringLiteral(" — ") << r.error->message;
        out << Qt::endl;
        if (r.error && !fine) {
            if (!r.error->detail.isEmpty())
                out << indent(r.error->detail, QStringLiteral("      ")) << Qt::endl;
            if (!r.error->nextStep.isEmpty())
                out << QStringLiteral("      ") << tr("next step: %1").arg(r.error->nextStep) << Qt::endl;
        }
    }
    if (!dryRun)
        out << tr("History: %1").arg(history->filePath()) << Qt::endl;
    if (!success || !allDone) {
        context.err() << tr("error: the deployment to %1 did not complete.").arg(target->name) << Qt::endl;
        noteUnasked();
        return ExitUserError;
    }
    return ExitOk;
}

AIO_REGISTER_COMMAND(DeployCommand)

} // namespace aio::cli
