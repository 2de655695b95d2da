#include "ui/logs/LogHistogram.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <array>

namespace aio::ui {

namespace {

constexpr int kBarPixels = 4;
constexpr int kAxisHeight = 16;

// A bar's length in time: the first of these that keeps the bars within the width.
qint64 niceInterval(qint64 span, int bars)
{
    static constexpr std::array<qint64, 22> steps{
        1'000,      2'000,      5'000,       10'000,      15'000,        30'000,        60'000,     120'000,
        300'000,    600'000,    900'000,     1'800'000,   3'600'000,     7'200'000,     10'800'000, 21'600'000,
        43'200'000, 86'400'000, 172'800'000, 604'800'000, 2'592'000'000, 31'536'000'000};
    for (qint64 step : steps)
        if (span / step < bars)
            return step;
    return steps.back();
}

QString intervalText(qint64 ms)
{
    if (ms % 86'400'000 == 0)
        return LogHistogram::tr("%1 d").arg(ms / 86'400'000);
    if (ms % 3'600'000 == 0)
        return LogHistogram::tr("%1 h").arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return LogHistogram::tr("%1 min").arg(ms / 60'000);
    return LogHistogram::tr("%1 s").arg(ms / 1000);
}

} // namespace

LogHistogram::LogHistogram(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(false);
    setCursor(Qt::CrossCursor);
    setToolTip(
        tr("Lines over time: red errors (5xx), orange warnings (4xx), grey the rest. Drag to show a time range."));
}

QSize LogHistogram::sizeHint() const
{
    return {400, 72};
}

QSize LogHistogram::minimumSizeHint() const
{
    return {120, 48};
}

void LogHistogram::setRows(const std::deque<LogRow>& rows)
{
    m_rows = &rows;
    recount();
    update();
}

void LogHistogram::setUtc(bool utc)
{
    m_utc = utc;
    update();
}

QRect LogHistogram::plotRect() const
{
    return rect().adjusted(2, 2, -2, -kAxisHeight);
}

void LogHistogram::recount()
{
    m_bins.clear();
    m_maxBin = 0;
    if (!m_rows || m_rows->empty())
        return;
    const int bars = std::max(1, plotRect().width() / kBarPixels);
    m_from = m_rows->front().timeMs;
    m_to = m_rows->back().timeMs;
    m_binMs = niceInterval(std::max<qint64>(1, m_to - m_from), bars);
    m_from -= ((m_from % m_binMs) + m_binMs) % m_binMs; // on a whole interval
    const size_t count = size_t((m_to - m_from) / m_binMs + 1);
    m_bins.assign(count, Bin{});
    for (const LogRow& row : *m_rows) {
        const qint64 i = (row.timeMs - m_from) / m_binMs;
        if (i < 0 || size_t(i) >= count) // rows merged out of order at the edges
            continue;
        Bin& b = m_bins[size_t(i)];
        const LogLevel level = row.level();
        if (level >= LogLevel::Error)
            ++b.errors;
        else if (level == LogLevel::Warning)
            ++b.warnings;
        else
            ++b.other;
    }
    for (const Bin& b : m_bins)
        m_maxBin = std::max(m_maxBin, b.total());
}

qint64 LogHistogram::timeAt(int x) const
{
    const QRect plot = plotRect();
    if (m_bins.empty() || plot.width() <= 0)
        return 0;
    const double fraction = std::clamp(double(x - plot.left()) / double(plot.width()), 0.0, 1.0);
    return m_from + qint64(fraction * double(qint64(m_bins.size()) * m_binMs));
}

void LogHistogram::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QRect plot = plotRect();
    if (m_bins.empty() || m_maxBin == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("No lines yet"));
        return;
    }
    const double barWidth = double(plot.width()) / double(m_bins.size());
    const QColor error(0xc6, 0x28, 0x28), warning(0xf5, 0x9e, 0x0b), other(0x90, 0xa4, 0xae);
    for (size_t i = 0; i < m_bins.size(); ++i) {
        const Bin& b = m_bins[i];
        if (b.total() == 0)
            continue;
        const double x = plot.left() + double(i) * barWidth;
        const double w = std::max(1.0, barWidth - (barWidth > 3 ? 1 : 0));
        double y = plot.bottom() + 1;
        for (const auto& [n, color] : {std::pair{b.other, other}, {b.warnings, warning}, {b.errors, error}}) {
            if (n == 0)
                continue;
            const double h = std::max(1.0, double(n) / double(m_maxBin) * plot.height());
            y -= h;
            p.fillRect(QRectF(x, y, w, h), color);
        }
    }
    // The axis: the first and last times and the peak.
    p.setPen(palette().color(QPalette::Text));
    auto label = [this](qint64 ms) {
        const QDateTime t = m_utc ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime::fromMSecsSinceEpoch(ms);
        return t.toString(QStringLiteral("MM-dd HH:mm:ss"));
    };
    const QRect axis(plot.left(), plot.bottom() + 2, plot.width(), kAxisHeight - 2);
    p.drawText(axis, Qt::AlignLeft | Qt::AlignVCenter, label(m_from));
    p.drawText(axis, Qt::AlignRight | Qt::AlignVCenter, label(m_from + qint64(m_bins.size()) * m_binMs));
    p.drawText(axis, Qt::AlignHCenter | Qt::AlignVCenter,
               tr("%1 a bar, at most %2 lines").arg(intervalText(m_binMs)).arg(m_maxBin));
    if (m_dragFrom) {
        const int a = std::min(*m_dragFrom, m_dragTo), b = std::max(*m_dragFrom, m_dragTo);
        QColor sel = palette().color(QPalette::Highlight);
        sel.setAlpha(70);
        p.fillRect(QRect(a, plot.top(), b - a, plot.height()), sel);
    }
}

void LogHistogram::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_bins.empty())
        return;
    m_dragFrom = int(event->position().x());
    m_dragTo = *m_dragFrom;
    update();
}

void LogHistogram::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_dragFrom)
        return;
    m_dragTo = int(event->position().x());
    update();
}

void LogHistogram::mouseReleaseEvent(QMouseEvent* event)
{
    if (!m_dragFrom)
        return;
    m_dragTo = int(event->position().x());
    const int a = std::min(*m_dragFrom, m_dragTo), b = std::max(*m_dragFrom, m_dragTo);
    m_dragFrom.reset();
    update();
    if (b - a < 3) // a click: the bar under it
        emit rangeSelected(m_from + (timeAt(a) - m_from) / m_binMs * m_binMs,
                           m_from + ((timeAt(a) - m_from) / m_binMs + 1) * m_binMs);
    else
        emit rangeSelected(timeAt(a), timeAt(b));
}

void LogHistogram::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    recount();
}

} // namespace aio::ui
