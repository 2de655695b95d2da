#include "ui/targets/TargetDialog.h"

#include "core/common/SshAddress.h"
#include "core/deploy/VmDeployAnswers.h"
#include "core/inventory/Inventory.h"
#include "core/inventory/KubeconfigImporter.h"
#include "ui/widgets/Background.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/ValidatedLineEdit.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace aio::ui {

namespace {
template <typename T>
Status toStatus(const Result<T>& result)
{
    if (!result)
        return result.error();
    return {};
}

// Optional host names (public host, ingress host) are fine when empty.
Status checkOptionalHost(const QString& text)
{
    return text.isEmpty() ? Status() : toStatus(HostName::parse(text));
}

// The public host is the deployment's: the same rules as on the answers page.
Status checkPublicHost(const QString& text)
{
    if (text.isEmpty())
        return {};
    Result<HostName> host = HostName::parse(text);
    if (!host)
        return host.error();
    return VmDeployAnswers::checkPublicHost(*host);
}

QLabel* sectionLabel(const QString& text, QWidget* parent, bool first)
{
    auto* label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    label->setContentsMargins(0, first ? 0 : 10, 0, 0);
    return label;
}
} // namespace

TargetDialog::TargetDialog(Mode mode, const Target& target, const Inventory* inventory, QWidget* parent)
    : QDialog(parent)
    , m_mode(mode)
    , m_original(target)
    , m_inventory(inventory)
{
    setObjectName(QStringLiteral("targetDialog"));
    const bool vm = target.isVm();
    const QString kindText = vm ? tr("virtual machine") : tr("Kubernetes cluster");
    switch (mode) {
    case Mode::Add:
        setWindowTitle(tr("Add %1").arg(kindText));
        break;
    case Mode::Edit:
        setWindowTitle(tr("Edit “%1”").arg(target.name));
        break;
    case Mode::Duplicate:
        setWindowTitle(tr("Duplicate %1").arg(kindText));
        m_original.id = QUuid();
        break;
    }
    setAccessibleName(windowTitle());

    auto* form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setHorizontalSpacing(12);
    form->setVerticalSpacing(8);

    form->addRow(sectionLabel(tr("Target"), this, true));
    m_name = addField(form, QStringLiteral("nameEdit"), tr("&Name:"), tr("Target name"));
    m_name->setPlaceholderText(vm ? tr("e.g. prod-vm") : tr("e.g. staging-cluster"));
    m_name->setCheck([this](const QString& text) -> Status {
        if (Status s = Target::checkName(text); !s)
            return s;
        if (m_inventory) {
            const auto other = m_inventory->findByName(text);
            if (other && other->id != m_original.id)
                return Error(ErrorKind::AlreadyExists, tr("A target named “%1” already exists.").arg(text), {},
                             tr("Choose another name."));
        }
        return {};
    });

    // Where it sits in the sidebar, and the labels it can be found and picked by.
    m_group = addField(form, QStringLiteral("groupEdit"), tr("&Group:"), tr("Group"));
    m_group->setPlaceholderText(tr("none; e.g. Production or Production/EU"));
    m_group->setCheck([](const QString& text) { return Target::checkGroup(Target::normalizeGroup(text)); });
    if (m_inventory) {
        auto* completer = new QCompleter(m_inventory->groups(), m_group);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        m_group->lineEdit()->setCompleter(completer);
    }
    m_tags = addField(form, QStringLiteral("tagsEdit"), tr("T&ags:"), tr("Tags"));
    m_tags->setPlaceholderText(tr("none; e.g. gpu, eu-west"));
    m_tags->setCheck([](const QString& text) -> Status {
        if (auto tags = Target::parseTags(text); !tags)
            return tags.error();
        return {};
    });

    if (vm)
        buildVmForm(form);
    else
        buildClusterForm(form);

    m_notes = new QPlainTextEdit(this);
    m_notes->setObjectName(QStringLiteral("notesEdit"));
    m_notes->setAccessibleName(tr("Notes"));
    m_notes->setTabChangesFocus(true);
    m_notes->setPlaceholderText(tr("Anything worth remembering about this target"));
    m_notes->setFixedHeight(m_notes->fontMetrics().lineSpacing() * 4 + 12);
    auto* notesLabel = new QLabel(tr("N&otes:"), this);
    notesLabel->setBuddy(m_notes);
    form->addRow(notesLabel, m_notes);

    m_formError = new QLabel(this);
    m_formError->setObjectName(QStringLiteral("formError"));
    m_formError->setAccessibleName(tr("Problem saving the target"));
    m_formError->setWordWrap(true);
    m_formError->setTextFormat(Qt::PlainText);
    QPalette red = m_formError->palette();
    red.setColor(QPalette::WindowText, QColor(0xb3, 0x26, 0x1e));
    m_formError->setPalette(red);
    m_formError->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("dialogButtons"));
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setObjectName(QStringLiteral("okButton"));
    ok->setText(mode == Mode::Edit ? tr("&Save") : (mode == Mode::Duplicate ? tr("&Add copy") : tr("&Add target")));
    ok->setAccessibleName(ok->text().remove(QLatin1Char('&')));
    QPushButton* cancel = m_buttons->button(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    cancel->setAccessibleName(tr("Cancel"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &TargetDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &TargetDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(12);
    layout->addLayout(form);
    layout->addWidget(m_formError);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    setMinimumWidth(560);

    fill(target);
    if (mode == Mode::Duplicate && m_inventory)
        m_name->setText(m_inventory->uniqueName(tr("%1 (copy)").arg(target.name)));
    for (ValidatedLineEdit* field : std::as_const(m_fields)) {
        // Opening on data that is already wrong (an edited or imported target): say so at once.
        field->setShowErrorsBeforeEdit(mode != Mode::Add);
        connect(field, &ValidatedLineEdit::textChanged, this, &TargetDialog::updateState);
        connect(field, &ValidatedLineEdit::hintShownChanged, this, &TargetDialog::fitHeight, Qt::QueuedConnection);
    }
    updateAuthRows();
    updateState();
    m_name->setFocus();
    if (mode == Mode::Duplicate)
        m_name->lineEdit()->selectAll();
}

ValidatedLineEdit* TargetDialog::addField(QFormLayout* form, const QString& objectName, const QString& label,
                                          const QString& accessibleName)
{
    auto* field = new ValidatedLineEdit(objectName, accessibleName, this);
    form->addRow(fieldLabel(label, field), field);
    m_fields.append(field);
    return field;
}

QLabel* TargetDialog::fieldLabel(const QString& text, ValidatedLineEdit* field)
{
    auto* label = new QLabel(text, this);
    label->setBuddy(field->lineEdit());
    // Level with the line edit, not centred on the line edit plus its error hint.
    label->setFixedHeight(field->lineEdit()->sizeHint().height());
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return label;
}

void TargetDialog::fitHeight()
{
    layout()->activate();
    resize(width(), qMax(layout()->minimumSize().height(), sizeHint().height()));
}

QWidget* TargetDialog::withBrowseButton(ValidatedLineEdit* field, const QString& objectName, const QString& caption,
                                        const QString& filter)
{
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    auto* browse = new QPushButton(tr("Browse…"), row);
    browse->setObjectName(objectName);
    browse->setAccessibleName(caption);
    layout->addWidget(field, 1);
    layout->addWidget(browse, 0, Qt::AlignTop);
    connect(browse, &QPushButton::clicked, this, [this, field, caption, filter] {
        const QString current = field->text();
        const QString dir = current.isEmpty() ? QDir::homePath() : QFileInfo(current).absolutePath();
        FileDialog::openFile(this, caption, dir, filter, [field](const QString& path) { field->setText(path); });
    });
    return row;
}

void TargetDialog::buildVmForm(QFormLayout* form)
{
    form->addRow(sectionLabel(tr("Connection"), this, false));
    m_host = addField(form, QStringLiteral("hostEdit"), tr("&Host:"), tr("Host name or IP address"));
    m_host->setPlaceholderText(tr("vm.example.com or 203.0.113.10"));
    m_host->setCheck([](const QString& text) { return toStatus(HostName::parse(text)); });

    m_port = addField(form, QStringLiteral("portEdit"), tr("SSH &port:"), tr("SSH port"));
    m_port->lineEdit()->setMaximumWidth(100);
    m_port->setCheck([](const QString& text) { return toStatus(Port::parse(text)); });

    m_user = addField(form, QStringLiteral("userEdit"), tr("&User:"), tr("SSH user name"));
    m_user->setPlaceholderText(tr("your local user name"));
    m_user->setCheck([](const QString& text) { return SshAddress::checkUser(text); });

    m_jumpHost = addField(form, QStringLiteral("jumpHostEdit"), tr("&Jump host:"), tr("Jump host"));
    m_jumpHost->setPlaceholderText(tr("none; or user@bastion.example.com:22"));
    m_jumpHost->setCheck(
        [](const QString& text) { return text.isEmpty() ? Status() : toStatus(JumpHost::parse(text)); });

    form->addRow(sectionLabel(tr("Authentication"), this, false));
    m_auth = new QComboBox(this);
    m_auth->setObjectName(QStringLiteral("authCombo"));
    m_auth->setAccessibleName(tr("Authentication method"));
    m_auth->addItem(tr("SSH agent"), int(SshAuthMethod::Agent));
    m_auth->addItem(tr("Private key file"), int(SshAuthMethod::KeyFile));
    m_auth->addItem(tr("Password"), int(SshAuthMethod::Password));
    auto* authLabel = new QLabel(tr("&Method:"), this);
    authLabel->setBuddy(m_auth);
    form->addRow(authLabel, m_auth);
    connect(m_auth, &QComboBox::currentIndexChanged, this, [this] {
        updateAuthRows();
        m_keyPath->revalidate();
        updateState();
    });

    m_keyPath = new ValidatedLineEdit(QStringLiteral("keyPathEdit"), tr("Private key file"), this);
    m_keyPath->setPlaceholderText(QDir::homePath() + QStringLiteral("/.ssh/id_ed25519"));
    m_keyPath->setCheck([this](const QString& text) {
        if (m_auth->currentData().toInt() != int(SshAuthMethod::KeyFile))
            return Status();
        return Target::checkKeyPath(text);
    });
    m_fields.append(m_keyPath);
    m_keyPathRow = withBrowseButton(m_keyPath, QStringLiteral("keyPathBrowseButton"), tr("Choose a private key file"),
                                    tr("All files (*)"));
    form->addRow(fieldLabel(tr("&Key file:"), m_keyPath), m_keyPathRow);

    m_passphrase = new QLineEdit(this);
    m_passphrase->setObjectName(QStringLiteral("passphraseEdit"));
    m_passphrase->setAccessibleName(tr("Key passphrase"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Pass&phrase:"), m_passphrase);

    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setAccessibleName(tr("SSH password"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Pass&word:"), m_password);
    const QString secretHint = m_mode == Mode::Edit ? tr("unchanged; kept in the system keychain")
                                                    : tr("optional; asked when connecting if left empty");
    m_passphrase->setPlaceholderText(secretHint);
    m_password->setPlaceholderText(secretHint);

    form->addRow(sectionLabel(tr("Sandbox"), this, false));
    m_publicHost = addField(form, QStringLiteral("publicHostEdit"), tr("P&ublic host name:"), tr("Public host name"));
    m_publicHost->setPlaceholderText(tr("sandbox.example.com (the name the sandbox is served on)"));
    m_publicHost->setCheck(checkPublicHost);

    m_sudo = new QCheckBox(tr("Run commands that need root through &sudo"), this);
    m_sudo->setObjectName(QStringLiteral("sudoCheck"));
    m_sudo->setAccessibleName(tr("Use sudo"));
    form->addRow(QString(), m_sudo);
    m_vmForm = form;
}

void TargetDialog::buildClusterForm(QFormLayout* form)
{
    form->addRow(sectionLabel(tr("Cluster"), this, false));
    m_kubeconfig = new ValidatedLineEdit(QStringLiteral("kubeconfigEdit"), tr("Kubeconfig file"), this);
    m_kubeconfig->setCheck([](const QString& text) { return Target::checkKubeconfig(text); });
    m_fields.append(m_kubeconfig);
    auto* row = withBrowseButton(m_kubeconfig, QStringLiteral("kubeconfigBrowseButton"), tr("Choose a kubeconfig file"),
                                 tr("All files (*)"));
    form->addRow(fieldLabel(tr("&Kubeconfig:"), m_kubeconfig), row);

    // An editable list: the kubeconfig's contexts are offered once it has been read.
    m_contextCombo = new QComboBox(this);
    m_contextCombo->setObjectName(QStringLiteral("contextCombo"));
    m_contextCombo->setAccessibleName(tr("Kubeconfig context"));
    m_contextCombo->setEditable(true);
    m_contextCombo->setInsertPolicy(QComboBox::NoInsert);
    m_context = m_contextCombo->lineEdit();
    m_context->setObjectName(QStringLiteral("contextEdit"));
    m_context->setAccessibleName(tr("Kubeconfig context"));
    m_context->setPlaceholderText(tr("the kubeconfig's current context"));
    form->addRow(tr("Con&text:"), m_contextCombo);

    m_contextTimer = new QTimer(this);
    m_contextTimer->setSingleShot(true);
    m_contextTimer->setInterval(300);
    connect(m_contextTimer, &QTimer::timeout, this, &TargetDialog::loadContexts);
    connect(m_kubeconfig, &ValidatedLineEdit::textChanged, m_contextTimer, qOverload<>(&QTimer::start));

    m_namespace = addField(form, QStringLiteral("namespaceEdit"), tr("Na&mespace:"), tr("Namespace"));
    m_namespace->setPlaceholderText(tr("the context's namespace, else default"));
    m_namespace->setCheck([](const QString& text) { return Target::checkNamespace(text); });

    form->addRow(sectionLabel(tr("Sandbox"), this, false));
    m_ingressHost
        = addField(form, QStringLiteral("ingressHostEdit"), tr("&Ingress host name:"), tr("Ingress host name"));
    m_ingressHost->setPlaceholderText(tr("sandbox.example.com (the name the ingress serves)"));
    m_ingressHost->setCheck(checkOptionalHost);
}

void TargetDialog::loadContexts()
{
    if (!m_kubeconfig->isValid())
        return;
    // Reading and parsing the kubeconfig happen off the GUI thread.
    const QString path = m_kubeconfig->text();
    runInBackground(
        this,
        [path] {
            QStringList names;
            const Result<ImportResult> found = KubeconfigImporter::importFile(path);
            if (found) {
                for (const Target& t : found->targets)
                    names << t.cluster.context;
            }
            return names;
        },
        [this, path](QStringList result) {
            if (path != m_kubeconfig->text())
                return; // the user has moved on to another file
            const QString current = m_context->text();
            const QStringList contexts = result;
            m_contextCombo->clear();
            m_contextCombo->addItems(contexts);
            m_contextCombo->setEditText(current);
            emit contextsLoaded(contexts);
        });
}

void TargetDialog::fill(const Target& target)
{
    m_name->setText(target.name);
    m_group->setText(target.group);
    m_tags->setText(target.tags.join(QStringLiteral(", ")));
    m_notes->setPlainText(target.notes);
    if (target.isVm()) {
        m_host->setText(target.vm.host.toString());
        m_port->setText(QString::number(target.vm.port.isValid() ? target.vm.port.value() : 22));
        m_user->setText(target.vm.user);
        m_auth->setCurrentIndex(m_auth->findData(int(target.vm.auth)));
        m_keyPath->setText(target.vm.keyPath);
        m_jumpHost->setText(target.vm.jumpHost.isEmpty() ? QString() : target.vm.jumpHost.toString());
        m_sudo->setChecked(target.vm.sudo);
        m_publicHost->setText(target.vm.publicHost.toString());
    } else {
        QString kubeconfig = target.cluster.kubeconfigPath;
        if (kubeconfig.isEmpty() && m_mode == Mode::Add) {
            const QString standard = QDir::homePath() + QStringLiteral("/.kube/config");
            if (QFileInfo::exists(standard))
                kubeconfig = standard;
        }
        m_kubeconfig->setText(kubeconfig);
        m_contextCombo->setEditText(target.cluster.context);
        m_namespace->setText(target.cluster.kubeNamespace);
        m_ingressHost->setText(target.cluster.ingressHost.toString());
    }
}

void TargetDialog::updateAuthRows()
{
    if (!m_vmForm)
        return;
    const auto auth = SshAuthMethod(m_auth->currentData().toInt());
    m_vmForm->setRowVisible(m_keyPathRow, auth == SshAuthMethod::KeyFile);
    m_vmForm->setRowVisible(m_passphrase, auth == SshAuthMethod::KeyFile);
    m_vmForm->setRowVisible(m_password, auth == SshAuthMethod::Password);
}

Target TargetDialog::target() const
{
    Target t = m_original;
    t.name = m_name->text();
    t.notes = m_notes->toPlainText();
    t.group = Target::normalizeGroup(m_group->text());
    t.tags = Target::parseTags(m_tags->text()).valueOr(QStringList());
    if (t.isVm()) {
        t.vm.host = HostName::parse(m_host->text()).valueOr(HostName());
        t.vm.port = Port::parse(m_port->text()).valueOr(Port(22));
        t.vm.user = m_user->text();
        t.vm.auth = SshAuthMethod(m_auth->currentData().toInt());
        t.vm.keyPath = t.vm.auth == SshAuthMethod::KeyFile ? m_keyPath->text() : QString();
        t.vm.jumpHost = m_jumpHost->text().isEmpty() ? JumpHost() : JumpHost::parse(m_jumpHost->text()).valueOr({});
        t.vm.sudo = m_sudo->isChecked();
        t.vm.publicHost
            = m_publicHost->text().isEmpty() ? HostName() : HostName::parse(m_publicHost->text()).valueOr(HostName());
    } else {
        t.cluster.kubeconfigPath = m_kubeconfig->text();
        t.cluster.context = m_context->text().trimmed();
        t.cluster.kubeNamespace = m_namespace->text();
        t.cluster.ingressHost
            = m_ingressHost->text().isEmpty() ? HostName() : HostName::parse(m_ingressHost->text()).valueOr(HostName());
    }
    return t;
}

TargetDialog::Secrets TargetDialog::secrets() const
{
    Secrets s;
    if (m_original.isVm()) {
        const auto auth = SshAuthMethod(m_auth->currentData().toInt());
        if (auth == SshAuthMethod::Password)
            s.password = m_password->text();
        if (auth == SshAuthMethod::KeyFile)
            s.keyPassphrase = m_passphrase->text();
    }
    return s;
}

bool TargetDialog::canAccept() const
{
    for (const ValidatedLineEdit* field : m_fields) {
        if (!field->isValid())
            return false;
    }
    return true;
}

void TargetDialog::updateState()
{
    bool ok = canAccept();
    if (ok) {
        // The fields are fine one by one; the target as a whole must be too.
        const Target t = target();
        const Status whole = m_inventory ? m_inventory->check(t) : t.validate();
        if (!whole) {
            ok = false;
            m_formError->setText(whole.error().message + QLatin1Char(' ') + whole.error().nextStep);
            m_formError->show();
        } else {
            m_formError->hide();
        }
    } else {
        m_formError->hide();
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

void TargetDialog::accept()
{
    updateState();
    if (!m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    if (m_save) {
        const Status saved = m_save(target(), secrets());
        if (!saved) {
            m_formError->setText(saved.error().toString());
            m_formError->show();
            return;
        }
    }
    QDialog::accept();
}

} // namespace aio::ui
