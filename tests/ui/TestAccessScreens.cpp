// The view models of the access screens against a real server: the sharing dialog, title
// edits after a permission change, the user's teams, and the team and role administration.

#include "UiTestEnvironment.h"
#include "client/ClientTestSupport.h"
#include "support/TestSupport.h"
#include "ui/AccountTeams.h"
#include "ui/RecordListModel.h"
#include "ui/RecordSharing.h"
#include "ui/RoleAdmin.h"
#include "ui/SessionController.h"
#include "ui/TeamAdmin.h"

#include <QDir>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>

using chartinsight::test::ServerProcess;
using chartinsight::test::UiTestEnvironment;
using chartinsight::test::waitForTask;
using chartinsight::ui::AccountTeams;
using chartinsight::ui::RecordListModel;
using chartinsight::ui::RecordSharing;
using chartinsight::ui::RoleAdmin;
using chartinsight::ui::SessionController;
using chartinsight::ui::TeamAdmin;

namespace {

const QString kPassword = QStringLiteral("Correct-Horse-Battery-Staple-42");
const QString kAdmin = QStringLiteral("admin@clinic.test");
const QString kHenry = QStringLiteral("henry@example.test");
const QString kKate = QStringLiteral("kate@example.test");
const QString kIvy = QStringLiteral("ivy@example.test");
const QString kTeamName = QStringLiteral("Cardiology");
const QString kManageFiles = QStringLiteral("manage_files");
constexpr int kTimeoutMs = 60000;

// The map in `list` whose `key` is `value`, or an empty map.
QVariantMap findEntry(const QVariantList& list, const QString& key, const QString& value)
{
    for (const QVariant& entry : list) {
        if (entry.toMap().value(key).toString() == value)
            return entry.toMap();
    }
    return {};
}

int rowOf(const RecordListModel& model, const QString& recordId)
{
    for (int row = 0; row < model.count(); ++row) {
        if (model.recordId(row) == recordId)
            return row;
    }
    return -1;
}

} // namespace

class TestAccessScreens : public QObject
{
    Q_OBJECT

public:
    explicit TestAccessScreens(const UiTestEnvironment& environment) : m_environment(environment) {}

private slots:
    void initTestCase();
    void accountTeamsOfAdmin();
    void accountTeamsOfMember();
    void recordListShowsTeam();
    void sharingWithUsers();
    void sharingForbiddenInPlainWords();
    void c08TitleEditFollowsPermissions();
    void adminMemberEdits();
    void adminRoles();
    void adminInvitations();
    void cleanupTestCase();

private:
    std::unique_ptr<SessionController> signIn(const QString& email) const;
    // Lists the records of `model` and waits for the listing.
    void refresh(RecordListModel& model) const;
    // Waits until the view model has no request in flight.
    template <typename ViewModel>
    void settle(const ViewModel& viewModel) const
    {
        QTRY_VERIFY_WITH_TIMEOUT(!viewModel.isBusy(), kTimeoutMs);
    }
    // Uploads a small text file through `controller` into the team, shared as `sharing`.
    QString upload(SessionController& controller, const QString& name, const QString& sharing);
    QString userIdOf(const QString& email) const;

    const UiTestEnvironment& m_environment;
    // Moves the server's clock past the wait between invitation resends.
    chartinsight::test::TestClock m_clock;
    ServerProcess m_server;
    std::unique_ptr<SessionController> m_admin;
    std::unique_ptr<TeamAdmin> m_teams;
    QString m_teamId;
    QString m_recordId; // uploaded by Kate into the team, sharing "team"
};

