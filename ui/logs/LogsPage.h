#pragma once

#include "core/common/CancelToken.h"
#include "core/common/Result.h"
#include "core/inventory/Target.h"
#include "core/logs/LogSession.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QToolButton;

namespace aio {
class SecretStore;
} // namespace aio

namespace aio::ui {

class LogHistogram;
class LogLineDelegate;
class LogRowView;
class LogTableModel;
class MessageBanner;
class SessionGate;
class SshHostFactory;

// The "Logs" tab of a VM target: the sandbox container's output, nginx's access and error logs
// and the sandbox's service logs, merged by time as they arrive (LogSession), with search,
// quick filters, a histogram to pick a time range, an access-log table, and saving. It connects
// when first shown; the GUI thread only applies updates and paints the rows on screen.
class LogsPage : public QWidget
{
    Q_OBJECT

public:
    // What opening the logs gives: a host to read them from and the sources found there.
    struct Opened
    {
        std::shared_ptr<RemoteHost> host;
        QList<LogSourceSpec> sources;
    };
    // Runs on a worker thread.
    using Opener = std::function<Result<Opened>(const CancelToken& cancel)>;

    LogsPage(const Target& target, SecretStore* secrets, QWidget* parent = nullptr);
    ~LogsPage() override;

    void setTarget(const Target& target);
    // Instead of SSH and discovery (tests, and sources picked by hand).
    void setOpener(Opener opener);
    void setSessionOptions(const LogSession::Options& options) { m_options = options; }
    // Connects and starts reading (again, after a failure or a target change).
    void open();

    LogTableModel* model() const { return m_model; }
    LogRowView* view() const { return m_view; }
    LogSession* session() const { return m_session; }
    LogHistogram* histogram() const { return m_histogram; }
    QString statusText() const;
    QString matchText() const;

signals:
    void opened();
    void openFailed(const QString& why);
    // After each update of the rows (tests wait for it).
    void rowsUpdated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildUi();
    void started(const Opened& result);
    void applyUpdate(const std::shared_ptr<const LogViewUpdate>& update);
    void applyFilter();
    void applySearch();
    void goToMatch(bool forward);
    void endReset(); // a reset's rows arrived: its progress goes
    void setFollow(bool follow);
    void updateStatus();
    void updateMatchLabel();
    void copySelection();
    void saveLines(bool all);
    void showDetails();
    void setTimeRange(qint64 fromMs, qint64 toMs);
    quint64 hiddenMask() const;
    void sizeColumns();
    void sortBy(int column);
    void sortRows();
    void unsort();

    Target m_target;
    SshHostFactory* m_factory = nullptr;
    std::shared_ptr<SessionGate> m_gate;
    Opener m_opener;
    LogSession::Options m_options;
    QPointer<LogSession> m_session;
    std::shared_ptr<CancelToken> m_openCancel;
    int m_generation = 0;
    bool m_openedOnce = false;

    LogViewFilter m_filter;
    std::shared_ptr<const LogMatcher> m_search;

    MessageBanner* m_banner = nullptr;
    QHBoxLayout* m_sourceBoxes = nullptr;
    QList<QCheckBox*> m_sourceChecks;
    QComboBox* m_shape = nullptr;
    QToolButton* m_follow = nullptr;
    QToolButton* m_pause = nullptr;
    QCheckBox* m_utc = nullptr;
    QToolButton* m_save = nullptr;
    QLineEdit* m_searchField = nullptr;
    QCheckBox* m_regex = nullptr;
    QCheckBox* m_case = nullptr;
    QCheckBox* m_onlyMatching = nullptr;
    QToolButton* m_prev = nullptr;
    QToolButton* m_next = nullptr;
    QLabel* m_matches = nullptr;
    QComboBox* m_level = nullptr;
    QComboBox* m_status = nullptr;
    QLineEdit* m_client = nullptr;
    QLabel* m_range = nullptr;
    QToolButton* m_clearRange = nullptr;
    LogHistogram* m_histogram = nullptr;
    LogRowView* m_view = nullptr;
    LogTableModel* m_model = nullptr;
    LogLineDelegate* m_delegate = nullptr;
    QPlainTextEdit* m_details = nullptr;
    QCheckBox* m_wrap = nullptr;
    QLabel* m_statusLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancelReset = nullptr;
    QPushButton* m_loadOlder = nullptr;
    bool m_loadingOlder = false; // the reset under way reads older lines back
    QTimer* m_searchDelay = nullptr;
    QTimer* m_statusTimer = nullptr;
    bool m_scrolling = false; // the page itself moves the scroll bar
    QString m_saveNote;
    // The access table sorted by a column (-1: time order, live). Sorted rows are a still picture:
    // the session is paused while they show.
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    bool m_pausedBySort = false;
    int m_sortGeneration = 0;
};

} // namespace aio::ui
