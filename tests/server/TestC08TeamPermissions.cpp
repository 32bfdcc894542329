// C08 at the API level: lowering a member's permission in a team, restoring it and removing
// the member take effect on the member's very next request, with the same access token and no
// new sign-in. A rejected change leaves the record as it was and is logged with ids.
//
// Membership changes go through PUT and DELETE /api/v1/teams/{id}/members/{user_id} when the
// route table has them, else straight into the server's database (AccessFixture), which the
// server reads on every request just the same.

#include "AccessFixture.h"
#include "CurlClient.h"
#include "server/Router.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::server;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Juniper-Compass-Meadow-5521");
const QString kOriginalTitle = QStringLiteral("Echocardiogram 2026-03");

bool hasRoute(const char* method, const char* pattern)
{
    for (const RouteSpec& spec : Router::routes()) {
        if (qstrcmp(spec.method, method) == 0 && qstrcmp(spec.pattern, pattern) == 0)
            return true;
    }
    return false;
}

QByteArray titleBody(const QString& title)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("title"), title}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestC08TeamPermissions : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void c08PermissionChangesApplyAtOnce();

private:
    void setPermissions(const QStringList& permissions);
    void removeHenry();
    QString recordTitle(const QString& token);
    QStringList listedIds(const QString& token);

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<CurlClient> m_client;
    std::unique_ptr<AccessFixture> m_fixture;
    QString m_adminToken;
    QString m_henry;
    QString m_team;
    QString m_record;
};

void TestC08TeamPermissions::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    QVERIFY(m_server->start());
    m_client = std::make_unique<CurlClient>(*m_server);
    m_fixture = std::make_unique<AccessFixture>(*m_server);
    QVERIFY(m_fixture->isOpen());

    const QString organization = QStringLiteral("C08 Clinic");
    const QString admin =
        m_fixture->addUser(QStringLiteral("admin@example.test"), kPassword, organization, true);
    QVERIFY(!admin.isEmpty());
    m_henry = m_fixture->addUser(QStringLiteral("henry@example.test"), kPassword, organization);
    QVERIFY(!m_henry.isEmpty());
    m_team = m_fixture->createTeam(m_fixture->organizationOf(admin), QStringLiteral("T"));
    QVERIFY(!m_team.isEmpty());
    QVERIFY(m_fixture->setMembership(m_team, admin, int(Permission::ManageFiles)));
    QVERIFY(m_fixture->setMembership(m_team, m_henry, int(Permission::ManageFiles)));

    m_adminToken = m_client->login(QStringLiteral("admin@example.test"), kPassword);
    QVERIFY(!m_adminToken.isEmpty());
    const CurlResult uploaded = m_client->request(
        QStringLiteral("POST"),
        QStringLiteral("/api/v1/records?filename=echo.txt&team=%1&sharing=team").arg(m_team),
        "echo findings", m_adminToken);
    QCOMPARE(uploaded.status, 201);
    m_record = uploaded.json().value(QStringLiteral("id")).toString();
    const CurlResult titled =
        m_client->request(QStringLiteral("PATCH"), QStringLiteral("/api/v1/records/") + m_record,
                          titleBody(kOriginalTitle), m_adminToken);
    QCOMPARE(titled.status, 200);
}

void TestC08TeamPermissions::cleanupTestCase()
{
    m_fixture.reset();
    if (m_server)
        m_server->stop();
}

void TestC08TeamPermissions::setPermissions(const QStringList& permissions)
{
    if (hasRoute("PUT", "/api/v1/teams/{id}/members/{user_id}")) {
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("permissions"),
                                       QJsonArray::fromStringList(permissions)}})
                .toJson(QJsonDocument::Compact);
        const CurlResult result = m_client->request(
            QStringLiteral("PUT"),
            QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_team, m_henry), body, m_adminToken);
        QCOMPARE(result.status, 200);
        return;
    }
    PermissionSet set = kNoPermissions;
    if (permissions.contains(QStringLiteral("manage_files")))
        set |= int(Permission::ManageFiles);
    QVERIFY(m_fixture->setMembership(m_team, m_henry, set));
}

void TestC08TeamPermissions::removeHenry()
{
    if (hasRoute("DELETE", "/api/v1/teams/{id}/members/{user_id}")) {
        const CurlResult result = m_client->request(
            QStringLiteral("DELETE"),
            QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_team, m_henry), {}, m_adminToken);
        QCOMPARE(result.status, 204);
        return;
    }
    QVERIFY(m_fixture->removeMembership(m_team, m_henry));
}

