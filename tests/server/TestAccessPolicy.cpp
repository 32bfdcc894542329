// AccessPolicy, AccessSetup and the permission names against a real SQLCipher database in a
// temporary folder: visibility of each sharing mode, the permission each action needs, the
// backfill of databases created before teams existed, and that the record list and the
// single-record check agree.

#include "crypto/Random.h"
#include "server/AccessPolicy.h"
#include "server/AccessSetup.h"
#include "server/Permissions.h"
#include "server/RecordRepository.h"
#include "server/ServerSchema.h"
#include "server/SqlHelpers.h"
#include "server/UserRepository.h"
#include "storage/SqlDatabase.h"

#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::server;

namespace {

constexpr qint64 kNow = 1'780'000'000'000;

} // namespace

class TestAccessPolicy : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void permissionNamesInBitOrder();
    void parsePermissionsAcceptsNames();
    void parsePermissionsRejectsUnknown_data();
    void parsePermissionsRejectsUnknown();

    void backfillCreatesHomeTeam();
    void backfillIsIdempotent();
    void backfillKeepsRemovedMember();

    void visibility_data();
    void visibility();
    void listAgreesWithSingleCheck();
    void editNeedsManageFiles();
    void forbiddenNamesPermissionAndTeam();
    void uploaderMayChangeSharing();
    void uploaderKeepsAccessAfterRemoval();
    void sharingNeedsManageFilesForOthers();
    void organizationNeedsHomePermission();
    void teamManagementFromHomeTeam();
    void manageFilesOnlyInTeamItself();
    void removalAppliesAtOnce();
    void otherOrganizationTeamNotFound();

private:
    QString addUser(const QString& organizationId, const QString& email, bool admin);
    QString addTeam(const QString& organizationId, const QString& name);
    void setMember(const QString& teamId, const QString& userId, PermissionSet permissions);
    void removeMember(const QString& teamId, const QString& userId);
    QString addRecord(const QString& ownerId, const QString& organizationId, const QString& teamId,
                      const QString& sharing, const QStringList& sharedWith = {});
    int count(const QString& query, const QVariantList& values = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<storage::SqlDatabase> m_db;
    QString m_org;      // organization with General and Cardiology
    QString m_otherOrg; // a second organization
    QString m_home;
    QString m_cardiology;
    QString m_admin;     // General: all permissions
    QString m_uploader;  // General: manage_files; Cardiology: manage_files
    QString m_member;    // Cardiology: manage_files
    QString m_viewer;    // Cardiology: no permissions
    QString m_colleague; // General only, not in Cardiology
    QString m_stranger;  // other organization, all permissions there
    QString m_private;   // uploader's records in Cardiology, by sharing mode
    QString m_team;
    QString m_users; // shared with the colleague
};

void TestAccessPolicy::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened =
        openServerDatabase(m_dir->filePath(QStringLiteral("test.db")), crypto::randomBytes(32));
    QVERIFY2(opened.ok(), qPrintable(opened ? QString() : opened.error().message));
    m_db = std::move(opened).value();

    UserRepository users(*m_db);
    auto org = users.findOrCreateOrganization(QStringLiteral("Clinic"));
    QVERIFY(org.ok());
    m_org = org.value();
    auto other = users.findOrCreateOrganization(QStringLiteral("Elsewhere"));
    QVERIFY(other.ok());
    m_otherOrg = other.value();
    auto home = AccessSetup::ensureOrganization(*m_db, m_org, kNow);
    QVERIFY(home.ok());
    m_home = home.value();
    auto otherHome = AccessSetup::ensureOrganization(*m_db, m_otherOrg, kNow);
    QVERIFY(otherHome.ok());

    m_admin = addUser(m_org, QStringLiteral("admin@example.test"), true);
    m_uploader = addUser(m_org, QStringLiteral("uploader@example.test"), false);
    m_member = addUser(m_org, QStringLiteral("member@example.test"), false);
    m_viewer = addUser(m_org, QStringLiteral("viewer@example.test"), false);
    m_colleague = addUser(m_org, QStringLiteral("colleague@example.test"), false);
    m_stranger = addUser(m_otherOrg, QStringLiteral("stranger@example.test"), true);
    // Only the admin and the colleague keep their home-team membership.
    removeMember(m_home, m_uploader);
    removeMember(m_home, m_member);
    removeMember(m_home, m_viewer);
    setMember(m_home, m_uploader, int(Permission::ManageFiles));

    m_cardiology = addTeam(m_org, QStringLiteral("Cardiology"));
    setMember(m_cardiology, m_uploader, int(Permission::ManageFiles));
    setMember(m_cardiology, m_member, int(Permission::ManageFiles));
    setMember(m_cardiology, m_viewer, kNoPermissions);

    m_private = addRecord(m_uploader, m_org, m_cardiology, QStringLiteral("private"));
    m_team = addRecord(m_uploader, m_org, m_cardiology, QStringLiteral("team"));
    m_users = addRecord(m_uploader, m_org, m_cardiology, QStringLiteral("users"), {m_colleague});
}

