#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"
#include "ui/RecordListModel.h"
#include "ui/SessionController.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::RecordListModel;
using chartinsight::ui::SessionController;

namespace {

const QString kEmail = QStringLiteral("nurse@clinic.test");
const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
constexpr int kSignInTimeoutMs = 60000;

} // namespace

class TestSessionController : public QObject
{
    Q_OBJECT

public:
    explicit TestSessionController(const UiTestEnvironment& environment)
        : m_environment(environment)
    {
    }

private slots:
    void initTestCase();
    void parseServerUrl_data();
    void parseServerUrl();
    void signInRequiresCredentials();
    void signInWithCaFile();
    void deviceNameInSessions();
    void wrongPassword();
    void unreachableServer();
    void certificateTrusted();
    void certificateRejected();
    void restoreAndSignOut();
    void revokedSessionShowsError();
    void demoSignaturesFromServer();
    void c01LockoutShowsUnlockTime();
    void lockoutClearedByOtherError();
    void mfaWrongThenRightCode();
    void mfaResendTooSoon();
    void mfaCancel();
    void mfaTooManyWrongCodes();

private:
    // Signs `email` in once with a controller of its own and turns e-mail codes on.
    void enableMfa(const QString& email, const QString& password);
    // Signs in `email` and waits for the code page. Returns the code e-mailed for it.
    QString startMfaSignIn(SessionController& controller, const QString& email,
                           const QString& password);
    // A controller for `server` with a profile folder of its own under `profileName`.
    std::unique_ptr<SessionController> makeController(const ServerProcess& server,
                                                      const QString& profileName,
                                                      bool withCaFile = true) const;

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
};

void TestSessionController::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);
}

std::unique_ptr<SessionController>
TestSessionController::makeController(const ServerProcess& server, const QString& profileName,
                                      bool withCaFile) const
{
    auto controller = std::make_unique<SessionController>();
    controller->setServerUrl(server.url().toString());
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(profileName));
    controller->setSignatureDir(chartinsight::test::testSignatureDir());
    if (withCaFile)
        controller->setCaFile(server.caFile());
    return controller;
}

void TestSessionController::parseServerUrl_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // empty: rejected
    QTest::newRow("full") << QStringLiteral("https://127.0.0.1:8443")
                          << QStringLiteral("https://127.0.0.1:8443");
    QTest::newRow("without scheme") << QStringLiteral(" records.clinic.test:9443 ")
                                    << QStringLiteral("https://records.clinic.test:9443");
    QTest::newRow("trailing slash")
        << QStringLiteral("https://[::1]:8443/") << QStringLiteral("https://[::1]:8443");
    QTest::newRow("no port") << QStringLiteral("https://records.clinic.test")
                             << QStringLiteral("https://records.clinic.test");
    QTest::newRow("plain http") << QStringLiteral("http://127.0.0.1:8443") << QString();
    QTest::newRow("path") << QStringLiteral("https://127.0.0.1:8443/api") << QString();
    QTest::newRow("query") << QStringLiteral("https://127.0.0.1:8443?x=1") << QString();
    QTest::newRow("user name") << QStringLiteral("https://admin@127.0.0.1:8443") << QString();
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("spaces inside") << QStringLiteral("https://my server:8443") << QString();
}

void TestSessionController::parseServerUrl()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const auto url = SessionController::parseServerUrl(text);
    if (expected.isEmpty()) {
        QVERIFY(!url);
        QVERIFY2(url.error().message.contains(QStringLiteral("https://host:port")),
                 qPrintable(url.error().message));
    } else {
        QVERIFY2(url.ok(), url.ok() ? "" : qPrintable(url.error().message));
        QCOMPARE(url->toString(), expected);
    }
}

