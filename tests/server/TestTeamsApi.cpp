// Teams, members, roles and the user directory against a real chartinsight-server: who may
// read and change them, the rule that a caller cannot grant a permission they lack, the last
// organization administrator, name checks, and changes that apply to the very next request.

#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Harbor-Quill-5821-Lantern");
const QString kAdmin = QStringLiteral("admin@clinic.test");
const QString kSecondAdmin = QStringLiteral("deputy@clinic.test");
const QString kClinician = QStringLiteral("clinician@clinic.test");
const QString kManager = QStringLiteral("manager@clinic.test");
const QString kNurse = QStringLiteral("nurse@clinic.test");
const QString kPromoted = QStringLiteral("promoted@clinic.test");
const QString kForeign = QStringLiteral("outsider@other.test");
const QString kOtherOrganization = QStringLiteral("Other Clinic");

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QStringList stringsOf(const QJsonValue& value)
{
    QStringList strings;
    for (const QJsonValue& item : value.toArray())
        strings << item.toString();
    return strings;
}

// Returns the object in `array` whose `matchKey` equals `matchValue`, or an empty object.
QJsonObject findIn(const QJsonArray& array, const QString& matchKey, const QString& matchValue)
{
    for (const QJsonValue& item : array) {
        if (item.toObject().value(matchKey).toString() == matchValue)
            return item.toObject();
    }
    return {};
}

} // namespace

class TestTeamsApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void homeTeamListed();
    void createTeam();
    void createTeamDuplicate();
    void createTeamName_data();
    void createTeamName();
    void createTeamNeedsPermission();
    void renameHomeTeam();
    void renameTeam();
    void teamListScopedToMember();
    void membersOfInvisibleTeam();
    void membersOfForeignTeam();
    void addMemberByEmail();
    void addMemberById();
    void addMemberDuplicate();
    void addMemberInvalid_data();
    void addMemberInvalid();
    void invalidPermissionNamed();
    void grantOnlyHeldPermissions();
    void managerCannotTouchOtherTeams();
    void setMemberPermissions();
    void removeMemberUnknown();
    void lastAdminKeepsPermission();
    void lastAdminStaysInGeneral();
    void secondAdminUnlocksDemotion();
    void roleChangeAppliesAtOnce();
    void removalHidesTeamRecords();
    void rolesBuiltIn();
    void rolesCreateUpdateDelete();
    void roleWithUnheldPermission();
    void rolesNeedPermission();
    void usersOfOrganization();

private:
    CurlResult call(const QString& method, const QString& path, const QString& token,
                    const QJsonObject& body = {});
    // Signs in and returns the access token; stores the user id in m_userIds.
    QString signIn(const QString& email);
    QString teamIdByName(const QString& token, const QString& name);
    QString createTeamAs(const QString& token, const QString& name);

    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_curl;
    QHash<QString, QString> m_tokens;  // e-mail address → access token
    QHash<QString, QString> m_userIds; // e-mail address → user id
    QString m_generalId;
    QString m_wardId; // a team managed by kManager
};

CurlResult TestTeamsApi::call(const QString& method, const QString& path, const QString& token,
                              const QJsonObject& body)
{
    const QByteArray bytes =
        body.isEmpty() && method != QLatin1String("POST") && method != QLatin1String("PUT")
            ? QByteArray()
            : json(body);
    QStringList extra;
    if (!bytes.isEmpty())
        extra << QStringLiteral("-H") << QStringLiteral("Content-Type: application/json");
    return m_curl->request(method, path, bytes, token, extra);
}

QString TestTeamsApi::signIn(const QString& email)
{
    const CurlResult result = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
        json({{QStringLiteral("email"), email}, {QStringLiteral("password"), kPassword}}));
    if (result.status != 200) {
        qWarning() << "login of" << email << "returned" << result.status << result.body;
        return {};
    }
    m_userIds.insert(email, result.json().value(QStringLiteral("user_id")).toString());
    return result.json().value(QStringLiteral("access_token")).toString();
}

QString TestTeamsApi::teamIdByName(const QString& token, const QString& name)
{
    const CurlResult list = call(QStringLiteral("GET"), QStringLiteral("/api/v1/teams"), token);
    return findIn(list.json().value(QStringLiteral("teams")).toArray(), QStringLiteral("name"),
                  name)
        .value(QStringLiteral("id"))
        .toString();
}

