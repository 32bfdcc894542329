// The audit trail of a real chartinsight-server over TLS on loopback. Each audited action,
// performed once through the API (or add-user), appends exactly one audit_log row with the
// expected actor, target, outcome, organization, client address and device. No row contains an
// e-mail address, password, file name, title or other name that the test used.

#include "InvitationTestSupport.h"
#include "server/SqlHelpers.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kOrganization = QStringLiteral("Audit Harbor Clinic");
const QString kOtherOrganization = QStringLiteral("Audit Other Practice");
const QString kAdmin = QStringLiteral("audit-admin@harbor.test");
const QString kAlice = QStringLiteral("alice.audit@harbor.test");
const QString kBob = QStringLiteral("bob.audit@harbor.test");
const QString kCarol = QStringLiteral("carol.audit@harbor.test");
const QString kDave = QStringLiteral("dave.invited@harbor.test");
const QString kErin = QStringLiteral("erin.invited@harbor.test");
const QString kOutsider = QStringLiteral("outsider.audit@other.test");
const QString kUnknown = QStringLiteral("nobody.audit@harbor.test");
const QString kAdminPassword = QStringLiteral("Admin-Lantern-4471-Quarry");
const QString kAlicePassword = QStringLiteral("Alice-Meadow-9023-Copper");
const QString kAliceNewPassword = QStringLiteral("Alice-Harbor-7719-Walnut");
const QString kBobPassword = QStringLiteral("Bob-Orchard-3358-Pebble");
const QString kBobResetPassword = QStringLiteral("Bob-Granite-6604-Violet");
const QString kBobAdminPassword = QStringLiteral("Bob-Saffron-2287-Ember");
const QString kCarolPassword = QStringLiteral("Carol-Thistle-5146-Dune");
const QString kDavePassword = QStringLiteral("Dave-Willow-8832-Canyon");
const QString kOutsiderPassword = QStringLiteral("Outsider-Kettle-1195-Fjord");
const QString kWrongPassword = QStringLiteral("Wrong-Password-0000-Guess");
const QString kFilename = QStringLiteral("audit-patient-summary.txt");
const QString kTitle = QStringLiteral("Audit Title Margaret Example");
const QString kTeamName = QStringLiteral("Audit Cardiology");
const QString kTeamNewName = QStringLiteral("Audit Cardiology East");
const QString kRoleName = QStringLiteral("Audit Reviewer");
const QString kRoleNewName = QStringLiteral("Audit Senior Reviewer");
const QString kDeviceName = QStringLiteral("Audit Laptop Margaret");
const QString kLoopback = QStringLiteral("127.0.0.1");

// The values one audit_log row is expected to hold.
struct Expected
{
    QString action;
    QString actorKind;
    QString actorId;
    QString targetKind;
    QString targetId;
    QString outcome;
    QString organizationId;
    QString clientIp;
    QString deviceId;
};

QJsonArray permissions(const QStringList& names)
{
    return QJsonArray::fromStringList(names);
}

} // namespace

class TestAuditTrail : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void actionWritesOneEntry_data();
    void actionWritesOneEntry();
    void entriesHoldNoPersonalData();
    void chainVerifiesAfterActions();

private:
    using Step = void (TestAuditTrail::*)(Expected& expected);
    static QList<QPair<QString, Step>> steps();

    // Account and sign-in steps.
    void addUserCreatesUser(Expected& expected);
    void loginSucceeds(Expected& expected);
    void loginWrongPassword(Expected& expected);
    void loginUnknownAccount(Expected& expected);
    void loginLocked(Expected& expected);
    void adminUnlocks(Expected& expected);
    void adminUnlockDenied(Expected& expected);
    void mfaEnabled(Expected& expected);
    void loginMfaSent(Expected& expected);
    void loginMfaFailed(Expected& expected);
    void loginMfaPassed(Expected& expected);
    void mfaDisabled(Expected& expected);
    void passwordChanged(Expected& expected);
    void passwordResetRequested(Expected& expected);
    void passwordResetCompleted(Expected& expected);
    void adminSetsPassword(Expected& expected);
    void adminSetPasswordDenied(Expected& expected);
    // Record steps.
    void recordUploaded(Expected& expected);
    void recordViewed(Expected& expected);
    void recordDownloaded(Expected& expected);
    void recordSynced(Expected& expected);
    void recordDownloadDenied(Expected& expected);
    void titleChanged(Expected& expected);
    void titleChangeDenied(Expected& expected);
    void sharingChanged(Expected& expected);
    void sharingChangeDenied(Expected& expected);
    // Team, member and role steps.
    void teamCreated(Expected& expected);
    void teamRenamed(Expected& expected);
    void teamRenameDenied(Expected& expected);
    void memberAdded(Expected& expected);
    void memberPermissionsChanged(Expected& expected);
    void memberChangeDenied(Expected& expected);
    void memberRemoved(Expected& expected);
    void roleCreated(Expected& expected);
    void roleChanged(Expected& expected);
    void roleDeleteDenied(Expected& expected);
    void roleDeleted(Expected& expected);
    // Invitation steps.
    void invitationSent(Expected& expected);
    void invitationResent(Expected& expected);
    void invitationAccepted(Expected& expected);
    void secondInvitationSent(Expected& expected);
    void invitationRevokeDenied(Expected& expected);
    void invitationRevoked(Expected& expected);
    void revokedInvitationAcceptFails(Expected& expected);
    // Session steps.
    void sessionRevoked(Expected& expected);
    void loggedOut(Expected& expected);
    void allSessionsRevoked(Expected& expected);

    // Notes the last sequence, so that the check looks only at rows written after it.
    void mark();
    qint64 lastSequence();
    QString queryValue(const QString& query, const QVariantList& values);
    bool execute(const QString& statement, const QVariantList& values);
    QString sessionIdOf(const QString& token);
    QString userIdOf(const QString& email);
    CurlResult send(const QString& method, const QString& path, const QJsonObject& body,
                    const QString& token, const QStringList& extraArguments = {});
    CurlResult signIn(const QString& email, const QString& password);
    // The access token of a successful sign-in with device name kDeviceName, or empty.
    QString signInToken(const QString& email, const QString& password);
    Expected userEntry(const QString& action, const QString& actorId, const QString& sessionId,
                       const QString& targetKind, const QString& targetId,
                       const QString& outcome = QStringLiteral("success"));

    InvitationServer m_server;
    std::unique_ptr<storage::SqlDatabase> m_db;
    QTemporaryDir m_files;
    qint64 m_mark = 0;

    QString m_organizationId;
    QString m_otherOrganizationId;
    QString m_adminId;
    QString m_aliceId;
    QString m_bobId;
    QString m_outsiderId;
    QString m_adminToken;
    QString m_adminSession;
    QString m_aliceToken;
    QString m_aliceSession;
    QString m_bobToken;
    QString m_bobSession;
    QString m_outsiderToken;
    QString m_outsiderSession;
    QString m_alicePassword = kAlicePassword;
    QString m_mfaToken;
    QString m_mfaCode;
    QString m_recordId;
    QString m_teamId;
    QString m_roleId;
    QString m_invitationId;
    QString m_secondInvitationId;
    QString m_secondInvitationToken;
};

