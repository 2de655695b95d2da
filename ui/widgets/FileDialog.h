#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace aio::ui {

// Picks a file without a nested event loop: the chosen path arrives in a callback (never called
// when the user cancels). Tests answer the next request with setNextFileName() instead of a dialog.
class FileDialog
{
public:
    using Chosen = std::function<void(const QString& path)>;

    static void openFile(QWidget* parent, const QString& caption, const QString& directory, const QString& filter,
                         Chosen chosen);

    // Asks where to save (a new or existing file); `suggested` is the proposed path.
    static void saveFile(QWidget* parent, const QString& caption, const QString& suggested, const QString& filter,
                         Chosen chosen);

    static void setNextFileName(const QString& path);

private:
    // A test's answer instead of a dialog: true when there was one (then `chosen` got it).
    static bool answerFromTest(const Chosen& chosen);

    static QString s_nextFileName;
    static bool s_hasNext;
};

} // namespace aio::ui
