// SshConfigImporter against tests/data/ssh_config (with an Include and broken entries) and small
// hand-made configs for the rules ssh follows.

#include "core/inventory/Inventory.h"
#include "core/inventory/SshConfigImporter.h"
#include "core/ssh/SshSettings.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;

namespace {
const QString dataDir = QStringLiteral(AIO_SOURCE_DIR "/tests/data");

const Target* find(const ImportResult& r, const QString& name)
{
    for (const Target& t : r.targets) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

const ImportIssue* issueFor(const ImportResult& r, const QString& entry)
{
    for (const ImportIssue& i : r.skipped) {
        if (i.entry == entry)
            return &i;
    }
    return nullptr;
}

bool hasIssueAtLine(const ImportResult& r, int line, const QString& says)
{
    for (const ImportIssue& i : r.skipped) {
        if (i.line == line && i.reason.contains(says))
            return true;
    }
    return false;
}

ImportResult parse(const char* text, const QString& sshDir = QDir::tempPath())
{
    return SshConfigImporter::parse(QByteArray(text), QStringLiteral("config"), sshDir);
}
} // namespace

class TestSshConfigImporter : public QObject
{
    Q_OBJECT

private slots:
    // ssh takes the first value in file order among the sections that match, whichever kind
    // they are (a host's own section, a wildcard, the top of the file).
    void theFirstMatchingValueWinsWhateverTheSectionKind()
    {
        const QByteArray text = "User top\n"
                                "Host *.lab\n    User wild\n    Port 2200\n"
                                "Host a.lab b.lab\n    User own\n    Port 2201\n"
                                "Host c\n    HostName 198.18.0.9\n"
                                "Host !d *\n    Port 2202\n"
                                "Host d\n    HostName 198.18.0.10\n";
        const ImportResult r = SshConfigImporter::parse(text, QStringLiteral("config"), QDir::tempPath());
        QHash<QString, Target> byName;
        for (const Target& t : r.targets)
            byName.insert(t.name, t);
        QCOMPARE(byName.value(QStringLiteral("a.lab")).vm.user, QStringLiteral("top"));
        QCOMPARE(byName.value(QStringLiteral("b.lab")).vm.port.value(), quint16(2200));
        QCOMPARE(byName.value(QStringLiteral("c")).vm.port.value(), quint16(2202));
        QCOMPARE(byName.value(QStringLiteral("d")).vm.port.value(), quint16(22));
        QCOMPARE(byName.value(QStringLiteral("d")).vm.host.toString(), QStringLiteral("198.18.0.10"));
    }

    void sampleImportsTheValidHosts()
    {
        auto r = SshConfigImporter::importFile(dataDir + QStringLiteral("/ssh_config"));
        QVERIFY(r.ok());
        QStringList names;
        for (const Target& t : r->targets)
            names << t.name;
        QCOMPARE(names,
                 (QStringList{QStringLiteral("lab-vm"), QStringLiteral("prod-web"), QStringLiteral("bastion"),
                              QStringLiteral("staging"), QStringLiteral("staging-alias"), QStringLiteral("db-1"),
                              QStringLiteral("legacy.internal")}));
        for (const Target& t : r->targets)
            QVERIFY2(t.validate().ok(), qPrintable(t.name));
    }

