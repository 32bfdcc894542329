// Drives a real chartinsight-server process over HTTPS with curl: health, security headers,
// TLS versions, login, upload, download, scanning verdicts, limits and ownership.

#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight::test;

namespace {

const QString kAlice = QStringLiteral("alice@example.test");
const QString kAlicePassword = QStringLiteral("Tulip-Harbor-2718!-Quasar");
const QString kBob = QStringLiteral("bob@example.test");
const QString kBobPassword = QStringLiteral("Velvet-Orbit-Maple-4409?");

const QList<QByteArray> kSecurityHeaders{"strict-transport-security", "content-security-policy",
                                         "x-content-type-options",    "x-frame-options",
                                         "referrer-policy",           "cache-control"};

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return path;
}

// Every regular file below `root`, with its path relative to it.
QStringList filesBelow(const QString& root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(root).relativeFilePath(it.next());
    return files;
}

QStringList recordIds(const CurlResult& list)
{
    QStringList ids;
    for (const QJsonValue& record : list.json().value(QStringLiteral("records")).toArray())
        ids << record.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

} // namespace

class TestServerApi : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void healthReportsOk();
    void securityHeadersOnNotFound();
    void securityHeadersOnUnauthorized();
    void wrongMethodListsAllowed();
    void tls12IsRefusedByCurl();
    void tls12IsRefusedByOpenSsl();
    void loginSucceeds();
    void loginFailuresLookIdentical();
    void loginRejectsMalformedBody();
    void logoutRevokesToken();
    void uploadRoundTrip();
    void uploadRequiresToken();
    void eicarIsRejected();
    void hostileFilenameIsSanitized();
    void missingFilenameIsRejected();
    void invalidUtf8FilenameIsRejected();
    void dataDirectoryHoldsNoPlaintext();
    void foreignRecordIsNotFound();
    void randomRecordIsNotFound();
    void invalidRecordIdIsNotFound();
    void requestLogHoldsNoSecrets();
    void corsIsOffByDefault();
    void secondServerOnSameFolderRefused();
    void sigtermExitsCleanly();

private:
    QString m_aliceToken;
    QString m_bobToken;
    QTemporaryDir m_files;
    std::unique_ptr<ServerProcess> m_server;
    std::unique_ptr<CurlClient> m_client;
};

void TestServerApi::initTestCase()
{
    QVERIFY(m_files.isValid());
    m_server = std::make_unique<ServerProcess>();
    QVERIFY2(m_server->start(), m_server->log().constData());
    m_client = std::make_unique<CurlClient>(*m_server);
    QCOMPARE(m_server->addUser(kAlice, kAlicePassword), 0);
    QCOMPARE(m_server->addUser(kBob, kBobPassword), 0);
    m_aliceToken = m_client->login(kAlice, kAlicePassword);
    QVERIFY(!m_aliceToken.isEmpty());
    m_bobToken = m_client->login(kBob, kBobPassword);
    QVERIFY(!m_bobToken.isEmpty());
}

void TestServerApi::cleanupTestCase()
{
    m_client.reset();
    m_server.reset();
}

void TestServerApi::healthReportsOk()
{
    const CurlResult result =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/health"));
    QCOMPARE(result.status, 200);
    const QJsonObject body = result.json();
    QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(body.value(QStringLiteral("version")).toString(), QStringLiteral("0.1.0"));
    QVERIFY(body.value(QStringLiteral("demo_signatures")).isBool());
    QCOMPARE(body.value(QStringLiteral("demo_signatures")).toBool(), false);
}

void TestServerApi::securityHeadersOnNotFound()
{
    const CurlResult result =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/no/such/path"));
    QCOMPARE(result.status, 404);
    QCOMPARE(result.errorCode(), QStringLiteral("not_found"));
    for (const QByteArray& name : kSecurityHeaders)
        QVERIFY2(result.hasHeader(name), name.constData());
    QCOMPARE(result.header("content-security-policy"), QByteArray("default-src 'none'"));
    QCOMPARE(result.header("x-frame-options"), QByteArray("DENY"));
    QCOMPARE(result.header("cache-control"), QByteArray("no-store"));
}