void TestAccessPolicy::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

QString TestAccessPolicy::addUser(const QString& organizationId, const QString& email, bool admin)
{
    UserRepository users(*m_db);
    auto user = users.create(organizationId, email, QStringLiteral("unused-hash"), admin);
    if (!user)
        return QString();
    auto home = AccessSetup::ensureOrganization(*m_db, organizationId, kNow);
    if (!home)
        return QString();
    if (!AccessSetup::addMember(*m_db, home.value(), user->id,
                                AccessSetup::initialHomePermissions(admin), kNow))
        return QString();
    return user->id;
}

QString TestAccessPolicy::addTeam(const QString& organizationId, const QString& name)
{
    const QString id = crypto::randomUuid();
    auto done = m_db->withLock([&](storage::SqlDatabase& db) {
        return sql::run(db,
                        QStringLiteral("INSERT INTO teams (id, organization_id, name, is_home, "
                                       "created_at) VALUES (?, ?, ?, 0, ?)"),
                        {id, organizationId, name, kNow});
    });
    return done ? id : QString();
}

void TestAccessPolicy::setMember(const QString& teamId, const QString& userId,
                                 PermissionSet permissions)
{
    removeMember(teamId, userId);
    QVERIFY(AccessSetup::addMember(*m_db, teamId, userId, permissions, kNow).ok());
}

void TestAccessPolicy::removeMember(const QString& teamId, const QString& userId)
{
    auto done = m_db->withLock([&](storage::SqlDatabase& db) {
        return sql::run(db,
                        QStringLiteral("DELETE FROM team_members WHERE team_id = ? AND "
                                       "user_id = ?"),
                        {teamId, userId});
    });
    QVERIFY(done.ok());
}

QString TestAccessPolicy::addRecord(const QString& ownerId, const QString& organizationId,
                                    const QString& teamId, const QString& sharing,
                                    const QStringList& sharedWith)
{
    RecordRow row;
    row.id = crypto::randomUuid();
    row.organizationId = organizationId;
    row.ownerId = ownerId;
    row.filename = QStringLiteral("chart.pdf");
    row.size = 1;
    row.sha256 = QString(64, QLatin1Char('0'));
    row.objectId = crypto::randomUuid();
    row.wrappedKey = QByteArray(40, 'k');
    row.createdAt = kNow;
    row.teamId = teamId;
    row.sharing = sharing;
    RecordRepository records(*m_db);
    return records.insert(row, sharedWith) ? row.id : QString();
}

int TestAccessPolicy::count(const QString& query, const QVariantList& values)
{
    auto row = m_db->withLock(
        [&](storage::SqlDatabase& db) { return sql::firstRow(db, query, values, 1); });
    if (!row || !row.value())
        return -1;
    return row.value()->at(0).toInt();
}

void TestAccessPolicy::permissionNamesInBitOrder()
{
    QCOMPARE(permissionNames(kAllPermissions),
             QStringList({QStringLiteral("manage_files"), QStringLiteral("manage_organization"),
                          QStringLiteral("manage_billing"), QStringLiteral("manage_api")}));
    QCOMPARE(permissionNames(kNoPermissions), QStringList());
    QCOMPARE(permissionNames(int(Permission::ManageApi) | int(Permission::ManageFiles)),
             QStringList({QStringLiteral("manage_files"), QStringLiteral("manage_api")}));
}

void TestAccessPolicy::parsePermissionsAcceptsNames()
{
    const auto parsed =
        parsePermissions(QJsonArray{QStringLiteral("manage_api"), QStringLiteral("manage_files"),
                                    QStringLiteral("manage_files")});
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.value(), int(Permission::ManageApi) | int(Permission::ManageFiles));
    const auto empty = parsePermissions(QJsonArray());
    QVERIFY(empty.ok());
    QCOMPARE(empty.value(), kNoPermissions);
}

