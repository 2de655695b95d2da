#include "core/deploy/vm/WorkstationVerifyStep.h"

#include "core/checklist/EntranceProbes.h"
#include "core/checklist/VmChecklist.h"
#include "core/crypto/JwtSigner.h"
#include "core/deploy/PlanContext.h"
#include "core/deploy/vm/TlsCertificateStep.h"
#include "core/net/PortProbe.h"
#include "core/net/WebSocketProbe.h"

#include <QCoreApplication>
#include <QDateTime>

namespace aio {

namespace {

// The three kinds of anonymous probe, as check names (%1: the request).
const char* const kEntrance = QT_TRANSLATE_NOOP("aio::WorkstationVerifyStep", "%1 without credentials is refused");
const char* const kSuffixBypass = QT_TRANSLATE_NOOP("aio::WorkstationVerifyStep", "static-suffix bypass %1 is refused");
const char* const kHostBypass = QT_TRANSLATE_NOOP("aio::WorkstationVerifyStep", "Host bypass %1 is refused");

const char* checkName(EntranceProbe::Kind kind)
{
    switch (kind) {
    case EntranceProbe::Kind::SuffixBypass:
        return kSuffixBypass;
    case EntranceProbe::Kind::HostBypass:
        return kHostBypass;
    case EntranceProbe::Kind::Entrance:
        break;
    }
    return kEntrance;
}

} // namespace

WorkstationVerifyStep::WorkstationVerifyStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("verify"), WorkstationVerifyStep::tr("Verify from this workstation"),
           WorkstationVerifyStep::tr(
               "Checks from here, like a user and an attacker would: HTTPS with a valid certificate, every entrance "
               "refused without credentials (also through the image's known bypasses) and allowed with them, the "
               "VNC WebSocket through nginx, port 8080 closed, and the whole security checklist (a failing check fails "
               "the deployment)."))
    , m_deployment(std::move(deployment))
{ }

ProbeEndpoint WorkstationVerifyStep::httpsEndpoint() const
{
    ProbeEndpoint e;
    e.address = m_deployment->vmAddress.isEmpty() ? m_deployment->answers.publicHost : m_deployment->vmAddress;
    e.port = Port(443);
    e.hostName = m_deployment->answers.publicHost;
    e.tls = true;
    e.extraCaCertificates = m_deployment->trustedCas;
    if (m_deployment->answers.tlsMode == VmDeployAnswers::TlsMode::OwnCa)
        e.extraCaCertificates
            += QSslCertificate::fromData(TlsCertificateStep::ownCaCertificate(m_deployment->answers), QSsl::Pem);
    e.timeoutMs = 15'000;
    return e;
}

bool WorkstationVerifyStep::hasCredentialProtection() const
{
    const VmDeployAnswers& a = m_deployment->answers;
    return !a.basicAuthUser.isEmpty() || a.sandboxJwt || a.sandboxApiKey || !a.authRequestUrl.isEmpty();
}

Result<HttpHeaders> WorkstationVerifyStep::credentials() const
{
    const VmDeployAnswers& a = m_deployment->answers;
    const VmDeploySecrets& s = m_deployment->secrets;
    HttpHeaders headers;
    if (!a.basicAuthUser.isEmpty()) {
        headers.append({QByteArray("Authorization"),
                        "Basic " + (a.basicAuthUser.toUtf8() + ':' + s.basicAuthPassword.toUtf8()).toBase64()});
    } else if (a.sandboxJwt) {
        Result<JwtSigner> signer = JwtSigner::fromPrivateKeyPem(s.jwtPrivateKeyPem);
        if (!signer)
            return signer.error();
        Result<QByteArray> token = signer->signWithExpiry(QDateTime::currentDateTimeUtc().addSecs(300));
        if (!token)
            return token.error();
        headers.append({QByteArray("Authorization"), "Bearer " + *token});
    }
    if (a.sandboxApiKey)
        headers.append({QByteArray("X-AIO-API-Key"), s.apiKey.toUtf8()});
    return headers;
}

