#include "OfflineCache.h"

#include "ClientLogging.h"
#include "core/ErrorCodes.h"
#include "crypto/Hash.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QFile>
#include <QHash>

namespace chartinsight::client {

using storage::SqlDatabase;

namespace {

// Schema version 1. Record rows exist only for records whose content is completely cached, so
// chunks without a row belong to a download in progress. They carry the record's id, or a
// "staging:" id while they replace an already cached copy.
// Version 2 adds the access fields of a record and the files that download() wrote
// (export_copies), which are deleted when the server stops listing their record.
// Version 3 adds the retention fields: the expiration (milliseconds since the epoch, UTC, NULL
// for none), the legal hold and the template.
const QStringList kMigrations = {
    QStringLiteral("CREATE TABLE records ("
                   " id TEXT PRIMARY KEY,"
                   " server_url TEXT NOT NULL,"
                   " filename TEXT NOT NULL,"
                   " size INTEGER NOT NULL,"
                   " sha256 TEXT NOT NULL,"
                   " created_at TEXT NOT NULL,"
                   " synced_at TEXT NOT NULL);"
                   "CREATE INDEX records_by_server ON records (server_url);"
                   "CREATE TABLE record_chunks ("
                   " record_id TEXT NOT NULL,"
                   " chunk_index INTEGER NOT NULL,"
                   " data BLOB NOT NULL,"
                   " PRIMARY KEY (record_id, chunk_index));"
                   "CREATE TABLE server_owners ("
                   " server_url TEXT PRIMARY KEY,"
                   " user_id TEXT NOT NULL);"),
    QStringLiteral("ALTER TABLE records ADD COLUMN team_id TEXT NOT NULL DEFAULT '';"
                   "ALTER TABLE records ADD COLUMN team_name TEXT NOT NULL DEFAULT '';"
                   "ALTER TABLE records ADD COLUMN sharing TEXT NOT NULL DEFAULT '';"
                   "ALTER TABLE records ADD COLUMN shared_with TEXT NOT NULL DEFAULT '';"
                   "ALTER TABLE records ADD COLUMN title TEXT NOT NULL DEFAULT '';"
                   "ALTER TABLE records ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';"
                   "CREATE TABLE export_copies ("
                   " server_url TEXT NOT NULL,"
                   " user_id TEXT NOT NULL,"
                   " record_id TEXT NOT NULL,"
                   " path TEXT NOT NULL,"
                   " sha256 TEXT NOT NULL,"
                   " PRIMARY KEY (server_url, record_id, path));"),
    QStringLiteral("ALTER TABLE records ADD COLUMN expires_at INTEGER;"
                   "ALTER TABLE records ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;"
                   "ALTER TABLE records ADD COLUMN template_id TEXT NOT NULL DEFAULT '';"),
};

// Columns of a record row in the order readRecord() expects them.
const QString kRecordColumns = QStringLiteral(
    "id, filename, size, sha256, created_at, team_id, team_name, sharing, shared_with, title, "
    "owner_id, expires_at, legal_hold, template_id");

// Reads a row selected with kRecordColumns.
RecordInfo readRecord(const storage::SqlStatement& statement)
{
    RecordInfo record;
    record.id = statement.columnText(0);
    record.filename = statement.columnText(1);
    record.size = statement.columnInt64(2);
    record.sha256 = statement.columnText(3);
    record.createdAt = QDateTime::fromString(statement.columnText(4), Qt::ISODateWithMs).toUTC();
    record.teamId = statement.columnText(5);
    record.teamName = statement.columnText(6);
    record.sharing = statement.columnText(7);
    const QString sharedWith = statement.columnText(8);
    if (!sharedWith.isEmpty())
        record.sharedWith = sharedWith.split(QLatin1Char(','));
    record.title = statement.columnText(9);
    record.ownerId = statement.columnText(10);
    if (!statement.columnIsNull(11))
        record.expiresAt = QDateTime::fromMSecsSinceEpoch(statement.columnInt64(11), Qt::UTC);
    record.legalHold = statement.columnInt64(12) != 0;
    record.templateId = statement.columnText(13);
    return record;
}

// Whether the cached access fields differ from the server's.
bool accessFieldsDiffer(const RecordInfo& cached, const RecordInfo& current)
{
    return cached.filename != current.filename || cached.teamId != current.teamId ||
           cached.teamName != current.teamName || cached.sharing != current.sharing ||
           cached.sharedWith != current.sharedWith || cached.title != current.title ||
           cached.ownerId != current.ownerId || cached.expiresAt != current.expiresAt ||
           cached.legalHold != current.legalHold || cached.templateId != current.templateId;
}

// Binds an expiration as milliseconds since the epoch, or NULL when the record has none.
void bindExpiry(storage::SqlStatement& statement, int index, const QDateTime& expiresAt)
{
    if (expiresAt.isValid())
        statement.bind(index, expiresAt.toMSecsSinceEpoch());
    else
        statement.bindNull(index);
}

QString timestamp(const QDateTime& time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

Error integrityError(const QString& id, const QString& detail)
{
    return makeError(QString::fromLatin1(errc::kIntegrity),
                     QStringLiteral("The cached copy of record %1 is damaged (%2). Run a sync "
                                    "while online to fetch it again.")
                         .arg(id, detail));
}

} // namespace

CacheRecordWriter::CacheRecordWriter(OfflineCache* cache, QString serverUrl, RecordInfo record)
    : m_cache(cache), m_serverUrl(std::move(serverUrl)), m_record(std::move(record)),
      m_chunkOwner(m_record.id), m_hash(std::make_unique<crypto::Sha256>())
{
    m_buffer.reserve(OfflineCache::kChunkSize);
    // A new record's chunks are written under its own id, so commit() moves no data. Only a
    // record that is already cached gets a staging id, because its old chunks stay readable
    // until the new copy is verified.
    auto cached = m_cache->m_database->withLock([&](SqlDatabase& database) -> Result<bool> {
        auto statement = database.prepare(QStringLiteral("SELECT 1 FROM records WHERE id = ?1"));
        if (!statement)
            return statement.error();
        statement->bind(1, m_record.id);
        return statement->step();
    });
    // Chunks of an earlier, interrupted download of this record are removed first.
    if (!cached || *cached || !removeUnpublishedChunks())
        m_chunkOwner = QStringLiteral("staging:") + crypto::randomUuid();
}

CacheRecordWriter::~CacheRecordWriter()
{
    if (!m_done)
        discard();
}

Result<void> CacheRecordWriter::append(const QByteArray& data)
{
    if (m_done)
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("Internal error: write to a finished cache entry."));
    if (m_written + data.size() > m_record.size) {
        discard();
        return integrityError(m_record.id, QStringLiteral("the server sent more bytes than the "
                                                          "record's size"));
    }
    m_hash->addData(data);
    m_written += data.size();
    qsizetype offset = 0;
    while (offset < data.size()) {
        const qsizetype take =
            std::min<qsizetype>(data.size() - offset, OfflineCache::kChunkSize - m_buffer.size());
        m_buffer.append(data.constData() + offset, take);
        offset += take;
        if (m_buffer.size() == OfflineCache::kChunkSize) {
            if (auto flushed = flushChunk(); !flushed) {
                discard();
                return flushed;
            }
        }
    }
    return {};
}

Result<void> CacheRecordWriter::flushChunk()
{
    return m_cache->m_database->withLock([&](SqlDatabase& database) -> Result<void> {
        auto statement = database.prepare(QStringLiteral(
            "INSERT INTO record_chunks (record_id, chunk_index, data) VALUES (?1, ?2, ?3)"));
        if (!statement)
            return m_cache->cacheError(QStringLiteral("store a content chunk"), statement.error());
        statement->bind(1, m_chunkOwner).bind(2, m_nextChunk).bind(3, m_buffer);
        if (auto done = statement->exec(); !done)
            return m_cache->cacheError(QStringLiteral("store a content chunk"), done.error());
        ++m_nextChunk;
        m_buffer.clear();
        return {};
    });
}

Result<void> CacheRecordWriter::commit()
{
    if (m_done)
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("Internal error: commit of a finished cache entry."));
    if (!m_buffer.isEmpty()) {
        if (auto flushed = flushChunk(); !flushed) {
            discard();
            return flushed;
        }
    }
    const QString digest = QString::fromLatin1(m_hash->result().toHex());
    if (m_written != m_record.size || digest != m_record.sha256) {
        discard();
        return makeError(QString::fromLatin1(errc::kIntegrity),
                         QStringLiteral("The content received for record %1 does not match its "
                                        "size or SHA-256, so it was not cached. Try the sync "
                                        "again; if it keeps failing, report it to the server's "
                                        "administrator.")
                             .arg(m_record.id));
    }

