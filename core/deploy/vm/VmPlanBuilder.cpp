#include "core/deploy/vm/VmPlanBuilder.h"

#include "core/crypto/RandomSecret.h"
#include "core/crypto/RsaKeyPair.h"
#include "core/deploy/vm/EdgeAccessStep.h"
#include "core/deploy/vm/HostFirewallStep.h"
#include "core/deploy/vm/NginxProxyStep.h"
#include "core/deploy/vm/PreflightStep.h"
#include "core/deploy/vm/SandboxAuthStep.h"
#include "core/deploy/vm/SandboxContainerStep.h"
#include "core/deploy/vm/TlsCertificateStep.h"
#include "core/deploy/vm/WorkstationVerifyStep.h"

#include <QCoreApplication>

namespace aio {

QStringList VmPlanBuilder::stepIds()
{
    return {QStringLiteral("preflight"), QStringLiteral("auth"), QStringLiteral("container"), QStringLiteral("nginx"),
            QStringLiteral("tls"),       QStringLiteral("edge"), QStringLiteral("firewall"),  QStringLiteral("verify")};
}

Result<VmPlanBuilder::Built> VmPlanBuilder::build(VmDeployment d)
{
    if (const Status valid = d.answers.validate(); !valid)
        return valid.error();
    if (!d.answers.basicAuthUser.isEmpty() && d.secrets.basicAuthPassword.isEmpty())
        return Error(ErrorKind::InvalidInput,
                     tr("Basic auth for %1 is on but no password was given.").arg(d.answers.basicAuthUser), {},
                     tr("Type it once on the answers page (the app then keeps it in the keychain), or give it "
                        "to the CLI with --basic-auth-password-stdin or AIO_BASIC_AUTH_PASSWORD."));
    if (!d.answers.basicAuthUser.isEmpty()) {
        if (const Status s = VmDeployAnswers::checkBasicAuthPassword(d.secrets.basicAuthPassword); !s)
            return s.error();
    }
    if (d.answers.sandboxJwt) {
        if (d.secrets.jwtPrivateKeyPem.isEmpty()) {
            Result<RsaKeyPair> pair = RsaKeyPair::generate(3072);
            if (!pair)
                return pair.error();
            d.secrets.jwtPrivateKeyPem = pair->privateKeyPem;
            d.jwtPublicKeyPem = pair->publicKeyPem;
            d.jwtKeyGenerated = true;
        } else {
            Result<QByteArray> pub = RsaKeyPair::publicKeyFromPrivate(d.secrets.jwtPrivateKeyPem);
            if (!pub)
                return pub.error();
            d.jwtPublicKeyPem = *pub;
        }
    }
    if (d.answers.sandboxApiKey && d.secrets.apiKey.isEmpty()) {
        Result<QString> key = RandomSecret::apiKey();
        if (!key)
            return key.error();
        d.secrets.apiKey = *key;
        d.apiKeyGenerated = true;
    }
    if (d.answers.sandboxApiKey) {
        if (const Status s = VmDeployAnswers::checkApiKey(d.secrets.apiKey); !s)
            return s.error();
    }

    Built built;
    built.secrets << d.secrets.basicAuthPassword << d.secrets.apiKey << QString::fromUtf8(d.secrets.jwtPrivateKeyPem);
    built.secrets.removeAll(QString());
    auto shared = std::make_shared<const VmDeployment>(std::move(d));
    built.deployment = shared;
    built.plan.setTitle(tr("Deploy the sandbox to %1").arg(shared->answers.publicHost.toString()));
    built.plan.add(std::make_unique<PreflightStep>(shared))
        .add(std::make_unique<SandboxAuthStep>(shared))
        .add(std::make_unique<SandboxContainerStep>(shared))
        .add(std::make_unique<NginxProxyStep>(shared))
        .add(std::make_unique<TlsCertificateStep>(shared))
        .add(std::make_unique<EdgeAccessStep>(shared))
        .add(std::make_unique<HostFirewallStep>(shared))
        .add(std::make_unique<WorkstationVerifyStep>(shared));
    return built;
}

} // namespace aio
