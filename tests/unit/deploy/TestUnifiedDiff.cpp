// The line diff of previews, checked by the real `patch`: applying our diff to the old text
// must give the new text, for hand-picked and pseudo-random edits.

#include "core/deploy/FileChange.h"
#include "core/deploy/render/UnifiedDiff.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include "common/RunTool.h"

using namespace aio;

namespace {
QByteArray patched(const QByteArray& before, const QString& diff)
{
    QTemporaryDir dir;
    QFile f(dir.filePath("file"));
    if (!f.open(QIODevice::WriteOnly))
        return "<cannot write>";
    f.write(before);
    f.close();
    const auto run
        = test::runTool("patch", {"--quiet", "--force", "file"}, {.stdinData = diff.toUtf8(), .workDir = dir.path()});
    if (!run.ok())
        return "<patch failed: " + run.all() + ">";
    QFile r(dir.filePath("file"));
    if (!r.open(QIODevice::ReadOnly))
        return QByteArray(); // patch removes a file that becomes empty
    return r.readAll();
}
} // namespace

class TestUnifiedDiff : public QObject
{
    Q_OBJECT

private slots:
    void equalTextsHaveNoDiff() { QVERIFY(UnifiedDiff::render("a\nb\n", "a\nb\n", "a", "b").isEmpty()); }

    void oneChangedLineGivesOneHunkWithContext()
    {
        const QString d
            = UnifiedDiff::render("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", "a/f", "b/f");
        QCOMPARE(d, QStringLiteral("--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"));
    }

    void missingFinalNewlineIsShown()
    {
        const QString d = UnifiedDiff::render("a\nb", "a\nb\n", "a/f", "b/f");
        QVERIFY(d.contains(QStringLiteral("-b\n\\ No newline at end of file\n+b\n")));
        QCOMPARE(patched("a\nb", d), QByteArray("a\nb\n"));
    }

    void newFileDiffIsAllAdditions()
    {
        const FileChange c = FileChange::write(FileSnapshot::absent("/etc/x.conf"), "x\ny\n");
        QCOMPARE(c.unifiedDiff(), QStringLiteral("--- /dev/null\n+++ b/etc/x.conf\n@@ -0,0 +1,2 @@\n+x\n+y\n"));
    }

    void secretFilesShowNoContent()
    {
        const FileChange c
            = FileChange::write(FileSnapshot::present("/etc/s.env", "K=old-secret\n"), "K=new-secret\n", 0600, true);
        const QString d = c.unifiedDiff();
        QVERIFY(!d.contains("secret\n") && !d.contains("old-secret") && !d.contains("new-secret"));
        QVERIFY(d.contains("600"));
    }

    void editScriptIsMinimal()
    {
        QCOMPARE(UnifiedDiff::editScript({"a", "b", "c", "a", "b", "b", "a"}, {"c", "b", "a", "b", "a", "c"}).size(),
                 9);
    }

    void realPatchAppliesOurDiffs_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::newRow("insert top") << QByteArray("b\nc\n") << QByteArray("a\nb\nc\n");
        QTest::newRow("delete all") << QByteArray("a\nb\n") << QByteArray("x\n");
        QTest::newRow("two hunks") << QByteArray("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n")
                                   << QByteArray("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\nX\n");
        QRandomGenerator rng(20261127); // fixed seed: the same cases every run
        for (int n = 0; n < 40; ++n) {
            QByteArray a;
            QByteArray b;
            const int lines = int(rng.bounded(1, 60));
            for (int i = 0; i < lines; ++i) {
                const QByteArray line = "line " + QByteArray::number(rng.bounded(8)) + "\n";
                const int r = int(rng.bounded(10));
                if (r != 0)
                    a += line;
                if (r != 1)
                    b += r == 2 ? "changed " + QByteArray::number(i) + "\n" : line;
            }
            QTest::newRow(qPrintable(QStringLiteral("random %1").arg(n))) << a << b;
        }
    }

    void realPatchAppliesOurDiffs()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        const QString d = UnifiedDiff::render(before, after, "a/file", "b/file");
        if (before == after)
            return;
        QCOMPARE(patched(before, d), after);
    }
};

QTEST_GUILESS_MAIN(TestUnifiedDiff)
#include "TestUnifiedDiff.moc"
