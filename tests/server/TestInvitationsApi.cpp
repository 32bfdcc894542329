// Invitation routes and the /invitation page against a real chartinsight-server: the mail and
// its links, accepting as a new or an existing account, resend and revoke, permission checks,
// rate limits and concurrent accepts. Mail is read from DATA_DIR/outbox and time moves through
// the server's clock-offset file.
#include "InvitationTestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <thread>

using namespace chartinsight::test;

namespace {

const QString kOwner = QStringLiteral("owner@example.test");
const QString kOwnerPassword = QStringLiteral("Tulip-Harbor-2718!");
const QString kClinic = QStringLiteral("Riverside Clinic");
const QString kNewPassword = QStringLiteral("Granite-Orchid-Lantern-59");

QJsonArray names(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

QJsonObject findInvitation(const CurlResult& list, const QString& id)
{
    for (const QJsonValue& value : list.json().value(QStringLiteral("invitations")).toArray()) {
        if (value.toObject().value(QStringLiteral("id")).toString() == id)
            return value.toObject();
    }
    return {};
}

} // namespace

class TestInvitationsApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void createMailsLinks();
    void lookupDescribesInvitation();
    void acceptCreatesAccount();
    void acceptRejectsWeakPassword();
    void acceptExistingAccount();
    void acceptOtherOrganization();
    void createRejectsDuplicates();
    void createRejectsBadInput_data();
    void createRejectsBadInput();
    void grantOnlyHeldPermissions();
    void listNeedsPermission();
    void resendReplacesToken();
    void resendRateLimited();
    void revokeEndsLink();
    void concurrentAccept();
    void pageShowsForm();
    void pagePostCreatesAccount();
    void pageRejectsCrossSitePost();
    void pageRejectsUnknownToken();
    void logsHoldNoSecrets();

private:
    // Moves the server's clock and signs the owner in again, because access tokens live 15
    // minutes.
    bool advanceClock(qint64 seconds);
    // Invites `email` into the team and returns the token from the mail, or an empty string.
    QString invite(const QString& email, const QStringList& permissions = {},
                   QString* invitationId = nullptr);

    InvitationServer m_server;
    QString m_ownerToken;
    QString m_teamId;
    QStringList m_secrets; // addresses and tokens that must never reach the log
};

void TestInvitationsApi::initTestCase()
{
    QVERIFY(m_server.start());
    QCOMPARE(m_server.addUser(kOwner, kOwnerPassword, kClinic, true), 0);
    m_ownerToken = m_server.login(kOwner, kOwnerPassword);
    QVERIFY(!m_ownerToken.isEmpty());
    m_teamId = m_server.teamId(m_ownerToken, QStringLiteral("Cardiology"));
    QVERIFY(!m_teamId.isEmpty());
}

void TestInvitationsApi::cleanupTestCase()
{
    m_server.stop();
}

bool TestInvitationsApi::advanceClock(qint64 seconds)
{
    if (!m_server.advanceClock(seconds))
        return false;
    m_ownerToken = m_server.login(kOwner, kOwnerPassword);
    return !m_ownerToken.isEmpty();
}

QString TestInvitationsApi::invite(const QString& email, const QStringList& permissions,
                                   QString* invitationId)
{
    const CurlResult created = m_server.post(
        QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
        {{QStringLiteral("email"), email}, {QStringLiteral("permissions"), names(permissions)}},
        m_ownerToken);
    if (created.status != 201) {
        qWarning() << "invitation failed:" << created.status << created.body;
        return {};
    }
    if (invitationId)
        *invitationId = created.json().value(QStringLiteral("id")).toString();
    const QString token = InvitationServer::tokenFromMail(m_server.waitForMail(email));
    m_secrets << email << token;
    return token;
}

