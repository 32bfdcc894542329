// Authentication API against a real chartinsight-server: lockout, bcrypt edge cases, e-mail
// codes, password reset, refresh rotation and rate limits. Time moves through the server's test
// clock-offset file, and mail is read from DATA_DIR/outbox.
#include "CurlClient.h"
#include "mail/MailTestSupport.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <thread>

using namespace chartinsight::test;

namespace {

QByteArray readAllFrom(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Undoes quoted-printable soft line breaks and =XX escapes, enough to read codes and links.
QString decodeQuotedPrintable(QByteArray data)
{
    data.replace("=\r\n", "");
    QByteArray out;
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data.at(i) == '=' && i + 2 < data.size()) {
            out += QByteArray::fromHex(data.mid(i + 1, 2));
            i += 2;
        } else {
            out += data.at(i);
        }
    }
    return QString::fromUtf8(out);
}

} // namespace

class TestAuthApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void lockoutC01();
    void passwordBytesC02_data();
    void passwordBytesC02();
    void passwordWithNulC02();
    void codesPerAttemptC03();
    void codeExpiryC03();
    void resendInvalidatesC03();
    void codesStoredHashedC03();
    void concurrentVerify();
    void resetAfterSettingsChangeC04();
    void resetAfterAdminChangeC04();
    void enumeration();
    void refreshRotation();
    void resetRevokesSessions();
    void spoofedForwardedFor();
    void smtpDelivery();

private:
    QJsonObject login(const QString& email, const QString& password, int expectedStatus = 200);
    QString waitForMail(const QString& recipient);
    QString codeFrom(const QString& mail);
    QString resetTokenFrom(const QString& mail);
    void advanceClock(qint64 seconds);
    QString startMfaUser(const QString& email);

    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_curl;
    QTemporaryDir m_dir;
    QString m_offsetFile;
    qint64 m_offsetSeconds = 0;
    QSet<QString> m_seenMail;
};

static const QString kPassword = QStringLiteral("Tulip-Harbor-2718!");

void TestAuthApi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_offsetFile = m_dir.filePath(QStringLiteral("clock-offset"));
    advanceClock(0);
    // The server inherits this process's environment.
    qputenv("CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE", m_offsetFile.toUtf8());
    QVERIFY(m_server.start({QStringLiteral("--account-rate-limit"), QStringLiteral("60")}));
    m_curl = std::make_unique<CurlClient>(m_server);
}

void TestAuthApi::cleanupTestCase()
{
    m_server.stop();
}

void TestAuthApi::advanceClock(qint64 seconds)
{
    m_offsetSeconds += seconds;
    QFile file(m_offsetFile);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray::number(m_offsetSeconds));
}

QJsonObject TestAuthApi::login(const QString& email, const QString& password, int expectedStatus)
{
    const CurlResult result = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
        json({{QStringLiteral("email"), email}, {QStringLiteral("password"), password}}));
    if (result.status != expectedStatus)
        qWarning() << "login status" << result.status << result.body;
    return result.status == expectedStatus ? result.json() : QJsonObject();
}

QString TestAuthApi::waitForMail(const QString& recipient)
{
    const QDir outbox(m_server.dataDir() + QStringLiteral("/outbox"));
    for (int i = 0; i < 100; ++i) {
        for (const QString& name : outbox.entryList({QStringLiteral("*.eml")}, QDir::Files)) {
            if (m_seenMail.contains(name))
                continue;
            QFile file(outbox.filePath(name));
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QByteArray data = file.readAll();
            if (!data.contains("To: " + recipient.toUtf8()) &&
                !data.contains("<" + recipient.toUtf8() + ">"))
                continue;
            m_seenMail.insert(name);
            return decodeQuotedPrintable(data);
        }
        QThread::msleep(100);
    }
    return {};
}

QString TestAuthApi::codeFrom(const QString& mail)
{
    static const QRegularExpression code(QStringLiteral("code is (\\d{6})"));
    return code.match(mail).captured(1);
}

QString TestAuthApi::resetTokenFrom(const QString& mail)
{
    static const QRegularExpression token(
        QStringLiteral("/reset-password\\?token=([A-Za-z0-9_-]{43})"));
    return token.match(mail).captured(1);
}

