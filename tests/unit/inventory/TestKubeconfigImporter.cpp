// KubeconfigImporter against tests/data/kubeconfig (good and broken contexts) and a file that is
// not YAML.

#include "core/inventory/KubeconfigImporter.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;

namespace {
const QString dataDir = QStringLiteral(AIO_SOURCE_DIR "/tests/data");

const ImportIssue* issueFor(const ImportResult& r, const QString& entry)
{
    for (const ImportIssue& i : r.skipped) {
        if (i.entry == entry)
            return &i;
    }
    return nullptr;
}
} // namespace

class TestKubeconfigImporter : public QObject
{
    Q_OBJECT

private slots:
    void sampleImportsTheValidContexts()
    {
        const QString path = dataDir + QStringLiteral("/kubeconfig");
        auto r = KubeconfigImporter::importFile(path);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->targets.size(), 2);
        const Target& prod = r->targets.at(0);
        QCOMPARE(prod.name, QStringLiteral("prod"));
        QVERIFY(prod.isCluster());
        QCOMPARE(prod.cluster.context, QStringLiteral("prod"));
        QCOMPARE(prod.cluster.kubeNamespace, QStringLiteral("sandbox"));
        QCOMPARE(prod.cluster.kubeconfigPath, QFileInfo(path).absoluteFilePath());
        const Target& staging = r->targets.at(1);
        QCOMPARE(staging.name, QStringLiteral("staging"));
        QCOMPARE(staging.cluster.kubeNamespace, QString());
        QVERIFY(prod.validate().ok());
    }

    void sampleReportsEachSkippedContextWithItsLine_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("says");
        QTest::newRow("undefined cluster") << QStringLiteral("ghost") << 38 << QStringLiteral("missing-cluster");
        QTest::newRow("bad namespace") << QStringLiteral("bad-namespace") << 43 << QStringLiteral("Bad_Namespace");
        QTest::newRow("no name") << QString() << 49 << QStringLiteral("no name");
        QTest::newRow("cluster without server") << QStringLiteral("no-server") << 53 << QStringLiteral("server");
        QTest::newRow("undefined user") << QStringLiteral("nobody") << 58 << QStringLiteral("missing-user");
        QTest::newRow("the serverless cluster itself")
            << QStringLiteral("no-server-cluster") << 15 << QStringLiteral("server");
    }
    void sampleReportsEachSkippedContextWithItsLine()
    {
        QFETCH(QString, entry);
        QFETCH(int, line);
        QFETCH(QString, says);
        auto r = KubeconfigImporter::importFile(dataDir + QStringLiteral("/kubeconfig"));
        QVERIFY(r.ok());
        const ImportIssue* issue = issueFor(*r, entry);
        QVERIFY2(issue, qPrintable(entry));
        QCOMPARE(issue->line, line);
        QVERIFY2(issue->reason.contains(says), qPrintable(issue->reason));
    }

    void notYamlIsCorruptWithALine()
    {
        auto r = KubeconfigImporter::importFile(dataDir + QStringLiteral("/kubeconfig-not-yaml"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Corrupt);
        QVERIFY(r.error().message.contains(QStringLiteral("line")));
    }

    void yamlThatIsNotAKubeconfigIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("other.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("apiVersion: apps/v1\nkind: Deployment\ncontexts: 5\n");
        f.close();
        auto r = KubeconfigImporter::importFile(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::Corrupt);
        QVERIFY(r.error().message.contains(QStringLiteral("contexts")));
    }

    void oddNodeTypesDoNotThrow()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("odd.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "clusters: {a: 1}\nusers: 7\ncontexts:\n  - 5\n  - [1, 2]\n  - name: [x]\n  - name: ok\n    context: 3\n");
        f.close();
        auto r = KubeconfigImporter::importFile(path);
        QVERIFY(r.ok());
        QCOMPARE(r->targets.size(), 0);
        QCOMPARE(r->skipped.size(), 4);
    }

    void missingFileIsNotFound()
    {
        auto r = KubeconfigImporter::importFile(QStringLiteral("/nonexistent/kubeconfig"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestKubeconfigImporter)
#include "TestKubeconfigImporter.moc"
