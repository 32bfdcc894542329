// OfflineCache: the ledger of export copies, the decrypted files that download() wrote outside
// the cache, and their deletion once the server stops listing their record.

#include "ClientLogging.h"
#include "OfflineCache.h"
#include "crypto/Hash.h"
#include "storage/SqlDatabase.h"

#include <QFile>
#include <QFileInfo>

namespace chartinsight::client {

using storage::SqlDatabase;

namespace {

// Bytes read at a time while hashing an export copy.
constexpr qint64 kHashBlockBytes = 1024 * 1024;

struct ExportCopy
{
    QString path;
    QString sha256;
};

// Whether `path` is a regular file (not a link) whose content has the SHA-256 `sha256`.
bool containsRecord(const QString& path, const QString& sha256)
{
    const QFileInfo info(path);
    if (info.isSymLink() || !info.isFile())
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    crypto::Sha256 hash;
    while (!file.atEnd()) {
        const QByteArray block = file.read(kHashBlockBytes);
        if (block.isEmpty() && file.error() != QFileDevice::NoError)
            return false;
        hash.addData(block);
    }
    return QString::fromLatin1(hash.result().toHex()) == sha256;
}

// Deletes `path` when it still contains the record, and an unfinished "<path>.part".
// Returns false when a file that should go could not be deleted.
bool deleteCopy(const ExportCopy& copy, int& deleted)
{
    bool complete = true;
    if (containsRecord(copy.path, copy.sha256)) {
        if (QFile::remove(copy.path))
            ++deleted;
        else
            complete = false;
    }
    const QString partPath = copy.path + QStringLiteral(".part");
    const QFileInfo part(partPath);
    if (part.isFile() && !part.isSymLink()) {
        if (QFile::remove(partPath))
            ++deleted;
        else
            complete = false;
    }
    return complete;
}

} // namespace

Result<QString> OfflineCache::ownerLocked(const QString& serverUrl)
{
    auto statement = m_database->prepare(
        QStringLiteral("SELECT user_id FROM server_owners WHERE server_url = ?1"));
    if (!statement)
        return statement.error();
    statement->bind(1, serverUrl);
    auto row = statement->step();
    if (!row)
        return row.error();
    return *row ? statement->columnText(0) : QString();
}

Result<void> OfflineCache::addExportCopy(const QString& serverUrl, const QString& recordId,
                                         const QString& path, const QString& sha256)
{
    auto added = m_database->withLock([&](SqlDatabase& db) -> Result<void> {
        auto owner = ownerLocked(serverUrl);
        if (!owner)
            return owner.error();
        auto statement = db.prepare(QStringLiteral(
            "INSERT OR REPLACE INTO export_copies (server_url, user_id, record_id, path, sha256) "
            "VALUES (?1, ?2, ?3, ?4, ?5)"));
        if (!statement)
            return statement.error();
        statement->bind(1, serverUrl)
            .bind(2, *owner)
            .bind(3, recordId)
            .bind(4, QFileInfo(path).absoluteFilePath())
            .bind(5, sha256);
        return statement->exec();
    });
    if (!added)
        return cacheError(QStringLiteral("note the copy of record %1").arg(recordId),
                          added.error());
    return {};
}

Result<int> OfflineCache::removeExportCopies(const QString& serverUrl, const QString& recordId)
{
    auto copies = m_database->withLock([&](SqlDatabase& db) -> Result<QList<ExportCopy>> {
        auto owner = ownerLocked(serverUrl);
        if (!owner)
            return owner.error();
        auto statement = db.prepare(
            QStringLiteral("SELECT path, sha256 FROM export_copies WHERE server_url = ?1 AND "
                           "user_id = ?2 AND record_id = ?3"));
        if (!statement)
            return statement.error();
        statement->bind(1, serverUrl).bind(2, *owner).bind(3, recordId);
        QList<ExportCopy> list;
        while (true) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                return list;
            list.append({statement->columnText(0), statement->columnText(1)});
        }
    });
    if (!copies)
        return cacheError(QStringLiteral("read the copies of record %1").arg(recordId),
                          copies.error());

    int deleted = 0;
    int kept = 0;
    for (const ExportCopy& copy : std::as_const(*copies)) {
        if (!deleteCopy(copy, deleted)) {
            ++kept;
            continue;
        }
        auto forgotten = m_database->withLock([&](SqlDatabase& db) -> Result<void> {
            auto statement = db.prepare(QStringLiteral(
                "DELETE FROM export_copies WHERE server_url = ?1 AND record_id = ?2 AND "
                "path = ?3"));
            if (!statement)
                return statement.error();
            statement->bind(1, serverUrl).bind(2, recordId).bind(3, copy.path);
            return statement->exec();
        });
        if (!forgotten)
            return cacheError(QStringLiteral("forget a copy of record %1").arg(recordId),
                              forgotten.error());
    }
    if (deleted > 0)
        qCInfo(lcCache) << "deleted" << deleted << "files with copies of record" << recordId;
    if (kept > 0)
        qCWarning(lcCache) << kept << "copies of record" << recordId
                           << "could not be deleted; the next sync tries again";
    return deleted;
}

Result<int> OfflineCache::purgeExportCopies(const QString& serverUrl,
                                            const QSet<QString>& listedIds)
{
    auto recordIds = m_database->withLock([&](SqlDatabase& db) -> Result<QStringList> {
        auto owner = ownerLocked(serverUrl);
        if (!owner)
            return owner.error();
        auto statement = db.prepare(QStringLiteral(
            "SELECT DISTINCT record_id FROM export_copies WHERE server_url = ?1 AND user_id = ?2"));
        if (!statement)
            return statement.error();
        statement->bind(1, serverUrl).bind(2, *owner);
        QStringList ids;
        while (true) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                return ids;
            ids.append(statement->columnText(0));
        }
    });
    if (!recordIds)
        return cacheError(QStringLiteral("list copies of records"), recordIds.error());

    int deleted = 0;
    for (const QString& id : std::as_const(*recordIds)) {
        if (listedIds.contains(id))
            continue;
        auto removed = removeExportCopies(serverUrl, id);
        if (!removed)
            return removed;
        deleted += *removed;
    }
    return deleted;
}

} // namespace chartinsight::client
