#include "core/ssh/KnownHosts.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;

// known_hosts parsing and trust decisions, checked against OpenSSH's own ssh-keygen output.
class TestKnownHosts : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void fingerprintMatchesSshKeygen();
    void plainPatternsMatchLikeOpenSsh_data();
    void plainPatternsMatchLikeOpenSsh();
    void hashedEntryFromSshKeygenMatches();
    void malformedLinesAreSkipped_data();
    void malformedLinesAreSkipped();
    void unknownHostIsUnknown();
    void sameKeyIsKnown();
    void changedKeyIsChangedWithBothFingerprints();
    void onlyOtherKeyTypesIsAHardStop();
    void revokedKeyIsRevoked();
    void trustWritesOnlyTheAppFile();
    void appFileIsAuthoritativeForItsKeyTypes();
    void replaceStoredKeyKeepsOtherEntries();

private:
    HostKey makeKey(const QString& name, const QString& type = QStringLiteral("ed25519"));
    QByteArray pubLine(const QString& name);
    QString write(const QString& name, const QByteArray& content);

    QTemporaryDir m_dir;
};

void TestKnownHosts::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

HostKey TestKnownHosts::makeKey(const QString& name, const QString& type)
{
    const QString path = m_dir.filePath(name);
    if (!QFile::exists(path))
        QProcess::execute(QStringLiteral("ssh-keygen"),
                          {QStringLiteral("-q"), QStringLiteral("-t"), type, QStringLiteral("-N"), QString(),
                           QStringLiteral("-f"), path});
    const QList<QByteArray> parts = pubLine(name).split(' ');
    auto key = HostKey::fromBase64(parts.value(0), parts.value(1));
    return key ? *key : HostKey();
}

QByteArray TestKnownHosts::pubLine(const QString& name)
{
    QFile f(m_dir.filePath(name) + QStringLiteral(".pub"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().trimmed();
}

QString TestKnownHosts::write(const QString& name, const QByteArray& content)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(content);
    return path;
}

void TestKnownHosts::fingerprintMatchesSshKeygen()
{
    for (const QString& type : {QStringLiteral("ed25519"), QStringLiteral("ecdsa"), QStringLiteral("rsa")}) {
        const HostKey key = makeKey(QStringLiteral("fp-") + type, type);
        QVERIFY(!key.isEmpty());
        QProcess p;
        p.start(QStringLiteral("ssh-keygen"),
                {QStringLiteral("-lf"), m_dir.filePath(QStringLiteral("fp-") + type) + QStringLiteral(".pub")});
        QVERIFY(p.waitForFinished(10000));
        const QString fp = QString::fromUtf8(p.readAllStandardOutput().split(' ').value(1));
        QCOMPARE(key.sha256Fingerprint(), fp);
    }
}

void TestKnownHosts::plainPatternsMatchLikeOpenSsh_data()
{
    QTest::addColumn<QByteArray>("hosts");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("matches");
    QTest::newRow("exact") << QByteArray("vm1.example.com") << "vm1.example.com" << 22 << true;
    QTest::newRow("case") << QByteArray("VM1.Example.com") << "vm1.example.com" << 22 << true;
    QTest::newRow("list") << QByteArray("a,vm1,198.18.0.2") << "198.18.0.2" << 22 << true;
    QTest::newRow("port form") << QByteArray("[vm1]:2222") << "vm1" << 2222 << true;
    QTest::newRow("port form, other port") << QByteArray("[vm1]:2222") << "vm1" << 22 << false;
    QTest::newRow("plain name, other port") << QByteArray("vm1") << "vm1" << 2222 << false;
    QTest::newRow("wildcard") << QByteArray("*.example.com") << "vm1.example.com" << 22 << true;
    QTest::newRow("question mark") << QByteArray("vm?") << "vm7" << 22 << true;
    QTest::newRow("negation wins") << QByteArray("*.example.com,!bad.example.com") << "bad.example.com" << 22 << false;
    QTest::newRow("prefix only") << QByteArray("vm1") << "vm10" << 22 << false;
}

void TestKnownHosts::plainPatternsMatchLikeOpenSsh()
{
    QFETCH(QByteArray, hosts);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(bool, matches);
    auto entry = KnownHosts::parseLine(hosts + ' ' + pubLine(QStringLiteral("fp-ed25519")));
    QVERIFY(entry);
    QCOMPARE(entry->matches(host, quint16(port)), matches);
}

void TestKnownHosts::hashedEntryFromSshKeygenMatches()
{
    makeKey(QStringLiteral("hashed"));
    const QList<QByteArray> parts = pubLine(QStringLiteral("hashed")).split(' ');
    const QString file
        = write(QStringLiteral("kh-hashed"),
                "198.18.0.2 " + parts[0] + ' ' + parts[1] + "\n[vm1]:2222 " + parts[0] + ' ' + parts[1] + '\n');
    QCOMPARE(QProcess::execute(QStringLiteral("ssh-keygen"),
                               {QStringLiteral("-q"), QStringLiteral("-H"), QStringLiteral("-f"), file}),
             0);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<KnownHostsEntry> entries = KnownHosts::parse(f.readAll(), file);
    QCOMPARE(entries.size(), 2);
    QVERIFY(entries[0].hashed);
    QVERIFY(entries[0].matches(QStringLiteral("198.18.0.2"), 22));
    QVERIFY(!entries[0].matches(QStringLiteral("198.18.0.3"), 22));
    QVERIFY(entries[1].matches(QStringLiteral("vm1"), 2222));
    QVERIFY(!entries[1].matches(QStringLiteral("vm1"), 22));
    KnownHosts kh({file}, m_dir.filePath(QStringLiteral("unused-app")));
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 2222, makeKey(QStringLiteral("hashed"))).status, HostKeyStatus::Known);
}

