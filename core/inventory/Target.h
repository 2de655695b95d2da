#pragma once

#include "core/common/HostName.h"
#include "core/common/Result.h"
#include "core/inventory/JumpHost.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QUuid>

namespace aio {

enum class TargetKind { Vm, Cluster };

// How the app logs in to a VM over SSH. Passwords and key passphrases live in SecretStore.
enum class SshAuthMethod { Agent, KeyFile, Password };

// A cloud VM reached over SSH, where the sandbox runs in Docker behind nginx.
struct VmSettings
{
    HostName host; // DNS name or IP literal the SSH client connects to
    Port port{22};
    QString user; // empty: the local user name, as ssh does
    SshAuthMethod auth = SshAuthMethod::Agent;
    QString keyPath; // private key file; required when auth == KeyFile
    JumpHost jumpHost; // empty: connect directly
    bool sudo = false; // commands that need root run through sudo
    HostName publicHost; // the name the sandbox will be served on (TLS certificate); may be empty
    // The user's known_hosts files for this host (ssh_config's UserKnownHostsFile, absolute paths).
    // Empty: ~/.ssh/known_hosts. {""}: none ("UserKnownHostsFile none").
    QStringList knownHostsFiles;

    friend bool operator==(const VmSettings&, const VmSettings&) = default;
};

// A Kubernetes cluster reached through a kubeconfig, where the sandbox runs behind an ingress.
struct ClusterSettings
{
    QString kubeconfigPath; // absolute path of the kubeconfig file
    QString context; // empty: the kubeconfig's current-context
    QString kubeNamespace; // empty: the context's namespace, else "default"
    HostName ingressHost; // the name the ingress serves the sandbox on; may be empty

    friend bool operator==(const ClusterSettings&, const ClusterSettings&) = default;
};

// One place the sandbox can be deployed to: a VM or a cluster. A value type; the Inventory owns
// the list. `id` never changes (secrets are keyed by it); `name` is what users type and see.
struct Target
{
    Q_DECLARE_TR_FUNCTIONS(aio::Target)

public:
    QUuid id;
    QString name;
    TargetKind kind = TargetKind::Vm;
    QString notes;
    // The folder it sits in, "" for none: "Team" or, one level deeper, "Team/Sub". See checkGroup.
    QString group;
    // Any number of labels ("prod", "eu-west"); unique without regard to case, kept as typed.
    QStringList tags;
    VmSettings vm; // used when kind == Vm
    ClusterSettings cluster; // used when kind == Cluster

    bool isVm() const { return kind == TargetKind::Vm; }
    bool isCluster() const { return kind == TargetKind::Cluster; }

    // A new target with a fresh id.
    static Target makeVm(const QString& name, const VmSettings& settings);
    static Target makeCluster(const QString& name, const ClusterSettings& settings);

    // Checks the whole target (not name uniqueness: that is Inventory::check()). Messages are
    // translated, name the field, and say what to do.
    Status validate() const;

    // Field checks for dialogs that validate as the user types. Host names and ports are
    // checked by HostName::parse / Port::parse / JumpHost::parse, user names by SshAddress::checkUser.
    static Status checkName(const QString& name);
    static Status checkKeyPath(const QString& path); // non-empty when auth is KeyFile
    static Status checkKubeconfig(const QString& path); // exists, is a file, is readable
    static Status checkNamespace(const QString& kubeNamespace); // empty or an RFC 1123 label
    // A group path: "" (none), "Name" or "Name/Sub"; each part 1 to 60 characters, no control
    // characters, no spaces around it. Use normalizeGroup first for what the user typed.
    static Status checkGroup(const QString& group);
    // "  Team /  Sub " -> "Team/Sub" (spaces around the parts dropped); an empty text stays empty.
    static QString normalizeGroup(const QString& typed);
    // A tag: 1 to 40 letters, digits or - _ . : + (no spaces, so a list reads unambiguously).
    static Status checkTag(const QString& tag);
    // Tags typed as "prod, eu-west  gpu" (commas or spaces between): checked, duplicates (any case)
    // dropped, order kept.
    static Result<QStringList> parseTags(const QString& typed);
    // Whether the target is in group or in one of its subgroups (case-insensitive); "" matches
    // only targets without a group.
    bool inGroup(const QString& group) const;
    bool hasTag(const QString& tag) const;

    // The JSON object stored in the inventory file (never holds a secret).
    QJsonObject toJson() const;
    // Parses and validates one stored object; the error names the field.
    static Result<Target> fromJson(const QJsonObject& object);

    // Where a VM target logs in, "user@host:port" (the port left out when it is 22); empty for a
    // cluster.
    QString address() const;

    static QString kindName(TargetKind kind); // "vm" / "cluster"
    static QString authName(SshAuthMethod auth); // "agent" / "key" / "password"
    static Result<SshAuthMethod> parseAuth(const QString& text);

    friend bool operator==(const Target&, const Target&) = default;
};

} // namespace aio

Q_DECLARE_METATYPE(aio::Target)
