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

void FileDialog::openFile(QWidget* parent, const QString& caption, const QString& directory, const QString& filter,
                          Chosen chosen)
{
    if (s_hasNext) {
        s_hasNext = false;
        const QString path = std::exchange(s_nextFileName, QString());
        if (!path.isEmpty() && chosen)
            chosen(path);
        return;
    }
    auto* dialog = new QFileDialog(parent, caption, directory, filter);
    dialog->setObjectName(QStringLiteral("fileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    // Dot-files (~/.ssh/config, ~/.kube/config) must be pickable.
    dialog->setFilter(dialog->filter() | QDir::Hidden);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [chosen](const QString& path) {
        if (chosen)
            chosen(path);
    });
    dialog->open();
}

void FileDialog::saveFile(QWidget* parent, const QString& caption, const QString& suggested, const QString& filter,
                          Chosen chosen)
{
    if (s_hasNext) {
        s_hasNext = false;
        const QString path = std::exchange(s_nextFileName, QString());
        if (!path.isEmpty() && chosen)
            chosen(path);
        return;
    }
    auto* dialog = new QFileDialog(parent, caption, suggested, filter);
    dialog->setObjectName(QStringLiteral("fileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->selectFile(suggested);
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [chosen](const QString& path) {
        if (chosen)
            chosen(path);
    });
    dialog->open();
}

} // namespace aio::ui
