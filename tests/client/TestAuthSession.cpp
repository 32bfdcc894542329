#include "ClientTestSupport.h"
#include "client/ClientSession.h"
#include "client/SecretStore.h"
#include "support/TestSupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::client;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Quartz-Meadow-Lantern-4821!");
const QString kWrongPassword = QStringLiteral("Quartz-Meadow-Lantern-4822!");
// Lifetime of an access token on the server, in seconds.
constexpr qint64 kAccessTokenSeconds = 900;
constexpr qint64 kLockoutSeconds = 15 * 60;

QJsonObject storedTokens(const QString& server)
{
    auto stored = readSecret(sessionEntryName(server));
    if (!stored || !stored->has_value())
        return {};
    return QJsonDocument::fromJson((**stored).toUtf8()).object();
}

} // namespace

// ClientSession's token handling and account operations against a real server whose clock
// the test moves.
class TestAuthSession : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void keychainHoldsBothTokens();
    void refreshesExpiredToken();
    void reusedRefreshSignsOut();
    void legacyTokenRestores();
    void lockedMessageNamesUnlockTime();
    void resendTooSoonGivesWait();
    void passwordPolicyScores();
    void accountAndSessions();
    void changePasswordWrongCurrentKeepsSession();

private:
    std::unique_ptr<ClientSession> newSession();
    QString newUser();

    TestClock m_clock;
    ServerProcess m_server;
    QTemporaryDir m_profiles;
    int m_count = 0;
};

void TestAuthSession::initTestCase()
{
    m_clock.exportToEnvironment();
    QVERIFY(m_server.start());
}