void TestAuthApi::lockoutC01()
{
    const QString email = QStringLiteral("alice@example.test");
    QCOMPARE(m_server.addUser(email, kPassword), 0);
    const QStringList spellings{email, email, QStringLiteral("ALICE@EXAMPLE.TEST"),
                                QStringLiteral("ALICE@EXAMPLE.TEST")};
    for (const QString& spelling : spellings)
        QVERIFY(!login(spelling, QStringLiteral("wrong-password-1"), 401).isEmpty());
    const QJsonObject fifth =
        login(QStringLiteral(" Alice@Example.Test "), QStringLiteral("wrong-password-1"), 423);
    QCOMPARE(fifth.value("error").toObject().value("code").toString(), "account_locked");

    const CurlResult locked =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
                        json({{"email", "aLiCe@example.test"}, {"password", kPassword}}));
    QCOMPARE(locked.status, 423);
    QVERIFY(!locked.json().value("error").toObject().value("unlock_at").toString().isEmpty());
    QVERIFY(locked.header("retry-after").toInt() > 0);

    const QString notice = waitForMail(email);
    QVERIFY(notice.contains(QStringLiteral("locked")));
    QThread::msleep(1500); // the worker polls every second; a second notice would appear by now
    QVERIFY(waitForMail(email).isEmpty());

    advanceClock(15 * 60 + 1);
    QVERIFY(login(QStringLiteral("aLiCe@example.test"), kPassword).contains("access_token"));
}

void TestAuthApi::passwordBytesC02_data()
{
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("variant");
    const QString quartz = QStringLiteral(
        "Quartz-Lantern-Meadow-Velvet-Harbor-Pepper-Saffron-Glacier-Orbit-Maple-Quill-2024");
    QTest::newRow("72-byte prefix") << "bob@example.test" << quartz << quartz.left(72);
    QTest::newRow("changed ending")
        << "bob1@example.test" << quartz << quartz.left(quartz.size() - 4) + QStringLiteral("2025");
    const QString kohl =
        QStringLiteral("Grünkohl-Bärlauch-Möhre-Kürbis-Rübe-Ölweide-Äpfel-Süßholz-Täubling");
    QTest::newRow("76-byte UTF-8")
        << "bob2@example.test" << kohl << kohl.left(kohl.size() - 1) + QStringLiteral("k");
}

void TestAuthApi::passwordBytesC02()
{
    QFETCH(QString, email);
    QFETCH(QString, password);
    QFETCH(QString, variant);
    QCOMPARE(m_server.addUser(email, password), 0);
    const QJsonObject rejected = login(email, variant, 401);
    QCOMPARE(rejected.value("error").toObject().value("code").toString(), "invalid_credentials");
    QVERIFY(login(email, password).contains("access_token"));
}

void TestAuthApi::passwordWithNulC02()
{
    const QString email = QStringLiteral("bob3@example.test");
    const QString password =
        QStringLiteral("Correct") + QChar(0) + QStringLiteral("Horse-Battery-Staple-91");
    const ProcessOutput added =
        runProcess(serverExecutable(),
                   {QStringLiteral("add-user"), QStringLiteral("--data-dir"), m_server.dataDir(),
                    QStringLiteral("--email"), email},
                   password.toUtf8() + '\n', 60000, {QStringLiteral("CHARTINSIGHT_BCRYPT_COST=4")});
    QVERIFY(added.exitCode != 0);
    QVERIFY(added.standardError.contains("U+0000"));
    QVERIFY(!login(email, QStringLiteral("Correct"), 401).isEmpty());
    QVERIFY(!login(email, password, 401).isEmpty());
}

QString TestAuthApi::startMfaUser(const QString& email)
{
    if (m_server.addUser(email, kPassword) != 0)
        return {};
    const QString token = login(email, kPassword).value("access_token").toString();
    const CurlResult enabled =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/account/mfa"),
                        json({{"enabled", true}, {"password", kPassword}}), token);
    return enabled.status == 200 ? token : QString();
}

void TestAuthApi::codesPerAttemptC03()
{
    const QString email = QStringLiteral("carol@example.test");
    QVERIFY(!startMfaUser(email).isEmpty());
    const QJsonObject attemptA = login(email, kPassword);
    QCOMPARE(attemptA.value("mfa_required").toBool(), true);
    const QString codeA = codeFrom(waitForMail(email));
    const QJsonObject attemptB = login(email, kPassword);
    const QString codeB = codeFrom(waitForMail(email));
    QCOMPARE(codeA.size(), 6);
    QCOMPARE(codeB.size(), 6);

    const auto verify = [&](const QJsonObject& attempt, const QString& code) {
        return m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/verify"),
                               json({{"mfa_token", attempt.value("mfa_token")}, {"code", code}}));
    };
    if (codeA != codeB) {
        const CurlResult bOnA = verify(attemptA, codeB);
        QCOMPARE(bOnA.status, 401);
        QCOMPARE(bOnA.errorCode(), "invalid_code");
        QCOMPARE(bOnA.json().value("error").toObject().value("attempts_left").toInt(), 4);
        QCOMPARE(verify(attemptB, codeA).status, 401);
    }
    const CurlResult aOnA = verify(attemptA, codeA);
    QCOMPARE(aOnA.status, 200);
    QVERIFY(aOnA.json().contains("refresh_token"));
    QCOMPARE(verify(attemptA, codeA).status, 401);

    const QJsonObject fresh = login(email, kPassword);
    (void)waitForMail(email);
    const CurlResult aOnFresh = verify(fresh, codeA);
    QCOMPARE(aOnFresh.status, 401);
}

