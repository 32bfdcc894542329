#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "core/RecordInfo.h"
#include "support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Harbor-Velvet-Saffron-9137!");

QStringList lines(const QByteArray& output)
{
    return QString::fromUtf8(output).split(u'\n', Qt::SkipEmptyParts);
}

QJsonArray jsonArray(const QByteArray& output)
{
    return QJsonDocument::fromJson(output).array();
}

// Returns the entry of `array` whose `key` is `value`, or an empty object.
QJsonObject entryWith(const QJsonArray& array, const QString& key, const QString& value)
{
    for (const QJsonValue& entry : array) {
        if (entry.toObject().value(key).toString() == value)
            return entry.toObject();
    }
    return {};
}

QStringList strings(const QJsonValue& array)
{
    QStringList list;
    for (const QJsonValue& value : array.toArray())
        list.append(value.toString());
    return list;
}

} // namespace

// Drives the team, member, invitation, share and access commands of chartinsight-cli against
// a real server. An administrator (all four permissions in the home team General) and a
// clinician (manage_files in General) of one organization sign in in turn, each test with its
// own profile folder and an emptied keychain.
class TestTeamsCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void teamListShowsHomeTeam();
    void teamCreateAndDuplicate();
    void memberAddSetRemove();
    void memberErrorsNameTheValue();
    void uploadIntoTeamWithSharing();
    void shareAndAccess();
    void invitationLifecycle();
    void clinicianCannotCreateTeam();
    void usageErrors_data();
    void usageErrors();

private:
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {}) const;
    bool login(const QString& email) const;
    QString newUser(const QString& name, bool admin);
    // Creates a team as the signed-in user and returns its id.
    QString createTeam(const QString& name) const;

    TestClock m_clock;
    ServerProcess m_server;
    QTemporaryDir m_files;
    std::unique_ptr<QTemporaryDir> m_profile;
    QString m_admin;
    QString m_clinician;
    QString m_pdf;
    int m_userCount = 0;
};

void TestTeamsCli::initTestCase()
{
    QVERIFY2(QFile::exists(cliExecutable()), "build chartinsight-cli first");
    m_clock.exportToEnvironment();
    QVERIFY(m_server.start());
    m_pdf = makePdf(m_files.path(), QStringLiteral("ward round.pdf"),
                    QStringLiteral("Ward round notes HERON-2290"));
    QVERIFY(!m_pdf.isEmpty());
}

void TestTeamsCli::init()
{
    QVERIFY(m_clock.setOffset(0));
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(client::sessionEntryName(m_server.url().toString())).ok());
    m_admin = newUser(QStringLiteral("head"), true);
    m_clinician = newUser(QStringLiteral("nurse"), false);
    QVERIFY(!m_admin.isEmpty());
    QVERIFY(!m_clinician.isEmpty());
}

ProcessOutput TestTeamsCli::cli(const QStringList& arguments, const QByteArray& input) const
{
    return runProcess(cliExecutable(),
                      QStringList{QStringLiteral("--server"), m_server.url().toString(),
                                  QStringLiteral("--ca-file"), m_server.caFile()} +
                          arguments,
                      input, 120000,
                      {QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_profile->path(),
                       QStringLiteral("CHARTINSIGHT_SIGNATURES=") + testSignatureDir()});
}

bool TestTeamsCli::login(const QString& email) const
{
    const ProcessOutput output =
        cli({QStringLiteral("login"), QStringLiteral("--email"), email}, kPassword.toUtf8() + '\n');
    if (output.exitCode != 0)
        qWarning("login failed: %s", output.standardError.constData());
    return output.exitCode == 0;
}

QString TestTeamsCli::newUser(const QString& name, bool admin)
{
    const QString email = QStringLiteral("%1%2@example.test").arg(name).arg(++m_userCount);
    return m_server.addUser(email, kPassword, admin) == 0 ? email : QString();
}

