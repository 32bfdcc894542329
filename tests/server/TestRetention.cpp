// Retention against a real chartinsight-server. The tests cover expiration warnings read from a
// real SMTP server (Debian's aiosmtpd on loopback), erasure at the expiration, catch-up after
// downtime, legal hold, crashes between the steps of an erasure, what an erasure leaves in the
// data folder, deletion receipts, templates and team retention. Time moves through the
// server's test clock-offset file. The scheduler runs a pass every second, and the tests count
// the passes in the server's debug log instead of sleeping.
#include "AccessFixture.h"
#include "CurlClient.h"
#include "mail/MailTestSupport.h"
#include "server/RecordEraser.h"
#include "support/TestSupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>
#include <QUuid>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Orchid-Lantern-Voyage-4417");
constexpr qint64 kDay = 24 * 60 * 60;

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString isoUtc(const QDateTime& time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

// Paths of every file under `folder` whose bytes contain `marker`. grep reads the files in its
// own process: closing a descriptor of the database file in this process would drop the POSIX
// locks that this process's SQLite connection holds on it.
QStringList filesContaining(const QString& folder, const QByteArray& marker)
{
    const ProcessOutput output =
        runProcess(QStringLiteral("grep"), {QStringLiteral("-rlaF"), QStringLiteral("--"),
                                            QString::fromLatin1(marker), folder});
    if (output.exitCode > 1)
        return {QStringLiteral("grep failed: ") + QString::fromUtf8(output.standardError)};
    return QString::fromUtf8(output.standardOutput).split(u'\n', Qt::SkipEmptyParts);
}

int fileCount(const QString& folder)
{
    int count = 0;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    return count;
}

} // namespace

class TestRetention : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void secureDeleteIsOn();
    void invalidExpiryRejected_data();
    void invalidExpiryRejected();
    void expiryParsesOffsets();
    void warningMailsAtRightDays();
    void catchUpAfterDowntime();
    void legalHoldSuspendsErasure();
    void deleteLeavesNoTrace();
    void deleteNeedsPermission();
    void crashBetweenSteps_data();
    void crashBetweenSteps();
    void templatesApplyRetention();
    void teamRetentionApplies();

private:
    bool startServer(const QStringList& environment = {});
    void advanceClock(qint64 seconds);
    QDateTime serverNow() const;
    int passCount();
    bool waitForPasses(int count);
    QString upload(const QString& token, const QByteArray& content, const QString& query = {});
    QJsonObject record(const QString& token, const QString& id, int* status = nullptr);
    bool waitUntilGone(const QString& token, const QString& id);
    QStringList mailsTo(const QString& email);
    QString auditCount(const QString& action, const QString& recordId);
    QString setExpiry(const QString& token, const QString& id, const QDateTime& when);
    // A fresh access token of NAME@example.test: tokens live 15 minutes of server time, which
    // the tests move by days.
    QString token(const QString& name);

    QTemporaryDir m_dir;
    QString m_offsetFile;
    qint64 m_offsetSeconds = 0;
    TlsFiles m_tls;
    std::unique_ptr<SmtpSink> m_smtp;
    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_curl;
    std::unique_ptr<AccessFixture> m_fixture;
    QString m_alice; // uploader, manage_files in General
    QString m_bob;   // manage_files in General
    QString m_carol; // a member of General without manage_files
    QString m_admin; // manage_organization
};