void TestAccessPolicy::parsePermissionsRejectsUnknown_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("named");
    QTest::newRow("unknown name") << QJsonValue(QJsonArray{QStringLiteral("delete_everything")})
                                  << QStringLiteral("delete_everything");
    QTest::newRow("bit value") << QJsonValue(QJsonArray{1}) << QStringLiteral("not a string");
    QTest::newRow("not an array") << QJsonValue(QStringLiteral("manage_files"))
                                  << QStringLiteral("array");
    QTest::newRow("upper case") << QJsonValue(QJsonArray{QStringLiteral("MANAGE_FILES")})
                                << QStringLiteral("MANAGE_FILES");
}

void TestAccessPolicy::parsePermissionsRejectsUnknown()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, named);
    const auto parsed = parsePermissions(value);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QStringLiteral("invalid_permission"));
    QVERIFY2(parsed.error().message.contains(named), qPrintable(parsed.error().message));
}

void TestAccessPolicy::backfillCreatesHomeTeam()
{
    // An organization, two users and a record written as before the access model existed.
    const QString org = crypto::randomUuid();
    const QString admin = crypto::randomUuid();
    const QString user = crypto::randomUuid();
    const QString record = crypto::randomUuid();
    auto written = m_db->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        const QList<QPair<QString, QVariantList>> statements = {
            {QStringLiteral("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)"),
             {org, QStringLiteral("Legacy"), kNow}},
            {QStringLiteral("INSERT INTO users (id, organization_id, email, password_hash, "
                            "is_admin, created_at) VALUES (?, ?, ?, 'h', 1, ?)"),
             {admin, org, QStringLiteral("old-admin@example.test"), kNow}},
            {QStringLiteral("INSERT INTO users (id, organization_id, email, password_hash, "
                            "is_admin, created_at) VALUES (?, ?, ?, 'h', 0, ?)"),
             {user, org, QStringLiteral("old-user@example.test"), kNow}},
            {QStringLiteral("INSERT INTO records (id, organization_id, owner_id, filename, size, "
                            "sha256, object_id, wrapped_key, created_at) VALUES (?, ?, ?, 'a', 1, "
                            "'s', ?, 'k', ?)"),
             {record, org, user, crypto::randomUuid(), kNow}},
        };
        for (const auto& [statement, values] : statements) {
            if (auto done = sql::run(db, statement, values); !done)
                return done.error();
        }
        return {};
    });
    QVERIFY(written.ok());
    QVERIFY(AccessSetup::backfill(*m_db).ok());

    AccessPolicy policy(*m_db);
    auto home = policy.homeTeamId(org);
    QVERIFY(home.ok());
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM teams WHERE id = ? AND name = 'General'"),
                   {home.value()}),
             1);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM roles WHERE organization_id = ?"), {org}),
             3);
    QCOMPARE(count(QStringLiteral("SELECT permissions FROM roles WHERE organization_id = ? AND "
                                  "name = 'Admin'"),
                   {org}),
             kAllPermissions);
    QCOMPARE(count(QStringLiteral("SELECT permissions FROM roles WHERE organization_id = ? AND "
                                  "name = 'Clinician'"),
                   {org}),
             int(Permission::ManageFiles));
    QCOMPARE(count(QStringLiteral("SELECT permissions FROM roles WHERE organization_id = ? AND "
                                  "name = 'Viewer'"),
                   {org}),
             kNoPermissions);
    QCOMPARE(policy.homePermissions(admin).value(), kAllPermissions);
    QCOMPARE(policy.homePermissions(user).value(), int(Permission::ManageFiles));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM records WHERE id = ? AND team_id = ?"),
                   {record, home.value()}),
             1);
    QVERIFY(policy.canSeeRecord(user, record).ok());
}

void TestAccessPolicy::backfillIsIdempotent()
{
    const int teams = count(QStringLiteral("SELECT COUNT(*) FROM teams"));
    const int members = count(QStringLiteral("SELECT COUNT(*) FROM team_members"));
    const int roles = count(QStringLiteral("SELECT COUNT(*) FROM roles"));
    QVERIFY(AccessSetup::backfill(*m_db).ok());
    QVERIFY(AccessSetup::backfill(*m_db).ok());
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM teams")), teams);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM team_members")), members);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM roles")), roles);
}

void TestAccessPolicy::backfillKeepsRemovedMember()
{
    // The member and the viewer were taken out of General in init(): a later start must not
    // put them back.
    QVERIFY(AccessSetup::backfill(*m_db).ok());
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM team_members WHERE team_id = ? AND "
                                  "user_id = ?"),
                   {m_home, m_member}),
             0);
}

