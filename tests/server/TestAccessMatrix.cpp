// The access matrix: every row of the server's route table, called by four signed-in users who
// hold different permission sets, against five kinds of record, and once without a token. Each
// cell asserts the HTTP status the access model prescribes.
//
// ADDING A ROUTE: add one line to kMatrix below per method of the route, for example
//     {"GET", "/api/v1/teams", "/api/v1/teams", "", anyone(200)},
// The first two fields must equal the method and pattern of the route table row. The third is
// the path to call: {record}, {team}, {home}, {user} and {random} are replaced by the record of
// the cell, the team "Cardiology" (every caller is a member with the cell's permission set),
// the home team (same set), a plain member of both teams, and a fresh random UUID. The body
// may use the same placeholders and {sharing} (a sharing body that keeps the record's current
// mode). The last field gives the expected status: anyone(s), organization(permission, s),
// team(permission, s) (the permission in Cardiology), visible(s), editable(s) or
// shareable(s). Rows whose path contains {record} run for every record kind. The test fails while
// the route table has a row without a matrix line, or a matrix line has no table row.
// Calls must leave the state as they found it, because every cell shares one server.

#include "AccessFixture.h"
#include "CurlClient.h"
#include "server/Router.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUuid>

#include <functional>

using namespace chartinsight;
using namespace chartinsight::server;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Orchid-Lantern-Voyage-4417");

enum class RecordKind
{
    None,           // the route has no record in its path
    Own,            // uploaded by the caller, private
    TeamShared,     // another member's record, sharing "team"
    UserShared,     // another member's record, shared with every caller
    PrivateForeign, // another member's private record
    OtherOrganization,
};

struct Cell
{
    PermissionSet permissions = kNoPermissions; // in Cardiology and in the home team
    RecordKind record = RecordKind::None;
};

using Expectation = std::function<int(const Cell&)>;

bool isVisible(RecordKind kind)
{
    return kind == RecordKind::Own || kind == RecordKind::TeamShared ||
           kind == RecordKind::UserShared;
}

Expectation anyone(int status)
{
    return [status](const Cell&) { return status; };
}

Expectation organization(Permission permission, int status)
{
    return [=](const Cell& cell) {
        return hasPermission(cell.permissions, permission) ? status : 403;
    };
}

Expectation team(Permission permission, int status)
{
    return organization(permission, status);
}

Expectation visible(int status)
{
    return [status](const Cell& cell) { return isVisible(cell.record) ? status : 404; };
}

Expectation editable(int status)
{
    return [status](const Cell& cell) {
        if (!isVisible(cell.record))
            return 404;
        return hasPermission(cell.permissions, Permission::ManageFiles) ? status : 403;
    };
}

// The legal hold route: manage_organization in the home team (the route's rule, so 403 comes
// before the record is looked up), then a record the caller can see.
Expectation holdable(int status)
{
    return [status](const Cell& cell) {
        if (!hasPermission(cell.permissions, Permission::ManageOrganization))
            return 403;
        return isVisible(cell.record) ? status : 404;
    };
}

Expectation shareable(int status)
{
    return [status](const Cell& cell) {
        if (!isVisible(cell.record))
            return 404;
        if (cell.record == RecordKind::Own)
            return status;
        return hasPermission(cell.permissions, Permission::ManageFiles) ? status : 403;
    };
}

// The access report of a record: the whole organization's for manage_organization, else only
// the uploader's own records; a visible record of someone else is 403, an invisible one 404.
Expectation accessReport(int status)
{
    return [status](const Cell& cell) {
        if (hasPermission(cell.permissions, Permission::ManageOrganization))
            return status;
        if (cell.record == RecordKind::Own)
            return status;
        return isVisible(cell.record) ? 403 : 404;
    };
}

struct MatrixRow
{
    const char* method;
    const char* pattern; // as in the route table
    const char* path;    // with placeholders
    const char* body;    // with placeholders; empty for none
    Expectation expected;
};

