// Access reports against a real chartinsight-server: scope (manage_organization, uploader,
// other users), filters, keyset paging, names resolved when read, CSV export, the activity
// chart, bad filter values and the account's display name.
//
// Entries are seeded with AuditLog into the server's database with times in March 2020, so
// filtering on that month selects exactly the seeded entries, whatever entries the requests of
// the test itself add.

#include "AccessFixture.h"
#include "CurlClient.h"
#include "server/AuditLog.h"
#include "support/TestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <QUrl>
#include <QUuid>

using namespace chartinsight;
using namespace chartinsight::server;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Quarry-Lantern-Velvet-6630");
const QString kAdminEmail = QStringLiteral("admin@reports.test");
const QString kUploaderEmail = QStringLiteral("uma@reports.test");
const QString kViewerEmail = QStringLiteral("otto@reports.test");
const QString kStrangerEmail = QStringLiteral("stranger@elsewhere.test");
const QString kPeriod = QStringLiteral("since=2020-03-01&until=2020-04-01");

qint64 march(int day, int hour = 12)
{
    return QDateTime(QDate(2020, 3, day), QTime(hour, 0), Qt::UTC).toMSecsSinceEpoch();
}

QJsonArray entriesOf(const CurlResult& result)
{
    return result.json().value(QStringLiteral("entries")).toArray();
}

QStringList actionsOf(const QJsonArray& entries)
{
    QStringList actions;
    for (const QJsonValue& entry : entries)
        actions << entry.toObject().value(QStringLiteral("action")).toString();
    return actions;
}

// Splits CSV text into records of fields as RFC 4180 defines them.
QList<QStringList> parseCsv(const QByteArray& bytes)
{
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> records;
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            fields << field;
            field.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            fields << field;
            records << fields;
            fields.clear();
            field.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return records;
}

} // namespace

class TestReportsApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void accessReportAsUploader();
    void accessReportAsAdmin();
    void accessReportOfOthersRecord();
    void activityScopeOfUploader();
    void activityScopeOfOtherUser();
    void activityExcludesOtherOrganization();
    void filters_data();
    void filters();
    void pagingCoversEveryEntry();
    void loginsReport();
    void loginsAndInvitationsNeedPermission();
    void invitationsReport();
    void badValues_data();
    void badValues();
    void csvExport();
    void csvExportIsAudited();
    void chartBuckets();
    void chartBadValues();
    void displayNameShown();
    void displayNameInvalid_data();
    void displayNameInvalid();

private:
    CurlResult get(const QString& token, const QString& path);
    void seed(const QString& organization, const QString& actorKind, const QString& actorId,
              const QString& action, const QString& targetKind, const QString& targetId,
              const QString& outcome, qint64 createdAt, const QJsonObject& details = {});
    QString upload(const QString& token, const QString& query);

    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<CurlClient> m_client;
    std::unique_ptr<AccessFixture> m_fixture;
    std::unique_ptr<storage::SqlDatabase> m_db;
    QString m_organization;
    QString m_otherOrganization;
    QString m_team;
    QString m_admin;
    QString m_uploader;
    QString m_viewer;
    QString m_stranger;
    QString m_adminToken;
    QString m_uploaderToken;
    QString m_viewerToken;
    QString m_teamRecord;    // uma's, sharing "team": otto sees it
    QString m_privateRecord; // uma's, private
    QString m_goneRecord;    // an id with entries but no record row
    int m_seededInOrganization = 0;
};