void TestKnownHosts::malformedLinesAreSkipped_data()
{
    QTest::addColumn<QByteArray>("line");
    const QList<QByteArray> p = pubLine(QStringLiteral("fp-ed25519")).split(' ');
    QTest::newRow("comment") << QByteArray("# vm1 ") + p[0] + ' ' + p[1];
    QTest::newRow("empty") << QByteArray("   ");
    QTest::newRow("two fields") << QByteArray("vm1 ") + p[0];
    QTest::newRow("bad base64") << QByteArray("vm1 ssh-ed25519 AAAA$$$$");
    QTest::newRow("type mismatch") << QByteArray("vm1 ssh-rsa ") + p[1];
    QTest::newRow("unknown marker") << QByteArray("@weird vm1 ") + p[0] + ' ' + p[1];
    QTest::newRow("bad hash") << QByteArray("|1|abc|def ") + p[0] + ' ' + p[1];
    QTest::newRow("unknown hash kind") << QByteArray("|2|abc|def ") + p[0] + ' ' + p[1];
    QTest::newRow("only negation") << QByteArray("! ") + p[0] + ' ' + p[1];
}

void TestKnownHosts::malformedLinesAreSkipped()
{
    QFETCH(QByteArray, line);
    QVERIFY(!KnownHosts::parseLine(line));
}

void TestKnownHosts::unknownHostIsUnknown()
{
    const QString user = write(QStringLiteral("u1"), "other " + pubLine(QStringLiteral("fp-ed25519")) + '\n');
    KnownHosts kh({user}, m_dir.filePath(QStringLiteral("app1")));
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 22, makeKey(QStringLiteral("fp-ed25519"))).status,
             HostKeyStatus::Unknown);
}

void TestKnownHosts::sameKeyIsKnown()
{
    const QString user = write(QStringLiteral("u2"), "vm1 " + pubLine(QStringLiteral("fp-ed25519")) + " comment\n");
    KnownHosts kh({user}, m_dir.filePath(QStringLiteral("app2")));
    const HostKeyCheck c = kh.verify(QStringLiteral("vm1"), 22, makeKey(QStringLiteral("fp-ed25519")));
    QCOMPARE(c.status, HostKeyStatus::Known);
    QCOMPARE(c.storedWhere, QStringList{user + QStringLiteral(":1")});
}

void TestKnownHosts::changedKeyIsChangedWithBothFingerprints()
{
    const HostKey stored = makeKey(QStringLiteral("old"));
    const HostKey presented = makeKey(QStringLiteral("new"));
    const QString user = write(QStringLiteral("u3"), "vm1 " + pubLine(QStringLiteral("old")) + '\n');
    KnownHosts kh({user}, m_dir.filePath(QStringLiteral("app3")));
    const HostKeyCheck c = kh.verify(QStringLiteral("vm1"), 22, presented);
    QCOMPARE(c.status, HostKeyStatus::Changed);
    QCOMPARE(c.fingerprint(), presented.sha256Fingerprint());
    QCOMPARE(c.storedFingerprints, QStringList{stored.sha256Fingerprint()});
}

