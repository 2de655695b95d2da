#pragma once

#include "core/checklist/AuditReport.h"
#include "core/common/CancelToken.h"
#include "core/common/HostName.h"
#include "core/inventory/Target.h"
#include "core/net/HttpResponseReader.h"
#include "core/ssh/ConnectionCheck.h"

#include <QCoreApplication>
#include <QList>
#include <QSslCertificate>
#include <QUrl>

#include <optional>

namespace aio {

class RemoteHost;

// What an audit of a VM needs to know besides the SSH session.
struct VmAuditInput
{
    QString targetName;
    QUuid targetId;
    HostName address; // where the workstation probes connect: the VM's address
    HostName publicHost; // the name the site is served on (SNI, Host); empty: the address
    QList<QSslCertificate> extraCaCertificates; // an own CA or a test CA the admin trusts
    QUrl signInUrl; // a redirect there counts as refused (SSO in front)
    int sshPort = 22; // the VM's SSH port, for the firewall's SSH rule
    int probeTimeoutMs = 3000; // per connection phase of a workstation probe
    int remoteTimeoutMs = 15'000; // per command on the VM
};

// The guide's checklist for a VM (Option 1: Docker + nginx), as checks with probes. Works on any
// VM, deployed by this app or by hand: it looks at every container that publishes 8080, the
// effective nginx configuration, the firewall that is active, and the site from this workstation.
class VmChecklist
{
    Q_DECLARE_TR_FUNCTIONS(aio::VmChecklist)

public:
    static const QList<CheckInfo>& catalog();
    static const CheckInfo* info(const QString& checkId);
    // The workstation's ports probed on the VM, in this order.
    static const QList<int>& probedPorts();

    // Runs every check, the host's commands over the one session and the workstation's probes,
    // all at once; bounded by the timeouts above. host may be null when no session could be made
    // (loginError says why): the checks that need the host are then unknown, with that reason.
    static AuditReport run(RemoteHost* host, const std::optional<Error>& loginError, const VmAuditInput& input,
                           const CancelToken& cancel = {});

    // The input for a target of the inventory: its address and public host.
    static VmAuditInput inputFor(const Target& target, const QList<QSslCertificate>& extraCa = {});
    // Logs in with a session from factory, audits, logs out. Blocking (a worker thread).
    static AuditReport audit(const Target& target, const ConnectionCheck::SessionFactory& factory,
                             const QList<QSslCertificate>& extraCa = {}, const CancelToken& cancel = {});
    // An audit stopped with cancel is not a result (probes cut short look like failures): callers
    // drop it. Audits many VM targets, at most jobs at once (each on a thread of its own; every audit runs
    // its own probes in parallel too), calling onAudited with the target's index as each ends,
    // from those threads, one call at a time. Blocks until all are reported; after cancel, the
    // targets not started are not audited (and not reported).
    static void auditMany(const QList<Target>& targets, const ConnectionCheck::SessionFactory& factory, int jobs,
                          const CancelToken& cancel, const std::function<void(int, const AuditReport&)>& onAudited,
                          const QList<QSslCertificate>& extraCa = {});
};

} // namespace aio
