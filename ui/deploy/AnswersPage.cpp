#include "ui/deploy/AnswersPage.h"

#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/ValidatedLineEdit.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

namespace aio::ui {

namespace {
enum ImageSource { OfficialImage = 0, MirrorImage = 1, OtherImage = 2 };

QLabel* hint(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    QPalette dim = label->palette();
    dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
    label->setPalette(dim);
    return label;
}

QFormLayout* formFor(QGroupBox* box)
{
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    return form;
}

void name(QWidget* w, const char* objectName, const QString& accessibleName)
{
    w->setObjectName(QString::fromLatin1(objectName));
    w->setAccessibleName(accessibleName);
}
} // namespace

AnswersPage::AnswersPage(QWidget* parent)
    : QWidget(parent)
    , m_problem(new MessageBanner(this))
    , m_warnings(new QLabel(this))
{
    setObjectName(QStringLiteral("answersPage"));
    auto* title = new QLabel(tr("Deployment answers"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    title->setFont(big);
    auto* intro
        = hint(tr("What to deploy and how to protect it. Nothing is changed on the VM until you apply a step; "
                  "every step first shows exactly what it will do. The answers are remembered for this target."),
               this);
    m_problem->setObjectName(QStringLiteral("answersProblem"));
    m_problem->hide();
    m_warnings->setObjectName(QStringLiteral("answersWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setTextFormat(Qt::PlainText);
    m_warnings->setStyleSheet(QStringLiteral("QLabel { color: #8a4b00; }"));
    m_warnings->hide();

    // Two columns side by side where the page is wide enough (what to run and where; how it is
    // protected), one above the other where it is not: the whole form fits a 1920x1080 screen.
    auto* content = new QWidget(this);
    m_columns = new QBoxLayout(QBoxLayout::TopToBottom, content);
    m_columns->setContentsMargins(0, 0, 8, 0);
    auto* left = m_left = new QVBoxLayout;
    left->addWidget(imageGroup());
    left->addWidget(resourcesGroup());
    left->addWidget(addressGroup());
    left->addStretch(1);
    auto* right = m_right = new QVBoxLayout;
    right->addWidget(edgeGroup());
    right->addWidget(sandboxAuthGroup());
    right->addWidget(firewallGroup());
    right->addWidget(preflightGroup());
    right->addStretch(1);
    m_columns->addLayout(left, 1);
    m_columns->addLayout(right, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("answersScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addWidget(scroll, 1);
    // Below the form: a warning that comes and goes as the admin types shortens the view from the
    // bottom, and never moves the fields under the mouse.
    layout->addWidget(m_problem);
    layout->addWidget(m_warnings);

    setAnswers(VmDeployAnswers::defaults());
}

ValidatedLineEdit* AnswersPage::addField(const QString& objectName, const QString& accessibleName,
                                         std::function<Status(const QString&)> check)
{
    auto* field = new ValidatedLineEdit(objectName, accessibleName, this);
    if (check)
        field->setCheck(std::move(check));
    connect(field, &ValidatedLineEdit::textChanged, this, [this] {
        if (m_filling)
            return;
        updateWarnings();
        emit changed();
    });
    return field;
}

QWidget* AnswersPage::imageGroup()
{
    auto* box = new QGroupBox(tr("Sandbox image"), this);
    auto* form = formFor(box);
    m_imageSource = new QComboBox(box);
    name(m_imageSource, "imageSource", tr("Image source"));
    m_imageSource->addItem(tr("Official (%1)").arg(VmDeployAnswers::defaultRepository()));
    m_imageSource->addItem(tr("Mainland-China mirror (volces.com)"));
    m_imageSource->addItem(tr("Other repository…"));
    m_repository
        = addField(QStringLiteral("imageRepository"), tr("Image repository"), [](const QString& text) -> Status {
              Result<ImageRef> ref = ImageRef::parse(text);
              if (!ref)
                  return ref.error();
              return {};
          });
    m_tag = addField(QStringLiteral("imageTag"), tr("Image version tag"), [this](const QString& text) -> Status {
        Result<ImageRef> ref = ImageRef::fromParts(m_repository->text(), text);
        if (!ref)
            return ref.error();
        return {};
    });
    m_tag->setPlaceholderText(tr("empty means latest"));
    auto* pin = new QPushButton(tr("Use %1").arg(VmDeployAnswers::suggestedTag()), box);
    name(pin, "imageTagPin", tr("Use the pinned version %1").arg(VmDeployAnswers::suggestedTag()));
    pin->setToolTip(tr("A pinned version does not change under you; \"latest\" can, at any restart."));
    auto* tagRow = new QHBoxLayout;
    tagRow->setContentsMargins(0, 0, 0, 0);
    tagRow->addWidget(m_tag, 1);
    tagRow->addWidget(pin, 0, Qt::AlignTop);
    form->addRow(tr("Source:"), m_imageSource);
    form->addRow(tr("Repository:"), m_repository);
    form->addRow(tr("Version tag:"), tagRow);
    connect(pin, &QPushButton::clicked, this, [this] { m_tag->setText(VmDeployAnswers::suggestedTag()); });
    connect(m_imageSource, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index == OfficialImage)
            m_repository->setText(VmDeployAnswers::defaultRepository());
        else if (index == MirrorImage)
            m_repository->setText(VmDeployAnswers::mirrorRepository());
        m_repository->lineEdit()->setReadOnly(index != OtherImage);
        if (index == OtherImage && !m_filling)
            m_repository->lineEdit()->setFocus();
        m_tag->revalidate();
        if (!m_filling)
            emit changed();
    });
    connect(m_repository, &ValidatedLineEdit::textChanged, m_tag, &ValidatedLineEdit::revalidate);
    return box;
}

QWidget* AnswersPage::resourcesGroup()
{
    auto* box = new QGroupBox(tr("Container limits"), this);
    auto* form = formFor(box);
    m_cpus = addField(QStringLiteral("cpuLimit"), tr("CPU limit"), [](const QString& text) -> Status {
        Result<int> cpus = VmDeployAnswers::parseCpus(text);
        if (!cpus)
            return cpus.error();
        return {};
    });
    m_memory = addField(QStringLiteral("memoryLimit"), tr("Memory limit"), [this](const QString& text) -> Status {
        Result<qint64> bytes = VmDeployAnswers::parseBytes(tr("memory limit"), text);
        if (!bytes)
            return bytes.error();
        return {};
    });
    m_shm = addField(QStringLiteral("shmSize"), tr("Shared memory size"), [this](const QString& text) -> Status {
        Result<qint64> bytes = VmDeployAnswers::parseBytes(tr("shared memory size"), text);
        if (!bytes)
            return bytes.error();
        return {};
    });
    m_timeZone = addField(QStringLiteral("timeZone"), tr("Time zone"), &VmDeployAnswers::checkTimeZone);
    form->addRow(tr("CPUs:"), m_cpus);
    form->addRow(tr("Memory:"), m_memory);
    form->addRow(tr("Shared memory:"), m_shm);
    form->addRow(tr("Time zone:"), m_timeZone);
    return box;
}

QWidget* AnswersPage::addressGroup()
{
    auto* box = new QGroupBox(tr("Public address and TLS"), this);
    auto* form = formFor(box);
    m_publicHost = addField(QStringLiteral("publicHost"), tr("Public host name"), [](const QString& text) -> Status {
        Result<HostName> host = HostName::parse(text.trimmed());
        if (!host)
            return host.error();
        return VmDeployAnswers::checkPublicHost(*host);
    });
    m_publicHost->setPlaceholderText(tr("sandbox.example.com"));
    m_tlsMode = new QComboBox(box);
    name(m_tlsMode, "tlsMode", tr("Certificate source"));
    m_tlsMode->addItem(tr("Let's Encrypt or another ACME server (certbot)"), int(VmDeployAnswers::TlsMode::Acme));
    m_tlsMode->addItem(tr("Certificate files already on the VM"), int(VmDeployAnswers::TlsMode::ExistingFiles));
    m_tlsMode->addItem(tr("My own CA, made by this app (private networks)"), int(VmDeployAnswers::TlsMode::OwnCa));

    m_tlsFields = new QStackedWidget(box);
    m_tlsFields->setObjectName(QStringLiteral("tlsFields"));
    // ACME
    auto* acme = new QWidget(m_tlsFields);
    auto* acmeForm = new QFormLayout(acme);
    acmeForm->setContentsMargins(0, 0, 0, 0);
    m_acmeEmail
        = addField(QStringLiteral("acmeEmail"), tr("E-mail for the ACME account"), &VmDeployAnswers::checkEmail);
    m_acmeEmail->setPlaceholderText(tr("admin@example.com"));
    m_acmeTos = new QCheckBox(tr("I agree to the ACME server's terms of service"), acme);
    name(m_acmeTos, "acmeAgreeTos", tr("Agree to the ACME terms of service"));
    m_acmeChallenge = new QComboBox(acme);
    name(m_acmeChallenge, "acmeChallenge", tr("ACME challenge"));
    m_acmeChallenge->addItem(tr("Webroot (nginx serves the challenge file)"),
                             int(VmDeployAnswers::AcmeChallenge::Webroot));
    m_acmeChallenge->addItem(tr("certbot's nginx plugin"), int(VmDeployAnswers::AcmeChallenge::NginxPlugin));
    m_acmeDirectory = addField(QStringLiteral("acmeDirectory"), tr("ACME directory URL"), {});
    acmeForm->addRow(tr("E-mail:"), m_acmeEmail);
    acmeForm->addRow(QString(), m_acmeTos);
    acmeForm->addRow(tr("Challenge:"), m_acmeChallenge);
    acmeForm->addRow(tr("Directory:"), m_acmeDirectory);
    // A private ACME server (step-ca, the testbed's pebble): its CA, for certbot on the VM and for
    // the final HTTPS check here. The CLI's tls.acme.caBundle.
    m_acmeCaBundle = addField(QStringLiteral("acmeCaBundle"), tr("CA certificate of a private ACME server"),
                              [](const QString& t) -> Status {
                                  if (t.isEmpty())
                                      return {};
                                  if (!QFileInfo(t).isAbsolute())
                                      return Error(ErrorKind::InvalidInput, tr("Give the file's full path."));
                                  if (t.contains(QLatin1Char('\n')))
                                      return VmDeployAnswers::checkRemotePath(tr("CA file"), t);
                                  return {};
                              });
    m_acmeCaBundle->setPlaceholderText(tr("empty: a public CA such as Let's Encrypt"));
    auto* caRow = new QWidget(acme);
    auto* caLayout = new QHBoxLayout(caRow);
    caLayout->setContentsMargins(0, 0, 0, 0);
    caLayout->addWidget(m_acmeCaBundle, 1);
    auto* browseCa = new QPushButton(tr("Browse…"), caRow);
    browseCa->setObjectName(QStringLiteral("acmeCaBundleBrowse"));
    caLayout->addWidget(browseCa);
    connect(browseCa, &QPushButton::clicked, this, [this] {
        const QString current = m_acmeCaBundle->text();
        FileDialog::openFile(this, tr("CA certificate of the ACME server"),
                             current.isEmpty() ? QDir::homePath() : QFileInfo(current).absolutePath(),
                             tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
                             [this](const QString& path) { m_acmeCaBundle->setText(path); });
    });
    acmeForm->addRow(tr("Private CA:"), caRow);
    // Existing files
    auto* existing = new QWidget(m_tlsFields);
    auto* existingForm = new QFormLayout(existing);
    existingForm->setContentsMargins(0, 0, 0, 0);
    m_certificatePath
        = addField(QStringLiteral("certificatePath"), tr("Certificate file on the VM"),
                   [this](const QString& t) { return VmDeployAnswers::checkRemotePath(tr("certificate path"), t); });
    m_certificatePath->setPlaceholderText(QStringLiteral("/etc/ssl/certs/sandbox.pem"));
    m_privateKeyPath
        = addField(QStringLiteral("privateKeyPath"), tr("Private key file on the VM"),
                   [this](const QString& t) { return VmDeployAnswers::checkRemotePath(tr("private key path"), t); });
    m_privateKeyPath->setPlaceholderText(QStringLiteral("/etc/ssl/private/sandbox.key"));
    existingForm->addRow(tr("Certificate:"), m_certificatePath);
    existingForm->addRow(tr("Private key:"), m_privateKeyPath);
    // Own CA
    auto* ownCa = new QWidget(m_tlsFields);
    auto* ownCaForm = new QFormLayout(ownCa);
    ownCaForm->setContentsMargins(0, 0, 0, 0);
    m_ownCaDirectory = addField(QStringLiteral("ownCaDirectory"), tr("Folder of the CA on this computer"),
                                [this](const QString& t) -> Status {
                                    if (t.contains(QLatin1Char('\n')))
                                        return VmDeployAnswers::checkRemotePath(tr("CA folder"), t);
                                    return {};
                                });
    m_ownCaDirectory->setPlaceholderText(tr("empty: the app's data folder"));
    ownCaForm->addRow(tr("CA folder:"), m_ownCaDirectory);
    ownCaForm->addRow(hint(tr("Browsers trust this certificate only after you install the CA's certificate."), ownCa));
    m_tlsFields->addWidget(acme);
    m_tlsFields->addWidget(existing);
    m_tlsFields->addWidget(ownCa);

    form->addRow(tr("Public host name:"), m_publicHost);
    form->addRow(tr("Certificate:"), m_tlsMode);
    form->addRow(QString(), m_tlsFields);
    connect(m_tlsMode, &QComboBox::currentIndexChanged, this, [this] {
        updateModes();
        updateWarnings();
        if (!m_filling)
            emit changed();
    });
    connect(m_tlsMode, &QComboBox::activated, this, [this] {
        m_tlsChosen = true;
        m_tlsProposed = false;
        updateWarnings();
    });
    connect(m_publicHost, &ValidatedLineEdit::textChanged, this, [this] {
        if (!m_filling)
            proposeTlsMode();
    });
    for (QCheckBox* box2 : {m_acmeTos})
        connect(box2, &QCheckBox::toggled, this, [this] {
            if (!m_filling)
                emit changed();
        });
    connect(m_acmeChallenge, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling)
            emit changed();
    });
    return box;
}

QWidget* AnswersPage::edgeGroup()
{
    auto* box = new QGroupBox(tr("Who may reach the sandbox (nginx)"), this);
    auto* form = formFor(box);
    m_allowlist = addField(QStringLiteral("edgeAllowlist"), tr("Allowed address ranges"), [](const QString& text) {
        Result<QList<Cidr>> cidrs = parseCidrs(text);
        return cidrs ? Status() : Status(cidrs.error());
    });
    m_allowlist->setPlaceholderText(tr("e.g. 203.0.113.0/24, 2001:db8::/48 (empty: everyone)"));
    m_basicAuthUser = addField(QStringLiteral("basicAuthUser"), tr("Basic auth user"), [](const QString& text) {
        return text.isEmpty() ? Status() : VmDeployAnswers::checkBasicAuthUser(text);
    });
    m_basicAuthUser->setPlaceholderText(tr("empty: no basic auth"));
    m_basicAuthPassword = new QLineEdit(box);
    name(m_basicAuthPassword, "basicAuthPassword", tr("Basic auth password"));
    m_basicAuthPassword->setEchoMode(QLineEdit::Password);
    m_basicAuthPassword->setPlaceholderText(tr("typed once, then kept in the system keychain"));
    m_authRequestUrl = addField(QStringLiteral("authRequestUrl"), tr("SSO check URL (auth_request)"),
                                [](const QString& text) -> Status {
                                    if (text.isEmpty())
                                        return {};
                                    return VmDeployAnswers::checkAuthRequestUrl(QUrl(text, QUrl::StrictMode));
                                });
    m_authRequestUrl->setPlaceholderText(tr("e.g. http://127.0.0.1:9091/api/verify (empty: none)"));
    m_signInUrl = addField(QStringLiteral("signInUrl"), tr("SSO sign-in page"), [](const QString& text) -> Status {
        if (text.isEmpty())
            return {};
        return VmDeployAnswers::checkAuthRequestUrl(QUrl(text, QUrl::StrictMode));
    });
    m_signInUrl->setPlaceholderText(tr("e.g. https://auth.example.com/oauth2/start (empty: refused browsers get 401)"));
    m_signInUrl->setToolTip(
        tr("With an SSO check: a browser the check refuses is sent here, with the page it asked for "
           "in \"rd\"."));
    m_hsts = new QComboBox(box);
    name(m_hsts, "hsts", tr("HSTS"));
    m_hsts->addItem(tr("On for ACME and existing certificates, off for the app's own CA"),
                    int(VmDeployAnswers::Hsts::Auto));
    m_hsts->addItem(tr("On (browsers refuse plain HTTP to this name for a year)"), int(VmDeployAnswers::Hsts::On));
    m_hsts->addItem(tr("Off"), int(VmDeployAnswers::Hsts::Off));
    form->addRow(tr("IP allowlist:"), m_allowlist);
    form->addRow(tr("Basic auth user:"), m_basicAuthUser);
    form->addRow(tr("Basic auth password:"), m_basicAuthPassword);
    form->addRow(tr("SSO check:"), m_authRequestUrl);
    form->addRow(tr("SSO sign-in page:"), m_signInUrl);
    form->addRow(tr("HSTS:"), m_hsts);
    connect(m_hsts, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling)
            emit changed();
    });
    connect(m_basicAuthPassword, &QLineEdit::textChanged, this, [this] {
        if (!m_filling)
            emit changed();
    });
    return box;
}

QWidget* AnswersPage::sandboxAuthGroup()
{
    auto* box = new QGroupBox(tr("Authentication at the sandbox"), this);
    auto* form = formFor(box);
    m_sandboxJwt = new QCheckBox(tr("Require a signed JWT (the private key stays on this computer)"), box);
    name(m_sandboxJwt, "sandboxJwt", tr("Require a signed JWT"));
    m_sandboxApiKey = new QCheckBox(tr("Also require an API key (random, kept on this computer)"), box);
    name(m_sandboxApiKey, "sandboxApiKey", tr("Require an API key"));
    m_keysInFiles = new QCheckBox(tr("Keep these keys in files only you can read, not in the keychain"), box);
    name(m_keysInFiles, "keysInFiles", tr("Keep the sandbox's keys in files"));
    m_keysInFiles->setToolTip(tr("For a workstation without a keychain: without it, keys made now are kept only "
                                 "until the app quits, and the next deployment must make new ones."));
    form->addRow(m_sandboxJwt);
    form->addRow(m_sandboxApiKey);
    form->addRow(m_keysInFiles);
    connect(m_keysInFiles, &QCheckBox::clicked, this, [this] {
        m_keysInFilesChosen = true;
        emit changed();
    });
    for (QCheckBox* c : {m_sandboxJwt, m_sandboxApiKey})
        connect(c, &QCheckBox::toggled, this, [this] {
            if (m_filling)
                return;
            updateWarnings();
            emit changed();
        });
    return box;
}

QWidget* AnswersPage::firewallGroup()
{
    auto* box = new QGroupBox(tr("Host firewall"), this);
    auto* form = formFor(box);
    m_firewallTool = new QComboBox(box);
    name(m_firewallTool, "firewallTool", tr("Firewall tool"));
    m_firewallTool->addItem(tr("Leave the host firewall alone"), int(VmDeployAnswers::FirewallTool::None));
    m_firewallTool->addItem(tr("ufw"), int(VmDeployAnswers::FirewallTool::Ufw));
    m_firewallTool->addItem(tr("nftables"), int(VmDeployAnswers::FirewallTool::Nftables));
    m_adminCidrs = addField(QStringLiteral("adminSshCidrs"), tr("SSH allowed from"), [](const QString& text) {
        Result<QList<Cidr>> cidrs = parseCidrs(text);
        return cidrs ? Status() : Status(cidrs.error());
    });
    m_adminCidrs->setPlaceholderText(tr("your workstation's range, e.g. 198.51.100.0/24"));
    m_autoRevert = new QSpinBox(box);
    name(m_autoRevert, "firewallAutoRevert", tr("Auto-revert after, in seconds"));
    m_autoRevert->setRange(10, 600);
    m_autoRevert->setSuffix(tr(" s"));
    m_autoRevert->setToolTip(tr("The new rules are undone by themselves unless a new SSH connection gets through "
                                "in this time, so a mistake cannot lock you out."));
    form->addRow(tr("Tool:"), m_firewallTool);
    form->addRow(tr("SSH allowed from:"), m_adminCidrs);
    form->addRow(tr("Auto-revert after:"), m_autoRevert);
    m_keepOpen = addField(QStringLiteral("firewallKeepOpen"), tr("Ports to keep open"), [](const QString& text) {
        Result<QList<quint16>> ports = parsePorts(text);
        return ports ? Status() : Status(ports.error());
    });
    m_keepOpen->setPlaceholderText(tr("TCP ports, e.g. 5432, 9000 (empty: only 80, 443 and SSH)"));
    m_keepOpen->setToolTip(tr("Everything else is dropped. The step's preview lists the services that listen on "
                              "outside addresses and would be cut off."));
    form->addRow(tr("Keep open:"), m_keepOpen);
    connect(m_firewallTool, &QComboBox::currentIndexChanged, this, [this] {
        updateModes();
        if (!m_filling)
            emit changed();
    });
    connect(m_autoRevert, &QSpinBox::valueChanged, this, [this] {
        if (!m_filling)
            emit changed();
    });
    return box;
}

QWidget* AnswersPage::preflightGroup()
{
    auto* box = new QGroupBox(tr("Preparing the VM"), this);
    auto* form = formFor(box);
    m_installMissing = new QCheckBox(tr("Install Docker and nginx with the distribution's packages when missing"), box);
    name(m_installMissing, "installMissing", tr("Install missing Docker and nginx"));
    form->addRow(m_installMissing);
    connect(m_installMissing, &QCheckBox::toggled, this, [this] {
        if (!m_filling)
            emit changed();
    });
    return box;
}

void AnswersPage::proposeTlsMode()
{
    if (m_tlsChosen)
        return;
    const Result<HostName> host = HostName::parse(m_publicHost->text().trimmed());
    const bool privateName = host && VmDeployAnswers::isPrivateName(*host);
    VmDeployAnswers probe;
    probe.acmeDirectory = QUrl(m_acmeDirectory->text().trimmed());
    const auto mode = VmDeployAnswers::TlsMode(m_tlsMode->currentData().toInt());
    if (privateName && mode == VmDeployAnswers::TlsMode::Acme && probe.acmeIsLetsEncrypt()) {
        m_tlsProposed = true;
        m_tlsMode->setCurrentIndex(m_tlsMode->findData(int(VmDeployAnswers::TlsMode::OwnCa)));
    } else if (!privateName && host && m_tlsProposed) {
        m_tlsProposed = false;
        m_tlsMode->setCurrentIndex(m_tlsMode->findData(int(VmDeployAnswers::TlsMode::Acme)));
    }
}

void AnswersPage::setAnswers(const VmDeployAnswers& a)
{
    m_filling = true;
    m_tlsChosen = false;
    m_tlsProposed = false;
    m_base = a;
    const QString repository = a.image.repository();
    const int source = repository == VmDeployAnswers::defaultRepository() ? OfficialImage
        : repository == VmDeployAnswers::mirrorRepository()               ? MirrorImage
                                                                          : OtherImage;
    m_imageSource->setCurrentIndex(source);
    m_repository->setText(repository);
    m_repository->lineEdit()->setReadOnly(source != OtherImage);
    m_tag->setText(a.image.digest().isEmpty() ? a.image.tag() : a.image.tag() + QLatin1Char('@') + a.image.digest());
    m_cpus->setText(VmDeployAnswers::formatCpus(a.cpuMillis));
    m_memory->setText(VmDeployAnswers::formatBytes(a.memoryBytes));
    m_shm->setText(VmDeployAnswers::formatBytes(a.shmBytes));
    m_timeZone->setText(a.timeZone);
    m_publicHost->setText(a.publicHost.toString());
    m_tlsMode->setCurrentIndex(m_tlsMode->findData(int(a.tlsMode)));
    m_certificatePath->setText(a.certificatePath);
    m_privateKeyPath->setText(a.privateKeyPath);
    m_acmeEmail->setText(a.acmeEmail);
    m_acmeTos->setChecked(a.acmeAgreeTos);
    m_acmeChallenge->setCurrentIndex(m_acmeChallenge->findData(int(a.acmeChallenge)));
    m_acmeDirectory->setText(a.acmeDirectory.toString());
    m_acmeCaBundle->setText(a.acmeCaBundleLocalPath);
    m_ownCaDirectory->setText(a.ownCaDirectory);
    m_allowlist->setText(joinCidrs(a.allowlist));
    m_basicAuthUser->setText(a.basicAuthUser);
    m_authRequestUrl->setText(a.authRequestUrl.toString());
    m_signInUrl->setText(a.signInUrl.toString());
    m_hsts->setCurrentIndex(m_hsts->findData(int(a.hsts)));
    m_sandboxJwt->setChecked(a.sandboxJwt);
    m_sandboxApiKey->setChecked(a.sandboxApiKey);
    m_firewallTool->setCurrentIndex(m_firewallTool->findData(int(a.firewallTool)));
    m_adminCidrs->setText(joinCidrs(a.adminSshCidrs));
    m_autoRevert->setValue(a.firewallAutoRevertSeconds);
    m_keepOpen->setText(joinPorts(a.firewallKeepOpen));
    m_installMissing->setChecked(a.installMissing);
    m_filling = false;
    updateModes();
    updateWarnings();
}

Result<ImageRef> AnswersPage::image() const
{
    return ImageRef::fromParts(m_repository->text().trimmed(), m_tag->text().trimmed());
}

Result<VmDeployAnswers> AnswersPage::answers() const
{
    VmDeployAnswers a = m_base;
    Result<ImageRef> ref = image();
    if (!ref)
        return ref.error();
    a.image = *ref;
    Result<int> cpus = VmDeployAnswers::parseCpus(m_cpus->text().trimmed());
    if (!cpus)
        return cpus.error();
    a.cpuMillis = *cpus;
    Result<qint64> memory = VmDeployAnswers::parseBytes(tr("memory limit"), m_memory->text().trimmed());
    if (!memory)
        return memory.error();
    a.memoryBytes = *memory;
    Result<qint64> shm = VmDeployAnswers::parseBytes(tr("shared memory size"), m_shm->text().trimmed());
    if (!shm)
        return shm.error();
    a.shmBytes = *shm;
    if (Status s = VmDeployAnswers::checkTimeZone(m_timeZone->text().trimmed()); !s)
        return s.error();
    a.timeZone = m_timeZone->text().trimmed();
    a.publicHost = HostName();
    if (!m_publicHost->text().trimmed().isEmpty()) {
        Result<HostName> host = HostName::parse(m_publicHost->text().trimmed());
        if (!host)
            return host.error();
        a.publicHost = *host;
    }
    a.tlsMode = VmDeployAnswers::TlsMode(m_tlsMode->currentData().toInt());
    a.certificatePath = m_certificatePath->text().trimmed();
    a.privateKeyPath = m_privateKeyPath->text().trimmed();
    a.acmeEmail = m_acmeEmail->text().trimmed();
    a.acmeAgreeTos = m_acmeTos->isChecked();
    a.acmeChallenge = VmDeployAnswers::AcmeChallenge(m_acmeChallenge->currentData().toInt());
    a.acmeDirectory = QUrl(m_acmeDirectory->text().trimmed(), QUrl::StrictMode);
    a.acmeCaBundleLocalPath = m_acmeCaBundle->text().trimmed();
    a.ownCaDirectory = m_ownCaDirectory->text().trimmed();
    Result<QList<Cidr>> allow = parseCidrs(m_allowlist->text());
    if (!allow)
        return allow.error();
    a.allowlist = *allow;
    a.basicAuthUser = m_basicAuthUser->text().trimmed();
    if (!a.basicAuthUser.isEmpty()) {
        if (Status s = VmDeployAnswers::checkBasicAuthUser(a.basicAuthUser); !s)
            return s.error();
    }
    a.authRequestUrl = QUrl();
    if (!m_authRequestUrl->text().trimmed().isEmpty()) {
        a.authRequestUrl = QUrl(m_authRequestUrl->text().trimmed(), QUrl::StrictMode);
        if (Status s = VmDeployAnswers::checkAuthRequestUrl(a.authRequestUrl); !s)
            return s.error();
    }
    a.signInUrl
        = m_signInUrl->text().trimmed().isEmpty() ? QUrl() : QUrl(m_signInUrl->text().trimmed(), QUrl::StrictMode);
    a.hsts = VmDeployAnswers::Hsts(m_hsts->currentData().toInt());
    a.sandboxJwt = m_sandboxJwt->isChecked();
    a.sandboxApiKey = m_sandboxApiKey->isChecked();
    a.firewallTool = VmDeployAnswers::FirewallTool(m_firewallTool->currentData().toInt());
    Result<QList<Cidr>> admin = parseCidrs(m_adminCidrs->text());
    if (!admin)
        return admin.error();
    a.adminSshCidrs = *admin;
    a.firewallAutoRevertSeconds = m_autoRevert->value();
    Result<QList<quint16>> keep = parsePorts(m_keepOpen->text());
    if (!keep)
        return keep.error();
    a.firewallKeepOpen = *keep;
    a.installMissing = m_installMissing->isChecked();
    if (Status s = a.validate(); !s)
        return s.error();
    return a;
}

void AnswersPage::showProblem(const Status& status)
{
    if (status) {
        m_problem->hide();
        return;
    }
    const Error& e = status.error();
    QString text = e.detail.isEmpty() ? QString() : e.detail;
    if (!e.nextStep.isEmpty())
        text = text.isEmpty() ? e.nextStep : text + QLatin1Char('\n') + e.nextStep;
    m_problem->showMessage(MessageBanner::Level::Error, e.message, text);
    m_problem->show();
}

bool AnswersPage::keysInFiles() const
{
    return m_keysInFiles->isChecked();
}

void AnswersPage::setKeysInFiles(bool inFiles)
{
    if (m_keysInFiles->isChecked() == inFiles)
        return;
    m_keysInFiles->setChecked(inFiles);
    if (!m_filling)
        emit changed(); // a plan built for the other place is out of date
}

void AnswersPage::setKeyFolder(const QString& folder)
{
    m_keysInFiles->setToolTip(tr("The files go to %1 (readable only by you). Without them, on a workstation "
                                 "without a keychain, keys made now are kept only until the app quits, and the next "
                                 "deployment must make new ones.")
                                  .arg(QDir::toNativeSeparators(folder)));
}

void AnswersPage::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Only a resize of the window changes it, never typing. Two columns only where both fit at
    // their narrowest (with room for a scroll bar), so the form never scrolls sideways.
    const int both = m_left->minimumSize().width() + m_right->minimumSize().width() + m_columns->spacing()
        + m_columns->contentsMargins().left() + m_columns->contentsMargins().right()
        + style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 8;
    m_columns->setDirection(width() >= qMax(kTwoColumnWidth, both) ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom);
}

