#include "client/OfflineCache.h"
#include "crypto/Random.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace chartinsight;
using namespace chartinsight::client;

namespace {

const QString kServer = QStringLiteral("https://127.0.0.1:8443");
const QString kOwner = QStringLiteral("user-jack");

RecordInfo recordFor(const QByteArray& content)
{
    RecordInfo record;
    record.id = crypto::randomUuid();
    record.filename = QStringLiteral("referral.pdf");
    record.size = content.size();
    record.sha256 =
        QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
    record.createdAt = QDateTime::currentDateTimeUtc();
    record.teamId = QStringLiteral("team-1");
    record.teamName = QStringLiteral("Cardiology");
    record.sharing = QStringLiteral("users");
    record.sharedWith = {QStringLiteral("user-jack"), QStringLiteral("user-kate")};
    record.title = QStringLiteral("Referral");
    record.ownerId = QStringLiteral("user-ivy");
    return record;
}

Result<void> store(OfflineCache& cache, const RecordInfo& record, const QByteArray& content)
{
    auto writer = cache.beginRecord(kServer, record);
    if (auto appended = writer->append(content); !appended)
        return appended;
    return writer->commit();
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

// The offline cache's access fields (team, sharing, title, uploader) and its ledger of export
// copies, the decrypted files that download() wrote outside the cache.
class TestOfflineCacheAccess : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void storesAccessFields();
    void reconcileUpdatesAccessFields();
    void updateRecordIgnoresUncached();
    void reconcileDeletesExportCopies();
    void replacedExportCopyIsKept();
    void forgetRecordDeletesCopies();
    void removeServerKeepsCopies();
    void otherUsersCopiesAreKept();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<OfflineCache> m_cache;
};

void TestOfflineCacheAccess::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto cache =
        OfflineCache::create(m_dir->filePath(QStringLiteral("cache.db")), crypto::randomBytes(32));
    QVERIFY(cache.ok());
    m_cache = std::move(cache).value();
    QVERIFY(m_cache->bindOwner(kServer, kOwner).ok());
}

void TestOfflineCacheAccess::storesAccessFields()
{
    const RecordInfo record = recordFor("shared content");
    QVERIFY(store(*m_cache, record, "shared content").ok());
    const auto found = m_cache->findRecord(kServer, record.id);
    QVERIFY(found.ok());
    QVERIFY(found->has_value());
    QCOMPARE((*found)->teamId, record.teamId);
    QCOMPARE((*found)->teamName, record.teamName);
    QCOMPARE((*found)->sharing, record.sharing);
    QCOMPARE((*found)->sharedWith, record.sharedWith);
    QCOMPARE((*found)->title, record.title);
    QCOMPARE((*found)->ownerId, record.ownerId);
}

void TestOfflineCacheAccess::reconcileUpdatesAccessFields()
{
    RecordInfo record = recordFor("team content");
    QVERIFY(store(*m_cache, record, "team content").ok());
    record.sharing = QStringLiteral("team");
    record.sharedWith.clear();
    record.title = QStringLiteral("Echo report");
    const auto removed = m_cache->reconcile(kServer, {record});
    QVERIFY(removed.ok());
    QCOMPARE(*removed, 0);
    const auto listed = m_cache->listRecords(kServer);
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().sharing, QStringLiteral("team"));
    QVERIFY(listed->first().sharedWith.isEmpty());
    QCOMPARE(listed->first().title, QStringLiteral("Echo report"));
}

void TestOfflineCacheAccess::updateRecordIgnoresUncached()
{
    const RecordInfo record = recordFor("never cached");
    QVERIFY(m_cache->updateRecord(kServer, record).ok());
    const auto found = m_cache->findRecord(kServer, record.id);
    QVERIFY(found.ok());
    QVERIFY(!found->has_value());
}