QList<QPair<QString, TestAuditTrail::Step>> TestAuditTrail::steps()
{
    // In order: later steps use the accounts, records, teams and invitations of earlier ones.
    return {
        {QStringLiteral("user.created by add-user"), &TestAuditTrail::addUserCreatesUser},
        {QStringLiteral("login.succeeded"), &TestAuditTrail::loginSucceeds},
        {QStringLiteral("login.wrong_password"), &TestAuditTrail::loginWrongPassword},
        {QStringLiteral("login.unknown_account"), &TestAuditTrail::loginUnknownAccount},
        {QStringLiteral("login.locked"), &TestAuditTrail::loginLocked},
        {QStringLiteral("account.unlocked"), &TestAuditTrail::adminUnlocks},
        {QStringLiteral("account.unlocked denied"), &TestAuditTrail::adminUnlockDenied},
        {QStringLiteral("mfa.enabled"), &TestAuditTrail::mfaEnabled},
        {QStringLiteral("login.mfa_sent"), &TestAuditTrail::loginMfaSent},
        {QStringLiteral("login.mfa_failed"), &TestAuditTrail::loginMfaFailed},
        {QStringLiteral("login.mfa_passed"), &TestAuditTrail::loginMfaPassed},
        {QStringLiteral("mfa.disabled"), &TestAuditTrail::mfaDisabled},
        {QStringLiteral("password.changed"), &TestAuditTrail::passwordChanged},
        {QStringLiteral("password_reset.requested"), &TestAuditTrail::passwordResetRequested},
        {QStringLiteral("password_reset.completed"), &TestAuditTrail::passwordResetCompleted},
        {QStringLiteral("account.password_set_by_admin"), &TestAuditTrail::adminSetsPassword},
        {QStringLiteral("account.password_set_by_admin denied"),
         &TestAuditTrail::adminSetPasswordDenied},
        {QStringLiteral("record.uploaded"), &TestAuditTrail::recordUploaded},
        {QStringLiteral("record.viewed"), &TestAuditTrail::recordViewed},
        {QStringLiteral("record.downloaded"), &TestAuditTrail::recordDownloaded},
        {QStringLiteral("record.synced"), &TestAuditTrail::recordSynced},
        {QStringLiteral("record.downloaded denied"), &TestAuditTrail::recordDownloadDenied},
        {QStringLiteral("record.title_changed"), &TestAuditTrail::titleChanged},
        {QStringLiteral("record.title_changed denied"), &TestAuditTrail::titleChangeDenied},
        {QStringLiteral("record.sharing_changed"), &TestAuditTrail::sharingChanged},
        {QStringLiteral("record.sharing_changed denied"), &TestAuditTrail::sharingChangeDenied},
        {QStringLiteral("team.created"), &TestAuditTrail::teamCreated},
        {QStringLiteral("team.renamed"), &TestAuditTrail::teamRenamed},
        {QStringLiteral("team.renamed denied"), &TestAuditTrail::teamRenameDenied},
        {QStringLiteral("member.added"), &TestAuditTrail::memberAdded},
        {QStringLiteral("member.permissions_changed"), &TestAuditTrail::memberPermissionsChanged},
        {QStringLiteral("member.permissions_changed denied"), &TestAuditTrail::memberChangeDenied},
        {QStringLiteral("member.removed"), &TestAuditTrail::memberRemoved},
        {QStringLiteral("role.created"), &TestAuditTrail::roleCreated},
        {QStringLiteral("role.changed"), &TestAuditTrail::roleChanged},
        {QStringLiteral("role.deleted denied"), &TestAuditTrail::roleDeleteDenied},
        {QStringLiteral("role.deleted"), &TestAuditTrail::roleDeleted},
        {QStringLiteral("invitation.sent"), &TestAuditTrail::invitationSent},
        {QStringLiteral("invitation.resent"), &TestAuditTrail::invitationResent},
        {QStringLiteral("invitation.accepted"), &TestAuditTrail::invitationAccepted},
        {QStringLiteral("invitation.sent again"), &TestAuditTrail::secondInvitationSent},
        {QStringLiteral("invitation.revoked denied"), &TestAuditTrail::invitationRevokeDenied},
        {QStringLiteral("invitation.revoked"), &TestAuditTrail::invitationRevoked},
        {QStringLiteral("invitation.accepted failed"),
         &TestAuditTrail::revokedInvitationAcceptFails},
        {QStringLiteral("session.revoked"), &TestAuditTrail::sessionRevoked},
        {QStringLiteral("logout"), &TestAuditTrail::loggedOut},
        {QStringLiteral("sessions.revoked_all"), &TestAuditTrail::allSessionsRevoked},
    };
}

// ---- Fixture ----------------------------------------------------------------------------------

