#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Copper-Glacier-Tundra-5820!");
constexpr qint64 kMaxUploadSize = 3 * 1024 * 1024;
// Layout of a stored object (crypto/SegmentedCipher.h): an 8-byte header, then segments of
// 64 KiB of ciphertext plus a 16-byte tag.
constexpr qint64 kObjectHeaderBytes = 8;
constexpr qint64 kStoredSegmentBytes = 64 * 1024 + 16;

// Sends a whole POST body before it reads anything, as Qt's QNetworkAccessManager does, and
// prints the status line of the response.
const char kSendAllThenRead[] = R"(
import socket, ssl, sys
host, port, ca_file, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
context = ssl.create_default_context(cafile=ca_file)
context.check_hostname = False
context.minimum_version = ssl.TLSVersion.TLSv1_3
with socket.create_connection((host, port)) as raw:
    with context.wrap_socket(raw) as tls:
        tls.sendall(b"POST /api/v1/records?filename=big.bin HTTP/1.1\r\nHost: " +
                    host.encode() + b"\r\nAuthorization: Bearer not-a-token\r\n"
                    b"Content-Type: application/octet-stream\r\nContent-Length: " +
                    str(size).encode() + b"\r\n\r\n")
        block = bytes(64 * 1024)
        sent = 0
        while sent < size:
            count = min(len(block), size - sent)
            tls.sendall(block[:count])
            sent += count
        response = b""
        while b"\r\n" not in response:
            part = tls.recv(4096)
            if not part:
                break
            response += part
        print(response.split(b"\r\n")[0].decode())
)";

QByteArray randomBytes(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char& byte : bytes)
        byte = char(QRandomGenerator::global()->bounded(256));
    return bytes;
}

QSet<QString> storedObjects(const QString& dataDir)
{
    QSet<QString> files;
    QDirIterator it(dataDir + QStringLiteral("/store/objects"), QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.insert(it.next());
    return files;
}

bool flipByte(const QString& path, qint64 offset)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(offset))
        return false;
    char byte = 0;
    if (file.read(&byte, 1) != 1 || !file.seek(offset))
        return false;
    byte = char(byte ^ 0x5a);
    return file.write(&byte, 1) == 1;
}

} // namespace

// Damaged stored objects, the upload limit in the health response, file name errors and the
// early response to an upload whose body the server does not want.
class TestRecordIntegrity : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    void healthPublishesUploadLimit();
    void filenameErrorNamesValue_data();
    void filenameErrorNamesValue();
    void damagedFirstSegment();
    void damagedLaterSegment();
    void earlyResponseAfterWholeBody();

private:
    // Uploads `size` random bytes; returns the record id and sets `objectPath` to the new object.
    QString uploadRecord(qint64 size, QString& objectPath);

    ServerProcess m_server;
    QTemporaryDir m_files;
    QString m_token;
    int m_uploads = 0;
};

void TestRecordIntegrity::initTestCase()
{
    QVERIFY(m_server.start({QStringLiteral("--max-upload-size"), QString::number(kMaxUploadSize)}));
    QCOMPARE(m_server.addUser(QStringLiteral("archivist@example.test"), kPassword), 0);
    CurlClient curl(m_server);
    m_token = curl.login(QStringLiteral("archivist@example.test"), kPassword);
    QVERIFY(!m_token.isEmpty());
}

QString TestRecordIntegrity::uploadRecord(qint64 size, QString& objectPath)
{
    const QString path = m_files.filePath(QStringLiteral("record%1.bin").arg(++m_uploads));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(randomBytes(size)) != size)
        return {};
    file.close();
    const QSet<QString> before = storedObjects(m_server.dataDir());
    CurlClient curl(m_server);
    const CurlResult uploaded = curl.upload(m_token, path, QStringLiteral("scan.bin"));
    if (uploaded.status != 201)
        return {};
    const QSet<QString> added = storedObjects(m_server.dataDir()) - before;
    if (added.size() != 1)
        return {};
    objectPath = *added.begin();
    return uploaded.json().value(QStringLiteral("id")).toString();
}

void TestRecordIntegrity::healthPublishesUploadLimit()
{
    CurlClient curl(m_server);
    const CurlResult health = curl.request(QStringLiteral("GET"), QStringLiteral("/api/v1/health"));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QStringLiteral("max_upload_size")).toInteger(), kMaxUploadSize);
}

