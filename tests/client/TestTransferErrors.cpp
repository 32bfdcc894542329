#include "ClientTestSupport.h"
#include "client/ClientSession.h"
#include "client/SecretStore.h"
#include "core/ErrorCodes.h"
#include "support/TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::client;
using namespace chartinsight::test;

namespace {

const QString kPassword = QStringLiteral("Basalt-Orchid-Pilgrim-3306!");
constexpr qint64 kMaxUploadSize = 16 * 1024 * 1024;
constexpr qint64 kRecordSize = 200 * 1024; // four 64 KiB segments
// Layout of a stored object (crypto/SegmentedCipher.h): an 8-byte header, then segments of
// 64 KiB of ciphertext plus a 16-byte tag.
constexpr qint64 kFirstSegmentByte = 8 + 100;
constexpr qint64 kSecondSegmentByte = 8 + (64 * 1024 + 16) + 100;

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

QStringList idsOf(const QJsonValue& records)
{
    QStringList ids;
    for (const QJsonValue& record : records.toArray())
        ids.append(record.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

} // namespace

// Uploads over the server's limit or with an ended session, and downloads and syncs of records
// whose stored object was damaged on the server.
class TestTransferErrors : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void uploadOverLimitNotSent();
    void revokedSessionLargeUpload();
    void damagedFirstSegment();
    void damagedLaterSegment();
    void syncSkipsDamaged();

private:
    std::unique_ptr<ClientSession> signedInSession();
    // Uploads random bytes through `session`; returns the record id and sets `objectPath`.
    QString uploadRecord(ClientSession& session, QString& objectPath);

    ServerProcess m_server;
    QTemporaryDir m_files;
    std::unique_ptr<QTemporaryDir> m_profile;
    QString m_email;
    int m_userCount = 0;
    int m_fileCount = 0;
};

void TestTransferErrors::initTestCase()
{
    QVERIFY(m_server.start({QStringLiteral("--max-upload-size"), QString::number(kMaxUploadSize)}));
}

void TestTransferErrors::init()
{
    m_profile = std::make_unique<QTemporaryDir>();
    QVERIFY(removeSecret(QString::fromLatin1(kCacheKeyEntry)).ok());
    QVERIFY(removeSecret(sessionEntryName(m_server.url().toString())).ok());
    m_email = QStringLiteral("radiographer%1@example.test").arg(++m_userCount);
    QCOMPARE(m_server.addUser(m_email, kPassword), 0);
}

void TestTransferErrors::cleanup()
{
    m_profile.reset();
}

std::unique_ptr<ClientSession> TestTransferErrors::signedInSession()
{
    ConnectionSettings settings;
    settings.serverUrl = m_server.url();
    settings.caFile = m_server.caFile();
    settings.signatureDir = testSignatureDir();
    settings.profileDir = m_profile->path();
    auto session = std::make_unique<ClientSession>(settings);
    const TaskOutcome signedIn = waitForTask(session->signIn(m_email, kPassword));
    if (!signedIn.ok)
        qWarning("sign-in failed: %s", qPrintable(signedIn.error.message));
    return signedIn.ok ? std::move(session) : nullptr;
}

QString TestTransferErrors::uploadRecord(ClientSession& session, QString& objectPath)
{
    const QString path =
        writeFile(m_files.path(), QStringLiteral("series%1.bin").arg(++m_fileCount),
                  randomBytes(kRecordSize));
    const QSet<QString> before = storedObjects(m_server.dataDir());
    const TaskOutcome uploaded = waitForTask(session.upload(path));
    if (!uploaded.ok) {
        qWarning("upload failed: %s", qPrintable(uploaded.error.message));
        return {};
    }
    const QSet<QString> added = storedObjects(m_server.dataDir()) - before;
    if (added.size() != 1)
        return {};
    objectPath = *added.begin();
    return uploaded.result.toObject().value(QStringLiteral("id")).toString();
}

void TestTransferErrors::uploadOverLimitNotSent()
{
    auto session = signedInSession();
    QVERIFY(session);
    const qint64 size = kMaxUploadSize + 1;
    const QString path =
        writeFile(m_files.path(), QStringLiteral("oversized scan.bin"), randomBytes(size));
    QVERIFY(!path.isEmpty());
    const QByteArray logBefore = m_server.log();

    const TaskOutcome uploaded = waitForTask(session->upload(path));
    QVERIFY(!uploaded.ok);
    QCOMPARE(uploaded.error.code, QString::fromLatin1(errc::kPayloadTooLarge));
    QVERIFY2(uploaded.error.message.contains(path), qPrintable(uploaded.error.message));
    QVERIFY(uploaded.error.message.contains(QString::number(size)));
    QVERIFY(uploaded.error.message.contains(QString::number(kMaxUploadSize)));
    // Not a byte of the file went to the server.
    QVERIFY(!m_server.log().mid(logBefore.size()).contains("POST /api/v1/records"));
}

void TestTransferErrors::revokedSessionLargeUpload()
{
    auto session = signedInSession();
    QVERIFY(session);
    {
        // A second sign-in of the same user ends every session, the first one included.
        auto other = signedInSession();
        QVERIFY(other);
        QVERIFY(waitForTask(other->signOutEverywhere()).ok);
    }
    const QString path =
        writeFile(m_files.path(), QStringLiteral("large.bin"), randomBytes(8 * 1024 * 1024));
    const TaskOutcome uploaded = waitForTask(session->upload(path));
    QVERIFY(!uploaded.ok);
    QVERIFY2(uploaded.error.code != QString::fromLatin1(errc::kNetwork),
             qPrintable(uploaded.error.message));
    QVERIFY2(uploaded.error.code == QString::fromLatin1(errc::kUnauthorized) ||
                 uploaded.error.code == QStringLiteral("session_revoked"),
             qPrintable(uploaded.error.code));
    QCOMPARE(uploaded.error.message.count(QStringLiteral("sign in again"), Qt::CaseInsensitive), 1);
}

void TestTransferErrors::damagedFirstSegment()
{
    auto session = signedInSession();
    QVERIFY(session);
    QString object;
    const QString id = uploadRecord(*session, object);
    QVERIFY(!id.isEmpty());
    QVERIFY(flipByte(object, kFirstSegmentByte));

    QTemporaryDir output;
    const QString path = output.filePath(QStringLiteral("record.bin"));
    const TaskOutcome downloaded = waitForTask(session->download(id, path));
    QVERIFY(!downloaded.ok);
    QCOMPARE(downloaded.error.code, QString::fromLatin1(errc::kRecordDamaged));
    QVERIFY2(downloaded.error.message.contains(id), qPrintable(downloaded.error.message));
    QVERIFY(QDir(output.path()).isEmpty());
}

void TestTransferErrors::damagedLaterSegment()
{
    auto session = signedInSession();
    QVERIFY(session);
    QString object;
    const QString id = uploadRecord(*session, object);
    QVERIFY(!id.isEmpty());
    QVERIFY(flipByte(object, kSecondSegmentByte));

    QTemporaryDir output;
    const QString path = output.filePath(QStringLiteral("record.bin"));
    const TaskOutcome downloaded = waitForTask(session->download(id, path));
    QVERIFY(!downloaded.ok);
    QCOMPARE(downloaded.error.code, QString::fromLatin1(errc::kRecordDamaged));
    QVERIFY2(downloaded.error.message.contains(id), qPrintable(downloaded.error.message));
    QVERIFY(QDir(output.path()).isEmpty());
}

void TestTransferErrors::syncSkipsDamaged()
{
    auto session = signedInSession();
    QVERIFY(session);
    QString firstObject;
    QString secondObject;
    QString goodObject;
    const QString firstDamaged = uploadRecord(*session, firstObject);
    const QString good = uploadRecord(*session, goodObject);
    const QString laterDamaged = uploadRecord(*session, secondObject);
    QVERIFY(!firstDamaged.isEmpty());
    QVERIFY(!good.isEmpty());
    QVERIFY(!laterDamaged.isEmpty());
    QVERIFY(flipByte(firstObject, kFirstSegmentByte));
    QVERIFY(flipByte(secondObject, kSecondSegmentByte));

    const TaskOutcome synced = waitForTask(session->sync());
    QVERIFY2(synced.ok, qPrintable(synced.error.message));
    const QJsonObject summary = synced.result.toObject();
    QCOMPARE(summary.value(QStringLiteral("added")).toInt(), 1);
    QStringList damaged = idsOf(summary.value(QStringLiteral("damaged")));
    damaged.sort();
    QStringList expected{firstDamaged, laterDamaged};
    expected.sort();
    QCOMPARE(damaged, expected);

    const TaskOutcome cached = waitForTask(session->listCachedRecords());
    QVERIFY(cached.ok);
    QCOMPARE(idsOf(cached.result), QStringList{good});
}

QTEST_GUILESS_MAIN(TestTransferErrors)
#include "TestTransferErrors.moc"