    auto published = m_cache->m_database->withLock([&](SqlDatabase& database) {
        return database.transaction([&]() -> Result<void> {
            if (m_chunkOwner != m_record.id) {
                if (auto moved = moveStagedChunks(); !moved)
                    return moved;
            }
            // Another process of the same profile may have removed chunks it took for leftovers.
            auto count = database.prepare(
                QStringLiteral("SELECT COUNT(*) FROM record_chunks WHERE record_id = ?1"));
            if (!count)
                return count.error();
            count->bind(1, m_record.id);
            if (auto row = count->step(); !row)
                return row.error();
            if (count->columnInt64(0) != m_nextChunk)
                return integrityError(m_record.id, QStringLiteral("chunks are missing"));
            auto insert = database.prepare(QStringLiteral(
                "INSERT INTO records (id, server_url, filename, size, sha256, created_at, "
                "synced_at, team_id, team_name, sharing, shared_with, title, owner_id, "
                "expires_at, legal_hold, template_id) VALUES "
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"));
            if (!insert)
                return insert.error();
            insert->bind(1, m_record.id)
                .bind(2, m_serverUrl)
                .bind(3, m_record.filename)
                .bind(4, m_record.size)
                .bind(5, m_record.sha256)
                .bind(6, timestamp(m_record.createdAt))
                .bind(7, timestamp(QDateTime::currentDateTimeUtc()))
                .bind(8, m_record.teamId)
                .bind(9, m_record.teamName)
                .bind(10, m_record.sharing)
                .bind(11, m_record.sharedWith.join(QLatin1Char(',')))
                .bind(12, m_record.title)
                .bind(13, m_record.ownerId)
                .bind(15, qint64(m_record.legalHold ? 1 : 0))
                .bind(16, m_record.templateId);
            bindExpiry(insert.value(), 14, m_record.expiresAt);
            return insert->exec();
        });
    });
    if (!published) {
        discard();
        if (published.error().code == QLatin1String(errc::kIntegrity))
            return published.error();
        return m_cache->cacheError(QStringLiteral("store record %1").arg(m_record.id),
                                   published.error());
    }
    m_done = true;
    qCDebug(lcCache) << "cached record" << m_record.id << "in" << m_nextChunk << "chunks";
    return {};
}

Result<void> CacheRecordWriter::moveStagedChunks()
{
    // Runs inside commit()'s transaction: the old copy is replaced in one step.
    // NOTE: this rewrites every chunk row in one transaction, so time and memory grow with the
    // record's size. Sync never takes this path: reconcile() removes changed records first.
    if (auto removed = m_cache->removeRecordLocked(m_record.id); !removed)
        return removed;
    auto move = m_cache->m_database->prepare(
        QStringLiteral("UPDATE record_chunks SET record_id = ?1 WHERE record_id = ?2"));
    if (!move)
        return move.error();
    move->bind(1, m_record.id).bind(2, m_chunkOwner);
    return move->exec();
}

Result<void> CacheRecordWriter::removeUnpublishedChunks()
{
    // The NOT EXISTS guard keeps the chunks of a record that is (or meanwhile was) published.
    return m_cache->m_database->withLock([&](SqlDatabase& database) -> Result<void> {
        auto statement = database.prepare(QStringLiteral(
            "DELETE FROM record_chunks WHERE record_id = ?1 AND NOT EXISTS (SELECT 1 FROM records "
            "WHERE id = ?1)"));
        if (!statement)
            return statement.error();
        statement->bind(1, m_chunkOwner);
        return statement->exec();
    });
}

void CacheRecordWriter::discard()
{
    m_done = true;
    m_buffer.clear();
    if (!removeUnpublishedChunks())
        qCWarning(lcCache) << "could not discard the unpublished chunks of record" << m_record.id
                           << "; they are removed the next time the cache opens";
}

OfflineCache::OfflineCache(std::unique_ptr<SqlDatabase> database, QString path)
    : m_database(std::move(database)), m_path(std::move(path))
{
}

OfflineCache::~OfflineCache() = default;

Result<std::unique_ptr<OfflineCache>> OfflineCache::open(const QString& path,
                                                         const QByteArray& rawKey)
{
    auto database = SqlDatabase::open(path, rawKey, SqlDatabase::OpenMode::ExistingOnly);
    if (!database) {
        qCWarning(lcCache) << "the offline cache could not be opened:" << database.error().code;
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("The offline cache %1 could not be opened with the key "
                                        "stored in the OS keychain (%2). The file was kept "
                                        "untouched. If the keychain was restored from another "
                                        "computer or reset, restore the original 'cache-key' "
                                        "entry; otherwise move the file away to start with an "
                                        "empty cache (records are fetched again by the next "
                                        "sync).")
                             .arg(path, database.error().message));
    }
    return finishOpening(std::move(database).value(), path);
}

Result<std::unique_ptr<OfflineCache>> OfflineCache::create(const QString& path,
                                                           const QByteArray& rawKey)
{
    if (QFile::exists(path)) {
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("Cannot create a new offline cache over the existing "
                                        "file %1, which was kept untouched.")
                             .arg(path));
    }
    auto database = SqlDatabase::open(path, rawKey, SqlDatabase::OpenMode::CreateIfMissing);
    if (!database) {
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("Could not create the offline cache %1: %2. Check that "
                                        "the profile folder is writable and the disk is not "
                                        "full.")
                             .arg(path, database.error().message));
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    qCInfo(lcCache) << "created a new offline cache";
    return finishOpening(std::move(database).value(), path);
}