QString TestTeamsApi::createTeamAs(const QString& token, const QString& name)
{
    const CurlResult created = call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"), token,
                                    {{QStringLiteral("name"), name}});
    if (created.status != 201)
        qWarning() << "creating team" << name << "returned" << created.status << created.body;
    return created.json().value(QStringLiteral("id")).toString();
}

void TestTeamsApi::initTestCase()
{
    QVERIFY(m_server.start());
    m_curl = std::make_unique<CurlClient>(m_server);
    QCOMPARE(m_server.addUser(kAdmin, kPassword, true), 0);
    for (const QString& email : {kClinician, kManager, kNurse, kPromoted, kSecondAdmin})
        QCOMPARE(m_server.addUser(email, kPassword), 0);
    const ProcessOutput foreign = runProcess(
        serverExecutable(),
        {QStringLiteral("add-user"), QStringLiteral("--data-dir"), m_server.dataDir(),
         QStringLiteral("--email"), kForeign, QStringLiteral("--organization"), kOtherOrganization,
         QStringLiteral("--admin")},
        kPassword.toUtf8() + '\n', 60000, {QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")});
    QCOMPARE(foreign.exitCode, 0);

    for (const QString& email :
         {kAdmin, kClinician, kManager, kNurse, kPromoted, kSecondAdmin, kForeign}) {
        const QString token = signIn(email);
        QVERIFY2(!token.isEmpty(), qPrintable(email));
        m_tokens.insert(email, token);
    }
    m_generalId = teamIdByName(m_tokens[kAdmin], QStringLiteral("General"));
    QVERIFY(!m_generalId.isEmpty());

    // The ward team is managed by kManager, who has manage_organization and manage_files there
    // but only manage_files in General.
    m_wardId = createTeamAs(m_tokens[kAdmin], QStringLiteral("Ward 3"));
    QVERIFY(!m_wardId.isEmpty());
    const CurlResult added =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/members").arg(m_wardId),
             m_tokens[kAdmin],
             {{QStringLiteral("email"), kManager},
              {QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_organization")}}});
    QCOMPARE(added.status, 201);
}

void TestTeamsApi::cleanupTestCase()
{
    m_server.stop();
}

void TestTeamsApi::homeTeamListed()
{
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/teams"), m_tokens[kAdmin]);
    QCOMPARE(list.status, 200);
    const QJsonObject general = findIn(list.json().value(QStringLiteral("teams")).toArray(),
                                       QStringLiteral("id"), m_generalId);
    QCOMPARE(general.value(QStringLiteral("name")).toString(), QStringLiteral("General"));
    QCOMPARE(general.value(QStringLiteral("is_home")).toBool(), true);
    QCOMPARE(stringsOf(general.value(QStringLiteral("permissions"))),
             QStringList({QStringLiteral("manage_files"), QStringLiteral("manage_organization"),
                          QStringLiteral("manage_billing"), QStringLiteral("manage_api")}));
    QVERIFY(general.value(QStringLiteral("member_count")).toInt() >= 6);
}

void TestTeamsApi::createTeam()
{
    const CurlResult created = call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"),
                                    m_tokens[kAdmin], {{QStringLiteral("name"), "  Radiology  "}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json().value(QStringLiteral("name")).toString(), QStringLiteral("Radiology"));
    QCOMPARE(created.json().value(QStringLiteral("is_home")).toBool(), false);
    QCOMPARE(created.json().value(QStringLiteral("member_count")).toInt(), 0);
    QVERIFY(created.json().value(QStringLiteral("permissions")).toArray().isEmpty());
    QCOMPARE(teamIdByName(m_tokens[kAdmin], QStringLiteral("Radiology")),
             created.json().value(QStringLiteral("id")).toString());
}

void TestTeamsApi::createTeamDuplicate()
{
    QVERIFY(!createTeamAs(m_tokens[kAdmin], QStringLiteral("Oncology")).isEmpty());
    const CurlResult again = call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"),
                                  m_tokens[kAdmin], {{QStringLiteral("name"), "oncology"}});
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorCode(), QStringLiteral("team_exists"));
    QVERIFY(again.json()
                .value(QStringLiteral("error"))
                .toObject()
                .value("message")
                .toString()
                .contains(QStringLiteral("oncology")));
    const CurlResult general = call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"),
                                    m_tokens[kAdmin], {{QStringLiteral("name"), "General"}});
    QCOMPARE(general.status, 409);
    QCOMPARE(general.errorCode(), QStringLiteral("team_exists"));
}

void TestTeamsApi::createTeamName_data()
{
    QTest::addColumn<QJsonValue>("name");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    QTest::newRow("empty") << QJsonValue(QString()) << 400 << "invalid_name";
    QTest::newRow("spaces only") << QJsonValue(QStringLiteral("   ")) << 400 << "invalid_name";
    QTest::newRow("65 characters") << QJsonValue(QString(65, u'x')) << 400 << "invalid_name";
    QTest::newRow("64 characters") << QJsonValue(QString(64, u'y')) << 201 << "";
    QTest::newRow("64 non-BMP characters")
        << QJsonValue(QString::fromUcs4(std::u32string(64, U'\U0001F3E5').c_str(), 64)) << 201
        << "";
    QTest::newRow("bell") << QJsonValue(QStringLiteral("Ward\aA")) << 400 << "invalid_name";
    QTest::newRow("newline") << QJsonValue(QStringLiteral("Ward\nB")) << 400 << "invalid_name";
    QTest::newRow("right-to-left override")
        << QJsonValue(QStringLiteral("Ward \u202EC")) << 400 << "invalid_name";
    QTest::newRow("number") << QJsonValue(42) << 400 << "invalid_request";
    QTest::newRow("missing") << QJsonValue(QJsonValue::Undefined) << 400 << "invalid_request";
    QTest::newRow("accented") << QJsonValue(QStringLiteral("Pédiatrie")) << 201 << "";
}

void TestTeamsApi::createTeamName()
{
    QFETCH(QJsonValue, name);
    QFETCH(int, status);
    QFETCH(QString, code);
    QJsonObject body;
    if (!name.isUndefined())
        body.insert(QStringLiteral("name"), name);
    body.insert(QStringLiteral("comment"), QStringLiteral("test"));
    const CurlResult created =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"), m_tokens[kAdmin], body);
    QCOMPARE(created.status, status);
    QCOMPARE(created.errorCode(), code);
}

void TestTeamsApi::createTeamNeedsPermission()
{
    const CurlResult created = call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"),
                                    m_tokens[kClinician], {{QStringLiteral("name"), "Shadow"}});
    QCOMPARE(created.status, 403);
    QCOMPARE(created.errorCode(), QStringLiteral("forbidden"));
    // A team manager has manage_organization only in their team, not in General.
    const CurlResult byManager = call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"),
                                      m_tokens[kManager], {{QStringLiteral("name"), "Shadow"}});
    QCOMPARE(byManager.status, 403);
    QVERIFY(teamIdByName(m_tokens[kAdmin], QStringLiteral("Shadow")).isEmpty());
}