void TestRetention::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_offsetFile = m_dir.filePath(QStringLiteral("clock-offset"));
    advanceClock(0);
    // The server inherits this process's environment.
    qputenv("CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE", m_offsetFile.toUtf8());
    qputenv("QT_LOGGING_RULES", "chartinsight.server.main.debug=true");

    QVERIFY(makeTlsFiles(m_dir.path(), m_tls));
    m_smtp = std::make_unique<SmtpSink>(m_dir.filePath(QStringLiteral("maildir")), m_tls);
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    QVERIFY(m_smtp->start(port, SmtpSink::Security::StartTls));

    QVERIFY(startServer());
    m_curl = std::make_unique<CurlClient>(m_server);
    m_fixture = std::make_unique<AccessFixture>(m_server);
    QVERIFY(m_fixture->isOpen());
    const QString organization = QStringLiteral("Retention Clinic");
    m_alice = m_fixture->addUser(QStringLiteral("alice@example.test"), kPassword, organization);
    m_bob = m_fixture->addUser(QStringLiteral("bob@example.test"), kPassword, organization);
    m_carol = m_fixture->addUser(QStringLiteral("carol@example.test"), kPassword, organization);
    m_admin =
        m_fixture->addUser(QStringLiteral("admin@example.test"), kPassword, organization, true);
    QVERIFY(!m_alice.isEmpty() && !m_bob.isEmpty() && !m_carol.isEmpty() && !m_admin.isEmpty());
    const QString home = m_fixture->homeTeamOf(m_fixture->organizationOf(m_alice));
    QVERIFY(m_fixture->setMembership(home, m_carol, server::kNoPermissions));
    for (const QString& name : {QStringLiteral("alice"), QStringLiteral("bob"),
                                QStringLiteral("carol"), QStringLiteral("admin")})
        QVERIFY(!token(name).isEmpty());
}

void TestRetention::cleanupTestCase()
{
    m_fixture.reset();
    m_server.stop();
    if (m_smtp)
        m_smtp->stop();
}

void TestRetention::init()
{
    // A test that failed between a stop and a start leaves the server down for the next one.
    if (!m_server.isRunning())
        QVERIFY(startServer());
}

bool TestRetention::startServer(const QStringList& environment)
{
    for (const QString& entry : environment)
        qputenv(entry.section(u'=', 0, 0).toUtf8(), entry.section(u'=', 1).toUtf8());
    const bool started = m_server.start(
        {QStringLiteral("--smtp-url"), m_smtp->url().toString(), QStringLiteral("--smtp-ca-file"),
         m_tls.certificate, QStringLiteral("--mail-from"), QStringLiteral("no-reply@clinic.test"),
         QStringLiteral("--retention-interval"), QStringLiteral("1")});
    for (const QString& entry : environment)
        qunsetenv(entry.section(u'=', 0, 0).toUtf8().constData());
    return started;
}

QString TestRetention::token(const QString& name)
{
    return m_curl->login(name + QStringLiteral("@example.test"), kPassword);
}

void TestRetention::advanceClock(qint64 seconds)
{
    m_offsetSeconds += seconds;
    QFile file(m_offsetFile);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray::number(m_offsetSeconds));
}

QDateTime TestRetention::serverNow() const
{
    return QDateTime::currentDateTimeUtc().addSecs(m_offsetSeconds);
}

int TestRetention::passCount()
{
    return int(m_server.log().count("retention pass finished"));
}

bool TestRetention::waitForPasses(int count)
{
    const int target = passCount() + count;
    const QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        if (passCount() >= target)
            return true;
        QThread::msleep(50);
    }
    return false;
}

QString TestRetention::upload(const QString& token, const QByteArray& content, const QString& query)
{
    const CurlResult result = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/records?filename=chart.txt") + query,
        content, token);
    if (result.status != 201) {
        qWarning("upload failed with %d: %s", result.status, result.body.constData());
        return QString();
    }
    return result.json().value(QStringLiteral("id")).toString();
}

QJsonObject TestRetention::record(const QString& token, const QString& id, int* status)
{
    const CurlResult result =
        m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records/") + id, {}, token);
    if (status)
        *status = result.status;
    return result.json();
}

bool TestRetention::waitUntilGone(const QString& token, const QString& id)
{
    const QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        int status = 0;
        record(token, id, &status);
        if (status == 404)
            return true;
        QThread::msleep(100);
    }
    return false;
}

QStringList TestRetention::mailsTo(const QString& email)
{
    QStringList subjects;
    for (const QString& path : m_smtp->deliveredFiles()) {
        const ParsedMail mail = parseMail(readFile(path));
        if (mail.parsed && mail.to.contains(email))
            subjects << mail.subject + QStringLiteral("\n") + mail.text;
    }
    return subjects;
}

QString TestRetention::auditCount(const QString& action, const QString& recordId)
{
    return m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = ? "
                                                "AND target_id = ?"),
                                 {action, recordId});
}

