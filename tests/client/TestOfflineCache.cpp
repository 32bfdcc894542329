#include "client/OfflineCache.h"
#include "core/ErrorCodes.h"
#include "crypto/Random.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace chartinsight;
using namespace chartinsight::client;

namespace {

const QString kServer = QStringLiteral("https://127.0.0.1:8443");
const QString kOtherServer = QStringLiteral("https://records.example.test");

RecordInfo recordFor(const QByteArray& content, const QString& filename = QStringLiteral("a.pdf"))
{
    RecordInfo record;
    record.id = crypto::randomUuid();
    record.filename = filename;
    record.size = content.size();
    record.sha256 =
        QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
    record.createdAt = QDateTime::currentDateTimeUtc();
    return record;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

Result<void> store(OfflineCache& cache, const QString& server, const RecordInfo& record,
                   const QByteArray& content)
{
    auto writer = cache.beginRecord(server, record);
    // Uneven blocks cross chunk boundaries, as network reads do.
    for (qsizetype offset = 0; offset < content.size(); offset += 300000) {
        if (auto appended = writer->append(content.mid(offset, 300000)); !appended)
            return appended;
    }
    return writer->commit();
}

Result<QByteArray> contentOf(OfflineCache& cache, const QString& server, const QString& id)
{
    QByteArray content;
    auto read = cache.readContent(server, id, [&](const QByteArray& block) {
        content.append(block);
        return Result<void>();
    });
    if (!read)
        return read.error();
    return content;
}

} // namespace

class TestOfflineCache : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void storesChunkedContent();
    void createsPrivateFile();
    void createRejectsExistingFile();
    void wrongKeyKeepsFile();
    void corruptFileKeepsFile_data();
    void corruptFileKeepsFile();
    void rejectsWrongDigest();
    void rejectsOversizedContent();
    void abandonedWriterKeepsOldCopy();
    void committedWriterReplacesCopy();
    void interruptedDownloadRestarts();
    void reconcileRemovesAndRenames();
    void ownerChangePurgesRecords();
    void serversAreSeparate();
    void removeServerClearsRecords();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    QByteArray m_key;
};

void TestOfflineCache::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("cache.db"));
    m_key = crypto::randomBytes(32);
}

void TestOfflineCache::storesChunkedContent()
{
    const QByteArray content = crypto::randomBytes(OfflineCache::kChunkSize * 2 + 12345);
    const RecordInfo record = recordFor(content);
    {
        auto cache = OfflineCache::create(m_path, m_key);
        QVERIFY(cache.ok());
        QVERIFY(store(**cache, kServer, record, content).ok());
    }
    auto reopened = OfflineCache::open(m_path, m_key);
    QVERIFY(reopened.ok());
    const auto records = (*reopened)->listRecords(kServer);
    QVERIFY(records.ok());
    QCOMPARE(records->size(), 1);
    QCOMPARE(records->first().id, record.id);
    QCOMPARE(records->first().sha256, record.sha256);
    QCOMPARE(records->first().size, record.size);
    const auto read = contentOf(**reopened, kServer, record.id);
    QVERIFY(read.ok());
    QCOMPARE(*read, content);
}

void TestOfflineCache::createsPrivateFile()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    QCOMPARE(QFile::permissions(m_path) & 0x0077, QFileDevice::Permissions());
    QVERIFY(!readAll(m_path).startsWith("SQLite format 3"));
}

void TestOfflineCache::createRejectsExistingFile()
{
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("keep me");
    file.close();
    const auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(!cache.ok());
    QCOMPARE(cache.error().code, QString::fromLatin1(errc::kCache));
    QCOMPARE(readAll(m_path), QByteArrayLiteral("keep me"));
}

void TestOfflineCache::wrongKeyKeepsFile()
{
    {
        auto cache = OfflineCache::create(m_path, m_key);
        QVERIFY(cache.ok());
        const QByteArray content("record bytes");
        QVERIFY(store(**cache, kServer, recordFor(content), content).ok());
    }
    const QByteArray before = readAll(m_path);
    const auto cache = OfflineCache::open(m_path, crypto::randomBytes(32));
    QVERIFY(!cache.ok());
    QCOMPARE(cache.error().code, QString::fromLatin1(errc::kCache));
    QVERIFY(cache.error().message.contains(m_path));
    QVERIFY(cache.error().message.contains(QStringLiteral("untouched")));
    QCOMPARE(readAll(m_path), before);
}

void TestOfflineCache::corruptFileKeepsFile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("random") << crypto::randomBytes(8192);
    QTest::newRow("text") << QByteArrayLiteral("not a database\n");
    QTest::newRow("empty sqlite header") << QByteArrayLiteral("SQLite format 3") + QByteArray(1, 0);
}

void TestOfflineCache::corruptFileKeepsFile()
{
    QFETCH(QByteArray, bytes);
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();
    const auto cache = OfflineCache::open(m_path, m_key);
    QVERIFY(!cache.ok());
    QCOMPARE(cache.error().code, QString::fromLatin1(errc::kCache));
    QCOMPARE(readAll(m_path), bytes);
}

void TestOfflineCache::rejectsWrongDigest()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    const QByteArray content("expected content");
    RecordInfo record = recordFor(content);
    auto writer = (*cache)->beginRecord(kServer, record);
    QVERIFY(writer->append(QByteArray("tampered content")).ok());
    const auto committed = writer->commit();
    QVERIFY(!committed.ok());
    QCOMPARE(committed.error().code, QString::fromLatin1(errc::kIntegrity));
    QVERIFY((*cache)->listRecords(kServer)->isEmpty());
}