void TestReportsApi::initTestCase()
{
    m_server = std::make_unique<ServerProcess>();
    QVERIFY(m_server->start({QStringLiteral("--ip-rate-limit"), QStringLiteral("100000")}));
    m_client = std::make_unique<CurlClient>(*m_server);
    m_fixture = std::make_unique<AccessFixture>(*m_server);
    QVERIFY(m_fixture->isOpen());

    const QString organization = QStringLiteral("Report Clinic");
    m_admin = m_fixture->addUser(kAdminEmail, kPassword, organization, true);
    m_uploader = m_fixture->addUser(kUploaderEmail, kPassword, organization);
    m_viewer = m_fixture->addUser(kViewerEmail, kPassword, organization);
    m_stranger = m_fixture->addUser(kStrangerEmail, kPassword, QStringLiteral("Elsewhere"), true);
    QVERIFY(!m_admin.isEmpty() && !m_uploader.isEmpty() && !m_viewer.isEmpty());
    QVERIFY(!m_stranger.isEmpty());
    m_organization = m_fixture->organizationOf(m_admin);
    m_otherOrganization = m_fixture->organizationOf(m_stranger);
    m_team = m_fixture->createTeam(m_organization, QStringLiteral("Radiology"));
    QVERIFY(!m_team.isEmpty());
    QVERIFY(m_fixture->setMembership(m_team, m_uploader, int(Permission::ManageFiles)));
    QVERIFY(m_fixture->setMembership(m_team, m_viewer, kNoPermissions));

    m_adminToken = m_client->login(kAdminEmail, kPassword);
    m_uploaderToken = m_client->login(kUploaderEmail, kPassword);
    m_viewerToken = m_client->login(kViewerEmail, kPassword);
    QVERIFY(!m_adminToken.isEmpty() && !m_uploaderToken.isEmpty() && !m_viewerToken.isEmpty());

    m_teamRecord = upload(m_uploaderToken, QStringLiteral("&team=%1&sharing=team").arg(m_team));
    m_privateRecord =
        upload(m_uploaderToken, QStringLiteral("&team=%1&sharing=private").arg(m_team));
    QVERIFY(!m_teamRecord.isEmpty() && !m_privateRecord.isEmpty());
    QCOMPARE(m_client
                 ->request(QStringLiteral("PATCH"),
                           QStringLiteral("/api/v1/records/") + m_teamRecord,
                           R"({"title":"Chest X-ray"})", m_uploaderToken)
                 .status,
             200);
    m_goneRecord = QUuid::createUuid().toString(QUuid::WithoutBraces);

    QFile keyFile(QDir(m_server->dataDir()).filePath(QStringLiteral("db.key")));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    auto opened = storage::SqlDatabase::open(
        QDir(m_server->dataDir()).filePath(QStringLiteral("chartinsight.db")),
        QByteArray::fromHex(keyFile.readAll().trimmed()),
        storage::SqlDatabase::OpenMode::ExistingOnly);
    QVERIFY(opened);
    m_db = std::move(opened).value();

    const QString user = QStringLiteral("user");
    const QString record = QStringLiteral("record");
    const QString success = QStringLiteral("success");
    const QString org = m_organization;
    // In order of time, one or more a day.
    seed(org, user, m_uploader, QStringLiteral("record.uploaded"), record, m_goneRecord, success,
         march(1));
    seed(org, user, m_viewer, QStringLiteral("record.viewed"), record, m_teamRecord, success,
         march(2));
    seed(org, user, m_viewer, QStringLiteral("record.downloaded"), record, m_teamRecord, success,
         march(2, 13));
    seed(org, user, m_admin, QStringLiteral("record.synced"), record, m_teamRecord, success,
         march(3));
    seed(org, user, m_viewer, QStringLiteral("record.title_changed"), record, m_teamRecord,
         QStringLiteral("denied"), march(3, 14));
    seed(org, user, m_uploader, QStringLiteral("record.viewed"), record, m_privateRecord, success,
         march(4));
    seed(org, user, m_viewer, QStringLiteral("record.viewed"), record, m_goneRecord, success,
         march(5), QJsonObject{{QStringLiteral("bytes"), 12}});
    seed(org, QStringLiteral("anonymous"), QString(), QStringLiteral("login.wrong_password"), user,
         m_viewer, QStringLiteral("failed"), march(6));
    seed(org, QStringLiteral("anonymous"), QString(), QStringLiteral("login.locked"), user,
         m_viewer, QStringLiteral("denied"), march(6, 13));
    seed(org, user, m_viewer, QStringLiteral("login.succeeded"), user, m_viewer, success,
         march(7));
    seed(org, user, m_viewer, QStringLiteral("logout"), QStringLiteral("session"),
         QUuid::createUuid().toString(QUuid::WithoutBraces), success, march(7, 13));
    seed(org, user, m_admin, QStringLiteral("login.succeeded"), user, m_admin, success, march(8));
    seed(org, user, m_admin, QStringLiteral("invitation.sent"), QStringLiteral("invitation"),
         QUuid::createUuid().toString(QUuid::WithoutBraces), success, march(9));
    seed(org, user, m_admin, QStringLiteral("team.created"), QStringLiteral("team"), m_team,
         success, march(10));
    m_seededInOrganization = 14;
    // Another organization's entries about the same record id never show here.
    seed(m_otherOrganization, user, m_stranger, QStringLiteral("record.viewed"), record,
         m_teamRecord, success, march(2, 15));
    seed(m_otherOrganization, user, m_stranger, QStringLiteral("invitation.sent"),
         QStringLiteral("invitation"), QUuid::createUuid().toString(QUuid::WithoutBraces),
         success, march(9, 15));
}

