#include "ui/deploy/DiffHighlighter.h"

#include <QTextCharFormat>

namespace aio::ui {

DiffHighlighter::DiffHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
{ }

void DiffHighlighter::highlightBlock(const QString& text)
{
    QTextCharFormat format;
    if (text.startsWith(QLatin1String("+++")) || text.startsWith(QLatin1String("---"))
        || text.startsWith(QLatin1String("=== "))) {
        format.setFontWeight(QFont::Bold);
    } else if (text.startsWith(QLatin1Char('+'))) {
        format.setForeground(QColor(0x0b, 0x6b, 0x2b));
        format.setBackground(QColor(0xe6, 0xf4, 0xea));
    } else if (text.startsWith(QLatin1Char('-'))) {
        format.setForeground(QColor(0xa5, 0x0e, 0x0e));
        format.setBackground(QColor(0xfc, 0xe8, 0xe6));
    } else if (text.startsWith(QLatin1String("@@"))) {
        format.setForeground(QColor(0x1a, 0x5f, 0xb4));
    } else {
        return;
    }
    setFormat(0, int(text.size()), format);
}

} // namespace aio::ui
