#include "ui/deploy/ReachPanel.h"

#include "core/deploy/vm/TlsCertificateStep.h"
#include "ui/widgets/Background.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHostInfo>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace aio::ui {

ReachPanel::Lookup ReachPanel::s_lookup;

namespace {
QLabel* line(QWidget* parent, const char* objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    return label;
}

void systemLookup(const QString& name, QObject* context, std::function<void(const QList<QHostAddress>&)> done)
{
    QHostInfo::lookupHost(name, context, [done = std::move(done)](const QHostInfo& info) {
        done(info.error() == QHostInfo::NoError ? info.addresses() : QList<QHostAddress>());
    });
}
} // namespace

void ReachPanel::setLookupForTests(Lookup lookup)
{
    s_lookup = std::move(lookup);
}

ReachPanel::ReachPanel(QWidget* parent)
    : QFrame(parent)
    , m_url(line(this, "reachUrl"))
    , m_ca(line(this, "reachCa"))
    , m_saveCa(new QPushButton(tr("Save the CA certificate…"), this))
    , m_dns(line(this, "reachDns"))
{
    setObjectName(QStringLiteral("reachPanel"));
    setFrameShape(QFrame::StyledPanel);
    auto* title = new QLabel(tr("How to reach the sandbox"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    m_url->setOpenExternalLinks(true);
    m_url->setTextFormat(Qt::RichText);
    m_ca->setTextFormat(Qt::PlainText);
    m_dns->setTextFormat(Qt::PlainText);
    m_saveCa->setObjectName(QStringLiteral("reachSaveCa"));
    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_ca, 1);
    caRow->addWidget(m_saveCa, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_url);
    layout->addLayout(caRow);
    layout->addWidget(m_dns);

    connect(m_saveCa, &QPushButton::clicked, this, [this] {
        const QString caDir = TlsCertificateStep::ownCaDirectory(m_answers);
        FileDialog::saveFile(
            this, tr("Save the CA certificate"), QDir::homePath() + QStringLiteral("/aio-sandbox-ca.crt"),
            tr("Certificates (*.crt *.pem)"), [this, caDir](const QString& target) {
                // Never over the CA's own files (its key, or the certificate itself).
                if (QFileInfo(target).absoluteDir().canonicalPath() == QDir(caDir).canonicalPath()) {
                    MessageBox::tell(this, QMessageBox::Warning, tr("Not saved"),
                                     tr("Choose a place outside the CA's folder %1.").arg(caDir));
                    return;
                }
                runInBackground(
                    this,
                    [source = caDir + QStringLiteral("/ca.crt"), target]() -> Status {
                        QFile in(source);
                        if (!in.open(QIODevice::ReadOnly))
                            return Error(ErrorKind::Io, tr("%1 cannot be read.").arg(source), in.errorString());
                        QSaveFile out(target);
                        if (!out.open(QIODevice::WriteOnly) || out.write(in.readAll()) < 0 || !out.commit())
                            return Error(ErrorKind::Io, tr("%1 cannot be written.").arg(target), out.errorString());
                        return {};
                    },
                    [this](Status saved) {
                        if (!saved)
                            MessageBox::tell(this, QMessageBox::Warning, tr("Not saved"), saved.error().toString());
                        emit caSaved(saved.ok());
                    });
            });
    });
    hide();
}

void ReachPanel::showFor(const VmDeployAnswers& answers, const HostName& vm)
{
    m_answers = answers;
    m_vm = vm;
    const QString url = QStringLiteral("https://%1/").arg(answers.publicHost.forUrl());
    m_url->setText(tr("Open <a href=\"%1\">%1</a> (VNC at %1vnc/index.html, code-server at %1code-server/). Sign "
                      "in with what the edge asks for; API clients send the key or token the answers chose.")
                       .arg(url.toHtmlEscaped()));
    const bool ownCa = answers.tlsMode == VmDeployAnswers::TlsMode::OwnCa;
    m_ca->setVisible(ownCa);
    m_saveCa->setVisible(ownCa);
    if (ownCa) {
        const QString file = TlsCertificateStep::ownCaDirectory(answers) + QStringLiteral("/ca.crt");
        m_ca->setText(tr("The certificate is issued by the app's own CA: browsers trust it only once this CA is "
                         "installed in them (or in the system's trust store): %1")
                          .arg(QDir::toNativeSeparators(file)));
    }
    const int generation = ++m_generation;
    if (answers.publicHost.isIpAddress()) {
        m_dns->setText(tr("The sandbox is served on the address %1 itself: no name needs to resolve.")
                           .arg(answers.publicHost.toString()));
        emit nameChecked();
        return;
    }
    m_dns->setText(tr("Looking up %1 from this computer…").arg(answers.publicHost.toString()));
    const Lookup lookup = s_lookup ? s_lookup : Lookup(systemLookup);
    lookup(answers.publicHost.toString(), this, [this, generation](const QList<QHostAddress>& addresses) {
        if (generation == m_generation)
            showLookup(addresses);
    });
}

void ReachPanel::showLookup(const QList<QHostAddress>& addresses)
{
    const QString name = m_answers.publicHost.toString();
    QStringList seen;
    bool toVm = false;
    const QHostAddress vmAddress(m_vm.toString());
    for (const QHostAddress& a : addresses) {
        seen << a.toString();
        toVm = toVm || (!vmAddress.isNull() && a.isEqual(vmAddress, QHostAddress::TolerantConversion));
    }
    if (addresses.isEmpty())
        m_dns->setText(tr("%1 does not resolve from this computer. Point its DNS record (A/AAAA) at the VM, or "
                          "browsers cannot find the sandbox.")
                           .arg(name));
    else if (toVm)
        m_dns->setText(tr("%1 resolves to %2, the VM's address.").arg(name, seen.join(QStringLiteral(", "))));
    else if (vmAddress.isNull())
        m_dns->setText(tr("%1 resolves to %2; the VM is reached as %3: make sure both are the same machine.")
                           .arg(name, seen.join(QStringLiteral(", ")), m_vm.toString()));
    else
        m_dns->setText(tr("%1 resolves to %2, not to %3, the address used for SSH. Behind NAT or a cloud's public "
                          "address that can be right; otherwise point the DNS record at the VM.")
                           .arg(name, seen.join(QStringLiteral(", ")), m_vm.toString()));
    emit nameChecked();
}

} // namespace aio::ui