void TestReportsApi::cleanupTestCase()
{
    m_db.reset();
    m_fixture.reset();
    if (m_server)
        m_server->stop();
}

void TestReportsApi::seed(const QString& organization, const QString& actorKind,
                          const QString& actorId, const QString& action,
                          const QString& targetKind, const QString& targetId,
                          const QString& outcome, qint64 createdAt, const QJsonObject& details)
{
    AuditEntry entry;
    entry.createdAt = createdAt;
    entry.actorKind = actorKind;
    entry.actorId = actorId;
    entry.action = action;
    entry.targetKind = targetKind;
    entry.targetId = targetId;
    entry.outcome = outcome;
    entry.clientIp = QStringLiteral("127.0.0.1");
    entry.details = details;
    entry.organizationId = organization;
    auto appended = AuditLog(*m_db).append(entry);
    QVERIFY2(appended, qPrintable(appended ? QString() : appended.error().message));
}

QString TestReportsApi::upload(const QString& token, const QString& query)
{
    const CurlResult result = m_client->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/records?filename=scan.txt") + query,
        "report record", token);
    return result.status == 201 ? result.json().value(QStringLiteral("id")).toString()
                                : QString();
}

CurlResult TestReportsApi::get(const QString& token, const QString& path)
{
    return m_client->request(QStringLiteral("GET"), path, {}, token);
}

void TestReportsApi::accessReportAsUploader()
{
    const CurlResult result = get(m_uploaderToken, QStringLiteral("/api/v1/reports/access?record=%1&%2")
                                                       .arg(m_teamRecord, kPeriod));
    QCOMPARE(result.status, 200);
    const QJsonArray entries = entriesOf(result);
    QCOMPARE(actionsOf(entries), (QStringList{QStringLiteral("record.synced"),
                                              QStringLiteral("record.downloaded"),
                                              QStringLiteral("record.viewed")}));
    const QJsonObject newest = entries.first().toObject();
    QCOMPARE(newest.value(QStringLiteral("actor_id")).toString(), m_admin);
    QCOMPARE(newest.value(QStringLiteral("actor_name")).toString(), kAdminEmail);
    QCOMPARE(newest.value(QStringLiteral("target_name")).toString(), QStringLiteral("Chest X-ray"));
    QCOMPARE(newest.value(QStringLiteral("time")).toString(),
             QStringLiteral("2020-03-03T12:00:00.000Z"));
    QCOMPARE(newest.value(QStringLiteral("outcome")).toString(), QStringLiteral("success"));
    QCOMPARE(newest.value(QStringLiteral("client_ip")).toString(), QStringLiteral("127.0.0.1"));
    QVERIFY(newest.value(QStringLiteral("details")).isObject());
    QVERIFY(newest.value(QStringLiteral("sequence")).toDouble() >
            entries.at(1).toObject().value(QStringLiteral("sequence")).toDouble());
    QVERIFY(result.json().value(QStringLiteral("next_cursor")).isNull());
}