void TestOfflineCacheAccess::reconcileDeletesExportCopies()
{
    const QByteArray content("export me");
    const RecordInfo record = recordFor(content);
    const RecordInfo other = recordFor("still listed");
    QVERIFY(store(*m_cache, record, content).ok());
    const QString exported = m_dir->filePath(QStringLiteral("export.pdf"));
    const QString part = exported + QStringLiteral(".part");
    const QString kept = m_dir->filePath(QStringLiteral("kept.pdf"));
    QVERIFY(writeFile(exported, content));
    QVERIFY(writeFile(part, content.left(3)));
    QVERIFY(writeFile(kept, "still listed"));
    QVERIFY(m_cache->addExportCopy(kServer, record.id, exported, record.sha256).ok());
    QVERIFY(m_cache->addExportCopy(kServer, other.id, kept, other.sha256).ok());

    const auto removed = m_cache->reconcile(kServer, {other});
    QVERIFY(removed.ok());
    QCOMPARE(*removed, 1);
    QVERIFY(!QFile::exists(exported));
    QVERIFY(!QFile::exists(part));
    QVERIFY(QFile::exists(kept));
}

void TestOfflineCacheAccess::replacedExportCopyIsKept()
{
    const RecordInfo record = recordFor("original");
    const QString exported = m_dir->filePath(QStringLiteral("export.pdf"));
    QVERIFY(m_cache->addExportCopy(kServer, record.id, exported, record.sha256).ok());
    // The user saved another file under the same name: it is not a copy of the record.
    QVERIFY(writeFile(exported, "the user's own file"));
    const auto deleted = m_cache->purgeExportCopies(kServer, {});
    QVERIFY(deleted.ok());
    QCOMPARE(*deleted, 0);
    QVERIFY(QFile::exists(exported));
    // The ledger forgot the path, so a later copy of the same content stays too.
    QVERIFY(writeFile(exported, "original"));
    QCOMPARE(*m_cache->purgeExportCopies(kServer, {}), 0);
    QVERIFY(QFile::exists(exported));
}

void TestOfflineCacheAccess::forgetRecordDeletesCopies()
{
    const QByteArray content("forget me");
    const RecordInfo record = recordFor(content);
    QVERIFY(store(*m_cache, record, content).ok());
    const QString exported = m_dir->filePath(QStringLiteral("forget.pdf"));
    QVERIFY(writeFile(exported, content));
    QVERIFY(m_cache->addExportCopy(kServer, record.id, exported, record.sha256).ok());
    const auto deleted = m_cache->forgetRecord(kServer, record.id);
    QVERIFY(deleted.ok());
    QCOMPARE(*deleted, 1);
    QVERIFY(!QFile::exists(exported));
    QVERIFY(!m_cache->findRecord(kServer, record.id)->has_value());
}

void TestOfflineCacheAccess::removeServerKeepsCopies()
{
    const QByteArray content("signed out");
    const RecordInfo record = recordFor(content);
    QVERIFY(store(*m_cache, record, content).ok());
    const QString exported = m_dir->filePath(QStringLiteral("mine.pdf"));
    QVERIFY(writeFile(exported, content));
    QVERIFY(m_cache->addExportCopy(kServer, record.id, exported, record.sha256).ok());
    QCOMPARE(*m_cache->removeServer(kServer), 1);
    QVERIFY(QFile::exists(exported));
}

void TestOfflineCacheAccess::otherUsersCopiesAreKept()
{
    const QByteArray content("jack's export");
    const RecordInfo record = recordFor(content);
    const QString exported = m_dir->filePath(QStringLiteral("jack.pdf"));
    QVERIFY(writeFile(exported, content));
    QVERIFY(m_cache->addExportCopy(kServer, record.id, exported, record.sha256).ok());
    // Another user signs in on this computer. The server's list for that user tells nothing
    // about the records of the previous user, so the previous user's copies stay.
    QVERIFY(m_cache->bindOwner(kServer, QStringLiteral("user-kate")).ok());
    QCOMPARE(*m_cache->purgeExportCopies(kServer, {}), 0);
    QVERIFY(QFile::exists(exported));
}

QTEST_GUILESS_MAIN(TestOfflineCacheAccess)
#include "TestOfflineCacheAccess.moc"