void TestAccessPolicy::visibility_data()
{
    QTest::addColumn<QString>("who");
    QTest::addColumn<QString>("record");
    QTest::addColumn<bool>("visible");
    const struct
    {
        const char* who;
        bool privateVisible;
        bool teamVisible;
        bool usersVisible;
    } rows[] = {
        {"uploader", true, true, true}, {"member", false, true, false},
        {"viewer", false, true, false}, {"colleague", false, false, true},
        {"admin", false, false, false}, {"stranger", false, false, false},
    };
    for (const auto& row : rows) {
        QTest::addRow("%s private", row.who)
            << QString::fromLatin1(row.who) << QStringLiteral("private") << row.privateVisible;
        QTest::addRow("%s team", row.who)
            << QString::fromLatin1(row.who) << QStringLiteral("team") << row.teamVisible;
        QTest::addRow("%s users", row.who)
            << QString::fromLatin1(row.who) << QStringLiteral("users") << row.usersVisible;
    }
}

void TestAccessPolicy::visibility()
{
    QFETCH(QString, who);
    QFETCH(QString, record);
    QFETCH(bool, visible);
    const QHash<QString, QString> users{
        {QStringLiteral("uploader"), m_uploader}, {QStringLiteral("member"), m_member},
        {QStringLiteral("viewer"), m_viewer},     {QStringLiteral("colleague"), m_colleague},
        {QStringLiteral("admin"), m_admin},       {QStringLiteral("stranger"), m_stranger}};
    const QHash<QString, QString> records{{QStringLiteral("private"), m_private},
                                          {QStringLiteral("team"), m_team},
                                          {QStringLiteral("users"), m_users}};
    AccessPolicy policy(*m_db);
    const auto seen = policy.canSeeRecord(users.value(who), records.value(record));
    QCOMPARE(seen.ok(), visible);
    if (!visible)
        QCOMPARE(seen.error().code, QStringLiteral("not_found"));
}

void TestAccessPolicy::listAgreesWithSingleCheck()
{
    AccessPolicy policy(*m_db);
    RecordRepository records(*m_db);
    const QStringList everyRecord{m_private, m_team, m_users};
    for (const QString& user : {m_uploader, m_member, m_viewer, m_colleague, m_admin, m_stranger}) {
        auto listed = records.listVisible(user);
        QVERIFY(listed.ok());
        QSet<QString> listedIds;
        for (const RecordRow& row : std::as_const(listed.value()))
            listedIds.insert(row.id);
        QSet<QString> checkedIds;
        for (const QString& record : everyRecord) {
            if (policy.canSeeRecord(user, record).ok())
                checkedIds.insert(record);
        }
        QCOMPARE(listedIds, checkedIds);
    }
}

void TestAccessPolicy::editNeedsManageFiles()
{
    AccessPolicy policy(*m_db);
    QVERIFY(policy.requireRecord(m_member, m_team, RecordAction::EditMetadata).ok());
    const auto denied = policy.requireRecord(m_viewer, m_team, RecordAction::EditMetadata);
    QVERIFY(!denied.ok());
    QCOMPARE(denied.error().code, QStringLiteral("forbidden"));
    // The colleague sees the shared record but has no membership in its team.
    const auto colleague = policy.requireRecord(m_colleague, m_users, RecordAction::EditMetadata);
    QVERIFY(!colleague.ok());
    QCOMPARE(colleague.error().code, QStringLiteral("forbidden"));
    // Invisible stays not_found, whatever the action.
    const auto hidden = policy.requireRecord(m_member, m_private, RecordAction::EditMetadata);
    QCOMPARE(hidden.error().code, QStringLiteral("not_found"));
}

void TestAccessPolicy::forbiddenNamesPermissionAndTeam()
{
    AccessPolicy policy(*m_db);
    const auto denied = policy.requireRecord(m_viewer, m_team, RecordAction::EditMetadata);
    QVERIFY(!denied.ok());
    QVERIFY2(denied.error().message.contains(QStringLiteral("manage_files")),
             qPrintable(denied.error().message));
    QVERIFY2(denied.error().message.contains(QStringLiteral("Cardiology")),
             qPrintable(denied.error().message));
}

void TestAccessPolicy::uploaderMayChangeSharing()
{
    setMember(m_cardiology, m_uploader, kNoPermissions);
    AccessPolicy policy(*m_db);
    QVERIFY(policy.requireRecord(m_uploader, m_private, RecordAction::ChangeSharing).ok());
    QVERIFY(!policy.requireRecord(m_uploader, m_private, RecordAction::EditMetadata).ok());
}

