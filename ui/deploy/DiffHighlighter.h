#pragma once

#include <QSyntaxHighlighter>

namespace aio::ui {

// Colours a unified diff in a text view: added lines green, removed lines red, hunk headers
// blue, file headers bold, so an admin sees at once what a step will change in a file.
class DiffHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    explicit DiffHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;
};

} // namespace aio::ui