void TestAuditTrail::initTestCase()
{
    QVERIFY(m_files.isValid());
    QVERIFY(m_server.start());
    QCOMPARE(m_server.addUser(kAdmin, kAdminPassword, kOrganization, true), 0);
    QCOMPARE(m_server.addUser(kAlice, kAlicePassword, kOrganization, false), 0);
    QCOMPARE(m_server.addUser(kBob, kBobPassword, kOrganization, false), 0);
    QCOMPARE(m_server.addUser(kOutsider, kOutsiderPassword, kOtherOrganization, false), 0);

    const QDir dataDir(m_server.process().dataDir());
    QFile keyFile(dataDir.filePath(QStringLiteral("db.key")));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    auto opened = storage::SqlDatabase::open(dataDir.filePath(QStringLiteral("chartinsight.db")),
                                             QByteArray::fromHex(keyFile.readAll().trimmed()),
                                             storage::SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    m_db = std::move(opened).value();

    m_adminId = userIdOf(kAdmin);
    m_aliceId = userIdOf(kAlice);
    m_bobId = userIdOf(kBob);
    m_outsiderId = userIdOf(kOutsider);
    QVERIFY(!m_adminId.isEmpty() && !m_aliceId.isEmpty() && !m_bobId.isEmpty());
    m_organizationId =
        queryValue(QStringLiteral("SELECT organization_id FROM users WHERE id = ?"), {m_adminId});
    m_otherOrganizationId = queryValue(
        QStringLiteral("SELECT organization_id FROM users WHERE id = ?"), {m_outsiderId});
    QVERIFY(!m_organizationId.isEmpty());
    QVERIFY(m_organizationId != m_otherOrganizationId);

    m_adminToken = signInToken(kAdmin, kAdminPassword);
    m_bobToken = signInToken(kBob, kBobPassword);
    m_outsiderToken = signInToken(kOutsider, kOutsiderPassword);
    QVERIFY(!m_adminToken.isEmpty() && !m_bobToken.isEmpty() && !m_outsiderToken.isEmpty());
    m_adminSession = sessionIdOf(m_adminToken);
    m_bobSession = sessionIdOf(m_bobToken);
    m_outsiderSession = sessionIdOf(m_outsiderToken);
    QVERIFY(!m_adminSession.isEmpty() && !m_bobSession.isEmpty());
}

void TestAuditTrail::cleanupTestCase()
{
    m_db.reset();
    m_server.stop();
}

qint64 TestAuditTrail::lastSequence()
{
    return queryValue(QStringLiteral("SELECT COALESCE(MAX(sequence), 0) FROM audit_log"), {})
        .toLongLong();
}

void TestAuditTrail::mark()
{
    m_mark = lastSequence();
}

QString TestAuditTrail::queryValue(const QString& query, const QVariantList& values)
{
    auto row = m_db->withLock(
        [&](storage::SqlDatabase& db) { return server::sql::firstRow(db, query, values, 1); });
    if (!row || !row.value())
        return QString();
    return row.value()->at(0).toString();
}

bool TestAuditTrail::execute(const QString& statement, const QVariantList& values)
{
    auto done = m_db->withLock(
        [&](storage::SqlDatabase& db) { return server::sql::run(db, statement, values); });
    return done.ok();
}

QString TestAuditTrail::userIdOf(const QString& email)
{
    return queryValue(QStringLiteral("SELECT id FROM users WHERE email = ?"), {email});
}

QString TestAuditTrail::sessionIdOf(const QString& token)
{
    const CurlResult sessions = m_server.get(QStringLiteral("/api/v1/auth/sessions"), token);
    for (const QJsonValue& session : sessions.json().value(QStringLiteral("sessions")).toArray()) {
        if (session.toObject().value(QStringLiteral("current")).toBool())
            return session.toObject().value(QStringLiteral("id")).toString();
    }
    return QString();
}

CurlResult TestAuditTrail::send(const QString& method, const QString& path, const QJsonObject& body,
                                const QString& token, const QStringList& extraArguments)
{
    return m_server.curl().request(method, path, body.isEmpty() ? QByteArray() : toJson(body),
                                   token, extraArguments);
}

CurlResult TestAuditTrail::signIn(const QString& email, const QString& password)
{
    return m_server.post(QStringLiteral("/api/v1/auth/login"),
                         {{QStringLiteral("email"), email},
                          {QStringLiteral("password"), password},
                          {QStringLiteral("device_name"), kDeviceName}});
}

QString TestAuditTrail::signInToken(const QString& email, const QString& password)
{
    return signIn(email, password).json().value(QStringLiteral("access_token")).toString();
}

Expected TestAuditTrail::userEntry(const QString& action, const QString& actorId,
                                   const QString& sessionId, const QString& targetKind,
                                   const QString& targetId, const QString& outcome)
{
    return Expected{action,  QStringLiteral("user"), actorId,   targetKind, targetId,
                    outcome, m_organizationId,       kLoopback, sessionId};
}

// ---- The table --------------------------------------------------------------------------------

void TestAuditTrail::actionWritesOneEntry_data()
{
    QTest::addColumn<QString>("step");
    for (const auto& [name, step] : steps())
        QTest::newRow(qPrintable(name)) << name;
}

void TestAuditTrail::actionWritesOneEntry()
{
    QFETCH(QString, step);
    Step perform = nullptr;
    for (const auto& [name, candidate] : steps()) {
        if (name == step)
            perform = candidate;
    }
    QVERIFY(perform);
    m_mark = -1;
    Expected expected;
    (this->*perform)(expected);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_mark >= 0, "the step did not mark where its action starts");

    QList<QVariantList> rows;
    auto read = m_db->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto found = server::sql::rows(
            db,
            QStringLiteral("SELECT action, actor_kind, actor_id, target_kind, target_id, "
                           "outcome, organization_id, client_ip, device_id FROM audit_log "
                           "WHERE sequence > ? ORDER BY sequence"),
            {m_mark}, 9);
        if (!found)
            return found.error();
        rows = found.value();
        return {};
    });
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    QStringList actions;
    for (const QVariantList& row : std::as_const(rows))
        actions << row.at(0).toString();
    QVERIFY2(rows.size() == 1, qPrintable(QStringLiteral("%1 new entries: %2")
                                              .arg(rows.size())
                                              .arg(actions.join(QStringLiteral(", ")))));
    const QVariantList& row = rows.first();
    QCOMPARE(row.at(0).toString(), expected.action);
    QCOMPARE(row.at(1).toString(), expected.actorKind);
    QCOMPARE(row.at(2).toString(), expected.actorId);
    QCOMPARE(row.at(3).toString(), expected.targetKind);
    QCOMPARE(row.at(4).toString(), expected.targetId);
    QCOMPARE(row.at(5).toString(), expected.outcome);
    QCOMPARE(row.at(6).toString(), expected.organizationId);
    QCOMPARE(row.at(7).toString(), expected.clientIp);
    QCOMPARE(row.at(8).toString(), expected.deviceId);
}

