// Renderers against golden files (tests/data/golden/; regenerate with AIO_UPDATE_GOLDEN=1 and
// review the diff), the site checked by the real `nginx -t`, and hostile answers refused
// before anything could be rendered or sent.

#include "core/crypto/LocalCa.h"
#include "core/crypto/RsaKeyPair.h"
#include "core/deploy/VmDeployAnswers.h"
#include "core/deploy/render/DockerRunCommand.h"
#include "core/deploy/render/NginxSite.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace aio;

namespace {

const QByteArray kPublicKey
    = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtest\n-----END PUBLIC KEY-----\n";

QJsonObject baseJson()
{
    return QJsonDocument::fromJson(R"({
        "version": 1,
        "container": {"image": "ghcr.io/agent-infra/sandbox:1.11.0"},
        "publicHost": "sandbox.example.com",
        "tls": {"mode": "acme", "acme": {"email": "admin@example.com", "agreeTos": true}},
        "sandboxAuth": {"jwt": true}
    })")
        .object();
}

VmDeployAnswers answersFrom(const QJsonObject& o)
{
    Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(o);
    if (!a)
        qFatal("answers refused: %s", qPrintable(a.error().toString()));
    return *a;
}

VmDeployAnswers fullAnswers()
{
    QJsonObject o = baseJson();
    o.insert(QStringLiteral("container"),
             QJsonDocument::fromJson(R"({
        "image": "enterprise-public-cn-beijing.cr.volces.com/vefaas-public/all-in-one-sandbox:1.10.0",
        "name": "sandbox-prod", "cpus": "1.5", "memory": "4Gi", "shmSize": "2g",
        "log": {"maxSize": "50m", "maxFile": 5}, "timeZone": "Asia/Shanghai",
        "env": {"DISPLAY_WIDTH": "1920", "HOMEPAGE": "https://example.com/a b?c=$HOME"}})")
                 .object());
    o.insert(QStringLiteral("edge"),
             QJsonDocument::fromJson(R"({
        "allow": ["203.0.113.0/24", "2001:db8::/48", "198.51.100.7"],
        "basicAuthUser": "admin",
        "authRequestUrl": "http://127.0.0.1:9091/api/verify?rd=sandbox"})")
                 .object());
    QJsonObject edge = o.value(QStringLiteral("edge")).toObject();
    edge.insert(QStringLiteral("signInUrl"), QStringLiteral("https://sso.example.com/sign_in"));
    o.insert(QStringLiteral("edge"), edge);
    o.insert(QStringLiteral("sandboxAuth"), QJsonObject{{"jwt", true}, {"apiKey", true}});
    return answersFrom(o);
}

QString goldenPath(const QString& name)
{
    return QStringLiteral(AIO_SOURCE_DIR "/tests/data/golden/") + name;
}

void compareGolden(const QString& name, const QString& actual)
{
    const QString path = goldenPath(name);
    if (qEnvironmentVariableIsSet("AIO_UPDATE_GOLDEN")) {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(actual.toUtf8());
    }
    QFile in(path);
    QVERIFY2(in.open(QIODevice::ReadOnly), qPrintable(QStringLiteral("missing golden file ") + path));
    QCOMPARE(actual, QString::fromUtf8(in.readAll()));
}

} // namespace

class TestRenderers : public QObject
{
    Q_OBJECT

private slots:
    void dockerRunDefaultsMatchGolden()
    {
        const QStringList argv = DockerRunCommand::render(answersFrom(baseJson()), kPublicKey, false);
        compareGolden(QStringLiteral("docker-run-default.txt"), argv.join(QLatin1Char('\n')) + QLatin1Char('\n'));
    }

    void dockerRunFullMatchesGolden()
    {
        const QStringList argv = DockerRunCommand::render(fullAnswers(), kPublicKey, true);
        compareGolden(QStringLiteral("docker-run-full.txt"), argv.join(QLatin1Char('\n')) + QLatin1Char('\n'));
    }