void TestInvitationsApi::createMailsLinks()
{
    const QString email = QStringLiteral("ada@example.test");
    // The Host header is chosen by the client, so the link must not follow it.
    const CurlResult created = m_server.curl().request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
        toJson({{QStringLiteral("email"), QStringLiteral(" Ada@Example.TEST ")},
                {QStringLiteral("permissions"), names({QStringLiteral("manage_files")})}}),
        m_ownerToken, {QStringLiteral("-H"), QStringLiteral("Host: attacker.example")});
    QCOMPARE(created.status, 201);
    const QJsonObject invitation = created.json();
    QCOMPARE(invitation.value("email").toString(), email);
    QCOMPARE(invitation.value("state").toString(), QStringLiteral("pending"));
    QCOMPARE(invitation.value("permissions").toArray(), names({QStringLiteral("manage_files")}));
    QVERIFY(!invitation.contains("token"));
    const QDateTime createdAt =
        QDateTime::fromString(invitation.value("created_at").toString(), Qt::ISODateWithMs);
    const QDateTime expiresAt =
        QDateTime::fromString(invitation.value("expires_at").toString(), Qt::ISODateWithMs);
    QCOMPARE(createdAt.msecsTo(expiresAt), 7LL * 24 * 60 * 60 * 1000);

    const QString mail = m_server.waitForMail(email);
    const QString token = InvitationServer::tokenFromMail(mail);
    m_secrets << email << token;
    QCOMPARE(token.size(), 43);
    QVERIFY(!mail.contains(QStringLiteral("chartinsight://")));
    QVERIFY(mail.contains(QStringLiteral("Cardiology")));
    QVERIFY(mail.contains(kClinic));
    QVERIFY(!mail.contains(QStringLiteral("attacker.example")));

    const CurlResult list =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), m_ownerToken);
    QCOMPARE(list.status, 200);
    QCOMPARE(findInvitation(list, invitation.value("id").toString()).value("state").toString(),
             QStringLiteral("pending"));
}

void TestInvitationsApi::lookupDescribesInvitation()
{
    const QString email = QStringLiteral("bea@example.test");
    const QString token = invite(email, {QStringLiteral("manage_files")});
    QVERIFY(!token.isEmpty());
    const CurlResult lookup =
        m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", token}});
    QCOMPARE(lookup.status, 200);
    QCOMPARE(lookup.json().value("organization").toString(), kClinic);
    QCOMPARE(lookup.json().value("team").toString(), QStringLiteral("Cardiology"));
    QCOMPARE(lookup.json().value("email").toString(), email);
    QCOMPARE(lookup.json().value("account_exists").toBool(true), false);

    const CurlResult unknown = m_server.post(QStringLiteral("/api/v1/invitations/lookup"),
                                             {{"token", QString(43, QLatin1Char('A'))}});
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("invitation_not_found"));
}

void TestInvitationsApi::acceptCreatesAccount()
{
    const QString email = QStringLiteral("cleo@example.test");
    QString id;
    const QString token = invite(email, {QStringLiteral("manage_files")}, &id);
    QVERIFY(!token.isEmpty());
    const CurlResult accepted = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                              {{"token", token}, {"password", kNewPassword}});
    QCOMPARE(accepted.status, 200);
    QCOMPARE(accepted.json().value("team_id").toString(), m_teamId);
    const QString userId = accepted.json().value("user_id").toString();
    QVERIFY(!userId.isEmpty());

    QVERIFY(!m_server.login(email, kNewPassword).isEmpty());
    QVERIFY(m_server.memberEmails(m_ownerToken, m_teamId).contains(email));
    const CurlResult list =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), m_ownerToken);
    const QJsonObject row = findInvitation(list, id);
    QCOMPARE(row.value("state").toString(), QStringLiteral("accepted"));
    QCOMPARE(row.value("accepted_user_id").toString(), userId);
    QVERIFY(!row.value("accepted_at").toString().isEmpty());

    const CurlResult again = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                           {{"token", token}, {"password", kNewPassword}});
    QCOMPARE(again.status, 410);
    QCOMPARE(again.errorCode(), QStringLiteral("invitation_used"));
}

void TestInvitationsApi::acceptRejectsWeakPassword()
{
    const QString email = QStringLiteral("dora@example.test");
    QString id;
    const QString token = invite(email, {}, &id);
    QVERIFY(!token.isEmpty());
    const CurlResult weak = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                          {{"token", token}, {"password", "password123"}});
    QCOMPARE(weak.status, 400);
    QCOMPARE(weak.errorCode(), QStringLiteral("weak_password"));
    QVERIFY(m_server.login(email, QStringLiteral("password123")).isEmpty());
    const CurlResult list =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), m_ownerToken);
    QCOMPARE(findInvitation(list, id).value("state").toString(), QStringLiteral("pending"));
}

