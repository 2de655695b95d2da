#include "ui/logs/LogsPage.h"

#include "core/logs/VmLogSources.h"
#include "core/ssh/SshSession.h"
#include "ui/logs/LogHistogram.h"
#include "ui/logs/LogLineDelegate.h"
#include "ui/logs/LogRowView.h"
#include "ui/logs/LogTableModel.h"
#include "ui/ssh/SessionGate.h"
#include "ui/ssh/SshHostFactory.h"
#include "ui/widgets/Background.h"
#include "ui/widgets/FileDialog.h"
#include "ui/widgets/MessageBanner.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>

namespace aio::ui {

namespace {

// A colour per source, told apart on light and dark backgrounds.
const std::array<QColor, 8> kSourceColors{QColor(0x15, 0x65, 0xc0), QColor(0x2e, 0x7d, 0x32), QColor(0x8e, 0x24, 0xaa),
                                          QColor(0xef, 0x6c, 0x00), QColor(0x00, 0x83, 0x8f), QColor(0xad, 0x14, 0x57),
                                          QColor(0x5d, 0x40, 0x37), QColor(0x45, 0x5a, 0x64)};

QString sourceTitle(const LogSourceSpec& spec)
{
    if (spec.id == QLatin1String("container"))
        return LogsPage::tr("container");
    if (spec.id == QLatin1String("proxy"))
        return LogsPage::tr("proxy access");
    if (spec.id == QLatin1String("proxy-error"))
        return LogsPage::tr("proxy errors");
    return spec.id;
}

QString sourceDescription(const LogSourceSpec& spec)
{
    if (spec.kind == LogSourceSpec::Kind::Container)
        return LogsPage::tr("Output of the container %1 (docker logs)").arg(spec.container);
    if (!spec.container.isEmpty())
        return LogsPage::tr("%1 inside the container %2").arg(spec.path, spec.container);
    return spec.path;
}

// Writes rows as "time source line" lines; runs on a worker.
Status writeRows(const QString& path, const std::vector<LogRow>& rows, const std::vector<LogSnapshot>& snaps,
                 const QList<LogTableModel::Source>& sources, bool utc, const CancelToken& cancel)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, LogsPage::tr("Cannot write %1: %2").arg(path, file.errorString()));
    QByteArray out;
    out.reserve(1 << 20);
    for (size_t i = 0; i < rows.size(); ++i) {
        const LogRow& row = rows[i];
        const size_t s = size_t(row.source());
        const QDateTime t
            = utc ? QDateTime::fromMSecsSinceEpoch(row.timeMs, Qt::UTC) : QDateTime::fromMSecsSinceEpoch(row.timeMs);
        out += t.toString(Qt::ISODateWithMs).toUtf8();
        out += ' ';
        out += s < size_t(sources.size()) ? sources[qsizetype(s)].name.toUtf8() : QByteArray("?");
        out += ' ';
        if (s < snaps.size() && row.line() >= snaps[s].firstLine() && row.line() < snaps[s].endLine()) {
            QByteArrayView line = snaps[s].line(row.line());
            if (sources[qsizetype(s)].format == LogFormat::DockerTimestamped)
                if (std::optional<DockerLine> d = splitDockerTimestamp(line))
                    line = d->message;
            out.append(line);
        }
        out += '\n';
        if (out.size() > (1 << 20)) {
            if (file.write(out) != out.size())
                return Error(ErrorKind::Io, LogsPage::tr("Cannot write %1: %2").arg(path, file.errorString()));
            out.clear();
            if (cancel.isCancelled())
                return Error(ErrorKind::Cancelled, LogsPage::tr("Saving was stopped; %1 is unchanged.").arg(path));
        }
    }
    if (file.write(out) != out.size() || !file.commit())
        return Error(ErrorKind::Io, LogsPage::tr("Cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace

LogsPage::LogsPage(const Target& target, SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_target(target)
    , m_factory(new SshHostFactory(secrets, this))
{
    setObjectName(QStringLiteral("logsPage"));
    buildUi();
    m_gate = std::make_shared<SessionGate>(m_factory);
    connect(this, &QObject::destroyed, this, [gate = m_gate] { gate->close(); });
    setTarget(target);
}

LogsPage::~LogsPage()
{
    if (m_openCancel)
        m_openCancel->cancel();
    delete m_session; // cancels its threads, which end on their own
}

void LogsPage::setTarget(const Target& target)
{
    const bool reach = target.vm.host != m_target.vm.host || target.vm.port != m_target.vm.port
        || target.vm.user != m_target.vm.user || target.vm.sudo != m_target.vm.sudo;
    m_target = target;
    m_opener = [target, gate = m_gate](const CancelToken& cancel) -> Result<Opened> {
        Result<std::shared_ptr<SshSession>> session = SessionGate::factory(gate)(target);
        if (!session)
            return session.error();
        std::shared_ptr<RemoteHost> host = *session;
        Result<QList<LogSourceSpec>> sources
            = VmLogSources::discover(*host, VmLogSources::containerNameOf(target), target.vm.sudo, cancel);
        if (!sources)
            return sources.error().onTarget(target.name);
        return Opened{host, *sources};
    };
    if (reach && m_openedOnce)
        open();
}

void LogsPage::setOpener(Opener opener)
{
    m_opener = std::move(opener);
}

void LogsPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!m_openedOnce)
        open();
}

void LogsPage::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    m_banner = new MessageBanner(this);
    m_banner->hide();
    layout->addWidget(m_banner);

    // Sources and view settings.
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Sources:"), this));
    m_sourceBoxes = new QHBoxLayout;
    top->addLayout(m_sourceBoxes);
    top->addStretch(1);
    m_shape = new QComboBox(this);
    m_shape->setObjectName(QStringLiteral("logShape"));
    m_shape->addItem(tr("Lines"));
    m_shape->addItem(tr("Access table"));
    m_shape->setToolTip(tr("Access table: nginx access lines as columns (client, method, path, status, bytes, time)"));
    top->addWidget(m_shape);
    m_follow = new QToolButton(this);
    m_follow->setObjectName(QStringLiteral("logFollow"));
    m_follow->setText(tr("Follow"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Stay at the newest line (End). Scrolling up stops following."));
    top->addWidget(m_follow);
    m_pause = new QToolButton(this);
    m_pause->setObjectName(QStringLiteral("logPause"));
    m_pause->setText(tr("Pause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Hold the view still; the sources go on reading, and resume shows what came"));
    top->addWidget(m_pause);
    m_utc = new QCheckBox(tr("UTC"), this);
    m_utc->setChecked(true);
    top->addWidget(m_utc);
    m_save = new QToolButton(this);
    m_save->setObjectName(QStringLiteral("logSave"));
    m_save->setText(tr("Save…"));
    m_save->setPopupMode(QToolButton::InstantPopup);
    auto* saveMenu = new QMenu(m_save);
    saveMenu->addAction(tr("Save the lines shown…"), this, [this] { saveLines(false); });
    saveMenu->addAction(tr("Save every line in memory…"), this, [this] { saveLines(true); });
    m_save->setMenu(saveMenu);
    top->addWidget(m_save);
    layout->addLayout(top);

    // Search and quick filters.
    auto* filters = new QHBoxLayout;
    m_searchField = new QLineEdit(this);
    m_searchField->setObjectName(QStringLiteral("logSearch"));
    m_searchField->setPlaceholderText(tr("Search (Ctrl+F); Enter for the next match"));
    m_searchField->setClearButtonEnabled(true);
    filters->addWidget(m_searchField, 3);
    m_regex = new QCheckBox(tr("Regex"), this);
    m_case = new QCheckBox(tr("Match case"), this);
    m_onlyMatching = new QCheckBox(tr("Only matching"), this);
    m_onlyMatching->setObjectName(QStringLiteral("logOnlyMatching"));
    filters->addWidget(m_regex);
    filters->addWidget(m_case);
    filters->addWidget(m_onlyMatching);
    m_prev = new QToolButton(this);
    m_prev->setArrowType(Qt::UpArrow);
    m_prev->setToolTip(tr("Previous match (Shift+F3)"));
    m_next = new QToolButton(this);
    m_next->setArrowType(Qt::DownArrow);
    m_next->setToolTip(tr("Next match (F3)"));
    filters->addWidget(m_prev);
    filters->addWidget(m_next);
    m_matches = new QLabel(this);
    m_matches->setObjectName(QStringLiteral("logMatches"));
    m_matches->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("000,000,000 matches")));
    filters->addWidget(m_matches);
    m_level = new QComboBox(this);
    m_level->setObjectName(QStringLiteral("logLevel"));
    m_level->addItem(tr("Any level"), int(LogLevel::None));
    m_level->addItem(tr("Notice and worse"), int(LogLevel::Notice));
    m_level->addItem(tr("Warnings and worse"), int(LogLevel::Warning));
    m_level->addItem(tr("Errors and worse"), int(LogLevel::Error));
    filters->addWidget(m_level);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_status->addItem(tr("Any status"), 0);
    m_status->addItem(tr("2xx"), int(LogViewFilter::statusClassBit(200)));
    m_status->addItem(tr("3xx"), int(LogViewFilter::statusClassBit(300)));
    m_status->addItem(tr("4xx"), int(LogViewFilter::statusClassBit(400)));
    m_status->addItem(tr("5xx"), int(LogViewFilter::statusClassBit(500)));
    m_status->addItem(tr("4xx and 5xx"), int(LogViewFilter::statusClassBit(400) | LogViewFilter::statusClassBit(500)));
    m_status->setToolTip(tr("Access lines with this status (other lines are then hidden)"));
    filters->addWidget(m_status);
    m_client = new QLineEdit(this);
    m_client->setObjectName(QStringLiteral("logClient"));
    m_client->setPlaceholderText(tr("Client address"));
    m_client->setClearButtonEnabled(true);
    m_client->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000:0000:0000:0000:0000")));
    filters->addWidget(m_client, 1);
    layout->addLayout(filters);

    auto* rangeRow = new QHBoxLayout;
    m_range = new QLabel(tr("Drag across the histogram to see a time range."), this);
    m_range->setObjectName(QStringLiteral("logRange"));
    rangeRow->addWidget(m_range, 1);
    m_clearRange = new QToolButton(this);
    m_clearRange->setText(tr("Show all times"));
    m_clearRange->setToolTip(tr("Show every time again"));
    m_clearRange->setEnabled(false);
    rangeRow->addWidget(m_clearRange);
    layout->addLayout(rangeRow);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_histogram = new LogHistogram(splitter);
    m_histogram->setObjectName(QStringLiteral("logHistogram"));
    m_model = new LogTableModel(this);
    m_view = new LogRowView(splitter);
    m_view->setObjectName(QStringLiteral("logView"));
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setRowHeight(fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setSectionsClickable(true);
    m_view->horizontalHeader()->setSortIndicatorShown(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_delegate = new LogLineDelegate(m_view);
    m_delegate->setColumns({LogTableModel::MessageColumn});
    m_view->setItemDelegate(m_delegate);
    m_details = new QPlainTextEdit(splitter);
    m_details->setObjectName(QStringLiteral("logDetails"));
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("The selected lines, whole"));
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    splitter->addWidget(m_histogram);
    splitter->addWidget(m_view);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 5);
    splitter->setStretchFactor(2, 1);
    splitter->setSizes({72, 400, 80});
    layout->addWidget(splitter, 1);

    auto* bottom = new QHBoxLayout;
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("logStatusLine"));
    m_statusLabel->setTextFormat(Qt::RichText);
    m_statusLabel->setWordWrap(true);
    bottom->addWidget(m_statusLabel, 1);
    m_loadOlder = new QPushButton(tr("Load older lines"), this);
    m_loadOlder->setObjectName(QStringLiteral("logLoadOlder"));
    m_loadOlder->setToolTip(tr("Read back, from this computer's disk, up to %1 older lines of each source that "
                               "the memory limit let go, and show them before the others")
                                .arg(QLocale().toString(LogSession::kOlderBatch)));
    m_loadOlder->hide();
    bottom->addWidget(m_loadOlder);
    m_wrap = new QCheckBox(tr("Wrap"), this);
    m_wrap->setChecked(true);
    m_wrap->setToolTip(tr("Wrap long lines in the pane of selected lines"));
    bottom->addWidget(m_wrap);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(160);
    m_progress->hide();
    bottom->addWidget(m_progress);
    m_cancelReset = new QPushButton(tr("Stop"), this);
    m_cancelReset->setToolTip(tr("Stop the search and show every line"));
    m_cancelReset->hide();
    bottom->addWidget(m_cancelReset);
    layout->addLayout(bottom);

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    m_statusTimer = new QTimer(this);
    m_statusTimer->setInterval(1000);