    void dockerRunPublishesOnLoopbackOnlyAndKeepsTheApiKeyOffTheCommandLine()
    {
        const QStringList argv = DockerRunCommand::render(fullAnswers(), kPublicKey, true);
        QCOMPARE(argv.count(QStringLiteral("-p")), 1);
        QCOMPARE(argv.at(argv.indexOf(QStringLiteral("-p")) + 1), QStringLiteral("127.0.0.1:8080:8080"));
        QVERIFY(!argv.contains(QStringLiteral("-P")));
        QVERIFY(!argv.join(QLatin1Char(' ')).contains(QStringLiteral("SANDBOX_API_KEY")));
        QCOMPARE(argv.at(argv.indexOf(QStringLiteral("--env-file")) + 1), DockerRunCommand::envFilePath());
        const QString jwt
            = argv.at(argv.indexOf(QStringLiteral("-e"), argv.indexOf(QStringLiteral("TZ=Asia/Shanghai"))) + 1);
        QVERIFY(jwt.startsWith(QStringLiteral("JWT_PUBLIC_KEY=")));
        QCOMPARE(QByteArray::fromBase64(jwt.mid(15).toLatin1()), kPublicKey);
        QCOMPARE(DockerRunCommand::renderEnvFile(QStringLiteral("abc_DEF-123")),
                 QByteArray("SANDBOX_API_KEY=abc_DEF-123\n"));
    }

    void nginxSitesMatchGolden()
    {
        compareGolden(QStringLiteral("nginx-map.conf"), NginxSite::renderMap());
        compareGolden(QStringLiteral("nginx-site-minimal.conf"), NginxSite::render(answersFrom(baseJson()), {}));
        compareGolden(QStringLiteral("nginx-site-full.conf"), NginxSite::render(fullAnswers(), {.ipv6 = true}));
        compareGolden(QStringLiteral("nginx-pre-tls.conf"), NginxSite::renderPreTls(answersFrom(baseJson()), {}));
    }

    void nginxSiteHasTheV3Essentials()
    {
        const QString site = NginxSite::render(fullAnswers(), {});
        for (const char* needle :
             {"listen 443 ssl http2;", "ssl_protocols TLSv1.2 TLSv1.3;", "proxy_pass http://127.0.0.1:8080;",
              "proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
              "proxy_set_header Connection $connection_upgrade;", "proxy_buffering off;", "client_max_body_size 50m;",
              "proxy_set_header X-AIO-Proxy-Port \"\";", "allow 203.0.113.0/24;", "allow 2001:db8::/48;", "deny all;",
              "auth_basic_user_file /etc/nginx/aio-sandbox.htpasswd;", "auth_request /_aio_auth;", "internal;",
              "location ^~ /.well-known/acme-challenge/", "return 301 https://sandbox.example.com$request_uri;",
              "ssl_certificate /etc/letsencrypt/live/sandbox.example.com/fullchain.pem;"})
            QVERIFY2(site.contains(QLatin1String(needle)), needle);
    }

    // With only the sandbox's own JWT or API key, the edge asks the sandbox's /auth for every request,
    // so the image's static-suffix rule never decides; noVNC's own files stay loadable with a ticket.
    void sandboxAuthIsAskedAtTheEdgeWhenItIsTheOnlyBarrier()
    {
        const QString site = NginxSite::render(answersFrom(baseJson()), {});
        for (const char* needle :
             {"auth_request /_aio_sandbox_auth;", "location = /_aio_sandbox_auth {",
              "proxy_pass http://127.0.0.1:8080/auth;", "proxy_set_header X-Original-URI $request_uri;",
              "proxy_pass_request_body off;", "server_tokens off;", "proxy_set_header Forwarded \"\";",
              "proxy_set_header X-Forwarded-Host \"\";", "proxy_set_header X-Original-URL \"\";",
              "location ~* ^/vnc/[A-Za-z0-9_./-]+\\.(js|css|svg|woff|woff2|json|ico|png|jpg|jpeg|gif|webp|wasm|ttf)$"})
            QVERIFY2(site.contains(QLatin1String(needle)), needle);
        // The location / must carry the check (not only the auth location's definition).
        const QString root
            = site.mid(site.indexOf(QLatin1String("    location / {\n"), site.indexOf(QLatin1String("listen 443"))));
        QVERIFY2(root.contains(QLatin1String("auth_request /_aio_sandbox_auth;")), qPrintable(root));

        QJsonObject apiKeyOnly = baseJson();
        apiKeyOnly.insert(QStringLiteral("sandboxAuth"), QJsonObject{{"jwt", false}, {"apiKey", true}});
        QVERIFY(
            NginxSite::render(answersFrom(apiKeyOnly), {}).contains(QLatin1String("auth_request /_aio_sandbox_auth;")));

        // Basic auth or SSO already refuse strangers at the edge for every request.
        QVERIFY(!NginxSite::render(fullAnswers(), {}).contains(QLatin1String("_aio_sandbox_auth")));
        QJsonObject allowOnly = baseJson();
        allowOnly.insert(QStringLiteral("edge"), QJsonObject{{"allow", QJsonArray{"203.0.113.0/24"}}});
        allowOnly.insert(QStringLiteral("sandboxAuth"), QJsonObject{{"jwt", false}});
        QVERIFY(!NginxSite::render(answersFrom(allowOnly), {}).contains(QLatin1String("_aio_sandbox_auth")));
        QVERIFY(!NginxSite::asksSandboxAtTheEdge(answersFrom(allowOnly)));
    }

