#include "ui/deploy/StepPage.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTextCursor>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/deploy/DiffHighlighter.h"

namespace aio::ui {

namespace {
constexpr int kMaxOutputLines = 20'000; // older lines scroll away; history keeps what matters
constexpr int kFlushIntervalMs = 40;

enum SectionTab { ChangesTab = 0, OutputTab = 1, ChecksTab = 2 };

QPlainTextEdit* monospaceView(const char* objectName, const QString& accessibleName, QWidget* parent)
{
    auto* view = new QPlainTextEdit(parent);
    view->setObjectName(QString::fromLatin1(objectName));
    view->setAccessibleName(accessibleName);
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return view;
}

QLabel* wrapped(QWidget* parent, const char* objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}
} // namespace

StepPage::StepPage(int index, const Step& step, QWidget* parent)
    : QWidget(parent)
    , m_index(index)
    , m_stepId(step.id())
    , m_title(step.title())
    , m_skippable(step.isSkippable())
    , m_flushTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("stepPage_") + step.id());
    auto* title = new QLabel(step.title(), this);
    title->setObjectName(QStringLiteral("stepTitle"));
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    title->setFont(big);
    auto* description = wrapped(this, "stepDescription");
    description->setText(step.description());
    m_status = wrapped(this, "stepStatus");
    QFont bold = m_status->font();
    bold.setBold(true);
    m_status->setFont(bold);
    m_status->setText(tr("Not looked at yet."));
    m_history = wrapped(this, "stepHistory");
    m_history->hide();

    // Errors: what failed, why, what to do next.
    m_errorBox = new QFrame(this);
    m_errorBox->setObjectName(QStringLiteral("stepError"));
    m_errorBox->setStyleSheet(QStringLiteral("#stepError { background: #fce8e6; border: 1px solid #d93025; "
                                             "border-radius: 4px; } #stepError QLabel { color: #5f1510; }"));
    m_errorMessage = wrapped(m_errorBox, "stepErrorMessage");
    m_errorMessage->setFont(bold);
    m_errorDetail = wrapped(m_errorBox, "stepErrorDetail");
    m_errorDetail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_errorNext = wrapped(m_errorBox, "stepErrorNext");
    auto* errorLayout = new QVBoxLayout(m_errorBox);
    errorLayout->setContentsMargins(10, 8, 10, 8);
    errorLayout->addWidget(m_errorMessage);
    errorLayout->addWidget(m_errorDetail);
    errorLayout->addWidget(m_errorNext);
    m_errorBox->hide();

    m_notes = wrapped(this, "stepNotes");
    m_notes->hide();
    m_handChecks = new QGroupBox(this);
    m_handChecks->setObjectName(QStringLiteral("stepHandChecks"));
    new QVBoxLayout(m_handChecks);
    m_handChecks->hide();

    // What will change: commands above, file diffs below.
    m_commands = monospaceView("stepCommands", tr("Commands the step will run"), this);
    m_commands->setPlaceholderText(tr("The commands appear once the step has looked at the host."));
    // A long command (docker run with its flags) wraps at spaces, so it reads without scrolling
    // sideways; diffs keep their lines as they are.
    m_commands->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_diff = monospaceView("stepDiff", tr("File changes as a diff"), this);
    m_diff->setPlaceholderText(tr("No file changes."));
    new DiffHighlighter(m_diff->document());
    m_filesSummary = wrapped(this, "stepFilesSummary");
    auto* commandsBox = new QWidget(this);
    auto* commandsLayout = new QVBoxLayout(commandsBox);
    commandsLayout->setContentsMargins(0, 0, 0, 0);
    commandsLayout->addWidget(new QLabel(tr("Commands"), commandsBox));
    commandsLayout->addWidget(m_commands);
    auto* filesBox = new QWidget(this);
    auto* filesLayout = new QVBoxLayout(filesBox);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    filesLayout->addWidget(m_filesSummary);
    filesLayout->addWidget(m_diff);
    auto* changes = new QSplitter(Qt::Vertical, this);
    changes->setObjectName(QStringLiteral("stepChanges"));
    changes->setChildrenCollapsible(false);
    changes->addWidget(commandsBox);
    changes->addWidget(filesBox);
    changes->setStretchFactor(0, 2);
    changes->setStretchFactor(1, 3);

    m_output = monospaceView("stepOutput", tr("Command output"), this);
    m_output->setMaximumBlockCount(kMaxOutputLines);
    m_output->setPlaceholderText(tr("The output of the commands appears here while the step runs."));

    m_checks = new QTreeWidget(this);
    m_checks->setObjectName(QStringLiteral("stepChecks"));
    m_checks->setAccessibleName(tr("Verification checks"));
    m_checks->setColumnCount(3);
    m_checks->setHeaderLabels({QString(), tr("Check"), tr("Evidence")});
    m_checks->setRootIsDecorated(false);
    m_checks->setWordWrap(true);
    m_checks->setUniformRowHeights(false);
    m_checks->setAlternatingRowColors(true);
    m_checks->header()->setStretchLastSection(true);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_checks->setColumnWidth(1, 320);

    m_sections = new QTabWidget(this);
    m_sections->setObjectName(QStringLiteral("stepSections"));
    m_sections->setAccessibleName(tr("Step details"));
    m_sections->addTab(changes, tr("What will change"));
    m_sections->addTab(m_output, tr("Output"));
    m_sections->addTab(m_checks, tr("Checks"));

    m_preview = button("stepPreview", tr("Preview again"), tr("Look at the host again and preview the changes"));
    m_apply = button("stepApply", tr("Apply"), tr("Apply this step"));
    m_apply->setDefault(true);
    m_retry = button("stepRetry", tr("Retry"), tr("Retry this step"));
    m_rollback = button("stepRollback", tr("Roll back"), tr("Roll this step back"));
    m_skip = button("stepSkip", tr("Skip…"), tr("Skip this step, with a reason"));
    m_cancel = button("stepCancel", tr("Cancel"), tr("Cancel what runs now"));
    if (!m_skippable)
        m_skip->setToolTip(tr("This step cannot be skipped: it proves the deployment works."));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_preview);
    buttons->addWidget(m_skip);
    buttons->addStretch(1);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_rollback);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_apply);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(description);
    layout->addSpacing(4);
    layout->addWidget(m_status);
    layout->addWidget(m_history);
    layout->addWidget(m_errorBox);
    layout->addWidget(m_notes);
    layout->addWidget(m_handChecks);
    layout->addWidget(m_sections, 1);
    layout->addLayout(buttons);

    connect(m_preview, &QPushButton::clicked, this, [this] { emit previewRequested(m_index); });
    connect(m_apply, &QPushButton::clicked, this, [this] { emit applyRequested(m_index); });
    connect(m_retry, &QPushButton::clicked, this, [this] { emit retryRequested(m_index); });
    connect(m_rollback, &QPushButton::clicked, this, [this] { emit rollbackRequested(m_index); });
    connect(m_skip, &QPushButton::clicked, this, [this] { emit skipRequested(m_index); });
    connect(m_cancel, &QPushButton::clicked, this, &StepPage::cancelRequested);

    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(kFlushIntervalMs);
    connect(m_flushTimer, &QTimer::timeout, this, &StepPage::flushOutput);
    updateButtons(StepRecord(), false, false);
}

