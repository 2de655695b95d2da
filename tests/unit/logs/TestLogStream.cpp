// A file source's reader (the script LogStream runs on the VM, and the markers it reads back),
// run here by /bin/sh on local files: the last N lines to start, a line written in two pieces,
// rotation the way nginx and logrotate do it (mv; the writer keeps writing to the renamed file;
// a new file appears; the writer moves on), copytruncate, a file without a last newline, and
// paths with quotes and spaces. The SSH side (drops and resume) is tested on the testbed
// (TestLogsVm).

#include "common/LocalShellHost.h"
#include "common/WaitUntil.h"
#include "core/logs/LogStream.h"

#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace aio;

class TestLogStream : public QObject
{
    Q_OBJECT

private slots:
    void followsAFileAcrossRotationAndTruncationKeepingEveryLineOnce();
    void readsToTheEndWithoutFollowing();
    void refusesBadNamesAndPaths();
};

static void append(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    QCOMPARE(f.write(bytes), bytes.size());
}

static QStringList lines(const LogBuffer& b)
{
    QStringList out;
    const LogSnapshot s = b.snapshot();
    for (qint64 i = s.firstLine(); i < s.endLine(); ++i)
        out << QString::fromUtf8(s.line(i));
    return out;
}

void TestLogStream::followsAFileAcrossRotationAndTruncationKeepingEveryLineOnce()
{
    QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/aio log 'x'-XXXXXX")); // quotes and a space
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("access.log"));
    for (int i = 0; i < 10; ++i)
        append(path, QByteArray("line-") + QByteArray::number(i) + '\n');
    test::LocalShellHost host(dir.path());
    Result<LogSourceSpec> spec = LogSourceSpec::file(QStringLiteral("proxy"), path, LogFormat::Plain, false);
    QVERIFY2(spec.ok(), spec.ok() ? "" : qPrintable(spec.error().toString()));
    LogBuffer buffer;
    LogStream stream(*spec, host, buffer);
    CancelToken cancel;
    std::atomic<int> rotations{0};
    Status result;
    LogStartOptions start;
    start.tailLines = 5;
    std::thread reader([&] {
        result = stream.run(start, cancel, [&](const LogStream::Event& e) {
            if (e.kind == LogStream::Event::Kind::Rotated)
                ++rotations;
        });
    });
    // A failed check returns early: the reader must not outlive what it writes to.
    const auto stop = qScopeGuard([&] {
        cancel.cancel();
        if (reader.joinable())
            reader.join();
    });
    QStringList expected{QStringLiteral("line-5"), QStringLiteral("line-6"), QStringLiteral("line-7"),
                         QStringLiteral("line-8"), QStringLiteral("line-9")};
    QVERIFY2(test::waitUntil([&] { return lines(buffer) == expected; }, 10'000), qPrintable(lines(buffer).join(' ')));

    // A line written in two pieces is one line, shown once it is whole.
    append(path, "line-10\npart");
    expected << QStringLiteral("line-10");
    QVERIFY(test::waitUntil([&] { return lines(buffer) == expected; }, 10'000));
    QTest::qWait(600); // the reader has seen "part" by now
    QCOMPARE(lines(buffer), expected);
    append(path, "ial-11\n");
    expected << QStringLiteral("partial-11");
    QVERIFY2(test::waitUntil([&] { return lines(buffer) == expected; }, 10'000), qPrintable(lines(buffer).join(' ')));

    // Rotation: renamed, the writer goes on in the renamed file, a new file appears (empty), more
    // in the old one, then the writer moves to the new one.
    const QString rotated = dir.filePath(QStringLiteral("access.log.1"));
    QVERIFY(QFile::rename(path, rotated));
    append(rotated, "line-12\nline-13\n");
    expected << QStringLiteral("line-12") << QStringLiteral("line-13");
    QVERIFY2(test::waitUntil([&] { return lines(buffer) == expected; }, 10'000), qPrintable(lines(buffer).join(' ')));
    append(path, "");
    QTest::qWait(600);
    append(rotated, "line-14\n");
    append(path, "line-15\n");
    expected << QStringLiteral("line-14") << QStringLiteral("line-15");
    QVERIFY2(test::waitUntil([&] { return lines(buffer) == expected; }, 10'000), qPrintable(lines(buffer).join(' ')));
    QVERIFY(rotations.load() >= 1);

    // copytruncate: the same file, emptied, written again. (It is noticed because the file is
    // then shorter than what was read, as tail notices it.)
    append(path, "line-15-with-a-longer-text\n");
    expected << QStringLiteral("line-15-with-a-longer-text");
    QVERIFY2(test::waitUntil([&] { return lines(buffer) == expected; }, 10'000), qPrintable(lines(buffer).join(' ')));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(0));
    f.close();
    append(path, "line-16\n");
    expected << QStringLiteral("line-16");
    QVERIFY2(test::waitUntil([&] { return lines(buffer) == expected; }, 10'000), qPrintable(lines(buffer).join(' ')));
    QVERIFY(rotations.load() >= 2);

    cancel.cancel();
    reader.join();
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toString()));
    QCOMPARE(lines(buffer), expected);
    QCOMPARE(stream.position().offset, 8); // just after line-16
}

void TestLogStream::readsToTheEndWithoutFollowing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("app.log"));
    QByteArray big;
    for (int i = 0; i < 200'000; ++i) // 5.5 MB: more than one of the reader's 4 MiB chunks
        big += QByteArray("2026-12-03T04:31:49Z INFO line ") + QByteArray::number(i) + '\n';
    append(path, big + "no newline at the end");
    test::LocalShellHost host(dir.path());
    Result<LogSourceSpec> spec = LogSourceSpec::file(QStringLiteral("app"), path, LogFormat::Application, false);
    QVERIFY(spec.ok());
    LogBuffer::Options o;
    o.format = LogFormat::Application;
    LogBuffer buffer(o);
    LogStream stream(*spec, host, buffer);
    LogStartOptions start;
    start.follow = false;
    start.tailLines = -1;
    bool ended = false;
    const Status s = stream.run(start, CancelToken(), [&](const LogStream::Event& e) {
        ended = ended || e.kind == LogStream::Event::Kind::Ended;
    });
    QVERIFY2(s.ok(), s.ok() ? "" : qPrintable(s.error().toString()));
    QVERIFY(ended);
    const LogSnapshot snap = buffer.snapshot();
    QCOMPARE(snap.size(), 200'001);
    QCOMPARE(snap.line(123'456), QByteArrayView("2026-12-03T04:31:49Z INFO line 123456"));
    QCOMPARE(snap.meta(0).logLevel(), LogLevel::Info);
    QCOMPARE(snap.line(200'000), QByteArrayView("no newline at the end"));
}

void TestLogStream::refusesBadNamesAndPaths()
{
    QVERIFY(!LogSourceSpec::containerOutput(QStringLiteral("x; rm -rf /"), true).ok());
    QVERIFY(!LogSourceSpec::containerOutput(QStringLiteral("-v"), true).ok());
    QVERIFY(!LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("relative/path"), LogFormat::Plain, true).ok());
    QVERIFY(!LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("/var/log/a\nb"), LogFormat::Plain, true).ok());
    QVERIFY(!LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("/var/log/"), LogFormat::Plain, true).ok());
    QVERIFY(
        LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("/var/log/$(reboot) 'a'.log"), LogFormat::Plain, true)
            .ok()); // any path, quoted where it is used
    // The quoted path reaches the script as one word, never as code.
    const QString script = LogStream::fileScript(
        *LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("/var/log/$(reboot) 'a'.log"), LogFormat::Plain, true),
        LogPosition{}, LogStartOptions{}, "tag");
    QVERIFY2(script.startsWith(QStringLiteral("f='/var/log/$(reboot) '\\''a'\\''.log';")), qPrintable(script.left(80)));
}

QTEST_GUILESS_MAIN(TestLogStream)
#include "TestLogStream.moc"