QString TestTeamsCli::createTeam(const QString& name) const
{
    const ProcessOutput created = cli({QStringLiteral("team"), QStringLiteral("create"), name});
    if (created.exitCode != 0) {
        qWarning("team create failed: %s", created.standardError.constData());
        return {};
    }
    return QString::fromUtf8(created.standardOutput).trimmed();
}

void TestTeamsCli::teamListShowsHomeTeam()
{
    QVERIFY(login(m_admin));
    const ProcessOutput listed =
        cli({QStringLiteral("team"), QStringLiteral("list"), QStringLiteral("--json")});
    QVERIFY2(listed.exitCode == 0, listed.standardError.constData());
    const QJsonObject general = entryWith(jsonArray(listed.standardOutput), QStringLiteral("name"),
                                          QStringLiteral("General"));
    QVERIFY(!general.isEmpty());
    QVERIFY(general.value(QStringLiteral("is_home")).toBool());
    const QStringList expected = {QStringLiteral("manage_files"),
                                  QStringLiteral("manage_organization"),
                                  QStringLiteral("manage_billing"), QStringLiteral("manage_api")};
    QCOMPARE(strings(general.value(QStringLiteral("permissions"))), expected);

    const ProcessOutput table = cli({QStringLiteral("team"), QStringLiteral("list")});
    QCOMPARE(table.exitCode, 0);
    const QStringList rows = lines(table.standardOutput);
    QVERIFY(rows.size() >= 2);
    QVERIFY(rows.first().startsWith(QStringLiteral("ID")));
    QVERIFY(table.standardOutput.contains("General (home team)"));
}

void TestTeamsCli::teamCreateAndDuplicate()
{
    QVERIFY(login(m_admin));
    const QString name = QStringLiteral("Cardiology %1").arg(m_userCount);
    const QString id = createTeam(name);
    QVERIFY(!id.isEmpty());

    const ProcessOutput listed =
        cli({QStringLiteral("team"), QStringLiteral("list"), QStringLiteral("--json")});
    const QJsonObject team = entryWith(jsonArray(listed.standardOutput), QStringLiteral("id"), id);
    QCOMPARE(team.value(QStringLiteral("name")).toString(), name);
    QVERIFY(!team.value(QStringLiteral("is_home")).toBool());

    const ProcessOutput duplicate = cli({QStringLiteral("team"), QStringLiteral("create"), name});
    QCOMPARE(duplicate.exitCode, 1);
    QVERIFY(duplicate.standardError.startsWith("chartinsight-cli: team create: "));
    QCOMPARE(lines(duplicate.standardError).size(), 1);

    const ProcessOutput empty =
        cli({QStringLiteral("team"), QStringLiteral("create"), QStringLiteral("   ")});
    QCOMPARE(empty.exitCode, 1);
    QVERIFY(empty.standardError.contains("team name"));
}