QString TestC08TeamPermissions::recordTitle(const QString& token)
{
    const CurlResult result = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/") + m_record, {}, token);
    return result.json().value(QStringLiteral("title")).toString();
}

QStringList TestC08TeamPermissions::listedIds(const QString& token)
{
    const CurlResult result =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, token);
    QStringList ids;
    for (const QJsonValue& record : result.json().value(QStringLiteral("records")).toArray())
        ids << record.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

void TestC08TeamPermissions::c08PermissionChangesApplyAtOnce()
{
    // Henry signs in once; every step below uses this one token.
    const QString henryToken = m_client->login(QStringLiteral("henry@example.test"), kPassword);
    QVERIFY(!henryToken.isEmpty());
    const QString recordPath = QStringLiteral("/api/v1/records/") + m_record;

    // Henry opens the record's details: he may edit.
    const CurlResult opened = m_client->request(QStringLiteral("GET"), recordPath, {}, henryToken);
    QCOMPARE(opened.status, 200);
    QCOMPARE(opened.json().value(QStringLiteral("can_edit")).toBool(), true);

    // The admin makes him view-only, and he saves from the window he had open.
    setPermissions({});
    const CurlResult rejected =
        m_client->request(QStringLiteral("PATCH"), recordPath,
                          titleBody(QStringLiteral("Henry's title")), henryToken);
    QCOMPARE(rejected.status, 403);
    QCOMPARE(rejected.errorCode(), QStringLiteral("forbidden"));
    const QString message = rejected.json()
                                .value(QStringLiteral("error"))
                                .toObject()
                                .value(QStringLiteral("message"))
                                .toString();
    QVERIFY2(message.contains(QStringLiteral("manage_files")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("\"T\"")), qPrintable(message));
    QCOMPARE(recordTitle(m_adminToken), kOriginalTitle);
    const CurlResult viewOnly =
        m_client->request(QStringLiteral("GET"), recordPath, {}, henryToken);
    QCOMPARE(viewOnly.status, 200);
    QCOMPARE(viewOnly.json().value(QStringLiteral("can_edit")).toBool(), false);
    QCOMPARE(m_fixture->queryValue(
                 QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = "
                                "'record.title_changed' AND target_id = ? AND outcome = "
                                "'denied'"),
                 {m_henry, m_record}),
             QStringLiteral("1"));
    const QByteArray log = m_server->log();
    QVERIFY(log.contains(QStringLiteral("denied title change of record %1 to user %2")
                             .arg(m_record, m_henry)
                             .toUtf8()));

    // The admin restores edit; the same save succeeds at once.
    setPermissions({QStringLiteral("manage_files")});
    const CurlResult saved =
        m_client->request(QStringLiteral("PATCH"), recordPath,
                          titleBody(QStringLiteral("Henry's title")), henryToken);
    QCOMPARE(saved.status, 200);
    QCOMPARE(saved.json().value(QStringLiteral("title")).toString(),
             QStringLiteral("Henry's title"));
    QCOMPARE(recordTitle(m_adminToken), QStringLiteral("Henry's title"));

    // The admin removes him from T: the record is gone for him, like an unknown id.
    QVERIFY(listedIds(henryToken).contains(m_record));
    removeHenry();
    const CurlResult gone = m_client->request(QStringLiteral("GET"), recordPath, {}, henryToken);
    QCOMPARE(gone.status, 404);
    QCOMPARE(gone.errorCode(), QStringLiteral("not_found"));
    const QString unknownId = QStringLiteral("0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f00");
    const CurlResult unknown = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/") + unknownId, {}, henryToken);
    QCOMPARE(unknown.status, 404);
    // The same body apart from the id the caller sent.
    QCOMPARE(QString::fromUtf8(gone.body).replace(m_record, QStringLiteral("ID")),
             QString::fromUtf8(unknown.body).replace(unknownId, QStringLiteral("ID")));
    QVERIFY(!listedIds(henryToken).contains(m_record));
    const CurlResult content = m_client->request(
        QStringLiteral("GET"), recordPath + QStringLiteral("/content"), {}, henryToken);
    QCOMPARE(content.status, 404);
    const CurlResult edit = m_client->request(QStringLiteral("PATCH"), recordPath,
                                              titleBody(QStringLiteral("late")), henryToken);
    QCOMPARE(edit.status, 404);
}

QTEST_GUILESS_MAIN(TestC08TeamPermissions)
#include "TestC08TeamPermissions.moc"