QString TestRetention::setExpiry(const QString& token, const QString& id, const QDateTime& when)
{
    const CurlResult result =
        m_curl->request(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/expiry").arg(id),
                        json({{QStringLiteral("expires_at"), isoUtc(when)}}), token);
    if (result.status != 200)
        qWarning("expiry failed with %d: %s", result.status, result.body.constData());
    return result.json().value(QStringLiteral("expires_at")).toString();
}

void TestRetention::secureDeleteIsOn()
{
    // SQLCipher overwrites deleted rows only with this pragma; SqlDatabase::open sets it, and
    // the pragma reads back 0 where the library was built without it.
    QCOMPARE(m_fixture->queryValue(QStringLiteral("PRAGMA secure_delete"), {}),
             QStringLiteral("1"));
}

void TestRetention::invalidExpiryRejected_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("past date") << QStringLiteral("2020-01-01");
    QTest::newRow("past time") << QStringLiteral("2021-06-01T10:00:00Z");
    QTest::newRow("no offset") << QStringLiteral("2099-01-01T10:00:00");
    QTest::newRow("not a date") << QStringLiteral("next tuesday");
    QTest::newRow("no such day") << QStringLiteral("2099-02-30");
}

void TestRetention::invalidExpiryRejected()
{
    QFETCH(QString, value);
    const QString id = upload(token(QStringLiteral("alice")), "expiry input");
    QVERIFY(!id.isEmpty());
    const CurlResult changed = m_curl->request(
        QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/expiry").arg(id),
        json({{QStringLiteral("expires_at"), value}}), token(QStringLiteral("alice")));
    QCOMPARE(changed.status, 400);
    QCOMPARE(changed.errorCode(), QStringLiteral("invalid_expiry"));
    const QString message =
        changed.json().value(QStringLiteral("error")).toObject().value("message").toString();
    QVERIFY2(message.contains(value), qPrintable(message));
    QVERIFY(
        record(token(QStringLiteral("alice")), id).value(QStringLiteral("expires_at")).isNull());

    const CurlResult uploaded =
        m_curl->request(QStringLiteral("POST"),
                        QStringLiteral("/api/v1/records?filename=chart.txt&expires_at=") +
                            QString::fromLatin1(QUrl::toPercentEncoding(value)),
                        "never stored", token(QStringLiteral("alice")));
    QCOMPARE(uploaded.status, 400);
    QCOMPARE(uploaded.errorCode(), QStringLiteral("invalid_expiry"));
}

void TestRetention::expiryParsesOffsets()
{
    const QString id = upload(token(QStringLiteral("alice")), "offsets");
    QVERIFY(!id.isEmpty());
    // Berlin's clocks skip 02:00 to 03:00 on that day, but with an explicit offset the time is
    // one instant: 01:30 UTC. The dates lie far ahead, because an expiration must be in the
    // future.
    const CurlResult changed = m_curl->request(
        QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/expiry").arg(id),
        json({{QStringLiteral("expires_at"), QStringLiteral("2037-03-29T02:30:00+01:00")}}),
        token(QStringLiteral("alice")));
    QCOMPARE(changed.status, 200);
    QCOMPARE(changed.json().value(QStringLiteral("expires_at")).toString(),
             QStringLiteral("2037-03-29T01:30:00.000Z"));
    // A date alone is the start of that day in UTC.
    const CurlResult dateOnly =
        m_curl->request(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/expiry").arg(id),
                        json({{QStringLiteral("expires_at"), QStringLiteral("2037-10-25")}}),
                        token(QStringLiteral("alice")));
    QCOMPARE(dateOnly.json().value(QStringLiteral("expires_at")).toString(),
             QStringLiteral("2037-10-25T00:00:00.000Z"));
    const CurlResult cleared =
        m_curl->request(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/expiry").arg(id),
                        json({{QStringLiteral("expires_at"), QJsonValue(QJsonValue::Null)}}),
                        token(QStringLiteral("alice")));
    QCOMPARE(cleared.status, 200);
    QVERIFY(cleared.json().value(QStringLiteral("expires_at")).isNull());
    QCOMPARE(auditCount(QStringLiteral("record.expiry_changed"), id), QStringLiteral("3"));
}

