#include "ui/deploy/StepStatusIcon.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace aio::ui {

namespace {
QPixmap draw(StepStatusIcon::State state, int size)
{
    using State = StepStatusIcon::State;
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;
    const QRectF circle(s * 0.08, s * 0.08, s * 0.84, s * 0.84);
    QColor colour;
    switch (state) {
    case State::Pending:
        colour = QColor(0x9a, 0xa0, 0xa6);
        break;
    case State::Running:
        colour = QColor(0x1a, 0x73, 0xe8);
        break;
    case State::Previewed:
        colour = QColor(0x1a, 0x73, 0xe8);
        break;
    case State::Done:
        colour = QColor(0x1e, 0x8e, 0x3e);
        break;
    case State::Skipped:
        colour = QColor(0xe3, 0x74, 0x00);
        break;
    case State::Failed:
        colour = QColor(0xd9, 0x30, 0x25);
        break;
    case State::RolledBack:
        colour = QColor(0x80, 0x86, 0x8b);
        break;
    case State::Answers:
        colour = QColor(0x5f, 0x63, 0x68);
        break;
    }
    QPen pen(colour, s * 0.1);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    if (state == State::Pending || state == State::Previewed || state == State::Running) {
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(circle.adjusted(s * 0.05, s * 0.05, -s * 0.05, -s * 0.05));
        if (state == State::Previewed) { // an eye-like dot: looked at, not applied
            p.setPen(Qt::NoPen);
            p.setBrush(colour);
            p.drawEllipse(circle.center(), s * 0.16, s * 0.16);
        } else if (state == State::Running) { // a quarter arc filled: busy
            p.setPen(Qt::NoPen);
            p.setBrush(colour);
            QPainterPath wedge(circle.center());
            wedge.arcTo(circle, 90, -120);
            wedge.closeSubpath();
            p.drawPath(wedge);
        }
        return pixmap;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawEllipse(circle);
    QPen mark(Qt::white, s * 0.12);
    mark.setCapStyle(Qt::RoundCap);
    mark.setJoinStyle(Qt::RoundJoin);
    p.setPen(mark);
    switch (state) {
    case State::Done: {
        QPainterPath tick;
        tick.moveTo(s * 0.3, s * 0.52);
        tick.lineTo(s * 0.44, s * 0.66);
        tick.lineTo(s * 0.71, s * 0.37);
        p.drawPath(tick);
        break;
    }
    case State::Failed:
        p.drawLine(QPointF(s * 0.34, s * 0.34), QPointF(s * 0.66, s * 0.66));
        p.drawLine(QPointF(s * 0.66, s * 0.34), QPointF(s * 0.34, s * 0.66));
        break;
    case State::Skipped: // an arrow past the step
        p.drawLine(QPointF(s * 0.3, s * 0.5), QPointF(s * 0.7, s * 0.5));
        p.drawLine(QPointF(s * 0.56, s * 0.36), QPointF(s * 0.7, s * 0.5));
        p.drawLine(QPointF(s * 0.56, s * 0.64), QPointF(s * 0.7, s * 0.5));
        break;
    case State::RolledBack: // an arrow back
        p.drawLine(QPointF(s * 0.7, s * 0.5), QPointF(s * 0.3, s * 0.5));
        p.drawLine(QPointF(s * 0.44, s * 0.36), QPointF(s * 0.3, s * 0.5));
        p.drawLine(QPointF(s * 0.44, s * 0.64), QPointF(s * 0.3, s * 0.5));
        break;
    case State::Answers: // lines of a form
        p.drawLine(QPointF(s * 0.32, s * 0.38), QPointF(s * 0.68, s * 0.38));
        p.drawLine(QPointF(s * 0.32, s * 0.52), QPointF(s * 0.68, s * 0.52));
        p.drawLine(QPointF(s * 0.32, s * 0.66), QPointF(s * 0.56, s * 0.66));
        break;
    default:
        break;
    }
    return pixmap;
}
} // namespace

QIcon StepStatusIcon::icon(State state)
{
    QIcon icon;
    for (int size : {16, 24, 32, 48})
        icon.addPixmap(draw(state, size));
    return icon;
}

QString StepStatusIcon::label(State state)
{
    const char* text = "";
    switch (state) {
    case State::Pending:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "not started");
        break;
    case State::Running:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "running");
        break;
    case State::Previewed:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "previewed");
        break;
    case State::Done:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "done");
        break;
    case State::Skipped:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "skipped");
        break;
    case State::Failed:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "failed");
        break;
    case State::RolledBack:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "rolled back");
        break;
    case State::Answers:
        text = QT_TRANSLATE_NOOP("aio::ui::StepStatusIcon", "answers");
        break;
    }
    return QCoreApplication::translate("aio::ui::StepStatusIcon", text);
}

} // namespace aio::ui
