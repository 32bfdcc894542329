// The retention commands of chartinsight-cli against a real server: delete with a signed
// receipt, verify-receipt with the server's key and a key file, changed receipts, expirations
// typed in a time zone with daylight saving time, legal hold and templates.
#include "client/ClientSession.h"
#include "client/ClientTestSupport.h"
#include "client/SecretStore.h"
#include "core/RecordInfo.h"
#include "support/TestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Harbor-Velvet-Saffron-9137!");

QJsonObject recordIn(const QByteArray& listJson, const QString& id)
{
    for (const QJsonValue& value : QJsonDocument::fromJson(listJson).array()) {
        if (value.toObject().value(QStringLiteral("id")).toString() == id)
            return value.toObject();
    }
    return {};
}

} // namespace

class TestRetentionCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void deleteReceiptVerifies();
    void changedReceiptFails_data();
    void changedReceiptFails();
    void receiptKeyFromFile();
    void expireInBerlinTime_data();
    void expireInBerlinTime();
    void expireRejectsBadDates_data();
    void expireRejectsBadDates();
    void holdBlocksDelete();
    void templatesAtUpload();
    void usageErrors_data();
    void usageErrors();
    void otherUsersCacheLosesRecord();
    void offlineClockPurgesCache();

private:
    // The server's URL as https://localhost:PORT: a second server URL, so that a second user
    // has a keychain entry and cache binding of their own beside the 127.0.0.1 one.
    QString localhostUrl() const;
    ProcessOutput cli(const QStringList& arguments, const QByteArray& input = {},
                      const QStringList& environment = {}) const;
    bool login(const QString& email) const;
    QString upload(const QStringList& options = {}) const;

    TestClock m_clock;
    ServerProcess m_server;
    QTemporaryDir m_files;
    std::unique_ptr<QTemporaryDir> m_profile;
    QString m_admin = QStringLiteral("head@example.test");
    QString m_clinician = QStringLiteral("nurse@example.test");
    QString m_chart;
    QString m_receipt;
};

void TestRetentionCli::initTestCase()
{
    QVERIFY2(QFile::exists(cliExecutable()), "build chartinsight-cli first");
    m_clock.exportToEnvironment();
    QVERIFY(m_server.start());
    QCOMPARE(m_server.addUser(m_admin, kPassword, true), 0);
    QCOMPARE(m_server.addUser(m_clinician, kPassword, false), 0);
    m_chart =
        writeFile(m_files.path(), QStringLiteral("chart.txt"), "Ward round notes OSPREY-7713\n");
    QVERIFY(!m_chart.isEmpty());
}

void TestRetentionCli::init()
{
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(client::kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(client::sessionEntryName(m_server.url().toString())).ok());
}

ProcessOutput TestRetentionCli::cli(const QStringList& arguments, const QByteArray& input,
                                    const QStringList& environment) const
{
    return runProcess(cliExecutable(),
                      QStringList{QStringLiteral("--server"), m_server.url().toString(),
                                  QStringLiteral("--ca-file"), m_server.caFile()} +
                          arguments,
                      input, 120000,
                      QStringList{QStringLiteral("CHARTINSIGHT_PROFILE_DIR=") + m_profile->path(),
                                  QStringLiteral("CHARTINSIGHT_SIGNATURES=") + testSignatureDir()} +
                          environment);
}

bool TestRetentionCli::login(const QString& email) const
{
    const ProcessOutput output =
        cli({QStringLiteral("login"), QStringLiteral("--email"), email}, kPassword.toUtf8() + '\n');
    if (output.exitCode != 0)
        qWarning("login failed: %s", output.standardError.constData());
    return output.exitCode == 0;
}

QString TestRetentionCli::upload(const QStringList& options) const
{
    const ProcessOutput output = cli(QStringList{QStringLiteral("upload")} + options << m_chart);
    if (output.exitCode != 0) {
        qWarning("upload failed: %s", output.standardError.constData());
        return {};
    }
    return QString::fromUtf8(output.standardOutput).trimmed();
}