    void sampleResolvesSettingsAsSshDoes()
    {
        auto r = SshConfigImporter::importFile(dataDir + QStringLiteral("/ssh_config"));
        QVERIFY(r.ok());
        const Target* web = find(*r, QStringLiteral("prod-web"));
        QVERIFY(web);
        QCOMPARE(web->vm.host.toString(), QStringLiteral("web.prod.example.com"));
        QCOMPARE(web->vm.user, QStringLiteral("deploy"));
        QCOMPARE(web->vm.port.value(), quint16(2222));
        QCOMPARE(web->vm.auth, SshAuthMethod::KeyFile);
        QCOMPARE(web->vm.keyPath, QDir::homePath() + QStringLiteral("/.ssh/id_ed25519_prod"));
        // "ProxyJump bastion" names another Host entry: its HostName, User and Port are used.
        QCOMPARE(web->vm.jumpHost.toString(), QStringLiteral("ops@198.18.0.5:22"));

        const Target* staging = find(*r, QStringLiteral("staging-alias"));
        QVERIFY(staging);
        QCOMPARE(staging->vm.host.toString(), QStringLiteral("staging-alias.example.org")); // %h
        QCOMPARE(staging->vm.user, QStringLiteral("ubuntu"));

        const Target* db = find(*r, QStringLiteral("db-1"));
        QVERIFY(db);
        QCOMPARE(db->vm.jumpHost.toString(), QStringLiteral("jump@198.18.0.5:2200"));
        QCOMPARE(db->vm.user, QStringLiteral("fallback")); // from Host *
        QCOMPARE(db->vm.auth, SshAuthMethod::Agent);

        const Target* legacy = find(*r, QStringLiteral("legacy.internal"));
        QVERIFY(legacy);
        QCOMPARE(legacy->vm.user, QStringLiteral("admin")); // Host *.internal comes before Host *

        const Target* lab = find(*r, QStringLiteral("lab-vm")); // from the included file
        QVERIFY(lab);
        QCOMPARE(lab->vm.port.value(), quint16(2022));
    }

    void sampleReportsEachSkippedEntryWithItsLine()
    {
        auto r = SshConfigImporter::importFile(dataDir + QStringLiteral("/ssh_config"));
        QVERIFY(r.ok());
        const ImportIssue* host = issueFor(*r, QStringLiteral("broken-host"));
        QVERIFY(host);
        QCOMPARE(host->line, 29);
        QVERIFY(host->reason.contains(QStringLiteral("a;b")));
        const ImportIssue* port = issueFor(*r, QStringLiteral("broken-port"));
        QVERIFY(port);
        QCOMPARE(port->line, 34);
        QVERIFY(port->reason.contains(QStringLiteral("70000")));
        const ImportIssue* jump = issueFor(*r, QStringLiteral("broken-jump"));
        QVERIFY(jump);
        QVERIFY(jump->file.endsWith(QStringLiteral("ssh_config.d/lab.conf")));
        QCOMPARE(jump->line, 8);
        QVERIFY(issueFor(*r, QStringLiteral("*.internal")));
        QVERIFY(issueFor(*r, QStringLiteral("!secret.internal")));
        QVERIFY(issueFor(*r, QStringLiteral("*")));
        QVERIFY(hasIssueAtLine(*r, 41, QStringLiteral("Match")));
        QVERIFY(hasIssueAtLine(*r, 46, QStringLiteral("no value")));
        QVERIFY(hasIssueAtLine(*r, 47, QStringLiteral("quote")));
        // The section with broken lines is not imported by guesswork.
        QVERIFY(!find(*r, QStringLiteral("no-value")));
        QVERIFY(issueFor(*r, QStringLiteral("no-value")));
        QVERIFY(r->skipped.first().toString().contains(QStringLiteral("ssh_config")));
    }

    void deployingUsersGetSudoRootDoesNot()
    {
        const ImportResult r = SshConfigImporter::parse(
            "Host web\n  HostName 203.0.113.10\n  User deploy\nHost box\n  HostName 203.0.113.11\n  User root\n",
            QStringLiteral("config"), QStringLiteral("/nonexistent"));
        QCOMPARE(r.targets.size(), 2);
        QVERIFY(r.targets.at(0).vm.sudo);
        QVERIFY(!r.targets.at(1).vm.sudo);
    }

    void firstObtainedValueWins()
    {
        auto r = parse("Host a\n  Port 2200\nHost *\n  Port 2300\n  User x\nHost a\n  User y\n");
        QCOMPARE(r.targets.size(), 1);
        QCOMPARE(r.targets.first().vm.port.value(), quint16(2200));
        QCOMPARE(r.targets.first().vm.user, QStringLiteral("x"));
        QCOMPARE(r.targets.first().vm.host.toString(), QStringLiteral("a"));
    }

    void negatedPatternExcludesAHost()
    {
        auto r = parse("Host *.lab !db.lab\n  User labuser\nHost web.lab db.lab\n");
        QCOMPARE(r.targets.size(), 2);
        QCOMPARE(r.targets.at(0).vm.user, QStringLiteral("labuser"));
        QCOMPARE(r.targets.at(1).vm.user, QString());
    }