    // 9.4's edge hygiene: HSTS where the certificate is publicly trusted, a request budget where a
    // password can be guessed, and a redirect that stays a valid URL for an IPv6 literal.
    void edgeHygieneFollowsTheAnswers()
    {
        const QString acme = NginxSite::render(answersFrom(baseJson()), {});
        QVERIFY(acme.contains(QLatin1String("add_header Strict-Transport-Security \"max-age=31536000\" always;")));
        QVERIFY(!acme.contains(QLatin1String("limit_req")));

        QJsonObject ownCa = baseJson();
        ownCa.insert(QStringLiteral("tls"), QJsonObject{{"mode", "own-ca"}});
        ownCa.insert(QStringLiteral("publicHost"), QStringLiteral("2001:db8::5"));
        const QString own = NginxSite::render(answersFrom(ownCa), {});
        QVERIFY(!own.contains(QLatin1String("Strict-Transport-Security")));
        QVERIFY2(own.contains(QLatin1String("return 301 https://[2001:db8::5]$request_uri;")), qPrintable(own));
        ownCa.insert(QStringLiteral("edge"), QJsonObject{{"hsts", "on"}});
        QVERIFY(NginxSite::render(answersFrom(ownCa), {}).contains(QLatin1String("Strict-Transport-Security")));

        const QString full = NginxSite::render(fullAnswers(), {});
        QVERIFY(
            full.contains(QLatin1String("limit_req_zone $binary_remote_addr zone=aio_sandbox_edge:1m rate=10r/s;")));
        QVERIFY(full.contains(QLatin1String("limit_req zone=aio_sandbox_edge burst=200 nodelay;")));
    }

    // 9.4: nginx listens on IPv6 only where the VM's kernel has it (a [::] socket would keep nginx
    // from starting elsewhere), and an IPv6 public host is written the way clients send it in Host.
    void ipv6ListensOnlyWhereTheVmHasIpv6AndLiteralsKeepTheirBrackets()
    {
        const VmDeployAnswers a = answersFrom(baseJson());
        const QString v4 = NginxSite::render(a, {.ipv6 = false});
        QVERIFY(v4.contains(QLatin1String("    listen 80;\n")));
        QVERIFY(v4.contains(QLatin1String("    listen 443 ssl http2;\n")));
        QVERIFY(!v4.contains(QLatin1String("[::]")));
        const QString v6 = NginxSite::render(a, {.ipv6 = true});
        QVERIFY(v6.contains(QLatin1String("    listen 80;\n    listen [::]:80;\n")));
        QVERIFY(v6.contains(QLatin1String("    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n")));
        QVERIFY(NginxSite::renderPreTls(a, {.ipv6 = true}).contains(QLatin1String("    listen [::]:80;\n")));
        QVERIFY(!NginxSite::renderPreTls(a, {.ipv6 = false}).contains(QLatin1String("[::]")));

        QJsonObject literal = baseJson();
        literal.insert(QStringLiteral("tls"), QJsonObject{{"mode", "own-ca"}});
        literal.insert(QStringLiteral("publicHost"), QStringLiteral("2001:db8::5"));
        const VmDeployAnswers l = answersFrom(literal);
        const QString site = NginxSite::render(l, {.ipv6 = true});
        QVERIFY2(site.contains(QLatin1String("server_name [2001:db8::5];")), qPrintable(site));
        QVERIFY(site.contains(QLatin1String("proxy_set_header Host [2001:db8::5];")));
        QVERIFY(!site.contains(QLatin1String(" 2001:db8::5;")));
        // The certificate's files are named after the address itself.
        QCOMPARE(NginxSite::tlsFiles(l).certificate, QStringLiteral("/etc/aio-sandbox/tls/2001:db8::5.crt"));
        QVERIFY(NginxSite::renderPreTls(l, {}).contains(QLatin1String("server_name [2001:db8::5];")));
    }