void TestRetention::warningMailsAtRightDays()
{
    const qsizetype aliceBefore = mailsTo(QStringLiteral("alice@example.test")).size();
    const qsizetype bobBefore = mailsTo(QStringLiteral("bob@example.test")).size();
    const QString id =
        upload(token(QStringLiteral("alice")), "warned record", QStringLiteral("&sharing=team"));
    QVERIFY(!id.isEmpty());
    const QDateTime expiresAt = serverNow().addSecs(10 * kDay);
    QVERIFY(!setExpiry(token(QStringLiteral("alice")), id, expiresAt).isEmpty());
    const QString date = expiresAt.toString(QStringLiteral("yyyy-MM-dd"));

    // 7.5 days before: nothing yet.
    advanceClock(qint64(2.5 * kDay));
    QVERIFY(waitForPasses(2));
    QCOMPARE(mailsTo(QStringLiteral("alice@example.test")).size(), aliceBefore);

    // 6.9 days before: the 7-day warning, to the uploader and the other manage_files holder.
    advanceClock(qint64(0.6 * kDay));
    QVERIFY(waitForPasses(2));
    QTRY_COMPARE_WITH_TIMEOUT(mailsTo(QStringLiteral("alice@example.test")).size(), aliceBefore + 1,
                              30000);
    QTRY_COMPARE_WITH_TIMEOUT(mailsTo(QStringLiteral("bob@example.test")).size(), bobBefore + 1,
                              30000);
    const QString warning = mailsTo(QStringLiteral("alice@example.test")).last();
    QVERIFY2(warning.contains(date), qPrintable(warning));
    QVERIFY2(warning.contains(QStringLiteral("in 7 days")), qPrintable(warning));
    // No record id, file name or content goes into a mail.
    QVERIFY(!warning.contains(id));
    QVERIFY(!warning.contains(QStringLiteral("chart.txt")));
    QVERIFY(mailsTo(QStringLiteral("carol@example.test")).isEmpty());

    // Half a day later: the same warning is not sent again.
    advanceClock(kDay / 2);
    QVERIFY(waitForPasses(2));
    QCOMPARE(mailsTo(QStringLiteral("alice@example.test")).size(), aliceBefore + 1);

    // 0.9 days before: the 1-day warning.
    advanceClock(qint64(5.5 * kDay));
    QVERIFY(waitForPasses(2));
    QTRY_COMPARE_WITH_TIMEOUT(mailsTo(QStringLiteral("alice@example.test")).size(), aliceBefore + 2,
                              30000);
    QTRY_COMPARE_WITH_TIMEOUT(mailsTo(QStringLiteral("bob@example.test")).size(), bobBefore + 2,
                              30000);
    QVERIFY(mailsTo(QStringLiteral("alice@example.test"))
                .last()
                .contains(QStringLiteral("within 24 hours")));

    // Just before the expiration the record is still there; just after it is erased.
    advanceClock(qint64(0.8 * kDay));
    QVERIFY(waitForPasses(2));
    int status = 0;
    record(token(QStringLiteral("alice")), id, &status);
    QCOMPARE(status, 200);
    advanceClock(qint64(0.2 * kDay));
    QVERIFY(waitUntilGone(token(QStringLiteral("alice")), id));
    QVERIFY(waitForPasses(2));
    QCOMPARE(mailsTo(QStringLiteral("alice@example.test")).size(), aliceBefore + 2);
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT actor_kind || '/' || actor_id FROM "
                                                  "audit_log WHERE action = 'record.deleted' "
                                                  "AND target_id = ?"),
                                   {id}),
             QStringLiteral("policy/retention"));
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT requested_by FROM deletion_receipts "
                                                  "WHERE record_id = ?"),
                                   {id}),
             QStringLiteral("retention"));
    QCOMPARE(auditCount(QStringLiteral("record.uploaded"), id), QStringLiteral("1"));
}