void TestRecordIntegrity::filenameErrorNamesValue_data()
{
    QTest::addColumn<QString>("encodedName");
    QTest::addColumn<QString>("expected");

    QTest::newRow("dots") << QStringLiteral("..") << QStringLiteral("\"..\"");
    QTest::newRow("control character") << QStringLiteral("%01") << QStringLiteral("\"\\u{0001}\"");
    QTest::newRow("line breaks") << QStringLiteral("%0A.%0D") << QStringLiteral("\"\\n.\\r\"");
    QTest::newRow("bidi override")
        << QStringLiteral("%E2%80%AE..") << QStringLiteral("\"\\u{202E}..\"");
    QTest::newRow("long") << QString(500, u'.') << QString(80, u'.') + QStringLiteral("...\"");
    QTest::newRow("invalid UTF-8") << QStringLiteral("%FF.txt") << QStringLiteral("\"%FF.txt\"");
}

void TestRecordIntegrity::filenameErrorNamesValue()
{
    QFETCH(QString, encodedName);
    QFETCH(QString, expected);
    CurlClient curl(m_server);
    const CurlResult rejected = curl.request(
        QStringLiteral("POST"), QStringLiteral("/api/v1/records?filename=") + encodedName,
        QByteArray("content"), m_token);
    QCOMPARE(rejected.status, 400);
    QCOMPARE(rejected.errorCode(), QStringLiteral("invalid_filename"));
    const QString message = rejected.json()
                                .value(QStringLiteral("error"))
                                .toObject()
                                .value(QStringLiteral("message"))
                                .toString();
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.size() < 400, qPrintable(message));
}

void TestRecordIntegrity::damagedFirstSegment()
{
    QString object;
    const QString id = uploadRecord(200 * 1024, object);
    QVERIFY(!id.isEmpty());
    QVERIFY(flipByte(object, kObjectHeaderBytes + 100));

    CurlClient curl(m_server);
    const CurlResult downloaded = curl.request(
        QStringLiteral("GET"), QStringLiteral("/api/v1/records/%1/content").arg(id), {}, m_token);
    QCOMPARE(downloaded.status, 500);
    QCOMPARE(downloaded.errorCode(), QStringLiteral("record_damaged"));
    const QString message = downloaded.json()
                                .value(QStringLiteral("error"))
                                .toObject()
                                .value(QStringLiteral("message"))
                                .toString();
    QVERIFY2(message.contains(id), qPrintable(message));
    QVERIFY(m_server.log().contains(id.toLatin1()));
}

void TestRecordIntegrity::damagedLaterSegment()
{
    QString object;
    const QString id = uploadRecord(200 * 1024, object);
    QVERIFY(!id.isEmpty());
    QVERIFY(flipByte(object, kObjectHeaderBytes + kStoredSegmentBytes + 100));

    CurlClient curl(m_server);
    const QString output = m_files.filePath(QStringLiteral("later.out"));
    const CurlResult downloaded = curl.download(m_token, id, output);
    // The status line went out before the damage was found, so the body ends early.
    QCOMPARE(downloaded.status, 200);
    QVERIFY(downloaded.curlExitCode != 0);
    QVERIFY(QFileInfo(output).size() < 200 * 1024);
    QVERIFY(m_server.log().contains(id.toLatin1()));

    // The server goes on serving.
    const CurlResult health = curl.request(QStringLiteral("GET"), QStringLiteral("/api/v1/health"));
    QCOMPARE(health.status, 200);
}

void TestRecordIntegrity::earlyResponseAfterWholeBody()
{
    const qint64 size = 8 * 1024 * 1024;
    const ProcessOutput sent = runProcess(
        QStringLiteral("python3"),
        {QStringLiteral("-c"), QString::fromLatin1(kSendAllThenRead), m_server.url().host(),
         QString::number(m_server.url().port()), m_server.caFile(), QString::number(size)});
    QVERIFY2(sent.exitCode == 0, sent.standardError.constData());
    QCOMPARE(sent.standardOutput.trimmed(), QByteArray("HTTP/1.1 401 Unauthorized"));
}

QTEST_GUILESS_MAIN(TestRecordIntegrity)
#include "TestRecordIntegrity.moc"
