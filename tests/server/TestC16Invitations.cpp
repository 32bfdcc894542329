// Team invitations are single use, expire after 7 days and can be revoked, and the team's
// invitation list keeps each of them with its state.
//
// owner@example.test invites nora@example.test to team T (link L); Nora accepts and sets a
// password. Another browser opens L and tries to create oscar@example.test. The owner invites
// pat@example.test (link L2), the clock moves 7 days and 1 minute, the owner invites
// quinn@example.test (link L3) and revokes it. L2 and L3 are opened. Each reuse is rejected with
// its own reason (used, expired, revoked), no account is created, T's members stay the same,
// and the list shows accepted, expired and revoked.
#include "InvitationTestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QUrl>

using namespace chartinsight::test;

namespace {

const QString kOwner = QStringLiteral("owner@example.test");
const QString kOwnerPassword = QStringLiteral("Tulip-Harbor-2718!");
const QString kNora = QStringLiteral("nora@example.test");
const QString kNoraPassword = QStringLiteral("Granite-Orchid-Lantern-59");
const QString kOscar = QStringLiteral("oscar@example.test");
const QString kOscarPassword = QStringLiteral("Velvet-Glacier-Pepper-31");
const QString kPat = QStringLiteral("pat@example.test");
const QString kQuinn = QStringLiteral("quinn@example.test");
const QString kOrganization = QStringLiteral("Riverside Clinic");
constexpr qint64 kSevenDaysAndOneMinute = 7 * 24 * 60 * 60 + 60;

} // namespace

class TestC16Invitations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void acceptedLinkIsUsed();
    void expiredLinkIsExpired();
    void revokedLinkIsRevoked();
    void noAccountCreated();
    void membersUnchanged();
    void listShowsThreeStates();

private:
    QString invite(const QString& email);
    QStringList organizationEmails();
    // Opens the page of `token`, posts its form, and calls lookup and accept with `password`.
    // Checks that each returns `status` and `code`, and that the page names `reason`.
    void expectRejected(const QString& token, const QString& password, int status,
                        const QString& code, const QString& reason);

    InvitationServer m_server;
    QString m_ownerToken;
    QString m_teamId;
    QString m_linkL;
    QString m_linkL2;
    QString m_linkL3;
    QStringList m_membersAfterNora;
    QStringList m_usersAfterNora;
};

void TestC16Invitations::initTestCase()
{
    QVERIFY(m_server.start());
    QCOMPARE(m_server.addUser(kOwner, kOwnerPassword, kOrganization, true), 0);
    m_ownerToken = m_server.login(kOwner, kOwnerPassword);
    QVERIFY(!m_ownerToken.isEmpty());
    m_teamId = m_server.teamId(m_ownerToken, QStringLiteral("T"));
    QVERIFY(!m_teamId.isEmpty());

    // Nora accepts link L and sets a password.
    m_linkL = invite(kNora);
    QCOMPARE(m_linkL.size(), 43);
    const CurlResult accepted = m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                                              {{"token", m_linkL}, {"password", kNoraPassword}});
    QCOMPARE(accepted.status, 200);
    QVERIFY(!m_server.login(kNora, kNoraPassword).isEmpty());
    m_membersAfterNora = m_server.memberEmails(m_ownerToken, m_teamId);
    QVERIFY(m_membersAfterNora.contains(kNora));
    m_usersAfterNora = organizationEmails();
    QVERIFY(m_usersAfterNora.contains(kNora));

    // Link L2 for Pat expires: the clock moves 7 days and 1 minute.
    m_linkL2 = invite(kPat);
    QCOMPARE(m_linkL2.size(), 43);
    QVERIFY(m_server.advanceClock(kSevenDaysAndOneMinute));
    m_ownerToken = m_server.login(kOwner, kOwnerPassword); // access tokens live 15 minutes
    QVERIFY(!m_ownerToken.isEmpty());

    // Link L3 for Quinn is revoked.
    m_linkL3 = invite(kQuinn);
    QCOMPARE(m_linkL3.size(), 43);
    const CurlResult list =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), m_ownerToken);
    QString quinnId;
    for (const QJsonValue& value : list.json().value(QStringLiteral("invitations")).toArray()) {
        if (value.toObject().value(QStringLiteral("email")).toString() == kQuinn)
            quinnId = value.toObject().value(QStringLiteral("id")).toString();
    }
    QVERIFY(!quinnId.isEmpty());
    QCOMPARE(
        m_server
            .post(QStringLiteral("/api/v1/invitations/%1/revoke").arg(quinnId), {}, m_ownerToken)
            .status,
        200);
}

void TestC16Invitations::cleanupTestCase()
{
    m_server.stop();
}

QString TestC16Invitations::invite(const QString& email)
{
    const CurlResult created =
        m_server.post(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId),
                      {{QStringLiteral("email"), email},
                       {QStringLiteral("permissions"), QJsonArray{QStringLiteral("manage_files")}}},
                      m_ownerToken);
    if (created.status != 201) {
        qWarning() << "invitation failed:" << created.status << created.body;
        return {};
    }
    return InvitationServer::tokenFromMail(m_server.waitForMail(email));
}