void TestAccessScreens::initTestCase()
{
    if (!UiTestEnvironment::hasSessionBus())
        QSKIP("signing in needs the keychain: run through tests/support/with-keychain.sh");
    m_clock.exportToEnvironment();
    QVERIFY2(m_server.start(), "the test server did not start");
    QCOMPARE(m_server.addUser(kAdmin, kPassword, true), 0);
    QCOMPARE(m_server.addUser(kHenry, kPassword), 0);
    QCOMPARE(m_server.addUser(kKate, kPassword), 0);
    QCOMPARE(m_server.addUser(kIvy, kPassword), 0);

    m_admin = signIn(kAdmin);
    QVERIFY2(m_admin->isSignedIn(), qPrintable(m_admin->errorString()));
    m_teams = std::make_unique<TeamAdmin>();
    m_teams->setController(m_admin.get());
    m_teams->createTeam(kTeamName);
    QTRY_VERIFY_WITH_TIMEOUT(!m_teams->isBusy() && !m_teams->currentTeamName().isEmpty(),
                             kTimeoutMs);
    QCOMPARE(m_teams->currentTeamName(), kTeamName);
    m_teamId = m_teams->currentTeamId();

    for (const QString& email : {kHenry, kKate}) {
        m_teams->addMember(email, {kManageFiles});
        settle(*m_teams);
        QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
    }
    QVERIFY(!findEntry(m_teams->members(), QStringLiteral("email"), kHenry).isEmpty());
    QVERIFY(!findEntry(m_teams->members(), QStringLiteral("email"), kKate).isEmpty());

    auto kate = signIn(kKate);
    QVERIFY(kate->isSignedIn());
    m_recordId = upload(*kate, QStringLiteral("team-note.txt"), QStringLiteral("team"));
    QVERIFY(!m_recordId.isEmpty());
}

void TestAccessScreens::cleanupTestCase()
{
    m_teams.reset();
    m_admin.reset();
}

std::unique_ptr<SessionController> TestAccessScreens::signIn(const QString& email) const
{
    auto controller = std::make_unique<SessionController>();
    controller->setServerUrl(m_server.url().toString());
    controller->setProfileDir(QDir(m_environment.workDir()).filePath(email));
    controller->setSignatureDir(chartinsight::test::testSignatureDir());
    controller->setCaFile(m_server.caFile());
    controller->signIn(m_server.url().toString(), email, kPassword);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!controller->isBusy(), kTimeoutMs); }();
    return controller;
}

void TestAccessScreens::refresh(RecordListModel& model) const
{
    model.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!model.isBusy() && model.isLoaded(), kTimeoutMs);
}

QString TestAccessScreens::upload(SessionController& controller, const QString& name,
                                  const QString& sharing)
{
    const QString path = chartinsight::test::writeFile(
        m_environment.workDir(), name, QByteArrayLiteral("blood pressure 120/80\n"));
    const auto outcome =
        waitForTask(controller.session()->upload(path, {m_teamId, sharing, {}, {}, {}}));
    if (!outcome.ok)
        qWarning() << "upload failed:" << outcome.error.code << outcome.error.message;
    return outcome.result.toObject().value(QStringLiteral("id")).toString();
}

QString TestAccessScreens::userIdOf(const QString& email) const
{
    return findEntry(m_teams->members(), QStringLiteral("email"), email)
        .value(QStringLiteral("userId"))
        .toString();
}

void TestAccessScreens::accountTeamsOfAdmin()
{
    AccountTeams teams;
    teams.setController(m_admin.get());
    teams.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(teams.isLoaded(), kTimeoutMs);
    QVERIFY(teams.canManageOrganization());
    QVERIFY(!teams.teams().isEmpty());
    QVERIFY(teams.teams().constFirst().toMap().value(QStringLiteral("isHome")).toBool());
}

void TestAccessScreens::accountTeamsOfMember()
{
    // Ivy manages files only in General: uploads go there without a choice.
    auto ivy = signIn(kIvy);
    AccountTeams ivyTeams;
    ivyTeams.setController(ivy.get());
    ivyTeams.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(ivyTeams.isLoaded(), kTimeoutMs);
    QVERIFY(!ivyTeams.canManageOrganization());
    QCOMPARE(ivyTeams.uploadTeams().size(), 1);
    QCOMPARE(ivyTeams.defaultUploadTeamId(),
             ivyTeams.uploadTeams().constFirst().toMap().value(QStringLiteral("id")).toString());

    // General and Cardiology both grant Henry manage_files: he chooses.
    auto henry = signIn(kHenry);
    AccountTeams teams;
    teams.setController(henry.get());
    teams.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(teams.isLoaded(), kTimeoutMs);
    QVERIFY(!teams.canManageOrganization());
    QVERIFY(teams.hasPermission(m_teamId, kManageFiles));
    QCOMPARE(teams.uploadTeams().size(), 2);
    QVERIFY(teams.defaultUploadTeamId().isEmpty());
}

