// Request size limits and CORS of a real chartinsight-server started with a small
// --max-upload-size and one --allowed-origin.

#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight::test;

namespace {

constexpr int kUploadLimit = 1000; // bytes, passed as --max-upload-size
const QString kAllowedOrigin = QStringLiteral("https://portal.example.test");
const QString kEmail = QStringLiteral("carol@example.test");
const QString kPassword = QStringLiteral("Saffron-Glacier-Quill-5120");

int countFiles(const QString& root)
{
    int count = 0;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    return count;
}

} // namespace

class TestServerLimits : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    void uploadAtLimitIsAccepted();
    void uploadOverLimitByLength();
    void uploadOverLimitWhileStreaming();
    void oversizedHeaderIsRejected();
    void oversizedJsonBodyIsRejected();
    void preflightFromAllowedOrigin();
    void preflightFromOtherOrigin();
    void allowedOriginGetsCorsHeader();
    void slowHeaderIsDropped();

private:
    QString writeFile(const QString& name, qsizetype size);

    QTemporaryDir m_files;
    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_client;
    QString m_token;
};

void TestServerLimits::initTestCase()
{
    QVERIFY(m_files.isValid());
    QVERIFY2(m_server.start({QStringLiteral("--max-upload-size"), QString::number(kUploadLimit),
                             QStringLiteral("--allowed-origin"), kAllowedOrigin}),
             m_server.log().constData());
    m_client = std::make_unique<CurlClient>(m_server);
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);
    m_token = m_client->login(kEmail, kPassword);
    QVERIFY(!m_token.isEmpty());
}

QString TestServerLimits::writeFile(const QString& name, qsizetype size)
{
    const QString path = m_files.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray(size, 'a')) != size)
        return {};
    return path;
}

void TestServerLimits::uploadAtLimitIsAccepted()
{
    const CurlResult result = m_client->upload(
        m_token, writeFile(QStringLiteral("exact.txt"), kUploadLimit), QStringLiteral("exact.txt"));
    QCOMPARE(result.status, 201);
    QCOMPARE(result.json().value(QStringLiteral("size")).toInteger(), kUploadLimit);
    // The later cases count the objects in the store, which the derived text of this record
    // would otherwise change while they run.
    QVERIFY(
        !m_client->waitUntilDerived(m_token, result.json().value(QStringLiteral("id")).toString())
             .isEmpty());
}

void TestServerLimits::uploadOverLimitByLength()
{
    const int objectsBefore = countFiles(m_server.dataDir() + QStringLiteral("/store"));
    const CurlResult result =
        m_client->upload(m_token, writeFile(QStringLiteral("large.txt"), 2 * kUploadLimit),
                         QStringLiteral("large.txt"));
    QCOMPARE(result.status, 413);
    QCOMPARE(result.errorCode(), QStringLiteral("payload_too_large"));
    QVERIFY(result.hasHeader("strict-transport-security"));
    QVERIFY(result.hasHeader("content-security-policy"));
    QCOMPARE(countFiles(m_server.dataDir() + QStringLiteral("/store")), objectsBefore);
}

void TestServerLimits::uploadOverLimitWhileStreaming()
{
    // Chunked transfer has no Content-Length, so the limit is found while the body streams in.
    const int objectsBefore = countFiles(m_server.dataDir() + QStringLiteral("/store"));
    const CurlResult result =
        m_client->upload(m_token, writeFile(QStringLiteral("chunked.txt"), 3 * kUploadLimit),
                         QStringLiteral("chunked.txt"),
                         {QStringLiteral("-H"), QStringLiteral("Transfer-Encoding: chunked")});
    QCOMPARE(result.status, 413);
    QCOMPARE(result.errorCode(), QStringLiteral("payload_too_large"));
    QCOMPARE(countFiles(m_server.dataDir() + QStringLiteral("/store")), objectsBefore);
}

void TestServerLimits::oversizedHeaderIsRejected()
{
    const QString header = QStringLiteral("X-Padding: ") + QString(20 * 1024, u'x');
    const CurlResult result =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/health"), {}, {},
                          {QStringLiteral("-H"), header});
    QCOMPARE(result.status, 431);
    QVERIFY(result.hasHeader("x-content-type-options"));
}

void TestServerLimits::oversizedJsonBodyIsRejected()
{
    const QByteArray body =
        "{\"email\": \"" + QByteArray(70 * 1024, 'a') + "\", \"password\": \"x\"}";
    const CurlResult result =
        m_client->request(QStringLiteral("POST"), QStringLiteral("/api/v1/auth/login"), body);
    QCOMPARE(result.status, 413);
    QCOMPARE(result.errorCode(), QStringLiteral("payload_too_large"));
}

void TestServerLimits::preflightFromAllowedOrigin()
{
    const CurlResult result = m_client->request(
        QStringLiteral("OPTIONS"), QStringLiteral("/api/v1/records"), {}, {},
        {QStringLiteral("-H"), QStringLiteral("Origin: ") + kAllowedOrigin, QStringLiteral("-H"),
         QStringLiteral("Access-Control-Request-Method: POST")});
    QCOMPARE(result.status, 204);
    QCOMPARE(result.header("access-control-allow-origin"), kAllowedOrigin.toUtf8());
    QVERIFY(result.header("access-control-allow-methods").contains("POST"));
    QVERIFY(result.header("access-control-allow-headers").contains("Authorization"));
}

void TestServerLimits::preflightFromOtherOrigin()
{
    const CurlResult result = m_client->request(
        QStringLiteral("OPTIONS"), QStringLiteral("/api/v1/records"), {}, {},
        {QStringLiteral("-H"), QStringLiteral("Origin: https://attacker.example.test"),
         QStringLiteral("-H"), QStringLiteral("Access-Control-Request-Method: POST")});
    QCOMPARE(result.status, 403);
    QVERIFY(!result.hasHeader("access-control-allow-origin"));
}

void TestServerLimits::allowedOriginGetsCorsHeader()
{
    const CurlResult result =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, m_token,
                          {QStringLiteral("-H"), QStringLiteral("Origin: ") + kAllowedOrigin});
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("access-control-allow-origin"), kAllowedOrigin.toUtf8());
    QCOMPARE(result.header("vary"), QByteArray("Origin"));
}

void TestServerLimits::slowHeaderIsDropped()
{
    // A slow-loris client sends one header line per second and never finishes the header. The
    // server allows 30 s for a whole header, so it must close the connection long before the
    // client runs out of lines.
    constexpr int kMaxLines = 90;
    QProcess client;
    client.start(QStringLiteral("openssl"),
                 {QStringLiteral("s_client"), QStringLiteral("-quiet"), QStringLiteral("-connect"),
                  QStringLiteral("127.0.0.1:%1").arg(m_server.url().port())});
    QVERIFY(client.waitForStarted());
    client.write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    int lines = 0;
    while (client.state() == QProcess::Running && lines < kMaxLines) {
        client.write("X-Slow: 1\r\n");
        ++lines;
        client.waitForFinished(1000);
    }
    const bool closedByServer = client.state() == QProcess::NotRunning;
    if (!closedByServer) {
        client.kill();
        client.waitForFinished();
    }
    QVERIFY2(closedByServer, "the server kept a never-ending request header open");
    QVERIFY(!client.readAllStandardOutput().contains("HTTP/1.1"));
}

QTEST_GUILESS_MAIN(TestServerLimits)
#include "TestServerLimits.moc"
