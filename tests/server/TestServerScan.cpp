// Server-side scanning through the API. A server without usable signatures rejects every upload
// (fail closed). Archives that cannot be scanned fully are rejected as scan_incomplete, never
// reported clean: fault case C11 is a small zip whose expansion passed the limits as clean.

#include "CurlClient.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight::test;

namespace {

const QString kEmail = QStringLiteral("dana@example.test");
const QString kPassword = QStringLiteral("Meadow-Lantern-Pepper-3391");

// Writes bomb.zip (one member of 1 GiB of zeros, about 1 MB compressed) or many.zip (20,000
// empty members). zipfile streams the member, so memory stays small.
const char kMakeArchives[] = R"py(
import sys, zipfile
kind, path = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    if kind == "bomb":
        zeros = bytes(1024 * 1024)
        with archive.open("zeros.bin", "w") as member:
            for _ in range(1024):
                member.write(zeros)
    else:
        for i in range(20000):
            archive.writestr("empty-%05d.txt" % i, b"")
)py";

QStringList filesBelow(const QString& root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    return files;
}

} // namespace

class TestServerScan : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    void emptySignaturesDisableUploads();
    void c11BombZipIsIncomplete();
    void c11ManyZipIsIncomplete();

private:
    QString makeArchive(const QString& kind);
    void expectIncomplete(const QString& archivePath);

    QTemporaryDir m_files;
    ServerProcess m_server;
    std::unique_ptr<CurlClient> m_client;
    QString m_token;
};

void TestServerScan::initTestCase()
{
    QVERIFY(m_files.isValid());
    QVERIFY2(m_server.start(), m_server.log().constData());
    m_client = std::make_unique<CurlClient>(m_server);
    QCOMPARE(m_server.addUser(kEmail, kPassword), 0);
    m_token = m_client->login(kEmail, kPassword);
    QVERIFY(!m_token.isEmpty());
}

QString TestServerScan::makeArchive(const QString& kind)
{
    const QString path = m_files.filePath(kind + QStringLiteral(".zip"));
    const ProcessOutput output =
        runProcess(QStringLiteral("/usr/bin/python3"),
                   {QStringLiteral("-c"), QString::fromLatin1(kMakeArchives), kind, path});
    if (output.exitCode != 0) {
        qWarning() << "building" << kind << "failed:" << output.standardError;
        return {};
    }
    return path;
}

void TestServerScan::expectIncomplete(const QString& archivePath)
{
    const QString store = m_server.dataDir() + QStringLiteral("/store");
    const QStringList objectsBefore = filesBelow(store + QStringLiteral("/objects"));

    const CurlResult result =
        m_client->upload(m_token, archivePath, QFileInfo(archivePath).fileName());
    QCOMPARE(result.status, 422);
    QCOMPARE(result.errorCode(), QStringLiteral("scan_incomplete"));
    QCOMPARE(filesBelow(store + QStringLiteral("/objects")), objectsBefore);
    QCOMPARE(filesBelow(store + QStringLiteral("/tmp")), QStringList());
    QCOMPARE(filesBelow(m_server.dataDir() + QStringLiteral("/tmp")), QStringList());
    const CurlResult list =
        m_client->request(QStringLiteral("GET"), QStringLiteral("/api/v1/records"), {}, m_token);
    QCOMPARE(list.status, 200);
    QVERIFY(list.json().value(QStringLiteral("records")).toArray().isEmpty());
}

void TestServerScan::emptySignaturesDisableUploads()
{
    QTemporaryDir emptySignatures;
    QVERIFY(emptySignatures.isValid());
    ServerProcess server;
    // A later --signatures overrides the test signatures that start() passes.
    QVERIFY2(server.start({QStringLiteral("--signatures"), emptySignatures.path()}),
             server.log().constData());
    CurlClient client(server);

    const CurlResult health =
        client.request(QStringLiteral("GET"), QStringLiteral("/api/v1/health"));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QStringLiteral("scanner")).toString(),
             QStringLiteral("unavailable"));
    QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));

    QCOMPARE(server.addUser(kEmail, kPassword), 0);
    const QString token = client.login(kEmail, kPassword);
    QVERIFY(!token.isEmpty());
    QFile file(m_files.filePath(QStringLiteral("clean.txt")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("a clean text file");
    file.close();
    const CurlResult result = client.upload(token, file.fileName(), QStringLiteral("clean.txt"));
    QCOMPARE(result.status, 503);
    QCOMPARE(result.errorCode(), QStringLiteral("scanner_unavailable"));
    QVERIFY(!result.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .isEmpty());
    QCOMPARE(filesBelow(server.dataDir() + QStringLiteral("/store")), QStringList());
    QVERIFY(server.log().contains("scanner is not available"));
}

void TestServerScan::c11BombZipIsIncomplete()
{
    const QString path = makeArchive(QStringLiteral("bomb"));
    QVERIFY(!path.isEmpty());
    QVERIFY(QFileInfo(path).size() < 4 * 1024 * 1024);
    expectIncomplete(path);
}

void TestServerScan::c11ManyZipIsIncomplete()
{
    const QString path = makeArchive(QStringLiteral("many"));
    QVERIFY(!path.isEmpty());
    expectIncomplete(path);
}

QTEST_GUILESS_MAIN(TestServerScan)
#include "TestServerScan.moc"