void TestTeamsCli::memberAddSetRemove()
{
    QVERIFY(login(m_admin));
    const QString team = QStringLiteral("Oncology %1").arg(m_userCount);
    QVERIFY(!createTeam(team).isEmpty());

    const ProcessOutput added =
        cli({QStringLiteral("member"), QStringLiteral("add"), m_clinician.toUpper(),
             QStringLiteral("--team"), team, QStringLiteral("--permission"),
             QStringLiteral("manage_files")});
    QVERIFY2(added.exitCode == 0, added.standardError.constData());
    QVERIFY(added.standardOutput.contains("manage_files"));

    ProcessOutput listed = cli({QStringLiteral("member"), QStringLiteral("list"),
                                QStringLiteral("--team"), team, QStringLiteral("--json")});
    QVERIFY2(listed.exitCode == 0, listed.standardError.constData());
    QJsonObject member =
        entryWith(jsonArray(listed.standardOutput), QStringLiteral("email"), m_clinician);
    QVERIFY(!member.isEmpty());
    QCOMPARE(strings(member.value(QStringLiteral("permissions"))),
             QStringList{QStringLiteral("manage_files")});

    // The permissions come back in the API's order, whatever the order given.
    const ProcessOutput changed =
        cli({QStringLiteral("member"), QStringLiteral("set-permissions"), m_clinician,
             QStringLiteral("--team"), team, QStringLiteral("--permission"),
             QStringLiteral("manage_api"), QStringLiteral("--permission"),
             QStringLiteral("manage_files")});
    QVERIFY2(changed.exitCode == 0, changed.standardError.constData());
    listed = cli({QStringLiteral("member"), QStringLiteral("list"), QStringLiteral("--team"), team,
                  QStringLiteral("--json")});
    member = entryWith(jsonArray(listed.standardOutput), QStringLiteral("email"), m_clinician);
    QCOMPARE(strings(member.value(QStringLiteral("permissions"))),
             (QStringList{QStringLiteral("manage_files"), QStringLiteral("manage_api")}));

    const ProcessOutput table =
        cli({QStringLiteral("member"), QStringLiteral("list"), QStringLiteral("--team"), team});
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.standardOutput.contains("manage_files,manage_api"));

    const ProcessOutput removed = cli({QStringLiteral("member"), QStringLiteral("remove"),
                                       m_clinician, QStringLiteral("--team"), team});
    QVERIFY2(removed.exitCode == 0, removed.standardError.constData());
    listed = cli({QStringLiteral("member"), QStringLiteral("list"), QStringLiteral("--team"), team,
                  QStringLiteral("--json")});
    QVERIFY(entryWith(jsonArray(listed.standardOutput), QStringLiteral("email"), m_clinician)
                .isEmpty());
}

void TestTeamsCli::memberErrorsNameTheValue()
{
    QVERIFY(login(m_admin));
    const QString team = QStringLiteral("Radiology %1").arg(m_userCount);
    QVERIFY(!createTeam(team).isEmpty());

    const ProcessOutput unknownTeam =
        cli({QStringLiteral("member"), QStringLiteral("list"), QStringLiteral("--team"),
             QStringLiteral("Nowhere Ward")});
    QCOMPARE(unknownTeam.exitCode, 1);
    QVERIFY(unknownTeam.standardError.contains("Nowhere Ward"));
    QVERIFY(unknownTeam.standardError.contains("team list"));

    const ProcessOutput unknownUser =
        cli({QStringLiteral("member"), QStringLiteral("add"), QStringLiteral("nobody@example.test"),
             QStringLiteral("--team"), team});
    QCOMPARE(unknownUser.exitCode, 1);
    QVERIFY(unknownUser.standardError.startsWith("chartinsight-cli: member add"));

    const ProcessOutput badPermission =
        cli({QStringLiteral("member"), QStringLiteral("add"), m_clinician, QStringLiteral("--team"),
             team, QStringLiteral("--permission"), QStringLiteral("manage_everything")});
    QCOMPARE(badPermission.exitCode, 1);
    QVERIFY(badPermission.standardError.contains("manage_everything"));

    const ProcessOutput notMember = cli({QStringLiteral("member"), QStringLiteral("remove"),
                                         m_clinician, QStringLiteral("--team"), team});
    QCOMPARE(notMember.exitCode, 1);
    QVERIFY(notMember.standardError.contains(m_clinician.toUtf8()));
    QVERIFY(notMember.standardError.contains("not a member"));
}