    void keywordsAreCaseInsensitiveAndTakeEquals()
    {
        auto r = parse("HOST box\n\tHOSTNAME=198.18.0.9\n\tport = 2022\n\tuser \"ops\"\n");
        QCOMPARE(r.targets.size(), 1);
        QCOMPARE(r.targets.first().vm.host.toString(), QStringLiteral("198.18.0.9"));
        QCOMPARE(r.targets.first().vm.port.value(), quint16(2022));
        QCOMPARE(r.targets.first().vm.user, QStringLiteral("ops"));
    }

    void includeLoopsAreBounded()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("loop.conf")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Include loop.conf\nHost looped\n");
        f.close();
        auto r = SshConfigImporter::parse("Include loop.conf\n", QStringLiteral("config"), dir.path());
        bool reported = false;
        for (const ImportIssue& i : r.skipped)
            reported = reported || i.reason.contains(QStringLiteral("16"));
        QVERIFY(reported);
        QCOMPARE(r.targets.size(), 1); // "looped" once, not once per level
    }

    // A large config split with Includes, as teams keep them: each included file becomes a group,
    // hosts of the main file stay in none, and the inventory keeps the groups.
    void largeConfigWithIncludesKeepsGroups()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("config.d")));
        const QStringList teams{QStringLiteral("prod"), QStringLiteral("staging"), QStringLiteral("gpu-lab"),
                                QStringLiteral("eu.west")};
        int host = 0;
        auto hostBlock = [&host](QByteArray& text, const QString& prefix) {
            text += QStringLiteral("Host %1-%2\n  HostName 198.18.%3.%4\n  User deploy\n\n")
                        .arg(prefix)
                        .arg(host)
                        .arg(host / 250)
                        .arg(host % 250 + 1)
                        .toUtf8();
            ++host;
        };
        for (const QString& team : teams) {
            QByteArray text;
            for (int i = 0; i < 300; ++i)
                hostBlock(text, team);
            QFile f(dir.filePath(QStringLiteral("config.d/%1.conf").arg(team)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        }
        QByteArray main = "Include config.d/*.conf\n\n";
        for (int i = 0; i < 100; ++i)
            hostBlock(main, QStringLiteral("loose"));
        QFile f(dir.filePath(QStringLiteral("config")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(main);
        f.close();

        auto imported = SshConfigImporter::importFile(dir.filePath(QStringLiteral("config")));
        QVERIFY(imported.ok());
        QCOMPARE(imported->targets.size(), 1300);
        imported->groupByIncludedFile(dir.filePath(QStringLiteral("config")));
        Inventory inventory;
        QVERIFY(inventory.load(dir.filePath(QStringLiteral("inventory.json"))).ok());
        QVERIFY(inventory.addImported(*imported, dir.filePath(QStringLiteral("config"))).ok());
        Inventory reloaded;
        QVERIFY(reloaded.load(dir.filePath(QStringLiteral("inventory.json"))).ok());
        QCOMPARE(reloaded.groups(),
                 (QStringList{QStringLiteral("eu.west"), QStringLiteral("gpu-lab"), QStringLiteral("prod"),
                              QStringLiteral("staging")}));
        for (const QString& team : teams)
            QCOMPARE(reloaded.select({team}, {}).size(), 300);
        QCOMPARE(reloaded.findByName(QStringLiteral("loose-1250"))->group, QString());
        QCOMPARE(reloaded.findByName(QStringLiteral("prod-0"))->group, QStringLiteral("prod"));

        // Or one group for everything, chosen in the import.
        auto again = SshConfigImporter::importFile(dir.filePath(QStringLiteral("config")));
        QVERIFY(again->setGroup(QStringLiteral(" Imported / 2026 ")).ok());
        QCOMPARE(again->targets.first().group, QStringLiteral("Imported/2026"));
        QCOMPARE(again->setGroup(QStringLiteral("a/b/c")).error().kind, ErrorKind::InvalidInput);
        QCOMPARE(ImportResult::groupForFile(QStringLiteral("/home/a/.ssh/work")), QStringLiteral("work"));
        QCOMPARE(ImportResult::groupForFile(QStringLiteral("/home/a/.ssh/.hidden")), QStringLiteral(".hidden"));
    }

    void missingIncludeIsReported()
    {
        auto r = parse("Include does-not-exist.conf\nHost a\n");
        QCOMPARE(r.targets.size(), 1);
        QVERIFY(hasIssueAtLine(r, 1, QStringLiteral("does-not-exist.conf")));
    }

    void unknownTokensAreNotGuessed()
    {
        auto r = parse("Host a\n  HostName %l.example.com\n");
        QCOMPARE(r.targets.size(), 0);
        QVERIFY(hasIssueAtLine(r, 2, QStringLiteral("%l")));
    }

    // ssh_config's UserKnownHostsFile is what the app checks too: a key the user already pinned
    // there is not asked about again. "none" reads no user file.
    void userKnownHostsFilesAreKept()
    {
        QTemporaryDir dir;
        auto r = SshConfigImporter::parse("Host lab\n  UserKnownHostsFile ~/.ssh/known_hosts.lab \"%d/k h\" rel_%n\n"
                                          "Host bare\n  UserKnownHostsFile none\nHost plain\n"
                                          "Host keyed\n  UserKnownHostsFile ~/.ssh/known_hosts.d/%k\n"
                                          "Host hashed\n  UserKnownHostsFile ~/.ssh/%C\n",
                                          QStringLiteral("config"), dir.path());
        QCOMPARE(r.targets.size(), 5);
        QCOMPARE(find(r, QStringLiteral("keyed"))->vm.knownHostsFiles,
                 QStringList{QDir::homePath() + QStringLiteral("/.ssh/known_hosts.d/keyed")});
        // A token the importer cannot expand keeps the host, with the usual file, and says so.
        QVERIFY(find(r, QStringLiteral("hashed"))->vm.knownHostsFiles.isEmpty());
        QVERIFY(hasIssueAtLine(r, 9, QStringLiteral("%C")));
        QVERIFY(issueFor(r, QStringLiteral("hashed"))->reason.contains(QStringLiteral("~/.ssh/known_hosts")));
        QCOMPARE(find(r, QStringLiteral("lab"))->vm.knownHostsFiles,
                 QStringList({QDir::homePath() + QStringLiteral("/.ssh/known_hosts.lab"),
                              QDir::homePath() + QStringLiteral("/k h"), dir.path() + QStringLiteral("/rel_lab")}));
        QCOMPARE(find(r, QStringLiteral("bare"))->vm.knownHostsFiles, QStringList{QString()});
        QVERIFY(find(r, QStringLiteral("plain"))->vm.knownHostsFiles.isEmpty());
        // And the SSH settings of the target use them.
        QCOMPARE(SshSettings::forTarget(*find(r, QStringLiteral("lab"))).effectiveUserKnownHostsFiles(),
                 find(r, QStringLiteral("lab"))->vm.knownHostsFiles);
        QVERIFY(SshSettings::forTarget(*find(r, QStringLiteral("bare"))).effectiveUserKnownHostsFiles().isEmpty());
        // A jump host is checked against the target's files and the usual one (a bastion pinned
        // there stays known); with "none" for the target, against the usual one.
        const SshSettings lab = SshSettings::forTarget(*find(r, QStringLiteral("lab")));
        QCOMPARE(lab.forHop(SshHop{}).effectiveUserKnownHostsFiles(),
                 lab.effectiveUserKnownHostsFiles()
                     + QStringList{QDir::homePath() + QStringLiteral("/.ssh/known_hosts")});
        QCOMPARE(
            SshSettings::forTarget(*find(r, QStringLiteral("bare"))).forHop(SshHop{}).effectiveUserKnownHostsFiles(),
            QStringList{QDir::homePath() + QStringLiteral("/.ssh/known_hosts")});
    }

    void proxyJumpChainsAreRefused()
    {
        auto r = parse("Host a\n  ProxyJump b,c\n");
        QCOMPARE(r.targets.size(), 0);
        QVERIFY(hasIssueAtLine(r, 2, QStringLiteral("chain")));
    }

    void missingFileIsAnError()
    {
        auto r = SshConfigImporter::importFile(QStringLiteral("/nonexistent/ssh_config"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestSshConfigImporter)
#include "TestSshConfigImporter.moc"
