#include "core/deploy/vm/EdgeAccessStep.h"

#include "core/crypto/HtpasswdEntry.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/render/NginxSite.h"
#include "core/deploy/vm/NginxConfigInstaller.h"

#include <QCoreApplication>

namespace aio {

EdgeAccessStep::EdgeAccessStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("edge"), EdgeAccessStep::tr("Edge access control"),
           EdgeAccessStep::tr("Lets only the right people reach the sandbox through nginx: an IP allowlist, a password "
                              "(HTTP basic auth) and/or your single sign-on (auth_request)."))
    , m_deployment(std::move(deployment))
{ }

bool EdgeAccessStep::usesBasicAuth() const
{
    return !m_deployment->answers.basicAuthUser.isEmpty();
}

QString EdgeAccessStep::protections() const
{
    const VmDeployAnswers& a = m_deployment->answers;
    QStringList on;
    if (!a.allowlist.isEmpty()) {
        QStringList nets;
        for (const Cidr& c : a.allowlist)
            nets << c.toString();
        on << tr("allowlist %1").arg(nets.join(QStringLiteral(", ")));
    }
    if (usesBasicAuth())
        on << tr("basic auth (%1)").arg(a.basicAuthUser);
    if (!a.authRequestUrl.isEmpty())
        on << tr("auth_request to %1").arg(a.authRequestUrl.toString());
    if (a.sandboxJwt)
        on << tr("sandbox JWT");
    if (a.sandboxApiKey)
        on << tr("sandbox API key");
    return on.join(QStringLiteral(", "));
}

QByteArray EdgeAccessStep::upstreamKey() const
{
    return NginxSite::renderUpstreamKey(m_deployment->secrets.apiKey);
}

bool EdgeAccessStep::htpasswdMatches(const FileSnapshot& file) const
{
    if (!file.exists)
        return false;
    const QList<QByteArray> lines = file.content.split('\n');
    const QByteArray prefix = m_deployment->answers.basicAuthUser.toUtf8() + ':';
    int ours = 0;
    bool matches = false;
    for (const QByteArray& line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        if (!line.startsWith(prefix))
            return false; // other users: not the file we write
        ++ours;
        matches = HtpasswdEntry::matches(line, m_deployment->secrets.basicAuthPassword);
    }
    return ours == 1 && matches;
}

Result<bool> EdgeAccessStep::siteIsCurrent(PlanContext& context, FileSnapshot* snapshot)
{
    Result<FileSnapshot> site = context.readFile(NginxSite::siteFilePath(), true);
    if (!site)
        return site.error();
    *snapshot = *site;
    Result<QByteArray> desired = desiredSite(context);
    if (!desired)
        return desired.error();
    return site->exists && site->content == *desired;
}

Result<QByteArray> EdgeAccessStep::desiredSite(PlanContext& context) const
{
    Result<NginxSite::HostFacts> host = NginxConfigInstaller::hostFacts(context);
    if (!host)
        return host.error();
    return NginxSite::render(m_deployment->answers, *host).toUtf8();
}

Result<StepState> EdgeAccessStep::detect(PlanContext& context)
{
    const VmDeployAnswers& a = m_deployment->answers;
    StepState state;
    if (a.allowlist.isEmpty() && !usesBasicAuth() && a.authRequestUrl.isEmpty()) {
        if (!a.sandboxJwt && !a.sandboxApiKey)
            return Error(ErrorKind::InvalidInput,
                         tr("Nothing protects the sandbox: no allowlist, basic auth, "
                            "auth_request, JWT or API key is on."),
                         {}, tr("Turn on at least one of them in the answers."));
        state.notApplicableReason
            = tr("No edge access control chosen; the sandbox's own authentication (%1) protects it.")
                  .arg(protections());
        return state;
    }
    FileSnapshot site;
    Result<bool> siteOk = siteIsCurrent(context, &site);
    if (!siteOk)
        return siteOk.error();
    state.files << site;
    bool htpasswdOk = true;
    if (usesBasicAuth()) {
        Result<FileSnapshot> file = context.readFile(NginxSite::htpasswdPath(), true);
        if (!file)
            return file.error();
        state.files << *file;
        htpasswdOk = htpasswdMatches(*file);
    }
    Result<FileSnapshot> key = context.readFile(NginxSite::upstreamKeyFilePath(), true);
    if (!key)
        return key.error();
    state.files << *key;
    const bool keyOk = NginxSite::handsKeyToSandbox(a) ? key->exists && key->content == upstreamKey() : !key->exists;
    state.facts.insert(QStringLiteral("htpasswdOk"), htpasswdOk);
    state.facts.insert(QStringLiteral("siteOk"), *siteOk);
    state.facts.insert(QStringLiteral("keyOk"), keyOk);
    state.alreadyDone = htpasswdOk && *siteOk && keyOk;
    state.summary = state.alreadyDone ? tr("On: %1.").arg(protections()) : tr("To turn on: %1.").arg(protections());
    return state;
}