void TestAccessScreens::recordListShowsTeam()
{
    auto henry = signIn(kHenry);
    RecordListModel records;
    records.setController(henry.get());
    refresh(records);
    const int row = rowOf(records, m_recordId);
    QVERIFY(row >= 0);
    const QModelIndex index = records.index(row);
    QCOMPARE(records.data(index, RecordListModel::TeamNameRole).toString(), kTeamName);
    QCOMPARE(records.data(index, RecordListModel::SharingRole).toString(), QStringLiteral("team"));
    QVERIFY(records.data(index, RecordListModel::CanEditRole).toBool());
    QVERIFY(records.data(index, RecordListModel::CanShareRole).toBool());
    QVERIFY(records.data(index, RecordListModel::SharingTextRole).toString().contains(kTeamName));
}

void TestAccessScreens::sharingWithUsers()
{
    auto henry = signIn(kHenry);
    const QString recordId =
        upload(*henry, QStringLiteral("shared-note.txt"), QStringLiteral("private"));
    QVERIFY(!recordId.isEmpty());
    RecordListModel records;
    records.setController(henry.get());
    refresh(records);
    const QVariantMap record = records.recordById(recordId);
    QCOMPARE(record.value(QStringLiteral("sharing")).toString(), QStringLiteral("private"));
    QVERIFY(record.value(QStringLiteral("canShare")).toBool());

    RecordSharing sharing;
    sharing.setController(henry.get());
    sharing.open(record);
    settle(sharing);
    QVERIFY2(sharing.errorString().isEmpty(), qPrintable(sharing.errorString()));
    QVERIFY(sharing.canShare());
    // The picker lists the organization's users; the access list names the uploader.
    const QVariantMap ivy = findEntry(sharing.users(), QStringLiteral("email"), kIvy);
    QVERIFY(!ivy.isEmpty());
    QCOMPARE(sharing.entries().size(), 1);
    QCOMPARE(sharing.entries().constFirst().toMap().value(QStringLiteral("reason")).toString(),
             QStringLiteral("uploader"));

    QSignalSpy saved(&sharing, &RecordSharing::saved);
    sharing.setMode(QStringLiteral("users"));
    sharing.save();
    QVERIFY(!sharing.errorString().isEmpty()); // nobody chosen yet
    QCOMPARE(saved.size(), 0);

    sharing.setUserSelected(ivy.value(QStringLiteral("id")).toString(), true);
    QVERIFY(sharing.isModified());
    sharing.save();
    QTRY_VERIFY_WITH_TIMEOUT(saved.size() == 1 && !sharing.isBusy(), kTimeoutMs);
    QVERIFY2(sharing.errorString().isEmpty(), qPrintable(sharing.errorString()));
    QVERIFY(!sharing.isModified());
    const QVariantMap shared = findEntry(sharing.entries(), QStringLiteral("email"), kIvy);
    QCOMPARE(shared.value(QStringLiteral("reason")).toString(), QStringLiteral("shared"));

    auto ivyController = signIn(kIvy);
    RecordListModel ivyRecords;
    ivyRecords.setController(ivyController.get());
    refresh(ivyRecords);
    QVERIFY(rowOf(ivyRecords, recordId) >= 0);
    QVERIFY(!ivyRecords.recordById(recordId).value(QStringLiteral("canShare")).toBool());

    // Back to private: Ivy's list no longer has it.
    sharing.setMode(QStringLiteral("private"));
    sharing.save();
    QTRY_VERIFY_WITH_TIMEOUT(saved.size() == 2 && !sharing.isBusy(), kTimeoutMs);
    QCOMPARE(sharing.entries().size(), 1);
    refresh(ivyRecords);
    QCOMPARE(rowOf(ivyRecords, recordId), -1);
}

