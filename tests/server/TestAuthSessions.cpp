// Session revocation against a real chartinsight-server: logout-all ends every session of the
// caller's account and no other account's, and DELETE /api/v1/auth/sessions/{id} ends only a
// session of the caller's own account.
#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Tulip-Harbor-2718!");
// A well-formed session id that no session has.
const QString kUnknownSessionId = QStringLiteral("00000000-0000-4000-8000-000000000000");

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The tokens of one sign-in.
struct Tokens
{
    QString access;
    QString refresh;
};

} // namespace

class TestAuthSessions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void logoutAllEndsOwnSessions();
    void logoutAllSparesOtherUsers();
    void deleteOwnSession();
    void deleteCurrentSession();
    void deleteForeignSession();
    void deleteUnknownSession();
    void deleteWithoutToken();

private:
    QString newUser();
    Tokens signIn(const QString& email, const QString& deviceName = {});
    int recordsStatus(const QString& accessToken);
    int refreshStatus(const QString& refreshToken);
    // Returns the caller's sessions as the server lists them.
    QJsonArray sessions(const QString& accessToken);
    QString sessionIdOf(const QJsonArray& sessions, const QString& deviceName);
    CurlResult deleteSession(const QString& sessionId, const QString& accessToken);

    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_curl;
    int m_userCount = 0;
};

void TestAuthSessions::initTestCase()
{
    QVERIFY(m_server.start());
    m_curl = std::make_unique<CurlClient>(m_server);
}

void TestAuthSessions::cleanupTestCase()
{
    m_server.stop();
}

QString TestAuthSessions::newUser()
{
    const QString email = QStringLiteral("session-user%1@example.test").arg(++m_userCount);
    return m_server.addUser(email, kPassword) == 0 ? email : QString();
}

Tokens TestAuthSessions::signIn(const QString& email, const QString& deviceName)
{
    QJsonObject body{{QStringLiteral("email"), email}, {QStringLiteral("password"), kPassword}};
    if (!deviceName.isEmpty())
        body.insert(QStringLiteral("device_name"), deviceName);
    const CurlResult result =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"), json(body));
    if (result.status != 200)
        qWarning() << "login status" << result.status << result.body;
    return Tokens{result.json().value(QStringLiteral("access_token")).toString(),
                  result.json().value(QStringLiteral("refresh_token")).toString()};
}

int TestAuthSessions::recordsStatus(const QString& accessToken)
{
    return m_curl
        ->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, accessToken)
        .status;
}

int TestAuthSessions::refreshStatus(const QString& refreshToken)
{
    return m_curl
        ->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/refresh"),
                  json({{QStringLiteral("refresh_token"), refreshToken}}))
        .status;
}

QJsonArray TestAuthSessions::sessions(const QString& accessToken)
{
    const CurlResult result = m_curl->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/auth/sessions"), {}, accessToken);
    return result.json().value(QStringLiteral("sessions")).toArray();
}

QString TestAuthSessions::sessionIdOf(const QJsonArray& sessions, const QString& deviceName)
{
    for (const QJsonValue& session : sessions) {
        if (session.toObject().value(QStringLiteral("device_name")).toString() == deviceName)
            return session.toObject().value(QStringLiteral("id")).toString();
    }
    return {};
}

CurlResult TestAuthSessions::deleteSession(const QString& sessionId, const QString& accessToken)
{
    return m_curl->request(QStringLiteral("DELETE"),
                           QStringLiteral("/api/v1/auth/sessions/") + sessionId, {}, accessToken);
}

void TestAuthSessions::logoutAllEndsOwnSessions()
{
    const QString email = newUser();
    QVERIFY(!email.isEmpty());
    const Tokens first = signIn(email, QStringLiteral("desk"));
    const Tokens second = signIn(email, QStringLiteral("laptop"));
    const Tokens third = signIn(email, QStringLiteral("tablet"));
    QVERIFY(!first.access.isEmpty());
    QVERIFY(!second.access.isEmpty());
    QVERIFY(!third.access.isEmpty());
    QCOMPARE(sessions(first.access).size(), 3);

    const CurlResult loggedOut = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/logout-all"), {}, second.access);
    QCOMPARE(loggedOut.status, 200);
    QCOMPARE(loggedOut.json().value(QStringLiteral("sessions_revoked")).toInt(), 3);

    for (const Tokens& tokens : {first, second, third}) {
        const CurlResult rejected = m_curl->request(
            QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, tokens.access);
        QCOMPARE(rejected.status, 401);
        QCOMPARE(rejected.errorCode(), QStringLiteral("unauthorized"));
        QCOMPARE(refreshStatus(tokens.refresh), 401);
    }

    // The account itself stays usable: a new sign-in opens a new session.
    const Tokens after = signIn(email);
    QCOMPARE(recordsStatus(after.access), 200);
    QCOMPARE(sessions(after.access).size(), 1);
}

