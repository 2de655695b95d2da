// Following a VM's logs on the testbed's vm-exposed (a running sandbox stand-in behind plain-HTTP
// nginx): requests made by the test arrive in nginx's access log in order, exactly once, also
// across a dropped SSH connection (the test kills the session's sshd process) and across a log
// rotation (mv + nginx -s reopen, with requests in between that go to the renamed file); the
// container's own output arrives; a source that does not exist says so. Through LogStream over a
// real SshSession, through the `logs` command, and into the Logs tab's model (LogSession), with
// the stand-in's own access log in its container.

#include "common/WaitUntil.h"
#include "core/logs/LogSession.h"
#include "core/logs/LogStream.h"
#include "core/logs/VmLogSources.h"
#include "core/ssh/SshSession.h"
#include "integration/deploy/DeployTestbed.h"
#include "integration/ssh/SshTestbed.h"
#include "ui/logs/LogTableModel.h"

#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <thread>

using namespace aio;

class TestLogsVm : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void nginxFindsTheSitesLogPaths();
    void requestsArriveInOrderExactlyOnceAcrossADropAndARotation();
    void containerOutputArrivesThroughTheCommand();
    void theViewersRowsFollowTheStandInAndNginxInOrder();
    void aSourceThatDoesNotExistSaysSo();
    void aReaderWhoseConnectionDroppedEndsOnTheVm();

private:
    // n requests to vm-exposed's nginx, from inside the VM, with paths /logtest-TAG-FROM … .
    void request(const QString& tag, int from, int n);
    // The paths of the access lines in the buffer that belong to this test run.
    QStringList paths(const LogBuffer& b, const QString& tag) const;
    // Kills the sshd process that serves the SSH connection whose remote commands read FILE.
    bool killSessionReading(const QString& file);

    test::SshTestbed m_ssh;
    DeployTestbed m_tb;
    QTemporaryDir m_dir;
};

void TestLogsVm::initTestCase()
{
    if (!m_tb.isUp())
        QSKIP("the testbed is not up (tests/testbed/up)");
    QVERIFY(m_dir.isValid());
}

void TestLogsVm::request(const QString& tag, int from, int n)
{
    const QString script = QStringLiteral("i=%1; while [ $i -lt %2 ]; do curl -s -o /dev/null http://%3/logtest-%4-$i; "
                                          "i=$((i + 1)); done")
                               .arg(from)
                               .arg(from + n)
                               .arg(m_tb.value(QStringLiteral("VM_EXPOSED_IP")), tag);
    QString out;
    const int rc
        = m_tb.vmExec(QStringLiteral("vm-exposed"), {QStringLiteral("sh"), QStringLiteral("-c"), script}, &out);
    QVERIFY2(rc == 0, qPrintable(QStringLiteral("exit %1: %2").arg(rc).arg(out)));
}

QStringList TestLogsVm::paths(const LogBuffer& b, const QString& tag) const
{
    QStringList out;
    const LogSnapshot s = b.snapshot();
    for (qint64 i = s.firstLine(); i < s.endLine(); ++i) {
        const std::optional<AccessLogLine> a = parseAccessLine(s.line(i));
        if (a && a->path.toByteArray().contains(QStringLiteral("logtest-%1-").arg(tag).toUtf8()))
            out << QString::fromUtf8(a->path.toByteArray());
    }
    return out;
}

bool TestLogsVm::killSessionReading(const QString& file)
{
    // The [x] keeps this script's own command line from matching its pattern.
    const QString pattern = QStringLiteral("[") + file.left(1) + QStringLiteral("]") + file.mid(1);
    const QString script
        = QStringLiteral("for p in $(pgrep -f -- %1); do "
                         "  while [ -n \"$p\" ] && [ \"$p\" -gt 1 ]; do "
                         "    case \"$(tr '\\0' ' ' < /proc/$p/cmdline)\" in sshd:*@*) kill -9 $p; exit 0;; esac; "
                         "    p=$(awk '{print $4}' /proc/$p/stat); "
                         "  done; "
                         "done; exit 1")
              .arg(pattern);
    QString out;
    return m_tb.vmExec(QStringLiteral("vm-exposed"), {QStringLiteral("sh"), QStringLiteral("-c"), script}, &out) == 0;
}