void TestInvitationsApi::acceptExistingAccount()
{
    const QString email = QStringLiteral("eve@example.test");
    const QString password = QStringLiteral("Saffron-Meadow-Kettle-41");
    QCOMPARE(m_server.addUser(email, password, kClinic, false), 0);
    QVERIFY(!m_server.memberEmails(m_ownerToken, m_teamId).contains(email));
    const QString token = invite(email, {QStringLiteral("manage_files")});
    QVERIFY(!token.isEmpty());

    const CurlResult lookup =
        m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", token}});
    QCOMPARE(lookup.json().value("account_exists").toBool(), true);

    const CurlResult wrong = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                           {{"token", token}, {"password", kNewPassword}});
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.errorCode(), QStringLiteral("invalid_credentials"));
    QVERIFY(!m_server.memberEmails(m_ownerToken, m_teamId).contains(email));

    const CurlResult accepted = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                              {{"token", token}, {"password", password}});
    QCOMPARE(accepted.status, 200);
    QCOMPARE(accepted.json().value("account_created").toBool(true), false);
    QVERIFY(m_server.memberEmails(m_ownerToken, m_teamId).contains(email));
    // The password stays the one the account had.
    QVERIFY(!m_server.login(email, password).isEmpty());
}

void TestInvitationsApi::acceptOtherOrganization()
{
    const QString email = QStringLiteral("finn@example.test");
    const QString password = QStringLiteral("Walnut-Comet-Harbor-73");
    QCOMPARE(m_server.addUser(email, password, QStringLiteral("Hillside Practice"), false), 0);
    // Creating the invitation reveals nothing about the address to the inviter.
    const QString token = invite(email);
    QVERIFY(!token.isEmpty());

    const CurlResult lookup =
        m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", token}});
    QCOMPARE(lookup.status, 409);
    QCOMPARE(lookup.errorCode(), QStringLiteral("email_in_other_organization"));
    const CurlResult accepted = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                              {{"token", token}, {"password", password}});
    QCOMPARE(accepted.status, 409);
    QCOMPARE(accepted.errorCode(), QStringLiteral("email_in_other_organization"));
    QVERIFY(!m_server.memberEmails(m_ownerToken, m_teamId).contains(email));
}

void TestInvitationsApi::createRejectsDuplicates()
{
    const QString email = QStringLiteral("gus@example.test");
    QString id;
    QVERIFY(!invite(email, {}, &id).isEmpty());
    const CurlResult pending =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{"email", email}}, m_ownerToken);
    QCOMPARE(pending.status, 409);
    QCOMPARE(pending.errorCode(), QStringLiteral("invitation_pending"));

    const CurlResult member =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{"email", kOwner}}, m_ownerToken);
    // The owner is in the home team only, so inviting them into Cardiology is allowed once.
    QCOMPARE(member.status, 201);
    const QString token = InvitationServer::tokenFromMail(m_server.waitForMail(kOwner));
    QCOMPARE(m_server
                 .post(QStringLiteral("/api/v1/invitations/accept"),
                       {{"token", token}, {"password", kOwnerPassword}})
                 .status,
             200);
    const CurlResult again =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{"email", kOwner}}, m_ownerToken);
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorCode(), QStringLiteral("already_member"));
}

void TestInvitationsApi::createRejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("not json") << QByteArray("email=x") << 400 << "invalid_request";
    QTest::newRow("no email") << QByteArray("{\"permissions\":[]}") << 400 << "invalid_request";
    QTest::newRow("bad email") << QByteArray("{\"email\":\"not an address\"}") << 400
                               << "invalid_request";
    QTest::newRow("unknown permission")
        << QByteArray("{\"email\":\"hal@example.test\",\"permissions\":[\"root\"]}") << 400
        << "invalid_permission";
    QTest::newRow("permissions not array")
        << QByteArray("{\"email\":\"hal@example.test\",\"permissions\":\"manage_files\"}") << 400
        << "invalid_request";
}

void TestInvitationsApi::createRejectsBadInput()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const CurlResult result = m_server.curl().request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), body,
        m_ownerToken);
    QCOMPARE(result.status, status);
    QCOMPARE(result.errorCode(), code);
}