Result<std::unique_ptr<OfflineCache>>
OfflineCache::finishOpening(std::unique_ptr<SqlDatabase> database, const QString& path)
{
    auto version = database->withLock([](SqlDatabase& db) -> Result<qint64> {
        auto statement = db.prepare(QStringLiteral("PRAGMA user_version"));
        if (!statement)
            return statement.error();
        auto row = statement->step();
        if (!row)
            return row.error();
        return *row ? statement->columnInt64(0) : 0;
    });
    if (!version) {
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("Could not read the offline cache %1: %2. The file was "
                                        "kept untouched; move it away to start with an empty "
                                        "cache.")
                             .arg(path, version.error().message));
    }
    if (*version > kMigrations.size()) {
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("The offline cache %1 was written by a newer version of "
                                        "ChartInsight (schema %2). The file was kept untouched; "
                                        "update ChartInsight or move the file away.")
                             .arg(path)
                             .arg(*version));
    }
    if (auto migrated = storage::migrate(*database, kMigrations); !migrated) {
        return makeError(QString::fromLatin1(errc::kCache),
                         QStringLiteral("Could not prepare the offline cache %1: %2")
                             .arg(path, migrated.error().message));
    }

    // Chunks without a record row belong to downloads that were interrupted.
    auto cleaned = database->withLock([](SqlDatabase& db) {
        return db.exec(QStringLiteral(
            "DELETE FROM record_chunks WHERE record_id NOT IN (SELECT id FROM records)"));
    });
    if (!cleaned)
        qCWarning(lcCache) << "could not remove chunks of interrupted downloads";

    return std::unique_ptr<OfflineCache>(new OfflineCache(std::move(database), path));
}