void TestTeamsCli::uploadIntoTeamWithSharing()
{
    QVERIFY(login(m_admin));
    const QString team = QStringLiteral("Surgery %1").arg(m_userCount);
    const QString teamId = createTeam(team);
    QVERIFY(!teamId.isEmpty());
    // Uploading into a team needs manage_files in that team itself, even for an administrator.
    const ProcessOutput refused =
        cli({QStringLiteral("upload"), QStringLiteral("--team"), team, m_pdf});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.standardError.contains("manage_files"));
    const ProcessOutput joined =
        cli({QStringLiteral("member"), QStringLiteral("add"), m_admin, QStringLiteral("--team"),
             team, QStringLiteral("--permission"), QStringLiteral("manage_files")});
    QVERIFY2(joined.exitCode == 0, joined.standardError.constData());

    const ProcessOutput uploaded = cli({QStringLiteral("upload"), QStringLiteral("--team"), team,
                                        QStringLiteral("--share"), QStringLiteral("team"), m_pdf});
    QVERIFY2(uploaded.exitCode == 0, uploaded.standardError.constData());
    const QString id = QString::fromUtf8(uploaded.standardOutput).trimmed();
    QVERIFY(isValidRecordId(id));

    const ProcessOutput listed = cli({QStringLiteral("list"), QStringLiteral("--json")});
    const QJsonObject record =
        entryWith(jsonArray(listed.standardOutput), QStringLiteral("id"), id);
    QCOMPARE(record.value(QStringLiteral("team_id")).toString(), teamId);
    QCOMPARE(record.value(QStringLiteral("team_name")).toString(), team);
    QCOMPARE(record.value(QStringLiteral("sharing")).toString(), QStringLiteral("team"));

    // The offline cache keeps the team and the sharing mode.
    const ProcessOutput synced = cli({QStringLiteral("sync")});
    QVERIFY2(synced.exitCode == 0, synced.standardError.constData());
    const ProcessOutput cached =
        cli({QStringLiteral("list"), QStringLiteral("--offline"), QStringLiteral("--json")});
    const QJsonObject cachedRecord =
        entryWith(jsonArray(cached.standardOutput), QStringLiteral("id"), id);
    QCOMPARE(cachedRecord.value(QStringLiteral("team_id")).toString(), teamId);
    QCOMPARE(cachedRecord.value(QStringLiteral("sharing")).toString(), QStringLiteral("team"));

    const ProcessOutput unknownTeam = cli({QStringLiteral("upload"), QStringLiteral("--team"),
                                           QStringLiteral("Nowhere Ward"), m_pdf});
    QCOMPARE(unknownTeam.exitCode, 1);
    QVERIFY(unknownTeam.standardError.contains("Nowhere Ward"));
    QVERIFY(unknownTeam.standardOutput.isEmpty());
}

void TestTeamsCli::shareAndAccess()
{
    QVERIFY(login(m_admin));
    const ProcessOutput uploaded =
        cli({QStringLiteral("upload"), QStringLiteral("--share"), QStringLiteral("users"),
             QStringLiteral("--user"), m_clinician, m_pdf});
    QVERIFY2(uploaded.exitCode == 0, uploaded.standardError.constData());
    const QString id = QString::fromUtf8(uploaded.standardOutput).trimmed();

    ProcessOutput access = cli({QStringLiteral("access"), id, QStringLiteral("--json")});
    QVERIFY2(access.exitCode == 0, access.standardError.constData());
    QJsonArray entries = jsonArray(access.standardOutput);
    const QJsonObject uploader = entryWith(entries, QStringLiteral("email"), m_admin);
    const QJsonObject shared = entryWith(entries, QStringLiteral("email"), m_clinician);
    QVERIFY2(!uploader.isEmpty(), access.standardOutput.constData());
    QVERIFY2(!shared.isEmpty(), access.standardOutput.constData());
    QCOMPARE(uploader.value(QStringLiteral("reason")).toString(), QStringLiteral("uploader"));
    QCOMPARE(shared.value(QStringLiteral("reason")).toString(), QStringLiteral("shared"));

    const ProcessOutput madePrivate =
        cli({QStringLiteral("share"), id, QStringLiteral("--mode"), QStringLiteral("private")});
    QVERIFY2(madePrivate.exitCode == 0, madePrivate.standardError.constData());
    QVERIFY(madePrivate.standardOutput.contains("private"));
    access = cli({QStringLiteral("access"), id, QStringLiteral("--json")});
    entries = jsonArray(access.standardOutput);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().toObject().value(QStringLiteral("reason")).toString(),
             QStringLiteral("uploader"));

    const ProcessOutput table = cli({QStringLiteral("access"), id});
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.standardOutput.contains("uploader"));

    const ProcessOutput stranger =
        cli({QStringLiteral("share"), id, QStringLiteral("--mode"), QStringLiteral("users"),
             QStringLiteral("--user"), QStringLiteral("stranger@elsewhere.test")});
    QCOMPARE(stranger.exitCode, 1);
    QVERIFY(stranger.standardError.contains("stranger@elsewhere.test"));

    // The clinician no longer sees the record: its id tells him so.
    QVERIFY(login(m_clinician));
    const ProcessOutput hidden = cli({QStringLiteral("access"), id});
    QCOMPARE(hidden.exitCode, 1);
    QVERIFY(hidden.standardError.contains("no access"));
    const ProcessOutput notShareable =
        cli({QStringLiteral("share"), id, QStringLiteral("--mode"), QStringLiteral("team")});
    QCOMPARE(notShareable.exitCode, 1);
}