void TestRetentionCli::deleteReceiptVerifies()
{
    QVERIFY(login(m_clinician));
    const QString id = upload();
    QVERIFY(!id.isEmpty());
    m_receipt = m_files.filePath(QStringLiteral("receipt.json"));
    const ProcessOutput erased =
        cli({QStringLiteral("delete"), id, QStringLiteral("--receipt"), m_receipt});
    QVERIFY2(erased.exitCode == 0, erased.standardError.constData());
    QVERIFY(erased.standardOutput.contains(m_receipt.toUtf8()));
    const QJsonObject saved = QJsonDocument::fromJson(readFile(m_receipt)).object();
    QCOMPARE(saved.value(QStringLiteral("receipt")).toObject().value("record_id").toString(), id);
    QCOMPARE(saved.value(QStringLiteral("receipt")).toObject().value("content_sha256").toString(),
             sha256OfFile(m_chart));

    const ProcessOutput listed = cli({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(listed.exitCode, 0);
    QVERIFY(recordIn(listed.standardOutput, id).isEmpty());

    const ProcessOutput verified = cli({QStringLiteral("verify-receipt"), m_receipt});
    QVERIFY2(verified.exitCode == 0, verified.standardError.constData());
    QVERIFY(verified.standardOutput.contains("Valid deletion receipt"));
    QVERIFY(verified.standardOutput.contains(id.toUtf8()));

    // The key is public: a signed-out CLI verifies too.
    QCOMPARE(cli({QStringLiteral("logout")}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("verify-receipt"), m_receipt}).exitCode, 0);
}

void TestRetentionCli::changedReceiptFails_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("record id") << QStringLiteral("record_id")
                               << QJsonValue(
                                      QStringLiteral("00000000-0000-4000-8000-000000000000"));
    QTest::newRow("content hash") << QStringLiteral("content_sha256")
                                  << QJsonValue(QString(64, u'0'));
    QTest::newRow("size") << QStringLiteral("content_size") << QJsonValue(1);
    QTest::newRow("time") << QStringLiteral("erased_at")
                          << QJsonValue(QStringLiteral("2020-01-01T00:00:00.000Z"));
    QTest::newRow("signature") << QStringLiteral("signature") << QJsonValue();
}

void TestRetentionCli::changedReceiptFails()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QVERIFY2(!m_receipt.isEmpty(), "deleteReceiptVerifies runs first");
    QJsonObject file = QJsonDocument::fromJson(readFile(m_receipt)).object();
    if (field == QLatin1String("signature")) {
        QByteArray signature =
            QByteArray::fromBase64(file.value(QStringLiteral("signature")).toString().toLatin1());
        signature[5] = char(signature.at(5) ^ 0x01);
        file.insert(QStringLiteral("signature"), QString::fromLatin1(signature.toBase64()));
    } else {
        QJsonObject receipt = file.value(QStringLiteral("receipt")).toObject();
        receipt.insert(field, value);
        file.insert(QStringLiteral("receipt"), receipt);
    }
    const QString changed =
        writeFile(m_files.path(), QStringLiteral("changed.json"), QJsonDocument(file).toJson());
    const ProcessOutput verified = cli({QStringLiteral("verify-receipt"), changed});
    QCOMPARE(verified.exitCode, 3);
    QVERIFY2(verified.standardError.contains("NOT valid"), verified.standardError.constData());
    QVERIFY(verified.standardOutput.isEmpty());
}

