#include "core/deploy/vm/TlsCertificateStep.h"

#include "core/common/Profile.h"
#include "core/crypto/CertificateInfo.h"
#include "core/crypto/LocalCa.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/render/NginxSite.h"
#include "core/deploy/vm/NginxConfigInstaller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace aio {

QString TlsCertificateStep::ownCaDirectory(const VmDeployAnswers& answers)
{
    if (!answers.ownCaDirectory.isEmpty())
        return answers.ownCaDirectory;
    return Profile::dataDir() + QStringLiteral("/own-ca");
}

QByteArray TlsCertificateStep::ownCaCertificate(const VmDeployAnswers& answers)
{
    QFile f(ownCaDirectory(answers) + QStringLiteral("/ca.crt"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

TlsCertificateStep::TlsCertificateStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("tls"), TlsCertificateStep::tr("TLS certificate"),
           TlsCertificateStep::tr(
               "Gets a certificate for the public host name (existing files, Let's Encrypt through certbot, or "
               "your own CA) and switches the site to HTTPS with TLS 1.2 or newer."))
    , m_deployment(std::move(deployment))
{ }

QString TlsCertificateStep::acmeCaBundlePath()
{
    return QStringLiteral("/etc/aio-sandbox/acme-ca.pem");
}

QString TlsCertificateStep::deployHookPath()
{
    return QStringLiteral("/etc/letsencrypt/renewal-hooks/deploy/aio-sandbox-reload-nginx");
}

QByteArray TlsCertificateStep::deployHookContent()
{
    return QByteArrayLiteral("#!/bin/sh\n"
                             "# Managed by AIO Sandbox Manager: certbot renewed a certificate; nginx serves it now.\n")
        + NginxConfigInstaller::reloadScript().toUtf8() + '\n';
}

QStringList TlsCertificateStep::certbotPrefix() const
{
    // A private ACME server's API is trusted through the bundle copied to the VM.
    QStringList argv;
    if (!m_deployment->answers.acmeCaBundleLocalPath.isEmpty())
        argv << QStringLiteral("env") << QStringLiteral("REQUESTS_CA_BUNDLE=") + acmeCaBundlePath();
    argv << QStringLiteral("certbot");
    return argv;
}

QStringList TlsCertificateStep::renewDryRunArgv() const
{
    const VmDeployAnswers& a = m_deployment->answers;
    QStringList argv = certbotPrefix();
    argv << QStringLiteral("renew") << QStringLiteral("--dry-run") << QStringLiteral("--non-interactive")
         << QStringLiteral("--no-random-sleep-on-renew") << QStringLiteral("--cert-name") << a.publicHost.toString();
    // Without --server a dry run goes to Let's Encrypt's staging server whatever issued the
    // certificate; with it, a private ACME server is asked (Let's Encrypt itself: its staging server).
    if (a.acmeDirectory.isValid() && !a.acmeDirectory.isEmpty())
        argv << QStringLiteral("--server") << a.acmeDirectory.toString();
    return argv;
}

QStringList TlsCertificateStep::certbotArgv() const
{
    const VmDeployAnswers& a = m_deployment->answers;
    QStringList argv = certbotPrefix();
    argv << QStringLiteral("certonly") << QStringLiteral("--non-interactive") << QStringLiteral("--keep-until-expiring")
         << QStringLiteral("--agree-tos");
    if (a.acmeChallenge == VmDeployAnswers::AcmeChallenge::Webroot)
        argv << QStringLiteral("--webroot") << QStringLiteral("-w") << a.acmeWebroot;
    else
        argv << QStringLiteral("--nginx");
    argv << QStringLiteral("-d") << a.publicHost.toString();
    if (a.acmeDirectory.isValid() && !a.acmeDirectory.isEmpty())
        argv << QStringLiteral("--server") << a.acmeDirectory.toString();
    if (a.acmeEmail.isEmpty())
        argv << QStringLiteral("--register-unsafely-without-email");
    else
        argv << QStringLiteral("-m") << a.acmeEmail << QStringLiteral("--no-eff-email");
    return argv;
}

Result<TlsCertificateStep::CertificateCheck> TlsCertificateStep::checkCertificate(PlanContext& context)
{
    const VmDeployAnswers& a = m_deployment->answers;
    const NginxSite::TlsFiles files = NginxSite::tlsFiles(a);
    CertificateCheck check;
    Result<FileSnapshot> cert = context.readFile(files.certificate, true);
    if (!cert)
        return cert.error();
    if (!cert->exists) {
        check.evidence = tr("%1 does not exist").arg(files.certificate);
        return check;
    }
    Result<CommandOutcome> key
        = context.run(RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-s"), files.privateKey}).asRoot());
    if (!key)
        return key.error();
    check.present = key->succeeded();
    Result<CertificateInfo> info = CertificateInfo::fromPem(cert->content);
    if (!info) {
        check.evidence = tr("%1 is not a PEM certificate: %2").arg(files.certificate, info.error().message);
        return check;
    }
    const qint64 days = info->daysLeft();
    const bool covers = info->coversHost(a.publicHost.toString());
    bool ourCa = true;
    if (a.tlsMode == VmDeployAnswers::TlsMode::OwnCa) {
        Result<CertificateInfo> ca = CertificateInfo::fromPem(ownCaCertificate(a));
        ourCa = ca && ca->subject == info->issuer;
    }
    check.good = check.present && covers && days >= kMinDaysLeft && ourCa;
    // One .arg() for all: a "%1" inside a name read from the VM is never substituted again.
    check.evidence
        = tr("%1; %n day(s) left%2%3", nullptr, int(days))
              .arg(info->toString(), covers ? QString() : tr("; does NOT cover %1").arg(a.publicHost.toString()),
                   check.present ? QString() : tr("; the key file %1 is missing").arg(files.privateKey));
    return check;
}

Result<QByteArray> TlsCertificateStep::ownCaIssue()
{
    if (!m_issued) {
        Result<LocalCa> ca
            = LocalCa::loadOrCreate(ownCaDirectory(m_deployment->answers), QStringLiteral("AIO Sandbox Manager CA"));
        if (!ca)
            return ca.error();
        Result<LocalCa::Issued> issued = ca->issueServerCertificate(m_deployment->answers.publicHost);
        if (!issued)
            return issued.error();
        m_issued = qMakePair(issued->certificatePem, issued->privateKeyPem);
    }
    return m_issued->first;
}

Result<StepState> TlsCertificateStep::detect(PlanContext& context)
{
    const VmDeployAnswers& a = m_deployment->answers;
    const NginxSite::TlsFiles files = NginxSite::tlsFiles(a);
    StepState state;
    Result<CertificateCheck> check = checkCertificate(context);
    if (!check)
        return check.error();
    Result<FileSnapshot> site = context.readFile(NginxSite::siteFilePath(), true);
    if (!site)
        return site.error();
    state.files << *site;
    if (a.tlsMode == VmDeployAnswers::TlsMode::OwnCa) {
        Result<FileSnapshot> cert = context.readFile(files.certificate, true);
        if (!cert)
            return cert.error();
        Result<FileSnapshot> key = context.readFile(files.privateKey, true);
        if (!key)
            return key.error();
        state.files << *cert << *key;
    }
    if (a.tlsMode == VmDeployAnswers::TlsMode::Acme && !a.acmeCaBundleLocalPath.isEmpty()) {
        Result<FileSnapshot> bundle = context.readFile(acmeCaBundlePath(), true);
        if (!bundle)
            return bundle.error();
        state.files << *bundle;
    }
    bool hookOk = true;
    if (a.tlsMode == VmDeployAnswers::TlsMode::Acme) {
        Result<FileSnapshot> hook = context.readFile(deployHookPath(), true);
        if (!hook)
            return hook.error();
        state.files << *hook;
        hookOk = hook->exists && hook->content == deployHookContent();
    }
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    const bool siteOk = site->exists && site->content == NginxSite::render(a, *host).toUtf8();
    state.facts.insert(QStringLiteral("hookOk"), hookOk);
    state.facts.insert(QStringLiteral("certificateGood"), check->good);
    state.facts.insert(QStringLiteral("certificate"), check->evidence);
    state.facts.insert(QStringLiteral("siteOk"), siteOk);
    state.alreadyDone = check->good && siteOk && hookOk;
    state.summary = check->present ? check->evidence : tr("No certificate for %1 yet.").arg(a.publicHost.toString());
    return state;
}

Result<StepPreview> TlsCertificateStep::preview(PlanContext& context, const StepState& state)
{
    const VmDeployAnswers& a = m_deployment->answers;
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    const NginxSite::TlsFiles files = NginxSite::tlsFiles(a);
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    p.notes << tr("Certificate now: %1").arg(state.facts.value(QStringLiteral("certificate")).toString());
    const bool good = state.facts.value(QStringLiteral("certificateGood")).toBool();
    if (!good) {
        switch (a.tlsMode) {
        case VmDeployAnswers::TlsMode::ExistingFiles:
            p.notes << tr("Uses the existing files %1 and %2.").arg(files.certificate, files.privateKey);
            break;
        case VmDeployAnswers::TlsMode::Acme: {
            if (!a.acmeCaBundleLocalPath.isEmpty()) {
                QFile bundle(a.acmeCaBundleLocalPath);
                const QByteArray content = bundle.open(QIODevice::ReadOnly) ? bundle.readAll() : QByteArray();
                if (const FileSnapshot* s = state.file(acmeCaBundlePath()))
                    p.fileChanges << FileChange::write(*s, content);
                p.notes << tr("certbot trusts the ACME server's API through %1 (from %2).")
                               .arg(acmeCaBundlePath(), a.acmeCaBundleLocalPath);
            }
            p.commands << RemoteCommand::args(certbotArgv()).asRoot().displayText();
            p.notes << tr("The ACME server checks http://%1/.well-known/acme-challenge/… on this VM: port 80 must be "
                          "reachable and the name must point at the VM.")
                           .arg(a.publicHost.toString());
            break;
        }
        case VmDeployAnswers::TlsMode::OwnCa: {
            Result<QByteArray> chain = ownCaIssue();
            if (!chain)
                return chain.error();
            if (const FileSnapshot* s = state.file(files.certificate))
                p.fileChanges << FileChange::write(*s, *chain);
            if (const FileSnapshot* s = state.file(files.privateKey))
                p.fileChanges << FileChange::write(*s, m_issued->second, 0600, true);
            p.notes << tr("Issued by the CA in %1; install its ca.crt in the browsers that use the sandbox.")
                           .arg(ownCaDirectory(a));
            break;
        }
        }
    }
    p.fileChanges << FileChange::write(*state.file(NginxSite::siteFilePath()), NginxSite::render(a, *host).toUtf8());
    if (!state.facts.value(QStringLiteral("hookOk")).toBool()) {
        p.fileChanges << FileChange::write(*state.file(deployHookPath()), deployHookContent(), 0755);
        p.notes << tr("certbot reloads nginx after every renewal (a deploy hook), so a renewed certificate is "
                      "served at once.");
    }
    p.commands << NginxConfigInstaller::testCommand().displayText()
               << NginxConfigInstaller::reloadCommand().displayText();
    return p;
}

Status TlsCertificateStep::apply(PlanContext& context, const StepState& state)
{
    const VmDeployAnswers& a = m_deployment->answers;
    const NginxSite::TlsFiles files = NginxSite::tlsFiles(a);
    QList<NginxConfigInstaller::Change> changes;
    if (!state.facts.value(QStringLiteral("certificateGood")).toBool()) {
        switch (a.tlsMode) {
        case VmDeployAnswers::TlsMode::ExistingFiles: {
            Result<CommandOutcome> r
                = context.run(RemoteCommand::args({QStringLiteral("test"), QStringLiteral("-r"), files.certificate,
                                                   QStringLiteral("-a"), QStringLiteral("-r"), files.privateKey})
                                  .asRoot());
            if (!r)
                return r.error();
            if (!r->succeeded())
                return Error(
                    ErrorKind::NotFound,
                    tr("The certificate %1 or its key %2 is not on the VM.").arg(files.certificate, files.privateKey),
                    {}, tr("Copy them to the VM or correct the paths in the answers."));
            break;
        }
        case VmDeployAnswers::TlsMode::Acme: {
            Result<CommandOutcome> dir
                = context.runChecked(RemoteCommand::args({QStringLiteral("mkdir"), QStringLiteral("-p"),
                                                          QStringLiteral("/etc/aio-sandbox"), a.acmeWebroot})
                                         .asRoot(),
                                     tr("Creating folders"));
            if (!dir)
                return dir.error();
            if (!a.acmeCaBundleLocalPath.isEmpty()) {
                QFile bundle(a.acmeCaBundleLocalPath);
                if (!bundle.open(QIODevice::ReadOnly))
                    return Error(ErrorKind::Io, tr("Cannot read the ACME CA bundle %1.").arg(a.acmeCaBundleLocalPath),
                                 bundle.errorString());
                RemoteFileAttributes attrs;
                attrs.sudo = true;
                const Status w = context.writeFile(acmeCaBundlePath(), bundle.readAll(), attrs);
                if (!w)
                    return w;
            }
            RemoteCommand certbot = RemoteCommand::args(certbotArgv()).asRoot();
            certbot.timeoutMs = 10 * 60'000;
            Result<CommandOutcome> r = context.runChecked(certbot, tr("Getting a certificate with certbot"));
            if (!r)
                return r.error();
            break;
        }
        case VmDeployAnswers::TlsMode::OwnCa: {
            Result<QByteArray> chain = ownCaIssue();
            if (!chain)
                return chain.error();
            Result<CommandOutcome> dir = context.runChecked(
                RemoteCommand::args({QStringLiteral("mkdir"), QStringLiteral("-p"), QFileInfo(files.certificate).path(),
                                     QFileInfo(files.privateKey).path()})
                    .asRoot(),
                tr("Creating the certificate folder"));
            if (!dir)
                return dir.error();
            // The key first: the certificate never points at a missing key.
            changes << NginxConfigInstaller::Change{*state.file(files.privateKey), m_issued->second, 0600, true}
                    << NginxConfigInstaller::Change{*state.file(files.certificate), *chain, 0644, false};
            break;
        }
        }
    }
    if (!state.facts.value(QStringLiteral("hookOk")).toBool()) {
        Result<CommandOutcome> dir = context.runChecked(
            RemoteCommand::args({QStringLiteral("mkdir"), QStringLiteral("-p"), QFileInfo(deployHookPath()).path()})
                .asRoot(),
            tr("Creating certbot's hook folder"));
        if (!dir)
            return dir.error();
        RemoteFileAttributes attrs;
        attrs.mode = 0755;
        attrs.owner = QStringLiteral("root");
        attrs.sudo = true;
        if (const Status w = context.writeFile(deployHookPath(), deployHookContent(), attrs); !w)
            return w;
    }
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    changes << NginxConfigInstaller::Change{*state.file(NginxSite::siteFilePath()),
                                            NginxSite::render(a, *host).toUtf8()};
    return NginxConfigInstaller::install(context, changes);
}

Result<VerifyReport> TlsCertificateStep::verify(PlanContext& context)
{
    VerifyReport report;
    Result<CertificateCheck> check = checkCertificate(context);
    if (!check)
        return check.error();
    report.add(
        tr("certificate for %1 valid for %2+ days").arg(m_deployment->answers.publicHost.toString()).arg(kMinDaysLeft),
        check->good, check->evidence);
    Result<FileSnapshot> site = context.readFile(NginxSite::siteFilePath(), true);
    if (!site)
        return site.error();
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    const bool siteOk = site->exists && site->content == NginxSite::render(m_deployment->answers, *host).toUtf8();
    report.add(tr("the HTTPS site is in place"), siteOk, NginxSite::siteFilePath());
    Result<CommandOutcome> test = context.run(NginxConfigInstaller::testCommand());
    if (!test)
        return test.error();
    report.add(tr("nginx -t passes"), test->succeeded(), QString::fromUtf8(test->stderrData).trimmed());
    if (m_deployment->answers.tlsMode == VmDeployAnswers::TlsMode::Acme) {
        Result<FileSnapshot> hook = context.readFile(deployHookPath(), true);
        if (!hook)
            return hook.error();
        report.add(tr("certbot reloads nginx after a renewal"), hook->exists && hook->content == deployHookContent(),
                   hook->exists ? deployHookPath() : tr("%1 is missing").arg(deployHookPath()));
        RemoteCommand dryRun = RemoteCommand::args(renewDryRunArgv()).asRoot();
        dryRun.timeoutMs = 5 * 60'000;
        Result<CommandOutcome> renew = context.run(dryRun);
        if (!renew)
            return renew.error();
        const QString said = QString::fromUtf8(renew->stdoutData + renew->stderrData).trimmed();
        const QString last = said.section(QLatin1Char('\n'), -3).simplified();
        report.add(
            tr("renewal works (certbot renew --dry-run against %1)").arg(m_deployment->answers.acmeDirectory.host()),
            renew->succeeded(), renew->succeeded() ? last : said.right(1500));
    }
    return report;
}

Status TlsCertificateStep::rollback(PlanContext& context, const StepState& state)
{
    // Files are put back (the site, and the own-CA certificate and key). A certificate certbot
    // obtained stays under /etc/letsencrypt: it is harmless and saves a rate-limited re-issue.
    return NginxConfigInstaller::restore(context, state.files, {NginxSite::tlsFiles(m_deployment->answers).privateKey});
}

} // namespace aio
