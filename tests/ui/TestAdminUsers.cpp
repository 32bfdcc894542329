// Tests the Users page's view model against a real server: who may see the page, unlocking an
// account that wrong passwords locked, and setting a user's password.

#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"
#include "ui/AdminUsers.h"
#include "ui/SessionController.h"

#include <QDir>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::ui::AdminUsers;
using chartinsight::ui::SessionController;

namespace {

const QString kAdminEmail = QStringLiteral("admin@clinic.test");
const QString kAdminPassword = QStringLiteral("Granite-Harbor-Lantern-51");
const QString kUserEmail = QStringLiteral("nurse@clinic.test");
const QString kUserPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
constexpr int kTimeoutMs = 60000;
// Wrong passwords that lock an account, the server's default lockout threshold.
constexpr int kLockoutThreshold = 5;

} // namespace

class TestAdminUsers : public QObject
{
    Q_OBJECT

public:
    explicit TestAdminUsers(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void mayManageUsers_data();
    void mayManageUsers();
    void adminSeesPage();
    void unlockLockedUser();
    void setUserPassword();
    void weakPasswordRejected();
    void mismatchRejected();
    void userWithoutPermission();

private:
    std::unique_ptr<SessionController> makeController(const QString& profileName) const;
    // Signs in with a controller of its own and returns whether the server accepted it. The
    // controller signs out again.
    bool canSignIn(const QString& email, const QString& password, QString* error = nullptr);
    // Signs the admin in and waits for the Users page to become available.
    void signInAdmin();
    QVariantMap userEntry(const QString& email) const;

    const UiTestEnvironment& m_environment;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_admin;
    AdminUsers m_users;
};

void TestAdminUsers::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kAdminEmail, kAdminPassword, true), 0);
    QCOMPARE(m_server.addUser(kUserEmail, kUserPassword), 0);
}

std::unique_ptr<SessionController> TestAdminUsers::makeController(const QString& profileName) const
{
    auto controller = std::make_unique<SessionController>();
    controller->setServerUrl(m_server.url().toString());
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(profileName));
    controller->setSignatureDir(chartinsight::test::testSignatureDir());
    controller->setCaFile(m_server.caFile());
    return controller;
}

bool TestAdminUsers::canSignIn(const QString& email, const QString& password, QString* error)
{
    auto controller = makeController(QStringLiteral("user"));
    controller->signIn(m_server.url().toString(), email, password);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kTimeoutMs); }();
    const bool signedIn = controller->isSignedIn();
    if (error)
        *error = controller->errorString();
    if (signedIn) {
        controller->signOut();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kTimeoutMs); }();
    }
    return signedIn;
}

void TestAdminUsers::signInAdmin()
{
    if (m_admin && m_admin->isSignedIn())
        return;
    m_admin = makeController(QStringLiteral("admin"));
    m_users.setController(m_admin.get());
    m_admin->signIn(m_server.url().toString(), kAdminEmail, kAdminPassword);
    QTRY_VERIFY_WITH_TIMEOUT(m_admin->isSignedIn(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_users.isAvailable() && !m_users.isBusy(), kTimeoutMs);
}

QVariantMap TestAdminUsers::userEntry(const QString& email) const
{
    for (const QVariant& user : m_users.users()) {
        if (user.toMap().value(QStringLiteral("email")).toString() == email)
            return user.toMap();
    }
    return {};
}

void TestAdminUsers::mayManageUsers_data()
{
    QTest::addColumn<QByteArray>("account");
    QTest::addColumn<bool>("expected");
    QTest::newRow("admin without teams") << QByteArray(R"({"is_admin": true})") << true;
    QTest::newRow("user without teams") << QByteArray(R"({"is_admin": false})") << false;
    QTest::newRow("home manage_organization")
        << QByteArray(R"({"is_admin": false, "teams": [{"id": "a", "is_home": true,
           "permissions": ["manage_files", "manage_organization"]}]})")
        << true;
    QTest::newRow("other team manage_organization")
        << QByteArray(R"({"is_admin": false, "teams": [{"id": "a", "is_home": true,
           "permissions": ["manage_files"]}, {"id": "b", "is_home": false,
           "permissions": ["manage_organization"]}]})")
        << false;
    // With teams, the legacy flag decides nothing.
    QTest::newRow("is_admin ignored with teams")
        << QByteArray(R"({"is_admin": true, "teams": [{"id": "a", "is_home": true,
           "permissions": []}]})")
        << false;
}

void TestAdminUsers::mayManageUsers()
{
    QFETCH(QByteArray, account);
    QFETCH(bool, expected);
    const QJsonDocument document = QJsonDocument::fromJson(account);
    QVERIFY(document.isObject());
    QCOMPARE(AdminUsers::mayManageUsers(document.object()), expected);
}