void TestRetentionCli::receiptKeyFromFile()
{
    QVERIFY2(!m_receipt.isEmpty(), "deleteReceiptVerifies runs first");
    const ProcessOutput fetched =
        runProcess(QStringLiteral("curl"),
                   curlArguments(m_server) << m_server.url().toString() + "/api/v1/receipt-key");
    QCOMPARE(fetched.exitCode, 0);
    const QString pem = QJsonDocument::fromJson(fetched.standardOutput)
                            .object()
                            .value(QStringLiteral("public_key"))
                            .toString();
    const QString keyFile = writeFile(m_files.path(), QStringLiteral("server.pem"), pem.toLatin1());
    const ProcessOutput verified =
        cli({QStringLiteral("verify-receipt"), m_receipt, QStringLiteral("--key"), keyFile});
    QVERIFY2(verified.exitCode == 0, verified.standardError.constData());

    // A receipt checked with another Ed25519 key fails like a changed one.
    const QString otherPrivate = m_files.filePath(QStringLiteral("other.key"));
    const QString otherPublic = m_files.filePath(QStringLiteral("other.pem"));
    QCOMPARE(runProcess(QStringLiteral("openssl"),
                        {QStringLiteral("genpkey"), QStringLiteral("-algorithm"),
                         QStringLiteral("ed25519"), QStringLiteral("-out"), otherPrivate})
                 .exitCode,
             0);
    QCOMPARE(runProcess(QStringLiteral("openssl"),
                        {QStringLiteral("pkey"), QStringLiteral("-in"), otherPrivate,
                         QStringLiteral("-pubout"), QStringLiteral("-out"), otherPublic})
                 .exitCode,
             0);
    const ProcessOutput foreign =
        cli({QStringLiteral("verify-receipt"), m_receipt, QStringLiteral("--key"), otherPublic});
    QCOMPARE(foreign.exitCode, 3);
    QVERIFY(foreign.standardError.contains("another server or key"));

    // A file that is no key is an input error, not a verdict about the receipt.
    const QString notKey = writeFile(m_files.path(), QStringLiteral("notkey.pem"), "hello");
    const ProcessOutput invalid =
        cli({QStringLiteral("verify-receipt"), m_receipt, QStringLiteral("--key"), notKey});
    QCOMPARE(invalid.exitCode, 1);
    QVERIFY(invalid.standardError.contains("not a PEM public key"));
}

void TestRetentionCli::expireInBerlinTime_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("shown");
    // Europe/Berlin moves from +01:00 to +02:00 on 2037-03-29 and back on 2037-10-25.
    QTest::newRow("day clocks go forward")
        << QStringLiteral("2037-03-29") << QStringLiteral("2037-03-28T23:00:00.000Z")
        << QStringLiteral("2037-03-29 00:00");
    QTest::newRow("after the change")
        << QStringLiteral("2037-03-30") << QStringLiteral("2037-03-29T22:00:00.000Z")
        << QStringLiteral("2037-03-30 00:00");
    QTest::newRow("day clocks go back")
        << QStringLiteral("2037-10-25") << QStringLiteral("2037-10-24T22:00:00.000Z")
        << QStringLiteral("2037-10-25 00:00");
    QTest::newRow("explicit offset in the gap")
        << QStringLiteral("2037-03-29T02:30:00+01:00") << QStringLiteral("2037-03-29T01:30:00.000Z")
        << QStringLiteral("2037-03-29 03:30");
    QTest::newRow("wall clock after the gap")
        << QStringLiteral("2037-03-29T03:30") << QStringLiteral("2037-03-29T01:30:00.000Z")
        << QStringLiteral("2037-03-29 03:30");
}