void TestAccessPolicy::uploaderKeepsAccessAfterRemoval()
{
    removeMember(m_cardiology, m_uploader);
    AccessPolicy policy(*m_db);
    QVERIFY(policy.canSeeRecord(m_uploader, m_private).ok());
    QVERIFY(policy.canSeeRecord(m_uploader, m_team).ok());
    QVERIFY(policy.requireRecord(m_uploader, m_team, RecordAction::ChangeSharing).ok());
    RecordRepository records(*m_db);
    auto listed = records.listVisible(m_uploader);
    QVERIFY(listed.ok());
    QVERIFY(!listed->isEmpty());
}

void TestAccessPolicy::sharingNeedsManageFilesForOthers()
{
    AccessPolicy policy(*m_db);
    QVERIFY(policy.requireRecord(m_member, m_team, RecordAction::ChangeSharing).ok());
    const auto denied = policy.requireRecord(m_viewer, m_team, RecordAction::ChangeSharing);
    QCOMPARE(denied.error().code, QStringLiteral("forbidden"));
}

void TestAccessPolicy::organizationNeedsHomePermission()
{
    AccessPolicy policy(*m_db);
    QVERIFY(policy.requireOrganization(m_admin, Permission::ManageOrganization).ok());
    const auto denied = policy.requireOrganization(m_uploader, Permission::ManageOrganization);
    QCOMPARE(denied.error().code, QStringLiteral("forbidden"));
    QVERIFY(denied.error().message.contains(QStringLiteral("manage_organization")));
    QVERIFY(denied.error().message.contains(QStringLiteral("General")));
    // manage_organization in another team does not reach the organization.
    setMember(m_cardiology, m_member, kAllPermissions);
    QVERIFY(!policy.requireOrganization(m_member, Permission::ManageOrganization).ok());
    // Nor does the admin of another organization.
    QVERIFY(policy.requireOrganization(m_stranger, Permission::ManageOrganization).ok());
    QVERIFY(!policy.requireTeam(m_stranger, m_cardiology, Permission::ManageOrganization).ok());
}

void TestAccessPolicy::teamManagementFromHomeTeam()
{
    AccessPolicy policy(*m_db);
    QVERIFY(policy.requireTeam(m_admin, m_cardiology, Permission::ManageOrganization).ok());
    const auto denied = policy.requireTeam(m_member, m_cardiology, Permission::ManageOrganization);
    QCOMPARE(denied.error().code, QStringLiteral("forbidden"));
    setMember(m_cardiology, m_member,
              int(Permission::ManageFiles) | int(Permission::ManageOrganization));
    QVERIFY(policy.requireTeam(m_member, m_cardiology, Permission::ManageOrganization).ok());
}

void TestAccessPolicy::manageFilesOnlyInTeamItself()
{
    AccessPolicy policy(*m_db);
    // The admin holds manage_files in General, which grants nothing in Cardiology.
    const auto denied = policy.requireTeam(m_admin, m_cardiology, Permission::ManageFiles);
    QCOMPARE(denied.error().code, QStringLiteral("forbidden"));
    QVERIFY(policy.requireTeam(m_member, m_cardiology, Permission::ManageFiles).ok());
}

void TestAccessPolicy::removalAppliesAtOnce()
{
    AccessPolicy policy(*m_db);
    QVERIFY(policy.requireRecord(m_member, m_team, RecordAction::EditMetadata).ok());
    setMember(m_cardiology, m_member, kNoPermissions);
    QCOMPARE(policy.requireRecord(m_member, m_team, RecordAction::EditMetadata).error().code,
             QStringLiteral("forbidden"));
    removeMember(m_cardiology, m_member);
    QCOMPARE(policy.canSeeRecord(m_member, m_team).error().code, QStringLiteral("not_found"));
    RecordRepository records(*m_db);
    auto listed = records.listVisible(m_member);
    QVERIFY(listed.ok());
    QVERIFY(listed->isEmpty());
}

void TestAccessPolicy::otherOrganizationTeamNotFound()
{
    AccessPolicy policy(*m_db);
    const auto team = policy.findTeam(m_stranger, m_cardiology);
    QCOMPARE(team.error().code, QStringLiteral("not_found"));
    QCOMPARE(policy.findTeam(m_member, m_cardiology).value().name, QStringLiteral("Cardiology"));
}

QTEST_GUILESS_MAIN(TestAccessPolicy)
#include "TestAccessPolicy.moc"
