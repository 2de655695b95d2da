// The command line, run as a user would: the built binary, exit codes, messages on stderr, and
// nothing lost when a command is refused.

#include "CliRunner.h"
#include "core/deploy/History.h"
#include "core/deploy/vm/VmDeploymentSetup.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;

namespace {
const QString dataDir = QStringLiteral(AIO_SOURCE_DIR "/tests/data");

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList names(const QByteArray& json)
{
    QStringList list;
    const QJsonArray array = QJsonDocument::fromJson(json).array();
    for (const QJsonValue& v : array)
        list << v.toObject().value(QStringLiteral("name")).toString();
    return list;
}
} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<CliRunner> m_cli;
    QString m_profile;

    QString inventoryFile() const { return m_profile + QStringLiteral("/config/inventory.json"); }
    CliResult run(QStringList args, const QByteArray& input = {})
    {
        args.prepend(m_profile);
        args.prepend(QStringLiteral("--profile"));
        return m_cli->run(args, input);
    }
    // A refused command: exit 1, the message on stderr, and the inventory file byte for byte as before.
    void expectRefused(const QStringList& args, const QString& says)
    {
        const QByteArray before = fileBytes(inventoryFile());
        const CliResult r = run(args);
        QVERIFY2(r.exitCode == 1,
                 qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(QString::fromUtf8(r.err))));
        QVERIFY2(QString::fromUtf8(r.err).contains(says), qPrintable(QString::fromUtf8(r.err)));
        QVERIFY(r.out.isEmpty());
        QCOMPARE(fileBytes(inventoryFile()), before);
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QDir().mkpath(m_dir->filePath(QStringLiteral("home")));
        m_cli = std::make_unique<CliRunner>(m_dir->filePath(QStringLiteral("home")));
        m_cli->withoutKeychain();
        m_profile = m_dir->filePath(QStringLiteral("profile"));
    }

    void versionAndHelp()
    {
        CliResult r = m_cli->run({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("aio-sandbox-manager " AIO_VERSION));
        r = m_cli->run({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("targets"));
        QVERIFY(r.out.contains("--profile"));
        r = m_cli->run({QStringLiteral("targets"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("targets import ssh-config|kubeconfig"));
    }

    void usageErrorsExitWith2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("targets alone") << QStringList{QStringLiteral("targets")};
        QTest::newRow("unknown subcommand") << QStringList{QStringLiteral("targets"), QStringLiteral("explode")};
        QTest::newRow("add without kind") << QStringList{QStringLiteral("targets"), QStringLiteral("add")};
        QTest::newRow("add boat") << QStringList{QStringLiteral("targets"), QStringLiteral("add"),
                                                 QStringLiteral("boat")};
        QTest::newRow("add vm without name")
            << QStringList{QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"),
                           QStringLiteral("--host"), QStringLiteral("h")};
        QTest::newRow("add vm without host") << QStringList{QStringLiteral("targets"), QStringLiteral("add"),
                                                            QStringLiteral("vm"), QStringLiteral("web")};
        QTest::newRow("unknown option") << QStringList{QStringLiteral("targets"), QStringLiteral("list"),
                                                       QStringLiteral("--colour")};
        QTest::newRow("option without value")
            << QStringList{QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"),
                           QStringLiteral("web"), QStringLiteral("--host")};
        QTest::newRow("add cluster without kubeconfig") << QStringList{QStringLiteral("targets"), QStringLiteral("add"),
                                                                       QStringLiteral("cluster"), QStringLiteral("k")};
        QTest::newRow("import from nowhere")
            << QStringList{QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("floppy")};
        QTest::newRow("remove nothing") << QStringList{QStringLiteral("targets"), QStringLiteral("remove")};
        QTest::newRow("edit without a change")
            << QStringList{QStringLiteral("targets"), QStringLiteral("edit"), QStringLiteral("a")};
        QTest::newRow("check nothing") << QStringList{QStringLiteral("targets"), QStringLiteral("check")};
        QTest::newRow("list with an empty tag") << QStringList{QStringLiteral("targets"), QStringLiteral("list"),
                                                               QStringLiteral("--tag"), QStringLiteral(",")};
        QTest::newRow("remove with an empty group") << QStringList{QStringLiteral("targets"), QStringLiteral("remove"),
                                                                   QStringLiteral("--group"), QStringLiteral(" ")};
        QTest::newRow("check with an empty tag")
            << QStringList{QStringLiteral("targets"), QStringLiteral("check"), QStringLiteral("--tag"), QString()};
        QTest::newRow("check with no jobs")
            << QStringList{QStringLiteral("targets"), QStringLiteral("check"), QStringLiteral("a"),
                           QStringLiteral("--jobs"), QStringLiteral("0")};
    }
    void usageErrorsExitWith2()
    {
        QFETCH(QStringList, args);
        const CliResult r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
        QVERIFY(!QFile::exists(inventoryFile()));
    }

    void profileWithoutFolderIsAUsageError()
    {
        const CliResult r
            = m_cli->run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--profile")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--profile"));
    }

    void importSshConfigThenListJson()
    {
        CliResult r = run({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("ssh-config"),
                           dataDir + QStringLiteral("/ssh_config")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Imported 7 target"));
        // Each skipped entry is reported with its file and line.
        QVERIFY2(r.err.contains("ssh_config:29: broken-host:"), r.err.constData());
        QVERIFY(r.err.contains("ssh_config:34: broken-port:"));
        QVERIFY(r.err.contains("lab.conf:8: broken-jump:"));

        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(names(r.out),
                 (QStringList{QStringLiteral("lab-vm"), QStringLiteral("prod-web"), QStringLiteral("bastion"),
                              QStringLiteral("staging"), QStringLiteral("staging-alias"), QStringLiteral("db-1"),
                              QStringLiteral("legacy.internal")}));
        const QJsonObject web = QJsonDocument::fromJson(r.out).array().at(1).toObject();
        QCOMPARE(web.value(QStringLiteral("vm")).toObject().value(QStringLiteral("host")).toString(),
                 QStringLiteral("web.prod.example.com"));
        QCOMPARE(web.value(QStringLiteral("vm")).toObject().value(QStringLiteral("port")).toInt(), 2222);

        // Importing again adds nothing and says why.
        r = run({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("ssh-config"),
                 dataDir + QStringLiteral("/ssh_config")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Imported no targets"));
        QVERIFY(r.err.contains("already in the inventory"));
    }

    void debugLogOnlyWithDebug()
    {
        // The import logs a debug line; a command's stderr carries it only with --debug.
        const QStringList import{QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("ssh-config"),
                                 dataDir + QStringLiteral("/ssh_config")};
        CliResult r = run(import);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.err.contains("ssh config import:"), r.err.constData());
        r = run(QStringList{QStringLiteral("--debug")} + import);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("ssh config import:"), r.err.constData());
        QVERIFY(r.out.contains("Imported no targets"));
    }

    // Both are refused while reading the answers and secrets, before any connection is made
    // (the target's address answers nothing here).
    void deployRefusesADigitsHostAndAnUnreadableKeychain()
    {
        QCOMPARE(run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), QStringLiteral("web"),
                      QStringLiteral("--host"), QStringLiteral("198.18.0.99")})
                     .exitCode,
                 0);
        auto answers = [this](const QString& host) {
            const QString path = m_dir->filePath(host + QStringLiteral(".json"));
            QFile f(path);
            if (f.open(QIODevice::WriteOnly))
                f.write(QStringLiteral(R"({"version": 1, "publicHost": "%1", "tls": {"mode": "own-ca"},
                                            "sandboxAuth": {"jwt": true}})")
                            .arg(host)
                            .toUtf8());
            return path;
        };
        CliResult r = run({QStringLiteral("deploy"), QStringLiteral("web"), QStringLiteral("--answers"),
                           answers(QStringLiteral("10-0-0-5.nip.io")), QStringLiteral("--dry-run")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("begins with digits and a hyphen"), r.err.constData());
        QVERIFY2(r.err.contains("internal port 10 without any authentication"), r.err.constData());

        // No keychain in this test's session: a new JWT key would die with the command.
        r = run({QStringLiteral("deploy"), QStringLiteral("web"), QStringLiteral("--answers"),
                 answers(QStringLiteral("sandbox.example.com")), QStringLiteral("--dry-run")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("No keychain runs here"), r.err.constData());
        QVERIFY2(r.err.contains("--jwt-key-file"), r.err.constData());
    }

    // `deploy TARGET` without --answers starts from the answers the wizard (or an earlier deploy)
    // kept for the target; with none kept it says how to give them.
    void deployStartsFromTheAnswersKeptForTheTarget()
    {
        QCOMPARE(run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), QStringLiteral("web"),
                      QStringLiteral("--host"), QStringLiteral("198.18.0.99")})
                     .exitCode,
                 0);
        CliResult r = run({QStringLiteral("deploy"), QStringLiteral("web"), QStringLiteral("--dry-run")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("No answers are saved for web"), r.err.constData());
        QVERIFY2(r.err.contains("--answers FILE"), r.err.constData());

        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        const QUuid id(QJsonDocument::fromJson(r.out).array().at(0).toObject().value(QStringLiteral("id")).toString());
        QVERIFY(!id.isNull());
        // What the wizard keeps, where it keeps it. These answers are refused while the plan is
        // built, before any connection: proof that they were the ones read.
        VmDeployAnswers kept = VmDeployAnswers::defaults();
        kept.publicHost = *HostName::parse(QStringLiteral("10-0-0-5.nip.io"));
        QVERIFY(VmDeploymentSetup::saveAnswers(m_profile + QStringLiteral("/data"), id, kept));
        r = run({QStringLiteral("deploy"), QStringLiteral("web"), QStringLiteral("--dry-run")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("begins with digits and a hyphen"), r.err.constData());

        // A kept file that is broken is reported, not replaced by defaults.
        QFile broken(VmDeploymentSetup::answersPath(m_profile + QStringLiteral("/data"), id));
        QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
        broken.write("{not json");
        broken.close();
        r = run({QStringLiteral("deploy"), QStringLiteral("web"), QStringLiteral("--dry-run")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not a JSON object"), r.err.constData());
    }

    // One name, one place: the target's public host is the deployment's. The target takes only a
    // name the deployment would accept; kept answers start from the target's name; and deploying
    // with answers for another name makes that the target's (said on the terminal).
    void theTargetsPublicHostIsTheDeploymentsPublicHost()
    {
        CliResult r
            = run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), QStringLiteral("web"),
                   QStringLiteral("--host"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QStringLiteral("1"),
                   QStringLiteral("--public-host"), QStringLiteral("8091-sandbox.test")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("begins with digits and a hyphen"), r.err.constData());
        QCOMPARE(run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), QStringLiteral("web"),
                      QStringLiteral("--host"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                      QStringLiteral("1"), QStringLiteral("--public-host"), QStringLiteral("sandbox-b.test")})
                     .exitCode,
                 0);
        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        const QUuid id(QJsonDocument::fromJson(r.out).array().at(0).toObject().value(QStringLiteral("id")).toString());
        QVERIFY(!id.isNull());

        VmDeployAnswers kept = VmDeployAnswers::defaults();
        kept.publicHost = *HostName::parse(QStringLiteral("sandbox.test"));
        kept.acmeEmail = QStringLiteral("admin@example.com");
        kept.acmeAgreeTos = true;
        kept.acmeDirectory = QUrl(QStringLiteral("https://acme.internal/directory")); // .test: a private ACME server
        QVERIFY(VmDeploymentSetup::saveAnswers(m_profile + QStringLiteral("/data"), id, kept));
        Target t = Target::makeVm(QStringLiteral("web"), {});
        t.id = id;
        t.vm.publicHost = *HostName::parse(QStringLiteral("sandbox-b.test"));
        std::optional<Result<VmDeployAnswers>> loaded
            = VmDeploymentSetup::loadAnswers(m_profile + QStringLiteral("/data"), t);
        QVERIFY(loaded && loaded->ok());
        QCOMPARE(loaded->value().publicHost.toString(), QStringLiteral("sandbox-b.test"));
        // A name the answers refuse (from an older inventory) leaves the kept answers as they are.
        t.vm.publicHost = *HostName::parse(QStringLiteral("8091-sandbox.test"));
        loaded = VmDeploymentSetup::loadAnswers(m_profile + QStringLiteral("/data"), t);
        QVERIFY(loaded && loaded->ok());
        QCOMPARE(loaded->value().publicHost.toString(), QStringLiteral("sandbox.test"));

        // deploy --answers for a third name: the target takes it once the plan is built (here the
        // connection is then refused by the closed port 1 on loopback).
        VmDeployAnswers third = kept;
        third.publicHost = *HostName::parse(QStringLiteral("sandbox-c.test"));
        const QString answersFile = m_profile + QStringLiteral("/third.json");
        QVERIFY(third.save(answersFile));
        r = run({QStringLiteral("deploy"), QStringLiteral("web"), QStringLiteral("--answers"), answersFile,
                 QStringLiteral("--jwt-key-file"), m_profile + QStringLiteral("/jwt.pem"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode != 0, r.out.constData());
        QVERIFY2(r.out.contains("The public host of web is now sandbox-c.test"), (r.out + r.err).constData());
        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out)
                     .array()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("vm"))
                     .toObject()
                     .value(QStringLiteral("publicHost"))
                     .toString(),
                 QStringLiteral("sandbox-c.test"));
    }

    void historyShowsWhatDeploymentsChanged()
    {
        QCOMPARE(run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), QStringLiteral("web"),
                      QStringLiteral("--host"), QStringLiteral("198.18.0.2")})
                     .exitCode,
                 0);
        CliResult r = run({QStringLiteral("history"), QStringLiteral("web")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("No deployment has changed web yet."));

        // What the deploy command writes after a step: the history file of the target's id.
        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        const QString id
            = QJsonDocument::fromJson(r.out).array().at(0).toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        const History history(QUuid::fromString(id).toString(QUuid::WithoutBraces),
                              m_profile + QStringLiteral("/data/history"));
        HistoryEntry applied;
        applied.when = QDateTime(QDate(2026, 11, 27), QTime(4, 10, 33), Qt::UTC);
        applied.stepId = QStringLiteral("nginx");
        applied.stepTitle = QStringLiteral("Nginx reverse proxy");
        applied.action = QStringLiteral("apply");
        applied.outcome = StepOutcome::Applied;
        applied.commands << QStringLiteral("sudo nginx -t");
        applied.message = QStringLiteral("No sandbox site yet."); // what the step found, before it applied
        JournalFileChange site;
        site.path = QStringLiteral("/etc/nginx/conf.d/aio-sandbox.conf");
        site.existedBefore = true;
        site.previousContent = "listen 80;\n";
        site.newContent = "listen 443 ssl;\n";
        applied.files << site;
        JournalFileChange key;
        key.path = QStringLiteral("/etc/aio-sandbox/htpasswd");
        key.secret = true;
        applied.files << key;
        QVERIFY(history.append(applied));
        HistoryEntry skipped = applied;
        skipped.stepId = QStringLiteral("firewall");
        skipped.stepTitle = QStringLiteral("Host firewall");
        skipped.action = QStringLiteral("skip");
        skipped.outcome = StepOutcome::Skipped;
        skipped.skipReason = QStringLiteral("the cloud security group does it");
        skipped.files.clear();
        skipped.commands.clear();
        QVERIFY(history.append(skipped));

        r = run({QStringLiteral("history"), QStringLiteral("web")});
        QCOMPARE(r.exitCode, 0);
        // The state an applied step found is worded as before, never as the result.
        QVERIFY2(r.out.contains("2026-11-27 04:10:33 UTC  apply     applied          Nginx reverse proxy — found "
                                "before: No sandbox site yet."),
                 r.out.constData());
        QVERIFY(r.out.contains("skip      skipped          Host firewall — the cloud security group does it"));
        QVERIFY(!r.out.contains("listen")); // the diffs only with --files

        r = run({QStringLiteral("history"), QStringLiteral("web"), QStringLiteral("--files"), QStringLiteral("--last"),
                 QStringLiteral("2")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("    $ sudo nginx -t"), r.out.constData());
        QVERIFY(r.out.contains("/etc/nginx/conf.d/aio-sandbox.conf: changed"));
        QVERIFY(r.out.contains("    -listen 80;"));
        QVERIFY(r.out.contains("    +listen 443 ssl;"));
        QVERIFY(r.out.contains("/etc/aio-sandbox/htpasswd: secret file, content not recorded"));

        r = run({QStringLiteral("history"), QStringLiteral("web"), QStringLiteral("--json"), QStringLiteral("--last"),
                 QStringLiteral("1")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray entries = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.at(0).toObject().value(QStringLiteral("step")).toString(), QStringLiteral("firewall"));

        QCOMPARE(run({QStringLiteral("history"), QStringLiteral("nope")}).exitCode, 1);
        QCOMPARE(run({QStringLiteral("history"), QStringLiteral("web"), QStringLiteral("--last"), QStringLiteral("x")})
                     .exitCode,
                 2);
        QCOMPARE(run({QStringLiteral("history")}).exitCode, 2);
    }

    void rootCommandsGoThroughSudoUnlessTheUserIsRoot()
    {
        const auto add = [&](const QString& name, const QStringList& extra) {
            return run(QStringList{QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), name,
                                   QStringLiteral("--host"), QStringLiteral("203.0.113.10")}
                       + extra)
                .exitCode;
        };
        QCOMPARE(add(QStringLiteral("a"), {QStringLiteral("--user"), QStringLiteral("deploy")}), 0);
        QCOMPARE(add(QStringLiteral("b"), {QStringLiteral("--user"), QStringLiteral("root")}), 0);
        QCOMPARE(
            add(QStringLiteral("c"), {QStringLiteral("--user"), QStringLiteral("ops"), QStringLiteral("--no-sudo")}),
            0);
        QCOMPARE(add(QStringLiteral("d"), {QStringLiteral("--user"), QStringLiteral("root"), QStringLiteral("--sudo")}),
                 0);
        QCOMPARE(add(QStringLiteral("e"), {QStringLiteral("--sudo"), QStringLiteral("--no-sudo")}), 2);
        const QJsonArray list
            = QJsonDocument::fromJson(
                  run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")}).out)
                  .array();
        QList<bool> sudo;
        for (const QJsonValue& t : list)
            sudo << t.toObject().value(QStringLiteral("vm")).toObject().value(QStringLiteral("sudo")).toBool();
        QCOMPARE(sudo, (QList<bool>{true, false, false, true}));
    }

    void importKubeconfig()
    {
        const CliResult r = run({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("kubeconfig"),
                                 dataDir + QStringLiteral("/kubeconfig")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.contains("kubeconfig:38: ghost:"));
        const CliResult list = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(names(list.out), (QStringList{QStringLiteral("prod"), QStringLiteral("staging")}));
        const QJsonObject prod = QJsonDocument::fromJson(list.out).array().at(0).toObject();
        QCOMPARE(prod.value(QStringLiteral("kind")).toString(), QStringLiteral("cluster"));
        QCOMPARE(prod.value(QStringLiteral("cluster")).toObject().value(QStringLiteral("namespace")).toString(),
                 QStringLiteral("sandbox"));
    }

    void importOfAnUnreadableFileFails()
    {
        expectRefused({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("kubeconfig"),
                       dataDir + QStringLiteral("/kubeconfig-not-yaml")},
                      QStringLiteral("not valid YAML"));
        expectRefused({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("ssh-config"),
                       m_dir->filePath(QStringLiteral("missing"))},
                      QStringLiteral("does not exist"));
    }

    void addListAndRemove()
    {
        CliResult r
            = run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), QStringLiteral("web"),
                   QStringLiteral("--host"), QStringLiteral("198.18.0.10"), QStringLiteral("--port"),
                   QStringLiteral("2222"), QStringLiteral("--user"), QStringLiteral("deploy"), QStringLiteral("--key"),
                   QStringLiteral("~/.ssh/id_ed25519"), QStringLiteral("--jump"), QStringLiteral("ops@198.18.0.5:22"),
                   QStringLiteral("--sudo"), QStringLiteral("--public-host"), QStringLiteral("sandbox.example.com"),
                   QStringLiteral("--notes"), QStringLiteral("the web VM")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("Added vm target \"web\""));

        const QString kubeconfig = dataDir + QStringLiteral("/kubeconfig");
        r = run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("cluster"), QStringLiteral("k8s"),
                 QStringLiteral("--kubeconfig"), kubeconfig, QStringLiteral("--context"), QStringLiteral("prod"),
                 QStringLiteral("--namespace"), QStringLiteral("sandbox"), QStringLiteral("--ingress-host"),
                 QStringLiteral("sandbox.k8s.example.com")});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        const QJsonArray array = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(array.size(), 2);
        const QJsonObject vm = array.at(0).toObject().value(QStringLiteral("vm")).toObject();
        QCOMPARE(vm.value(QStringLiteral("auth")).toString(), QStringLiteral("key")); // implied by --key
        QCOMPARE(vm.value(QStringLiteral("keyPath")).toString(),
                 m_dir->filePath(QStringLiteral("home/.ssh/id_ed25519"))); // ~ is the user's home
        QCOMPARE(vm.value(QStringLiteral("jumpHost")).toString(), QStringLiteral("ops@198.18.0.5:22"));
        QCOMPARE(vm.value(QStringLiteral("sudo")).toBool(), true);
        QCOMPARE(array.at(0).toObject().value(QStringLiteral("notes")).toString(), QStringLiteral("the web VM"));

        r = run({QStringLiteral("targets"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("deploy@198.18.0.10:2222 via ops@198.18.0.5:22"));
        QVERIFY(r.out.contains("prod/sandbox"));

        r = run({QStringLiteral("targets"), QStringLiteral("remove"), QStringLiteral("web")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(names(r.out), QStringList{QStringLiteral("k8s")});
        expectRefused({QStringLiteral("targets"), QStringLiteral("remove"), QStringLiteral("web")},
                      QStringLiteral("no target named \"web\""));
    }

    // --group and --tag pick targets for list and remove; edit moves and tags; several go only with --yes.
    void groupsAndTagsPickTargets()
    {
        auto add = [this](const QString& name, const QString& host, const QStringList& more) {
            const CliResult r = run(QStringList{QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"),
                                                name, QStringLiteral("--host"), host}
                                    + more);
            QVERIFY2(r.exitCode == 0, r.err.constData());
        };
        add(QStringLiteral("web-1"), QStringLiteral("198.18.0.11"),
            {QStringLiteral("--group"), QStringLiteral("Prod/Web"), QStringLiteral("--tag"), QStringLiteral("gpu,eu")});
        add(QStringLiteral("web-2"), QStringLiteral("198.18.0.12"),
            {QStringLiteral("--group"), QStringLiteral("prod / web"), QStringLiteral("--tag"), QStringLiteral("eu")});
        add(QStringLiteral("db"), QStringLiteral("198.18.0.13"), {QStringLiteral("--group"), QStringLiteral("Prod")});
        add(QStringLiteral("lab"), QStringLiteral("198.18.0.14"), {QStringLiteral("--tag"), QStringLiteral("gpu")});

        auto listed = [this](const QStringList& args) {
            const CliResult r
                = run(QStringList{QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")} + args);
            return r.exitCode == 0 ? names(r.out) : QStringList{QString::fromUtf8(r.err)};
        };
        QCOMPARE(listed({QStringLiteral("--group"), QStringLiteral("prod")}),
                 (QStringList{QStringLiteral("web-1"), QStringLiteral("web-2"), QStringLiteral("db")}));
        QCOMPARE(listed({QStringLiteral("--group"), QStringLiteral("Prod/Web")}),
                 (QStringList{QStringLiteral("web-1"), QStringLiteral("web-2")}));
        QCOMPARE(listed({QStringLiteral("--tag"), QStringLiteral("gpu")}),
                 (QStringList{QStringLiteral("web-1"), QStringLiteral("lab")}));
        CliResult r = run({QStringLiteral("targets"), QStringLiteral("list")});
        QVERIFY(r.out.contains("GROUP"));
        QVERIFY(r.out.contains("Prod/Web"));
        QVERIFY(r.out.contains("gpu,eu"));
        expectRefused(
            {QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--group"), QStringLiteral("Staging")},
            QStringLiteral("No target is in group \"Staging\""));

        r = run({QStringLiteral("targets"), QStringLiteral("edit"), QStringLiteral("lab"), QStringLiteral("db"),
                 QStringLiteral("--group"), QStringLiteral("Lab"), QStringLiteral("--tag"), QStringLiteral("new"),
                 QStringLiteral("--untag"), QStringLiteral("GPU")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("lab: group Lab, tags new"));
        QCOMPARE(listed({QStringLiteral("--group"), QStringLiteral("lab")}),
                 (QStringList{QStringLiteral("db"), QStringLiteral("lab")}));
        expectRefused({QStringLiteral("targets"), QStringLiteral("edit"), QStringLiteral("lab"),
                       QStringLiteral("--group"), QStringLiteral("a/b/c")},
                      QStringLiteral("nested more than one level"));
        expectRefused({QStringLiteral("targets"), QStringLiteral("edit"), QStringLiteral("lab"),
                       QStringLiteral("--tag"), QStringLiteral("$(reboot)")},
                      QStringLiteral("contains \"$\""));

        // Several targets: the list, and nothing removed without --yes.
        const QByteArray before = fileBytes(inventoryFile());
        r = run({QStringLiteral("targets"), QStringLiteral("remove"), QStringLiteral("--tag"), QStringLiteral("eu")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("web-1, web-2"));
        QCOMPARE(fileBytes(inventoryFile()), before);
        r = run({QStringLiteral("targets"), QStringLiteral("remove"), QStringLiteral("--group"), QStringLiteral("Prod"),
                 QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("Removed 2 targets: web-1, web-2"));
        QCOMPARE(listed({}), (QStringList{QStringLiteral("db"), QStringLiteral("lab")}));
    }

    void importTakesItsGroupFromTheIncludedFile()
    {
        const QString config = dataDir + QStringLiteral("/ssh_config");
        CliResult r = run({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("ssh-config"), config,
                           QStringLiteral("--group-by-file")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray all
            = QJsonDocument::fromJson(
                  run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")}).out)
                  .array();
        QSet<QString> groups;
        int grouped = 0;
        for (const QJsonValue& t : all) {
            const QString group = t.toObject().value(QStringLiteral("group")).toString();
            groups.insert(group);
            grouped += group.isEmpty() ? 0 : 1;
        }
        QVERIFY2(grouped > 0 && grouped < all.size(), qPrintable(QString::fromUtf8(r.out)));
        QVERIFY(groups.contains(QStringLiteral("lab"))); // ssh_config.d/lab.conf
        QVERIFY(!groups.contains(QStringLiteral("ssh_config")));
        expectRefused({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("ssh-config"), config,
                       QStringLiteral("--group"), QStringLiteral("a/b/c")},
                      QStringLiteral("nested"));
    }

    void badInputsAreRefusedAndLoseNothing()
    {
        CliResult r = run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"),
                           QStringLiteral("web"), QStringLiteral("--host"), QStringLiteral("web.example.com")});
        QCOMPARE(r.exitCode, 0);
        const QStringList vm{QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm")};
        expectRefused(vm + QStringList{QStringLiteral("a"), QStringLiteral("--host"), QStringLiteral("a;b")},
                      QStringLiteral("\"a;b\" is not a valid host name"));
        expectRefused(vm
                          + QStringList{QStringLiteral("a"), QStringLiteral("--host"), QStringLiteral("h.example.com"),
                                        QStringLiteral("--port"), QStringLiteral("70000")},
                      QStringLiteral("70000 is out of range"));
        expectRefused(
            vm + QStringList{QStringLiteral("WEB"), QStringLiteral("--host"), QStringLiteral("other.example.com")},
            QStringLiteral("A target named \"web\" already exists"));
        expectRefused(vm
                          + QStringList{QStringLiteral("a"), QStringLiteral("--host"), QStringLiteral("h"),
                                        QStringLiteral("--user"), QStringLiteral("root;reboot")},
                      QStringLiteral("root;reboot"));
        expectRefused(vm
                          + QStringList{QStringLiteral("a"), QStringLiteral("--host"), QStringLiteral("h"),
                                        QStringLiteral("--auth"), QStringLiteral("key")},
                      QStringLiteral("private key"));
        expectRefused(vm
                          + QStringList{QStringLiteral("a"), QStringLiteral("--host"), QStringLiteral("h"),
                                        QStringLiteral("--jump"), QStringLiteral("ops@bastion:99999")},
                      QStringLiteral("99999"));
        expectRefused({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("cluster"), QStringLiteral("k"),
                       QStringLiteral("--kubeconfig"), m_dir->filePath(QStringLiteral("no-such-kubeconfig"))},
                      QStringLiteral("does not exist"));
        expectRefused({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("cluster"), QStringLiteral("k"),
                       QStringLiteral("--kubeconfig"), dataDir + QStringLiteral("/kubeconfig"),
                       QStringLiteral("--context"), QStringLiteral("ghost")},
                      QStringLiteral("no usable context \"ghost\""));
        r = run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(names(r.out), QStringList{QStringLiteral("web")});
    }

    void corruptInventoryIsReportedAndKept()
    {
        QDir().mkpath(m_profile + QStringLiteral("/config"));
        QFile f(inventoryFile());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ this is not json");
        f.close();
        expectRefused({QStringLiteral("targets"), QStringLiteral("list")}, QStringLiteral("not valid JSON"));
        expectRefused({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"), QStringLiteral("web"),
                       QStringLiteral("--host"), QStringLiteral("web.example.com")},
                      QStringLiteral("not valid JSON"));
        expectRefused({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("ssh-config"),
                       dataDir + QStringLiteral("/ssh_config")},
                      QStringLiteral("not valid JSON"));
    }

    void releaseBuildsCannotDumpCore()
    {
#ifndef NDEBUG
        QSKIP("core dumps stay enabled in debug builds");
#else
        // The command waits for the password on stdin; meanwhile its limits are visible in /proc.
        // (The soft limit may be 0 already where the test runs; the hard limit must be 0 too.)
        QProcess p;
        p.setProcessEnvironment(m_cli->environment());
        p.start(QStringLiteral(AIO_APP_PATH),
                {QStringLiteral("--profile"), m_profile, QStringLiteral("targets"), QStringLiteral("add"),
                 QStringLiteral("vm"), QStringLiteral("waiting"), QStringLiteral("--host"), QStringLiteral("h"),
                 QStringLiteral("--password-stdin")});
        QVERIFY(p.waitForStarted(30000));
        const QString limitsPath = QStringLiteral("/proc/%1/limits").arg(p.processId());
        QByteArray coreLine;
        for (int i = 0; i < 500 && !coreLine.startsWith("Max core file size 0 0"); ++i) {
            QFile limits(limitsPath);
            if (limits.open(QIODevice::ReadOnly)) {
                for (const QByteArray& line : limits.readAll().split('\n')) {
                    if (line.startsWith("Max core file size"))
                        coreLine = line.simplified();
                }
            }
            if (!coreLine.startsWith("Max core file size 0 0"))
                QTest::qWait(10);
            else
                break;
        }
        p.closeWriteChannel(); // an empty password: the command is refused and ends
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(coreLine.startsWith("Max core file size 0 0"), coreLine.constData());
        QCOMPARE(p.exitCode(), 1);
#endif
    }

    void profileFromTheEnvironment()
    {
        m_cli->environment().insert(QStringLiteral("AIO_PROFILE"), m_profile);
        const CliResult r = m_cli->run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"),
                                        QStringLiteral("env-vm"), QStringLiteral("--host"), QStringLiteral("h")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(fileBytes(inventoryFile()).contains("env-vm"));
        // Without a profile the platform location under $HOME is used, never the profile.
        m_cli->environment().remove(QStringLiteral("AIO_PROFILE"));
        QCOMPARE(m_cli
                     ->run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("vm"),
                            QStringLiteral("home-vm"), QStringLiteral("--host"), QStringLiteral("h")})
                     .exitCode,
                 0);
        QVERIFY(fileBytes(m_dir->filePath(QStringLiteral("home/.config/aio-sandbox-manager/inventory.json")))
                    .contains("home-vm"));
        QVERIFY(!fileBytes(inventoryFile()).contains("home-vm"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