void TestTeamsApi::renameHomeTeam()
{
    const CurlResult renamed =
        call(QStringLiteral("PUT"), QStringLiteral("/api/v1/teams/%1").arg(m_generalId),
             m_tokens[kAdmin], {{QStringLiteral("name"), "Everyone"}});
    QCOMPARE(renamed.status, 409);
    QCOMPARE(renamed.errorCode(), QStringLiteral("home_team_protected"));
    QCOMPARE(teamIdByName(m_tokens[kAdmin], QStringLiteral("General")), m_generalId);
}

void TestTeamsApi::renameTeam()
{
    const QString id = createTeamAs(m_tokens[kAdmin], QStringLiteral("Cardiology"));
    QVERIFY(!id.isEmpty());
    const QString path = QStringLiteral("/api/v1/teams/%1").arg(id);
    const CurlResult renamed = call(QStringLiteral("PUT"), path, m_tokens[kAdmin],
                                    {{QStringLiteral("name"), "Cardiology East"}});
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.json().value(QStringLiteral("name")).toString(),
             QStringLiteral("Cardiology East"));
    const CurlResult clash =
        call(QStringLiteral("PUT"), path, m_tokens[kAdmin], {{QStringLiteral("name"), "WARD 3"}});
    QCOMPARE(clash.status, 409);
    QCOMPARE(clash.errorCode(), QStringLiteral("team_exists"));
    const CurlResult byManager =
        call(QStringLiteral("PUT"), path, m_tokens[kManager], {{QStringLiteral("name"), "Mine"}});
    QCOMPARE(byManager.status, 403);
}