Error OfflineCache::cacheError(const QString& action, const Error& cause) const
{
    qCWarning(lcCache) << "offline cache operation failed:" << cause.code;
    return makeError(QString::fromLatin1(errc::kCache),
                     QStringLiteral("Could not %1 in the offline cache %2: %3. Check that the disk "
                                    "is not full; move the file away if the problem persists.")
                         .arg(action, m_path, cause.message));
}

Result<int> OfflineCache::bindOwner(const QString& serverUrl, const QString& userId)
{
    auto owner = m_database->withLock([&](SqlDatabase& db) -> Result<std::optional<QString>> {
        auto statement =
            db.prepare(QStringLiteral("SELECT user_id FROM server_owners WHERE server_url = ?1"));
        if (!statement)
            return statement.error();
        statement->bind(1, serverUrl);
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            return std::optional<QString>();
        return std::optional<QString>(statement->columnText(0));
    });
    if (!owner)
        return cacheError(QStringLiteral("read the cache owner"), owner.error());
    if (owner->has_value() && **owner == userId && !userId.isEmpty())
        return 0;

    auto removed = removeServer(serverUrl);
    if (!removed)
        return removed;
    if (userId.isEmpty())
        return removed;
    auto bound = m_database->withLock([&](SqlDatabase& db) -> Result<void> {
        auto statement = db.prepare(QStringLiteral(
            "INSERT OR REPLACE INTO server_owners (server_url, user_id) VALUES (?1, ?2)"));
        if (!statement)
            return statement.error();
        statement->bind(1, serverUrl).bind(2, userId);
        return statement->exec();
    });
    if (!bound)
        return cacheError(QStringLiteral("record the cache owner"), bound.error());
    if (*removed > 0)
        qCInfo(lcCache) << "removed" << *removed << "cached records of the previous user";
    return removed;
}

