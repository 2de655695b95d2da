#include "core/deploy/vm/SandboxAuthStep.h"

#include "core/crypto/JwtSigner.h"
#include "core/crypto/RsaKeyPair.h"
#include "core/deploy/PlanContext.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>

namespace aio {

SandboxAuthStep::SandboxAuthStep(std::shared_ptr<const VmDeployment> deployment)
    : Step(QStringLiteral("auth"), SandboxAuthStep::tr("Authentication at the sandbox"),
           SandboxAuthStep::tr(
               "Makes an RSA key pair on this workstation: the private key stays here (keychain or a file of yours) "
               "and signs "
               "the tokens the app uses; the public key is given to the sandbox (JWT_PUBLIC_KEY), which then "
               "refuses requests without a valid token. Optionally an API key as well."))
    , m_deployment(std::move(deployment))
{ }

QString SandboxAuthStep::fingerprint(const QByteArray& publicKeyPem)
{
    return QString::fromLatin1(QCryptographicHash::hash(publicKeyPem, QCryptographicHash::Sha256).toHex(':'));
}

Result<StepState> SandboxAuthStep::detect(PlanContext& context)
{
    Q_UNUSED(context);
    const VmDeployment& d = *m_deployment;
    StepState state;
    if (!d.answers.sandboxJwt && !d.answers.sandboxApiKey) {
        state.notApplicableReason = tr("The sandbox's own authentication is off; the edge access control protects it.");
        return state;
    }
    state.alreadyDone = !d.jwtKeyGenerated && !d.apiKeyGenerated;
    QStringList parts;
    if (d.answers.sandboxJwt)
        parts << (d.jwtKeyGenerated
                      ? tr("a new JWT key pair")
                      : tr("the JWT key kept for this target (%1)").arg(fingerprint(d.jwtPublicKeyPem).left(23)));
    if (d.answers.sandboxApiKey)
        parts << (d.apiKeyGenerated ? tr("a new API key") : tr("the API key kept for this target"));
    state.summary = parts.join(QStringLiteral(", "));
    return state;
}

Result<StepPreview> SandboxAuthStep::preview(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    const VmDeployment& d = *m_deployment;
    StepPreview p;
    p.nothingToDo = state.alreadyDone;
    if (d.answers.sandboxJwt) {
        p.notes << tr("JWT public key (SHA-256 %1) goes to the container as JWT_PUBLIC_KEY.")
                       .arg(fingerprint(d.jwtPublicKeyPem));
        if (d.jwtKeyGenerated)
            p.notes << tr("The private key was made on this workstation just now and will be kept in %1; it never "
                          "goes to the VM.")
                           .arg(d.keysKeptIn.isEmpty() ? tr("the keychain") : d.keysKeptIn);
    }
    if (d.answers.sandboxApiKey && d.apiKeyGenerated)
        p.notes << tr("A random API key (SANDBOX_API_KEY) will be kept in %1 and put in a 0600 env-file on the VM.")
                       .arg(d.keysKeptIn.isEmpty() ? tr("the keychain") : d.keysKeptIn);
    return p;
}

Status SandboxAuthStep::apply(PlanContext& context, const StepState& state)
{
    Q_UNUSED(context);
    Q_UNUSED(state);
    const VmDeployment& d = *m_deployment;
    if (!d.saveSecret)
        return Error(ErrorKind::Internal, tr("No place to keep the generated keys was given."));
    if (d.answers.sandboxJwt && d.jwtKeyGenerated) {
        const Status s = d.saveSecret(SecretKind::SandboxJwtPrivateKey, d.secrets.jwtPrivateKeyPem);
        if (!s)
            return s;
    }
    if (d.answers.sandboxApiKey && d.apiKeyGenerated) {
        const Status s = d.saveSecret(SecretKind::SandboxApiKey, d.secrets.apiKey.toUtf8());
        if (!s)
            return s;
    }
    return {};
}

Result<VerifyReport> SandboxAuthStep::verify(PlanContext& context)
{
    Q_UNUSED(context);
    const VmDeployment& d = *m_deployment;
    VerifyReport report;
    if (d.answers.sandboxJwt) {
        Result<QByteArray> pub = RsaKeyPair::publicKeyFromPrivate(d.secrets.jwtPrivateKeyPem);
        const bool matches = pub && *pub == d.jwtPublicKeyPem;
        report.add(tr("the private key matches JWT_PUBLIC_KEY"), matches,
                   matches ? tr("public key SHA-256 %1").arg(fingerprint(*pub))
                           : (pub ? tr("the keys differ") : pub.error().toString()));
        Result<JwtSigner> signer = JwtSigner::fromPrivateKeyPem(d.secrets.jwtPrivateKeyPem);
        Result<QByteArray> token = signer ? signer->signWithExpiry(QDateTime::currentDateTimeUtc().addSecs(60))
                                          : Result<QByteArray>(signer.error());
        report.add(tr("tokens can be signed"), token.ok(),
                   token ? tr("RS256 token of %1 bytes").arg(token->size()) : token.error().toString());
    }
    if (d.answers.sandboxApiKey)
        report.add(tr("an API key is set"), d.secrets.apiKey.size() >= 16,
                   tr("%1 characters").arg(d.secrets.apiKey.size()));
    return report;
}

Status SandboxAuthStep::rollback(PlanContext& context, const StepState& state)
{
    // Nothing changed on the VM. A key already handed to the keychain stays there: it is
    // harmless without a container that trusts it, and the next run reuses it.
    Q_UNUSED(context);
    Q_UNUSED(state);
    return {};
}

} // namespace aio
