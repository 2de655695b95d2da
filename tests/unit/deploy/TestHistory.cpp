// The per-target history file: JSON lines appended whole, read back, torn last line skipped,
// binary previous content kept, secrets redacted, hostile target ids refused.

#include "core/deploy/History.h"
#include "core/deploy/SecretRedactor.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace aio;

namespace {
HistoryEntry entry(const QString& step)
{
    HistoryEntry e;
    e.when = QDateTime::currentDateTimeUtc();
    e.targetName = QStringLiteral("prod-vm");
    e.stepId = step;
    e.action = QStringLiteral("apply");
    e.outcome = StepOutcome::Applied;
    e.commands << QStringLiteral("nginx -t");
    JournalFileChange f;
    f.path = QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf");
    f.existedBefore = true;
    f.previousContent = "server { listen 80; }\n";
    f.newContent = "server { listen 443 ssl; }\n";
    e.files << f;
    return e;
}
} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private slots:
    void appendsAndReadsBackWithPreviousContent()
    {
        QTemporaryDir dir;
        History h(QStringLiteral("{0b7c6a52-0d9f-4c61-9f53-7d2b1b0e2a11}"), dir.path());
        QCOMPARE(h.filePath(), dir.filePath("0b7c6a52-0d9f-4c61-9f53-7d2b1b0e2a11.jsonl"));
        QVERIFY(h.read().value().isEmpty());
        HistoryEntry binary = entry("tls");
        binary.files[0].previousContent = QByteArray("\x00\xff\x10 key", 7);
        QVERIFY(h.append(entry("nginx")));
        QVERIFY(h.append(binary));
        const QList<HistoryEntry> all = h.read().value();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all[0].files[0].previousContent, QByteArray("server { listen 80; }\n"));
        QCOMPARE(all[1].files[0].previousContent, QByteArray("\x00\xff\x10 key", 7));
        QCOMPARE(all[0].outcome, StepOutcome::Applied);
        QVERIFY(QFileInfo(h.filePath()).permissions().testFlag(QFile::ReadOwner));
        QVERIFY(!QFileInfo(h.filePath()).permissions().testFlag(QFile::ReadOther));
    }

    void tornLastLineIsSkippedAndCounted()
    {
        QTemporaryDir dir;
        History h(QStringLiteral("vm-1"), dir.path());
        QVERIFY(h.append(entry("a")));
        QFile f(h.filePath());
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"v\":1,\"when\":\"2026-");
        f.close();
        int skipped = 0;
        QCOMPARE(h.read(&skipped).value().size(), 1);
        QCOMPARE(skipped, 1);
    }

    void concurrentAppendsNeverInterleave()
    {
        QTemporaryDir dir;
        History h(QStringLiteral("vm-2"), dir.path());
        QList<QFuture<void>> futures;
        for (int t = 0; t < 4; ++t) {
            futures << QtConcurrent::run([&h, t] {
                for (int i = 0; i < 50; ++i) {
                    HistoryEntry e = entry(QStringLiteral("t%1-%2").arg(t).arg(i));
                    e.files[0].newContent = QByteArray(4000, char('a' + t)); // long lines
                    (void)h.append(e);
                }
            });
        }
        for (QFuture<void>& f : futures)
            f.waitForFinished();
        int skipped = -1;
        QCOMPARE(h.read(&skipped).value().size(), 200);
        QCOMPARE(skipped, 0);
    }

    void redactionRemovesSecretsEverywhere()
    {
        SecretRedactor r;
        r.addSecret(QStringLiteral("hunter2-api-key"));
        HistoryEntry e = entry("container");
        e.commands << QStringLiteral("curl -H 'X-AIO-API-Key: hunter2-api-key' http://127.0.0.1:8080/v1/ping");
        e.message = QStringLiteral("failed with hunter2-api-key");
        e.files[0].newContent = "key hunter2-api-key\n";
        JournalFileChange secretFile;
        secretFile.path = QStringLiteral("/etc/aio-sandbox/sandbox.env");
        secretFile.secret = true;
        secretFile.newContent = "SANDBOX_API_KEY=anything\n";
        e.files << secretFile;
        QTemporaryDir dir;
        History h(QStringLiteral("vm-3"), dir.path());
        QVERIFY(h.append(e.redacted(r)));
        QFile f(h.filePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(!bytes.contains("hunter2-api-key"));
        QVERIFY(!bytes.contains("SANDBOX_API_KEY=anything"));
        QCOMPARE(bytes.count("«redacted»"), 3);
    }

    void multiLineSecretsAreRedactedLineByLine()
    {
        SecretRedactor r;
        r.addSecret(
            QByteArray("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"));
        QCOMPARE(r.redact(QStringLiteral("line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")),
                 QStringLiteral("line: «redacted»"));
        QCOMPARE(r.redact(QStringLiteral("abc")), QStringLiteral("abc"));
    }

    void hostileTargetIdsAreRefused()
    {
        QTemporaryDir dir;
        for (const QString& id : {QStringLiteral("../../etc/passwd"), QStringLiteral("a/b"), QStringLiteral(""),
                                  QStringLiteral(".hidden"), QStringLiteral("a b")}) {
            History h(id, dir.path());
            Status s = h.append(entry("x"));
            QVERIFY2(!s, qPrintable(id));
            QCOMPARE(s.error().kind, ErrorKind::InvalidInput);
        }
        QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "TestHistory.moc"