QPushButton* StepPage::button(const char* objectName, const QString& text, const QString& accessibleName)
{
    auto* b = new QPushButton(text, this);
    b->setObjectName(QString::fromLatin1(objectName));
    b->setAccessibleName(accessibleName);
    b->setAutoDefault(false);
    return b;
}

QString StepPage::statusText() const
{
    return m_status->text();
}

void StepPage::setHistoryNote(const QString& note)
{
    m_history->setText(note);
    m_history->setVisible(!note.isEmpty());
}

void StepPage::reset()
{
    m_pending.clear();
    m_outputLines = 0;
    m_commands->clear();
    m_diff->clear();
    m_filesSummary->clear();
    m_output->clear();
    m_checks->clear();
    m_notes->hide();
    showError(std::nullopt);
    m_status->setText(tr("Not looked at yet."));
    m_sections->setTabText(OutputTab, tr("Output"));
    m_sections->setTabText(ChecksTab, tr("Checks"));
}

void StepPage::showPhase(StepPhase phase)
{
    switch (phase) {
    case StepPhase::Detect:
        m_status->setText(tr("Looking at the host…"));
        showError(std::nullopt);
        break;
    case StepPhase::Preview:
        m_status->setText(tr("Working out what would change…"));
        break;
    case StepPhase::Confirm:
        m_status->setText(tr("Waiting for your confirmation…"));
        break;
    case StepPhase::Apply:
        m_status->setText(tr("Applying…"));
        m_sections->setCurrentIndex(OutputTab);
        break;
    case StepPhase::Verify:
        m_status->setText(tr("Checking the result…"));
        break;
    case StepPhase::Rollback:
        m_status->setText(tr("Rolling back…"));
        m_sections->setCurrentIndex(OutputTab);
        break;
    }
}