void TestServerApi::securityHeadersOnUnauthorized()
{
    const CurlResult result =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"));
    QCOMPARE(result.status, 401);
    QCOMPARE(result.errorCode(), QStringLiteral("unauthorized"));
    QCOMPARE(result.header("www-authenticate"), QByteArray("Bearer"));
    for (const QByteArray& name : kSecurityHeaders)
        QVERIFY2(result.hasHeader(name), name.constData());
}

void TestServerApi::wrongMethodListsAllowed()
{
    const CurlResult result =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/auth/login"));
    QCOMPARE(result.status, 405);
    QCOMPARE(result.errorCode(), QStringLiteral("method_not_allowed"));
    QCOMPARE(result.header("allow"), QByteArray("POST"));
}

void TestServerApi::tls12IsRefusedByCurl()
{
    const QString health = m_server->url().toString() + QStringLiteral("/api/v1/health");
    const ProcessOutput refused = runProcess(
        QStringLiteral("curl"),
        {QStringLiteral("-sS"), QStringLiteral("--cacert"), m_server->caFile(),
         QStringLiteral("--tlsv1.2"), QStringLiteral("--tls-max"), QStringLiteral("1.2"), health});
    QVERIFY(refused.exitCode != 0);
    const ProcessOutput accepted = runProcess(
        QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("--cacert"),
                                 m_server->caFile(), QStringLiteral("--tlsv1.2"), health});
    QCOMPARE(accepted.exitCode, 0);
}

void TestServerApi::tls12IsRefusedByOpenSsl()
{
    const QString address = QStringLiteral("127.0.0.1:%1").arg(m_server->url().port());
    const ProcessOutput refused = runProcess(
        QStringLiteral("openssl"), {QStringLiteral("s_client"), QStringLiteral("-connect"), address,
                                    QStringLiteral("-tls1_2")});
    QVERIFY(refused.exitCode != 0);
    const ProcessOutput accepted = runProcess(
        QStringLiteral("openssl"), {QStringLiteral("s_client"), QStringLiteral("-connect"), address,
                                    QStringLiteral("-tls1_3")});
    QCOMPARE(accepted.exitCode, 0);
    QVERIFY(accepted.standardOutput.contains("TLSv1.3"));
}

void TestServerApi::loginSucceeds()
{
    const CurlResult result = m_client->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
        QByteArrayLiteral(
            R"({"email": "  ALICE@Example.TEST ", "password": "Tulip-Harbor-2718!-Quasar"})"));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(QStringLiteral("access_token")).toString().size(), 43);
    QVERIFY(!result.json().value(QStringLiteral("user_id")).toString().isEmpty());
}

void TestServerApi::loginFailuresLookIdentical()
{
    const CurlResult wrongPassword = m_client->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
        QByteArrayLiteral(
            R"({"email": "alice@example.test", "password": "Tulip-Harbor-2718!-QuasaR"})"));
    const CurlResult unknownEmail = m_client->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
        QByteArrayLiteral(
            R"({"email": "nobody@example.test", "password": "Tulip-Harbor-2718!-Quasar"})"));
    QCOMPARE(wrongPassword.status, 401);
    QCOMPARE(unknownEmail.status, 401);
    QCOMPARE(wrongPassword.errorCode(), QStringLiteral("invalid_credentials"));
    QCOMPARE(wrongPassword.body, unknownEmail.body);
}

void TestServerApi::loginRejectsMalformedBody()
{
    const CurlResult result =
        m_client->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"),
                          QByteArrayLiteral(R"({"email": 7})"));
    QCOMPARE(result.status, 400);
    QCOMPARE(result.errorCode(), QStringLiteral("invalid_request"));
}

