#include "ui/widgets/FileDialog.h"

#include <QFileDialog>

namespace aio::ui {

QString FileDialog::s_nextFileName;
bool FileDialog::s_hasNext = false;

void FileDialog::setNextFileName(const QString& path)
{
    s_nextFileName = path;
    s_hasNext = true;
}

namespace {
// The one way both kinds of dialog are shown: window-modal without a nested event loop, deleted
// when closed; the path reaches `chosen` only when the user picks one.
void showDialog(QFileDialog* dialog, FileDialog::Chosen chosen)
{
    dialog->setObjectName(QStringLiteral("fileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [chosen = std::move(chosen)](const QString& path) {
        if (chosen)
            chosen(path);
    });
    dialog->open();
}
} // namespace

bool FileDialog::answerFromTest(const Chosen& chosen)
{
    if (!s_hasNext)
        return false;
    s_hasNext = false;
    const QString path = std::exchange(s_nextFileName, QString());
    if (!path.isEmpty() && chosen)
        chosen(path);
    return true;
}

void FileDialog::openFile(QWidget* parent, const QString& caption, const QString& directory, const QString& filter,
                          Chosen chosen)
{
    if (answerFromTest(chosen))
        return;
    auto* dialog = new QFileDialog(parent, caption, directory, filter);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    // Dot-files (~/.ssh/config, ~/.kube/config) must be pickable.
    dialog->setFilter(dialog->filter() | QDir::Hidden);
    showDialog(dialog, std::move(chosen));
}

void FileDialog::saveFile(QWidget* parent, const QString& caption, const QString& suggested, const QString& filter,
                          Chosen chosen)
{
    if (answerFromTest(chosen))
        return;
    auto* dialog = new QFileDialog(parent, caption, suggested, filter);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->selectFile(suggested);
    showDialog(dialog, std::move(chosen));
}

} // namespace aio::ui