const QList<MatrixRow> kMatrix = {
    {"GET", "/api/v1/health", "/api/v1/health", "", anyone(200)},
    {"POST", "/api/v1/auth/login", "/api/v1/auth/login",
     R"({"email":"{self_email}","password":"{password}"})", anyone(200)},
    {"POST", "/api/v1/auth/logout", "/api/v1/auth/logout", "", anyone(200)},
    {"POST", "/api/v1/auth/refresh", "/api/v1/auth/refresh",
     R"({"refresh_token":"no-such-refresh-token"})", anyone(401)},
    {"POST", "/api/v1/auth/logout-all", "/api/v1/auth/logout-all", "", anyone(200)},
    {"GET", "/api/v1/auth/sessions", "/api/v1/auth/sessions", "", anyone(200)},
    {"DELETE", "/api/v1/auth/sessions/{id}", "/api/v1/auth/sessions/{random}", "", anyone(404)},
    {"POST", "/api/v1/auth/mfa/verify", "/api/v1/auth/mfa/verify",
     R"({"mfa_token":"no-such-mfa-token","code":"902614"})", anyone(401)},
    {"POST", "/api/v1/auth/mfa/resend", "/api/v1/auth/mfa/resend",
     R"({"mfa_token":"no-such-mfa-token"})", anyone(401)},
    {"POST", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset",
     R"({"email":"nobody@example.test"})", anyone(202)},
    {"POST", "/api/v1/auth/password-reset/complete", "/api/v1/auth/password-reset/complete",
     R"({"token":"no-such-link-token","new_password":"Velvet-Harbor-Quill-9021"})", anyone(410)},
    {"POST", "/api/v1/auth/password-policy", "/api/v1/auth/password-policy",
     R"({"email":"x@example.test","password":"abc"})", anyone(200)},
    {"GET", "/reset-password", "/reset-password", "", anyone(410)},
    {"POST", "/reset-password", "/reset-password", "", anyone(410)},
    {"GET", "/api/v1/account", "/api/v1/account", "", anyone(200)},
    {"POST", "/api/v1/account/password", "/api/v1/account/password",
     R"({"current_password":"wrong","new_password":"Velvet-Harbor-Quill-9021"})", anyone(403)},
    {"POST", "/api/v1/account/mfa", "/api/v1/account/mfa",
     R"({"enabled":false,"password":"wrong"})", anyone(403)},
    {"GET", "/api/v1/admin/users", "/api/v1/admin/users", "",
     organization(Permission::ManageOrganization, 200)},
    {"POST", "/api/v1/admin/users/{id}/unlock", "/api/v1/admin/users/{user}/unlock", "",
     organization(Permission::ManageOrganization, 200)},
    {"POST", "/api/v1/admin/users/{id}/password", "/api/v1/admin/users/{user}/password",
     R"({"new_password":"Velvet-Harbor-Quill-9021"})",
     organization(Permission::ManageOrganization, 200)},
    {"GET", "/api/v1/records", "/api/v1/records", "", anyone(200)},
    {"POST", "/api/v1/records", "/api/v1/records?filename=matrix.txt&team={team}", "matrix upload",
     team(Permission::ManageFiles, 201)},
    {"GET", "/api/v1/records/{id}", "/api/v1/records/{record}", "", visible(200)},
    {"PATCH", "/api/v1/records/{id}", "/api/v1/records/{record}", R"({"title":""})", editable(200)},
    {"GET", "/api/v1/records/{id}/content", "/api/v1/records/{record}/content", "", visible(200)},
    {"PUT", "/api/v1/records/{id}/sharing", "/api/v1/records/{record}/sharing", "{sharing}",
     shareable(200)},
    {"GET", "/api/v1/records/{id}/access", "/api/v1/records/{record}/access", "", visible(200)},
    // Every matrix record is under legal hold, so a permitted DELETE answers 409 and erases
    // nothing; a null expiration and a hold that stays on leave the records as they are.
    {"DELETE", "/api/v1/records/{id}", "/api/v1/records/{record}", "", shareable(409)},
    {"PUT", "/api/v1/records/{id}/expiry", "/api/v1/records/{record}/expiry",
     R"({"expires_at":null})", editable(200)},
    {"PUT", "/api/v1/records/{id}/hold", "/api/v1/records/{record}/hold", R"({"hold":true})",
     holdable(200)},
    {"GET", "/api/v1/templates", "/api/v1/templates", "", anyone(200)},
    {"POST", "/api/v1/templates", "/api/v1/templates", R"({"name":""})",
     organization(Permission::ManageOrganization, 400)},
    {"PUT", "/api/v1/templates/{id}", "/api/v1/templates/{random}", R"({"name":"Matrix"})",
     organization(Permission::ManageOrganization, 404)},
    {"DELETE", "/api/v1/templates/{id}", "/api/v1/templates/{random}", "",
     organization(Permission::ManageOrganization, 404)},
    {"GET", "/api/v1/receipt-key", "/api/v1/receipt-key", "", anyone(200)},
    // The matrix records are text files, so they have text and no preview image.
    {"GET", "/api/v1/records/{id}/text", "/api/v1/records/{record}/text", "", visible(200)},
    {"GET", "/api/v1/records/{id}/preview", "/api/v1/records/{record}/preview", "", anyone(404)},
    {"GET", "/api/v1/users", "/api/v1/users", "", anyone(200)},
    {"GET", "/api/v1/export/organization", "/api/v1/export/organization", "",
     organization(Permission::ManageOrganization, 200)},
    {"GET", "/api/v1/export/personal", "/api/v1/export/personal", "", anyone(200)},
    {"GET", "/api/v1/teams", "/api/v1/teams", "", anyone(200)},
    {"POST", "/api/v1/teams", "/api/v1/teams", R"({"name":"Matrix {random}"})",
     organization(Permission::ManageOrganization, 201)},
    {"PUT", "/api/v1/teams/{id}", "/api/v1/teams/{team}", R"({"name":"Cardiology"})",
     organization(Permission::ManageOrganization, 200)},
    {"GET", "/api/v1/teams/{id}/members", "/api/v1/teams/{team}/members", "", anyone(200)},
    {"POST", "/api/v1/teams/{id}/members", "/api/v1/teams/{team}/members",
     R"({"user_id":"{user}","permissions":[]})", team(Permission::ManageOrganization, 409)},
    {"PUT", "/api/v1/teams/{id}/members/{user_id}", "/api/v1/teams/{team}/members/{user}",
     R"({"permissions":[]})", team(Permission::ManageOrganization, 200)},
    {"DELETE", "/api/v1/teams/{id}/members/{user_id}", "/api/v1/teams/{team}/members/{random}", "",
     team(Permission::ManageOrganization, 404)},
    {"GET", "/api/v1/roles", "/api/v1/roles", "", anyone(200)},
    {"POST", "/api/v1/roles", "/api/v1/roles", R"({"name":"Viewer","permissions":[]})",
     organization(Permission::ManageOrganization, 409)},
    {"PUT", "/api/v1/roles/{id}", "/api/v1/roles/{random}", R"({"name":"Matrix"})",
     organization(Permission::ManageOrganization, 404)},
    {"DELETE", "/api/v1/roles/{id}", "/api/v1/roles/{random}", "",
     organization(Permission::ManageOrganization, 404)},
    // Inviting the caller's own address fails after the access checks (already a member), so
    // no invitation or mail is left behind.
    {"GET", "/api/v1/teams/{id}/invitations", "/api/v1/teams/{team}/invitations", "",
     team(Permission::ManageOrganization, 200)},
    {"POST", "/api/v1/teams/{id}/invitations", "/api/v1/teams/{team}/invitations",
     R"({"email":"{self_email}"})", team(Permission::ManageOrganization, 409)},
    {"POST", "/api/v1/invitations/{id}/resend", "/api/v1/invitations/{random}/resend", "",
     anyone(404)},
    {"POST", "/api/v1/invitations/{id}/revoke", "/api/v1/invitations/{random}/revoke", "",
     anyone(404)},
    {"POST", "/api/v1/invitations/lookup", "/api/v1/invitations/lookup",
     R"({"token":"no-such-link-token"})", anyone(404)},
    {"POST", "/api/v1/invitations/accept", "/api/v1/invitations/accept",
     R"({"token":"no-such-link-token","password":"Velvet-Harbor-Quill-9021"})", anyone(404)},
    {"GET", "/invitation", "/invitation?token=no-such-link-token", "", anyone(404)},
    {"PATCH", "/api/v1/account", "/api/v1/account", R"({"display_name":""})", anyone(200)},
    {"GET", "/api/v1/reports/access", "/api/v1/reports/access?record={record}", "",
     accessReport(200)},
    {"GET", "/api/v1/reports/activity", "/api/v1/reports/activity", "", anyone(200)},
    {"GET", "/api/v1/reports/activity/chart", "/api/v1/reports/activity/chart", "", anyone(200)},
    {"GET", "/api/v1/reports/invitations", "/api/v1/reports/invitations", "",
     organization(Permission::ManageOrganization, 200)},
    {"GET", "/api/v1/reports/logins", "/api/v1/reports/logins?user={user}", "",
     organization(Permission::ManageOrganization, 200)},
    {"POST", "/invitation", "/invitation", "token=no-such-link-token&password=x", anyone(404)},
};