void TestRetention::catchUpAfterDowntime()
{
    const qsizetype aliceBefore = mailsTo(QStringLiteral("alice@example.test")).size();
    const QString id = upload(token(QStringLiteral("alice")), "expires while the server is down");
    QVERIFY(!id.isEmpty());
    QVERIFY(
        !setExpiry(token(QStringLiteral("alice")), id, serverNow().addSecs(10 * kDay)).isEmpty());

    m_server.stop();
    advanceClock(11 * kDay);
    QVERIFY(startServer());
    QVERIFY(waitUntilGone(token(QStringLiteral("alice")), id));
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT reason FROM record_erasures WHERE "
                                                  "record_id = ? AND finished_at IS NOT NULL"),
                                   {id}),
             QStringLiteral("expired"));
    QCOMPARE(auditCount(QStringLiteral("record.deleted"), id), QStringLiteral("1"));
    // A record that expired during the downtime gets no late warning.
    QVERIFY(waitForPasses(2));
    QCOMPARE(mailsTo(QStringLiteral("alice@example.test")).size(), aliceBefore);
}

void TestRetention::legalHoldSuspendsErasure()
{
    const QString id =
        upload(token(QStringLiteral("alice")), "held record", QStringLiteral("&sharing=team"));
    QVERIFY(!id.isEmpty());
    QVERIFY(!setExpiry(token(QStringLiteral("alice")), id, serverNow().addSecs(60 * 60)).isEmpty());

    const CurlResult denied =
        m_curl->request(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/hold").arg(id),
                        json({{QStringLiteral("hold"), true}}), token(QStringLiteral("alice")));
    QCOMPARE(denied.status, 403);
    const CurlResult held =
        m_curl->request(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/hold").arg(id),
                        json({{QStringLiteral("hold"), true}}), token(QStringLiteral("admin")));
    QCOMPARE(held.status, 200);
    QVERIFY(held.json().value(QStringLiteral("legal_hold")).toBool());
    QVERIFY(!held.json().value(QStringLiteral("can_delete")).toBool());

    advanceClock(2 * 60 * 60);
    QVERIFY(waitForPasses(2));
    int status = 0;
    record(token(QStringLiteral("alice")), id, &status);
    QCOMPARE(status, 200);
    const CurlResult refused =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("alice")));
    QCOMPARE(refused.status, 409);
    QCOMPARE(refused.errorCode(), QStringLiteral("legal_hold"));
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT outcome FROM audit_log WHERE action = "
                                                  "'record.deleted' AND target_id = ?"),
                                   {id}),
             QStringLiteral("denied"));

    const CurlResult lifted =
        m_curl->request(QStringLiteral("PUT"), QStringLiteral("/api/v1/records/%1/hold").arg(id),
                        json({{QStringLiteral("hold"), false}}), token(QStringLiteral("admin")));
    QCOMPARE(lifted.status, 200);
    QVERIFY(waitUntilGone(token(QStringLiteral("alice")), id));
    QCOMPARE(auditCount(QStringLiteral("record.hold_set"), id), QStringLiteral("1"));
    QCOMPARE(auditCount(QStringLiteral("record.hold_cleared"), id), QStringLiteral("1"));
}

