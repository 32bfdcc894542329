// The password reset view model against a real server: the neutral reset request, the link
// from the e-mail, the strength check and the server's response to a used link.

#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"
#include "ui/PasswordReset.h"
#include "ui/SessionController.h"

#include <QDir>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::PasswordReset;
using chartinsight::ui::SessionController;

namespace {

const QString kEmail = QStringLiteral("nurse@clinic.test");
const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kNewPassword = QStringLiteral("Velvet-Compass-Harbor-2031");
constexpr int kTimeoutMs = 60000;

} // namespace

class TestPasswordReset : public QObject
{
    Q_OBJECT

public:
    explicit TestPasswordReset(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void tokenFromLink_data();
    void tokenFromLink();
    void openInvalidLink();
    void requestIsNeutral();
    void mismatchRejected();
    void strengthWeakAndStrong();
    void completeThenReuse();

private:
    std::unique_ptr<SessionController> makeController(const QString& profileName) const;
    // Requests a reset for `email` and waits for the confirmation.
    void requestReset(PasswordReset& reset, const QString& email);

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
};

void TestPasswordReset::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("the client session needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);
}

std::unique_ptr<SessionController>
TestPasswordReset::makeController(const QString& profileName) const
{
    auto controller = std::make_unique<SessionController>();
    controller->setServerUrl(m_server.url().toString());
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(profileName));
    controller->setSignatureDir(chartinsight::test::testSignatureDir());
    controller->setCaFile(m_server.caFile());
    return controller;
}

void TestPasswordReset::requestReset(PasswordReset& reset, const QString& email)
{
    reset.requestReset(m_server.url().toString(), email);
    QTRY_VERIFY_WITH_TIMEOUT(!reset.isBusy(), kTimeoutMs);
    QVERIFY2(reset.errorString().isEmpty(), qPrintable(reset.errorString()));
}

void TestPasswordReset::tokenFromLink_data()
{
    QTest::addColumn<QString>("link");
    QTest::addColumn<QString>("token");
    QTest::newRow("valid") << "chartinsight://reset-password?token=abc123"
                           << "abc123";
    QTest::newRow("spaces around") << "  chartinsight://reset-password?token=abc123 \n"
                                   << "abc123";
    QTest::newRow("https") << "https://reset-password?token=abc123"
                           << "";
    QTest::newRow("other host") << "chartinsight://open?token=abc123"
                                << "";
    QTest::newRow("no token") << "chartinsight://reset-password"
                              << "";
    QTest::newRow("empty token") << "chartinsight://reset-password?token="
                                 << "";
    QTest::newRow("empty") << ""
                           << "";
}

void TestPasswordReset::tokenFromLink()
{
    QFETCH(QString, link);
    QFETCH(QString, token);
    const auto parsed = PasswordReset::tokenFromLink(link);
    QCOMPARE(parsed.ok(), !token.isEmpty());
    if (parsed)
        QCOMPARE(*parsed, token);
    else
        QVERIFY(!parsed.error().message.isEmpty());
}

void TestPasswordReset::openInvalidLink()
{
    PasswordReset reset;
    QVERIFY(!reset.openLink(QStringLiteral("chartinsight://reset-password")));
    QVERIFY(!reset.hasToken());
    QVERIFY(!reset.errorString().isEmpty());
}

void TestPasswordReset::requestIsNeutral()
{
    auto controller = makeController(QStringLiteral("neutral"));
    PasswordReset reset;
    reset.setController(controller.get());

    const int mailBefore = chartinsight::test::mailTo(m_server.dataDir(), kEmail).size();
    requestReset(reset, kEmail);
    const QString registeredStatus = reset.status();
    QVERIFY(!registeredStatus.isEmpty());
    // The server writes the e-mail after its response, so the test waits for it.
    QTRY_COMPARE_WITH_TIMEOUT(
        chartinsight::test::mailTo(m_server.dataDir(), kEmail, mailBefore).size(), 1, kTimeoutMs);

    requestReset(reset, QStringLiteral("nobody@clinic.test"));
    QCOMPARE(reset.status(), registeredStatus);
    QVERIFY(chartinsight::test::mailTo(m_server.dataDir(), QStringLiteral("nobody@clinic.test"))
                .isEmpty());
}

void TestPasswordReset::mismatchRejected()
{
    auto controller = makeController(QStringLiteral("mismatch"));
    PasswordReset reset;
    reset.setController(controller.get());
    QVERIFY(reset.openLink(QStringLiteral("chartinsight://reset-password?token=unused")));
    reset.complete(kNewPassword, kNewPassword + QLatin1Char('x'));
    QVERIFY(!reset.isBusy());
    QVERIFY(!reset.errorString().isEmpty());
    QVERIFY(reset.hasToken());
}

void TestPasswordReset::strengthWeakAndStrong()
{
    auto controller = makeController(QStringLiteral("strength"));
    PasswordReset reset;
    reset.setController(controller.get());
    QCOMPARE(reset.strengthScore(), -1);

    // Only the last of several quick changes is checked.
    reset.checkStrength(QStringLiteral("p"));
    reset.checkStrength(QStringLiteral("password"));
    QTRY_VERIFY_WITH_TIMEOUT(reset.strengthScore() >= 0, kTimeoutMs);
    QVERIFY(!reset.isStrengthAcceptable());
    QVERIFY(!reset.strengthText().isEmpty());

    reset.checkStrength(kNewPassword);
    QTRY_VERIFY_WITH_TIMEOUT(reset.isStrengthAcceptable(), kTimeoutMs);
    QVERIFY(reset.strengthScore() >= 3);

    reset.checkStrength({});
    QCOMPARE(reset.strengthScore(), -1);
}

void TestPasswordReset::completeThenReuse()
{
    auto controller = makeController(QStringLiteral("complete"));
    PasswordReset reset;
    reset.setController(controller.get());
    const int mailBefore = chartinsight::test::mailTo(m_server.dataDir(), kEmail).size();
    requestReset(reset, kEmail);
    QTRY_COMPARE_WITH_TIMEOUT(
        chartinsight::test::mailTo(m_server.dataDir(), kEmail, mailBefore).size(), 1, kTimeoutMs);
    const QStringList mail = chartinsight::test::mailTo(m_server.dataDir(), kEmail, mailBefore);
    const QString token = chartinsight::test::resetTokenOf(mail.constFirst());
    QVERIFY(!token.isEmpty());
    const QString link = QStringLiteral("chartinsight://reset-password?token=") + token;

    QVERIFY(reset.openLink(link));
    QVERIFY(reset.hasToken());
    QSignalSpy completed(&reset, &PasswordReset::resetCompleted);
    reset.complete(kNewPassword, kNewPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!reset.isBusy(), kTimeoutMs);
    QVERIFY2(reset.errorString().isEmpty(), qPrintable(reset.errorString()));
    QCOMPARE(completed.size(), 1);
    QVERIFY(!reset.hasToken());
    QVERIFY(!reset.status().isEmpty());

    controller->signIn(m_server.url().toString(), kEmail, kNewPassword);
    QTRY_VERIFY_WITH_TIMEOUT(controller->isSignedIn(), kTimeoutMs);

    // The link works once: the second use shows the server's message.
    QVERIFY(reset.openLink(link));
    reset.complete(kPassword, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!reset.isBusy(), kTimeoutMs);
    QVERIFY(!reset.errorString().isEmpty());
    QCOMPARE(completed.size(), 1);
    QVERIFY(reset.hasToken());
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestPasswordReset test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestPasswordReset.moc"
