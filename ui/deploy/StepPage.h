#pragma once

#include "core/deploy/PlanRunner.h"

#include <QSet>
#include <QStringList>
#include <QWidget>

class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTimer;
class QTreeWidget;

namespace aio::ui {

// The wizard page of one plan step: what the step is for, what it will change (commands and
// coloured file diffs) before "Apply", the command output streamed while it runs, the verify
// checks with ✓/✗ and their evidence, errors with what to do next, and the step's buttons
// (Preview again, Apply, Retry, Roll back, Skip, Cancel). The page only shows and asks; the
// DeployWizard feeds it from PlanRunner's signals and acts on its requests.
class StepPage : public QWidget
{
    Q_OBJECT

public:
    StepPage(int index, const Step& step, QWidget* parent = nullptr);

    int index() const { return m_index; }
    QString stepId() const { return m_stepId; }
    QString title() const { return m_title; }

    // What the history says about this step from earlier sessions (empty: nothing).
    void setHistoryNote(const QString& note);
    void showPhase(StepPhase phase);
    void showPreview(const StepPreview& preview);
    void appendOutput(OutputChannel channel, const QString& line);
    void showVerifyReport(const VerifyReport& report);
    // After stepFinished: the outcome, its message and the runner's record (error, state).
    void showFinished(StepOutcome outcome, const QString& message, const StepRecord& record);
    // Enables the buttons for the record and whether any job runs (and whether it is ours).
    void updateButtons(const StepRecord& record, bool anyJobRunning, bool thisStepRunning);
    // Clears preview, output, checks and errors (a fresh plan was built).
    void reset();

    QString statusText() const;

signals:
    void previewRequested(int index);
    void applyRequested(int index);
    void retryRequested(int index);
    void rollbackRequested(int index);
    void skipRequested(int index);
    void cancelRequested();

private:
    void showChecklist(const QString& title, const QStringList& items);
    void flushOutput();
    void showError(const std::optional<Error>& error);
    QPushButton* button(const char* objectName, const QString& text, const QString& accessibleName);

    int m_index = -1;
    QString m_stepId;
    QString m_title;
    bool m_skippable = true;

    QLabel* m_status = nullptr;
    QLabel* m_history = nullptr;
    QWidget* m_errorBox = nullptr;
    QLabel* m_errorMessage = nullptr;
    QLabel* m_errorDetail = nullptr;
    QLabel* m_errorNext = nullptr;
    QLabel* m_notes = nullptr;
    // The preview's checklist (the cloud's security group): boxes the admin ticks; a tick stays
    // while the same item is shown again (another preview).
    QGroupBox* m_handChecks = nullptr;
    QSet<QString> m_ticked;
    QTabWidget* m_sections = nullptr;
    QPlainTextEdit* m_commands = nullptr;
    QPlainTextEdit* m_diff = nullptr;
    QLabel* m_filesSummary = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QTreeWidget* m_checks = nullptr;
    QPushButton* m_preview = nullptr;
    QPushButton* m_apply = nullptr;
    QPushButton* m_retry = nullptr;
    QPushButton* m_rollback = nullptr;
    QPushButton* m_skip = nullptr;
    QPushButton* m_cancel = nullptr;

    struct PendingLine
    {
        OutputChannel channel;
        QString text;
    };
    QList<PendingLine> m_pending; // output lines not yet drawn (drawn in batches)
    QTimer* m_flushTimer = nullptr;
    int m_outputLines = 0;
};

} // namespace aio::ui