Result<QList<RecordInfo>> OfflineCache::listRecords(const QString& serverUrl)
{
    auto records = m_database->withLock([&](SqlDatabase& db) -> Result<QList<RecordInfo>> {
        auto statement = db.prepare(QStringLiteral("SELECT ") + kRecordColumns +
                                    QStringLiteral(" FROM records WHERE server_url = ?1 "
                                                   "ORDER BY created_at DESC, id"));
        if (!statement)
            return statement.error();
        statement->bind(1, serverUrl);
        QList<RecordInfo> list;
        while (true) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            list.append(readRecord(*statement));
        }
        return list;
    });
    if (!records)
        return cacheError(QStringLiteral("list records"), records.error());
    return records;
}

Result<std::optional<RecordInfo>> OfflineCache::findRecord(const QString& serverUrl,
                                                           const QString& id)
{
    auto found = m_database->withLock([&](SqlDatabase& db) -> Result<std::optional<RecordInfo>> {
        auto statement = db.prepare(QStringLiteral("SELECT ") + kRecordColumns +
                                    QStringLiteral(" FROM records WHERE id = ?1 "
                                                   "AND server_url = ?2"));
        if (!statement)
            return statement.error();
        statement->bind(1, id).bind(2, serverUrl);
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            return std::optional<RecordInfo>();
        return std::optional<RecordInfo>(readRecord(*statement));
    });
    if (!found)
        return cacheError(QStringLiteral("read record %1").arg(id), found.error());
    return found;
}