void TestAuthApi::codeExpiryC03()
{
    const QString email = QStringLiteral("carol2@example.test");
    QVERIFY(!startMfaUser(email).isEmpty());
    const QJsonObject attempt = login(email, kPassword);
    const QString code = codeFrom(waitForMail(email));
    advanceClock(10 * 60 + 1);
    const CurlResult expired =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/verify"),
                        json({{"mfa_token", attempt.value("mfa_token")}, {"code", code}}));
    QCOMPARE(expired.status, 410);
    QCOMPARE(expired.errorCode(), "code_expired");
    QVERIFY(expired.json().value("error").toObject().value("message").toString().contains(
        "request a new code"));
}

void TestAuthApi::resendInvalidatesC03()
{
    const QString email = QStringLiteral("carol3@example.test");
    QVERIFY(!startMfaUser(email).isEmpty());
    const QJsonObject attempt = login(email, kPassword);
    const QString codeD = codeFrom(waitForMail(email));
    const QByteArray resendBody = json({{"mfa_token", attempt.value("mfa_token")}});

    const CurlResult tooSoon = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/resend"), resendBody);
    QCOMPARE(tooSoon.status, 429);
    QVERIFY(tooSoon.header("retry-after").toInt() > 0);

    advanceClock(61);
    const CurlResult resent = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/resend"), resendBody);
    QCOMPARE(resent.status, 202);
    QCOMPARE(resent.json().value("resend_available_in").toInt(), 60);
    const QString codeE = codeFrom(waitForMail(email));
    QCOMPARE(codeE.size(), 6);

    const auto verify = [&](const QString& code) {
        return m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/verify"),
                               json({{"mfa_token", attempt.value("mfa_token")}, {"code", code}}));
    };
    if (codeD != codeE)
        QCOMPARE(verify(codeD).status, 401);
    QCOMPARE(verify(codeE).status, 200);
}

void TestAuthApi::codesStoredHashedC03()
{
    // The codes sent so far must not appear in the decrypted database or the server log.
    const QString dbKey =
        QString::fromLatin1(readAllFrom(m_server.dataDir() + QStringLiteral("/db.key")).trimmed());
    const QString database = m_server.dataDir() + QStringLiteral("/chartinsight.db");
    const ProcessOutput dump =
        runProcess(QStringLiteral("sqlcipher"), {database},
                   QStringLiteral("PRAGMA key = \"x'%1'\";\nSELECT code_hmac FROM mfa_codes;\n")
                       .arg(dbKey)
                       .toUtf8());
    QCOMPARE(dump.exitCode, 0);
    const QList<QByteArray> rows = dump.standardOutput.trimmed().split('\n');
    QVERIFY(rows.size() >= 3);
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    for (const QByteArray& row : rows)
        QVERIFY2(hex.match(QString::fromLatin1(row.trimmed())).hasMatch(), row.constData());
    const QByteArray log = m_server.log();
    QVERIFY(!log.isEmpty());
    static const QRegularExpression sixDigits(QStringLiteral("code[^\\n]*\\b\\d{6}\\b"));
    QVERIFY(!sixDigits.match(QString::fromUtf8(log)).hasMatch());
}

void TestAuthApi::concurrentVerify()
{
    const QString email = QStringLiteral("carol4@example.test");
    QVERIFY(!startMfaUser(email).isEmpty());
    const QJsonObject attempt = login(email, kPassword);
    const QString code = codeFrom(waitForMail(email));
    const QByteArray body = json({{"mfa_token", attempt.value("mfa_token")}, {"code", code}});
    CurlClient first(m_server);
    CurlClient second(m_server);
    CurlResult results[2];
    std::thread a([&] {
        results[0] =
            first.request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/verify"), body);
    });
    std::thread b([&] {
        results[1] =
            second.request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/mfa/verify"), body);
    });
    a.join();
    b.join();
    const int successes = int(results[0].status == 200) + int(results[1].status == 200);
    QCOMPARE(successes, 1);
    QVERIFY(results[0].status == 401 || results[1].status == 401);
}

