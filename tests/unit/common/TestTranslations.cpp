// The English plural forms: built into the app, installed by installTranslations(), and complete —
// every tr() string with %n in the sources (as Qt's lupdate finds them) has its forms in
// resources/translations/aio_en.ts, so no admin reads "1 files" or "step(s)".

#include "core/common/Translations.h"

#include "common/RunTool.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace aio;

namespace {
// The source texts of the numerus messages of a .ts file, and whether each has two filled forms.
QHash<QString, bool> numerusSources(const QString& tsPath)
{
    QHash<QString, bool> sources;
    QFile f(tsPath);
    if (!f.open(QIODevice::ReadOnly))
        return sources;
    QXmlStreamReader xml(&f);
    bool numerus = false;
    QString source;
    int forms = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("message")) {
            numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            source.clear();
            forms = 0;
        } else if (xml.isStartElement() && xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.isStartElement() && xml.name() == QLatin1String("numerusform")) {
            forms += xml.readElementText().isEmpty() ? 0 : 1;
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message") && numerus) {
            sources.insert(source, forms == 2);
        }
    }
    return sources;
}
} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { installTranslations(*QCoreApplication::instance()); }

    void englishPluralsAreInstalled()
    {
        const auto files = [](int n) {
            return QCoreApplication::translate("aio::ui::StepPage", "Files: %n change.", nullptr, n);
        };
        QCOMPARE(files(1), QStringLiteral("1 file changes."));
        QCOMPARE(files(3), QStringLiteral("3 files change."));
        QCOMPARE(
            QCoreApplication::translate("aio::cli::TargetsCommand", "Imported %n target(s) from %1: %2", nullptr, 1),
            QStringLiteral("Imported 1 target from %1: %2"));
        QCOMPARE(QCoreApplication::translate("aio::ui::DeployWizard", "Apply the %n remaining step(s) to %1 now?",
                                             nullptr, 4),
                 QStringLiteral("Apply the 4 remaining steps to %1 now?"));
        // Texts without a count are the source text.
        QCOMPARE(QCoreApplication::translate("aio::ui::StepPage", "Apply"), QStringLiteral("Apply"));
    }

    void everyCountedStringHasItsForms()
    {
        const QString lupdate = QStringLiteral("/usr/lib/qt6/bin/lupdate");
        if (!QFile::exists(lupdate))
            QFAIL("lupdate is missing: scripts/install-deps.sh installs qt6-l10n-tools");
        QTemporaryDir dir;
        const QString found = dir.filePath(QStringLiteral("found.ts"));
        const QString root = QStringLiteral(AIO_SOURCE_DIR);
        const test::ToolRun run = test::runTool(lupdate,
                                                {QStringLiteral("-pluralonly"), QStringLiteral("-silent"),
                                                 root + QStringLiteral("/app"), root + QStringLiteral("/core"),
                                                 root + QStringLiteral("/ui"), QStringLiteral("-ts"), found},
                                                {.timeoutMs = 120'000});
        QVERIFY2(run.ok(), run.all().constData());
        const QHash<QString, bool> inSources = numerusSources(found);
        QVERIFY2(inSources.size() >= 9, "lupdate found fewer counted strings than there are");
        const QHash<QString, bool> translated
            = numerusSources(root + QStringLiteral("/resources/translations/aio_en.ts"));
        QStringList missing;
        for (auto it = inSources.cbegin(); it != inSources.cend(); ++it) {
            if (!translated.value(it.key(), false))
                missing << it.key();
        }
        QVERIFY2(missing.isEmpty(),
                 qPrintable(QStringLiteral("add English forms to resources/translations/aio_en.ts "
                                           "for: ")
                            + missing.join(QStringLiteral(" | "))));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "TestTranslations.moc"