void TestKnownHosts::onlyOtherKeyTypesIsAHardStop()
{
    makeKey(QStringLiteral("fp-rsa"), QStringLiteral("rsa"));
    const QString user = write(QStringLiteral("u4"), "vm1 " + pubLine(QStringLiteral("fp-rsa")) + '\n');
    KnownHosts kh({user}, m_dir.filePath(QStringLiteral("app4")));
    const HostKeyCheck c = kh.verify(QStringLiteral("vm1"), 22, makeKey(QStringLiteral("fp-ed25519")));
    QCOMPARE(c.status, HostKeyStatus::OtherKeyType);
    QCOMPARE(c.storedKeyTypes, QStringList{QStringLiteral("ssh-rsa")});
    QCOMPARE(kh.knownKeyTypes(QStringLiteral("vm1"), 22), QStringList{QStringLiteral("ssh-rsa")});
}

void TestKnownHosts::revokedKeyIsRevoked()
{
    const QString user = write(QStringLiteral("u5"),
                               "vm1 " + pubLine(QStringLiteral("fp-ed25519")) + "\n@revoked * "
                                   + pubLine(QStringLiteral("fp-ed25519")) + '\n');
    KnownHosts kh({user}, m_dir.filePath(QStringLiteral("app5")));
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 22, makeKey(QStringLiteral("fp-ed25519"))).status,
             HostKeyStatus::Revoked);
}

void TestKnownHosts::trustWritesOnlyTheAppFile()
{
    const QByteArray userContent = "other " + pubLine(QStringLiteral("fp-rsa")) + '\n';
    const QString user = write(QStringLiteral("u6"), userContent);
    const QString app = m_dir.filePath(QStringLiteral("sub/app6"));
    KnownHosts kh({user}, app);
    const HostKey key = makeKey(QStringLiteral("fp-ed25519"));
    QVERIFY(kh.trust(QStringLiteral("vm1"), 2222, key));
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 2222, key).status, HostKeyStatus::Known);
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 22, key).status, HostKeyStatus::Unknown);
    QFile u(user);
    QVERIFY(u.open(QIODevice::ReadOnly));
    QCOMPARE(u.readAll(), userContent);
    QFile a(app);
    QVERIFY(a.open(QIODevice::ReadOnly));
    QCOMPARE(a.readAll(), "[vm1]:2222 " + key.type.toLatin1() + ' ' + key.base64() + '\n');
    QCOMPARE(int(QFile::permissions(app) & (QFile::ReadOther | QFile::ReadGroup)), 0);
}

void TestKnownHosts::appFileIsAuthoritativeForItsKeyTypes()
{
    const HostKey stale = makeKey(QStringLiteral("old"));
    const HostKey current = makeKey(QStringLiteral("new"));
    const QString user = write(QStringLiteral("u7"), "vm1 " + pubLine(QStringLiteral("old")) + '\n');
    const QString app = write(QStringLiteral("app7"), "vm1 " + pubLine(QStringLiteral("new")) + '\n');
    KnownHosts kh({user}, app);
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 22, current).status, HostKeyStatus::Known);
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 22, stale).status, HostKeyStatus::Changed);
}

void TestKnownHosts::replaceStoredKeyKeepsOtherEntries()
{
    const HostKey current = makeKey(QStringLiteral("new"));
    const QByteArray rsaLine = "vm1 " + pubLine(QStringLiteral("fp-rsa")) + '\n';
    const QByteArray otherHost = "vm2 " + pubLine(QStringLiteral("old")) + '\n';
    const QString app
        = write(QStringLiteral("app8"), "vm1 " + pubLine(QStringLiteral("old")) + '\n' + rsaLine + otherHost);
    KnownHosts kh({}, app);
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 22, current).status, HostKeyStatus::Changed);
    QVERIFY(kh.replaceStoredKey(QStringLiteral("vm1"), 22, current));
    QCOMPARE(kh.verify(QStringLiteral("vm1"), 22, current).status, HostKeyStatus::Known);
    QFile a(app);
    QVERIFY(a.open(QIODevice::ReadOnly));
    QCOMPARE(a.readAll(), rsaLine + otherHost + "vm1 " + current.type.toLatin1() + ' ' + current.base64() + '\n');
}

QTEST_GUILESS_MAIN(TestKnownHosts)
#include "TestKnownHosts.moc"
