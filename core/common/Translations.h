#pragma once

class QCoreApplication;

namespace aio {

// Installs the app's translations on the application: always the English plural forms
// (:/i18n/aio_en.qm, from resources/translations/aio_en.ts: "1 file changes." / "3 files
// change."), and the translation of the user's UI language when one is built in. Call once,
// right after the QCoreApplication/QApplication exists; the CLI and the GUI both do.
void installTranslations(QCoreApplication& app);

} // namespace aio