void TestReportsApi::accessReportAsAdmin()
{
    // An admin reads the report of a record they cannot see, and of one that is gone.
    CurlResult result = get(m_adminToken, QStringLiteral("/api/v1/reports/access?record=%1&%2")
                                              .arg(m_privateRecord, kPeriod));
    QCOMPARE(result.status, 200);
    QCOMPARE(actionsOf(entriesOf(result)), QStringList{QStringLiteral("record.viewed")});
    // Names are given only for records the viewer may see.
    QCOMPARE(entriesOf(result).first().toObject().value(QStringLiteral("target_name")).toString(),
             QString());

    result = get(m_adminToken,
                 QStringLiteral("/api/v1/reports/access?record=%1&%2").arg(m_goneRecord, kPeriod));
    QCOMPARE(result.status, 200);
    const QJsonArray entries = entriesOf(result);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().toObject().value(QStringLiteral("target_name")).toString(), QString());
    QCOMPARE(entries.first().toObject().value(QStringLiteral("details")).toObject(),
             (QJsonObject{{QStringLiteral("bytes"), 12}}));
}

void TestReportsApi::accessReportOfOthersRecord()
{
    // otto sees the team record but did not upload it.
    CurlResult result =
        get(m_viewerToken, QStringLiteral("/api/v1/reports/access?record=") + m_teamRecord);
    QCOMPARE(result.status, 403);
    QCOMPARE(result.errorCode(), QStringLiteral("forbidden"));
    // He cannot see the private record: the same 404 as an unknown id.
    result = get(m_viewerToken, QStringLiteral("/api/v1/reports/access?record=") + m_privateRecord);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.errorCode(), QStringLiteral("not_found"));
    // The uploader keeps the report of her record after the record row is gone, because the
    // trail has her record.uploaded entry.
    result = get(m_uploaderToken, QStringLiteral("/api/v1/reports/access?record=%1&%2")
                                      .arg(m_goneRecord, kPeriod));
    QCOMPARE(result.status, 200);
    QCOMPARE(entriesOf(result).size(), 1);
    // The stranger's organization has no such record.
    const QString strangerToken = m_client->login(kStrangerEmail, kPassword);
    result = get(strangerToken, QStringLiteral("/api/v1/reports/access?record=%1&%2")
                                    .arg(m_teamRecord, kPeriod));
    QCOMPARE(result.status, 200);
    QCOMPARE(actionsOf(entriesOf(result)), QStringList{QStringLiteral("record.viewed")});
    QCOMPARE(entriesOf(result).first().toObject().value(QStringLiteral("actor_id")).toString(),
             m_stranger);
}

void TestReportsApi::activityScopeOfUploader()
{
    const CurlResult result =
        get(m_uploaderToken, QStringLiteral("/api/v1/reports/activity?") + kPeriod);
    QCOMPARE(result.status, 200);
    const QJsonArray entries = entriesOf(result);
    // Everything about her three records, nothing else: no sign-ins, invitations or teams.
    QCOMPARE(entries.size(), 7);
    for (const QJsonValue& value : entries) {
        const QJsonObject entry = value.toObject();
        QCOMPARE(entry.value(QStringLiteral("target_kind")).toString(), QStringLiteral("record"));
        const QString target = entry.value(QStringLiteral("target_id")).toString();
        QVERIFY2(target == m_teamRecord || target == m_privateRecord || target == m_goneRecord,
                 qPrintable(target));
    }
}

void TestReportsApi::activityScopeOfOtherUser()
{
    // otto uploaded nothing, so he sees no entry, not even his own sign-ins.
    const CurlResult result =
        get(m_viewerToken, QStringLiteral("/api/v1/reports/activity?") + kPeriod);
    QCOMPARE(result.status, 200);
    QCOMPARE(entriesOf(result).size(), 0);
}

void TestReportsApi::activityExcludesOtherOrganization()
{
    const CurlResult result =
        get(m_adminToken, QStringLiteral("/api/v1/reports/activity?limit=1000&") + kPeriod);
    QCOMPARE(result.status, 200);
    const QJsonArray entries = entriesOf(result);
    QCOMPARE(entries.size(), m_seededInOrganization);
    for (const QJsonValue& value : entries)
        QVERIFY(value.toObject().value(QStringLiteral("actor_id")).toString() != m_stranger);
}