void TestRetention::deleteLeavesNoTrace()
{
    const QString store = m_server.dataDir() + QStringLiteral("/store");
    const int objectsBefore = fileCount(store);
    const QByteArray marker = "MARKER-KESTREL-58211";
    const QByteArray content = "Discharge summary " + marker + " for the test patient\n";
    const QString id = upload(token(QStringLiteral("alice")), content);
    QVERIFY(!id.isEmpty());
    // Generated text, when the derive worker is installed, exists before the erasure.
    m_curl->waitUntilDerived(token(QStringLiteral("alice")), id, 60000);
    QVERIFY(fileCount(store) > objectsBefore);

    const CurlResult erased =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("alice")));
    QCOMPARE(erased.status, 200);
    const QJsonObject receipt = erased.json().value(QStringLiteral("receipt")).toObject();
    QCOMPARE(receipt.value(QStringLiteral("record_id")).toString(), id);
    QCOMPARE(
        receipt.value(QStringLiteral("content_sha256")).toString(),
        QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()));
    QCOMPARE(receipt.value(QStringLiteral("reason")).toString(), QStringLiteral("request"));
    const QJsonObject requester = receipt.value(QStringLiteral("requested_by")).toObject();
    QCOMPARE(requester.value(QStringLiteral("kind")).toString(), QStringLiteral("user"));
    QCOMPARE(requester.value(QStringLiteral("id")).toString(), m_alice);
    const QJsonObject removed = receipt.value(QStringLiteral("removed")).toObject();
    QVERIFY(removed.value(QStringLiteral("source_file")).toBool());
    QVERIFY(removed.value(QStringLiteral("data_key")).toBool());
    QVERIFY(QDateTime::fromString(receipt.value(QStringLiteral("erased_at")).toString(),
                                  Qt::ISODateWithMs)
                .isValid());
    QCOMPARE(erased.json().value(QStringLiteral("key_id")).toString().size(), 64);

    // Everything of the record is gone from the data folder and the log.
    QCOMPARE(fileCount(store), objectsBefore);
    QCOMPARE(filesContaining(m_server.dataDir(), marker), QStringList());
    QVERIFY(!m_server.log().contains(marker));
    QCOMPARE(
        m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM records WHERE id = ?"), {id}),
        QStringLiteral("0"));
    QCOMPARE(
        m_fixture->queryValue(
            QStringLiteral("SELECT COUNT(*) FROM record_derivatives WHERE record_id = ?"), {id}),
        QStringLiteral("0"));
    for (const QString& suffix : {QString(), QStringLiteral("/content"), QStringLiteral("/text"),
                                  QStringLiteral("/preview")}) {
        const CurlResult gone =
            m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records/") + id + suffix,
                            {}, token(QStringLiteral("alice")));
        QCOMPARE(gone.status, 404);
    }
    // The audit trail keeps the record's history, without its content.
    QCOMPARE(auditCount(QStringLiteral("record.uploaded"), id), QStringLiteral("1"));
    QCOMPARE(auditCount(QStringLiteral("record.deleted"), id), QStringLiteral("1"));
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE details "
                                                  "LIKE ?"),
                                   {QStringLiteral("%MARKER-KESTREL%")}),
             QStringLiteral("0"));

    // A repeated DELETE by the requester returns the same receipt, anyone else gets 404.
    const CurlResult again =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("alice")));
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json().value(QStringLiteral("receipt")).toObject(), receipt);
    const CurlResult other =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("bob")));
    QCOMPARE(other.status, 404);
}

void TestRetention::deleteNeedsPermission()
{
    const QString id =
        upload(token(QStringLiteral("alice")), "team record", QStringLiteral("&sharing=team"));
    QVERIFY(!id.isEmpty());
    // Carol sees the record through the team but lacks manage_files.
    QVERIFY(
        !record(token(QStringLiteral("carol")), id).value(QStringLiteral("can_delete")).toBool());
    const CurlResult denied =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("carol")));
    QCOMPARE(denied.status, 403);
    QCOMPARE(auditCount(QStringLiteral("record.deleted"), id), QStringLiteral("1"));
    // Bob has manage_files in the record's team.
    QVERIFY(record(token(QStringLiteral("bob")), id).value(QStringLiteral("can_delete")).toBool());
    const CurlResult erased =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("bob")));
    QCOMPARE(erased.status, 200);
    QCOMPARE(erased.json()
                 .value(QStringLiteral("receipt"))
                 .toObject()
                 .value(QStringLiteral("requested_by"))
                 .toObject()
                 .value(QStringLiteral("id"))
                 .toString(),
             m_bob);
}

void TestRetention::crashBetweenSteps_data()
{
    QTest::addColumn<QString>("step");
    QTest::newRow("marked") << QStringLiteral("marked");
    QTest::newRow("source removed") << QStringLiteral("source_removed");
    QTest::newRow("generated removed") << QStringLiteral("generated_removed");
    QTest::newRow("rows removed") << QStringLiteral("rows_removed");
}