void TestInvitationsApi::grantOnlyHeldPermissions()
{
    // A team manager has manage_organization in Cardiology only.
    const QString email = QStringLiteral("ivy@example.test");
    const QString token = invite(email, {QStringLiteral("manage_organization")});
    QVERIFY(!token.isEmpty());
    QCOMPARE(m_server
                 .post(QStringLiteral("/api/v1/invitations/accept"),
                       {{"token", token}, {"password", kNewPassword}})
                 .status,
             200);
    const QString manager = m_server.login(email, kNewPassword);
    QVERIFY(!manager.isEmpty());

    const CurlResult billing = m_server.post(
        QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
        {{"email", "jon@example.test"}, {"permissions", names({QStringLiteral("manage_billing")})}},
        manager);
    QCOMPARE(billing.status, 403);
    QCOMPARE(billing.errorCode(), QStringLiteral("forbidden"));
    QVERIFY(billing.json().value("error").toObject().value("message").toString().contains(
        QStringLiteral("manage_billing")));

    const CurlResult held =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{"email", "jon@example.test"},
                       {"permissions", names({QStringLiteral("manage_organization")})}},
                      manager);
    QCOMPARE(held.status, 201);
    m_secrets << QStringLiteral("jon@example.test");

    // The manager cannot resend an invitation that grants more than they hold.
    QString ownerInvitation;
    QVERIFY(!invite(QStringLiteral("kim@example.test"), {QStringLiteral("manage_api")},
                    &ownerInvitation)
                 .isEmpty());
    QVERIFY(advanceClock(120));
    const CurlResult resend = m_server.post(
        QStringLiteral("/api/v1/invitations/%1/resend").arg(ownerInvitation), {}, manager);
    QCOMPARE(resend.status, 403);
}

void TestInvitationsApi::listNeedsPermission()
{
    const QString email = QStringLiteral("lea@example.test");
    const QString token = invite(email, {QStringLiteral("manage_files")});
    QVERIFY(!token.isEmpty());
    QCOMPARE(m_server
                 .post(QStringLiteral("/api/v1/invitations/accept"),
                       {{"token", token}, {"password", kNewPassword}})
                 .status,
             200);
    const QString member = m_server.login(email, kNewPassword);
    QVERIFY(!member.isEmpty());
    const CurlResult list =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), member);
    QCOMPARE(list.status, 403);
    const CurlResult create =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{"email", "max@example.test"}}, member);
    QCOMPARE(create.status, 403);

    // A user of another organization gets 404, as for a team that does not exist.
    const QString outsider = QStringLiteral("ned@example.test");
    QCOMPARE(m_server.addUser(outsider, kNewPassword, QStringLiteral("Lakeside Care"), true), 0);
    const QString outsiderToken = m_server.login(outsider, kNewPassword);
    const CurlResult foreign =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), outsiderToken);
    QCOMPARE(foreign.status, 404);

    const CurlResult anonymous =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), {});
    QCOMPARE(anonymous.status, 401);
}

void TestInvitationsApi::resendReplacesToken()
{
    const QString email = QStringLiteral("olga@example.test");
    QString id;
    const QString first = invite(email, {}, &id);
    QVERIFY(!first.isEmpty());
    const CurlResult before =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), m_ownerToken);
    const QString firstExpiry = findInvitation(before, id).value("expires_at").toString();

    QVERIFY(advanceClock(2 * 24 * 60 * 60));
    const CurlResult resent =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/resend").arg(id), {}, m_ownerToken);
    QCOMPARE(resent.status, 200);
    QCOMPARE(resent.json().value("send_count").toInt(), 2);
    QVERIFY(resent.json().value("expires_at").toString() > firstExpiry);
    const QString second = InvitationServer::tokenFromMail(m_server.waitForMail(email));
    m_secrets << second;
    QCOMPARE(second.size(), 43);
    QVERIFY(second != first);

    const CurlResult old =
        m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", first}});
    QCOMPARE(old.status, 404);
    QCOMPARE(old.errorCode(), QStringLiteral("invitation_not_found"));
    const CurlResult current =
        m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", second}});
    QCOMPARE(current.status, 200);

    // An expired invitation can be sent again, with a new 7-day expiry.
    QVERIFY(advanceClock(8 * 24 * 60 * 60));
    QCOMPARE(m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", second}})
                 .errorCode(),
             QStringLiteral("invitation_expired"));
    QCOMPARE(
        m_server.post(QStringLiteral("/api/v1/invitations/%1/resend").arg(id), {}, m_ownerToken)
            .status,
        200);
    const QString third = InvitationServer::tokenFromMail(m_server.waitForMail(email));
    m_secrets << third;
    QCOMPARE(m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", third}}).status,
             200);
}

