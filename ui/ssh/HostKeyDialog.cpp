#include "ui/ssh/HostKeyDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace aio::ui {

HostKeyDialog::HostKeyDialog(const HostKeyCheck& check, const QString& targetName, QWidget* parent)
    : QDialog(parent)
    , m_check(check)
{
    setObjectName(QStringLiteral("hostKeyDialog"));
    setWindowTitle(tr("Unknown host key"));
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(
        tr("<b>This is the first connection to %1.</b> The app cannot tell yet whether the host is the one you mean. "
           "Compare the fingerprint below with the one your cloud console or the host's administrator shows "
           "(on the host: <tt>ssh-keygen -lf /etc/ssh/ssh_host_%2_key.pub</tt>).")
            .arg(check.hostForDisplay().toHtmlEscaped(),
                 check.key.type.startsWith(QLatin1String("ecdsa")) ? QStringLiteral("ecdsa")
                     : check.key.type == QLatin1String("ssh-rsa")  ? QStringLiteral("rsa")
                                                                   : QStringLiteral("ed25519")),
        this);
    intro->setObjectName(QStringLiteral("introLabel"));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    auto addRow = [&](const QString& label, const QString& value, const QString& name) {
        auto* v = new QLabel(value, this);
        v->setObjectName(name);
        v->setAccessibleName(label);
        v->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        if (name == QLatin1String("fingerprintLabel"))
            v->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        form->addRow(label, v);
    };
    if (!targetName.isEmpty())
        addRow(tr("Target:"), targetName, QStringLiteral("targetLabel"));
    addRow(tr("Host:"), check.hostForDisplay(), QStringLiteral("hostLabel"));
    addRow(tr("Key type:"), check.key.type, QStringLiteral("keyTypeLabel"));
    addRow(tr("Fingerprint:"), check.fingerprint(), QStringLiteral("fingerprintLabel"));
    layout->addLayout(form);

    auto* buttons = new QDialogButtonBox(this);
    auto* once = buttons->addButton(tr("Accept &once"), QDialogButtonBox::AcceptRole);
    once->setObjectName(QStringLiteral("acceptOnceButton"));
    once->setAccessibleName(tr("Accept this key for this connection only"));
    auto* trust = buttons->addButton(tr("&Trust and remember"), QDialogButtonBox::AcceptRole);
    trust->setObjectName(QStringLiteral("trustButton"));
    trust->setAccessibleName(tr("Trust this key and remember it"));
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    cancel->setAccessibleName(tr("Do not connect"));
    cancel->setDefault(true); // Enter must never trust a key by accident
    layout->addWidget(buttons);

    connect(once, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::AcceptOnce); });
    connect(trust, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::TrustAndRemember); });
    connect(cancel, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::Reject); });
}

void HostKeyDialog::decide(HostKeyDecision decision)
{
    m_decision = decision;
    if (decision == HostKeyDecision::Reject)
        reject();
    else
        accept();
}

} // namespace aio::ui