void TestRetentionCli::expireInBerlinTime()
{
    QFETCH(QString, typed);
    QFETCH(QString, stored);
    QFETCH(QString, shown);
    QVERIFY(login(m_clinician));
    const QString id = upload();
    QVERIFY(!id.isEmpty());
    const QStringList berlin = {QStringLiteral("TZ=Europe/Berlin")};
    const ProcessOutput changed =
        cli({QStringLiteral("expire"), id, QStringLiteral("--at"), typed}, {}, berlin);
    QVERIFY2(changed.exitCode == 0, changed.standardError.constData());
    QVERIFY2(changed.standardOutput.contains(shown.toUtf8()), changed.standardOutput.constData());
    const ProcessOutput listed = cli({QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(recordIn(listed.standardOutput, id).value(QStringLiteral("expires_at")).toString(),
             stored);

    const ProcessOutput cleared =
        cli({QStringLiteral("expire"), id, QStringLiteral("--at"), QStringLiteral("none")});
    QVERIFY2(cleared.exitCode == 0, cleared.standardError.constData());
    const ProcessOutput relisted = cli({QStringLiteral("list"), QStringLiteral("--json")});
    QVERIFY(recordIn(relisted.standardOutput, id).value(QStringLiteral("expires_at")).isNull());
}

void TestRetentionCli::expireRejectsBadDates_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("skipped by daylight saving")
        << QStringLiteral("2037-03-29T02:30") << QByteArray("does not exist");
    QTest::newRow("past") << QStringLiteral("2020-01-01") << QByteArray("not in the future");
    QTest::newRow("not a date") << QStringLiteral("tomorrow") << QByteArray("\"tomorrow\"");
}

void TestRetentionCli::expireRejectsBadDates()
{
    QFETCH(QString, typed);
    QFETCH(QByteArray, message);
    QVERIFY(login(m_clinician));
    const QString id = upload();
    QVERIFY(!id.isEmpty());
    const ProcessOutput changed = cli({QStringLiteral("expire"), id, QStringLiteral("--at"), typed},
                                      {}, {QStringLiteral("TZ=Europe/Berlin")});
    QCOMPARE(changed.exitCode, 1);
    QVERIFY2(changed.standardError.contains(message), changed.standardError.constData());
}

void TestRetentionCli::holdBlocksDelete()
{
    QVERIFY(login(m_clinician));
    const QString id = upload({QStringLiteral("--share"), QStringLiteral("team")});
    QVERIFY(!id.isEmpty());
    const ProcessOutput refused = cli({QStringLiteral("hold"), id, QStringLiteral("on")});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.standardError.contains("manage_organization"));

    QVERIFY(login(m_admin));
    QCOMPARE(cli({QStringLiteral("hold"), id, QStringLiteral("on")}).exitCode, 0);
    QVERIFY(login(m_clinician));
    const ProcessOutput held = cli({QStringLiteral("delete"), id});
    QCOMPARE(held.exitCode, 1);
    QVERIFY2(held.standardError.contains("legal hold"), held.standardError.constData());

    QVERIFY(login(m_admin));
    QCOMPARE(cli({QStringLiteral("hold"), id, QStringLiteral("off")}).exitCode, 0);
    QVERIFY(login(m_clinician));
    const ProcessOutput erased = cli({QStringLiteral("delete"), id});
    QCOMPARE(erased.exitCode, 0);
    // Without --receipt the receipt goes to standard output.
    QCOMPARE(QJsonDocument::fromJson(erased.standardOutput)
                 .object()
                 .value(QStringLiteral("receipt"))
                 .toObject()
                 .value(QStringLiteral("record_id"))
                 .toString(),
             id);
}