void TestAccessScreens::sharingForbiddenInPlainWords()
{
    // Kate shares a private record with Ivy, who can then open it but is not in its team.
    auto kate = signIn(kKate);
    const QString recordId =
        upload(*kate, QStringLiteral("kate-note.txt"), QStringLiteral("private"));
    RecordSharing kateSharing;
    kateSharing.setController(kate.get());
    RecordListModel kateRecords;
    kateRecords.setController(kate.get());
    refresh(kateRecords);
    kateSharing.open(kateRecords.recordById(recordId));
    settle(kateSharing);
    const QString ivyId = findEntry(kateSharing.users(), QStringLiteral("email"), kIvy)
                              .value(QStringLiteral("id"))
                              .toString();
    kateSharing.setMode(QStringLiteral("users"));
    kateSharing.setUserSelected(ivyId, true);
    kateSharing.save();
    settle(kateSharing);
    QVERIFY2(kateSharing.errorString().isEmpty(), qPrintable(kateSharing.errorString()));

    auto ivy = signIn(kIvy);
    RecordListModel records;
    records.setController(ivy.get());
    refresh(records);
    QVariantMap record = records.recordById(recordId);
    QVERIFY(!record.isEmpty());
    QVERIFY(!record.value(QStringLiteral("canShare")).toBool());

    RecordSharing sharing;
    sharing.setController(ivy.get());
    sharing.open(record);
    settle(sharing);
    QVERIFY(!sharing.canShare());
    sharing.setMode(QStringLiteral("team"));
    sharing.save();
    QVERIFY(sharing.errorString().contains(QStringLiteral("cannot change")));

    // The server decides, whatever the dialog shows: a forced save gets a 403 in plain words.
    record.insert(QStringLiteral("canShare"), true);
    sharing.open(record);
    settle(sharing);
    sharing.setMode(QStringLiteral("team"));
    sharing.save();
    settle(sharing);
    QVERIFY2(sharing.errorString().startsWith(QStringLiteral("You are not allowed to")),
             qPrintable(sharing.errorString()));

    // A record that is gone reads as such, not as an HTTP status.
    record.insert(QStringLiteral("recordId"),
                  QStringLiteral("123e4567-e89b-42d3-a456-426614174000"));
    sharing.open(record);
    settle(sharing);
    QVERIFY2(sharing.errorString().contains(QStringLiteral("was not found")),
             qPrintable(sharing.errorString()));
}