QString AnswersPage::basicAuthPassword() const
{
    return m_basicAuthPassword->text();
}

void AnswersPage::setBasicAuthPassword(const QString& password)
{
    m_basicAuthPassword->setText(password);
}

void AnswersPage::updateModes()
{
    const auto mode = VmDeployAnswers::TlsMode(m_tlsMode->currentData().toInt());
    m_tlsFields->setCurrentIndex(mode == VmDeployAnswers::TlsMode::Acme                ? 0
                                     : mode == VmDeployAnswers::TlsMode::ExistingFiles ? 1
                                                                                       : 2);
    // Fit the stack to the visible page, not the tallest one.
    for (int i = 0; i < m_tlsFields->count(); ++i)
        m_tlsFields->widget(i)->setSizePolicy(
            QSizePolicy::Preferred, i == m_tlsFields->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    m_tlsFields->adjustSize();
    const bool firewall = m_firewallTool->currentData().toInt() != int(VmDeployAnswers::FirewallTool::None);
    m_adminCidrs->setEnabled(firewall);
    m_autoRevert->setEnabled(firewall);
    m_keepOpen->setEnabled(firewall);
}

void AnswersPage::updateWarnings()
{
    // The engine's own warnings for what the form holds now (":latest", small limits, …).
    VmDeployAnswers a = m_base;
    if (Result<ImageRef> ref = image())
        a.image = *ref;
    if (Result<qint64> memory = VmDeployAnswers::parseBytes(tr("memory limit"), m_memory->text().trimmed()))
        a.memoryBytes = *memory;
    if (Result<qint64> shm = VmDeployAnswers::parseBytes(tr("shared memory size"), m_shm->text().trimmed()))
        a.shmBytes = *shm;
    if (Result<QList<Cidr>> allow = parseCidrs(m_allowlist->text()))
        a.allowlist = *allow;
    a.basicAuthUser = m_basicAuthUser->text().trimmed();
    a.authRequestUrl = m_authRequestUrl->text().trimmed().isEmpty() ? QUrl() : QUrl(m_authRequestUrl->text().trimmed());
    a.sandboxJwt = m_sandboxJwt->isChecked();
    a.sandboxApiKey = m_sandboxApiKey->isChecked();
    QStringList warnings = a.warnings();
    if (m_tlsProposed)
        warnings.prepend(
            tr("The own CA is proposed: Let's Encrypt does not issue certificates for private names such as "
               "%1. Choose another certificate source if this name is served by an ACME server of your "
               "network.")
                .arg(m_publicHost->text().trimmed()));
    m_warnings->setText(warnings.isEmpty() ? QString() : QStringLiteral("⚠ ") + warnings.join(QStringLiteral("\n⚠ ")));
    m_warnings->setVisible(!warnings.isEmpty());
}

Result<QList<Cidr>> AnswersPage::parseCidrs(const QString& text)
{
    QList<Cidr> out;
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        Result<Cidr> cidr = Cidr::parse(part);
        if (!cidr)
            return cidr.error();
        out.append(*cidr);
    }
    return out;
}

Result<QList<quint16>> AnswersPage::parsePorts(const QString& text)
{
    QList<quint16> out;
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        Result<Port> port = Port::parse(part);
        if (!port)
            return port.error();
        if (!out.contains(port->value()))
            out.append(port->value());
    }
    return out;
}

QString AnswersPage::joinPorts(const QList<quint16>& ports)
{
    QStringList parts;
    for (quint16 p : ports)
        parts << QString::number(p);
    return parts.join(QStringLiteral(", "));
}

QString AnswersPage::joinCidrs(const QList<Cidr>& cidrs)
{
    QStringList parts;
    for (const Cidr& c : cidrs)
        parts << c.toString();
    return parts.join(QStringLiteral(", "));
}

} // namespace aio::ui