Result<int> OfflineCache::reconcile(const QString& serverUrl, const QList<RecordInfo>& records)
{
    auto cached = listRecords(serverUrl);
    if (!cached)
        return cached.error();
    QHash<QString, RecordInfo> current;
    for (const RecordInfo& record : records)
        current.insert(record.id, record);

    int removedCount = 0;
    auto updated = m_database->withLock([&](SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            for (const RecordInfo& old : *cached) {
                const auto it = current.constFind(old.id);
                // Content that changed on the server is fetched again by the next sync.
                if (it == current.constEnd() || it->sha256 != old.sha256 || it->size != old.size) {
                    if (auto removed = removeRecordLocked(old.id); !removed)
                        return removed;
                    ++removedCount;
                    continue;
                }
                if (!accessFieldsDiffer(old, *it))
                    continue;
                if (auto done = updateMetadataLocked(*it); !done)
                    return done;
            }
            return {};
        });
    });
    if (!updated)
        return cacheError(QStringLiteral("update cached records"), updated.error());
    if (removedCount > 0)
        qCInfo(lcCache) << "removed" << removedCount << "records no longer on the server";

    // Files that download() wrote for records the server no longer lists go as well. A
    // failure here leaves the ledger rows, so the next reconcile tries again.
    if (auto purged =
            purgeExportCopies(serverUrl, QSet<QString>(current.keyBegin(), current.keyEnd()));
        !purged) {
        qCWarning(lcCache) << "could not remove copies of records no longer on the server:"
                           << purged.error().code;
    }
    return removedCount;
}

Result<void> OfflineCache::updateRecord(const QString& serverUrl, const RecordInfo& record)
{
    auto updated = m_database->withLock([&](SqlDatabase& db) -> Result<void> {
        auto existing =
            db.prepare(QStringLiteral("SELECT 1 FROM records WHERE id = ?1 AND server_url = ?2"));
        if (!existing)
            return existing.error();
        existing->bind(1, record.id).bind(2, serverUrl);
        auto row = existing->step();
        if (!row)
            return row.error();
        if (!*row)
            return {};
        return updateMetadataLocked(record);
    });
    if (!updated)
        return cacheError(QStringLiteral("update record %1").arg(record.id), updated.error());
    return {};
}

Result<void> OfflineCache::updateMetadataLocked(const RecordInfo& record)
{
    auto statement = m_database->prepare(QStringLiteral(
        "UPDATE records SET filename = ?1, team_id = ?2, team_name = ?3, sharing = ?4, "
        "shared_with = ?5, title = ?6, owner_id = ?7, expires_at = ?9, legal_hold = ?10, "
        "template_id = ?11 WHERE id = ?8"));
    if (!statement)
        return statement.error();
    statement->bind(1, record.filename)
        .bind(2, record.teamId)
        .bind(3, record.teamName)
        .bind(4, record.sharing)
        .bind(5, record.sharedWith.join(QLatin1Char(',')))
        .bind(6, record.title)
        .bind(7, record.ownerId)
        .bind(8, record.id)
        .bind(10, qint64(record.legalHold ? 1 : 0))
        .bind(11, record.templateId);
    bindExpiry(statement.value(), 9, record.expiresAt);
    return statement->exec();
}

Result<int> OfflineCache::removeServer(const QString& serverUrl)
{
    auto cached = listRecords(serverUrl);
    if (!cached)
        return cached.error();
    auto removed = m_database->withLock([&](SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            for (const RecordInfo& record : *cached) {
                if (auto done = removeRecordLocked(record.id); !done)
                    return done;
            }
            auto statement =
                db.prepare(QStringLiteral("DELETE FROM server_owners WHERE server_url = ?1"));
            if (!statement)
                return statement.error();
            statement->bind(1, serverUrl);
            return statement->exec();
        });
    });
    if (!removed)
        return cacheError(QStringLiteral("remove cached records"), removed.error());
    return int(cached->size());
}

Result<void> OfflineCache::removeRecord(const QString& serverUrl, const QString& id)
{
    auto existing = findRecord(serverUrl, id);
    if (!existing)
        return existing.error();
    if (!existing->has_value())
        return {};
    auto removed = m_database->withLock(
        [&](SqlDatabase& db) { return db.transaction([&]() { return removeRecordLocked(id); }); });
    if (!removed)
        return cacheError(QStringLiteral("remove record %1").arg(id), removed.error());
    return {};
}