void TestInvitationsApi::resendRateLimited()
{
    const QString email = QStringLiteral("pia@example.test");
    QString id;
    QVERIFY(!invite(email, {}, &id).isEmpty());
    const CurlResult soon =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/resend").arg(id), {}, m_ownerToken);
    QCOMPARE(soon.status, 429);
    QCOMPARE(soon.errorCode(), QStringLiteral("rate_limited"));
    const int wait = soon.header("retry-after").toInt();
    QVERIFY(wait > 0);
    QVERIFY(wait <= 60);

    QVERIFY(advanceClock(wait));
    QCOMPARE(
        m_server.post(QStringLiteral("/api/v1/invitations/%1/resend").arg(id), {}, m_ownerToken)
            .status,
        200);
    m_secrets << InvitationServer::tokenFromMail(m_server.waitForMail(email));
    // The second resend waits twice as long.
    const CurlResult doubled =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/resend").arg(id), {}, m_ownerToken);
    QCOMPARE(doubled.status, 429);
    QVERIFY(doubled.header("retry-after").toInt() > 60);
}

void TestInvitationsApi::revokeEndsLink()
{
    const QString email = QStringLiteral("quin@example.test");
    QString id;
    const QString token = invite(email, {}, &id);
    QVERIFY(!token.isEmpty());
    const CurlResult revoked =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/revoke").arg(id), {}, m_ownerToken);
    QCOMPARE(revoked.status, 200);
    QCOMPARE(revoked.json().value("state").toString(), QStringLiteral("revoked"));
    QVERIFY(!revoked.json().value("revoked_at").toString().isEmpty());

    const CurlResult accepted = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                              {{"token", token}, {"password", kNewPassword}});
    QCOMPARE(accepted.status, 410);
    QCOMPARE(accepted.errorCode(), QStringLiteral("invitation_revoked"));
    QVERIFY(m_server.login(email, kNewPassword).isEmpty());

    const CurlResult twice =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/revoke").arg(id), {}, m_ownerToken);
    QCOMPARE(twice.status, 200);
    QVERIFY(advanceClock(120));
    const CurlResult resend =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/resend").arg(id), {}, m_ownerToken);
    QCOMPARE(resend.status, 410);
    QCOMPARE(resend.errorCode(), QStringLiteral("invitation_revoked"));

    const CurlResult unknown =
        m_server.post(QStringLiteral("/api/v1/invitations/%1/revoke")
                          .arg(QStringLiteral("00000000-0000-4000-8000-000000000000")),
                      {}, m_ownerToken);
    QCOMPARE(unknown.status, 404);
}

void TestInvitationsApi::concurrentAccept()
{
    const QString email = QStringLiteral("rosa@example.test");
    const QString token = invite(email);
    QVERIFY(!token.isEmpty());
    const QByteArray body = toJson({{"token", token}, {"password", kNewPassword}});
    CurlClient first(m_server.process());
    CurlClient second(m_server.process());
    CurlResult results[2];
    std::thread a([&] {
        results[0] = first.request(QStringLiteral("POST"),
                                   QStringLiteral("/api/v1/invitations/accept"), body);
    });
    std::thread b([&] {
        results[1] = second.request(QStringLiteral("POST"),
                                    QStringLiteral("/api/v1/invitations/accept"), body);
    });
    a.join();
    b.join();
    const int successes = int(results[0].status == 200) + int(results[1].status == 200);
    QCOMPARE(successes, 1);
    const CurlResult& loser = results[0].status == 200 ? results[1] : results[0];
    QCOMPARE(loser.status, 410);
    QCOMPARE(loser.errorCode(), QStringLiteral("invitation_used"));
    QCOMPARE(m_server.memberEmails(m_ownerToken, m_teamId).count(email), 1);
}