void TestAuthSession::init()
{
    QVERIFY(m_clock.setOffset(0));
    QVERIFY(removeSecret(QString::fromLatin1(kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(sessionEntryName(m_server.url().toString())).ok());
}

std::unique_ptr<ClientSession> TestAuthSession::newSession()
{
    ConnectionSettings settings;
    settings.serverUrl = m_server.url();
    settings.caFile = m_server.caFile();
    settings.profileDir = m_profiles.filePath(QString::number(++m_count));
    return std::make_unique<ClientSession>(settings);
}

QString TestAuthSession::newUser()
{
    const QString email = QStringLiteral("user%1@example.test").arg(++m_count);
    return m_server.addUser(email, kPassword) == 0 ? email : QString();
}

void TestAuthSession::keychainHoldsBothTokens()
{
    const QString email = newUser();
    auto session = newSession();
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
    const QJsonObject tokens = storedTokens(m_server.url().toString());
    QVERIFY(!tokens.value(QStringLiteral("access_token")).toString().isEmpty());
    QVERIFY(!tokens.value(QStringLiteral("refresh_token")).toString().isEmpty());
    QVERIFY(
        QDateTime::fromString(tokens.value(QStringLiteral("expires_at")).toString(), Qt::ISODate)
            .isValid());
}

void TestAuthSession::refreshesExpiredToken()
{
    const QString email = newUser();
    auto session = newSession();
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
    const QJsonObject before = storedTokens(m_server.url().toString());

    // The client's own expiry time has not passed, so the server's token_expired triggers the
    // refresh, not the client's margin.
    QVERIFY(m_clock.setOffset(kAccessTokenSeconds + 1));
    const TaskOutcome listed = waitForTask(session->listRecords());
    QVERIFY2(listed.ok, qPrintable(listed.error.message));
    QVERIFY(session->isSignedIn());
    const QJsonObject after = storedTokens(m_server.url().toString());
    QVERIFY(after.value(QStringLiteral("refresh_token")) !=
            before.value(QStringLiteral("refresh_token")));
    QVERIFY(after.value(QStringLiteral("access_token")) !=
            before.value(QStringLiteral("access_token")));
}

void TestAuthSession::reusedRefreshSignsOut()
{
    const QString email = newUser();
    auto session = newSession();
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
    const QString entry = sessionEntryName(m_server.url().toString());
    const QJsonObject original = storedTokens(m_server.url().toString());

    QVERIFY(m_clock.setOffset(kAccessTokenSeconds + 1));
    QVERIFY(waitForTask(session->account()).ok);

    // A copy of the old tokens (as an attacker would replay them) reuses the rotated refresh
    // token, so the server revokes the whole session family.
    QVERIFY(writeSecret(entry, QString::fromUtf8(QJsonDocument(original).toJson())).ok());
    auto replay = newSession();
    QVERIFY(waitForTask(replay->restoreSession()).ok);
    const TaskOutcome replayed = waitForTask(replay->account());
    QVERIFY(!replayed.ok);
    QCOMPARE(replayed.error.code, QStringLiteral("session_revoked"));
    QVERIFY(!replay->isSignedIn());
    auto remaining = readSecret(entry);
    QVERIFY(remaining.ok());
    QVERIFY(!remaining->has_value());

    // The legitimate client's newer tokens belong to the revoked family too.
    QVERIFY(m_clock.setOffset(2 * kAccessTokenSeconds + 2));
    const TaskOutcome legitimate = waitForTask(session->account());
    QVERIFY(!legitimate.ok);
    QVERIFY(!session->isSignedIn());
}

void TestAuthSession::legacyTokenRestores()
{
    const QString email = newUser();
    auto session = newSession();
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
    const QString entry = sessionEntryName(m_server.url().toString());
    const QString access =
        storedTokens(m_server.url().toString()).value(QStringLiteral("access_token")).toString();
    QVERIFY(writeSecret(entry, access).ok());

    auto restored = newSession();
    QVERIFY(waitForTask(restored->restoreSession()).ok);
    QVERIFY(restored->isSignedIn());
    QVERIFY(waitForTask(restored->account()).ok);
}

void TestAuthSession::lockedMessageNamesUnlockTime()
{
    const QString email = newUser();
    auto session = newSession();
    for (int i = 0; i < 5; ++i)
        QVERIFY(!waitForTask(session->signIn(email, kWrongPassword)).ok);
    const TaskOutcome locked = waitForTask(session->signIn(email, kPassword));
    QVERIFY(!locked.ok);
    QCOMPARE(locked.error.code, QStringLiteral("account_locked"));
    const QDateTime unlockAt = QDateTime::fromString(
        locked.errorDetails.value(QStringLiteral("unlock_at")).toString(), Qt::ISODate);
    QVERIFY(unlockAt.isValid());
    const QString localTime = unlockAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    QVERIFY2(locked.error.message.contains(localTime), qPrintable(locked.error.message));
    QVERIFY(locked.errorDetails.value(QStringLiteral("retry_after")).toInt() > 0);
    QVERIFY(!session->isSignedIn());

    QVERIFY(m_clock.setOffset(kLockoutSeconds + 1));
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
}

void TestAuthSession::resendTooSoonGivesWait()
{
    const QString email = newUser();
    auto session = newSession();
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
    QVERIFY(waitForTask(session->setMfaEnabled(true, kPassword)).ok);
    QVERIFY(waitForTask(session->signOut()).ok);

    const TaskOutcome started = waitForTask(session->signIn(email, kPassword));
    QVERIFY(started.ok);
    QVERIFY(session->isMfaPending());
    const TaskOutcome resent = waitForTask(session->resendMfa());
    QVERIFY(!resent.ok);
    QCOMPARE(resent.error.code, QStringLiteral("rate_limited"));
    const int wait = resent.errorDetails.value(QStringLiteral("retry_after")).toInt();
    QVERIFY(wait > 0);
    QVERIFY(resent.error.message.contains(QString::number(wait)));

    QVERIFY(m_clock.setOffset(61));
    const TaskOutcome later = waitForTask(session->resendMfa());
    QVERIFY2(later.ok, qPrintable(later.error.message));
    QVERIFY(later.result.toObject().value(QStringLiteral("resend_available_in")).toInt() > 0);
}

void TestAuthSession::passwordPolicyScores()
{
    auto session = newSession();
    const TaskOutcome weak = waitForTask(session->checkPasswordPolicy(QStringLiteral("password")));
    QVERIFY2(weak.ok, qPrintable(weak.error.message));
    QVERIFY(!weak.result.toObject().value(QStringLiteral("acceptable")).toBool());
    const TaskOutcome strong = waitForTask(session->checkPasswordPolicy(kPassword));
    QVERIFY(strong.ok);
    QVERIFY(strong.result.toObject().value(QStringLiteral("acceptable")).toBool());
    QVERIFY(strong.result.toObject().value(QStringLiteral("score")).toInt() >= 3);
}

void TestAuthSession::accountAndSessions()
{
    const QString email = newUser();
    auto session = newSession();
    QVERIFY(waitForTask(session->signIn(email, kPassword, QStringLiteral("front desk"))).ok);
    const TaskOutcome account = waitForTask(session->account());
    QVERIFY(account.ok);
    QCOMPARE(account.result.toObject().value(QStringLiteral("email")).toString(), email);
    QVERIFY(!account.result.toObject().value(QStringLiteral("is_admin")).toBool());

    auto other = newSession();
    QVERIFY(waitForTask(other->signIn(email, kPassword, QStringLiteral("ward"))).ok);
    const TaskOutcome listed = waitForTask(session->listSessions());
    QVERIFY(listed.ok);
    QCOMPARE(listed.result.toArray().size(), 2);
    QString otherId;
    for (const QJsonValue& value : listed.result.toArray()) {
        if (!value.toObject().value(QStringLiteral("current")).toBool())
            otherId = value.toObject().value(QStringLiteral("id")).toString();
    }
    QVERIFY(!otherId.isEmpty());
    QVERIFY(waitForTask(session->revokeSession(otherId)).ok);
    QVERIFY(session->isSignedIn());
    QVERIFY(!waitForTask(other->account()).ok);
    QVERIFY(!other->isSignedIn());

    const TaskOutcome users = waitForTask(session->listUsers());
    QVERIFY(!users.ok);
}

void TestAuthSession::changePasswordWrongCurrentKeepsSession()
{
    const QString email = newUser();
    auto session = newSession();
    QVERIFY(waitForTask(session->signIn(email, kPassword)).ok);
    const TaskOutcome changed =
        waitForTask(session->changePassword(kWrongPassword, QStringLiteral("Nova-Ember-77!x")));
    QVERIFY(!changed.ok);
    QVERIFY(session->isSignedIn());
}

QTEST_GUILESS_MAIN(TestAuthSession)
#include "TestAuthSession.moc"