void TestRetentionCli::templatesAtUpload()
{
    QVERIFY(login(m_admin));
    const ProcessOutput created =
        cli({QStringLiteral("template"), QStringLiteral("create"), QStringLiteral("Lab result"),
             QStringLiteral("--category"), QStringLiteral("Laboratory"),
             QStringLiteral("--retention-days"), QStringLiteral("30"), QStringLiteral("--share"),
             QStringLiteral("team")});
    QVERIFY2(created.exitCode == 0, created.standardError.constData());
    const QString templateId = QString::fromUtf8(created.standardOutput).trimmed();
    QVERIFY(isValidRecordId(templateId));

    QVERIFY(login(m_clinician));
    const ProcessOutput denied =
        cli({QStringLiteral("template"), QStringLiteral("create"), QStringLiteral("Other")});
    QCOMPARE(denied.exitCode, 1);
    const ProcessOutput listed =
        cli({QStringLiteral("template"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(listed.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(listed.standardOutput).array().size(), 1);

    const QString id = upload({QStringLiteral("--template"), QStringLiteral("lab result")});
    QVERIFY(!id.isEmpty());
    const QJsonObject record =
        recordIn(cli({QStringLiteral("list"), QStringLiteral("--json")}).standardOutput, id);
    QCOMPARE(record.value(QStringLiteral("template_id")).toString(), templateId);
    QCOMPARE(record.value(QStringLiteral("sharing")).toString(), QStringLiteral("team"));
    const QDateTime createdAt = QDateTime::fromString(
        record.value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs);
    const QDateTime expiresAt = QDateTime::fromString(
        record.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs);
    QCOMPARE(createdAt.secsTo(expiresAt), 30LL * 24 * 60 * 60);

    const QString dated = upload({QStringLiteral("--expires"), QStringLiteral("2037-06-01")});
    QVERIFY(!dated.isEmpty());
    QCOMPARE(recordIn(cli({QStringLiteral("list"), QStringLiteral("--json")}).standardOutput, dated)
                 .value(QStringLiteral("expires_at"))
                 .toString(),
             QStringLiteral("2037-06-01T00:00:00.000Z"));

    QVERIFY(login(m_admin));
    const ProcessOutput renamed =
        cli({QStringLiteral("template"), QStringLiteral("update"), QStringLiteral("Lab result"),
             QStringLiteral("--rename"), QStringLiteral("Lab panel"),
             QStringLiteral("--retention-days"), QStringLiteral("none")});
    QVERIFY2(renamed.exitCode == 0, renamed.standardError.constData());
    const QJsonObject changed =
        QJsonDocument::fromJson(
            cli({QStringLiteral("template"), QStringLiteral("list"), QStringLiteral("--json")})
                .standardOutput)
            .array()
            .first()
            .toObject();
    QCOMPARE(changed.value(QStringLiteral("name")).toString(), QStringLiteral("Lab panel"));
    QCOMPARE(changed.value(QStringLiteral("category")).toString(), QStringLiteral("Laboratory"));
    QVERIFY(changed.value(QStringLiteral("retention_days")).isNull());
    QCOMPARE(
        cli({QStringLiteral("template"), QStringLiteral("delete"), QStringLiteral("Lab panel")})
            .exitCode,
        0);
    const ProcessOutput missing = cli({QStringLiteral("upload"), QStringLiteral("--template"),
                                       QStringLiteral("Lab panel"), m_chart});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.standardError.contains("no template named"));
}

void TestRetentionCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    const QString id = QStringLiteral("123e4567-e89b-42d3-a456-426614174000");
    QTest::newRow("expire without --at")
        << QStringList{QStringLiteral("expire"), id} << QByteArray("expire needs --at");
    QTest::newRow("hold maybe") << QStringList{QStringLiteral("hold"), id, QStringLiteral("maybe")}
                                << QByteArray("on or off");
    QTest::newRow("receipt on list")
        << QStringList{QStringLiteral("list"), QStringLiteral("--receipt"), QStringLiteral("x")}
        << QByteArray("--receipt does not apply to list");
    QTest::newRow("template unknown")
        << QStringList{QStringLiteral("template"), QStringLiteral("copy"), QStringLiteral("x")}
        << QByteArray("unknown template command");
    QTest::newRow("template users")
        << QStringList{QStringLiteral("template"), QStringLiteral("create"), QStringLiteral("x"),
                       QStringLiteral("--share"), QStringLiteral("users")}
        << QByteArray("private or team");
}

void TestRetentionCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const ProcessOutput output = cli(arguments);
    QCOMPARE(output.exitCode, 2);
    QVERIFY2(output.standardError.contains(message), output.standardError.constData());
}

QString TestRetentionCli::localhostUrl() const
{
    QUrl url = m_server.url();
    url.setHost(QStringLiteral("localhost"));
    return url.toString();
}