Result<StepState> WorkstationVerifyStep::detect(PlanContext& context)
{
    Q_UNUSED(context);
    StepState state;
    state.alreadyDone = true; // nothing to apply: the runner goes straight to verify
    state.summary = tr("Checks %1 from this workstation.").arg(httpsEndpoint().describe());
    return state;
}

Result<StepPreview> WorkstationVerifyStep::preview(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    Q_UNUSED(state);
    StepPreview p;
    p.nothingToDo = true;
    const QString host = m_deployment->answers.publicHost.forUrl();
    p.notes << tr("GET https://%1/v1/ping through nginx, certificate verified for %1").arg(host)
            << tr("every entrance (/, /vnc/index.html, /websockify, /code-server/, /mcp, /v1/docs, /v1/shell/ws, "
                  "/v1/file/download, /proxy/9222/) without credentials is refused (401/403)")
            << tr("the image's static-suffix bypass (?x=.js, ?x=.json, /v1/openapi.json) and its port-preview Host "
                  "routing (Host: 8091-x, 8081-x, 9222-x) are refused")
            << tr("GET /vnc/index.html with credentials succeeds")
            << tr("WebSocket upgrade on /websockify answers the VNC greeting")
            << tr("http://%1/ redirects to HTTPS").arg(host)
            << tr("%1:8080 is closed from here").arg(httpsEndpoint().address.toString());
    return p;
}

Status WorkstationVerifyStep::apply(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    Q_UNUSED(state);
    return {};
}

Result<VerifyReport> WorkstationVerifyStep::verify(PlanContext& context)
{
    VerifyReport report;
    const CancelToken cancel = context.cancelToken();
    Result<HttpHeaders> creds = credentials();
    if (!creds)
        return creds.error();
    for (const auto& [name, value] : *creds)
        context.addSecret(QString::fromUtf8(value)); // never in evidence or history

    HttpProbeRequest ping;
    ping.endpoint = httpsEndpoint();
    ping.path = "/v1/ping";
    ping.headers = *creds;
    Result<HttpProbeResult> pinged = HttpsProbe::run(ping, cancel);
    // With SSO the admin's identity provider decides, and this workstation holds no session there:
    // the certificate and the refusals can be checked from here, a signed-in request cannot.
    const bool sso = !m_deployment->answers.authRequestUrl.isEmpty();
    const QString ssoNote = tr("not checked from here: the SSO check (auth_request) decides and this workstation "
                               "has no SSO session; sign in at https://%1/ with a browser to confirm")
                                .arg(m_deployment->answers.publicHost.forUrl());
    const bool pingOk = pinged && pinged->tls.verified
        && (pinged->status == 200
            || (sso
                && (pinged->status == 401 || pinged->status == 403 || sentToSignIn(pinged->status, pinged->headers))));
    report.add(tr("https://%1/v1/ping answers with a valid certificate").arg(m_deployment->answers.publicHost.forUrl()),
               pingOk, context.redactor().redact(pinged ? pinged->evidence() : pinged.error().withDetail()));

    if (hasCredentialProtection()) {
        for (const EntranceProbe& probe : EntranceProbes::all()) {
            const EntranceOutcome met
                = EntranceProbes::run(httpsEndpoint(), probe, m_deployment->answers.signInUrl, cancel);
            report.add(tr(checkName(probe.kind)).arg(probe.request()), met.refused, met.evidence);
        }
    } else {
        report.add(tr("entrances without credentials are refused"), true,
                   tr("only an IP allowlist protects the site and this workstation is inside it; refusal cannot be "
                      "observed from here"));
    }

    if (sso) {
        report.add(tr("/vnc/index.html with credentials succeeds"), true, ssoNote);
        report.add(tr("WebSocket upgrade on /websockify through nginx"), true, ssoNote);
    } else {
        checkSignedIn(context, report, *creds);
    }

    HttpProbeRequest redirect;
    redirect.endpoint = httpsEndpoint();
    redirect.endpoint.tls = false;
    redirect.endpoint.port = Port(80);
    redirect.path = "/";
    Result<HttpProbeResult> redirected = HttpsProbe::run(redirect, cancel);
    const QByteArray location = redirected ? redirected->header("Location") : QByteArray();
    report.add(
        tr("http:// redirects to https://"),
        redirected && (redirected->status == 301 || redirected->status == 308) && location.startsWith("https://"),
        redirected ? QStringLiteral("HTTP %1 Location: %2").arg(redirected->status).arg(QString::fromUtf8(location))
                   : redirected.error().withDetail());

    const PortProbeResult port = PortProbe::run(httpsEndpoint().address, Port(8080), 3000, cancel);
    report.add(tr("port 8080 is closed from outside"),
               port.state != PortState::Open && port.state != PortState::Unknown, port.evidence());

    // Done only when the security checklist agrees: its every check, over this session and from
    // here, the same as an audit of the target would run them.
    VmAuditInput input;
    input.targetName = context.targetName();
    input.address = httpsEndpoint().address;
    input.publicHost = m_deployment->answers.publicHost;
    input.extraCaCertificates = httpsEndpoint().extraCaCertificates;
    input.signInUrl = m_deployment->answers.signInUrl;
    const AuditReport audit = VmChecklist::run(&context.host(), std::nullopt, input, cancel);
    // What the answers chose knowingly is reported, not failed: an image the wizard let through
    // with its warning, and, with only an IP allowlist, anonymous entrances this workstation (inside
    // the list) is let through.
    QStringList notRequired{QStringLiteral("container.image-pinned")};
    if (!hasCredentialProtection())
        notRequired << QStringLiteral("auth.entrances") << QStringLiteral("auth.bypasses");
    QStringList others;
    int failing = 0;
    for (const CheckResult& r : audit.results) {
        const CheckInfo* info = VmChecklist::info(r.id);
        const QString title = info ? info->title : r.id;
        if (r.verdict == Verdict::Fail && !notRequired.contains(r.id)) {
            ++failing;
            report.add(tr("checklist: %1").arg(title), false, context.redactor().redact(r.summary));
        } else if (r.verdict != Verdict::Pass) {
            others << QStringLiteral("%1: %2").arg(verdictText(r.verdict), title);
        }
    }
    report.add(
        tr("the security checklist finds nothing failing (%1 checks)").arg(audit.results.size()), failing == 0,
        context.redactor().redact(others.isEmpty() ? tr("every check passed") : others.join(QStringLiteral("; "))));
    return report;
}