void TestTeamsApi::teamListScopedToMember()
{
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/teams"), m_tokens[kManager]);
    QCOMPARE(list.status, 200);
    const QJsonArray teams = list.json().value(QStringLiteral("teams")).toArray();
    QStringList names;
    for (const QJsonValue& team : teams)
        names << team.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(names, QStringList({QStringLiteral("General"), QStringLiteral("Ward 3")}));
    const QJsonObject ward = findIn(teams, QStringLiteral("id"), m_wardId);
    QCOMPARE(stringsOf(ward.value(QStringLiteral("permissions"))),
             QStringList({QStringLiteral("manage_files"), QStringLiteral("manage_organization")}));

    const CurlResult foreign =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/teams"), m_tokens[kForeign]);
    QCOMPARE(foreign.status, 200);
    QVERIFY(findIn(foreign.json().value(QStringLiteral("teams")).toArray(), QStringLiteral("id"),
                   m_wardId)
                .isEmpty());
}

void TestTeamsApi::membersOfInvisibleTeam()
{
    const QString path = QStringLiteral("/api/v1/teams/%1/members").arg(m_wardId);
    const CurlResult byOutsider = call(QStringLiteral("GET"), path, m_tokens[kClinician]);
    QCOMPARE(byOutsider.status, 404);
    QCOMPARE(byOutsider.errorCode(), QStringLiteral("not_found"));
    const CurlResult unknown =
        call(QStringLiteral("GET"),
             QStringLiteral("/api/v1/teams/%1/members").arg("00000000-0000-4000-8000-000000000000"),
             m_tokens[kClinician]);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(byOutsider.body, unknown.body);

    const CurlResult byMember = call(QStringLiteral("GET"), path, m_tokens[kManager]);
    QCOMPARE(byMember.status, 200);
    const CurlResult byAdmin = call(QStringLiteral("GET"), path, m_tokens[kAdmin]);
    QCOMPARE(byAdmin.status, 200);
    const QJsonObject manager = findIn(byAdmin.json().value(QStringLiteral("members")).toArray(),
                                       QStringLiteral("email"), kManager);
    QCOMPARE(manager.value(QStringLiteral("user_id")).toString(), m_userIds[kManager]);
}

void TestTeamsApi::membersOfForeignTeam()
{
    const QString path = QStringLiteral("/api/v1/teams/%1/members").arg(m_generalId);
    const CurlResult list = call(QStringLiteral("GET"), path, m_tokens[kForeign]);
    QCOMPARE(list.status, 404);
    const CurlResult add =
        call(QStringLiteral("POST"), path, m_tokens[kForeign],
             {{QStringLiteral("email"), kForeign},
              {QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}});
    QCOMPARE(add.status, 404);
    const CurlResult demote =
        call(QStringLiteral("PUT"), path + QLatin1Char('/') + m_userIds[kAdmin], m_tokens[kForeign],
             {{QStringLiteral("permissions"), QJsonArray()}});
    QCOMPARE(demote.status, 404);
}

void TestTeamsApi::addMemberByEmail()
{
    const QString id = createTeamAs(m_tokens[kAdmin], QStringLiteral("Pharmacy"));
    QVERIFY(!id.isEmpty());
    const CurlResult added =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/members").arg(id),
             m_tokens[kAdmin],
             {{QStringLiteral("email"), QStringLiteral("  Nurse@Clinic.TEST ")},
              {QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_api"), QStringLiteral("manage_files")}}});
    QCOMPARE(added.status, 201);
    QCOMPARE(added.json().value(QStringLiteral("user_id")).toString(), m_userIds[kNurse]);
    QCOMPARE(added.json().value(QStringLiteral("email")).toString(), kNurse);
    QCOMPARE(stringsOf(added.json().value(QStringLiteral("permissions"))),
             QStringList({QStringLiteral("manage_files"), QStringLiteral("manage_api")}));
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/teams"), m_tokens[kNurse]);
    const QJsonObject team =
        findIn(list.json().value(QStringLiteral("teams")).toArray(), QStringLiteral("id"), id);
    QCOMPARE(team.value(QStringLiteral("member_count")).toInt(), 1);
}

void TestTeamsApi::addMemberById()
{
    const CurlResult added =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/members").arg(m_wardId),
             m_tokens[kManager],
             {{QStringLiteral("user_id"), m_userIds[kNurse]},
              {QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}});
    QCOMPARE(added.status, 201);
    QCOMPARE(added.json().value(QStringLiteral("email")).toString(), kNurse);
}

void TestTeamsApi::addMemberDuplicate()
{
    const CurlResult again =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/members").arg(m_wardId),
             m_tokens[kAdmin],
             {{QStringLiteral("email"), kManager}, {QStringLiteral("permissions"), QJsonArray()}});
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorCode(), QStringLiteral("member_exists"));
}