struct Caller
{
    QString name;
    PermissionSet permissions = kNoPermissions;
    QString email;
    QString id;
    QString ownRecord;
};

} // namespace

class TestAccessMatrix : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyRouteHasRows();
    void everyRowHasRoute();
    void anonymousNeedsToken_data();
    void anonymousNeedsToken();
    void matrix_data();
    void matrix();

private:
    QString upload(const QString& token, const QString& query);
    QString token(const QString& email);
    QString substitute(QString text, const Caller& caller, RecordKind kind) const;
    QString recordOf(const Caller& caller, RecordKind kind) const;
    const MatrixRow* findRow(const QByteArray& method, const QByteArray& pattern) const;

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<CurlClient> m_client;
    std::unique_ptr<AccessFixture> m_fixture;
    QList<Caller> m_callers;
    QString m_organization;
    QString m_home;
    QString m_team;
    QString m_plainUser;
    QString m_teamShared;
    QString m_userShared;
    QString m_privateForeign;
    QString m_otherOrganization;
};

void TestAccessMatrix::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    // Every cell signs in afresh, far more often a minute than the per-IP default allows.
    QVERIFY(m_server->start({QStringLiteral("--ip-rate-limit"), QStringLiteral("100000")}));
    m_client = std::make_unique<CurlClient>(*m_server);
    m_fixture = std::make_unique<AccessFixture>(*m_server);
    QVERIFY(m_fixture->isOpen());

    const QString organization = QStringLiteral("Matrix Clinic");
    const QString uploaderEmail = QStringLiteral("uploader@example.test");
    const QString uploader = m_fixture->addUser(uploaderEmail, kPassword, organization);
    QVERIFY(!uploader.isEmpty());
    m_plainUser = m_fixture->addUser(QStringLiteral("plain@example.test"), kPassword, organization);
    QVERIFY(!m_plainUser.isEmpty());
    m_organization = m_fixture->organizationOf(uploader);
    m_home = m_fixture->homeTeamOf(m_organization);
    QVERIFY(!m_home.isEmpty());
    m_team = m_fixture->createTeam(m_organization, QStringLiteral("Cardiology"));
    QVERIFY(!m_team.isEmpty());
    QVERIFY(m_fixture->setMembership(m_team, uploader, int(Permission::ManageFiles)));
    QVERIFY(m_fixture->setMembership(m_team, m_plainUser, kNoPermissions));

    const struct
    {
        const char* name;
        PermissionSet permissions;
    } sets[] = {
        {"none", kNoPermissions},
        {"manage_files", int(Permission::ManageFiles)},
        {"manage_organization", int(Permission::ManageOrganization)},
        {"all", kAllPermissions},
    };
    for (const auto& set : sets) {
        Caller caller;
        caller.name = QString::fromLatin1(set.name);
        caller.permissions = set.permissions;
        caller.email = caller.name + QStringLiteral("@example.test");
        caller.id = m_fixture->addUser(caller.email, kPassword, organization);
        QVERIFY(!caller.id.isEmpty());
        // Each caller uploads its own record while it may, then gets its cell's set.
        QVERIFY(m_fixture->setMembership(m_team, caller.id, int(Permission::ManageFiles)));
        caller.ownRecord =
            upload(token(caller.email), QStringLiteral("&team=%1&sharing=private").arg(m_team));
        QVERIFY(!caller.ownRecord.isEmpty());
        QVERIFY(m_fixture->setMembership(m_team, caller.id, set.permissions));
        QVERIFY(m_fixture->setMembership(m_home, caller.id, set.permissions));
        m_callers << caller;
    }

    const QString uploaderToken = token(uploaderEmail);
    m_teamShared = upload(uploaderToken, QStringLiteral("&team=%1&sharing=team").arg(m_team));
    QVERIFY(!m_teamShared.isEmpty());
    QString users;
    for (const Caller& caller : std::as_const(m_callers))
        users += QStringLiteral("&user=") + caller.id;
    m_userShared =
        upload(uploaderToken, QStringLiteral("&team=%1&sharing=users").arg(m_team) + users);
    QVERIFY(!m_userShared.isEmpty());
    m_privateForeign =
        upload(uploaderToken, QStringLiteral("&team=%1&sharing=private").arg(m_team));
    QVERIFY(!m_privateForeign.isEmpty());

    const QString strangerEmail = QStringLiteral("stranger@example.test");
    QVERIFY(
        !m_fixture->addUser(strangerEmail, kPassword, QStringLiteral("Elsewhere"), true).isEmpty());
    m_otherOrganization = upload(token(strangerEmail), QStringLiteral("&sharing=team"));
    QVERIFY(!m_otherOrganization.isEmpty());
    // Held records reject the DELETE cells after their access checks, so no cell erases one.
    m_fixture->queryValue(QStringLiteral("UPDATE records SET legal_hold = 1"), {});
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM records WHERE "
                                                  "legal_hold = 0"),
                                   {}),
             QStringLiteral("0"));

    // The text route answers 200 only once the record's text is derived, so every record's
    // derive job must have finished before the cells run.
    const auto derived = [&](const QString& ownerToken, const QString& recordId) {
        return m_client->waitUntilDerived(ownerToken, recordId)
            .value(QStringLiteral("has_text"))
            .toBool();
    };
    for (const Caller& caller : std::as_const(m_callers))
        QVERIFY(derived(token(caller.email), caller.ownRecord));
    for (const QString& recordId : {m_teamShared, m_userShared, m_privateForeign})
        QVERIFY(derived(uploaderToken, recordId));
    QVERIFY(derived(token(strangerEmail), m_otherOrganization));
}

