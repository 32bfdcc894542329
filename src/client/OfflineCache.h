#pragma once

#include "core/RecordInfo.h"
#include "core/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}
namespace chartinsight::crypto {
class Sha256;
}

namespace chartinsight::client {

class OfflineCache;

// Streams one record's content into the cache. The record becomes visible only in commit(),
// after the size and SHA-256 match the record. A copy that is already cached stays readable
// until then, so a failed or interrupted download never damages what the cache contains.
// Destroying an uncommitted writer discards the chunks it wrote.
class CacheRecordWriter
{
public:
    ~CacheRecordWriter();
    CacheRecordWriter(const CacheRecordWriter&) = delete;
    CacheRecordWriter& operator=(const CacheRecordWriter&) = delete;

    Result<void> append(const QByteArray& data);
    // Checks size and SHA-256 ("integrity_error" on mismatch), then publishes the record.
    Result<void> commit();
    qint64 bytesWritten() const { return m_written; }

private:
    friend class OfflineCache;
    CacheRecordWriter(OfflineCache* cache, QString serverUrl, RecordInfo record);
    Result<void> flushChunk();
    Result<void> moveStagedChunks();
    Result<void> removeUnpublishedChunks();
    void discard();

    OfflineCache* m_cache;
    QString m_serverUrl;
    RecordInfo m_record;
    QString m_chunkOwner; // record_id of the chunks written: the record's id or a staging id
    QByteArray m_buffer;
    std::unique_ptr<crypto::Sha256> m_hash;
    qint64 m_written = 0;
    qint64 m_nextChunk = 0;
    bool m_done = false;
};

// The client's offline copy of records: an SQLCipher database (<profile>/cache.db) whose raw
// 256-bit key lives in the OS keychain. Content is kept in 1 MiB chunks so that large records
// never need one huge BLOB in memory. Records are kept per server URL and belong to the user
// bound with bindOwner().
//
// Used from one thread at a time (the session's); SqlDatabase serialises the connection.
class OfflineCache
{
public:
    static constexpr qint64 kChunkSize = 1024 * 1024; // bytes per content chunk

    // Opens an existing cache. A wrong key, a corrupt file or a file that is not a cache fails
    // with "cache_error" and leaves the file untouched.
    static Result<std::unique_ptr<OfflineCache>> open(const QString& path,
                                                      const QByteArray& rawKey);
    // Creates a new cache file (mode 0600); fails when `path` exists.
    static Result<std::unique_ptr<OfflineCache>> create(const QString& path,
                                                        const QByteArray& rawKey);
    ~OfflineCache();

    QString path() const { return m_path; }

    // Binds the cached records of `serverUrl` to `userId`. Records cached for another user
    // (or an unknown one) are removed first, so one user never sees another's cache.
    // Returns the number of records removed.
    Result<int> bindOwner(const QString& serverUrl, const QString& userId);

    // Cached records of `serverUrl`, newest first.
    Result<QList<RecordInfo>> listRecords(const QString& serverUrl);
    Result<std::optional<RecordInfo>> findRecord(const QString& serverUrl, const QString& id);
    // Updates the metadata (file name, team, sharing, title, uploader, expiration, legal hold,
    // template) of cached records that appear in `records` and removes the cached records of
    // `serverUrl` that do not, together with their export copies (see addExportCopy). Returns
    // the number of records removed.
    Result<int> reconcile(const QString& serverUrl, const QList<RecordInfo>& records);
    // Stores the metadata of `record` when its content is cached; does nothing otherwise.
    Result<void> updateRecord(const QString& serverUrl, const RecordInfo& record);
    // Removes every cached record of `serverUrl`. Returns the number removed. Export copies
    // stay on disk and in the ledger: they are the user's files until the server stops listing
    // their record for that user.
    Result<int> removeServer(const QString& serverUrl);
    Result<void> removeRecord(const QString& serverUrl, const QString& id);
    // removeRecord, then removeExportCopies: for a record the server no longer shows.
    // Returns the number of files deleted.
    Result<int> forgetRecord(const QString& serverUrl, const QString& id);
    // forgetRecord for every cached record of `serverUrl` whose expiration is at or before
    // `now` and that is not under legal hold: the server erases such a record, so a client
    // that stays offline must not keep it either. Returns the number of records removed.
    Result<int> purgeExpired(const QString& serverUrl, const QDateTime& now);

    // Export copies: decrypted files that the client wrote outside the cache (download()).
    // Notes that `path` will contain the record with `sha256`, for the user bound to
    // `serverUrl`. Call it before the file is written, so an interrupted write is covered too.
    Result<void> addExportCopy(const QString& serverUrl, const QString& recordId,
                               const QString& path, const QString& sha256);
    // Deletes the export copies of `recordId` and their "<path>.part" files. A file whose
    // content no longer matches the record's SHA-256 was replaced by the user and is kept;
    // either way its ledger row goes. Returns the number of files deleted.
    Result<int> removeExportCopies(const QString& serverUrl, const QString& recordId);
    // removeExportCopies for every record of the bound user not in `listedIds`.
    Result<int> purgeExportCopies(const QString& serverUrl, const QSet<QString>& listedIds);

    // Starts caching the content of `record`; see CacheRecordWriter.
    std::unique_ptr<CacheRecordWriter> beginRecord(const QString& serverUrl,
                                                   const RecordInfo& record);
    // Passes the content of a cached record to `sink` chunk by chunk, in order. Fails with
    // "integrity_error" when chunks are missing or the size or SHA-256 differ from the record.
    Result<void> readContent(const QString& serverUrl, const QString& id,
                             const std::function<Result<void>(const QByteArray&)>& sink);

private:
    friend class CacheRecordWriter;
    OfflineCache(std::unique_ptr<storage::SqlDatabase> database, QString path);
    static Result<std::unique_ptr<OfflineCache>>
    finishOpening(std::unique_ptr<storage::SqlDatabase> database, const QString& path);
    Error cacheError(const QString& action, const Error& cause) const;
    Result<void> removeRecordLocked(const QString& id);
    Result<void> updateMetadataLocked(const RecordInfo& record);
    Result<QString> ownerLocked(const QString& serverUrl);

    std::unique_ptr<storage::SqlDatabase> m_database;
    QString m_path;
};

} // namespace chartinsight::client