void TestTeamsCli::invitationLifecycle()
{
    QVERIFY(login(m_admin));
    const QString team = QStringLiteral("Pediatrics %1").arg(m_userCount);
    QVERIFY(!createTeam(team).isEmpty());
    const QString invitee = QStringLiteral("new%1@example.test").arg(m_userCount);

    const ProcessOutput invited =
        cli({QStringLiteral("invite"), invitee, QStringLiteral("--team"), team,
             QStringLiteral("--permission"), QStringLiteral("manage_files")});
    QVERIFY2(invited.exitCode == 0, invited.standardError.constData());
    const QString id = QString::fromUtf8(invited.standardOutput).trimmed();
    QVERIFY(!id.isEmpty());

    ProcessOutput listed = cli({QStringLiteral("invitation"), QStringLiteral("list"),
                                QStringLiteral("--team"), team, QStringLiteral("--json")});
    QVERIFY2(listed.exitCode == 0, listed.standardError.constData());
    QJsonObject invitation = entryWith(jsonArray(listed.standardOutput), QStringLiteral("id"), id);
    QCOMPARE(invitation.value(QStringLiteral("email")).toString(), invitee);
    QCOMPARE(invitation.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
    QCOMPARE(strings(invitation.value(QStringLiteral("permissions"))),
             QStringList{QStringLiteral("manage_files")});

    // The server spaces the mails of one invitation, so the resend happens later.
    const ProcessOutput tooSoon = cli({QStringLiteral("invitation"), QStringLiteral("resend"), id});
    QCOMPARE(tooSoon.exitCode, 1);
    QVERIFY(tooSoon.standardError.contains("try again"));
    QVERIFY(m_clock.setOffset(10 * 60));
    const ProcessOutput resent = cli({QStringLiteral("invitation"), QStringLiteral("resend"), id});
    QVERIFY2(resent.exitCode == 0, resent.standardError.constData());
    const ProcessOutput revoked = cli({QStringLiteral("invitation"), QStringLiteral("revoke"), id});
    QVERIFY2(revoked.exitCode == 0, revoked.standardError.constData());

    listed = cli({QStringLiteral("invitation"), QStringLiteral("list"), QStringLiteral("--team"),
                  team, QStringLiteral("--json")});
    invitation = entryWith(jsonArray(listed.standardOutput), QStringLiteral("id"), id);
    QCOMPARE(invitation.value(QStringLiteral("state")).toString(), QStringLiteral("revoked"));

    const ProcessOutput table =
        cli({QStringLiteral("invitation"), QStringLiteral("list"), QStringLiteral("--team"), team});
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.standardOutput.contains(id.toUtf8()));
    QVERIFY(table.standardOutput.contains("revoked"));

    const ProcessOutput badId =
        cli({QStringLiteral("invitation"), QStringLiteral("revoke"), QStringLiteral("../teams")});
    QCOMPARE(badId.exitCode, 1);
    QVERIFY(badId.standardError.contains("invitation"));
}

