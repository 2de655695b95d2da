#pragma once

#include "core/logs/LogViewIndex.h"

#include <QWidget>

#include <deque>
#include <optional>
#include <vector>

namespace aio::ui {

// Lines per interval over the time the rows span, each bar split into errors (5xx, level error
// and worse), warnings (4xx, warning) and the rest: the counts the session's worker made
// (LogTimeBins), only painted here. Dragging across it selects a time range (rangeSelected); the
// view then shows only that range, and the histogram its lines.
class LogHistogram : public QWidget
{
    Q_OBJECT

public:
    explicit LogHistogram(QWidget* parent = nullptr);

    void setBins(const LogTimeBins& bins);
    void setUtc(bool utc);
    // How many bars fit (one every 4 pixels).
    int barsThatFit() const;

    using Bin = LogTimeBins::Bin;
    const std::vector<Bin>& bins() const { return m_data.bins; }
    qint64 fromMs() const { return m_data.fromMs; }
    qint64 binMs() const { return m_data.binMs; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void rangeSelected(qint64 fromMs, qint64 toMs);
    // The widget's width changed the number of bars that fit.
    void barsChanged(int bars);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QRect plotRect() const;
    qint64 timeAt(int x) const;

    LogTimeBins m_data;
    bool m_utc = true;
    std::optional<int> m_dragFrom;
    int m_dragTo = 0;
};

} // namespace aio::ui