void TestRetention::crashBetweenSteps()
{
    QFETCH(QString, step);
    const QString store = m_server.dataDir() + QStringLiteral("/store");
    const int objectsBefore = fileCount(store);
    const QByteArray marker = "MARKER-CRASH-" + step.toLatin1();
    const QString id = upload(token(QStringLiteral("alice")), "Chart " + marker + "\n",
                              QStringLiteral("&sharing=team"));
    QVERIFY(!id.isEmpty());
    m_curl->waitUntilDerived(token(QStringLiteral("alice")), id, 60000);

    m_server.stop();
    QVERIFY(startServer({QString::fromLatin1(server::kTestErasureCrashVariable) + u'=' + step}));
    const CurlResult cut =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("alice")));
    QCOMPARE(cut.status, 0); // the server exited before it answered
    m_server.stop();
    QCOMPARE(m_server.exitCode(), 75);
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM record_erasures WHERE "
                                                  "record_id = ? AND finished_at IS NULL"),
                                   {id}),
             QStringLiteral("1"));

    // The dead server's claim expires; the first pass after the restart finishes the erasure.
    advanceClock(server::RecordEraser::kClaimTimeoutMs / 1000 + 60);
    QVERIFY(startServer());
    const QDeadlineTimer finished(60000);
    while (!finished.hasExpired() &&
           m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM record_erasures WHERE "
                                                "record_id = ? AND finished_at IS NOT NULL"),
                                 {id}) != QLatin1String("1"))
        QThread::msleep(100);
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM record_erasures WHERE "
                                                  "record_id = ? AND finished_at IS NOT NULL"),
                                   {id}),
             QStringLiteral("1"));
    QCOMPARE(
        m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM records WHERE id = ?"), {id}),
        QStringLiteral("0"));
    QCOMPARE(m_fixture->queryValue(
                 QStringLiteral("SELECT COUNT(*) FROM record_shares WHERE record_id = ?"), {id}),
             QStringLiteral("0"));
    QCOMPARE(fileCount(store), objectsBefore);
    QCOMPARE(filesContaining(m_server.dataDir(), marker), QStringList());
    QCOMPARE(auditCount(QStringLiteral("record.deleted"), id), QStringLiteral("1"));
    // The requester gets the receipt by repeating the DELETE.
    const CurlResult receipt =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/records/") + id, {},
                        token(QStringLiteral("alice")));
    QCOMPARE(receipt.status, 200);
    QCOMPARE(receipt.json()
                 .value(QStringLiteral("receipt"))
                 .toObject()
                 .value(QStringLiteral("record_id"))
                 .toString(),
             id);
}

void TestRetention::templatesApplyRetention()
{
    const CurlResult created =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/templates"),
                        json({{QStringLiteral("name"), QStringLiteral("Lab result")},
                              {QStringLiteral("category"), QStringLiteral("Laboratory")},
                              {QStringLiteral("retention_days"), 30},
                              {QStringLiteral("sharing"), QStringLiteral("team")}}),
                        token(QStringLiteral("admin")));
    QCOMPARE(created.status, 201);
    const QString templateId = created.json().value(QStringLiteral("id")).toString();
    QCOMPARE(auditCount(QStringLiteral("template.created"), templateId), QStringLiteral("1"));

    const CurlResult duplicate =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/templates"),
                        json({{QStringLiteral("name"), QStringLiteral("LAB RESULT")}}),
                        token(QStringLiteral("admin")));
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(duplicate.errorCode(), QStringLiteral("template_exists"));
    const CurlResult forbidden = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/templates"),
        json({{QStringLiteral("name"), QStringLiteral("Other")}}), token(QStringLiteral("alice")));
    QCOMPARE(forbidden.status, 403);
    const CurlResult badDays = m_curl->request(
        QStringLiteral("PUT"), QStringLiteral("/api/v1/templates/") + templateId,
        json({{QStringLiteral("retention_days"), 0}}), token(QStringLiteral("admin")));
    QCOMPARE(badDays.status, 400);
    QCOMPARE(badDays.errorCode(), QStringLiteral("invalid_template"));

    const CurlResult listed =
        m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/templates"), {},
                        token(QStringLiteral("carol")));
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.json().value(QStringLiteral("templates")).toArray().size(), 1);

    const QDateTime before = serverNow();
    const CurlResult uploaded =
        m_curl->request(QStringLiteral("POST"),
                        QStringLiteral("/api/v1/records?filename=lab.txt&template=") + templateId,
                        "lab values", token(QStringLiteral("alice")));
    QCOMPARE(uploaded.status, 201);
    const QJsonObject stored = uploaded.json();
    QCOMPARE(stored.value(QStringLiteral("template_id")).toString(), templateId);
    QCOMPARE(stored.value(QStringLiteral("sharing")).toString(), QStringLiteral("team"));
    const QDateTime expires = QDateTime::fromString(
        stored.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs);
    const QDateTime createdAt = QDateTime::fromString(
        stored.value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs);
    QCOMPARE(createdAt.secsTo(expires), 30 * kDay);
    // The record's creation time comes from the server clock, which the test moved.
    QVERIFY(before.secsTo(createdAt) >= -5);

    // An explicit sharing mode and expiration win over the template's.
    const QString explicitExpiry = isoUtc(serverNow().addSecs(2 * kDay));
    const CurlResult overridden = m_curl->request(
        QStringLiteral("POST"),
        QStringLiteral("/api/v1/records?filename=lab.txt&sharing=private&template=%1&expires_at=%2")
            .arg(templateId, QString::fromLatin1(QUrl::toPercentEncoding(explicitExpiry))),
        "lab values", token(QStringLiteral("alice")));
    QCOMPARE(overridden.status, 201);
    QCOMPARE(overridden.json().value(QStringLiteral("sharing")).toString(),
             QStringLiteral("private"));
    QCOMPARE(overridden.json().value(QStringLiteral("expires_at")).toString(), explicitExpiry);

    const CurlResult unknown =
        m_curl->request(QStringLiteral("POST"),
                        QStringLiteral("/api/v1/records?filename=lab.txt&template=") +
                            QUuid::createUuid().toString(QUuid::WithoutBraces),
                        "lab values", token(QStringLiteral("alice")));
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.errorCode(), QStringLiteral("invalid_template"));

    const CurlResult deleted =
        m_curl->request(QStringLiteral("DELETE"), QStringLiteral("/api/v1/templates/") + templateId,
                        {}, token(QStringLiteral("admin")));
    QCOMPARE(deleted.status, 204);
    QVERIFY(record(token(QStringLiteral("alice")), stored.value(QStringLiteral("id")).toString())
                .value(QStringLiteral("template_id"))
                .isNull());
    QCOMPARE(auditCount(QStringLiteral("template.deleted"), templateId), QStringLiteral("1"));
}