void TestSessionController::signInRequiresCredentials()
{
    SessionController controller;
    controller.signIn(QStringLiteral("https://127.0.0.1:8443"), QString(), kPassword);
    QVERIFY(!controller.isBusy());
    QVERIFY(!controller.errorString().isEmpty());
    controller.clearError();
    controller.signIn(QStringLiteral("ftp://127.0.0.1"), kEmail, kPassword);
    QVERIFY(controller.errorString().contains(QStringLiteral("ftp://127.0.0.1")));
}

void TestSessionController::signInWithCaFile()
{
    auto controller = makeController(m_server, QStringLiteral("with-ca"));
    QSignalSpy untrusted(controller.get(), &SessionController::certificateUntrusted);
    controller->signIn(m_server.url().toString(), kEmail, kPassword);
    QVERIFY(controller->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    QVERIFY2(controller->isSignedIn(), qPrintable(controller->errorString()));
    QVERIFY(controller->errorString().isEmpty());
    QVERIFY(controller->isOnline());
    QCOMPARE(untrusted.size(), 0);
    QVERIFY(!controller->usesDemoSignatures());
}

void TestSessionController::deviceNameInSessions()
{
    const QString name = SessionController::deviceName();
    QVERIFY2(name.startsWith(QStringLiteral("chartinsight on ")), qPrintable(name));
    QVERIFY(name.size() > QStringLiteral("chartinsight on ").size());

    auto controller = makeController(m_server, QStringLiteral("device-name"));
    controller->signIn(m_server.url().toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    QVERIFY2(controller->isSignedIn(), qPrintable(controller->errorString()));
    const auto sessions = chartinsight::test::waitForTask(controller->session()->listSessions());
    QVERIFY2(sessions.ok, qPrintable(sessions.error.message));
    QString currentDevice;
    for (const QJsonValue& session : sessions.result.toArray()) {
        if (session.toObject().value(QStringLiteral("current")).toBool())
            currentDevice = session.toObject().value(QStringLiteral("device_name")).toString();
    }
    QCOMPARE(currentDevice, name);
    controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
}

void TestSessionController::wrongPassword()
{
    auto controller = makeController(m_server, QStringLiteral("wrong-password"));
    controller->signIn(m_server.url().toString(), kEmail, QStringLiteral("not-the-password"));
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    QVERIFY(!controller->isSignedIn());
    QVERIFY(!controller->errorString().isEmpty());
    QVERIFY2(!controller->errorString().contains(QStringLiteral("not-the-password")),
             "the error repeats the password");
}

void TestSessionController::unreachableServer()
{
    // A port that was free a moment ago: nothing listens there.
    ServerProcess stopped;
    QVERIFY(stopped.start());
    const QUrl url = stopped.url();
    stopped.stop();

    auto controller = std::make_unique<SessionController>();
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(QStringLiteral("down")));
    controller->signIn(url.toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    QVERIFY(!controller->isSignedIn());
    QVERIFY(!controller->errorString().isEmpty());
    QVERIFY(!controller->isOnline());
}

void TestSessionController::certificateTrusted()
{
    auto controller = makeController(m_server, QStringLiteral("trust"), false);
    QSignalSpy untrusted(controller.get(), &SessionController::certificateUntrusted);
    QSignalSpy trusted(controller.get(), &SessionController::certificateTrusted);
    controller->signIn(m_server.url().toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!controller->untrustedFingerprint().isEmpty(), kSignInTimeoutMs);
    QVERIFY(!controller->isSignedIn());
    QCOMPARE(untrusted.size(), 1);
    QCOMPARE(controller->untrustedFingerprint(), m_server.fingerprint());
    QCOMPARE(controller->untrustedFingerprintText().count(QLatin1Char('\n')), 3);

    // Trusting repeats the sign-in with the same credentials.
    controller->trustCertificate();
    QCOMPARE(trusted.size(), 1);
    QVERIFY(controller->untrustedFingerprint().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(controller->isSignedIn(), kSignInTimeoutMs);
    QVERIFY(controller->errorString().isEmpty());

    // The trust is stored in the profile: a new session does not ask again.
    auto again = makeController(m_server, QStringLiteral("trust"), false);
    QSignalSpy untrustedAgain(again.get(), &SessionController::certificateUntrusted);
    again->checkServer();
    QTRY_VERIFY_WITH_TIMEOUT(again->isOnline(), kSignInTimeoutMs);
    QCOMPARE(untrustedAgain.size(), 0);
}

void TestSessionController::certificateRejected()
{
    auto controller = makeController(m_server, QStringLiteral("reject"), false);
    controller->signIn(m_server.url().toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!controller->untrustedFingerprint().isEmpty(), kSignInTimeoutMs);
    controller->rejectCertificate();
    QVERIFY(controller->untrustedFingerprint().isEmpty());
    QVERIFY(!controller->isBusy());
    QVERIFY(!controller->isSignedIn());
    QVERIFY2(controller->errorString().contains(QStringLiteral("certificate")),
             qPrintable(controller->errorString()));
}

void TestSessionController::restoreAndSignOut()
{
    {
        auto controller = makeController(m_server, QStringLiteral("restore"));
        controller->signIn(m_server.url().toString(), kEmail, kPassword);
        QTRY_VERIFY_WITH_TIMEOUT(controller->isSignedIn(), kSignInTimeoutMs);
    }

    auto restored = makeController(m_server, QStringLiteral("restore"));
    restored->restoreSession();
    QTRY_VERIFY_WITH_TIMEOUT(!restored->isBusy(), kSignInTimeoutMs);
    QVERIFY2(restored->isSignedIn(), qPrintable(restored->errorString()));

    restored->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!restored->isBusy(), kSignInTimeoutMs);
    QVERIFY(!restored->isSignedIn());
    QVERIFY(restored->errorString().isEmpty());

    auto afterSignOut = makeController(m_server, QStringLiteral("restore"));
    afterSignOut->restoreSession();
    QTRY_VERIFY_WITH_TIMEOUT(!afterSignOut->isBusy(), kSignInTimeoutMs);
    QVERIFY(!afterSignOut->isSignedIn());
}

void TestSessionController::revokedSessionShowsError()
{
    auto first = makeController(m_server, QStringLiteral("revoked"));
    first->signIn(m_server.url().toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(first->isSignedIn(), kSignInTimeoutMs);

    // A second window with the same profile signs out, which revokes the token on the server.
    auto second = makeController(m_server, QStringLiteral("revoked"));
    second->restoreSession();
    QTRY_VERIFY_WITH_TIMEOUT(second->isSignedIn(), kSignInTimeoutMs);
    second->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!second->isSignedIn() && !second->isBusy(), kSignInTimeoutMs);
    QVERIFY(second->errorString().isEmpty());

    RecordListModel records;
    records.setController(first.get());
    records.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!first->isSignedIn(), kSignInTimeoutMs);
    QVERIFY2(first->errorString().contains(QStringLiteral("session has ended")),
             qPrintable(first->errorString()));
    QCOMPARE(records.count(), 0);
}

void TestSessionController::demoSignaturesFromServer()
{
    // The quick start's demo database: the test signatures under the demo file names.
    const QString demoDir = QDir(m_environment.workDir()).filePath(QStringLiteral("demo-sigs"));
    QVERIFY(QDir().mkpath(demoDir));
    const QDir testSignatures(chartinsight::test::testSignatureDir());
    const QStringList databases = testSignatures.entryList(QDir::Files);
    QVERIFY(!databases.isEmpty());
    for (const QString& name : databases) {
        const QString demoName = QStringLiteral("chartinsight-demo.") + QFileInfo(name).suffix();
        QVERIFY(QFile::copy(testSignatures.filePath(name), QDir(demoDir).filePath(demoName)));
    }

    ServerProcess demoServer;
    QVERIFY(demoServer.start({QStringLiteral("--signatures"), demoDir}));
    QCOMPARE(demoServer.addUser(kEmail, kPassword), 0);
    auto controller = makeController(demoServer, QStringLiteral("demo"));
    QSignalSpy demoChanged(controller.get(), &SessionController::demoSignaturesChanged);
    controller->signIn(demoServer.url().toString(), kEmail, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(controller->isSignedIn(), kSignInTimeoutMs);
    QVERIFY(controller->usesDemoSignatures());
    QCOMPARE(demoChanged.size(), 1);

    // Signing out of that server clears what it reported.
    controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isSignedIn(), kSignInTimeoutMs);
    QVERIFY(!controller->usesDemoSignatures());
}

void TestSessionController::c01LockoutShowsUnlockTime()
{
    const QString email = QStringLiteral("alice@example.test");
    QCOMPARE(m_server.addUser(email, QStringLiteral("Tulip-Harbor-2718!")), 0);
    const QStringList spellings = {email, email, email.toUpper(), email.toUpper(),
                                   QStringLiteral(" Alice@Example.Test ")};
    auto controller = makeController(m_server, QStringLiteral("c01-lockout"));
    for (const QString& spelling : spellings) {
        controller->signIn(m_server.url().toString(), spelling,
                           QStringLiteral("Tulip-Harbor-2719!"));
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
        QVERIFY(!controller->isSignedIn());
    }
    controller->clearError();
    controller->signIn(m_server.url().toString(), QStringLiteral("aLiCe@example.test"),
                       QStringLiteral("Tulip-Harbor-2718!"));
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    QVERIFY(!controller->isSignedIn());
    QVERIFY(!controller->lockedUntil().isEmpty());
    QVERIFY2(controller->errorString().contains(controller->lockedUntil()),
             qPrintable(controller->errorString()));
}

void TestSessionController::lockoutClearedByOtherError()
{
    const QString email = QStringLiteral("bob@example.test");
    QCOMPARE(m_server.addUser(email, QStringLiteral("Maple-Lantern-3141!")), 0);
    auto controller = makeController(m_server, QStringLiteral("lockout-cleared"));
    for (int attempt = 0; attempt < 6; ++attempt) {
        controller->signIn(m_server.url().toString(), email, QStringLiteral("Wrong-Lantern-1"));
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    }
    QVERIFY(!controller->lockedUntil().isEmpty());

    // An unknown address is not locked, so its error replaces the lockout notice.
    controller->signIn(m_server.url().toString(), QStringLiteral("nobody@example.test"),
                       QStringLiteral("Wrong-Lantern-1"));
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    QVERIFY(controller->lockedUntil().isEmpty());
    QVERIFY(!controller->errorString().isEmpty());
}

void TestSessionController::enableMfa(const QString& email, const QString& password)
{
    QCOMPARE(m_server.addUser(email, password), 0);
    auto controller = makeController(m_server, QStringLiteral("enable-") + email);
    controller->signIn(m_server.url().toString(), email, password);
    QTRY_VERIFY_WITH_TIMEOUT(controller->isSignedIn(), kSignInTimeoutMs);
    const auto outcome =
        chartinsight::test::waitForTask(controller->session()->setMfaEnabled(true, password));
    QVERIFY2(outcome.ok, qPrintable(outcome.error.message));
    controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isSignedIn() && !controller->isBusy(), kSignInTimeoutMs);
}