void TestAccessScreens::c08TitleEditFollowsPermissions()
{
    // Henry opens the team's record R, then an admin makes him view-only in the team.
    auto henry = signIn(kHenry);
    RecordListModel records;
    records.setController(henry.get());
    refresh(records);
    const int row = rowOf(records, m_recordId);
    QVERIFY(row >= 0);
    QVERIFY(records.data(records.index(row), RecordListModel::CanEditRole).toBool());
    const QString titleBefore =
        records.data(records.index(row), RecordListModel::TitleRole).toString();

    m_teams->setCurrentTeamId(m_teamId);
    settle(*m_teams);
    const QString henryId = userIdOf(kHenry);
    QVERIFY(!henryId.isEmpty());
    m_teams->setMemberPermissions(henryId, {});
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
    QVERIFY(findEntry(m_teams->members(), QStringLiteral("userId"), henryId)
                .value(QStringLiteral("permissions"))
                .toStringList()
                .isEmpty());

    // The save from the window opened before is rejected at once, in plain words.
    QSignalSpy saved(&records, &RecordListModel::titleSaved);
    records.setTitle(m_recordId, QStringLiteral("Echo follow-up"));
    QTRY_VERIFY_WITH_TIMEOUT(!records.errorString().isEmpty(), kTimeoutMs);
    QVERIFY2(records.errorString().startsWith(QStringLiteral("You are not allowed to change the "
                                                             "title")),
             qPrintable(records.errorString()));
    QVERIFY2(records.errorString().contains(kTeamName), qPrintable(records.errorString()));
    QCOMPARE(saved.size(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!records.isBusy(), kTimeoutMs);
    const int rowAfter = rowOf(records, m_recordId);
    QCOMPARE(records.data(records.index(rowAfter), RecordListModel::TitleRole).toString(),
             titleBefore);
    QVERIFY(!records.data(records.index(rowAfter), RecordListModel::CanEditRole).toBool());

    // The admin restores edit: the next save succeeds without a new sign-in.
    m_teams->setMemberPermissions(henryId, {kManageFiles});
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
    records.setTitle(m_recordId, QStringLiteral("Echo follow-up"));
    QTRY_VERIFY_WITH_TIMEOUT(saved.size() == 1, kTimeoutMs);
    QVERIFY(records.errorString().isEmpty());
    QCOMPARE(records.data(records.index(rowOf(records, m_recordId)), RecordListModel::TitleRole)
                 .toString(),
             QStringLiteral("Echo follow-up"));

    // Removed from the team, Henry no longer lists R, and fetching R fails with not_found.
    m_teams->removeMember(henryId);
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
    refresh(records);
    QCOMPARE(rowOf(records, m_recordId), -1);
    const auto details = waitForTask(henry->session()->recordDetails(m_recordId));
    QVERIFY(!details.ok);
    QCOMPARE(details.error.code, QStringLiteral("not_found"));

    // Henry back in the team for the tests that follow.
    m_teams->addMember(kHenry, {kManageFiles});
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
}

void TestAccessScreens::adminMemberEdits()
{
    m_teams->refresh();
    settle(*m_teams);
    QVERIFY(!findEntry(m_teams->teams(), QStringLiteral("name"), kTeamName).isEmpty());
    QVERIFY(
        !findEntry(m_teams->teams(), QStringLiteral("name"), QStringLiteral("General")).isEmpty());
    m_teams->setCurrentTeamId(m_teamId);
    settle(*m_teams);
    const QString kateId = userIdOf(kKate);
    QVERIFY(!kateId.isEmpty());

    // One check box: manage_billing on, manage_files kept.
    m_teams->setMemberPermission(kateId, QStringLiteral("manage_billing"), true);
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
    QCOMPARE(findEntry(m_teams->members(), QStringLiteral("userId"), kateId)
                 .value(QStringLiteral("permissions"))
                 .toStringList(),
             QStringList({kManageFiles, QStringLiteral("manage_billing")}));

    // A role as a preset: Viewer leaves no permission.
    RoleAdmin roles;
    roles.setController(m_admin.get());
    roles.refresh();
    settle(roles);
    const QString viewerId =
        findEntry(roles.roles(), QStringLiteral("name"), QStringLiteral("Viewer"))
            .value(QStringLiteral("id"))
            .toString();
    QVERIFY(!viewerId.isEmpty());
    m_teams->setMemberPermissions(kateId, roles.permissionsOf(viewerId));
    settle(*m_teams);
    QVERIFY(findEntry(m_teams->members(), QStringLiteral("userId"), kateId)
                .value(QStringLiteral("permissions"))
                .toStringList()
                .isEmpty());

    // Adding an address outside the organization is rejected without a detail to probe.
    m_teams->addMember(QStringLiteral("stranger@elsewhere.test"), {kManageFiles});
    settle(*m_teams);
    QVERIFY(!m_teams->errorString().isEmpty());

    // A member without manage_organization cannot change permissions: 403 in plain words.
    m_teams->setMemberPermissions(kateId, {kManageFiles});
    settle(*m_teams);
    auto henry = signIn(kHenry);
    TeamAdmin henryTeams;
    henryTeams.setController(henry.get());
    henryTeams.refresh();
    settle(henryTeams);
    henryTeams.setCurrentTeamId(m_teamId);
    settle(henryTeams);
    henryTeams.setMemberPermissions(kateId, {kManageFiles, QStringLiteral("manage_api")});
    settle(henryTeams);
    QVERIFY2(henryTeams.errorString().startsWith(QStringLiteral("You are not allowed to")),
             qPrintable(henryTeams.errorString()));

    // Removing a member, then adding her back.
    m_teams->removeMember(kateId);
    settle(*m_teams);
    QVERIFY(findEntry(m_teams->members(), QStringLiteral("userId"), kateId).isEmpty());
    m_teams->addMember(kKate, {kManageFiles});
    settle(*m_teams);
    QVERIFY(!findEntry(m_teams->members(), QStringLiteral("userId"), kateId).isEmpty());
}

void TestAccessScreens::adminRoles()
{
    RoleAdmin roles;
    roles.setController(m_admin.get());
    roles.refresh();
    settle(roles);
    QVERIFY(!findEntry(roles.roles(), QStringLiteral("name"), QStringLiteral("Admin")).isEmpty());
    QVERIFY(
        !findEntry(roles.roles(), QStringLiteral("name"), QStringLiteral("Clinician")).isEmpty());

    roles.createRole(QStringLiteral("Reception"), {});
    settle(roles);
    QVERIFY2(roles.errorString().isEmpty(), qPrintable(roles.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(
        !findEntry(roles.roles(), QStringLiteral("name"), QStringLiteral("Reception")).isEmpty(),
        kTimeoutMs);
    const QString roleId =
        findEntry(roles.roles(), QStringLiteral("name"), QStringLiteral("Reception"))
            .value(QStringLiteral("id"))
            .toString();

    roles.updateRole(roleId, QStringLiteral("Reception"), {kManageFiles});
    settle(roles);
    QVERIFY2(roles.errorString().isEmpty(), qPrintable(roles.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(roles.permissionsOf(roleId), QStringList({kManageFiles}), kTimeoutMs);

    roles.createRole(QStringLiteral("   "), {});
    QVERIFY(roles.errorString().contains(QStringLiteral("not valid")));

    roles.deleteRole(roleId);
    settle(roles);
    QVERIFY2(roles.errorString().isEmpty(), qPrintable(roles.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(findEntry(roles.roles(), QStringLiteral("id"), roleId).isEmpty(),
                             kTimeoutMs);
}

void TestAccessScreens::adminInvitations()
{
    m_teams->setCurrentTeamId(m_teamId);
    settle(*m_teams);
    const QString invitee = QStringLiteral("lena@example.test");
    m_teams->invite(invitee, {kManageFiles});
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(
        !findEntry(m_teams->invitations(), QStringLiteral("email"), invitee).isEmpty(), kTimeoutMs);
    QVariantMap invitation = findEntry(m_teams->invitations(), QStringLiteral("email"), invitee);
    QCOMPARE(invitation.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
    QVERIFY(invitation.value(QStringLiteral("canRevoke")).toBool());
    const QString invitationId = invitation.value(QStringLiteral("id")).toString();

    // A resend right away waits for the server's interval, and the message says how long.
    m_teams->resendInvitation(invitationId);
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().contains(QStringLiteral("Wait")),
             qPrintable(m_teams->errorString()));
    QVERIFY(m_clock.setOffset(10 * 60));
    m_teams->resendInvitation(invitationId);
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));

    m_teams->revokeInvitation(invitationId);
    settle(*m_teams);
    QVERIFY2(m_teams->errorString().isEmpty(), qPrintable(m_teams->errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(findEntry(m_teams->invitations(), QStringLiteral("id"), invitationId)
                                  .value(QStringLiteral("state"))
                                  .toString(),
                              QStringLiteral("revoked"), kTimeoutMs);
    invitation = findEntry(m_teams->invitations(), QStringLiteral("id"), invitationId);
    QVERIFY(!invitation.value(QStringLiteral("canRevoke")).toBool());
}

int main(int argc, char* argv[])
{
    const UiTestEnvironment environment;
    QGuiApplication application(argc, argv);
    TestAccessScreens test(environment);
    return QTest::qExec(&test, argc, argv);
}

#include "TestAccessScreens.moc"