void TestReportsApi::filters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected");
    const QString viewed = QStringLiteral("record.viewed");
    QTest::newRow("user by e-mail")
        << QStringLiteral("user=otto%40reports.test")
        << QStringList{QStringLiteral("logout"), QStringLiteral("login.succeeded"), viewed,
                       QStringLiteral("record.title_changed"), QStringLiteral("record.downloaded"),
                       viewed};
    QTest::newRow("exact action") << QStringLiteral("action=record.viewed")
                                  << QStringList{viewed, viewed, viewed};
    QTest::newRow("action prefix")
        << QStringLiteral("action=login.")
        << QStringList{QStringLiteral("login.succeeded"), QStringLiteral("login.succeeded"),
                       QStringLiteral("login.locked"), QStringLiteral("login.wrong_password")};
    QTest::newRow("outcome")
        << QStringLiteral("outcome=denied")
        << QStringList{QStringLiteral("login.locked"), QStringLiteral("record.title_changed")};
    QTest::newRow("record") << QStringLiteral("record=RECORD&action=record.")
                            << QStringList{QStringLiteral("record.title_changed"),
                                           QStringLiteral("record.synced"),
                                           QStringLiteral("record.downloaded"), viewed};
    QTest::newRow("period")
        << QStringLiteral("since=2020-03-03&until=2020-03-04T12:00:00%2B00:00")
        << QStringList{QStringLiteral("record.title_changed"), QStringLiteral("record.synced")};
    QTest::newRow("period with offset")
        << QStringLiteral("since=2020-03-06T13:30:00+01:00&until=2020-03-07")
        << QStringList{QStringLiteral("login.locked")};
}

void TestReportsApi::filters()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    query.replace(QStringLiteral("RECORD"), m_teamRecord);
    QString path = QStringLiteral("/api/v1/reports/activity?") + query;
    if (!query.contains(QStringLiteral("since=")))
        path += QLatin1Char('&') + kPeriod;
    const CurlResult result = get(m_adminToken, path);
    QVERIFY2(result.status == 200, result.body.constData());
    QCOMPARE(actionsOf(entriesOf(result)), expected);
}

void TestReportsApi::pagingCoversEveryEntry()
{
    QList<qint64> sequences;
    QString cursor;
    int pages = 0;
    do {
        QString path = QStringLiteral("/api/v1/reports/activity?limit=3&") + kPeriod;
        if (!cursor.isEmpty())
            path += QStringLiteral("&cursor=") + cursor;
        const CurlResult result = get(m_adminToken, path);
        QCOMPARE(result.status, 200);
        const QJsonArray entries = entriesOf(result);
        QVERIFY(entries.size() <= 3);
        for (const QJsonValue& entry : entries)
            sequences << qint64(entry.toObject().value(QStringLiteral("sequence")).toDouble());
        const QJsonValue next = result.json().value(QStringLiteral("next_cursor"));
        cursor = next.isString() ? next.toString() : QString();
        ++pages;
    } while (!cursor.isEmpty() && pages < 20);
    QCOMPARE(pages, 5); // 14 entries in pages of 3
    QCOMPARE(sequences.size(), m_seededInOrganization);
    for (qsizetype i = 1; i < sequences.size(); ++i)
        QVERIFY(sequences.at(i) < sequences.at(i - 1));
}

void TestReportsApi::loginsReport()
{
    const CurlResult result = get(
        m_adminToken, QStringLiteral("/api/v1/reports/logins?user=otto%40reports.test&") + kPeriod);
    QCOMPARE(result.status, 200);
    QCOMPARE(actionsOf(entriesOf(result)),
             (QStringList{QStringLiteral("logout"), QStringLiteral("login.succeeded"),
                          QStringLiteral("login.locked"),
                          QStringLiteral("login.wrong_password")}));
    const QJsonObject failed = entriesOf(result).last().toObject();
    QCOMPARE(failed.value(QStringLiteral("actor_kind")).toString(), QStringLiteral("anonymous"));
    QCOMPARE(failed.value(QStringLiteral("target_name")).toString(), kViewerEmail);

    const CurlResult missing = get(m_adminToken, QStringLiteral("/api/v1/reports/logins"));
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.errorCode(), QStringLiteral("invalid_request"));
}