void TestRetentionCli::otherUsersCacheLosesRecord()
{
    QVERIFY(login(m_clinician));
    const QString id = upload({QStringLiteral("--share"), QStringLiteral("team")});
    QVERIFY(!id.isEmpty());

    // The administrator caches the team's record through the second URL.
    const QStringList admin = {QStringLiteral("--server"), localhostUrl()};
    const ProcessOutput signedIn =
        cli(admin + QStringList{QStringLiteral("login"), QStringLiteral("--email"), m_admin},
            kPassword.toUtf8() + '\n');
    QVERIFY2(signedIn.exitCode == 0, signedIn.standardError.constData());
    QCOMPARE(cli(admin + QStringList{QStringLiteral("sync")}).exitCode, 0);
    const ProcessOutput cached =
        cli(admin + QStringList{QStringLiteral("list"), QStringLiteral("--offline"),
                                QStringLiteral("--json")});
    QVERIFY(!recordIn(cached.standardOutput, id).isEmpty());

    QCOMPARE(cli({QStringLiteral("delete"), id}).exitCode, 0);

    const ProcessOutput synced = cli(admin + QStringList{QStringLiteral("sync")});
    QVERIFY2(synced.exitCode == 0, synced.standardError.constData());
    QVERIFY2(synced.standardOutput.contains("1 removed"), synced.standardOutput.constData());
    const ProcessOutput after =
        cli(admin + QStringList{QStringLiteral("list"), QStringLiteral("--offline"),
                                QStringLiteral("--json")});
    QCOMPARE(after.exitCode, 0);
    QVERIFY(recordIn(after.standardOutput, id).isEmpty());
}

void TestRetentionCli::offlineClockPurgesCache()
{
    QVERIFY(login(m_clinician));
    const QDateTime expiresAt = QDateTime::currentDateTimeUtc().addDays(2);
    const QString id = upload({QStringLiteral("--share"), QStringLiteral("team"),
                               QStringLiteral("--expires"), expiresAt.toString(Qt::ISODateWithMs)});
    QVERIFY(!id.isEmpty());
    const QString other = upload({QStringLiteral("--share"), QStringLiteral("team")});
    QVERIFY(!other.isEmpty());

    // The administrator's client library, with a local clock the test moves.
    qint64 localOffsetSeconds = 0;
    client::ConnectionSettings settings;
    settings.serverUrl = QUrl(localhostUrl());
    settings.caFile = m_server.caFile();
    settings.profileDir = m_profile->path();
    settings.signatureDir = testSignatureDir();
    settings.localClock = [&localOffsetSeconds] {
        return QDateTime::currentDateTimeUtc().addSecs(localOffsetSeconds);
    };
    client::ClientSession session(settings);
    QVERIFY(waitForTask(session.signIn(m_admin, kPassword)).ok);
    QVERIFY(waitForTask(session.sync()).ok);
    const TaskOutcome cached = waitForTask(session.listCachedRecords());
    QVERIFY(cached.ok);
    QVERIFY(cached.result.toArray().size() >= 2);

    // Offline, the record stays until the local clock passes its expiration.
    m_server.stop();
    localOffsetSeconds = 24 * 60 * 60;
    const TaskOutcome dayLater = waitForTask(session.listRecords());
    QVERIFY(dayLater.ok);
    QVERIFY(!session.isOnline());
    QStringList ids;
    for (const QJsonValue& value : dayLater.result.toArray())
        ids << value.toObject().value(QStringLiteral("id")).toString();
    QVERIFY(ids.contains(id));

    localOffsetSeconds = 3 * 24 * 60 * 60;
    const TaskOutcome expired = waitForTask(session.listRecords());
    QVERIFY(expired.ok);
    ids.clear();
    for (const QJsonValue& value : expired.result.toArray())
        ids << value.toObject().value(QStringLiteral("id")).toString();
    QVERIFY(!ids.contains(id));
    QVERIFY(ids.contains(other));
    const TaskOutcome viewer = waitForTask(session.fetchForViewer(id));
    QVERIFY(!viewer.ok);
    const QString copy = m_files.filePath(QStringLiteral("expired-copy.txt"));
    QVERIFY(!waitForTask(session.download(id, copy)).ok);
    QVERIFY(!QFile::exists(copy));
    QVERIFY(m_server.start());
}

QTEST_GUILESS_MAIN(TestRetentionCli)
#include "TestRetentionCli.moc"