Result<StepPreview> EdgeAccessStep::preview(PlanContext& context, const StepState& state)
{
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    p.notes << tr("Protections: %1.").arg(protections());
    if (usesBasicAuth() && !state.facts.value(QStringLiteral("htpasswdOk")).toBool()) {
        if (m_htpasswd.isEmpty()) {
            Result<QByteArray> line
                = HtpasswdEntry::make(m_deployment->answers.basicAuthUser, m_deployment->secrets.basicAuthPassword);
            if (!line)
                return line.error();
            m_htpasswd = *line + '\n';
        }
        p.fileChanges << FileChange::write(*state.file(NginxSite::htpasswdPath()), m_htpasswd, 0640, true);
        p.notes << tr(
            "The password is hashed on this workstation (salted SHA-512 crypt); only the hash goes to the VM.");
    }
    if (!state.facts.value(QStringLiteral("keyOk")).toBool()) {
        const FileSnapshot& key = *state.file(NginxSite::upstreamKeyFilePath());
        if (NginxSite::handsKeyToSandbox(m_deployment->answers)) {
            p.fileChanges << FileChange::write(key, upstreamKey(), 0600, true);
            p.notes << tr("nginx drops the edge's credentials and hands the sandbox its API key (a root-only file), "
                          "so a signed-in browser reaches the sandbox and the edge password never does.");
        } else {
            FileChange removal = FileChange::removal(key);
            removal.secret = true; // a key from an earlier run: never shown
            p.fileChanges << removal;
        }
    }
    if (!state.facts.value(QStringLiteral("siteOk")).toBool()) {
        Result<QByteArray> desired = desiredSite(context);
        if (!desired)
            return desired.error();
        p.fileChanges << FileChange::write(*state.file(NginxSite::siteFilePath()), *desired);
        p.commands << NginxConfigInstaller::testCommand().displayText()
                   << NginxConfigInstaller::reloadCommand().displayText();
    }
    return p;
}

Status EdgeAccessStep::apply(PlanContext& context, const StepState& state)
{
    QList<NginxConfigInstaller::Change> changes;
    if (usesBasicAuth() && !state.facts.value(QStringLiteral("htpasswdOk")).toBool()) {
        if (m_htpasswd.isEmpty()) {
            Result<QByteArray> line
                = HtpasswdEntry::make(m_deployment->answers.basicAuthUser, m_deployment->secrets.basicAuthPassword);
            if (!line)
                return line.error();
            m_htpasswd = *line + '\n';
        }
        // Readable by nginx's workers (group www-data on Debian/Ubuntu), not by other users.
        RemoteFileAttributes attrs;
        attrs.mode = 0640;
        attrs.owner = QStringLiteral("root");
        attrs.group = QStringLiteral("www-data");
        attrs.sudo = true;
        const Status w = context.writeFile(NginxSite::htpasswdPath(), m_htpasswd, attrs, true);
        if (!w)
            return w;
    }
    if (!state.facts.value(QStringLiteral("keyOk")).toBool()) {
        const FileSnapshot& key = *state.file(NginxSite::upstreamKeyFilePath());
        if (NginxSite::handsKeyToSandbox(m_deployment->answers)) {
            changes << NginxConfigInstaller::Change{key, upstreamKey(), 0600, true};
        } else if (const Status removed = context.removeFile(key.path, true, true); !removed) {
            return removed;
        }
    }
    Result<QByteArray> desired = desiredSite(context);
    if (!desired)
        return desired.error();
    changes << NginxConfigInstaller::Change{*state.file(NginxSite::siteFilePath()), *desired};
    return NginxConfigInstaller::install(context, changes);
}

Result<VerifyReport> EdgeAccessStep::verify(PlanContext& context)
{
    VerifyReport report;
    FileSnapshot site;
    Result<bool> siteOk = siteIsCurrent(context, &site);
    if (!siteOk)
        return siteOk.error();
    report.add(tr("the site carries the access rules"), *siteOk, protections());
    if (NginxSite::handsKeyToSandbox(m_deployment->answers)) {
        Result<FileSnapshot> key = context.readFile(NginxSite::upstreamKeyFilePath(), true);
        if (!key)
            return key.error();
        const bool ok = key->exists && key->content == upstreamKey();
        report.add(tr("nginx hands the sandbox its API key"), ok,
                   ok ? tr("%1 holds the current key").arg(NginxSite::upstreamKeyFilePath())
                      : tr("%1 is missing or holds another key").arg(NginxSite::upstreamKeyFilePath()));
    }
    if (usesBasicAuth()) {
        Result<FileSnapshot> file = context.readFile(NginxSite::htpasswdPath(), true);
        if (!file)
            return file.error();
        const bool ok = htpasswdMatches(*file);
        report.add(
            tr("the password file accepts the password"), ok,
            ok ? tr("%1 has one entry for %2").arg(NginxSite::htpasswdPath(), m_deployment->answers.basicAuthUser)
               : tr("%1 is missing or holds another password").arg(NginxSite::htpasswdPath()));
    }
    return report;
}

Status EdgeAccessStep::rollback(PlanContext& context, const StepState& state)
{
    return NginxConfigInstaller::restore(context, state.files,
                                         {NginxSite::htpasswdPath(), NginxSite::upstreamKeyFilePath()});
}

} // namespace aio
