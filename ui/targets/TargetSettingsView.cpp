#include "ui/targets/TargetSettingsView.h"

#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace aio::ui {

TargetSettingsView::TargetSettingsView(QWidget* parent)
    : QScrollArea(parent)
    , m_content(new QWidget(this))
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setAccessibleName(tr("Target settings"));
    m_content->setObjectName(QStringLiteral("settingsContent"));
    auto* outer = new QVBoxLayout(m_content);
    outer->setContentsMargins(0, 8, 0, 8);
    auto* formHolder = new QWidget(m_content);
    m_form = new QFormLayout(formHolder);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    m_form->setFormAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_form->setHorizontalSpacing(16);
    m_form->setVerticalSpacing(8);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    formHolder->setMaximumWidth(900);
    outer->addWidget(formHolder);
    outer->addStretch(1);
    setWidget(m_content);
}

void TargetSettingsView::addSection(const QString& title)
{
    auto* label = new QLabel(title, m_content);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    label->setContentsMargins(0, m_form->rowCount() == 0 ? 0 : 12, 0, 2);
    m_form->addRow(label);
}

void TargetSettingsView::addRow(const QString& key, const QString& label, const QString& value, bool placeholder)
{
    auto* name = new QLabel(label, m_content);
    auto* field = new QLabel(value, m_content);
    field->setObjectName(QStringLiteral("setting") + key);
    field->setAccessibleName(label);
    field->setTextFormat(Qt::PlainText);
    field->setWordWrap(true);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    if (placeholder) {
        QPalette dim = field->palette();
        dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
        field->setPalette(dim);
    }
    name->setBuddy(field);
    m_form->addRow(name, field);
}

void TargetSettingsView::setTarget(const Target& target)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);

    addSection(tr("General"));
    addRow(QStringLiteral("Kind"), tr("Kind:"),
           target.isVm() ? tr("Virtual machine (SSH, Docker and nginx)") : tr("Kubernetes cluster (ingress)"));
    addRow(QStringLiteral("Notes"), tr("Notes:"), target.notes.isEmpty() ? tr("none") : target.notes,
           target.notes.isEmpty());
    if (target.isVm()) {
        const VmSettings& vm = target.vm;
        addSection(tr("Connection"));
        addRow(QStringLiteral("Host"), tr("Host:"), vm.host.toString());
        addRow(QStringLiteral("Port"), tr("SSH port:"), QString::number(vm.port.value()));
        addRow(QStringLiteral("User"), tr("User:"), vm.user.isEmpty() ? tr("your local user name") : vm.user,
               vm.user.isEmpty());
        addRow(QStringLiteral("JumpHost"), tr("Jump host:"),
               vm.jumpHost.isEmpty() ? tr("none (direct connection)") : vm.jumpHost.toString(), vm.jumpHost.isEmpty());
        addSection(tr("Authentication"));
        QString auth;
        switch (vm.auth) {
        case SshAuthMethod::Agent:
            auth = tr("SSH agent");
            break;
        case SshAuthMethod::KeyFile:
            auth = tr("Private key file");
            break;
        case SshAuthMethod::Password:
            auth = tr("Password (kept in the system keychain)");
            break;
        }
        addRow(QStringLiteral("Auth"), tr("Method:"), auth);
        if (vm.auth == SshAuthMethod::KeyFile)
            addRow(QStringLiteral("KeyPath"), tr("Key file:"), vm.keyPath);
        addRow(QStringLiteral("Sudo"), tr("Root commands:"), vm.sudo ? tr("through sudo") : tr("as the user itself"));
        if (!vm.knownHostsFiles.isEmpty()) {
            const bool none = vm.knownHostsFiles == QStringList{QString()};
            addRow(QStringLiteral("KnownHosts"), tr("Known host keys:"),
                   none ? tr("the app's own list only (UserKnownHostsFile none)")
                        : vm.knownHostsFiles.join(QStringLiteral(", ")),
                   none);
        }
        addSection(tr("Sandbox"));
        addRow(QStringLiteral("PublicHost"), tr("Public host name:"),
               vm.publicHost.isEmpty() ? tr("not set yet (the Deploy tab asks for it)") : vm.publicHost.toString(),
               vm.publicHost.isEmpty());
    } else {
        const ClusterSettings& cluster = target.cluster;
        addSection(tr("Cluster"));
        addRow(QStringLiteral("Kubeconfig"), tr("Kubeconfig:"), cluster.kubeconfigPath);
        addRow(QStringLiteral("Context"), tr("Context:"),
               cluster.context.isEmpty() ? tr("the kubeconfig's current context") : cluster.context,
               cluster.context.isEmpty());
        addRow(QStringLiteral("Namespace"), tr("Namespace:"),
               cluster.kubeNamespace.isEmpty() ? tr("the context's namespace") : cluster.kubeNamespace,
               cluster.kubeNamespace.isEmpty());
        addSection(tr("Sandbox"));
        addRow(QStringLiteral("IngressHost"), tr("Ingress host name:"),
               cluster.ingressHost.isEmpty() ? tr("not set") : cluster.ingressHost.toString(),
               cluster.ingressHost.isEmpty());
    }
}

} // namespace aio::ui