void TestReportsApi::loginsAndInvitationsNeedPermission()
{
    for (const QString& path : {QStringLiteral("/api/v1/reports/logins?user=") + m_viewer,
                                QStringLiteral("/api/v1/reports/invitations")}) {
        const CurlResult result = get(m_uploaderToken, path);
        QCOMPARE(result.status, 403);
        QCOMPARE(result.errorCode(), QStringLiteral("forbidden"));
    }
}

void TestReportsApi::invitationsReport()
{
    const CurlResult result =
        get(m_adminToken, QStringLiteral("/api/v1/reports/invitations?") + kPeriod);
    QCOMPARE(result.status, 200);
    QCOMPARE(actionsOf(entriesOf(result)), QStringList{QStringLiteral("invitation.sent")});
}

void TestReportsApi::badValues_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("named");
    const QString activity = QStringLiteral("/api/v1/reports/activity?");
    QTest::newRow("since text") << activity + "since=yesterday" << "yesterday";
    QTest::newRow("since month 13") << activity + "since=2020-13-01" << "2020-13-01";
    QTest::newRow("time without offset") << activity + "since=2020-03-01T10:00:00"
                                         << "2020-03-01T10:00:00";
    QTest::newRow("empty period") << activity + "since=2020-03-02&until=2020-03-01" << "until";
    QTest::newRow("limit zero") << activity + "limit=0" << "\"0\"";
    QTest::newRow("limit too large") << activity + "limit=1001" << "1001";
    QTest::newRow("limit text") << activity + "limit=ten" << "ten";
    QTest::newRow("cursor") << activity + "cursor=not-a-cursor" << "not-a-cursor";
    QTest::newRow("outcome") << activity + "outcome=maybe" << "maybe";
    QTest::newRow("action") << activity + "action=Record%20viewed" << "Record viewed";
    QTest::newRow("unknown e-mail") << activity + "user=nobody%40reports.test"
                                    << "nobody@reports.test";
    QTest::newRow("other organization's e-mail")
        << activity + "user=stranger%40elsewhere.test" << "stranger@elsewhere.test";
    QTest::newRow("user text") << activity + "user=otto" << "otto";
    QTest::newRow("unknown team") << activity + "team=" + QUuid::createUuid().toString(QUuid::WithoutBraces)
                                  << "team";
    QTest::newRow("record text") << activity + "record=chart" << "chart";
    QTest::newRow("unknown parameter") << activity + "sinse=2020-03-01" << "sinse";
    QTest::newRow("twice") << activity + "limit=5&limit=6" << "limit";
    QTest::newRow("format") << activity + "format=xml" << "xml";
    QTest::newRow("access without record") << QStringLiteral("/api/v1/reports/access") << "record";
    QTest::newRow("control character") << activity + "action=a%0Ab" << "\\n";
}

void TestReportsApi::badValues()
{
    QFETCH(QString, path);
    QFETCH(QString, named);
    const CurlResult result = get(m_adminToken, path);
    QCOMPARE(result.status, 400);
    QCOMPARE(result.errorCode(), QStringLiteral("invalid_request"));
    const QString message =
        result.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(named), qPrintable(message));
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
}

void TestReportsApi::csvExport()
{
    const CurlResult result = get(
        m_adminToken, QStringLiteral("/api/v1/reports/activity?format=csv&") + kPeriod);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("content-type"), QByteArray("text/csv; charset=utf-8"));
    QVERIFY(result.header("content-disposition").startsWith("attachment;"));
    QCOMPARE(result.header("transfer-encoding"), QByteArray("chunked"));
    QVERIFY(result.body.endsWith("\r\n"));
    const QList<QStringList> records = parseCsv(result.body);
    QCOMPARE(records.size(), m_seededInOrganization + 1);
    QCOMPARE(records.first().first(), QStringLiteral("sequence"));
    QCOMPARE(records.first().size(), 13);
    for (const QStringList& record : records)
        QCOMPARE(record.size(), 13);
    // Newest first, as in JSON; names resolved; details as compact JSON.
    QCOMPARE(records.at(1).at(5), QStringLiteral("team.created"));
    QCOMPARE(records.at(1).at(8), QStringLiteral("Radiology"));
    QCOMPARE(records.last().at(5), QStringLiteral("record.uploaded"));
    QCOMPARE(records.last().at(4), kUploaderEmail);
}