void TestServerApi::logoutRevokesToken()
{
    const QString token = m_client->login(kAlice, kAlicePassword);
    QVERIFY(!token.isEmpty());
    const QString otherToken = m_client->login(kAlice, kAlicePassword);
    QVERIFY(!otherToken.isEmpty());

    const CurlResult logout =
        m_client->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/logout"), {}, token);
    QCOMPARE(logout.status, 200);

    const CurlResult afterLogout =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, token);
    QCOMPARE(afterLogout.status, 401);
    const CurlResult otherSession =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, otherToken);
    QCOMPARE(otherSession.status, 200);
    const CurlResult secondLogout =
        m_client->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/logout"), {}, token);
    QCOMPARE(secondLogout.status, 401);
}

void TestServerApi::uploadRoundTrip()
{
    QByteArray content;
    for (int i = 0; i < 50000; ++i)
        content += "line " + QByteArray::number(i) + " of a plain text lab report\n";
    const QString path = writeFile(m_files, QStringLiteral("report.txt"), content);
    QVERIFY(!path.isEmpty());

    const CurlResult uploaded =
        m_client->upload(m_aliceToken, path, QStringLiteral("Lab report.txt"));
    QCOMPARE(uploaded.status, 201);
    const QJsonObject record = uploaded.json();
    const QString id = record.value(QStringLiteral("id")).toString();
    const QString sha256 =
        QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
    QCOMPARE(record.value(QStringLiteral("filename")).toString(), QStringLiteral("Lab report.txt"));
    QCOMPARE(record.value(QStringLiteral("size")).toInteger(), content.size());
    QCOMPARE(record.value(QStringLiteral("sha256")).toString(), sha256);
    QVERIFY(!record.value(QStringLiteral("created_at")).toString().isEmpty());

    const CurlResult list = m_client->request(QStringLiteral("GET"),
                                              QStringLiteral("/api/v1/records"), {}, m_aliceToken);
    QCOMPARE(list.status, 200);
    QVERIFY(recordIds(list).contains(id));

    const QString output = m_files.filePath(QStringLiteral("downloaded.txt"));
    const CurlResult downloaded = m_client->download(m_aliceToken, id, output);
    QCOMPARE(downloaded.status, 200);
    QCOMPARE(downloaded.header("content-type"), QByteArray("application/octet-stream"));
    QCOMPARE(downloaded.header("content-length").toLongLong(), content.size());
    QFile file(output);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromLatin1(
                 QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex()),
             sha256);
}

void TestServerApi::uploadRequiresToken()
{
    const QString path = writeFile(m_files, QStringLiteral("anonymous.txt"), "no token");
    const CurlResult result = m_client->upload(QString(), path, QStringLiteral("anonymous.txt"));
    QCOMPARE(result.status, 401);
    QCOMPARE(result.header("www-authenticate"), QByteArray("Bearer"));
    const CurlResult forged =
        m_client->upload(QStringLiteral("not-a-real-token"), path, QStringLiteral("anonymous.txt"));
    QCOMPARE(forged.status, 401);
}

void TestServerApi::eicarIsRejected()
{
    const QString store = m_server->dataDir() + QStringLiteral("/store");
    const QStringList objectsBefore = filesBelow(store + QStringLiteral("/objects"));
    const QStringList recordsBefore = recordIds(m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, m_aliceToken));

    const QString path = writeFile(m_files, QStringLiteral("eicar.com"), eicarBytes());
    const CurlResult result = m_client->upload(m_aliceToken, path, QStringLiteral("eicar.com"));
    QCOMPARE(result.status, 422);
    QCOMPARE(result.errorCode(), QStringLiteral("malware_detected"));
    const QString message = result.json()
                                .value(QStringLiteral("error"))
                                .toObject()
                                .value(QStringLiteral("message"))
                                .toString();
    QVERIFY2(message.contains(QStringLiteral("chartinsight-test-eicar"), Qt::CaseInsensitive),
             qPrintable(message));

    QCOMPARE(filesBelow(store + QStringLiteral("/objects")), objectsBefore);
    QCOMPARE(filesBelow(store + QStringLiteral("/tmp")), QStringList());
    QCOMPARE(filesBelow(m_server->dataDir() + QStringLiteral("/tmp")), QStringList());
    const QStringList recordsAfter = recordIds(m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, m_aliceToken));
    QCOMPARE(recordsAfter, recordsBefore);
}