    // 9.3: the SSO check is told about the request by nginx only, an https check verifies its server,
    // a refused browser is sent to sign in, and identity headers come only from the check's answer.
    void ssoCheckIsToldTheTruthAndVerified()
    {
        QJsonObject o = fullAnswers().toJson();
        QJsonObject edge = o.value(QStringLiteral("edge")).toObject();
        edge.insert(QStringLiteral("authRequestUrl"), QStringLiteral("https://sso.example.com/oauth2/auth"));
        o.insert(QStringLiteral("edge"), edge);
        const QString site = NginxSite::render(answersFrom(o), {});
        for (const char* needle :
             {"proxy_set_header X-Original-URL https://sandbox.example.com$request_uri;",
              "proxy_set_header X-Forwarded-For $remote_addr;", "proxy_set_header X-Forwarded-Uri $request_uri;",
              "proxy_ssl_verify on;", "proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;",
              "proxy_ssl_server_name on;", "proxy_ssl_name sso.example.com;", "error_page 401 = @aio_sign_in;",
              "return 302 https://sso.example.com/sign_in?rd=https://sandbox.example.com$request_uri;",
              "auth_request_set $aio_sso_remote_user $upstream_http_remote_user;",
              "proxy_set_header Remote-User $aio_sso_remote_user;",
              "proxy_set_header X-Auth-Request-Email $aio_sso_x_auth_request_email;"})
            QVERIFY2(site.contains(QLatin1String(needle)), needle);
        // A sign-in URL without an SSO check is refused.
        edge.remove(QStringLiteral("authRequestUrl"));
        o.insert(QStringLiteral("edge"), edge);
        QVERIFY(!VmDeployAnswers::fromJson(o));
    }

    // The real nginx parses what we render (own CA files made by LocalCa; no network traffic, but
    // nginx -t opens the listening sockets, so this runs where port 80 and 443 are free).
    void realNginxAcceptsTheRenderedSite()
    {
        const QString nginx = QStringLiteral("/usr/sbin/nginx");
        if (!QFile::exists(nginx))
            QSKIP("nginx is not installed on this machine");
        QTemporaryDir dir;
        Result<LocalCa> ca = LocalCa::create(QStringLiteral("Test CA"));
        QVERIFY(ca);
        Result<LocalCa::Issued> issued = ca->issueServerCertificate(HostName::parse("sandbox.example.com").value());
        QVERIFY(issued);
        auto put = [&](const QString& name, const QByteArray& content) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        };
        put(QStringLiteral("cert.pem"), issued->certificatePem);
        put(QStringLiteral("key.pem"), issued->privateKeyPem);
        QJsonObject o = fullAnswers().toJson();
        QJsonObject tls{
            {"mode", "existing"}, {"certificate", dir.filePath("cert.pem")}, {"privateKey", dir.filePath("key.pem")}};
        o.insert(QStringLiteral("tls"), tls);
        const VmDeployAnswers a = answersFrom(o);
        QJsonObject m = baseJson();
        m.insert(QStringLiteral("tls"), tls);
        const VmDeployAnswers minimal = answersFrom(m);
        // An IPv6 public host on a VM with IPv6 (nginx -t binds the sockets, so [::] is tried too).
        m.insert(QStringLiteral("publicHost"), QStringLiteral("::1"));
        const VmDeployAnswers v6 = answersFrom(m);
        QList<std::pair<QString, QString>> sites{{QStringLiteral("full"), NginxSite::render(a, {})},
                                                 {QStringLiteral("minimal"), NginxSite::render(minimal, {})},
                                                 {QStringLiteral("pre-tls"), NginxSite::renderPreTls(a, {})}};
        // nginx -t opens the listening sockets: [::] needs a kernel with IPv6.
        if (QFile::exists(QStringLiteral("/proc/net/if_inet6")))
            sites.append({QStringLiteral("ipv6"), NginxSite::render(v6, {.ipv6 = true})});
        for (const auto& [name, site] : sites) {
            put(QStringLiteral("map.conf"), NginxSite::renderMap().toUtf8());
            put(QStringLiteral("site.conf"), site.toUtf8());
            put(QStringLiteral("nginx.conf"),
                QStringLiteral("pid %1/nginx.pid;\nerror_log %1/error.log;\nevents {}\nhttp {\n"
                               "    access_log off;\n    include %1/map.conf;\n    include %1/site.conf;\n}\n")
                    .arg(dir.path())
                    .toUtf8());
            QProcess p;
            p.start(nginx,
                    {QStringLiteral("-t"), QStringLiteral("-p"), dir.path(), QStringLiteral("-c"),
                     dir.filePath(QStringLiteral("nginx.conf"))});
            QVERIFY(p.waitForFinished(30'000));
            QVERIFY2(p.exitCode() == 0,
                     qPrintable(name + QStringLiteral(": ") + QString::fromUtf8(p.readAllStandardError())));
        }
    }

    void hostileAnswersAreRefusedWithAClearError_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("host with space") << "publicHost"
                                         << "sandbox example.com"
                                         << "publicHost";
        QTest::newRow("host with ;") << "publicHost"
                                     << "a.com;rm -rf /"
                                     << "publicHost";
        QTest::newRow("host with {") << "publicHost"
                                     << "a.com{"
                                     << "publicHost";
        QTest::newRow("host with newline") << "publicHost"
                                           << "a.com\nserver_name evil"
                                           << "publicHost";
        QTest::newRow("image with ;") << "image"
                                      << "ghcr.io/agent-infra/sandbox:1.0;reboot"
                                      << "container.image";
        QTest::newRow("image with $()") << "image"
                                        << "ghcr.io/$(id)/sandbox:1"
                                        << "container.image";
        QTest::newRow("image with backtick") << "image"
                                             << "ghcr.io/a/`id`:1"
                                             << "container.image";
        QTest::newRow("image with space") << "image"
                                          << "ghcr.io/a/b:1 --privileged"
                                          << "container.image";
        QTest::newRow("image with newline") << "image"
                                            << "ghcr.io/a/b:1\n-v /:/host"
                                            << "container.image";
        QTest::newRow("image with pipe") << "image"
                                         << "ghcr.io/a/b|sh"
                                         << "container.image";
        QTest::newRow("upper-case repo") << "image"
                                         << "ghcr.io/Agent/b:1"
                                         << "container.image";
        QTest::newRow("name with space") << "name"
                                         << "aio sandbox"
                                         << "container.name";
        QTest::newRow("tz with ;") << "timeZone"
                                   << "UTC;id"
                                   << "container.timeZone";
        QTest::newRow("cidr with host bits") << "allow"
                                             << "203.0.113.5/24"
                                             << "edge.allow[0]";
        QTest::newRow("cidr with ;") << "allow"
                                     << "1.2.3.4;"
                                     << "edge.allow[0]";
        QTest::newRow("auth url with ;") << "authRequestUrl"
                                         << "http://sso.example.com/a;b"
                                         << "edge.authRequestUrl";
        QTest::newRow("auth url with {") << "authRequestUrl"
                                         << "http://sso.example.com/{x}"
                                         << "edge.authRequestUrl";
        QTest::newRow("auth url with $") << "authRequestUrl"
                                         << "http://sso.example.com/$host"
                                         << "edge.authRequestUrl";
        QTest::newRow("user with :") << "basicAuthUser"
                                     << "ad:min"
                                     << "edge.basicAuthUser";
        QTest::newRow("env newline") << "env"
                                     << "a\nb"
                                     << "container.env.HOMEPAGE";
        QTest::newRow("cert path with ;") << "certificate"
                                          << "/etc/ssl/a.pem;"
                                          << "tls.certificate";
        QTest::newRow("cert path with space") << "certificate"
                                              << "/etc/ssl/a b.pem"
                                              << "tls.certificate";
        QTest::newRow("email with space") << "email"
                                          << "a b@example.com"
                                          << "tls.acme.email";
    }