    connect(m_searchField, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchField, &QLineEdit::returnPressed, this, [this] {
        if (m_searchDelay->isActive()) {
            m_searchDelay->stop();
            applySearch();
        }
        goToMatch(true);
    });
    connect(m_searchDelay, &QTimer::timeout, this, &LogsPage::applySearch);
    connect(m_regex, &QCheckBox::toggled, this, &LogsPage::applySearch);
    connect(m_case, &QCheckBox::toggled, this, &LogsPage::applySearch);
    connect(m_onlyMatching, &QCheckBox::toggled, this, &LogsPage::applySearch);
    connect(m_prev, &QToolButton::clicked, this, [this] { goToMatch(false); });
    connect(m_next, &QToolButton::clicked, this, [this] { goToMatch(true); });
    connect(m_level, &QComboBox::currentIndexChanged, this, &LogsPage::applyFilter);
    connect(m_status, &QComboBox::currentIndexChanged, this, &LogsPage::applyFilter);
    connect(m_client, &QLineEdit::editingFinished, this, &LogsPage::applyFilter);
    connect(m_client, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty())
            applyFilter();
    });
    connect(m_shape, &QComboBox::currentIndexChanged, this, [this](int i) {
        const bool access = i == 1;
        unsort();
        m_model->setShape(access ? LogTableModel::Shape::Access : LogTableModel::Shape::Lines);
        m_delegate->setColumns(access ? QList<int>{LogTableModel::AccessPath, LogTableModel::AccessAgent}
                                      : QList<int>{LogTableModel::MessageColumn});
        for (qsizetype b = 0; b < m_sourceChecks.size() && b < m_model->sources().size(); ++b)
            m_sourceChecks[b]->setEnabled(!access || m_model->sources()[b].format == LogFormat::NginxAccess);
        sizeColumns();
        applyFilter();
    });
    connect(m_follow, &QToolButton::toggled, this, [this](bool on) {
        if (on) {
            m_scrolling = true;
            m_view->scrollToBottom();
            m_scrolling = false;
        }
    });
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) {
        if (!paused && m_sortColumn >= 0)
            unsort(); // live lines come in time order
        if (m_session && !m_pausedBySort)
            m_session->setPaused(paused);
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
        updateStatus();
    });
    connect(m_utc, &QCheckBox::toggled, this, [this](bool utc) {
        m_model->setUtc(utc);
        m_histogram->setUtc(utc);
        showDetails();
    });
    connect(m_wrap, &QCheckBox::toggled, this, [this](bool wrap) {
        m_details->setLineWrapMode(wrap ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
    });
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (m_scrolling)
            return;
        // Scrolling up stops following; scrolling back to the end takes it up again.
        const bool atEnd = value >= m_view->verticalScrollBar()->maximum();
        if (atEnd != m_follow->isChecked())
            m_follow->setChecked(atEnd);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LogsPage::showDetails);
    connect(m_histogram, &LogHistogram::rangeSelected, this, &LogsPage::setTimeRange);
    connect(m_view->horizontalHeader(), &QHeaderView::sectionClicked, this, &LogsPage::sortBy);
    connect(m_clearRange, &QToolButton::clicked, this,
            [this] { setTimeRange(std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max()); });
    connect(m_histogram, &LogHistogram::barsChanged, this, [this](int bars) {
        if (m_session)
            m_session->setHistogramBars(bars);
    });
    connect(m_statusTimer, &QTimer::timeout, this, &LogsPage::updateStatus);
    connect(m_loadOlder, &QPushButton::clicked, this, [this] {
        if (!m_session)
            return;
        m_loadingOlder = true;
        m_loadOlder->setEnabled(false);
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("Reading older lines"));
        m_progress->show();
        m_cancelReset->setToolTip(tr("Stop, and show only the lines in memory"));
        m_cancelReset->show();
        m_session->loadOlder();
    });
    connect(m_cancelReset, &QPushButton::clicked, this, [this] {
        if (m_loadingOlder) {
            m_session->forgetOlder();
            return;
        }
        m_searchField->clear();
        m_onlyMatching->setChecked(false);
        applySearch();
    });

    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] {
        m_searchField->setFocus();
        m_searchField->selectAll();
    });
    auto* next = new QShortcut(QKeySequence::FindNext, this);
    connect(next, &QShortcut::activated, this, [this] { goToMatch(true); });
    auto* previous = new QShortcut(QKeySequence::FindPrevious, this);
    connect(previous, &QShortcut::activated, this, [this] { goToMatch(false); });
    auto* copy = new QShortcut(QKeySequence::Copy, m_view);
    copy->setContext(Qt::WidgetShortcut);
    connect(copy, &QShortcut::activated, this, &LogsPage::copySelection);
    auto* end = new QShortcut(QKeySequence(Qt::Key_End), m_view);
    end->setContext(Qt::WidgetShortcut);
    connect(end, &QShortcut::activated, this, [this] { m_follow->setChecked(true); });
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* copyAction = new QAction(tr("Copy lines"), m_view);
    connect(copyAction, &QAction::triggered, this, &LogsPage::copySelection);
    m_view->addAction(copyAction);
    auto* onlyClient = new QAction(tr("Show only this client"), m_view);
    connect(onlyClient, &QAction::triggered, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (!current.isValid())
            return;
        const std::optional<QByteArrayView> line = m_model->lineBytes(current.row());
        if (!line)
            return;
        if (const std::optional<AccessLogLine> a = parseAccessLine(*line)) {
            m_client->setText(QString::fromUtf8(a->client.data(), a->client.size()));
            applyFilter();
        }
    });
    m_view->addAction(onlyClient);

    updateMatchLabel();
}

