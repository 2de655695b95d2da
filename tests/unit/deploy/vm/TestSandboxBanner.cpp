// The image's start-up banner (`docker logs`), read as the container step's evidence: the
// version line and the warning the image prints when no key is configured.
#include "core/deploy/vm/SandboxContainerStep.h"

#include <QTest>

using namespace aio;

class TestSandboxBanner : public QObject
{
    Q_OBJECT

private slots:
    void versionAndNoAuthWarningAreRead()
    {
        const SandboxContainerStep::BannerFacts f = SandboxContainerStep::readBanner(QStringLiteral(
            "====\n AIO Sandbox\n Image Version: 1.11.0\n!!!!\n WARNING: SECURITY RISK - NO AUTHENTICATION "
            "CONFIGURED\n!!!!\n10.0.0.1 - - \"GET / HTTP/1.1\" 200\n"));
        QCOMPARE(f.imageVersion, QStringLiteral("1.11.0"));
        QVERIFY(f.noAuthWarning);
    }

    void bannerWithAuthHasNoWarning()
    {
        const SandboxContainerStep::BannerFacts f
            = SandboxContainerStep::readBanner(QStringLiteral("Image Version: 1.10.0\r\nGateway ready\r\n"));
        QCOMPARE(f.imageVersion, QStringLiteral("1.10.0"));
        QVERIFY(!f.noAuthWarning);
    }

    void missingOrHostileLinesGiveNothingLong()
    {
        QCOMPARE(SandboxContainerStep::readBanner(QString()).imageVersion, QString());
        const QString longVersion = QStringLiteral("Image Version: ") + QString(500, QLatin1Char('x'));
        QCOMPARE(SandboxContainerStep::readBanner(longVersion).imageVersion.size(), 64);
        // A later access line cannot replace the first version line.
        QCOMPARE(SandboxContainerStep::readBanner(QStringLiteral("Image Version: 1\nImage Version: 2\n")).imageVersion,
                 QStringLiteral("1"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxBanner)
#include "TestSandboxBanner.moc"