void StepPage::showPreview(const StepPreview& preview)
{
    m_commands->setPlainText(
        preview.commands.isEmpty() ? QString() : QStringLiteral("$ ") + preview.commands.join(QStringLiteral("\n$ ")));
    if (preview.commands.isEmpty())
        m_commands->setPlaceholderText(preview.nothingToDo ? tr("Nothing to run: the host is already as it should be.")
                                                           : tr("No commands."));
    QStringList diffs;
    int changing = 0;
    for (const FileChange& change : preview.fileChanges) {
        if (!change.changes())
            continue;
        ++changing;
        diffs << change.unifiedDiff();
    }
    m_diff->setPlainText(diffs.join(QLatin1Char('\n')));
    m_filesSummary->setText(changing == 0 ? tr("No file changes.") : tr("Files: %n change.", nullptr, changing));
    QStringList notes;
    for (const QString& w : preview.warnings)
        notes << QStringLiteral("⚠ ") + w;
    for (const QString& n : preview.notes)
        notes << QStringLiteral("ℹ ") + n;
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
    showChecklist(preview.checklistTitle, preview.checklist);
    m_sections->setCurrentIndex(ChangesTab);
}

void StepPage::showChecklist(const QString& title, const QStringList& items)
{
    const auto old = m_handChecks->findChildren<QCheckBox*>(Qt::FindDirectChildrenOnly);
    for (QCheckBox* box : old)
        delete box;
    m_handChecks->setTitle(title);
    int n = 0;
    for (const QString& item : items) {
        auto* box = new QCheckBox(item, m_handChecks);
        box->setObjectName(QStringLiteral("handCheck%1").arg(n++));
        box->setChecked(m_ticked.contains(item));
        connect(box, &QCheckBox::toggled, this, [this, item](bool on) {
            if (on)
                m_ticked.insert(item);
            else
                m_ticked.remove(item);
        });
        m_handChecks->layout()->addWidget(box);
    }
    m_handChecks->setVisible(!items.isEmpty());
}