void LogsPage::open()
{
    m_openedOnce = true;
    if (m_openCancel)
        m_openCancel->cancel();
    delete m_session;
    m_model->setSources({});
    for (QCheckBox* box : std::as_const(m_sourceChecks))
        delete box;
    m_sourceChecks.clear();
    m_openCancel = std::make_shared<CancelToken>();
    const int generation = ++m_generation;
    m_banner->showMessage(MessageBanner::Level::Information, tr("Connecting"),
                          tr("Opening %1 and looking for its logs…").arg(m_target.name));
    m_banner->show();
    runInBackground(
        this, [opener = m_opener, cancel = m_openCancel] { return opener(*cancel); },
        [this, generation](const Result<Opened>& result) {
            if (generation != m_generation)
                return;
            m_openCancel.reset();
            if (!result) {
                const QString why = result.error().toString();
                m_banner->showMessage(MessageBanner::Level::Error, tr("The logs could not be opened"), why);
                connect(m_banner->addButton(QStringLiteral("logRetry"), tr("Try again")), &QPushButton::clicked, this,
                        &LogsPage::open);
                emit openFailed(why);
                return;
            }
            started(*result);
        });
}

void LogsPage::started(const Opened& result)
{
    m_banner->hide();
    QList<LogTableModel::Source> sources;
    for (qsizetype i = 0; i < result.sources.size(); ++i) {
        const LogSourceSpec& spec = result.sources[i];
        const QColor color = kSourceColors[size_t(i) % kSourceColors.size()];
        sources.append(LogTableModel::Source{spec.id, color, spec.format});
        auto* box = new QCheckBox(sourceTitle(spec), this);
        box->setObjectName(QStringLiteral("logSource_") + spec.id);
        box->setChecked(true);
        box->setToolTip(sourceDescription(spec));
        QPalette palette = box->palette();
        palette.setColor(QPalette::WindowText, color);
        box->setPalette(palette);
        connect(box, &QCheckBox::toggled, this, &LogsPage::applyFilter);
        m_sourceBoxes->addWidget(box);
        m_sourceChecks.append(box);
    }
    m_model->setSources(sources);
    sizeColumns();
    m_session = new LogSession(result.host, result.sources, m_options, this);
    connect(m_session, &LogSession::updated, this, &LogsPage::applyUpdate);
    connect(m_session, &LogSession::sourceStatusChanged, this, &LogsPage::updateStatus);
    connect(m_session, &LogSession::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
        m_progress->setFormat(m_loadingOlder ? tr("Showing older lines %p%") : tr("Searching %p%"));
        m_progress->show();
        m_cancelReset->setToolTip(m_loadingOlder ? tr("Stop, and show only the lines in memory")
                                                 : tr("Stop the search and show every line"));
        m_cancelReset->show();
    });
    connect(m_session, &LogSession::olderLoaded, this, [this](qint64 lines, const QString& error) {
        if (!error.isEmpty())
            m_banner->showMessage(MessageBanner::Level::Warning, tr("Older lines could not be read back"), error);
        else
            m_saveNote = tr("%n older line(s) read back from disk", nullptr,
                            int(std::min<qint64>(lines, std::numeric_limits<int>::max())));
        updateStatus();
    });
    m_session->setPaused(m_pause->isChecked());
    m_session->setHistogramBars(m_histogram->isVisible() ? m_histogram->barsThatFit() : 0);
    applyFilter();
    applySearch();
    m_session->start();
    m_statusTimer->start();
    updateStatus();
    emit opened();
}