void TestTeamsApi::addMemberInvalid_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("code");

    const QJsonArray files{QStringLiteral("manage_files")};
    QTest::newRow("unknown e-mail")
        << QJsonObject{{"email", "nobody@clinic.test"}, {"permissions", files}} << "invalid_member";
    QTest::newRow("other organization")
        << QJsonObject{{"email", kForeign}, {"permissions", files}} << "invalid_member";
    QTest::newRow("unknown user id")
        << QJsonObject{{"user_id", "00000000-0000-4000-8000-000000000000"}, {"permissions", files}}
        << "invalid_member";
    QTest::newRow("both e-mail and id")
        << QJsonObject{{"email", kClinician}, {"user_id", "x"}, {"permissions", files}}
        << "invalid_request";
    QTest::newRow("neither") << QJsonObject{{"permissions", files}} << "invalid_request";
    QTest::newRow("e-mail not a string")
        << QJsonObject{{"email", 7}, {"permissions", files}} << "invalid_request";
    QTest::newRow("permissions missing")
        << QJsonObject{{"email", kClinician}} << "invalid_permission";
    QTest::newRow("permissions not an array")
        << QJsonObject{{"email", kClinician}, {"permissions", "manage_files"}}
        << "invalid_permission";
}

void TestTeamsApi::addMemberInvalid()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, code);
    const CurlResult added =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/members").arg(m_wardId),
             m_tokens[kAdmin], body);
    QCOMPARE(added.status, 400);
    QCOMPARE(added.errorCode(), code);
}

void TestTeamsApi::invalidPermissionNamed()
{
    const CurlResult added =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/members").arg(m_wardId),
             m_tokens[kAdmin],
             {{QStringLiteral("email"), kClinician},
              {QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_everything")}}});
    QCOMPARE(added.status, 400);
    QCOMPARE(added.errorCode(), QStringLiteral("invalid_permission"));
    const QString message =
        added.json().value("error").toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("manage_everything")), qPrintable(message));
}

