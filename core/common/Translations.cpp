#include "core/common/Translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

namespace aio {

void installTranslations(QCoreApplication& app)
{
    // Installed last is asked first: the UI language, then the English forms as the fallback.
    auto* english = new QTranslator(&app);
    if (english->load(QStringLiteral(":/i18n/aio_en.qm")))
        QCoreApplication::installTranslator(english);
    auto* local = new QTranslator(&app);
    if (local->load(QLocale(), QStringLiteral("aio"), QStringLiteral("_"), QStringLiteral(":/i18n"))
        && local->filePath() != english->filePath())
        QCoreApplication::installTranslator(local);
    else
        delete local;
}

} // namespace aio