void LogsPage::sizeColumns()
{
    // Widths for what the columns hold; the last (message, user agent) takes the rest.
    const QFontMetrics fm = fontMetrics();
    const QFontMetrics fixed(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    QHeaderView* header = m_view->horizontalHeader();
    int sourceWidth = fm.horizontalAdvance(tr("Source")) + 24;
    for (const LogTableModel::Source& s : m_model->sources())
        sourceWidth = std::max(sourceWidth, fm.horizontalAdvance(s.name) + 16);
    header->resizeSection(0, fm.horizontalAdvance(QStringLiteral("0000-00-00 00:00:00.000")) + 16);
    header->resizeSection(1, std::min(sourceWidth, 220));
    if (m_model->shape() == LogTableModel::Shape::Lines) {
        header->resizeSection(LogTableModel::LevelColumn, fm.horizontalAdvance(QStringLiteral("critical")) + 16);
        return;
    }
    header->resizeSection(LogTableModel::AccessClient, fixed.horizontalAdvance(QStringLiteral("000.000.000.000")) + 16);
    header->resizeSection(LogTableModel::AccessMethod, fixed.horizontalAdvance(QStringLiteral("OPTIONS")) + 16);
    header->resizeSection(LogTableModel::AccessPath, fixed.horizontalAdvance(QLatin1Char('x')) * 48);
    header->resizeSection(LogTableModel::AccessStatus, fm.horizontalAdvance(tr("Status")) + 24);
    header->resizeSection(LogTableModel::AccessBytes, fm.horizontalAdvance(QStringLiteral("000000000")) + 16);
    header->resizeSection(LogTableModel::AccessUpstream, fm.horizontalAdvance(tr("Upstream s")) + 24);
}

void LogsPage::sortBy(int column)
{
    if (m_model->shape() != LogTableModel::Shape::Access || !m_session)
        return;
    if (column == LogTableModel::AccessTime || column == LogTableModel::AccessSource
        || (column == m_sortColumn && m_sortOrder == Qt::DescendingOrder)) {
        unsort();
        return;
    }
    m_sortOrder = column == m_sortColumn ? Qt::DescendingOrder : Qt::AscendingOrder;
    m_sortColumn = column;
    m_view->horizontalHeader()->setSortIndicatorShown(true);
    m_view->horizontalHeader()->setSortIndicator(column, m_sortOrder);
    if (!m_session->isPaused()) {
        m_session->setPaused(true);
        m_pausedBySort = true;
    }
    m_follow->setChecked(false);
    sortRows();
}

void LogsPage::sortRows()
{
    const int generation = ++m_sortGeneration;
    std::vector<LogRow> rows(m_model->rows().begin(), m_model->rows().end());
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Sorting"));
    m_progress->show();
    runInBackground(
        this,
        [rows = std::move(rows), snaps = m_model->snapshots(), column = m_sortColumn, order = m_sortOrder]() mutable {
            return LogTableModel::sortedByColumn(std::move(rows), snaps, column, order);
        },
        [this, generation](const std::vector<LogRow>& sorted) {
            m_progress->hide();
            if (generation != m_sortGeneration || m_sortColumn < 0)
                return;
            m_model->setSortedRows(sorted);
            m_view->scrollToTop();
            updateStatus();
        });
}

void LogsPage::unsort()
{
    if (m_sortColumn < 0)
        return;
    m_sortColumn = -1;
    ++m_sortGeneration;
    m_view->horizontalHeader()->setSortIndicatorShown(false);
    if (m_session) {
        if (m_pausedBySort)
            m_session->setPaused(m_pause->isChecked()); // as the admin left it
        m_session->setFilter(m_filter); // time order again: the next update is a reset
    }
    m_pausedBySort = false;
    updateStatus();
}

quint64 LogsPage::hiddenMask() const
{
    quint64 mask = 0;
    const bool access = m_shape->currentIndex() == 1;
    for (qsizetype i = 0; i < m_sourceChecks.size() && i < LogRow::kMaxSources; ++i) {
        const bool notAccess
            = access && i < m_model->sources().size() && m_model->sources()[i].format != LogFormat::NginxAccess;
        if (!m_sourceChecks[i]->isChecked() || notAccess)
            mask |= 1ULL << i;
    }
    return mask;
}

void LogsPage::applyFilter()
{
    m_filter.hiddenSources = hiddenMask();
    m_filter.minLevel = LogLevel(m_level->currentData().toInt());
    m_filter.statusClasses = quint8(m_status->currentData().toInt());
    m_filter.client = m_client->text().trimmed().toUtf8();
    m_filter.onlyMatching = m_onlyMatching->isChecked() ? m_search : nullptr;
    if (m_session)
        m_session->setFilter(m_filter);
}

void LogsPage::applySearch()
{
    const QString text = m_searchField->text();
    std::shared_ptr<const LogMatcher> search;
    if (!text.isEmpty()) {
        Result<LogMatcher> m = LogMatcher::compile(
            LogQuery{text, m_regex->isChecked() ? LogQuery::Mode::Regex : LogQuery::Mode::Plain, m_case->isChecked()});
        if (!m) {
            m_matches->setText(
                QStringLiteral("<span style='color:#c62828'>%1</span>").arg(m.error().message.toHtmlEscaped()));
            m_matches->setToolTip(m.error().message);
            return;
        }
        search = std::make_shared<const LogMatcher>(std::move(*m));
    }
    m_matches->setToolTip({});
    m_search = search;
    m_delegate->setSearch(search);
    if (m_session)
        m_session->setSearch(search);
    applyFilter();
    m_view->viewport()->update();
    updateMatchLabel();
}

void LogsPage::applyUpdate(const std::shared_ptr<const LogViewUpdate>& update)
{
    if (m_sortColumn >= 0) {
        // Sorted rows are a still picture: only a new filter or search changes them (sorted again).
        if (update->histogram)
            m_histogram->setBins(*update->histogram);
        if (update->delta.reset) {
            m_model->apply(*update);
            endReset();
            sortRows();
            updateMatchLabel();
            emit rowsUpdated();
        }
        return;
    }
    // The line the admin is on, found again after the update: a reset (a new filter) or a late
    // line merged in before it moves it to another row.
    const QModelIndex current = m_view->currentIndex();
    const LogViewDelta& delta = update->delta;
    const bool moves = current.isValid() && (delta.reset || current.row() >= delta.dropFront + delta.replaceFrom);
    const std::optional<LogRow> keep
        = moves ? std::optional<LogRow>(m_model->rows()[size_t(current.row())]) : std::nullopt;
    m_model->apply(*update);
    if (delta.reset)
        endReset();
    if (keep) {
        const std::deque<LogRow>& rows = m_model->rows();
        auto it = std::lower_bound(rows.begin(), rows.end(), keep->timeMs,
                                   [](const LogRow& r, qint64 t) { return r.timeMs < t; });
        for (; it != rows.end() && it->timeMs == keep->timeMs; ++it) {
            if ((it->ref & ~LogRow::kMatchBit) == (keep->ref & ~LogRow::kMatchBit)) {
                const QModelIndex found = m_model->index(int(it - rows.begin()), current.column());
                m_view->selectionModel()->setCurrentIndex(
                    found, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                if (delta.reset && !m_follow->isChecked())
                    m_view->scrollTo(found, QAbstractItemView::PositionAtCenter);
                break;
            }
        }
    }
    if (m_follow->isChecked()) {
        m_scrolling = true;
        m_view->scrollToBottom();
        m_scrolling = false;
    }
    if (update->histogram)
        m_histogram->setBins(*update->histogram);
    if (update->delta.reset)
        showDetails();
    updateMatchLabel();
    emit rowsUpdated();
}

void LogsPage::endReset()
{
    m_progress->hide();
    m_cancelReset->hide();
    m_loadingOlder = false;
    m_loadOlder->setEnabled(true);
}

void LogsPage::goToMatch(bool forward)
{
    const QModelIndex current = m_view->currentIndex();
    const int from = current.isValid() ? current.row() : (forward ? -1 : m_model->rowCount());
    const int row = m_model->nextMatch(from, forward);
    if (row < 0)
        return;
    m_follow->setChecked(false);
    const QModelIndex target = m_model->index(row, 0);
    m_view->setCurrentIndex(target);
    m_view->scrollTo(target, QAbstractItemView::PositionAtCenter);
}

void LogsPage::updateMatchLabel()
{
    if (!m_search) {
        m_matches->setText(QString());
        m_prev->setEnabled(false);
        m_next->setEnabled(false);
        return;
    }
    const qint64 n = m_model->matchCount();
    m_matches->setText(tr("%n match(es)", nullptr, int(std::min<qint64>(n, std::numeric_limits<int>::max()))));
    m_prev->setEnabled(n > 0);
    m_next->setEnabled(n > 0);
}

QString LogsPage::matchText() const
{
    return m_matches->text();
}

void LogsPage::updateStatus()
{
    if (!m_session) {
        m_statusLabel->clear();
        return;
    }
    QStringList parts;
    const QLocale locale;
    bool anyOnDisk = false;
    for (int i = 0; i < m_session->sources().size(); ++i) {
        const LogSession::SourceStatus s = m_session->status(i);
        const LogSession::Counts c = m_session->counts(i);
        QString state;
        QString color;
        switch (s.state) {
        case LogSession::SourceStatus::State::Connecting:
            state = tr("connecting");
            color = QStringLiteral("#757575");
            break;
        case LogSession::SourceStatus::State::Live:
            state = tr("live");
            color = QStringLiteral("#2e7d32");
            break;
        case LogSession::SourceStatus::State::Reconnecting:
            state = tr("reconnecting: %1").arg(s.message);
            color = QStringLiteral("#b26a00");
            break;
        case LogSession::SourceStatus::State::Ended:
            state = tr("ended");
            color = QStringLiteral("#757575");
            break;
        case LogSession::SourceStatus::State::Failed:
            state = tr("failed: %1").arg(s.message);
            color = QStringLiteral("#c62828");
            break;
        }
        QString part
            = QStringLiteral("<span style='color:%1'>&#9679;</span> <b>%2</b> %3 · %4")
                  .arg(color, m_session->sources()[i].id.toHtmlEscaped(), state.toHtmlEscaped(),
                       tr("%n line(s)", nullptr, int(std::min<qint64>(c.lines, std::numeric_limits<int>::max()))));
        if (c.onDisk > 0)
            part += QStringLiteral(" · ") + tr("%1 older lines on disk").arg(locale.toString(c.onDisk)).toHtmlEscaped();
        if (c.loaded > 0)
            part += QStringLiteral(" · ") + tr("%1 read back").arg(locale.toString(c.loaded)).toHtmlEscaped();
        if (c.dropped > 0)
            part += QStringLiteral(" · ")
                + tr("%1 older lines let go (memory limit)").arg(locale.toString(c.dropped)).toHtmlEscaped();
        anyOnDisk = anyOnDisk || c.onDisk > 0;
        parts << part;
    }
    QString text = parts.join(QStringLiteral("&nbsp;&nbsp;&nbsp;"));
    text += QStringLiteral("&nbsp;&nbsp;&nbsp;")
        + tr("%1 rows shown").arg(QLocale().toString(qint64(m_model->rowCount()))).toHtmlEscaped();
    if (m_sortColumn >= 0)
        text += QStringLiteral(" · <b>")
            + tr("sorted by %1; new lines wait (click Time for the live view)")
                  .arg(m_model->headerData(m_sortColumn, Qt::Horizontal, Qt::DisplayRole).toString())
                  .toHtmlEscaped()
            + QStringLiteral("</b>");
    else if (m_session->isPaused())
        text += QStringLiteral(" · <b>") + tr("paused").toHtmlEscaped() + QStringLiteral("</b>");
    if (!m_saveNote.isEmpty())
        text += QStringLiteral(" · ") + m_saveNote.toHtmlEscaped();
    m_statusLabel->setText(text);
    m_loadOlder->setVisible(anyOnDisk || m_loadingOlder);
}

QString LogsPage::statusText() const
{
    return m_statusLabel->text();
}

void LogsPage::copySelection()
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    for (const QModelIndex& i : std::as_const(rows))
        lines << m_model->rowText(i.row());
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

void LogsPage::showDetails()
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    for (qsizetype i = 0; i < rows.size() && i < 200; ++i)
        lines << m_model->rowText(rows[i].row());
    if (rows.size() > 200)
        lines << tr("… and %1 more lines (Copy takes them all)").arg(rows.size() - 200);
    m_details->setPlainText(lines.join(QLatin1Char('\n')));
}

void LogsPage::setTimeRange(qint64 fromMs, qint64 toMs)
{
    m_filter.fromMs = fromMs;
    m_filter.toMs = toMs;
    const bool all = fromMs == std::numeric_limits<qint64>::min() && toMs == std::numeric_limits<qint64>::max();
    m_range->setText(all ? tr("Drag across the histogram to see a time range.")
                         : tr("From %1 to %2").arg(m_model->formatTime(fromMs), m_model->formatTime(toMs)));
    m_clearRange->setEnabled(!all);
    if (!all)
        m_follow->setChecked(false);
    applyFilter();
}

void LogsPage::saveLines(bool all)
{
    const QString suggested = QDir::home().filePath(
        QStringLiteral("%1-logs-%2.log")
            .arg(m_target.name, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    FileDialog::saveFile(
        this, all ? tr("Save every line in memory") : tr("Save the lines shown"), suggested,
        tr("Log files (*.log *.txt);;All files (*)"), [this, all](const QString& path) {
            std::vector<LogRow> rows;
            std::vector<LogSnapshot> snaps = m_model->snapshots();
            if (!all)
                rows.assign(m_model->rows().begin(), m_model->rows().end());
            auto cancel = std::make_shared<CancelToken>();
            m_saveNote = tr("saving to %1…").arg(path);
            updateStatus();
            runInBackground(
                this,
                [path, all, rows = std::move(rows), snaps, sources = m_model->sources(), utc = m_utc->isChecked(),
                 cancel]() mutable -> Result<qint64> {
                    if (all) {
                        // Every line in memory, merged by time without any filter.
                        std::vector<LogFormat> formats;
                        for (const LogTableModel::Source& s : std::as_const(sources))
                            formats.push_back(s.format);
                        LogViewIndex index(formats);
                        index.update(snaps, *cancel);
                        rows.assign(index.rows().begin(), index.rows().end());
                    }
                    if (Status s = writeRows(path, rows, snaps, sources, utc, *cancel); !s)
                        return s.error();
                    return qint64(rows.size());
                },
                [this, path](const Result<qint64>& saved) {
                    m_saveNote = saved
                        ? tr("saved %1 lines to %2").arg(QLocale().toString(*saved), QDir::toNativeSeparators(path))
                        : saved.error().toString();
                    updateStatus();
                });
        });
}

} // namespace aio::ui