void TestServerApi::hostileFilenameIsSanitized()
{
    const QString path = writeFile(m_files, QStringLiteral("hostile.txt"), "hostile name");
    const QString hostile = QStringLiteral("../../etc/pass\x01wd\r\n.txt");
    const CurlResult result = m_client->upload(m_aliceToken, path, hostile);
    QCOMPARE(result.status, 201);
    QCOMPARE(result.json().value(QStringLiteral("filename")).toString(),
             QStringLiteral("passwd.txt"));

    const CurlResult list = m_client->request(QStringLiteral("GET"),
                                              QStringLiteral("/api/v1/records"), {}, m_aliceToken);
    bool found = false;
    for (const QJsonValue& record : list.json().value(QStringLiteral("records")).toArray()) {
        if (record.toObject().value(QStringLiteral("id")) ==
            result.json().value(QStringLiteral("id")))
            found = record.toObject().value(QStringLiteral("filename")).toString() ==
                    QStringLiteral("passwd.txt");
    }
    QVERIFY(found);
}

void TestServerApi::missingFilenameIsRejected()
{
    const QString path = writeFile(m_files, QStringLiteral("unnamed.txt"), "unnamed");
    const CurlResult onlyDots = m_client->upload(m_aliceToken, path, QStringLiteral(".."));
    QCOMPARE(onlyDots.status, 400);
    QCOMPARE(onlyDots.errorCode(), QStringLiteral("invalid_filename"));
}

void TestServerApi::invalidUtf8FilenameIsRejected()
{
    const CurlResult invalid = m_client->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/records?filename=%FF%FE.txt"),
        QByteArrayLiteral("invalid name"), m_aliceToken);
    QCOMPARE(invalid.status, 400);
    QCOMPARE(invalid.errorCode(), QStringLiteral("invalid_filename"));

    const CurlResult umlaut = m_client->request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/records?filename=Befund%20M%C3%BCller.txt"),
        QByteArrayLiteral("valid name"), m_aliceToken);
    QCOMPARE(umlaut.status, 201);
    QCOMPARE(umlaut.json().value(QStringLiteral("filename")).toString(),
             QStringLiteral("Befund Müller.txt"));
}

void TestServerApi::dataDirectoryHoldsNoPlaintext()
{
    const QByteArray marker =
        "QUOKKA-MARKER-5517-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QString filename = QStringLiteral("Zebra-Finch-Discharge-Summary-8842.txt");
    QByteArray content;
    for (int i = 0; i < 1000; ++i)
        content += marker + " patient note line " + QByteArray::number(i) + '\n';
    const QString path = writeFile(m_files, QStringLiteral("marker.txt"), content);
    const CurlResult result = m_client->upload(m_aliceToken, path, filename);
    QCOMPARE(result.status, 201);

    const QString dataDir = m_server->dataDir();
    const QStringList files = filesBelow(dataDir);
    QVERIFY(files.contains(QStringLiteral("chartinsight.db")));
    for (const QString& relative : files) {
        QFile file(dataDir + u'/' + relative);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(relative));
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(marker), qPrintable(relative));
        QVERIFY2(!bytes.contains(filename.toUtf8()), qPrintable(relative));
        QVERIFY2(!bytes.contains("Zebra-Finch"), qPrintable(relative));
    }
}