Result<int> OfflineCache::forgetRecord(const QString& serverUrl, const QString& id)
{
    if (auto removed = removeRecord(serverUrl, id); !removed)
        return removed.error();
    return removeExportCopies(serverUrl, id);
}

Result<int> OfflineCache::purgeExpired(const QString& serverUrl, const QDateTime& now)
{
    auto expired = m_database->withLock([&](SqlDatabase& db) -> Result<QStringList> {
        auto statement = db.prepare(QStringLiteral(
            "SELECT id FROM records WHERE server_url = ?1 AND expires_at IS NOT NULL AND "
            "expires_at <= ?2 AND legal_hold = 0"));
        if (!statement)
            return statement.error();
        statement->bind(1, serverUrl).bind(2, now.toMSecsSinceEpoch());
        QStringList ids;
        while (true) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                return ids;
            ids << statement->columnText(0);
        }
    });
    if (!expired)
        return cacheError(QStringLiteral("find expired records"), expired.error());
    for (const QString& id : std::as_const(*expired)) {
        if (auto forgotten = forgetRecord(serverUrl, id); !forgotten)
            return forgotten.error();
    }
    if (!expired->isEmpty())
        qCInfo(lcCache) << "removed" << expired->size() << "records whose expiration passed";
    return int(expired->size());
}

Result<void> OfflineCache::removeRecordLocked(const QString& id)
{
    for (const QString& sql : {QStringLiteral("DELETE FROM record_chunks WHERE record_id = ?1"),
                               QStringLiteral("DELETE FROM records WHERE id = ?1")}) {
        auto statement = m_database->prepare(sql);
        if (!statement)
            return statement.error();
        statement->bind(1, id);
        if (auto done = statement->exec(); !done)
            return done;
    }
    return {};
}

std::unique_ptr<CacheRecordWriter> OfflineCache::beginRecord(const QString& serverUrl,
                                                             const RecordInfo& record)
{
    return std::unique_ptr<CacheRecordWriter>(new CacheRecordWriter(this, serverUrl, record));
}

Result<void> OfflineCache::readContent(const QString& serverUrl, const QString& id,
                                       const std::function<Result<void>(const QByteArray&)>& sink)
{
    auto found = findRecord(serverUrl, id);
    if (!found)
        return found.error();
    if (!found->has_value()) {
        return makeError(QString::fromLatin1(errc::kNotFound),
                         QStringLiteral("Record %1 is not in the offline cache. Connect to the "
                                        "server and run a sync to cache it.")
                             .arg(id));
    }
    const RecordInfo record = **found;

    crypto::Sha256 hash;
    qint64 total = 0;
    Error sinkError;
    bool sinkFailed = false;
    auto read = m_database->withLock([&](SqlDatabase& db) -> Result<void> {
        auto statement = db.prepare(QStringLiteral(
            "SELECT chunk_index, data FROM record_chunks WHERE record_id = ?1 ORDER BY "
            "chunk_index"));
        if (!statement)
            return statement.error();
        statement->bind(1, id);
        qint64 expectedIndex = 0;
        while (true) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                return {};
            if (statement->columnInt64(0) != expectedIndex++)
                return integrityError(id, QStringLiteral("a chunk is missing"));
            const QByteArray data = statement->columnBlob(1);
            total += data.size();
            if (total > record.size)
                return integrityError(id, QStringLiteral("it is larger than the record"));
            hash.addData(data);
            if (auto accepted = sink(data); !accepted) {
                sinkError = accepted.error();
                sinkFailed = true;
                return accepted;
            }
        }
    });
    if (sinkFailed)
        return sinkError;
    if (!read) {
        if (read.error().code == QLatin1String(errc::kIntegrity))
            return read.error();
        return cacheError(QStringLiteral("read record %1").arg(id), read.error());
    }
    if (total != record.size || QString::fromLatin1(hash.result().toHex()) != record.sha256)
        return integrityError(id, QStringLiteral("its size or SHA-256 does not match"));
    return {};
}

} // namespace chartinsight::client