void TestAccessMatrix::cleanupTestCase()
{
    m_fixture.reset();
    if (m_server)
        m_server->stop();
}

QString TestAccessMatrix::token(const QString& email)
{
    return m_client->login(email, kPassword);
}

QString TestAccessMatrix::upload(const QString& token, const QString& query)
{
    const CurlResult result = m_client->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/records?filename=chart.txt") + query,
        "matrix record", token);
    if (result.status != 201) {
        qWarning("upload failed with %d: %s", result.status, result.body.constData());
        return QString();
    }
    return result.json().value(QStringLiteral("id")).toString();
}

QString TestAccessMatrix::recordOf(const Caller& caller, RecordKind kind) const
{
    switch (kind) {
    case RecordKind::Own:
        return caller.ownRecord;
    case RecordKind::TeamShared:
        return m_teamShared;
    case RecordKind::UserShared:
        return m_userShared;
    case RecordKind::PrivateForeign:
        return m_privateForeign;
    case RecordKind::OtherOrganization:
        return m_otherOrganization;
    case RecordKind::None:
        break;
    }
    return QString();
}

QString TestAccessMatrix::substitute(QString text, const Caller& caller, RecordKind kind) const
{
    QString sharing = QStringLiteral(R"({"mode":"private"})");
    if (kind == RecordKind::TeamShared) {
        sharing = QStringLiteral(R"({"mode":"team"})");
    } else if (kind == RecordKind::UserShared) {
        QJsonArray users;
        for (const Caller& other : m_callers)
            users.append(other.id);
        sharing = QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("mode"), QStringLiteral("users")},
                                      {QStringLiteral("users"), users}})
                .toJson(QJsonDocument::Compact));
    }
    text.replace(QStringLiteral("{sharing}"), sharing);
    text.replace(QStringLiteral("{record}"), recordOf(caller, kind));
    text.replace(QStringLiteral("{team}"), m_team);
    text.replace(QStringLiteral("{home}"), m_home);
    text.replace(QStringLiteral("{user}"), m_plainUser);
    text.replace(QStringLiteral("{random}"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    text.replace(QStringLiteral("{self_email}"), caller.email);
    text.replace(QStringLiteral("{password}"), kPassword);
    return text;
}

const MatrixRow* TestAccessMatrix::findRow(const QByteArray& method,
                                           const QByteArray& pattern) const
{
    for (const MatrixRow& row : kMatrix) {
        if (method == row.method && pattern == row.pattern)
            return &row;
    }
    return nullptr;
}

void TestAccessMatrix::everyRouteHasRows()
{
    QStringList missing;
    for (const RouteSpec& spec : Router::routes()) {
        if (!findRow(spec.method, spec.pattern))
            missing << QStringLiteral("%1 %2").arg(QLatin1String(spec.method),
                                                   QLatin1String(spec.pattern));
    }
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("routes without a matrix line: ") +
                                           missing.join(QStringLiteral(", "))));
}

