#pragma once

#include "core/common/Result.h"
#include "core/inventory/Target.h"

#include <QDialog>

#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTimer;

namespace aio {
class Inventory;
}

namespace aio::ui {

class ValidatedLineEdit;

// Adds, edits or duplicates one target (a VM or a cluster). Every field is checked as the user
// types, with the reason right under the field; OK stays disabled until all of them are valid.
// Passwords and passphrases typed here are handed to the save handler separately: they go to the
// SecretStore and never into the Target (so never into the inventory file).
class TargetDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Mode { Add, Edit, Duplicate };

    // Secrets typed in the dialog; empty means "unchanged" (or "ask when needed" for a new target).
    struct Secrets
    {
        QString password;
        QString keyPassphrase;
    };
    // Saves what the dialog holds; an error keeps the dialog open and shows the message in it.
    using SaveHandler = std::function<Status(const Target& target, const Secrets& secrets)>;

    TargetDialog(Mode mode, const Target& target, const Inventory* inventory, QWidget* parent = nullptr);

    void setSaveHandler(SaveHandler handler) { m_save = std::move(handler); }

    Mode mode() const { return m_mode; }
    // The target as the fields describe it now (the original id; null for Add / Duplicate).
    Target target() const;
    Secrets secrets() const;
    bool canAccept() const;

    void accept() override;

signals:
    // The contexts of the chosen kubeconfig were read and are offered in the context list.
    void contextsLoaded(const QStringList& contexts);

private:
    void buildVmForm(QFormLayout* form);
    void buildClusterForm(QFormLayout* form);
    void fill(const Target& target);
    void loadContexts();
    void updateAuthRows();
    void updateState();
    ValidatedLineEdit* addField(QFormLayout* form, const QString& objectName, const QString& label,
                                const QString& accessibleName);
    QLabel* fieldLabel(const QString& text, ValidatedLineEdit* field);
    void fitHeight();
    QWidget* withBrowseButton(ValidatedLineEdit* field, const QString& objectName, const QString& caption,
                              const QString& filter);

    Mode m_mode;
    Target m_original;
    const Inventory* m_inventory = nullptr;
    SaveHandler m_save;
    QList<ValidatedLineEdit*> m_fields;

    ValidatedLineEdit* m_name = nullptr;
    // VM
    QFormLayout* m_vmForm = nullptr;
    ValidatedLineEdit* m_host = nullptr;
    ValidatedLineEdit* m_port = nullptr;
    ValidatedLineEdit* m_user = nullptr;
    QComboBox* m_auth = nullptr;
    ValidatedLineEdit* m_keyPath = nullptr;
    QWidget* m_keyPathRow = nullptr;
    QLineEdit* m_passphrase = nullptr;
    QLineEdit* m_password = nullptr;
    ValidatedLineEdit* m_jumpHost = nullptr;
    QCheckBox* m_sudo = nullptr;
    ValidatedLineEdit* m_publicHost = nullptr;
    // Cluster
    ValidatedLineEdit* m_kubeconfig = nullptr;
    QComboBox* m_contextCombo = nullptr;
    QLineEdit* m_context = nullptr; // the combo's line edit
    QTimer* m_contextTimer = nullptr;
    ValidatedLineEdit* m_namespace = nullptr;
    ValidatedLineEdit* m_ingressHost = nullptr;

    QPlainTextEdit* m_notes = nullptr;
    ValidatedLineEdit* m_group = nullptr;
    ValidatedLineEdit* m_tags = nullptr;
    QLabel* m_formError = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace aio::ui