void TestReportsApi::csvExportIsAudited()
{
    const CurlResult exported = get(
        m_uploaderToken,
        QStringLiteral("/api/v1/reports/access?format=csv&record=") + m_teamRecord);
    QCOMPARE(exported.status, 200);
    // The export itself is left out of the file it writes.
    for (const QStringList& record : parseCsv(exported.body))
        QVERIFY(record.value(5) != QLatin1String("report.exported"));

    const CurlResult result = get(
        m_adminToken,
        QStringLiteral("/api/v1/reports/activity?action=report.exported&user=") + m_uploader);
    QCOMPARE(result.status, 200);
    const QJsonArray entries = entriesOf(result);
    QCOMPARE(entries.size(), 1);
    const QJsonObject entry = entries.first().toObject();
    QCOMPARE(entry.value(QStringLiteral("target_kind")).toString(), QStringLiteral("record"));
    QCOMPARE(entry.value(QStringLiteral("target_id")).toString(), m_teamRecord);
    QCOMPARE(entry.value(QStringLiteral("details")).toObject().value(QStringLiteral("report")).toString(),
             QStringLiteral("access"));
    QVERIFY(!entry.value(QStringLiteral("device_id")).toString().isEmpty());
}

void TestReportsApi::chartBuckets()
{
    CurlResult result =
        get(m_adminToken, QStringLiteral("/api/v1/reports/activity/chart?since=2020-03-01&"
                                         "until=2020-03-08&bucket=day"));
    QCOMPARE(result.status, 200);
    QJsonArray buckets = result.json().value(QStringLiteral("buckets")).toArray();
    QCOMPARE(buckets.size(), 7);
    const QList<int> perDay = {1, 2, 2, 1, 1, 2, 2};
    for (int day = 0; day < 7; ++day) {
        const QJsonObject bucket = buckets.at(day).toObject();
        QCOMPARE(bucket.value(QStringLiteral("start")).toString(),
                 QStringLiteral("2020-03-0%1T00:00:00.000Z").arg(day + 1));
        QCOMPARE(bucket.value(QStringLiteral("count")).toInt(), perDay.at(day));
    }
    QCOMPARE(buckets.at(1).toObject().value(QStringLiteral("by_action")).toObject(),
             (QJsonObject{{QStringLiteral("record.viewed"), 1},
                          {QStringLiteral("record.downloaded"), 1}}));

    // Weeks start on Monday: 2020-02-24 and 2020-03-02.
    result = get(m_adminToken, QStringLiteral("/api/v1/reports/activity/chart?since=2020-03-01&"
                                              "until=2020-03-08&bucket=week"));
    QCOMPARE(result.status, 200);
    buckets = result.json().value(QStringLiteral("buckets")).toArray();
    QCOMPARE(buckets.size(), 2);
    QCOMPARE(buckets.at(0).toObject().value(QStringLiteral("start")).toString(),
             QStringLiteral("2020-02-24T00:00:00.000Z"));
    QCOMPARE(buckets.at(0).toObject().value(QStringLiteral("count")).toInt(), 1);
    QCOMPARE(buckets.at(1).toObject().value(QStringLiteral("count")).toInt(), 10);

    // The uploader's chart counts only entries about her records.
    result = get(m_uploaderToken, QStringLiteral("/api/v1/reports/activity/chart?since=2020-03-01&"
                                                 "until=2020-03-11"));
    QCOMPARE(result.status, 200);
    int total = 0;
    for (const QJsonValue& bucket : result.json().value(QStringLiteral("buckets")).toArray())
        total += bucket.toObject().value(QStringLiteral("count")).toInt();
    QCOMPARE(total, 7);
}