void TestAdminUsers::adminSeesPage()
{
    signInAdmin();
    m_users.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_users.isBusy(), kTimeoutMs);
    QVERIFY2(m_users.errorString().isEmpty(), qPrintable(m_users.errorString()));
    QCOMPARE(m_users.users().size(), 2);
    const QVariantMap admin = userEntry(kAdminEmail);
    QVERIFY(admin.value(QStringLiteral("isAdmin")).toBool());
    QVERIFY(!admin.value(QStringLiteral("locked")).toBool());
}

void TestAdminUsers::unlockLockedUser()
{
    for (int attempt = 0; attempt < kLockoutThreshold; ++attempt)
        QVERIFY(!canSignIn(kUserEmail, QStringLiteral("Wrong-Horse-Battery-1")));
    QString error;
    QVERIFY(!canSignIn(kUserEmail, kUserPassword, &error));
    QVERIFY2(error.contains(QStringLiteral("locked")), qPrintable(error));

    signInAdmin();
    m_users.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_users.isBusy(), kTimeoutMs);
    QVariantMap user = userEntry(kUserEmail);
    QVERIFY(user.value(QStringLiteral("locked")).toBool());
    QVERIFY(!user.value(QStringLiteral("lockedUntil")).toString().isEmpty());

    m_users.unlock(user.value(QStringLiteral("id")).toString());
    QTRY_VERIFY_WITH_TIMEOUT(!m_users.isBusy(), kTimeoutMs);
    QVERIFY2(m_users.errorString().isEmpty(), qPrintable(m_users.errorString()));
    QVERIFY2(m_users.status().contains(kUserEmail), qPrintable(m_users.status()));
    user = userEntry(kUserEmail);
    QVERIFY(!user.value(QStringLiteral("locked")).toBool());
    QVERIFY(user.value(QStringLiteral("lockedUntil")).toString().isEmpty());

    QVERIFY2(canSignIn(kUserEmail, kUserPassword, &error), qPrintable(error));
}

void TestAdminUsers::setUserPassword()
{
    signInAdmin();
    m_users.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_users.isBusy(), kTimeoutMs);
    const QString id = userEntry(kUserEmail).value(QStringLiteral("id")).toString();
    QVERIFY(!id.isEmpty());
    const QString newPassword = QStringLiteral("Meadow-Copper-Violin-88");
    QSignalSpy passwordSet(&m_users, &AdminUsers::passwordSet);
    m_users.setPassword(id, newPassword, newPassword);
    QTRY_VERIFY_WITH_TIMEOUT(!m_users.isBusy(), kTimeoutMs);
    QVERIFY2(m_users.errorString().isEmpty(), qPrintable(m_users.errorString()));
    QCOMPARE(passwordSet.size(), 1);

    QString error;
    QVERIFY2(canSignIn(kUserEmail, newPassword, &error), qPrintable(error));
    QVERIFY(!canSignIn(kUserEmail, kUserPassword));
}

void TestAdminUsers::weakPasswordRejected()
{
    signInAdmin();
    m_users.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m_users.isBusy(), kTimeoutMs);
    const QString id = userEntry(kUserEmail).value(QStringLiteral("id")).toString();
    m_users.setPassword(id, QStringLiteral("password1"), QStringLiteral("password1"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_users.isBusy(), kTimeoutMs);
    QVERIFY(!m_users.errorString().isEmpty());
    QVERIFY(m_users.isAvailable());
}

void TestAdminUsers::mismatchRejected()
{
    signInAdmin();
    m_users.setPassword(QStringLiteral("any"), QStringLiteral("Meadow-Copper-Violin-88"),
                        QStringLiteral("Meadow-Copper-Violin-89"));
    QVERIFY(!m_users.isBusy());
    QVERIFY2(m_users.errorString().contains(QStringLiteral("differ")),
             qPrintable(m_users.errorString()));
}

void TestAdminUsers::userWithoutPermission()
{
    // The admin signs out first, because both controllers would share one keychain entry.
    if (m_admin) {
        m_admin->signOut();
        QTRY_VERIFY_WITH_TIMEOUT(!m_admin->isSignedIn() && !m_admin->isBusy(), kTimeoutMs);
    }
    QVERIFY(!m_users.isAvailable());
    QVERIFY(m_users.users().isEmpty());

    const QString email = QStringLiteral("clerk@clinic.test");
    const QString password = QStringLiteral("Saffron-Kettle-Window-63");
    QCOMPARE(m_server.addUser(email, password), 0);
    auto controller = makeController(QStringLiteral("clerk"));
    AdminUsers users;
    users.setController(controller.get());
    controller->signIn(m_server.url().toString(), email, password);
    QTRY_VERIFY_WITH_TIMEOUT(controller->isSignedIn(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!users.isBusy(), kTimeoutMs);
    QVERIFY(!users.isAvailable());

    // The server rejects the list request, and the page stays unavailable with a message.
    users.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!users.isBusy(), kTimeoutMs);
    QVERIFY(!users.isAvailable());
    QVERIFY(users.users().isEmpty());
    QVERIFY2(users.errorString().contains(QStringLiteral("no longer manage")),
             qPrintable(users.errorString()));
    controller->signOut();
    QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kTimeoutMs);
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestAdminUsers test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestAdminUsers.moc"