void TestLogsVm::nginxFindsTheSitesLogPaths()
{
    SshSession session(m_ssh.settings(QStringLiteral("VM_EXPOSED"), m_dir.filePath(QStringLiteral("known_hosts"))));
    const Result<QList<LogSourceSpec>> found = VmLogSources::discover(session, QStringLiteral("sandbox"), true);
    QVERIFY2(found.ok(), found.ok() ? "" : qPrintable(found.error().toString()));
    QCOMPARE(found->size(), 4);
    QCOMPARE(found->at(0).id, QStringLiteral("container"));
    QCOMPARE(found->at(1).path, QStringLiteral("/var/log/nginx/access.log"));
    QCOMPARE(found->at(1).format, LogFormat::NginxAccess);
    QCOMPARE(found->at(2).path, QStringLiteral("/var/log/nginx/error.log"));
    // The stand-in, as the image, logs each request in /var/log/gem/nginx-access.log inside the
    // container: read there through docker exec.
    QCOMPARE(found->at(3).id, QStringLiteral("sandbox:nginx-access"));
    QCOMPARE(found->at(3).container, QStringLiteral("sandbox"));
    QCOMPARE(found->at(3).path, QStringLiteral("/var/log/gem/nginx-access.log"));
    QCOMPARE(found->at(3).format, LogFormat::NginxAccess);
    QCOMPARE(VmLogSources::serviceLogs("/var/log/gem/a.log\n/etc/passwd\n/var/log/gem/x.txt\n", "c", false).size(), 1);

    // The site's own paths win over the http block's; "off" and syslog are not files.
    const QByteArray t
        = "# configuration file /etc/nginx/nginx.conf:\nhttp {\n  access_log /var/log/nginx/access.log;\n"
          "  error_log syslog:server=unix:/dev/log;\n  server {\n    access_log /srv/other.log;\n  }\n}\n"
          "# configuration file /etc/nginx/conf.d/aio-sandbox.conf:\nserver {\n"
          "    access_log \"/var/log/nginx/sandbox.access.log\" main;\n    error_log /var/log/sb.err warn;\n}\n";
    VmLogSources::NginxLogPaths p
        = VmLogSources::nginxLogPaths(t, QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf"));
    QCOMPARE(p.access, QStringLiteral("/var/log/nginx/sandbox.access.log"));
    QCOMPARE(p.error, QStringLiteral("/var/log/sb.err"));
    p = VmLogSources::nginxLogPaths(t, QStringLiteral("/etc/nginx/conf.d/none.conf"));
    QCOMPARE(p.access, QStringLiteral("/var/log/nginx/access.log")); // not the other server's
    QCOMPARE(p.error, QStringLiteral("/var/log/nginx/error.log")); // syslog is skipped: nginx's default
}

void TestLogsVm::requestsArriveInOrderExactlyOnceAcrossADropAndARotation()
{
    const QString tag = QUuid::createUuid().toString(QUuid::Id128).left(12);
    SshSession session(m_ssh.settings(QStringLiteral("VM_EXPOSED"), m_dir.filePath(QStringLiteral("known_hosts"))));
    const Status connected = session.connectToHost();
    QVERIFY2(connected.ok(), connected.ok() ? "" : qPrintable(connected.error().toString()));
    Result<LogSourceSpec> spec = LogSourceSpec::file(
        QStringLiteral("proxy"), QStringLiteral("/var/log/nginx/access.log"), LogFormat::NginxAccess, true);
    QVERIFY(spec.ok());
    LogBuffer::Options o;
    o.format = LogFormat::NginxAccess;
    LogBuffer buffer(o);
    LogStream stream(*spec, session, buffer);
    CancelToken cancel;
    std::atomic<int> reconnects{0};
    std::atomic<int> rotations{0};
    std::atomic<int> connectedEvents{0};
    Status result;
    LogStartOptions start;
    start.tailLines = 0;
    std::thread reader([&] {
        result = stream.run(start, cancel, [&](const LogStream::Event& e) {
            if (e.kind == LogStream::Event::Kind::Connected)
                ++connectedEvents;
            if (e.kind == LogStream::Event::Kind::Reconnecting)
                ++reconnects;
            if (e.kind == LogStream::Event::Kind::Rotated)
                ++rotations;
        });
    });
    const auto stop = qScopeGuard([&] {
        cancel.cancel();
        if (reader.joinable())
            reader.join();
    });
    auto expected = [&](int n) {
        QStringList e;
        for (int i = 0; i < n; ++i)
            e << QStringLiteral("/logtest-%1-%2").arg(tag).arg(i);
        return e;
    };
    QVERIFY(test::waitUntil([&] { return connectedEvents.load() > 0; }, 30'000));

    // 1. Lines arrive as nginx writes them, in order.
    request(tag, 0, 40);
    QVERIFY2(test::waitUntil([&] { return paths(buffer, tag).size() >= 40; }, 30'000),
             qPrintable(paths(buffer, tag).join(QLatin1Char(' '))));
    QCOMPARE(paths(buffer, tag), expected(40));

    // 2. The connection drops (its sshd is killed); lines written meanwhile arrive after the resume.
    QVERIFY(killSessionReading(QStringLiteral("/var/log/nginx/access.log")));
    request(tag, 40, 40);
    QVERIFY2(test::waitUntil([&] { return paths(buffer, tag).size() >= 80; }, 60'000),
             qPrintable(QString::number(paths(buffer, tag).size())));
    QVERIFY(reconnects.load() >= 1);

    // 3. Rotation: mv, requests that go to the renamed file, reopen, requests to the new one.
    QString out;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-exposed"),
                         {QStringLiteral("sh"), QStringLiteral("-c"),
                          QStringLiteral("mv /var/log/nginx/access.log /var/log/nginx/access.log.aio-test")},
                         &out),
             0);
    request(tag, 80, 20);
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-exposed"),
                         {QStringLiteral("nginx"), QStringLiteral("-s"), QStringLiteral("reopen")}, &out),
             0);
    request(tag, 100, 20);
    QVERIFY2(test::waitUntil([&] { return paths(buffer, tag).size() >= 120; }, 60'000),
             qPrintable(QString::number(paths(buffer, tag).size())));
    cancel.cancel();
    reader.join();
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toString()));
    QCOMPARE(paths(buffer, tag), expected(120)); // every line once, in order
    QVERIFY(rotations.load() >= 1);
    // Put the log back as the testbed made it.
    m_tb.vmExec(QStringLiteral("vm-exposed"),
                {QStringLiteral("sh"), QStringLiteral("-c"),
                 QStringLiteral("cat /var/log/nginx/access.log >> /var/log/nginx/access.log.aio-test && "
                                "mv /var/log/nginx/access.log.aio-test /var/log/nginx/access.log && nginx -s reopen")},
                &out);
}