QString TestSessionController::startMfaSignIn(SessionController& controller, const QString& email,
                                              const QString& password)
{
    const int mailBefore = chartinsight::test::mailTo(m_server.dataDir(), email).size();
    controller.signIn(m_server.url().toString(), email, password);
    // QTRY_VERIFY returns without a value, so it runs in a lambda here.
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), kSignInTimeoutMs); }();
    if (!controller.isMfaPending())
        return {};
    // The server writes the e-mail after its response, so the test waits for it.
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(
            chartinsight::test::mailTo(m_server.dataDir(), email, mailBefore).size() > 0,
            kSignInTimeoutMs);
    }();
    const QStringList mail = chartinsight::test::mailTo(m_server.dataDir(), email, mailBefore);
    return mail.isEmpty() ? QString() : chartinsight::test::mfaCodeOf(mail.constLast());
}

void TestSessionController::mfaWrongThenRightCode()
{
    const QString email = QStringLiteral("carol@example.test");
    const QString password = QStringLiteral("Orchid-Valley-5772!");
    enableMfa(email, password);
    auto controller = makeController(m_server, QStringLiteral("mfa-right"));
    QSignalSpy resendWait(controller.get(), &SessionController::resendAvailableIn);
    const QString code = startMfaSignIn(*controller, email, password);
    QCOMPARE(code.size(), 6);
    QVERIFY(controller->isMfaPending());
    QVERIFY(!controller->isSignedIn());
    QCOMPARE(resendWait.size(), 1);
    QVERIFY(resendWait.constFirst().constFirst().toInt() > 0);

    const QString wrong =
        code == QStringLiteral("000000") ? QStringLiteral("111111") : QStringLiteral("000000");
    controller->verifyMfa(wrong);
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    QVERIFY(controller->isMfaPending());
    QVERIFY(!controller->isSignedIn());
    QVERIFY2(controller->errorString().contains(QLatin1Char('4')),
             qPrintable(controller->errorString()));

    controller->verifyMfa(code);
    QTRY_VERIFY_WITH_TIMEOUT(controller->isSignedIn(), kSignInTimeoutMs);
    QVERIFY(!controller->isMfaPending());
    QVERIFY(controller->errorString().isEmpty());
}