void TestAccessMatrix::everyRowHasRoute()
{
    QStringList stale;
    for (const MatrixRow& row : kMatrix) {
        bool found = false;
        for (const RouteSpec& spec : Router::routes()) {
            if (qstrcmp(spec.method, row.method) == 0 && qstrcmp(spec.pattern, row.pattern) == 0)
                found = true;
        }
        if (!found)
            stale << QStringLiteral("%1 %2").arg(QLatin1String(row.method),
                                                 QLatin1String(row.pattern));
    }
    QVERIFY2(stale.isEmpty(), qPrintable(QStringLiteral("matrix lines without a route: ") +
                                         stale.join(QStringLiteral(", "))));
}

void TestAccessMatrix::anonymousNeedsToken_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    for (const RouteSpec& spec : Router::routes()) {
        if (spec.access.kind == AccessKind::Public)
            continue;
        const MatrixRow* row = findRow(spec.method, spec.pattern);
        if (!row)
            continue;
        QTest::addRow("%s %s", spec.method, spec.pattern)
            << QString::fromLatin1(spec.method) << QString::fromLatin1(row->path);
    }
}

void TestAccessMatrix::anonymousNeedsToken()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    const RecordKind kind =
        path.contains(QStringLiteral("{record}")) ? RecordKind::TeamShared : RecordKind::None;
    const CurlResult result =
        m_client->request(method, substitute(path, m_callers.first(), kind), "{}", QString());
    QCOMPARE(result.status, 401);
    QCOMPARE(result.errorCode(), QStringLiteral("unauthorized"));
}