    void hostileAnswersAreRefusedWithAClearError()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, mentions);
        QJsonObject o = baseJson();
        QJsonObject container = o.value("container").toObject();
        QJsonObject edge;
        QJsonObject tls = o.value("tls").toObject();
        QJsonObject acme = tls.value("acme").toObject();
        if (field == "publicHost")
            o.insert(field, value);
        else if (field == "image" || field == "name" || field == "timeZone")
            container.insert(field, value);
        else if (field == "env")
            container.insert("env", QJsonObject{{"HOMEPAGE", value}});
        else if (field == "allow")
            edge.insert(field, QJsonArray{value});
        else if (field == "authRequestUrl" || field == "basicAuthUser")
            edge.insert(field, value);
        else if (field == "certificate")
            tls.insert(field, value);
        else if (field == "email")
            acme.insert(field, value);
        tls.insert("acme", acme);
        o.insert("tls", tls);
        o.insert("container", container);
        o.insert("edge", edge);
        Result<VmDeployAnswers> a = VmDeployAnswers::fromJson(o);
        QVERIFY2(!a, qPrintable(QStringLiteral("accepted: ") + value));
        QCOMPARE(a.error().kind, ErrorKind::InvalidInput);
        QVERIFY2(a.error().message.contains(mentions), qPrintable(a.error().message));
    }
};

QTEST_GUILESS_MAIN(TestRenderers)
#include "TestRenderers.moc"