void TestServerApi::foreignRecordIsNotFound()
{
    const QString path = writeFile(m_files, QStringLiteral("private.txt"), "alice's record");
    const CurlResult uploaded = m_client->upload(m_aliceToken, path, QStringLiteral("private.txt"));
    QCOMPARE(uploaded.status, 201);
    const QString id = uploaded.json().value(QStringLiteral("id")).toString();

    const CurlResult foreign =
        m_client->request(QStringLiteral("GET"),
                          QStringLiteral("/api/v1/records/%1/content").arg(id), {}, m_bobToken);
    QCOMPARE(foreign.status, 404);
    QCOMPARE(foreign.errorCode(), QStringLiteral("not_found"));
    const CurlResult bobList =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, m_bobToken);
    QVERIFY(!recordIds(bobList).contains(id));
}

void TestServerApi::randomRecordIsNotFound()
{
    const CurlResult result = m_client->request(
        QStringLiteral("GET"),
        QStringLiteral("/api/v1/records/0f8e7a52-3c1d-4b9a-9e21-5d6c7b8a9f00/content"), {},
        m_aliceToken);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.errorCode(), QStringLiteral("not_found"));
}

void TestServerApi::invalidRecordIdIsNotFound()
{
    const CurlResult result =
        m_client->request(QStringLiteral("GET"),
                          QStringLiteral("/api/v1/records/1%20OR%201=1/content"), {}, m_aliceToken);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.errorCode(), QStringLiteral("not_found"));
}

void TestServerApi::requestLogHoldsNoSecrets()
{
    const QByteArray log = m_server->log();
    QVERIFY(log.contains("chartinsight.server.http"));
    QVERIFY(!log.contains(kAlice.toUtf8()));
    QVERIFY(!log.contains(kAlicePassword.toUtf8()));
    QVERIFY(!log.contains(m_aliceToken.toUtf8()));
    QVERIFY(!log.contains("Lab report"));
    QVERIFY(!log.contains("Zebra-Finch"));
    QVERIFY(!log.contains("filename="));
}

void TestServerApi::corsIsOffByDefault()
{
    const CurlResult simple = m_client->request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/health"), {}, {},
        {QStringLiteral("-H"), QStringLiteral("Origin: https://portal.example.test")});
    QCOMPARE(simple.status, 200);
    QVERIFY(!simple.hasHeader("access-control-allow-origin"));
    const CurlResult preflight = m_client->request(
        QStringLiteral("OPTIONS"), QStringLiteral("/api/v1/records"), {}, {},
        {QStringLiteral("-H"), QStringLiteral("Origin: https://portal.example.test"),
         QStringLiteral("-H"), QStringLiteral("Access-Control-Request-Method: GET")});
    QCOMPARE(preflight.status, 403);
    QVERIFY(!preflight.hasHeader("access-control-allow-origin"));
}

void TestServerApi::secondServerOnSameFolderRefused()
{
    // A second server must stop before it clears the first one's uploads in progress.
    const ProcessOutput second =
        runProcess(serverExecutable(),
                   {QStringLiteral("serve"), QStringLiteral("--data-dir"), m_server->dataDir(),
                    QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                    QStringLiteral("--signatures"), testSignatureDir()},
                   {}, 30000);
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.standardError.contains("already serving the data folder"),
             second.standardError.constData());
    QVERIFY(second.standardOutput.isEmpty());

    const CurlResult health =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/health"));
    QCOMPARE(health.status, 200);
}

void TestServerApi::sigtermExitsCleanly()
{
    QVERIFY(m_server->isRunning());
    m_server->stop();
    QVERIFY(!m_server->isRunning());
    QCOMPARE(m_server->exitCode(), 0);
    QVERIFY(m_server->log().contains("stopped"));
}

QTEST_GUILESS_MAIN(TestServerApi)
#include "TestServerApi.moc"