void TestAuthApi::resetAfterSettingsChangeC04()
{
    const QString email = QStringLiteral("dave@example.test");
    const QString p2 = QStringLiteral("Copper-Willow-Falcon-83");
    const QString p3 = QStringLiteral("Maroon-Thistle-Beacon-47");
    QCOMPARE(m_server.addUser(email, kPassword), 0);
    QCOMPARE(m_curl
                 ->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset"),
                           json({{"email", email}}))
                 .status,
             202);
    const QString link = resetTokenFrom(waitForMail(email));
    QCOMPARE(link.size(), 43);

    const QString token = login(email, kPassword).value("access_token").toString();
    const CurlResult changed =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/account/password"),
                        json({{"current_password", kPassword}, {"new_password", p2}}), token);
    QCOMPARE(changed.status, 200);

    const CurlResult page =
        m_curl->request(QStringLiteral("GET"), QStringLiteral("/reset-password?token=") + link);
    QCOMPARE(page.status, 410);
    QVERIFY(!page.body.contains("<form"));
    const CurlResult completed = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset/complete"),
        json({{"token", link}, {"new_password", p3}}));
    QCOMPARE(completed.status, 410);
    QCOMPARE(completed.errorCode(), "reset_link_invalid");
    QVERIFY(login(email, p2).contains("access_token"));
    QVERIFY(!login(email, p3, 401).isEmpty());
}

void TestAuthApi::resetAfterAdminChangeC04()
{
    const QString email = QStringLiteral("dave2@example.test");
    const QString admin = QStringLiteral("admin@example.test");
    const QString p2 = QStringLiteral("Copper-Willow-Falcon-83");
    const QString p3 = QStringLiteral("Maroon-Thistle-Beacon-47");
    QCOMPARE(m_server.addUser(email, kPassword), 0);
    QCOMPARE(m_server.addUser(admin, kPassword, true), 0);
    QCOMPARE(m_curl
                 ->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset"),
                           json({{"email", email}}))
                 .status,
             202);
    const QString link = resetTokenFrom(waitForMail(email));
    QCOMPARE(link.size(), 43);

    const QString adminToken = login(admin, kPassword).value("access_token").toString();
    const QString userId = login(email, kPassword).value("user_id").toString();
    const CurlResult changed = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/admin/users/%1/password").arg(userId),
        json({{"new_password", p2}}), adminToken);
    QCOMPARE(changed.status, 200);

    const CurlResult completed = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset/complete"),
        json({{"token", link}, {"new_password", p3}}));
    QCOMPARE(completed.status, 410);
    QVERIFY(login(email, p2).contains("access_token"));
    QVERIFY(!login(email, p3, 401).isEmpty());
}

void TestAuthApi::enumeration()
{
    QCOMPARE(m_server.addUser(QStringLiteral("erin@example.test"), kPassword), 0);
    const QJsonObject known =
        login(QStringLiteral("erin@example.test"), QStringLiteral("nope"), 401);
    const QJsonObject unknown =
        login(QStringLiteral("nobody@example.test"), QStringLiteral("nope"), 401);
    QVERIFY(!known.isEmpty());
    QCOMPARE(known, unknown);

    const CurlResult resetKnown =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset"),
                        json({{"email", "erin@example.test"}}));
    const CurlResult resetUnknown =
        m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset"),
                        json({{"email", "nobody@example.test"}}));
    QCOMPARE(resetKnown.status, 202);
    QCOMPARE(resetUnknown.status, resetKnown.status);
    QCOMPARE(resetUnknown.body, resetKnown.body);
}

void TestAuthApi::refreshRotation()
{
    const QString email = QStringLiteral("frank@example.test");
    QCOMPARE(m_server.addUser(email, kPassword), 0);
    const QJsonObject tokens = login(email, kPassword);
    QCOMPARE(tokens.value("expires_in").toInt(), 900);
    const QString first = tokens.value("refresh_token").toString();

    advanceClock(15 * 60 + 1);
    const CurlResult expired =
        m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {},
                        tokens.value("access_token").toString());
    QCOMPARE(expired.status, 401);
    QCOMPARE(expired.errorCode(), "token_expired");

    const auto refresh = [&](const QString& token) {
        return m_curl->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/refresh"),
                               json({{"refresh_token", token}}));
    };
    const CurlResult rotated = refresh(first);
    QCOMPARE(rotated.status, 200);
    const QString second = rotated.json().value("refresh_token").toString();
    const QString access = rotated.json().value("access_token").toString();
    QCOMPARE(m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, access)
                 .status,
             200);

    const CurlResult reused = refresh(first);
    QCOMPARE(reused.status, 401);
    QCOMPARE(reused.errorCode(), "session_revoked");
    QCOMPARE(refresh(second).status, 401);
    const CurlResult revoked =
        m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, access);
    QCOMPARE(revoked.errorCode(), "unauthorized");
}

