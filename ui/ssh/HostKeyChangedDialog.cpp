#include "ui/ssh/HostKeyChangedDialog.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace aio::ui {

HostKeyChangedDialog::HostKeyChangedDialog(const HostKeyCheck& check, const QString& targetName, QWidget* parent)
    : QDialog(parent)
    , m_check(check)
{
    setObjectName(QStringLiteral("hostKeyChangedDialog"));
    setWindowTitle(tr("Host key changed"));
    auto* layout = new QVBoxLayout(this);
    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(QStringLiteral("pages"));
    layout->addWidget(m_pages);

    // Page 1: the warning.
    auto* warning = new QWidget(m_pages);
    auto* wl = new QVBoxLayout(warning);
    const QString what = check.status == HostKeyStatus::OtherKeyType
        ? tr("The host now presents a key of a type that was never stored for it.")
        : check.status == HostKeyStatus::Revoked ? tr("The host presents a key that is marked as revoked.")
                                                 : tr("The host presents a different key than the one stored.");
    auto* text = new QLabel(
        tr("<b>The connection to %1 was refused.</b> %2<br>This happens when the VM was rebuilt or its SSH server "
           "reinstalled — or when someone is intercepting the connection (a man-in-the-middle attack). Do not "
           "replace the stored key until the host's administrator or cloud console confirms the new fingerprint.")
            .arg((targetName.isEmpty() ? check.hostForDisplay() : targetName).toHtmlEscaped(), what.toHtmlEscaped()),
        warning);
    text->setObjectName(QStringLiteral("warningLabel"));
    text->setWordWrap(true);
    wl->addWidget(text);
    auto* form = new QFormLayout;
    auto addRow = [&](const QString& label, const QString& value, const QString& name, bool mono) {
        auto* v = new QLabel(value, warning);
        v->setObjectName(name);
        v->setAccessibleName(label);
        v->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        if (mono)
            v->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        form->addRow(label, v);
    };
    addRow(tr("Host:"), check.hostForDisplay(), QStringLiteral("hostLabel"), false);
    QStringList stored;
    for (qsizetype i = 0; i < check.storedFingerprints.size(); ++i)
        stored << check.storedKeyTypes.value(i) + QLatin1Char(' ') + check.storedFingerprints[i];
    addRow(tr("Stored key:"), stored.join(QLatin1Char('\n')), QStringLiteral("oldFingerprintLabel"), true);
    addRow(tr("Stored in:"), check.storedWhere.join(QLatin1Char('\n')), QStringLiteral("storedWhereLabel"), false);
    addRow(tr("Presented key:"), check.key.type + QLatin1Char(' ') + check.fingerprint(),
           QStringLiteral("newFingerprintLabel"), true);
    wl->addLayout(form);
    auto* row = new QHBoxLayout;
    auto* replace = new QPushButton(tr("&Replace stored key…"), warning);
    replace->setObjectName(QStringLiteral("replaceKeyButton"));
    replace->setAccessibleName(tr("Replace the stored host key"));
    replace->setAutoDefault(false);
    auto* close = new QPushButton(tr("&Close"), warning);
    close->setObjectName(QStringLiteral("closeButton"));
    close->setAccessibleName(tr("Close without connecting"));
    close->setDefault(true);
    row->addWidget(replace);
    row->addStretch();
    row->addWidget(close);
    wl->addLayout(row);
    m_pages->addWidget(warning);

    // Page 2: the second confirmation.
    auto* confirm = new QWidget(m_pages);
    auto* cl = new QVBoxLayout(confirm);
    auto* ctext = new QLabel(tr("The new key %1 will be stored for %2 in the app's known_hosts file. Your own "
                                "~/.ssh/known_hosts is not changed.")
                                 .arg(check.fingerprint(), check.hostForDisplay()),
                             confirm);
    ctext->setObjectName(QStringLiteral("confirmLabel"));
    ctext->setWordWrap(true);
    cl->addWidget(ctext);
    m_confirmBox
        = new QCheckBox(tr("I have &checked this fingerprint with the host's administrator or console"), confirm);
    m_confirmBox->setObjectName(QStringLiteral("confirmCheckBox"));
    m_confirmBox->setAccessibleName(tr("I have checked the new fingerprint"));
    cl->addWidget(m_confirmBox);
    auto* crow = new QHBoxLayout;
    auto* back = new QPushButton(tr("&Back"), confirm);
    back->setObjectName(QStringLiteral("backButton"));
    back->setAccessibleName(tr("Back to the warning"));
    m_confirmButton = new QPushButton(tr("Replace &key"), confirm);
    m_confirmButton->setObjectName(QStringLiteral("confirmReplaceButton"));
    m_confirmButton->setAccessibleName(tr("Replace the stored host key now"));
    m_confirmButton->setEnabled(false);
    m_confirmButton->setAutoDefault(false);
    crow->addWidget(back);
    crow->addStretch();
    crow->addWidget(m_confirmButton);
    cl->addLayout(crow);
    m_pages->addWidget(confirm);

    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(replace, &QPushButton::clicked, this, [this] { m_pages->setCurrentIndex(1); });
    connect(back, &QPushButton::clicked, this, [this] {
        m_confirmBox->setChecked(false);
        m_pages->setCurrentIndex(0);
    });
    connect(m_confirmBox, &QCheckBox::toggled, m_confirmButton, &QPushButton::setEnabled);
    connect(m_confirmButton, &QPushButton::clicked, this, [this] {
        if (!m_confirmBox->isChecked())
            return;
        m_replaceConfirmed = true;
        accept();
    });
}

} // namespace aio::ui
