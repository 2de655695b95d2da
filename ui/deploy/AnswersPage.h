#pragma once

#include "core/common/Result.h"
#include "core/deploy/VmDeployAnswers.h"

#include <QWidget>

#include <functional>

class QBoxLayout;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace aio::ui {

class MessageBanner;
class ValidatedLineEdit;

// The first page of the deployment wizard: everything the admin decides (image, limits, public
// name, TLS, edge access, sandbox authentication, host firewall, installing missing packages).
// Every field is checked as it is typed with the engine's own parsers (VmDeployAnswers::check…,
// ImageRef, HostName, Cidr); answers() adds the engine's cross-field validate(). Fields the
// page does not show (extra environment, log rotation…) are kept from the loaded answers.
class AnswersPage : public QWidget
{
    Q_OBJECT

public:
    explicit AnswersPage(QWidget* parent = nullptr);

    // Fills the form (the saved answers of the target, or VmDeployAnswers::defaults()).
    void setAnswers(const VmDeployAnswers& answers);
    // The answers as the form holds them, parsed and validated; the error names the field.
    Result<VmDeployAnswers> answers() const;
    // Shows the error of answers() (or any other) in the page's banner; an ok Status hides it.
    void showProblem(const Status& status);

    // The basic-auth password typed on this page (a secret: never part of the answers).
    QString basicAuthPassword() const;
    void setBasicAuthPassword(const QString& password);

    // Whether the sandbox's keys are kept in files (folder shown to the admin) rather than the
    // keychain: a workstation choice, not part of the answers.
    bool keysInFiles() const;
    void setKeysInFiles(bool inFiles);
    void setKeyFolder(const QString& folder);
    // The admin ticked or unticked it (the wizard then stops choosing for them).
    bool keysInFilesChosen() const { return m_keysInFilesChosen; }

    // From this width on, the form is two columns side by side.
    static constexpr int kTwoColumnWidth = 1000;

signals:
    // Any field changed (the wizard marks the plan out of date).
    void changed();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    ValidatedLineEdit* addField(const QString& objectName, const QString& accessibleName,
                                std::function<Status(const QString&)> check);
    QWidget* imageGroup();
    QWidget* resourcesGroup();
    QWidget* addressGroup();
    QWidget* edgeGroup();
    QWidget* sandboxAuthGroup();
    QWidget* firewallGroup();
    QWidget* preflightGroup();
    void updateModes();
    void updateWarnings();
    Result<ImageRef> image() const;
    static Result<QList<Cidr>> parseCidrs(const QString& text);
    static QString joinCidrs(const QList<Cidr>& cidrs);
    static Result<QList<quint16>> parsePorts(const QString& text);
    static QString joinPorts(const QList<quint16>& ports);

    VmDeployAnswers m_base; // the loaded answers: fields the form does not show come from here
    bool m_filling = false;
    QBoxLayout* m_columns = nullptr;
    QBoxLayout* m_left = nullptr;
    QBoxLayout* m_right = nullptr;
    // The TLS mode: the admin picked it (then the page never changes it), or the page proposed
    // the own CA because the public name is private (.test…), which Let's Encrypt does not serve.
    bool m_tlsChosen = false;
    bool m_tlsProposed = false;
    void proposeTlsMode();

    MessageBanner* m_problem = nullptr;
    QLabel* m_warnings = nullptr;
    QComboBox* m_imageSource = nullptr;
    ValidatedLineEdit* m_repository = nullptr;
    ValidatedLineEdit* m_tag = nullptr;
    ValidatedLineEdit* m_cpus = nullptr;
    ValidatedLineEdit* m_memory = nullptr;
    ValidatedLineEdit* m_shm = nullptr;
    ValidatedLineEdit* m_timeZone = nullptr;
    ValidatedLineEdit* m_publicHost = nullptr;
    QComboBox* m_tlsMode = nullptr;
    QStackedWidget* m_tlsFields = nullptr;
    ValidatedLineEdit* m_certificatePath = nullptr;
    ValidatedLineEdit* m_privateKeyPath = nullptr;
    ValidatedLineEdit* m_acmeEmail = nullptr;
    QCheckBox* m_acmeTos = nullptr;
    QComboBox* m_acmeChallenge = nullptr;
    ValidatedLineEdit* m_acmeDirectory = nullptr;
    ValidatedLineEdit* m_acmeCaBundle = nullptr;
    ValidatedLineEdit* m_ownCaDirectory = nullptr;
    ValidatedLineEdit* m_allowlist = nullptr;
    ValidatedLineEdit* m_basicAuthUser = nullptr;
    QLineEdit* m_basicAuthPassword = nullptr;
    ValidatedLineEdit* m_authRequestUrl = nullptr;
    ValidatedLineEdit* m_signInUrl = nullptr;
    QComboBox* m_hsts = nullptr;
    QCheckBox* m_sandboxJwt = nullptr;
    QCheckBox* m_sandboxApiKey = nullptr;
    QCheckBox* m_keysInFiles = nullptr;
    bool m_keysInFilesChosen = false;
    QComboBox* m_firewallTool = nullptr;
    ValidatedLineEdit* m_adminCidrs = nullptr;
    QSpinBox* m_autoRevert = nullptr;
    ValidatedLineEdit* m_keepOpen = nullptr;
    QCheckBox* m_installMissing = nullptr;
};

} // namespace aio::ui