void TestAuthApi::resetRevokesSessions()
{
    const QString email = QStringLiteral("gina@example.test");
    QCOMPARE(m_server.addUser(email, kPassword), 0);
    const QString before = login(email, kPassword).value("access_token").toString();
    const CurlResult sessions =
        m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/auth/sessions"), {}, before);
    QCOMPARE(sessions.json().value("sessions").toArray().size(), 1);

    QCOMPARE(m_curl
                 ->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset"),
                           json({{"email", email}}))
                 .status,
             202);
    const QString link = resetTokenFrom(waitForMail(email));
    const CurlResult completed = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset/complete"),
        json({{"token", link}, {"new_password", "Copper-Willow-Falcon-83"}}));
    QCOMPARE(completed.status, 200);
    QVERIFY(waitForMail(email).contains(QStringLiteral("password")));
    QCOMPARE(m_curl->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, before)
                 .status,
             401);
    const CurlResult again = m_curl->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset/complete"),
        json({{"token", link}, {"new_password", "Maroon-Thistle-Beacon-47"}}));
    QCOMPARE(again.status, 410);
}

void TestAuthApi::spoofedForwardedFor()
{
    ServerProcess limited;
    QVERIFY(limited.start({QStringLiteral("--ip-rate-limit"), QStringLiteral("5")}));
    CurlClient curl(limited);
    int lastStatus = 0;
    QByteArray retryAfter;
    for (int i = 0; i < 6; ++i) {
        const CurlResult result = curl.request(
            QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-policy"),
            json({{"password", "Copper-Willow-Falcon-83"}}), {},
            {QStringLiteral("-H"), QStringLiteral("X-Forwarded-For: 203.0.113.%1").arg(i)});
        lastStatus = result.status;
        retryAfter = result.header("retry-after");
        if (i < 5)
            QCOMPARE(result.status, 200);
    }
    QCOMPARE(lastStatus, 429);
    QVERIFY(retryAfter.toInt() > 0);
    limited.stop();
}

void TestAuthApi::smtpDelivery()
{
    QTemporaryDir dir;
    TlsFiles tls;
    QVERIFY(makeTlsFiles(dir.path(), tls));
    SmtpSink sink(dir.filePath(QStringLiteral("maildir")), tls);
    const quint16 port = freeLoopbackPort();
    QVERIFY(port != 0);
    QVERIFY(sink.start(port, SmtpSink::Security::StartTls));

    ServerProcess server;
    QVERIFY(server.start(
        {QStringLiteral("--smtp-url"), sink.url().toString(), QStringLiteral("--smtp-ca-file"),
         tls.certificate, QStringLiteral("--mail-from"), QStringLiteral("no-reply@clinic.test"),
         QStringLiteral("--public-url"), QStringLiteral("https://records.clinic.test")}));
    const QString email = QStringLiteral("henry@example.test");
    QCOMPARE(server.addUser(email, kPassword), 0);
    CurlClient curl(server);
    QCOMPARE(curl.request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/password-reset"),
                          json({{"email", email}}))
                 .status,
             202);
    QStringList delivered;
    for (int i = 0; i < 100 && delivered.isEmpty(); ++i) {
        QThread::msleep(100);
        delivered = sink.deliveredFiles();
    }
    QCOMPARE(delivered.size(), 1);
    const ParsedMail mail = parseMail(readFile(delivered.first()));
    QVERIFY(mail.parsed);
    QCOMPARE(mail.fromAddress, QStringLiteral("no-reply@clinic.test"));
    QVERIFY(
        mail.text.contains(QStringLiteral("https://records.clinic.test/reset-password?token=")));
    QVERIFY(mail.text.contains(QStringLiteral("chartinsight://reset-password?token=")));
    QVERIFY(!QDir(server.dataDir() + QStringLiteral("/outbox")).exists() ||
            QDir(server.dataDir() + QStringLiteral("/outbox"))
                .entryList({QStringLiteral("*.eml")}, QDir::Files)
                .isEmpty());
    server.stop();
}

QTEST_GUILESS_MAIN(TestAuthApi)
#include "TestAuthApi.moc"