void TestLogsVm::containerOutputArrivesThroughTheCommand()
{
    QString error;
    QVERIFY2(m_tb.addTarget(QStringLiteral("exposed"), QStringLiteral("VM_EXPOSED"), &error), qPrintable(error));
    const CliRun r
        = m_tb.cli({QStringLiteral("logs"), QStringLiteral("exposed"), QStringLiteral("--container"),
                    QStringLiteral("sandbox"), QStringLiteral("--source"), QStringLiteral("container"),
                    QStringLiteral("--tail"), QStringLiteral("20"), QStringLiteral("--accept-new-host-key")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.why()));
    // The stand-in's banner, as the real image prints it when no authentication is set.
    QVERIFY2(r.output.contains(QStringLiteral("to require authentication")), qPrintable(r.why()));
    // Every line carries docker's timestamp.
    for (const QString& line : r.output.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        QVERIFY2(line.startsWith(QStringLiteral("20")), qPrintable(line));

    // All sources, merged and tagged, filtered by --grep.
    const CliRun all
        = m_tb.cli({QStringLiteral("logs"), QStringLiteral("exposed"), QStringLiteral("--container"),
                    QStringLiteral("sandbox"), QStringLiteral("--grep"), QStringLiteral("logtest|authentication"),
                    QStringLiteral("--tail"), QStringLiteral("500")});
    QVERIFY2(all.exitCode == 0, qPrintable(all.why()));
    QVERIFY2(all.output.contains(QStringLiteral("container    ")), qPrintable(all.why()));
    QVERIFY2(all.output.contains(QStringLiteral("proxy        ")), qPrintable(all.why()));
    for (const QString& line : all.output.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        QVERIFY2(line.contains(QStringLiteral("logtest")) || line.contains(QStringLiteral("authentication")),
                 qPrintable(line));
}

// The Logs tab's rows (LogSession into the viewer's LogTableModel) while the test makes requests:
// nginx's access lines on the VM and the stand-in's own in its container arrive, each once, in
// order, merged by time with the other sources.
void TestLogsVm::theViewersRowsFollowTheStandInAndNginxInOrder()
{
    const QString tag = QUuid::createUuid().toString(QUuid::Id128).left(12);
    auto session = std::make_shared<SshSession>(
        m_ssh.settings(QStringLiteral("VM_EXPOSED"), m_dir.filePath(QStringLiteral("known_hosts"))));
    const Result<QList<LogSourceSpec>> sources = VmLogSources::discover(*session, QStringLiteral("sandbox"), true);
    QVERIFY2(sources.ok(), sources.ok() ? "" : qPrintable(sources.error().toString()));
    LogSession::Options options;
    options.start.tailLines = 0; // from now on
    LogSession logs(session, *sources, options);
    ui::LogTableModel model;
    QList<ui::LogTableModel::Source> shown;
    for (const LogSourceSpec& s : *sources)
        shown.append({s.id, {}, s.format});
    model.setSources(shown);
    QObject::connect(&logs, &LogSession::updated, &model,
                     [&model](const std::shared_ptr<const LogViewUpdate>& u) { model.apply(*u); });
    int live = 0;
    QObject::connect(&logs, &LogSession::sourceStatusChanged, &logs, [&live](int, const LogSession::SourceStatus& s) {
        live += s.state == LogSession::SourceStatus::State::Live ? 1 : 0;
    });
    logs.start();
    QTRY_COMPARE_WITH_TIMEOUT(live, int(sources->size()), 30'000);

    auto pathsOf = [&](const QString& source) {
        QStringList out;
        for (int row = 0; row < model.rowCount(); ++row) {
            if (model.index(row, ui::LogTableModel::SourceColumn).data().toString() != source)
                continue;
            const std::optional<QByteArrayView> line = model.lineBytes(row);
            const std::optional<AccessLogLine> a = line ? parseAccessLine(*line) : std::nullopt;
            if (a && a->path.toByteArray().contains(QStringLiteral("logtest-%1-").arg(tag).toUtf8()))
                out << QString::fromUtf8(a->path.toByteArray());
        }
        return out;
    };
    QStringList expected;
    for (int i = 0; i < 30; ++i)
        expected << QStringLiteral("/logtest-%1-%2").arg(tag).arg(i);
    request(tag, 0, 30);
    QTRY_COMPARE_WITH_TIMEOUT(pathsOf(QStringLiteral("proxy")).size(), 30, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(pathsOf(QStringLiteral("sandbox:nginx-access")).size(), 30, 30'000);
    QCOMPARE(pathsOf(QStringLiteral("proxy")), expected);
    QCOMPARE(pathsOf(QStringLiteral("sandbox:nginx-access")), expected);
    QVERIFY(std::is_sorted(model.rows().begin(), model.rows().end(),
                           [](const LogRow& a, const LogRow& b) { return a.timeMs < b.timeMs; }));
    // A search over the rows flags the test's lines of both access logs.
    Result<LogMatcher> m = LogMatcher::compile(LogQuery{QStringLiteral("logtest-") + tag, LogQuery::Mode::Plain, true});
    QVERIFY(m.ok());
    logs.setSearch(std::make_shared<const LogMatcher>(std::move(*m)));
    QTRY_COMPARE_WITH_TIMEOUT(model.matchCount(), 60, 10'000);
}

void TestLogsVm::cleanupTestCase()
{
    // The readers of a destroyed LogSession end on their own (stopping their remote commands),
    // and leave no reader behind in the container (docker exec does not stop what it started).
    QVERIFY(LogSession::waitForStopped(30'000));
    if (!m_tb.isUp())
        return;
    QString out;
    m_tb.vmExec(QStringLiteral("vm-exposed"),
                {QStringLiteral("sh"), QStringLiteral("-c"),
                 QStringLiteral("docker exec sandbox sh -c 'for p in /proc/[0-9]*; do tr \"\\0\" \" \" < $p/cmdline "
                                "2>/dev/null; echo; done' | grep -c 'mark() [{]' || true")},
                &out);
    QCOMPARE(out.trimmed(), QStringLiteral("0"));
}

void TestLogsVm::aSourceThatDoesNotExistSaysSo()
{
    SshSession session(m_ssh.settings(QStringLiteral("VM_EXPOSED"), m_dir.filePath(QStringLiteral("known_hosts"))));
    Result<LogSourceSpec> spec
        = LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("/var/log/aio-no-such.log"), LogFormat::Plain, true);
    QVERIFY(spec.ok());
    LogBuffer buffer;
    LogStream stream(*spec, session, buffer);
    const Status s = stream.run(LogStartOptions{}, CancelToken());
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, ErrorKind::NotFound);
    QVERIFY2(s.error().toString().contains(QStringLiteral("/var/log/aio-no-such.log does not exist")),
             qPrintable(s.error().toString()));

    Result<LogSourceSpec> container = LogSourceSpec::containerOutput(QStringLiteral("no-such-container"), true);
    QVERIFY(container.ok());
    LogStream missing(*container, session, buffer);
    const Status m = missing.run(LogStartOptions{}, CancelToken());
    QVERIFY(!m.ok());
    QCOMPARE(m.error().kind, ErrorKind::NotFound);
    QVERIFY2(m.error().message.contains(QStringLiteral("no container no-such-container")),
             qPrintable(m.error().message));

    // Bad names and paths never reach a shell.
    QVERIFY(!LogSourceSpec::containerOutput(QStringLiteral("x; rm -rf /"), true).ok());
    QVERIFY(!LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("relative/path"), LogFormat::Plain, true).ok());
    QVERIFY(!LogSourceSpec::file(QStringLiteral("x"), QStringLiteral("/var/log/a\nb"), LogFormat::Plain, true).ok());
}

void TestLogsVm::aReaderWhoseConnectionDroppedEndsOnTheVm()
{
    // A followed file that stays quiet: when the connection drops, nothing is written that would
    // end the reader with a broken pipe; its keep-alive line (every 5 s) does.
    const QString file
        = QStringLiteral("/tmp/aio-quiet-%1.log").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
    QString out;
    QCOMPARE(m_tb.vmExec(QStringLiteral("vm-exposed"),
                         {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo one > %1").arg(file)}, &out),
             0);
    const auto readers = [&] {
        QString pids;
        const QString pattern = QStringLiteral("[") + file.left(1) + QStringLiteral("]") + file.mid(1);
        m_tb.vmExec(
            QStringLiteral("vm-exposed"),
            {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("pgrep -f -- '%1' || true").arg(pattern)},
            &pids);
        return pids.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size();
    };
    {
        SshSession session(m_ssh.settings(QStringLiteral("VM_EXPOSED"), m_dir.filePath(QStringLiteral("known_hosts"))));
        QVERIFY(session.connectToHost().ok());
        Result<LogSourceSpec> spec = LogSourceSpec::file(QStringLiteral("quiet"), file, LogFormat::Plain, false);
        QVERIFY(spec.ok());
        LogBuffer buffer;
        LogStream stream(*spec, session, buffer);
        CancelToken cancel;
        std::atomic<int> connected{0};
        std::thread reader([&] {
            (void)stream.run(LogStartOptions{}, cancel, [&](const LogStream::Event& e) {
                if (e.kind == LogStream::Event::Kind::Connected)
                    ++connected;
            });
        });
        const auto stop = qScopeGuard([&] {
            cancel.cancel();
            reader.join();
        });
        QVERIFY(test::waitUntil([&] { return connected.load() > 0 && buffer.endLine() == 1; }, 30'000));
        QVERIFY(readers() >= 1);
        QVERIFY(killSessionReading(file));
        // The session reconnects and starts a new reader; the old one is gone within about 5 s.
        QVERIFY(test::waitUntil([&] { return connected.load() >= 2; }, 30'000));
        QVERIFY2(test::waitUntil([&] { return readers() == 1; }, 12'000), qPrintable(QString::number(readers())));
    }
    // Cancelled, the last reader is stopped too.
    QVERIFY2(test::waitUntil([&] { return readers() == 0; }, 12'000), qPrintable(QString::number(readers())));
    m_tb.vmExec(QStringLiteral("vm-exposed"), {QStringLiteral("rm"), QStringLiteral("-f"), file}, &out);
}

QTEST_GUILESS_MAIN(TestLogsVm)
#include "TestLogsVm.moc"