void TestOfflineCache::rejectsOversizedContent()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    const QByteArray content("twelve bytes");
    auto writer = (*cache)->beginRecord(kServer, recordFor(content));
    const auto appended = writer->append(content + "!");
    QVERIFY(!appended.ok());
    QCOMPARE(appended.error().code, QString::fromLatin1(errc::kIntegrity));
    QVERIFY((*cache)->listRecords(kServer)->isEmpty());
}

void TestOfflineCache::abandonedWriterKeepsOldCopy()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    const QByteArray content = crypto::randomBytes(OfflineCache::kChunkSize + 10);
    const RecordInfo record = recordFor(content);
    QVERIFY(store(**cache, kServer, record, content).ok());
    {
        auto writer = (*cache)->beginRecord(kServer, record);
        QVERIFY(writer->append(content.left(OfflineCache::kChunkSize + 5)).ok());
    }
    const auto read = contentOf(**cache, kServer, record.id);
    QVERIFY(read.ok());
    QCOMPARE(*read, content);
}

void TestOfflineCache::committedWriterReplacesCopy()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    const QByteArray first = crypto::randomBytes(OfflineCache::kChunkSize * 2 + 1);
    RecordInfo record = recordFor(first);
    QVERIFY(store(**cache, kServer, record, first).ok());

    const QByteArray second = crypto::randomBytes(OfflineCache::kChunkSize + 7);
    const RecordInfo replacement = recordFor(second);
    record.size = replacement.size;
    record.sha256 = replacement.sha256;
    QVERIFY(store(**cache, kServer, record, second).ok());
    const auto read = contentOf(**cache, kServer, record.id);
    QVERIFY(read.ok());
    QCOMPARE(*read, second);
    QCOMPARE((*cache)->listRecords(kServer)->size(), 1);
}

void TestOfflineCache::interruptedDownloadRestarts()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    const QByteArray content = crypto::randomBytes(OfflineCache::kChunkSize * 3);
    const RecordInfo record = recordFor(content);
    {
        auto writer = (*cache)->beginRecord(kServer, record);
        QVERIFY(writer->append(content.left(OfflineCache::kChunkSize * 2)).ok());
    }
    QVERIFY((*cache)->listRecords(kServer)->isEmpty());
    QVERIFY(store(**cache, kServer, record, content).ok());
    const auto read = contentOf(**cache, kServer, record.id);
    QVERIFY(read.ok());
    QCOMPARE(*read, content);
}

void TestOfflineCache::reconcileRemovesAndRenames()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    const QByteArray kept("kept"), gone("gone"), changed("changed");
    RecordInfo keptRecord = recordFor(kept, QStringLiteral("old name.pdf"));
    const RecordInfo goneRecord = recordFor(gone);
    RecordInfo changedRecord = recordFor(changed);
    QVERIFY(store(**cache, kServer, keptRecord, kept).ok());
    QVERIFY(store(**cache, kServer, goneRecord, gone).ok());
    QVERIFY(store(**cache, kServer, changedRecord, changed).ok());

    keptRecord.filename = QStringLiteral("new name.pdf");
    changedRecord.sha256 = QString(64, u'0');
    const auto removed = (*cache)->reconcile(kServer, {keptRecord, changedRecord});
    QVERIFY(removed.ok());
    QCOMPARE(*removed, 2);
    const auto records = (*cache)->listRecords(kServer);
    QVERIFY(records.ok());
    QCOMPARE(records->size(), 1);
    QCOMPARE(records->first().id, keptRecord.id);
    QCOMPARE(records->first().filename, QStringLiteral("new name.pdf"));
}

void TestOfflineCache::ownerChangePurgesRecords()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    QCOMPARE(*(*cache)->bindOwner(kServer, QStringLiteral("user-a")), 0);
    const QByteArray content("alice's record");
    QVERIFY(store(**cache, kServer, recordFor(content), content).ok());
    QCOMPARE(*(*cache)->bindOwner(kServer, QStringLiteral("user-a")), 0);
    QCOMPARE((*cache)->listRecords(kServer)->size(), 1);
    QCOMPARE(*(*cache)->bindOwner(kServer, QStringLiteral("user-b")), 1);
    QVERIFY((*cache)->listRecords(kServer)->isEmpty());
}

void TestOfflineCache::serversAreSeparate()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    const QByteArray content("record");
    const RecordInfo record = recordFor(content);
    QVERIFY(store(**cache, kServer, record, content).ok());
    QVERIFY((*cache)->listRecords(kOtherServer)->isEmpty());
    const auto read = contentOf(**cache, kOtherServer, record.id);
    QVERIFY(!read.ok());
    QCOMPARE(read.error().code, QString::fromLatin1(errc::kNotFound));
    QCOMPARE(*(*cache)->reconcile(kOtherServer, {}), 0);
    QCOMPARE((*cache)->listRecords(kServer)->size(), 1);
}

void TestOfflineCache::removeServerClearsRecords()
{
    auto cache = OfflineCache::create(m_path, m_key);
    QVERIFY(cache.ok());
    for (int i = 0; i < 3; ++i) {
        const QByteArray content = crypto::randomBytes(100 + i);
        QVERIFY(store(**cache, kServer, recordFor(content), content).ok());
    }
    QCOMPARE(*(*cache)->removeServer(kServer), 3);
    QVERIFY((*cache)->listRecords(kServer)->isEmpty());
}

QTEST_GUILESS_MAIN(TestOfflineCache)
#include "TestOfflineCache.moc"