void TestAuthSessions::logoutAllSparesOtherUsers()
{
    const QString email = newUser();
    const QString other = newUser();
    QVERIFY(!email.isEmpty());
    QVERIFY(!other.isEmpty());
    const Tokens mine = signIn(email);
    const Tokens theirs = signIn(other);
    const Tokens theirsToo = signIn(other);

    QCOMPARE(m_curl
                 ->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/logout-all"), {},
                           mine.access)
                 .status,
             200);
    QCOMPARE(recordsStatus(mine.access), 401);
    QCOMPARE(recordsStatus(theirs.access), 200);
    QCOMPARE(recordsStatus(theirsToo.access), 200);
    QCOMPARE(sessions(theirs.access).size(), 2);
    QCOMPARE(refreshStatus(theirsToo.refresh), 200);
}

void TestAuthSessions::deleteOwnSession()
{
    const QString email = newUser();
    QVERIFY(!email.isEmpty());
    const Tokens desk = signIn(email, QStringLiteral("desk"));
    const Tokens laptop = signIn(email, QStringLiteral("laptop"));
    const QJsonArray listed = sessions(desk.access);
    QCOMPARE(listed.size(), 2);
    const QString laptopId = sessionIdOf(listed, QStringLiteral("laptop"));
    QVERIFY(!laptopId.isEmpty());

    const CurlResult deleted = deleteSession(laptopId, desk.access);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(recordsStatus(laptop.access), 401);
    QCOMPARE(refreshStatus(laptop.refresh), 401);
    QCOMPARE(recordsStatus(desk.access), 200);

    const QJsonArray remaining = sessions(desk.access);
    QCOMPARE(remaining.size(), 1);
    QCOMPARE(sessionIdOf(remaining, QStringLiteral("desk")).isEmpty(), false);

    // A session that has already ended cannot be deleted again.
    const CurlResult again = deleteSession(laptopId, desk.access);
    QCOMPARE(again.status, 404);
    QCOMPARE(again.errorCode(), QStringLiteral("not_found"));
}

void TestAuthSessions::deleteCurrentSession()
{
    const QString email = newUser();
    QVERIFY(!email.isEmpty());
    const Tokens desk = signIn(email, QStringLiteral("desk"));
    const Tokens laptop = signIn(email, QStringLiteral("laptop"));
    const QString deskId = sessionIdOf(sessions(desk.access), QStringLiteral("desk"));
    QVERIFY(!deskId.isEmpty());

    QCOMPARE(deleteSession(deskId, desk.access).status, 200);
    QCOMPARE(recordsStatus(desk.access), 401);
    QCOMPARE(recordsStatus(laptop.access), 200);
}

void TestAuthSessions::deleteForeignSession()
{
    const QString email = newUser();
    const QString other = newUser();
    QVERIFY(!email.isEmpty());
    QVERIFY(!other.isEmpty());
    const Tokens mine = signIn(email);
    const Tokens theirs = signIn(other, QStringLiteral("ward pc"));
    const QString theirId = sessionIdOf(sessions(theirs.access), QStringLiteral("ward pc"));
    QVERIFY(!theirId.isEmpty());

    // Another account's session id gets the same response as an id that does not exist.
    const CurlResult rejected = deleteSession(theirId, mine.access);
    QCOMPARE(rejected.status, 404);
    QCOMPARE(rejected.errorCode(), QStringLiteral("not_found"));
    const CurlResult unknown = deleteSession(kUnknownSessionId, mine.access);
    QCOMPARE(rejected.body, unknown.body);

    QCOMPARE(recordsStatus(theirs.access), 200);
    QCOMPARE(refreshStatus(theirs.refresh), 200);
    QCOMPARE(recordsStatus(mine.access), 200);
}

void TestAuthSessions::deleteUnknownSession()
{
    const QString email = newUser();
    QVERIFY(!email.isEmpty());
    const Tokens mine = signIn(email);
    const CurlResult unknown = deleteSession(kUnknownSessionId, mine.access);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("not_found"));
    QCOMPARE(recordsStatus(mine.access), 200);
}

void TestAuthSessions::deleteWithoutToken()
{
    const QString email = newUser();
    QVERIFY(!email.isEmpty());
    const Tokens mine = signIn(email, QStringLiteral("desk"));
    const QString id = sessionIdOf(sessions(mine.access), QStringLiteral("desk"));
    QVERIFY(!id.isEmpty());

    const CurlResult anonymous = deleteSession(id, QString());
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(anonymous.errorCode(), QStringLiteral("unauthorized"));
    QCOMPARE(recordsStatus(mine.access), 200);
}

QTEST_GUILESS_MAIN(TestAuthSessions)
#include "TestAuthSessions.moc"
