#include "ui/targets/ImportResultDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace aio::ui {

namespace {
QLabel* heading(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

QString whereOf(const Target& target)
{
    if (target.isVm())
        return target.address();
    return target.cluster.context;
}
} // namespace

ImportResultDialog::ImportResultDialog(const QString& source, const QList<Target>& added,
                                       const QList<ImportIssue>& skipped, QWidget* parent)
    : QDialog(parent)
    , m_imported(new QTreeWidget(this))
    , m_skipped(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("importResultDialog"));
    setWindowTitle(tr("Import result"));
    setAccessibleName(windowTitle());

    auto* summary = new QLabel(this);
    summary->setObjectName(QStringLiteral("importSummary"));
    summary->setWordWrap(true);
    summary->setTextFormat(Qt::PlainText);
    const QString addedText = added.size() == 1 ? tr("1 target added") : tr("%1 targets added").arg(added.size());
    const QString skippedText
        = skipped.size() == 1 ? tr("1 entry skipped") : tr("%1 entries skipped").arg(skipped.size());
    summary->setText(tr("From %1: %2, %3.").arg(source, addedText, skippedText));

    m_imported->setObjectName(QStringLiteral("importedList"));
    m_imported->setAccessibleName(tr("Imported targets"));
    m_imported->setHeaderLabels({tr("Name"), tr("Reached at"), tr("Group")});
    m_imported->setRootIsDecorated(false);
    m_imported->setUniformRowHeights(true);
    for (const Target& target : added)
        new QTreeWidgetItem(m_imported, {target.name, whereOf(target), target.group});
    m_imported->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);

    m_skipped->setObjectName(QStringLiteral("skippedList"));
    m_skipped->setAccessibleName(tr("Skipped entries"));
    m_skipped->setHeaderLabels({tr("Where"), tr("Entry"), tr("Why it was skipped")});
    m_skipped->setRootIsDecorated(false);
    m_skipped->setWordWrap(true);
    for (const ImportIssue& issue : skipped) {
        // The file's name is enough here (the summary names the file imported; the tooltip has all).
        QString where = QFileInfo(issue.file).fileName();
        if (issue.line > 0)
            where += QLatin1Char(':') + QString::number(issue.line);
        auto* item = new QTreeWidgetItem(m_skipped, {where, issue.entry, issue.reason});
        item->setToolTip(2, issue.toString());
    }
    m_skipped->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_skipped->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    // One group for all of them, if the admin wants one (offerGroups shows it).
    m_groupRow = new QWidget(this);
    auto* groupLayout = new QHBoxLayout(m_groupRow);
    groupLayout->setContentsMargins(0, 0, 0, 0);
    auto* groupLabel = new QLabel(tr("Put them all in the &group:"), m_groupRow);
    m_group = new QComboBox(m_groupRow);
    m_group->setObjectName(QStringLiteral("importGroup"));
    m_group->setEditable(true);
    m_group->setMinimumContentsLength(20);
    m_group->lineEdit()->setPlaceholderText(tr("none; e.g. Production or Production/EU"));
    groupLabel->setBuddy(m_group);
    auto* move = new QPushButton(tr("&Move"), m_groupRow);
    move->setObjectName(QStringLiteral("importGroupMove"));
    connect(move, &QPushButton::clicked, this, [this] { emit groupChosen(m_group->currentText()); });
    groupLayout->addWidget(groupLabel);
    groupLayout->addWidget(m_group, 1);
    groupLayout->addWidget(move);
    m_groupRow->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("importResultButtons"));
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeButton"));
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(8);
    layout->addWidget(summary);
    layout->addSpacing(4);
    layout->addWidget(heading(tr("Imported"), this));
    layout->addWidget(m_imported, 1);
    layout->addWidget(m_groupRow);
    layout->addSpacing(4);
    layout->addWidget(heading(tr("Skipped"), this));
    layout->addWidget(m_skipped, 1);
    layout->addWidget(buttons);
    resize(720, 480);
}

void ImportResultDialog::offerGroups(const QStringList& groups)
{
    if (m_imported->topLevelItemCount() == 0)
        return;
    m_group->clear();
    m_group->addItems(QStringList{QString()} + groups);
    m_group->setCurrentIndex(0);
    m_groupRow->show();
}

void ImportResultDialog::showGroup(const QString& group)
{
    for (int i = 0; i < m_imported->topLevelItemCount(); ++i)
        m_imported->topLevelItem(i)->setText(2, group);
}

} // namespace aio::ui