void TestAuditTrail::entriesHoldNoPersonalData()
{
    const QStringList planted{kOrganization,
                              kOtherOrganization,
                              kAdmin,
                              kAlice,
                              kBob,
                              kCarol,
                              kDave,
                              kErin,
                              kOutsider,
                              kUnknown,
                              kAdminPassword,
                              kAlicePassword,
                              kAliceNewPassword,
                              kBobPassword,
                              kBobResetPassword,
                              kBobAdminPassword,
                              kCarolPassword,
                              kDavePassword,
                              kOutsiderPassword,
                              kWrongPassword,
                              kFilename,
                              kTitle,
                              kTeamName,
                              kTeamNewName,
                              kRoleName,
                              kRoleNewName,
                              kDeviceName,
                              QStringLiteral("@harbor.test"),
                              QStringLiteral("@other.test")};
    QList<QVariantList> rows;
    auto read = m_db->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto found = server::sql::rows(
            db,
            QStringLiteral("SELECT sequence, actor_kind || '|' || actor_id || '|' || action || "
                           "'|' || target_kind || '|' || target_id || '|' || outcome || '|' || "
                           "client_ip || '|' || device_id || '|' || details || '|' || "
                           "organization_id FROM audit_log ORDER BY sequence"),
            {}, 2);
        if (!found)
            return found.error();
        rows = found.value();
        return {};
    });
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    QVERIFY2(rows.size() >= steps().size(), "the table wrote fewer entries than it has steps");
    for (const QVariantList& row : std::as_const(rows)) {
        const QString text = row.at(1).toString();
        for (const QString& value : planted) {
            QVERIFY2(!text.contains(value, Qt::CaseInsensitive),
                     qPrintable(QStringLiteral("entry %1 contains the test value \"%2\"")
                                    .arg(row.at(0).toString(), value)));
        }
    }
}

void TestAuditTrail::chainVerifiesAfterActions()
{
    const ProcessOutput output = runProcess(
        serverExecutable(), {QStringLiteral("audit"), QStringLiteral("verify"),
                             QStringLiteral("--data-dir"), m_server.process().dataDir()});
    QVERIFY2(output.exitCode == 0, output.standardOutput + output.standardError);
    QVERIFY2(output.standardOutput.startsWith("audit log intact: "), output.standardOutput);
}

// ---- Accounts and sign-in ---------------------------------------------------------------------

void TestAuditTrail::addUserCreatesUser(Expected& expected)
{
    mark();
    QCOMPARE(m_server.addUser(kCarol, kCarolPassword, kOrganization, false), 0);
    const QString carolId = userIdOf(kCarol);
    QVERIFY(!carolId.isEmpty());
    expected = Expected{QStringLiteral("user.created"),
                        QStringLiteral("system"),
                        QStringLiteral("add-user"),
                        QStringLiteral("user"),
                        carolId,
                        QStringLiteral("success"),
                        m_organizationId,
                        QString(),
                        QString()};
}