void TestAccessMatrix::matrix_data()
{
    QTest::addColumn<int>("rowIndex");
    QTest::addColumn<int>("callerIndex");
    QTest::addColumn<int>("record");
    const RecordKind kinds[] = {RecordKind::Own, RecordKind::TeamShared, RecordKind::UserShared,
                                RecordKind::PrivateForeign, RecordKind::OtherOrganization};
    const char* kindNames[] = {"own", "team-shared", "user-shared", "private-foreign",
                               "other-organization"};
    const char* callerNames[] = {"none", "manage_files", "manage_organization", "all"};
    for (int rowIndex = 0; rowIndex < kMatrix.size(); ++rowIndex) {
        const MatrixRow& row = kMatrix.at(rowIndex);
        const bool perRecord = QByteArray(row.path).contains("{record}");
        for (int callerIndex = 0; callerIndex < 4; ++callerIndex) {
            if (!perRecord) {
                QTest::addRow("%s %s as %s", row.method, row.pattern, callerNames[callerIndex])
                    << rowIndex << callerIndex << int(RecordKind::None);
                continue;
            }
            for (int kind = 0; kind < 5; ++kind) {
                QTest::addRow("%s %s as %s on %s", row.method, row.pattern,
                              callerNames[callerIndex], kindNames[kind])
                    << rowIndex << callerIndex << int(kinds[kind]);
            }
        }
    }
}

void TestAccessMatrix::matrix()
{
    QFETCH(int, rowIndex);
    QFETCH(int, callerIndex);
    QFETCH(int, record);
    const MatrixRow& row = kMatrix.at(rowIndex);
    const Caller& caller = m_callers.at(callerIndex);
    const RecordKind kind = RecordKind(record);
    // A fresh sign-in per cell, because some routes end the session they are called with.
    const QString accessToken = token(caller.email);
    QVERIFY(!accessToken.isEmpty());

    const CurlResult result = m_client->request(
        QString::fromLatin1(row.method), substitute(QString::fromLatin1(row.path), caller, kind),
        substitute(QString::fromUtf8(row.body), caller, kind).toUtf8(), accessToken);
    const int expected = row.expected(Cell{caller.permissions, kind});
    QVERIFY2(result.status == expected,
             qPrintable(QStringLiteral("status %1, expected %2: %3")
                            .arg(result.status)
                            .arg(expected)
                            .arg(QString::fromUtf8(result.body.left(300)))));
    // A 403 that depends on the caller's permissions must be "forbidden" (a 403 for a wrong
    // password is "invalid_credentials").
    if (expected == 403 && row.expected(Cell{kAllPermissions, kind}) != 403)
        QCOMPARE(result.errorCode(), QStringLiteral("forbidden"));
    if (expected == 404 && kind != RecordKind::None)
        QCOMPARE(result.errorCode(), QStringLiteral("not_found"));
}

QTEST_GUILESS_MAIN(TestAccessMatrix)
#include "TestAccessMatrix.moc"