QStringList TestC16Invitations::organizationEmails()
{
    const CurlResult users = m_server.get(QStringLiteral("/api/v1/admin/users"), m_ownerToken);
    QStringList emails;
    for (const QJsonValue& user : users.json().value(QStringLiteral("users")).toArray())
        emails << user.toObject().value(QStringLiteral("email")).toString();
    emails.sort();
    return emails;
}

void TestC16Invitations::expectRejected(const QString& token, const QString& password, int status,
                                        const QString& code, const QString& reason)
{
    // The browser opens the link: no form, only the reason.
    const CurlResult page = m_server.curl().request(QStringLiteral("GET"),
                                                    QStringLiteral("/invitation?token=") + token);
    QCOMPARE(page.status, status);
    QVERIFY2(page.body.contains(reason.toUtf8()), page.body.constData());
    QVERIFY(!page.body.contains("<form"));

    // A form posted anyway, with another address added to it.
    const QByteArray form = "token=" + QUrl::toPercentEncoding(token) +
                            "&email=" + QUrl::toPercentEncoding(kOscar) +
                            "&password=" + QUrl::toPercentEncoding(password);
    const CurlResult posted = m_server.curl().request(
        QStringLiteral("POST"), QStringLiteral("/invitation"), {}, {},
        {QStringLiteral("-H"), QStringLiteral("Content-Type: application/x-www-form-urlencoded"),
         QStringLiteral("--data-binary"), QString::fromLatin1(form)});
    QCOMPARE(posted.status, status);
    QVERIFY2(posted.body.contains(reason.toUtf8()), posted.body.constData());

    const CurlResult lookup =
        m_server.post(QStringLiteral("/api/v1/invitations/lookup"), {{"token", token}});
    QCOMPARE(lookup.status, status);
    QCOMPARE(lookup.errorCode(), code);

    const CurlResult accepted =
        m_server.post(QStringLiteral("/api/v1/invitations/accept"),
                      {{"token", token}, {"email", kOscar}, {"password", password}});
    QCOMPARE(accepted.status, status);
    QCOMPARE(accepted.errorCode(), code);
}

void TestC16Invitations::acceptedLinkIsUsed()
{
    expectRejected(m_linkL, kOscarPassword, 410, QStringLiteral("invitation_used"),
                   QStringLiteral("already used"));
    QVERIFY(m_server.login(kOscar, kOscarPassword).isEmpty());
    // Nora's own password did not change either.
    QVERIFY(!m_server.login(kNora, kNoraPassword).isEmpty());
}

void TestC16Invitations::expiredLinkIsExpired()
{
    expectRejected(m_linkL2, kOscarPassword, 410, QStringLiteral("invitation_expired"),
                   QStringLiteral("expired"));
    QVERIFY(m_server.login(kPat, kOscarPassword).isEmpty());
}

void TestC16Invitations::revokedLinkIsRevoked()
{
    expectRejected(m_linkL3, kOscarPassword, 410, QStringLiteral("invitation_revoked"),
                   QStringLiteral("revoked"));
    QVERIFY(m_server.login(kQuinn, kOscarPassword).isEmpty());
}

void TestC16Invitations::noAccountCreated()
{
    const QStringList users = organizationEmails();
    QCOMPARE(users, m_usersAfterNora);
    QVERIFY(!users.contains(kOscar));
    QVERIFY(!users.contains(kPat));
    QVERIFY(!users.contains(kQuinn));
    QVERIFY(m_server.login(kOscar, kOscarPassword).isEmpty());
}

void TestC16Invitations::membersUnchanged()
{
    QCOMPARE(m_server.memberEmails(m_ownerToken, m_teamId), m_membersAfterNora);
}

void TestC16Invitations::listShowsThreeStates()
{
    const CurlResult list =
        m_server.get(QStringLiteral("/api/v1/teams/%1/invitations").arg(m_teamId), m_ownerToken);
    QCOMPARE(list.status, 200);
    QHash<QString, QJsonObject> byEmail;
    const QJsonArray invitations = list.json().value(QStringLiteral("invitations")).toArray();
    for (const QJsonValue& value : invitations)
        byEmail.insert(value.toObject().value(QStringLiteral("email")).toString(),
                       value.toObject());
    QCOMPARE(invitations.size(), 3);
    QCOMPARE(byEmail.value(kNora).value("state").toString(), QStringLiteral("accepted"));
    QVERIFY(!byEmail.value(kNora).value("accepted_at").toString().isEmpty());
    QCOMPARE(byEmail.value(kPat).value("state").toString(), QStringLiteral("expired"));
    QVERIFY(byEmail.value(kPat).value("accepted_at").isNull());
    QCOMPARE(byEmail.value(kQuinn).value("state").toString(), QStringLiteral("revoked"));
    QVERIFY(!byEmail.value(kQuinn).value("revoked_at").toString().isEmpty());
    QVERIFY(byEmail.value(kQuinn).value("accepted_at").isNull());
}

QTEST_GUILESS_MAIN(TestC16Invitations)
#include "TestC16Invitations.moc"
