#include "ui/deploy/HistoryDialog.h"

#include "core/deploy/History.h"
#include "ui/deploy/DiffHighlighter.h"
#include "ui/widgets/Background.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace aio::ui {

namespace {
struct Loaded
{
    Result<QList<HistoryEntry>> entries = QList<HistoryEntry>();
    int skipped = 0;
};
} // namespace

HistoryDialog::HistoryDialog(std::shared_ptr<History> history, const QString& targetName, QWidget* parent)
    : QDialog(parent)
    , m_history(std::move(history))
    , m_summary(new QLabel(this))
    , m_list(new QTreeWidget(this))
    , m_detail(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("historyDialog"));
    setWindowTitle(tr("Deployment history of %1").arg(targetName));
    m_summary->setObjectName(QStringLiteral("historySummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setAccessibleName(tr("History entries"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setHeaderLabels({tr("When"), tr("Step"), tr("Action"), tr("Outcome"), tr("Message")});
    m_list->header()->setStretchLastSection(true);
    m_detail->setObjectName(QStringLiteral("historyDetail"));
    m_detail->setAccessibleName(tr("What the entry changed"));
    m_detail->setReadOnly(true);
    m_detail->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new DiffHighlighter(m_detail->document());

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_list);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("historyClose"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem* item) { showEntry(item ? m_list->indexOfTopLevelItem(item) : -1); });
    resize(960, 640);
    reload();
}

void HistoryDialog::reload()
{
    m_summary->setText(tr("Reading %1…").arg(m_history->filePath()));
    runInBackground(
        this,
        [history = m_history] {
            Loaded l;
            l.entries = history->read(&l.skipped);
            return l;
        },
        [this](Loaded result) {
            const Loaded loaded = result;
            m_list->clear();
            m_entries.clear();
            if (!loaded.entries) {
                m_summary->setText(loaded.entries.error().message + QLatin1Char(' ') + loaded.entries.error().detail);
                emit this->loaded(0);
                return;
            }
            m_entries = *loaded.entries;
            std::reverse(m_entries.begin(), m_entries.end());
            for (const HistoryEntry& e : std::as_const(m_entries)) {
                auto* item = new QTreeWidgetItem(m_list);
                item->setText(0, QLocale().toString(e.when.toLocalTime(), QLocale::ShortFormat));
                item->setText(1, e.stepTitle.isEmpty() ? e.stepId : e.stepTitle);
                item->setText(2, e.action);
                item->setText(3, stepOutcomeName(e.outcome));
                item->setText(4, e.note());
                item->setToolTip(4, item->text(4));
            }
            for (int c = 0; c < 4; ++c)
                m_list->resizeColumnToContents(c);
            QString text = m_entries.isEmpty()
                ? tr("Nothing has been changed on this target yet.")
                : tr("Changes: %n, newest first. Kept in %1.", nullptr, int(m_entries.size()))
                      .arg(m_history->filePath());
            if (loaded.skipped > 0)
                text += QLatin1Char(' ') + tr("Unreadable lines left out: %n.", nullptr, loaded.skipped);
            m_summary->setText(text);
            if (!m_entries.isEmpty())
                m_list->setCurrentItem(m_list->topLevelItem(0));
            else
                showEntry(-1);
            emit this->loaded(int(m_entries.size()));
        });
}

void HistoryDialog::showEntry(int row)
{
    if (row < 0 || row >= m_entries.size()) {
        m_detail->clear();
        return;
    }
    const HistoryEntry& e = m_entries.at(row);
    QString text = QStringLiteral("# %1 — %2 (%3)\n")
                       .arg(e.stepTitle.isEmpty() ? e.stepId : e.stepTitle, e.action, stepOutcomeName(e.outcome));
    if (e.action == QLatin1String("skip") && !e.skipReason.isEmpty())
        text += QStringLiteral("# ") + tr("Reason: %1").arg(e.skipReason) + QLatin1Char('\n');
    else if (!e.note().isEmpty())
        text += QStringLiteral("# ") + e.note() + QLatin1Char('\n');
    const QString changes = e.changesText();
    text += changes.isEmpty() ? tr("(no command ran and no file changed)") : changes;
    m_detail->setPlainText(text);
}

} // namespace aio::ui