void TestSessionController::mfaResendTooSoon()
{
    const QString email = QStringLiteral("dave@example.test");
    const QString password = QStringLiteral("Granite-Comet-8812!");
    enableMfa(email, password);
    auto controller = makeController(m_server, QStringLiteral("mfa-resend"));
    QVERIFY(!startMfaSignIn(*controller, email, password).isEmpty());
    QSignalSpy resendWait(controller.get(), &SessionController::resendAvailableIn);
    controller->resendMfa();
    QTRY_VERIFY_WITH_TIMEOUT(resendWait.size() == 1, kSignInTimeoutMs);
    QVERIFY(resendWait.constFirst().constFirst().toInt() > 0);
    QVERIFY(controller->isMfaPending());
    QVERIFY(!controller->errorString().isEmpty());
}

void TestSessionController::mfaCancel()
{
    const QString email = QStringLiteral("erin@example.test");
    const QString password = QStringLiteral("Cobalt-Meadow-4410!");
    enableMfa(email, password);
    auto controller = makeController(m_server, QStringLiteral("mfa-cancel"));
    QVERIFY(!startMfaSignIn(*controller, email, password).isEmpty());
    controller->cancelMfa();
    QVERIFY(!controller->isMfaPending());
    QVERIFY(!controller->isSignedIn());
    QVERIFY(controller->errorString().isEmpty());
}

void TestSessionController::mfaTooManyWrongCodes()
{
    const QString email = QStringLiteral("frank@example.test");
    const QString password = QStringLiteral("Saffron-Bridge-9090!");
    enableMfa(email, password);
    auto controller = makeController(m_server, QStringLiteral("mfa-failed"));
    const QString code = startMfaSignIn(*controller, email, password);
    QCOMPARE(code.size(), 6);
    const QString wrong =
        code == QStringLiteral("000000") ? QStringLiteral("111111") : QStringLiteral("000000");
    for (int attempt = 0; attempt < 5 && controller->isMfaPending(); ++attempt) {
        controller->verifyMfa(wrong);
        QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kSignInTimeoutMs);
    }
    QVERIFY(!controller->isMfaPending());
    QVERIFY(!controller->isSignedIn());
    QVERIFY(!controller->errorString().isEmpty());

    // The code of the abandoned sign-in no longer works.
    controller->verifyMfa(code);
    QVERIFY(!controller->isBusy());
    QVERIFY(!controller->isSignedIn());
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestSessionController test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestSessionController.moc"