void WorkstationVerifyStep::checkSignedIn(PlanContext& context, VerifyReport& report, const HttpHeaders& creds) const
{
    const CancelToken cancel = context.cancelToken();
    HttpProbeRequest authed;
    authed.endpoint = httpsEndpoint();
    authed.path = "/vnc/index.html";
    authed.headers = creds;
    Result<HttpProbeResult> allowed = HttpsProbe::run(authed, cancel);
    report.add(tr("/vnc/index.html with credentials succeeds"),
               allowed && allowed->tls.verified && allowed->status >= 200 && allowed->status < 400,
               context.redactor().redact(allowed ? allowed->evidence() : allowed.error().withDetail()));

    WebSocketProbeRequest ws;
    ws.endpoint = httpsEndpoint();
    ws.path = "/websockify";
    ws.headers = creds;
    Result<WebSocketProbeResult> upgraded = WebSocketProbe::run(ws, cancel);
    report.add(tr("WebSocket upgrade on /websockify through nginx"),
               upgraded && upgraded->upgraded() && upgraded->firstBytes.startsWith("RFB "),
               context.redactor().redact(upgraded ? upgraded->evidence() : upgraded.error().withDetail()));
}

bool WorkstationVerifyStep::sentToSignIn(int status, const HttpHeaders& headers) const
{
    for (const auto& [name, value] : headers) {
        if (name.compare("Location", Qt::CaseInsensitive) == 0)
            return EntranceProbes::sentToSignIn(status, value, m_deployment->answers.signInUrl);
    }
    return false;
}

Status WorkstationVerifyStep::rollback(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    Q_UNUSED(state);
    return {};
}

} // namespace aio
