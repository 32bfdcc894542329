// The account settings view model against a real server: account details, sessions, e-mail
// codes, password change and signing out everywhere.

#include "UiTestEnvironment.h"
#include "support/TestSupport.h"
#include "ui/AccountSettings.h"
#include "ui/SessionController.h"

#include <QDir>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::AccountSettings;
using chartinsight::ui::SessionController;

namespace {

const QString kEmail = QStringLiteral("nurse@clinic.test");
const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kNewPassword = QStringLiteral("Velvet-Compass-Harbor-2031");
constexpr int kTimeoutMs = 60000;

} // namespace

class TestAccountSettings : public QObject
{
    Q_OBJECT

public:
    explicit TestAccountSettings(const UiTestEnvironment& environment) : m_environment(environment)
    {
    }

private slots:
    void initTestCase();
    void refreshReadsAccount();
    void revokeOtherSession();
    void mfaNeedsPassword();
    void changePasswordChecks();
    void signOutEverywhere();

private:
    std::unique_ptr<SessionController> signIn(const QString& profileName,
                                              const QString& password = kPassword) const;
    void refresh(AccountSettings& settings) const;

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
};

void TestAccountSettings::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);
}

std::unique_ptr<SessionController> TestAccountSettings::signIn(const QString& profileName,
                                                               const QString& password) const
{
    auto controller = std::make_unique<SessionController>();
    controller->setServerUrl(m_server.url().toString());
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(profileName));
    controller->setSignatureDir(chartinsight::test::testSignatureDir());
    controller->setCaFile(m_server.caFile());
    controller->signIn(m_server.url().toString(), kEmail, password);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kTimeoutMs); }();
    return controller;
}

void TestAccountSettings::refresh(AccountSettings& settings) const
{
    settings.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
}

void TestAccountSettings::refreshReadsAccount()
{
    auto controller = signIn(QStringLiteral("refresh"));
    QVERIFY(controller->isSignedIn());
    AccountSettings settings;
    settings.setController(controller.get());
    refresh(settings);
    QVERIFY2(settings.errorString().isEmpty(), qPrintable(settings.errorString()));
    QCOMPARE(settings.email(), kEmail);
    QVERIFY(!settings.isMfaEnabled());
    const QVariantList sessions = settings.sessions();
    QVERIFY(!sessions.isEmpty());
    const auto current = std::count_if(sessions.cbegin(), sessions.cend(), [](const QVariant& s) {
        return s.toMap().value(QStringLiteral("current")).toBool();
    });
    QCOMPARE(current, 1);
    QVERIFY(!sessions.constFirst().toMap().value(QStringLiteral("createdAt")).toString().isEmpty());
}

void TestAccountSettings::revokeOtherSession()
{
    auto controller = signIn(QStringLiteral("revoke-main"));
    auto other = signIn(QStringLiteral("revoke-other"));
    QVERIFY(other->isSignedIn());
    AccountSettings settings;
    settings.setController(controller.get());
    refresh(settings);
    QString otherId;
    const QVariantList before = settings.sessions();
    for (const QVariant& session : before) {
        if (!session.toMap().value(QStringLiteral("current")).toBool())
            otherId = session.toMap().value(QStringLiteral("id")).toString();
    }
    QVERIFY(!otherId.isEmpty());

    settings.revokeSession(otherId);
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QVERIFY2(settings.errorString().isEmpty(), qPrintable(settings.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(settings.sessions().size(), before.size() - 1, kTimeoutMs);
    QVERIFY(controller->isSignedIn());
}

void TestAccountSettings::mfaNeedsPassword()
{
    auto controller = signIn(QStringLiteral("mfa"));
    AccountSettings settings;
    settings.setController(controller.get());
    refresh(settings);

    settings.setMfaEnabled(true, QStringLiteral("not-the-password"));
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QVERIFY(!settings.errorString().isEmpty());
    QVERIFY(!settings.isMfaEnabled());

    settings.setMfaEnabled(true, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QVERIFY2(settings.errorString().isEmpty(), qPrintable(settings.errorString()));
    QVERIFY(settings.isMfaEnabled());

    settings.setMfaEnabled(false, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QVERIFY(!settings.isMfaEnabled());
}

void TestAccountSettings::changePasswordChecks()
{
    auto controller = signIn(QStringLiteral("password"));
    AccountSettings settings;
    settings.setController(controller.get());
    QSignalSpy changed(&settings, &AccountSettings::passwordChanged);

    settings.changePassword(kPassword, kNewPassword, kNewPassword + QLatin1Char('x'));
    QVERIFY(!settings.isBusy());
    QVERIFY(!settings.errorString().isEmpty());

    settings.changePassword(QStringLiteral("not-the-password"), kNewPassword, kNewPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QVERIFY(!settings.errorString().isEmpty());
    QCOMPARE(changed.size(), 0);

    settings.changePassword(kPassword, QStringLiteral("password"), QStringLiteral("password"));
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QVERIFY(!settings.errorString().isEmpty());
    QCOMPARE(changed.size(), 0);

    settings.changePassword(kPassword, kNewPassword, kNewPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QVERIFY2(settings.errorString().isEmpty(), qPrintable(settings.errorString()));
    QCOMPARE(changed.size(), 1);
    QVERIFY(!settings.status().isEmpty());
    QVERIFY(controller->isSignedIn());

    // Back to the first password, for the other tests.
    settings.changePassword(kNewPassword, kPassword, kPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!settings.isBusy(), kTimeoutMs);
    QCOMPARE(changed.size(), 2);
}

void TestAccountSettings::signOutEverywhere()
{
    auto controller = signIn(QStringLiteral("everywhere"));
    auto other = signIn(QStringLiteral("everywhere-other"));
    QVERIFY(other->isSignedIn());
    AccountSettings settings;
    settings.setController(controller.get());
    settings.signOutEverywhere();
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isSignedIn() && !controller->isBusy(), kTimeoutMs);
    QVERIFY2(controller->errorString().isEmpty(), qPrintable(controller->errorString()));
    QVERIFY(settings.sessions().isEmpty());
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestAccountSettings test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestAccountSettings.moc"