void TestInvitationsApi::pageShowsForm()
{
    const QString email = QStringLiteral("sam@example.test");
    const QString token = invite(email);
    QVERIFY(!token.isEmpty());
    const CurlResult page = m_server.curl().request(QStringLiteral("GET"),
                                                    QStringLiteral("/invitation?token=") + token);
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("content-type").startsWith("text/html"));
    QCOMPARE(page.header("content-security-policy"),
             QByteArray("default-src 'none'; form-action 'self'; frame-ancestors 'none'"));
    QCOMPARE(page.header("referrer-policy"), QByteArray("no-referrer"));
    QVERIFY(page.body.contains("Cardiology"));
    QVERIFY(page.body.contains(kClinic.toUtf8()));
    QVERIFY(page.body.contains("autocomplete=\"new-password\""));
    QVERIFY(page.body.contains("action=\"/invitation\""));
    QVERIFY(!page.body.contains("<script"));
    QVERIFY(!page.body.contains("http://"));
    QVERIFY(!page.body.contains("https://"));
}

void TestInvitationsApi::pagePostCreatesAccount()
{
    const QString email = QStringLiteral("tia@example.test");
    const QString token = invite(email, {QStringLiteral("manage_files")});
    QVERIFY(!token.isEmpty());
    const QByteArray form = "token=" + QUrl::toPercentEncoding(token) +
                            "&password=" + QUrl::toPercentEncoding(kNewPassword);
    const CurlResult posted = m_server.curl().request(
        QStringLiteral("POST"), QStringLiteral("/invitation"), {}, {},
        {QStringLiteral("-H"), QStringLiteral("Content-Type: application/x-www-form-urlencoded"),
         QStringLiteral("-H"), QStringLiteral("Sec-Fetch-Site: same-origin"),
         QStringLiteral("--data-binary"), QString::fromLatin1(form)});
    QCOMPARE(posted.status, 200);
    QVERIFY(posted.body.contains("account was created"));
    QVERIFY(!m_server.login(email, kNewPassword).isEmpty());

    const CurlResult used = m_server.curl().request(QStringLiteral("GET"),
                                                    QStringLiteral("/invitation?token=") + token);
    QCOMPARE(used.status, 410);
    QVERIFY(used.body.contains("already used"));
    QVERIFY(!used.body.contains("<form"));
}

void TestInvitationsApi::pageRejectsCrossSitePost()
{
    const QString email = QStringLiteral("uma@example.test");
    const QString token = invite(email);
    QVERIFY(!token.isEmpty());
    const QByteArray form = "token=" + QUrl::toPercentEncoding(token) +
                            "&password=" + QUrl::toPercentEncoding(kNewPassword);
    const CurlResult posted = m_server.curl().request(
        QStringLiteral("POST"), QStringLiteral("/invitation"), {}, {},
        {QStringLiteral("-H"), QStringLiteral("Content-Type: application/x-www-form-urlencoded"),
         QStringLiteral("-H"), QStringLiteral("Sec-Fetch-Site: cross-site"),
         QStringLiteral("--data-binary"), QString::fromLatin1(form)});
    QCOMPARE(posted.status, 403);
    QVERIFY(m_server.login(email, kNewPassword).isEmpty());
    const CurlResult lookup =
        m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", token}});
    QCOMPARE(lookup.status, 200);
}

void TestInvitationsApi::pageRejectsUnknownToken()
{
    const CurlResult page = m_server.curl().request(
        QStringLiteral("GET"),
        QStringLiteral("/invitation?token=%3Cscript%3Ealert(1)%3C/script%3E"));
    QCOMPARE(page.status, 404);
    QVERIFY(!page.body.contains("<script"));
    QVERIFY(!page.body.contains("<form"));
    const CurlResult empty =
        m_server.curl().request(QStringLiteral("GET"), QStringLiteral("/invitation"));
    QCOMPARE(empty.status, 404);
}

void TestInvitationsApi::logsHoldNoSecrets()
{
    const QByteArray log = m_server.process().log();
    QVERIFY(log.contains("invitation"));
    for (const QString& secret : std::as_const(m_secrets)) {
        if (secret.isEmpty())
            continue;
        QVERIFY2(!log.contains(secret.toUtf8()), qPrintable(secret));
    }
}

QTEST_GUILESS_MAIN(TestInvitationsApi)
#include "TestInvitationsApi.moc"