void TestReportsApi::chartBadValues()
{
    CurlResult result =
        get(m_adminToken, QStringLiteral("/api/v1/reports/activity/chart?bucket=month"));
    QCOMPARE(result.status, 400);
    QCOMPARE(result.errorCode(), QStringLiteral("invalid_request"));
    result = get(m_adminToken,
                 QStringLiteral("/api/v1/reports/activity/chart?since=2000-01-01&until=2020-01-01"));
    QCOMPARE(result.status, 400);
    QCOMPARE(result.errorCode(), QStringLiteral("invalid_request"));
    result = get(m_adminToken, QStringLiteral("/api/v1/reports/activity/chart?limit=5"));
    QCOMPARE(result.status, 400);
}

void TestReportsApi::displayNameShown()
{
    CurlResult result = m_client->request(QStringLiteral("PATCH"), QStringLiteral("/api/v1/account"),
                                          R"({"display_name":"  Otto Berg  "})", m_viewerToken);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(QStringLiteral("display_name")).toString(),
             QStringLiteral("Otto Berg"));
    QCOMPARE(result.json().value(QStringLiteral("email")).toString(), kViewerEmail);

    result = get(m_viewerToken, QStringLiteral("/api/v1/account"));
    QCOMPARE(result.json().value(QStringLiteral("display_name")).toString(),
             QStringLiteral("Otto Berg"));
    result = get(m_adminToken, QStringLiteral("/api/v1/users"));
    bool listed = false;
    for (const QJsonValue& user : result.json().value(QStringLiteral("users")).toArray()) {
        if (user.toObject().value(QStringLiteral("id")).toString() == m_viewer) {
            QCOMPARE(user.toObject().value(QStringLiteral("display_name")).toString(),
                     QStringLiteral("Otto Berg"));
            listed = true;
        }
    }
    QVERIFY(listed);

    // Names are resolved when read, so entries written earlier show the new name.
    result = get(m_uploaderToken, QStringLiteral("/api/v1/reports/access?record=%1&%2")
                                      .arg(m_teamRecord, kPeriod));
    QCOMPARE(entriesOf(result).last().toObject().value(QStringLiteral("actor_name")).toString(),
             QStringLiteral("Otto Berg"));

    result = get(m_adminToken,
                 QStringLiteral("/api/v1/reports/activity?action=account.display_name_changed"));
    QCOMPARE(entriesOf(result).size(), 1);
    QCOMPARE(entriesOf(result).first().toObject().value(QStringLiteral("target_id")).toString(),
             m_viewer);

    // The same name again changes nothing and writes no entry.
    result = m_client->request(QStringLiteral("PATCH"), QStringLiteral("/api/v1/account"),
                               R"({"display_name":"Otto Berg"})", m_viewerToken);
    QCOMPARE(result.status, 200);
    result = get(m_adminToken,
                 QStringLiteral("/api/v1/reports/activity?action=account.display_name_changed"));
    QCOMPARE(entriesOf(result).size(), 1);
}

void TestReportsApi::displayNameInvalid_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("too long") << QJsonDocument(QJsonObject{{QStringLiteral("display_name"),
                                                            QString(101, QLatin1Char('x'))}})
                                     .toJson(QJsonDocument::Compact);
    QTest::newRow("line feed") << QByteArray(R"({"display_name":"Otto\nAdmin"})");
    QTest::newRow("bidi override") << QByteArray(R"({"display_name":"Otto\u202eBerg"})");
    QTest::newRow("zero width") << QByteArray(R"({"display_name":"Ot\u200bto"})");
    QTest::newRow("number") << QByteArray(R"({"display_name":5})");
    QTest::newRow("missing") << QByteArray(R"({"name":"Otto"})");
    QTest::newRow("not json") << QByteArray("display_name=Otto");
}

void TestReportsApi::displayNameInvalid()
{
    QFETCH(QByteArray, body);
    const CurlResult result = m_client->request(
        QStringLiteral("PATCH"), QStringLiteral("/api/v1/account"), body, m_uploaderToken);
    QCOMPARE(result.status, 400);
    QCOMPARE(result.errorCode(), QStringLiteral("invalid_request"));
    const CurlResult account = get(m_uploaderToken, QStringLiteral("/api/v1/account"));
    QCOMPARE(account.json().value(QStringLiteral("display_name")).toString(), QString());
}

QTEST_GUILESS_MAIN(TestReportsApi)
#include "TestReportsApi.moc"
