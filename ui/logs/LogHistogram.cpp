#include "ui/logs/LogHistogram.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace aio::ui {

namespace {

constexpr int kBarPixels = 4;
constexpr int kAxisHeight = 16;

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

void LogHistogram::setBins(const LogTimeBins& bins)
{
    m_data = bins;
    update();
}

int LogHistogram::barsThatFit() const
{
    return std::max(1, plotRect().width() / kBarPixels);
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

qint64 LogHistogram::timeAt(int x) const
{
    const QRect plot = plotRect();
    if (m_data.bins.empty() || plot.width() <= 0)
        return 0;
    const double fraction = std::clamp(double(x - plot.left()) / double(plot.width()), 0.0, 1.0);
    return m_data.fromMs + qint64(fraction * double(qint64(m_data.bins.size()) * m_data.binMs));
}

void LogHistogram::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QRect plot = plotRect();
    const std::vector<Bin>& bins = m_data.bins;
    if (bins.empty() || m_data.maxBin == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("No lines yet"));
        return;
    }
    const double barWidth = double(plot.width()) / double(bins.size());
    const QColor error(0xc6, 0x28, 0x28), warning(0xf5, 0x9e, 0x0b), other(0x90, 0xa4, 0xae);
    for (size_t i = 0; i < bins.size(); ++i) {
        const Bin& b = bins[i];
        if (b.total() == 0)
            continue;
        const double x = plot.left() + double(i) * barWidth;
        const double w = std::max(1.0, barWidth - (barWidth > 3 ? 1 : 0));
        double y = plot.bottom() + 1;
        for (const auto& [n, color] : {std::pair{b.other, other}, {b.warnings, warning}, {b.errors, error}}) {
            if (n == 0)
                continue;
            const double h = std::max(1.0, double(n) / double(m_data.maxBin) * plot.height());
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
    p.drawText(axis, Qt::AlignLeft | Qt::AlignVCenter, label(m_data.fromMs));
    p.drawText(axis, Qt::AlignRight | Qt::AlignVCenter, label(m_data.fromMs + qint64(bins.size()) * m_data.binMs));
    p.drawText(axis, Qt::AlignHCenter | Qt::AlignVCenter,
               tr("%1 a bar, at most %2 lines").arg(intervalText(m_data.binMs)).arg(m_data.maxBin));
    if (m_dragFrom) {
        const int a = std::min(*m_dragFrom, m_dragTo), b = std::max(*m_dragFrom, m_dragTo);
        QColor sel = palette().color(QPalette::Highlight);
        sel.setAlpha(70);
        p.fillRect(QRect(a, plot.top(), b - a, plot.height()), sel);
    }
}

void LogHistogram::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_data.bins.empty())
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
    const qint64 from = m_data.fromMs, bin = m_data.binMs;
    if (b - a < 3) // a click: the bar under it
        emit rangeSelected(from + (timeAt(a) - from) / bin * bin, from + ((timeAt(a) - from) / bin + 1) * bin);
    else
        emit rangeSelected(timeAt(a), timeAt(b));
}

void LogHistogram::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    emit barsChanged(barsThatFit());
}

} // namespace aio::ui
