#pragma once

#include <QByteArray>
#include <QString>

namespace aio {

// What a file on the host looked like at one moment: absent, or present with this content.
// Steps keep these in their detected StepState so rollback can put the file back as it was.
struct FileSnapshot
{
    QString path;
    bool exists = false;
    QByteArray content; // empty when !exists
    int mode = 0644; // permission bits when known (else the default used to restore)

    static FileSnapshot absent(const QString& p)
    {
        FileSnapshot s;
        s.path = p;
        return s;
    }
    static FileSnapshot present(const QString& p, QByteArray c, int m = 0644)
    {
        FileSnapshot s;
        s.path = p;
        s.exists = true;
        s.content = std::move(c);
        s.mode = m;
        return s;
    }
};

} // namespace aio