void StepPage::appendOutput(OutputChannel channel, const QString& line)
{
    m_pending.append(PendingLine{channel, line});
    if (m_pending.size() > kMaxOutputLines) // never hold more than the view would keep
        m_pending.erase(m_pending.begin(), m_pending.begin() + (m_pending.size() - kMaxOutputLines));
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void StepPage::flushOutput()
{
    if (m_pending.isEmpty())
        return;
    QScrollBar* bar = m_output->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    QTextCharFormat normal;
    QTextCharFormat error;
    error.setForeground(QColor(0xb3, 0x26, 0x1e));
    QTextCursor cursor(m_output->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    // One insert per run of lines of the same channel: fast for thousands of lines.
    bool first = m_output->document()->characterCount() <= 1; // an empty document holds one character
    qsizetype i = 0;
    while (i < m_pending.size()) {
        const OutputChannel channel = m_pending[i].channel;
        QString chunk;
        qsizetype j = i;
        for (; j < m_pending.size() && m_pending[j].channel == channel; ++j) {
            if (!first)
                chunk += QLatin1Char('\n');
            first = false;
            chunk += m_pending[j].text;
        }
        cursor.insertText(chunk, channel == OutputChannel::Stderr ? error : normal);
        i = j;
    }
    cursor.endEditBlock();
    m_outputLines += int(m_pending.size());
    m_pending.clear();
    if (atEnd)
        bar->setValue(bar->maximum());
    m_sections->setTabText(OutputTab, tr("Output (%n lines)", nullptr, m_outputLines));
}

void StepPage::showVerifyReport(const VerifyReport& report)
{
    flushOutput();
    m_checks->clear();
    int passed = 0;
    for (const VerifyCheck& check : report.checks) {
        auto* item = new QTreeWidgetItem(m_checks);
        item->setText(0, check.passed ? QStringLiteral("✓") : QStringLiteral("✗"));
        item->setForeground(0, check.passed ? QColor(0x1e, 0x8e, 0x3e) : QColor(0xd9, 0x30, 0x25));
        QFont f = item->font(0);
        f.setBold(true);
        item->setFont(0, f);
        item->setText(1, check.name);
        item->setText(2, check.evidence);
        item->setToolTip(2, check.evidence);
        item->setData(0, Qt::AccessibleTextRole, check.passed ? tr("passed") : tr("failed"));
        passed += check.passed ? 1 : 0;
    }
    m_sections->setTabText(ChecksTab, tr("Checks (%1 of %2 passed)").arg(passed).arg(report.checks.size()));
    m_sections->setCurrentIndex(ChecksTab);
}

void StepPage::showFinished(StepOutcome outcome, const QString& message, const StepRecord& record)
{
    flushOutput();
    QString status;
    switch (outcome) {
    case StepOutcome::Previewed:
        status = record.preview.nothingToDo ? tr("Already done: nothing to change. Apply only checks it.")
                                            : tr("Previewed. Read what will change, then apply.");
        if (!message.isEmpty() && !record.preview.nothingToDo)
            status += QLatin1Char(' ') + tr("Now: %1").arg(message);
        break;
    case StepOutcome::AlreadyDone:
        status = tr("Already done: nothing was changed, the checks pass.");
        break;
    case StepOutcome::Applied:
        status = tr("Applied and verified.");
        break;
    case StepOutcome::Skipped:
        status = tr("Skipped: %1").arg(message);
        break;
    case StepOutcome::Failed:
        // Only an apply changes the host; a failed detect, preview or check changed nothing.
        status = record.rolledBack ? tr("Failed; the host was put back as it was.")
                                   : tr("Failed before anything was changed on the host.");
        break;
    case StepOutcome::RollbackFailed:
        status = tr("Failed, and rolling back failed too: the host needs a look.");
        break;
    case StepOutcome::RolledBack:
        status = tr("Rolled back: the host is as the step found it.");
        break;
    case StepOutcome::Cancelled:
        status = tr("Cancelled.");
        break;
    case StepOutcome::NotRun:
        status = message;
        break;
    }
    m_status->setText(status);
    showError(record.error);
}

void StepPage::showError(const std::optional<Error>& error)
{
    if (!error) {
        m_errorBox->hide();
        return;
    }
    m_errorMessage->setText(error->message);
    m_errorDetail->setText(error->detail.trimmed());
    m_errorDetail->setVisible(!error->detail.trimmed().isEmpty());
    m_errorNext->setText(error->nextStep.isEmpty() ? QString() : tr("What to do: %1").arg(error->nextStep));
    m_errorNext->setVisible(!error->nextStep.isEmpty());
    m_errorBox->show();
}

void StepPage::updateButtons(const StepRecord& record, bool anyJobRunning, bool thisStepRunning)
{
    const StepOutcome o = record.outcome;
    const bool idle = !anyJobRunning;
    const bool finishedWell = stepOutcomeIsFinished(o);
    const bool failed = o == StepOutcome::Failed || o == StepOutcome::Cancelled || o == StepOutcome::RollbackFailed
        || o == StepOutcome::RolledBack || (record.error.has_value() && !record.previewed);
    m_preview->setEnabled(idle);
    m_apply->setText(record.previewed && record.preview.nothingToDo ? tr("Check and mark done") : tr("Apply"));
    m_apply->setEnabled(idle && record.previewed && o == StepOutcome::Previewed);
    m_retry->setEnabled(idle && failed);
    m_rollback->setEnabled(idle && record.appliedThisRun && o == StepOutcome::Applied);
    m_skip->setEnabled(idle && m_skippable && !finishedWell);
    m_cancel->setVisible(thisStepRunning);
    m_cancel->setEnabled(thisStepRunning);
}

} // namespace aio::ui