void TestAuditTrail::loginSucceeds(Expected& expected)
{
    mark();
    m_aliceToken = signInToken(kAlice, m_alicePassword);
    QVERIFY(!m_aliceToken.isEmpty());
    m_aliceSession = sessionIdOf(m_aliceToken);
    QVERIFY(!m_aliceSession.isEmpty());
    expected = userEntry(QStringLiteral("login.succeeded"), m_aliceId, m_aliceSession,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::loginWrongPassword(Expected& expected)
{
    mark();
    QCOMPARE(signIn(kAlice, kWrongPassword).status, 401);
    expected = Expected{QStringLiteral("login.wrong_password"),
                        QStringLiteral("anonymous"),
                        QString(),
                        QStringLiteral("user"),
                        m_aliceId,
                        QStringLiteral("failed"),
                        m_organizationId,
                        kLoopback,
                        QString()};
}

void TestAuditTrail::loginUnknownAccount(Expected& expected)
{
    mark();
    QCOMPARE(signIn(kUnknown, kWrongPassword).status, 401);
    expected = Expected{QStringLiteral("login.unknown_account"),
                        QStringLiteral("anonymous"),
                        QString(),
                        QString(),
                        QString(),
                        QStringLiteral("failed"),
                        QString(),
                        kLoopback,
                        QString()};
}

void TestAuditTrail::loginLocked(Expected& expected)
{
    // The lock is set in the database, so the step's only request is the rejected sign-in.
    QVERIFY(execute(QStringLiteral("UPDATE users SET locked_until = ? WHERE id = ?"),
                    {QDateTime::currentMSecsSinceEpoch() + 3600LL * 1000 * 1000, m_bobId}));
    mark();
    QCOMPARE(signIn(kBob, kBobPassword).status, 423);
    expected = Expected{QStringLiteral("login.locked"),
                        QStringLiteral("anonymous"),
                        QString(),
                        QStringLiteral("user"),
                        m_bobId,
                        QStringLiteral("denied"),
                        m_organizationId,
                        kLoopback,
                        QString()};
}

void TestAuditTrail::adminUnlocks(Expected& expected)
{
    mark();
    const CurlResult unlocked =
        send(QStringLiteral("POST"), QStringLiteral("/api/v1/admin/users/%1/unlock").arg(m_bobId),
             {}, m_adminToken);
    QCOMPARE(unlocked.status, 200);
    expected = userEntry(QStringLiteral("account.unlocked"), m_adminId, m_adminSession,
                         QStringLiteral("user"), m_bobId);
}

void TestAuditTrail::adminUnlockDenied(Expected& expected)
{
    mark();
    const CurlResult denied =
        send(QStringLiteral("POST"), QStringLiteral("/api/v1/admin/users/%1/unlock").arg(m_bobId),
             {}, m_aliceToken);
    QCOMPARE(denied.status, 403);
    expected = userEntry(QStringLiteral("account.unlocked"), m_aliceId, m_aliceSession,
                         QStringLiteral("user"), m_bobId, QStringLiteral("denied"));
}

void TestAuditTrail::mfaEnabled(Expected& expected)
{
    mark();
    const CurlResult enabled = m_server.post(
        QStringLiteral("/api/v1/account/mfa"),
        {{QStringLiteral("enabled"), true}, {QStringLiteral("password"), m_alicePassword}},
        m_aliceToken);
    QCOMPARE(enabled.status, 200);
    expected = userEntry(QStringLiteral("mfa.enabled"), m_aliceId, m_aliceSession,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::loginMfaSent(Expected& expected)
{
    mark();
    const CurlResult started = signIn(kAlice, m_alicePassword);
    QCOMPARE(started.status, 200);
    m_mfaToken = started.json().value(QStringLiteral("mfa_token")).toString();
    QVERIFY(!m_mfaToken.isEmpty());
    expected = userEntry(QStringLiteral("login.mfa_sent"), m_aliceId, QString(),
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::loginMfaFailed(Expected& expected)
{
    const QString mail = m_server.waitForMail(kAlice);
    static const QRegularExpression codePattern(QStringLiteral("code is ([0-9]{6})"));
    const QString code = codePattern.match(mail).captured(1);
    QVERIFY2(!code.isEmpty(), "no sign-in code in the mail");
    // A wrong code: the real one with its last digit changed.
    QString wrong = code;
    wrong[5] = QChar(u'0' + (wrong.at(5).digitValue() + 1) % 10);
    mark();
    const CurlResult rejected =
        m_server.post(QStringLiteral("/api/v1/auth/mfa/verify"),
                      {{QStringLiteral("mfa_token"), m_mfaToken}, {QStringLiteral("code"), wrong}});
    QCOMPARE(rejected.status, 401);
    expected = userEntry(QStringLiteral("login.mfa_failed"), m_aliceId, QString(),
                         QStringLiteral("user"), m_aliceId, QStringLiteral("failed"));
    m_mfaCode = code; // for the next step
}

void TestAuditTrail::loginMfaPassed(Expected& expected)
{
    QVERIFY(!m_mfaCode.isEmpty());
    mark();
    const CurlResult accepted = m_server.post(
        QStringLiteral("/api/v1/auth/mfa/verify"),
        {{QStringLiteral("mfa_token"), m_mfaToken}, {QStringLiteral("code"), m_mfaCode}});
    QCOMPARE(accepted.status, 200);
    const QString token = accepted.json().value(QStringLiteral("access_token")).toString();
    const QString session = sessionIdOf(token);
    QVERIFY(!session.isEmpty());
    expected = userEntry(QStringLiteral("login.mfa_passed"), m_aliceId, session,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::mfaDisabled(Expected& expected)
{
    mark();
    const CurlResult disabled = m_server.post(
        QStringLiteral("/api/v1/account/mfa"),
        {{QStringLiteral("enabled"), false}, {QStringLiteral("password"), m_alicePassword}},
        m_aliceToken);
    QCOMPARE(disabled.status, 200);
    expected = userEntry(QStringLiteral("mfa.disabled"), m_aliceId, m_aliceSession,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::passwordChanged(Expected& expected)
{
    mark();
    const CurlResult changed = m_server.post(QStringLiteral("/api/v1/account/password"),
                                             {{QStringLiteral("current_password"), m_alicePassword},
                                              {QStringLiteral("new_password"), kAliceNewPassword}},
                                             m_aliceToken);
    QCOMPARE(changed.status, 200);
    m_alicePassword = kAliceNewPassword;
    expected = userEntry(QStringLiteral("password.changed"), m_aliceId, m_aliceSession,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::passwordResetRequested(Expected& expected)
{
    mark();
    const CurlResult requested = m_server.post(QStringLiteral("/api/v1/auth/password-reset"),
                                               {{QStringLiteral("email"), kBob}});
    QCOMPARE(requested.status, 202);
    expected = Expected{QStringLiteral("password_reset.requested"),
                        QStringLiteral("anonymous"),
                        QString(),
                        QStringLiteral("user"),
                        m_bobId,
                        QStringLiteral("success"),
                        m_organizationId,
                        kLoopback,
                        QString()};
}

void TestAuditTrail::passwordResetCompleted(Expected& expected)
{
    const QString mail = m_server.waitForMail(kBob);
    static const QRegularExpression tokenPattern(
        QStringLiteral("reset-password\\?token=([A-Za-z0-9_-]{43})"));
    const QString token = tokenPattern.match(mail).captured(1);
    QVERIFY2(!token.isEmpty(), "no reset link in the mail");
    mark();
    const CurlResult completed = m_server.post(
        QStringLiteral("/api/v1/auth/password-reset/complete"),
        {{QStringLiteral("token"), token}, {QStringLiteral("new_password"), kBobResetPassword}});
    QCOMPARE(completed.status, 200);
    // The link proves control of the mailbox, so the user is the actor, without a session.
    expected = userEntry(QStringLiteral("password_reset.completed"), m_bobId, QString(),
                         QStringLiteral("user"), m_bobId);
}

void TestAuditTrail::adminSetsPassword(Expected& expected)
{
    mark();
    const CurlResult set =
        m_server.post(QStringLiteral("/api/v1/admin/users/%1/password").arg(m_bobId),
                      {{QStringLiteral("new_password"), kBobAdminPassword}}, m_adminToken);
    QCOMPARE(set.status, 200);
    expected = userEntry(QStringLiteral("account.password_set_by_admin"), m_adminId, m_adminSession,
                         QStringLiteral("user"), m_bobId);
}

void TestAuditTrail::adminSetPasswordDenied(Expected& expected)
{
    // The reset and the admin's change signed Bob out everywhere.
    m_bobToken = signInToken(kBob, kBobAdminPassword);
    QVERIFY(!m_bobToken.isEmpty());
    m_bobSession = sessionIdOf(m_bobToken);
    mark();
    const CurlResult denied =
        m_server.post(QStringLiteral("/api/v1/admin/users/%1/password").arg(m_aliceId),
                      {{QStringLiteral("new_password"), kBobAdminPassword}}, m_bobToken);
    QCOMPARE(denied.status, 403);
    expected = userEntry(QStringLiteral("account.password_set_by_admin"), m_bobId, m_bobSession,
                         QStringLiteral("user"), m_aliceId, QStringLiteral("denied"));
}

// ---- Records ----------------------------------------------------------------------------------

void TestAuditTrail::recordUploaded(Expected& expected)
{
    const QString path = m_files.filePath(kFilename);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.write("Blood pressure 120/80, follow-up in six weeks.\n") > 0);
    file.close();
    mark();
    const CurlResult uploaded = m_server.curl().upload(m_aliceToken, path, kFilename);
    QVERIFY2(uploaded.status == 201, uploaded.body.constData());
    m_recordId = uploaded.json().value(QStringLiteral("id")).toString();
    QVERIFY(!m_recordId.isEmpty());
    expected = userEntry(QStringLiteral("record.uploaded"), m_aliceId, m_aliceSession,
                         QStringLiteral("record"), m_recordId);
}

void TestAuditTrail::recordViewed(Expected& expected)
{
    mark();
    const CurlResult viewed = send(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/content").arg(m_recordId), {},
        m_aliceToken, {QStringLiteral("-H"), QStringLiteral("X-ChartInsight-Purpose: view")});
    QCOMPARE(viewed.status, 200);
    expected = userEntry(QStringLiteral("record.viewed"), m_aliceId, m_aliceSession,
                         QStringLiteral("record"), m_recordId);
}

void TestAuditTrail::recordDownloaded(Expected& expected)
{
    mark();
    // Without the purpose header the request counts as a download.
    const CurlResult downloaded =
        send(QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/content").arg(m_recordId),
             {}, m_aliceToken);
    QCOMPARE(downloaded.status, 200);
    expected = userEntry(QStringLiteral("record.downloaded"), m_aliceId, m_aliceSession,
                         QStringLiteral("record"), m_recordId);
}

void TestAuditTrail::recordSynced(Expected& expected)
{
    mark();
    const CurlResult synced = send(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/content").arg(m_recordId), {},
        m_aliceToken, {QStringLiteral("-H"), QStringLiteral("X-ChartInsight-Purpose: sync")});
    QCOMPARE(synced.status, 200);
    expected = userEntry(QStringLiteral("record.synced"), m_aliceId, m_aliceSession,
                         QStringLiteral("record"), m_recordId);
}

void TestAuditTrail::recordDownloadDenied(Expected& expected)
{
    mark();
    // The record is private to Alice, so Bob gets the same 404 as for a missing id.
    const CurlResult denied = send(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/content").arg(m_recordId), {},
        m_bobToken, {QStringLiteral("-H"), QStringLiteral("X-ChartInsight-Purpose: download")});
    QCOMPARE(denied.status, 404);
    expected = userEntry(QStringLiteral("record.downloaded"), m_bobId, m_bobSession,
                         QStringLiteral("record"), m_recordId, QStringLiteral("denied"));
}

void TestAuditTrail::titleChanged(Expected& expected)
{
    mark();
    const CurlResult changed =
        send(QStringLiteral("PATCH"), QStringLiteral("/api/v1/records/%1").arg(m_recordId),
             {{QStringLiteral("title"), kTitle}}, m_aliceToken);
    QCOMPARE(changed.status, 200);
    expected = userEntry(QStringLiteral("record.title_changed"), m_aliceId, m_aliceSession,
                         QStringLiteral("record"), m_recordId);
}

void TestAuditTrail::titleChangeDenied(Expected& expected)
{
    mark();
    const CurlResult denied =
        send(QStringLiteral("PATCH"), QStringLiteral("/api/v1/records/%1").arg(m_recordId),
             {{QStringLiteral("title"), kTitle}}, m_outsiderToken);
    QCOMPARE(denied.status, 404);
    expected = Expected{QStringLiteral("record.title_changed"),
                        QStringLiteral("user"),
                        m_outsiderId,
                        QStringLiteral("record"),
                        m_recordId,
                        QStringLiteral("denied"),
                        m_otherOrganizationId,
                        kLoopback,
                        m_outsiderSession};
}

void TestAuditTrail::sharingChanged(Expected& expected)
{
    mark();
    const CurlResult changed =
        send(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/sharing").arg(m_recordId),
             {{QStringLiteral("mode"), QStringLiteral("users")},
              {QStringLiteral("users"), QJsonArray{kBob}}},
             m_aliceToken);
    QVERIFY2(changed.status == 200, changed.body.constData());
    expected = userEntry(QStringLiteral("record.sharing_changed"), m_aliceId, m_aliceSession,
                         QStringLiteral("record"), m_recordId);
}

void TestAuditTrail::sharingChangeDenied(Expected& expected)
{
    mark();
    // A user of another organization gets the same 404 as for a missing id.
    const CurlResult denied =
        send(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/sharing").arg(m_recordId),
             {{QStringLiteral("mode"), QStringLiteral("private")}}, m_outsiderToken);
    QCOMPARE(denied.status, 404);
    expected = Expected{QStringLiteral("record.sharing_changed"),
                        QStringLiteral("user"),
                        m_outsiderId,
                        QStringLiteral("record"),
                        m_recordId,
                        QStringLiteral("denied"),
                        m_otherOrganizationId,
                        kLoopback,
                        m_outsiderSession};
}

// ---- Teams, members and roles -----------------------------------------------------------------

void TestAuditTrail::teamCreated(Expected& expected)
{
    mark();
    const CurlResult created = send(QStringLiteral("POST"), QStringLiteral("/api/v1/teams"),
                                    {{QStringLiteral("name"), kTeamName}}, m_adminToken);
    QCOMPARE(created.status, 201);
    m_teamId = created.json().value(QStringLiteral("id")).toString();
    QVERIFY(!m_teamId.isEmpty());
    expected = userEntry(QStringLiteral("team.created"), m_adminId, m_adminSession,
                         QStringLiteral("team"), m_teamId);
}

void TestAuditTrail::teamRenamed(Expected& expected)
{
    mark();
    const CurlResult renamed =
        send(QStringLiteral("PUT"), QStringLiteral("/api/v1/teams/%1").arg(m_teamId),
             {{QStringLiteral("name"), kTeamNewName}}, m_adminToken);
    QCOMPARE(renamed.status, 200);
    expected = userEntry(QStringLiteral("team.renamed"), m_adminId, m_adminSession,
                         QStringLiteral("team"), m_teamId);
}

void TestAuditTrail::teamRenameDenied(Expected& expected)
{
    mark();
    const CurlResult denied =
        send(QStringLiteral("PUT"), QStringLiteral("/api/v1/teams/%1").arg(m_teamId),
             {{QStringLiteral("name"), kTeamName}}, m_aliceToken);
    QCOMPARE(denied.status, 403);
    expected = userEntry(QStringLiteral("team.renamed"), m_aliceId, m_aliceSession,
                         QStringLiteral("team"), m_teamId, QStringLiteral("denied"));
}

void TestAuditTrail::memberAdded(Expected& expected)
{
    mark();
    const CurlResult added =
        send(QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/members").arg(m_teamId),
             {{QStringLiteral("email"), kAlice},
              {QStringLiteral("permissions"), permissions({QStringLiteral("manage_files")})}},
             m_adminToken);
    QVERIFY2(added.status == 201, added.body.constData());
    expected = userEntry(QStringLiteral("member.added"), m_adminId, m_adminSession,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::memberPermissionsChanged(Expected& expected)
{
    mark();
    const CurlResult changed =
        send(QStringLiteral("PUT"),
             QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_teamId, m_aliceId),
             {{QStringLiteral("permissions"), permissions({})}}, m_adminToken);
    QVERIFY2(changed.status == 200, changed.body.constData());
    expected = userEntry(QStringLiteral("member.permissions_changed"), m_adminId, m_adminSession,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::memberChangeDenied(Expected& expected)
{
    mark();
    // Alice is a member without manage_organization, so she cannot change memberships.
    const CurlResult denied =
        send(QStringLiteral("PUT"),
             QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_teamId, m_aliceId),
             {{QStringLiteral("permissions"), permissions({QStringLiteral("manage_files")})}},
             m_aliceToken);
    QCOMPARE(denied.status, 403);
    expected = userEntry(QStringLiteral("member.permissions_changed"), m_aliceId, m_aliceSession,
                         QStringLiteral("user"), m_aliceId, QStringLiteral("denied"));
}

void TestAuditTrail::memberRemoved(Expected& expected)
{
    mark();
    const CurlResult removed = send(
        QStringLiteral("DELETE"),
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(m_teamId, m_aliceId), {}, m_adminToken);
    QCOMPARE(removed.status, 204);
    expected = userEntry(QStringLiteral("member.removed"), m_adminId, m_adminSession,
                         QStringLiteral("user"), m_aliceId);
}

void TestAuditTrail::roleCreated(Expected& expected)
{
    mark();
    const CurlResult created =
        send(QStringLiteral("POST"), QStringLiteral("/api/v1/roles"),
             {{QStringLiteral("name"), kRoleName},
              {QStringLiteral("permissions"), permissions({QStringLiteral("manage_files")})}},
             m_adminToken);
    QCOMPARE(created.status, 201);
    m_roleId = created.json().value(QStringLiteral("id")).toString();
    QVERIFY(!m_roleId.isEmpty());
    expected = userEntry(QStringLiteral("role.created"), m_adminId, m_adminSession,
                         QStringLiteral("role"), m_roleId);
}

void TestAuditTrail::roleChanged(Expected& expected)
{
    mark();
    const CurlResult changed =
        send(QStringLiteral("PUT"), QStringLiteral("/api/v1/roles/%1").arg(m_roleId),
             {{QStringLiteral("name"), kRoleNewName}}, m_adminToken);
    QCOMPARE(changed.status, 200);
    expected = userEntry(QStringLiteral("role.changed"), m_adminId, m_adminSession,
                         QStringLiteral("role"), m_roleId);
}

void TestAuditTrail::roleDeleteDenied(Expected& expected)
{
    mark();
    const CurlResult denied =
        send(QStringLiteral("DELETE"), QStringLiteral("/api/v1/roles/%1").arg(m_roleId), {},
             m_aliceToken);
    QCOMPARE(denied.status, 403);
    expected = userEntry(QStringLiteral("role.deleted"), m_aliceId, m_aliceSession,
                         QStringLiteral("role"), m_roleId, QStringLiteral("denied"));
}

void TestAuditTrail::roleDeleted(Expected& expected)
{
    mark();
    const CurlResult deleted =
        send(QStringLiteral("DELETE"), QStringLiteral("/api/v1/roles/%1").arg(m_roleId), {},
             m_adminToken);
    QCOMPARE(deleted.status, 204);
    expected = userEntry(QStringLiteral("role.deleted"), m_adminId, m_adminSession,
                         QStringLiteral("role"), m_roleId);
}

// ---- Invitations ------------------------------------------------------------------------------

void TestAuditTrail::invitationSent(Expected& expected)
{
    mark();
    const CurlResult sent =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{QStringLiteral("email"), kDave}}, m_adminToken);
    QVERIFY2(sent.status == 201, sent.body.constData());
    m_invitationId = sent.json().value(QStringLiteral("id")).toString();
    QVERIFY(!m_invitationId.isEmpty());
    expected = userEntry(QStringLiteral("invitation.sent"), m_adminId, m_adminSession,
                         QStringLiteral("invitation"), m_invitationId);
}

void TestAuditTrail::invitationResent(Expected& expected)
{
    QVERIFY(!m_server.waitForMail(kDave).isEmpty());
    // A resend waits a minute after the first mail.
    QVERIFY(m_server.advanceClock(61));
    mark();
    const CurlResult resent = m_server.post(
        QStringLiteral("/api/v1/invitations/%1/resend").arg(m_invitationId), {}, m_adminToken);
    QVERIFY2(resent.status == 200, resent.body.constData());
    expected = userEntry(QStringLiteral("invitation.resent"), m_adminId, m_adminSession,
                         QStringLiteral("invitation"), m_invitationId);
}

void TestAuditTrail::invitationAccepted(Expected& expected)
{
    const QString token = InvitationServer::tokenFromMail(m_server.waitForMail(kDave));
    QVERIFY2(!token.isEmpty(), "no invitation link in the resent mail");
    mark();
    const CurlResult accepted = m_server.post(
        QStringLiteral("/api/v1/invitations/accept"),
        {{QStringLiteral("token"), token}, {QStringLiteral("password"), kDavePassword}});
    QVERIFY2(accepted.status == 200, accepted.body.constData());
    const QString daveId = accepted.json().value(QStringLiteral("user_id")).toString();
    QVERIFY(!daveId.isEmpty());
    expected = userEntry(QStringLiteral("invitation.accepted"), daveId, QString(),
                         QStringLiteral("invitation"), m_invitationId);
}

void TestAuditTrail::secondInvitationSent(Expected& expected)
{
    mark();
    const CurlResult sent =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{QStringLiteral("email"), kErin}}, m_adminToken);
    QVERIFY2(sent.status == 201, sent.body.constData());
    m_secondInvitationId = sent.json().value(QStringLiteral("id")).toString();
    QVERIFY(!m_secondInvitationId.isEmpty());
    expected = userEntry(QStringLiteral("invitation.sent"), m_adminId, m_adminSession,
                         QStringLiteral("invitation"), m_secondInvitationId);
    m_secondInvitationToken = InvitationServer::tokenFromMail(m_server.waitForMail(kErin));
    QVERIFY(!m_secondInvitationToken.isEmpty());
}

void TestAuditTrail::invitationRevokeDenied(Expected& expected)
{
    mark();
    const CurlResult denied =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/revoke").arg(m_secondInvitationId), {},
                      m_aliceToken);
    QCOMPARE(denied.status, 403);
    expected =
        userEntry(QStringLiteral("invitation.revoked"), m_aliceId, m_aliceSession,
                  QStringLiteral("invitation"), m_secondInvitationId, QStringLiteral("denied"));
}

void TestAuditTrail::invitationRevoked(Expected& expected)
{
    mark();
    const CurlResult revoked =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/revoke").arg(m_secondInvitationId), {},
                      m_adminToken);
    QCOMPARE(revoked.status, 200);
    expected = userEntry(QStringLiteral("invitation.revoked"), m_adminId, m_adminSession,
                         QStringLiteral("invitation"), m_secondInvitationId);
}

void TestAuditTrail::revokedInvitationAcceptFails(Expected& expected)
{
    mark();
    const CurlResult rejected = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                              {{QStringLiteral("token"), m_secondInvitationToken},
                                               {QStringLiteral("password"), kDavePassword}});
    QCOMPARE(rejected.status, 410);
    expected = Expected{QStringLiteral("invitation.accepted"),
                        QStringLiteral("anonymous"),
                        QString(),
                        QStringLiteral("invitation"),
                        m_secondInvitationId,
                        QStringLiteral("failed"),
                        m_organizationId,
                        kLoopback,
                        QString()};
}

// ---- Sessions ---------------------------------------------------------------------------------

void TestAuditTrail::sessionRevoked(Expected& expected)
{
    // Alice signs in on a second device, then ends that session from the first one.
    const QString otherSession = sessionIdOf(signInToken(kAlice, m_alicePassword));
    QVERIFY(!otherSession.isEmpty());
    mark();
    const CurlResult revoked =
        send(QStringLiteral("DELETE"), QStringLiteral("/api/v1/auth/sessions/%1").arg(otherSession),
             {}, m_aliceToken);
    QCOMPARE(revoked.status, 200);
    expected = userEntry(QStringLiteral("session.revoked"), m_aliceId, m_aliceSession,
                         QStringLiteral("session"), otherSession);
}

void TestAuditTrail::loggedOut(Expected& expected)
{
    mark();
    const CurlResult signedOut =
        m_server.post(QStringLiteral("/api/v1/auth/logout"), {}, m_aliceToken);
    QCOMPARE(signedOut.status, 200);
    expected = userEntry(QStringLiteral("logout"), m_aliceId, m_aliceSession,
                         QStringLiteral("session"), m_aliceSession);
}

void TestAuditTrail::allSessionsRevoked(Expected& expected)
{
    mark();
    const CurlResult signedOut =
        m_server.post(QStringLiteral("/api/v1/auth/logout-all"), {}, m_bobToken);
    QCOMPARE(signedOut.status, 200);
    expected = userEntry(QStringLiteral("sessions.revoked_all"), m_bobId, m_bobSession,
                         QStringLiteral("user"), m_bobId);
}

QTEST_GUILESS_MAIN(TestAuditTrail)
#include "TestAuditTrail.moc"