void TestRetention::teamRetentionApplies()
{
    const QString home = m_fixture->homeTeamOf(m_fixture->organizationOf(m_alice));
    const CurlResult denied = m_curl->request(
        QStringLiteral("PUT"), QStringLiteral("/api/v1/teams/") + home,
        json({{QStringLiteral("retention_days"), 5}}), token(QStringLiteral("alice")));
    QCOMPARE(denied.status, 403);
    const CurlResult invalid = m_curl->request(
        QStringLiteral("PUT"), QStringLiteral("/api/v1/teams/") + home,
        json({{QStringLiteral("retention_days"), -3}}), token(QStringLiteral("admin")));
    QCOMPARE(invalid.status, 400);
    const CurlResult set = m_curl->request(
        QStringLiteral("PUT"), QStringLiteral("/api/v1/teams/") + home,
        json({{QStringLiteral("retention_days"), 5}}), token(QStringLiteral("admin")));
    QCOMPARE(set.status, 200);
    QCOMPARE(set.json().value(QStringLiteral("retention_days")).toInt(), 5);
    QCOMPARE(m_fixture->queryValue(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = "
                                                  "'team.retention_changed' AND target_id = ?"),
                                   {home}),
             QStringLiteral("1"));

    const CurlResult uploaded =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/records?filename=x.txt"),
                        "team default", token(QStringLiteral("alice")));
    QCOMPARE(uploaded.status, 201);
    const QDateTime created = QDateTime::fromString(
        uploaded.json().value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs);
    const QDateTime expires = QDateTime::fromString(
        uploaded.json().value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs);
    QCOMPARE(created.secsTo(expires), 5 * kDay);

    const CurlResult cleared =
        m_curl->request(QStringLiteral("PUT"), QStringLiteral("/api/v1/teams/") + home,
                        json({{QStringLiteral("retention_days"), QJsonValue(QJsonValue::Null)}}),
                        token(QStringLiteral("admin")));
    QCOMPARE(cleared.status, 200);
    QVERIFY(cleared.json().value(QStringLiteral("retention_days")).isNull());
}

QTEST_GUILESS_MAIN(TestRetention)
#include "TestRetention.moc"
