#pragma once

#include "core/deploy/Step.h"
#include "core/deploy/vm/VmDeployment.h"

#include <QCoreApplication>

#include <memory>
#include <optional>

namespace aio {

// TLS for the public host name (T2), three ways: certificate and key files already on the VM;
// Let's Encrypt (or any ACME server, e.g. pebble) through certbot's webroot challenge served by
// the nginx step's port-80 site; or a certificate from the admin's own CA, made on this
// workstation with OpenSSL and uploaded. Then the full HTTPS site replaces the bootstrap site
// (nginx -t first, previous files back on failure). Shows the certificate's expiry.
class TlsCertificateStep : public Step
{
    Q_DECLARE_TR_FUNCTIONS(aio::TlsCertificateStep)

public:
    explicit TlsCertificateStep(std::shared_ptr<const VmDeployment> deployment);

    Result<StepState> detect(PlanContext& context) override;
    Result<StepPreview> preview(PlanContext& context, const StepState& state) override;
    Status apply(PlanContext& context, const StepState& state) override;
    Result<VerifyReport> verify(PlanContext& context) override;
    Status rollback(PlanContext& context, const StepState& state) override;

    // certbot's argument vector (run as root through `env REQUESTS_CA_BUNDLE=…` when a CA bundle is given).
    QStringList certbotArgv() const;
    static QString acmeCaBundlePath(); // "/etc/aio-sandbox/acme-ca.pem" on the VM
    // certbot runs the scripts in renewal-hooks/deploy after each renewal: this one reloads nginx,
    // so a renewed certificate is served at once (ACME only).
    static QString deployHookPath(); // "/etc/letsencrypt/renewal-hooks/deploy/aio-sandbox-reload-nginx"
    static QByteArray deployHookContent();
    // `certbot renew --dry-run` for the public name, against the ACME server in use.
    QStringList renewDryRunArgv() const;
    // Own-CA mode: the workstation folder of the CA (answers' ownCaDirectory, else the app's data
    // folder + "/own-ca"), and its certificate when it exists there.
    static QString ownCaDirectory(const VmDeployAnswers& answers);
    static QByteArray ownCaCertificate(const VmDeployAnswers& answers);
    // A certificate is good enough to keep when it covers the host and has this many days left.
    static constexpr int kMinDaysLeft = 14;

private:
    QStringList certbotPrefix() const; // ["env", "REQUESTS_CA_BUNDLE=…",] "certbot"
    struct CertificateCheck
    {
        bool present = false;
        bool good = false;
        QString evidence;
    };
    Result<CertificateCheck> checkCertificate(PlanContext& context);
    Result<QByteArray> ownCaIssue(); // the certificate chain and key, issued once per run

    std::shared_ptr<const VmDeployment> m_deployment;
    std::optional<QPair<QByteArray, QByteArray>> m_issued; // own CA: chain, key
};

} // namespace aio
