#pragma once

#include "core/logs/LogViewIndex.h"

#include <QWidget>

#include <deque>
#include <optional>
#include <vector>

namespace aio::ui {

// Lines per interval over the time the rows span, each bar split into errors (5xx, level error
// and worse), warnings (4xx, warning) and the rest. Dragging across it selects a time range
// (rangeSelected); the view then shows only that range, and the histogram its lines.
class LogHistogram : public QWidget
{
    Q_OBJECT

public:
    explicit LogHistogram(QWidget* parent = nullptr);

    // Counts the rows (sorted by time) into bars; a pass over 16 bytes a row, no line read. The
    // rows must outlive the histogram (the model's); they are counted again on a resize.
    void setRows(const std::deque<LogRow>& rows);
    void setUtc(bool utc);

    struct Bin
    {
        int errors = 0;
        int warnings = 0;
        int other = 0;
        int total() const { return errors + warnings + other; }
    };
    const std::vector<Bin>& bins() const { return m_bins; }
    qint64 fromMs() const { return m_from; }
    qint64 binMs() const { return m_binMs; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void rangeSelected(qint64 fromMs, qint64 toMs);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QRect plotRect() const;
    qint64 timeAt(int x) const;
    void recount();

    std::vector<Bin> m_bins;
    qint64 m_from = 0;
    qint64 m_to = 0;
    qint64 m_binMs = 1000;
    int m_maxBin = 0;
    bool m_utc = true;
    std::optional<int> m_dragFrom;
    int m_dragTo = 0;
    const std::deque<LogRow>* m_rows = nullptr; // the model's, which outlives this
};

} // namespace aio::ui