void TestTeamsCli::clinicianCannotCreateTeam()
{
    QVERIFY(login(m_clinician));
    const ProcessOutput created =
        cli({QStringLiteral("team"), QStringLiteral("create"), QStringLiteral("Shadow Ward")});
    QCOMPARE(created.exitCode, 1);
    QVERIFY(created.standardError.startsWith("chartinsight-cli: team create: "));
    QVERIFY(created.standardError.contains("manage_organization"));
}

void TestTeamsCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    const QString id = QStringLiteral("123e4567-e89b-42d3-a456-426614174000");
    QTest::newRow("team without subcommand") << QStringList{QStringLiteral("team")};
    QTest::newRow("team delete") << QStringList{QStringLiteral("team"), QStringLiteral("delete"),
                                                QStringLiteral("X")};
    QTest::newRow("team create without name")
        << QStringList{QStringLiteral("team"), QStringLiteral("create")};
    QTest::newRow("member list without team")
        << QStringList{QStringLiteral("member"), QStringLiteral("list")};
    QTest::newRow("member add without email")
        << QStringList{QStringLiteral("member"), QStringLiteral("add"), QStringLiteral("--team"),
                       QStringLiteral("T")};
    QTest::newRow("member remove with permission") << QStringList{
        QStringLiteral("member"),      QStringLiteral("remove"), QStringLiteral("a@example.test"),
        QStringLiteral("--team"),      QStringLiteral("T"),      QStringLiteral("--permission"),
        QStringLiteral("manage_files")};
    QTest::newRow("invite without team")
        << QStringList{QStringLiteral("invite"), QStringLiteral("a@example.test")};
    QTest::newRow("invitation resend without id")
        << QStringList{QStringLiteral("invitation"), QStringLiteral("resend")};
    QTest::newRow("invitation delete")
        << QStringList{QStringLiteral("invitation"), QStringLiteral("delete"), id};
    QTest::newRow("share without mode") << QStringList{QStringLiteral("share"), id};
    QTest::newRow("share unknown mode") << QStringList{
        QStringLiteral("share"), id, QStringLiteral("--mode"), QStringLiteral("everyone")};
    QTest::newRow("share users without user") << QStringList{
        QStringLiteral("share"), id, QStringLiteral("--mode"), QStringLiteral("users")};
    QTest::newRow("share team with user")
        << QStringList{QStringLiteral("share"),  id,
                       QStringLiteral("--mode"), QStringLiteral("team"),
                       QStringLiteral("--user"), QStringLiteral("a@example.test")};
    QTest::newRow("upload users without user")
        << QStringList{QStringLiteral("upload"), QStringLiteral("--share"), QStringLiteral("users"),
                       QStringLiteral("file.pdf")};
    QTest::newRow("upload user without users mode")
        << QStringList{QStringLiteral("upload"), QStringLiteral("--user"),
                       QStringLiteral("a@example.test"), QStringLiteral("file.pdf")};
    QTest::newRow("access without id") << QStringList{QStringLiteral("access")};
    QTest::newRow("team option on list")
        << QStringList{QStringLiteral("list"), QStringLiteral("--team"), QStringLiteral("T")};
}

void TestTeamsCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    const ProcessOutput output = cli(arguments);
    QCOMPARE(output.exitCode, 2);
    const QStringList errorLines = lines(output.standardError);
    QCOMPARE(errorLines.size(), 1);
    QVERIFY(errorLines.first().startsWith(QStringLiteral("chartinsight-cli: ")));
}

QTEST_GUILESS_MAIN(TestTeamsCli)
#include "TestTeamsCli.moc"