void TestTeamsApi::grantOnlyHeldPermissions()
{
    const QString path = QStringLiteral("/api/v1/teams/%1/members").arg(m_wardId);
    const CurlResult billing =
        call(QStringLiteral("POST"), path, m_tokens[kManager],
             {{QStringLiteral("email"), kPromoted},
              {QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_billing")}}});
    QCOMPARE(billing.status, 403);
    QCOMPARE(billing.errorCode(), QStringLiteral("forbidden"));
    const QString message =
        billing.json().value("error").toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("manage_billing")), qPrintable(message));

    const CurlResult held =
        call(QStringLiteral("POST"), path, m_tokens[kManager],
             {{QStringLiteral("email"), kPromoted},
              {QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_organization")}}});
    QCOMPARE(held.status, 201);

    // Raising an existing member to a permission the caller lacks is granting it too.
    const CurlResult raise = call(
        QStringLiteral("PUT"), path + QLatin1Char('/') + m_userIds[kPromoted], m_tokens[kManager],
        {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_api")}}});
    QCOMPARE(raise.status, 403);

    // The administrator has every permission in General, which counts for every team.
    const CurlResult byAdmin = call(
        QStringLiteral("PUT"), path + QLatin1Char('/') + m_userIds[kPromoted], m_tokens[kAdmin],
        {{QStringLiteral("permissions"),
          QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_billing")}}});
    QCOMPARE(byAdmin.status, 200);

    // Keeping a permission the caller lacks grants nothing, so lowering another one works.
    const CurlResult lower = call(
        QStringLiteral("PUT"), path + QLatin1Char('/') + m_userIds[kPromoted], m_tokens[kManager],
        {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_billing")}}});
    QCOMPARE(lower.status, 200);
    QCOMPARE(stringsOf(lower.json().value(QStringLiteral("permissions"))),
             QStringList({QStringLiteral("manage_billing")}));
}

void TestTeamsApi::managerCannotTouchOtherTeams()
{
    // kManager manages Ward 3 only: in General they hold manage_files.
    const QString path = QStringLiteral("/api/v1/teams/%1/members").arg(m_generalId);
    const CurlResult list = call(QStringLiteral("GET"), path, m_tokens[kManager]);
    QCOMPARE(list.status, 200);
    const CurlResult raise = call(
        QStringLiteral("PUT"), path + QLatin1Char('/') + m_userIds[kManager], m_tokens[kManager],
        {{QStringLiteral("permissions"),
          QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_organization")}}});
    QCOMPARE(raise.status, 403);
    QCOMPARE(raise.errorCode(), QStringLiteral("forbidden"));
    const CurlResult remove =
        call(QStringLiteral("DELETE"), path + QLatin1Char('/') + m_userIds[kClinician],
             m_tokens[kManager]);
    QCOMPARE(remove.status, 403);
}

void TestTeamsApi::setMemberPermissions()
{
    const QString path =
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_wardId, m_userIds[kNurse]);
    const CurlResult viewer = call(QStringLiteral("PUT"), path, m_tokens[kAdmin],
                                   {{QStringLiteral("permissions"), QJsonArray()}});
    QCOMPARE(viewer.status, 200);
    QVERIFY(viewer.json().value(QStringLiteral("permissions")).toArray().isEmpty());
    const CurlResult bad =
        call(QStringLiteral("PUT"), path, m_tokens[kAdmin],
             {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_all")}}});
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.errorCode(), QStringLiteral("invalid_permission"));
}

void TestTeamsApi::removeMemberUnknown()
{
    const CurlResult removed =
        call(QStringLiteral("DELETE"),
             QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_wardId, m_userIds[kClinician]),
             m_tokens[kAdmin]);
    QCOMPARE(removed.status, 404);
    QCOMPARE(removed.errorCode(), QStringLiteral("not_found"));
}

void TestTeamsApi::lastAdminKeepsPermission()
{
    const CurlResult demoted =
        call(QStringLiteral("PUT"),
             QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_generalId, m_userIds[kAdmin]),
             m_tokens[kAdmin],
             {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}});
    QCOMPARE(demoted.status, 409);
    QCOMPARE(demoted.errorCode(), QStringLiteral("last_organization_admin"));
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/teams"), m_tokens[kAdmin]);
    const QJsonObject general = findIn(list.json().value(QStringLiteral("teams")).toArray(),
                                       QStringLiteral("id"), m_generalId);
    QVERIFY(stringsOf(general.value(QStringLiteral("permissions")))
                .contains(QStringLiteral("manage_organization")));
}

void TestTeamsApi::lastAdminStaysInGeneral()
{
    const CurlResult removed =
        call(QStringLiteral("DELETE"),
             QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_generalId, m_userIds[kAdmin]),
             m_tokens[kAdmin]);
    QCOMPARE(removed.status, 409);
    QCOMPARE(removed.errorCode(), QStringLiteral("last_organization_admin"));
}

void TestTeamsApi::secondAdminUnlocksDemotion()
{
    const QString deputyPath =
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_generalId, m_userIds[kSecondAdmin]);
    const QString adminPath =
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_generalId, m_userIds[kAdmin]);
    const QJsonArray all{QStringLiteral("manage_files"), QStringLiteral("manage_organization"),
                         QStringLiteral("manage_billing"), QStringLiteral("manage_api")};
    QCOMPARE(call(QStringLiteral("PUT"), deputyPath, m_tokens[kAdmin],
                  {{QStringLiteral("permissions"), all}})
                 .status,
             200);

    // With two holders the first may step down; then the deputy is the last one.
    const CurlResult stepDown =
        call(QStringLiteral("PUT"), adminPath, m_tokens[kAdmin],
             {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}});
    QCOMPARE(stepDown.status, 200);
    const CurlResult deputyLeaves =
        call(QStringLiteral("DELETE"), deputyPath, m_tokens[kSecondAdmin]);
    QCOMPARE(deputyLeaves.status, 409);
    QCOMPARE(deputyLeaves.errorCode(), QStringLiteral("last_organization_admin"));

    // The deputy restores the first administrator, so later tests run as before.
    QCOMPARE(call(QStringLiteral("PUT"), adminPath, m_tokens[kSecondAdmin],
                  {{QStringLiteral("permissions"), all}})
                 .status,
             200);
    QCOMPARE(call(QStringLiteral("PUT"), deputyPath, m_tokens[kAdmin],
                  {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}})
                 .status,
             200);
}

void TestTeamsApi::roleChangeAppliesAtOnce()
{
    const QString memberPath =
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_generalId, m_userIds[kClinician]);
    const QJsonObject team{{QStringLiteral("name"), QStringLiteral("Night Shift")}};
    QCOMPARE(
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"), m_tokens[kClinician], team)
            .status,
        403);

    QCOMPARE(
        call(QStringLiteral("PUT"), memberPath, m_tokens[kAdmin],
             {{QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_organization")}}})
            .status,
        200);
    // The same access token now carries the new permission: nothing is cached.
    QCOMPARE(
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"), m_tokens[kClinician], team)
            .status,
        201);

    QCOMPARE(call(QStringLiteral("PUT"), memberPath, m_tokens[kAdmin],
                  {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}})
                 .status,
             200);
    const CurlResult after =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"), m_tokens[kClinician],
             {{QStringLiteral("name"), QStringLiteral("Day Shift")}});
    QCOMPARE(after.status, 403);
}

void TestTeamsApi::removalHidesTeamRecords()
{
    // kManager uploads into Ward 3 for the whole team; kNurse, a member, can read it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("note.txt"));
    {
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("ward note\n");
    }
    const CurlResult uploaded =
        m_curl->upload(m_tokens[kManager], file, QStringLiteral("note.txt"),
                       {QStringLiteral("--url-query"), QStringLiteral("team=") + m_wardId,
                        QStringLiteral("--url-query"), QStringLiteral("sharing=team")});
    if (uploaded.status == 201 &&
        uploaded.json().value(QStringLiteral("team_id")).toString() != m_wardId)
        QSKIP("the server does not place uploads into teams yet");
    QCOMPARE(uploaded.status, 201);
    const QString recordId = uploaded.json().value(QStringLiteral("id")).toString();
    const QString output = dir.filePath(QStringLiteral("copy.txt"));
    QCOMPARE(m_curl->download(m_tokens[kNurse], recordId, output).status, 200);

    QCOMPARE(call(QStringLiteral("DELETE"),
                  QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_wardId, m_userIds[kNurse]),
                  m_tokens[kAdmin])
                 .status,
             204);
    const CurlResult download = m_curl->download(m_tokens[kNurse], recordId, output);
    QCOMPARE(download.status, 404);
    const CurlResult metadata =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1").arg(recordId),
             m_tokens[kNurse]);
    QCOMPARE(metadata.status, 404);
    QCOMPARE(metadata.errorCode(), QStringLiteral("not_found"));
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), m_tokens[kNurse]);
    QVERIFY(findIn(list.json().value(QStringLiteral("records")).toArray(), QStringLiteral("id"),
                   recordId)
                .isEmpty());
    QCOMPARE(m_curl->download(m_tokens[kManager], recordId, output).status, 200);
}

void TestTeamsApi::rolesBuiltIn()
{
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/roles"), m_tokens[kClinician]);
    QCOMPARE(list.status, 200);
    const QJsonArray roles = list.json().value(QStringLiteral("roles")).toArray();
    QCOMPARE(stringsOf(findIn(roles, QStringLiteral("name"), QStringLiteral("Admin"))
                           .value(QStringLiteral("permissions"))),
             QStringList({QStringLiteral("manage_files"), QStringLiteral("manage_organization"),
                          QStringLiteral("manage_billing"), QStringLiteral("manage_api")}));
    QCOMPARE(stringsOf(findIn(roles, QStringLiteral("name"), QStringLiteral("Clinician"))
                           .value(QStringLiteral("permissions"))),
             QStringList({QStringLiteral("manage_files")}));
    const QJsonObject viewer = findIn(roles, QStringLiteral("name"), QStringLiteral("Viewer"));
    QVERIFY(!viewer.isEmpty());
    QVERIFY(viewer.value(QStringLiteral("permissions")).toArray().isEmpty());

    const CurlResult foreign =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/roles"), m_tokens[kForeign]);
    QCOMPARE(foreign.json().value(QStringLiteral("roles")).toArray().size(), 3);
}

void TestTeamsApi::rolesCreateUpdateDelete()
{
    const CurlResult created =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/roles"), m_tokens[kAdmin],
             {{QStringLiteral("name"), QStringLiteral("Billing clerk")},
              {QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_billing")}}});
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(QStringLiteral("id")).toString();
    const QString path = QStringLiteral("/api/v1/roles/%1").arg(id);

    const CurlResult duplicate =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/roles"), m_tokens[kAdmin],
             {{QStringLiteral("name"), QStringLiteral("billing CLERK")},
              {QStringLiteral("permissions"), QJsonArray()}});
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(duplicate.errorCode(), QStringLiteral("role_exists"));

    const CurlResult updated =
        call(QStringLiteral("PUT"), path, m_tokens[kAdmin],
             {{QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_billing"), QStringLiteral("manage_files")}}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json().value(QStringLiteral("name")).toString(),
             QStringLiteral("Billing clerk"));
    QCOMPARE(stringsOf(updated.json().value(QStringLiteral("permissions"))),
             QStringList({QStringLiteral("manage_files"), QStringLiteral("manage_billing")}));
    const CurlResult renamed = call(QStringLiteral("PUT"), path, m_tokens[kAdmin],
                                    {{QStringLiteral("name"), QStringLiteral("Viewer")}});
    QCOMPARE(renamed.status, 409);
    QCOMPARE(renamed.errorCode(), QStringLiteral("role_exists"));
    const CurlResult badName = call(QStringLiteral("PUT"), path, m_tokens[kAdmin],
                                    {{QStringLiteral("name"), QStringLiteral("\t")}});
    QCOMPARE(badName.status, 400);
    QCOMPARE(badName.errorCode(), QStringLiteral("invalid_name"));

    QCOMPARE(call(QStringLiteral("DELETE"), path, m_tokens[kAdmin]).status, 204);
    const CurlResult gone = call(QStringLiteral("PUT"), path, m_tokens[kAdmin],
                                 {{QStringLiteral("name"), QStringLiteral("Back")}});
    QCOMPARE(gone.status, 404);
    QCOMPARE(call(QStringLiteral("DELETE"), path, m_tokens[kAdmin]).status, 404);
}

void TestTeamsApi::roleWithUnheldPermission()
{
    // The deputy has manage_organization in General but not manage_api.
    const QString deputyPath =
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_generalId, m_userIds[kSecondAdmin]);
    QCOMPARE(
        call(QStringLiteral("PUT"), deputyPath, m_tokens[kAdmin],
             {{QStringLiteral("permissions"),
               QJsonArray{QStringLiteral("manage_files"), QStringLiteral("manage_organization")}}})
            .status,
        200);
    const CurlResult created =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/roles"), m_tokens[kSecondAdmin],
             {{QStringLiteral("name"), QStringLiteral("Integrator")},
              {QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_api")}}});
    QCOMPARE(created.status, 403);
    QCOMPARE(created.errorCode(), QStringLiteral("forbidden"));
    const CurlResult held =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/roles"), m_tokens[kSecondAdmin],
             {{QStringLiteral("name"), QStringLiteral("Integrator")},
              {QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}});
    QCOMPARE(held.status, 201);
    QCOMPARE(call(QStringLiteral("PUT"), deputyPath, m_tokens[kAdmin],
                  {{QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}})
                 .status,
             200);
}

void TestTeamsApi::rolesNeedPermission()
{
    const CurlResult created =
        call(QStringLiteral("POST"), QStringLiteral("/api/v1/roles"), m_tokens[kClinician],
             {{QStringLiteral("name"), QStringLiteral("Mine")},
              {QStringLiteral("permissions"), QJsonArray()}});
    QCOMPARE(created.status, 403);
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/roles"), m_tokens[kAdmin]);
    const QString viewerId = findIn(list.json().value(QStringLiteral("roles")).toArray(),
                                    QStringLiteral("name"), QStringLiteral("Viewer"))
                                 .value(QStringLiteral("id"))
                                 .toString();
    QVERIFY(!viewerId.isEmpty());
    const CurlResult byClinician =
        call(QStringLiteral("DELETE"), QStringLiteral("/api/v1/roles/%1").arg(viewerId),
             m_tokens[kClinician]);
    QCOMPARE(byClinician.status, 403);
    const CurlResult byForeignAdmin =
        call(QStringLiteral("DELETE"), QStringLiteral("/api/v1/roles/%1").arg(viewerId),
             m_tokens[kForeign]);
    QCOMPARE(byForeignAdmin.status, 404);
}

void TestTeamsApi::usersOfOrganization()
{
    const CurlResult list =
        call(QStringLiteral("GET"), QStringLiteral("/api/v1/users"), m_tokens[kClinician]);
    QCOMPARE(list.status, 200);
    const QJsonArray users = list.json().value(QStringLiteral("users")).toArray();
    QCOMPARE(users.size(), 6);
    QCOMPARE(findIn(users, QStringLiteral("email"), kNurse).value(QStringLiteral("id")).toString(),
             m_userIds[kNurse]);
    QVERIFY(findIn(users, QStringLiteral("email"), kForeign).isEmpty());
    QCOMPARE(call(QStringLiteral("GET"), QStringLiteral("/api/v1/users"), QString()).status, 401);
}

QTEST_GUILESS_MAIN(TestTeamsApi)
#include "TestTeamsApi.moc"
