#include "Derivatives.h"

#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "storage/FileStore.h"
#include "storage/SqlDatabase.h"

#include <QSet>

namespace chartinsight::server {
namespace {

Result<QStringList> derivativeObjectIds(storage::SqlDatabase& database, const QString& recordId)
{
    auto found = database.withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("SELECT object_id FROM record_derivatives WHERE "
                                        "record_id = ? ORDER BY object_id"),
                         {recordId}, 1);
    });
    if (!found)
        return found.error();
    QStringList ids;
    for (const QVariantList& columns : std::as_const(found.value()))
        ids << columns.at(0).toString();
    return ids;
}

Result<void> removeObjects(storage::FileStore& fileStore, const QString& recordId,
                           const QStringList& objectIds)
{
    for (const QString& objectId : objectIds) {
        auto removed = fileStore.remove(objectId);
        if (!removed && removed.error().code != QLatin1String(errc::kNotFound)) {
            qCCritical(lcRecords).noquote()
                << "removing generated object" << objectId << "of record" << recordId
                << "failed:" << removed.error().message;
            return removed;
        }
    }
    return {};
}

} // namespace

Result<void> enqueueDeriveJob(storage::SqlDatabase& database, const QString& recordId,
                              qint64 nowMs)
{
    return database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto inserted = sql::run(db,
                                 QStringLiteral("INSERT INTO derive_jobs (record_id, state, "
                                                "attempts, updated_at, error_code) VALUES (?, "
                                                "?, 0, ?, '')"),
                                 {recordId, QString::fromLatin1(kJobPending), nowMs});
        if (!inserted)
            return inserted.error();
        return {};
    });
}

Result<DerivedStatus> derivedStatus(storage::SqlDatabase& database, const QString& recordId)
{
    auto found = database.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(
            db,
            QStringLiteral("SELECT (SELECT state FROM derive_jobs WHERE record_id = ?), "
                           "(SELECT COUNT(*) FROM record_derivatives WHERE record_id = ? AND "
                           "kind = ?), (SELECT COUNT(*) FROM record_derivatives WHERE "
                           "record_id = ? AND kind = ?)"),
            {recordId, recordId, QString::fromLatin1(kDerivativePreview), recordId,
             QString::fromLatin1(kDerivativeText)},
            3);
    });
    if (!found)
        return found.error();
    DerivedStatus status;
    if (!found.value())
        return status;
    const QVariantList& columns = *found.value();
    const QString state = columns.at(0).toString();
    if (state == QLatin1String(kJobRunning))
        status.derived = QString::fromLatin1(kJobPending);
    else if (!state.isEmpty())
        status.derived = state;
    status.hasPreview = columns.at(1).toLongLong() > 0;
    status.hasText = columns.at(2).toLongLong() > 0;
    return status;
}

Result<std::optional<QString>> derivativeObjectId(storage::SqlDatabase& database,
                                                  const QString& recordId, const QString& kind)
{
    auto found = database.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db,
                             QStringLiteral("SELECT object_id FROM record_derivatives WHERE "
                                            "record_id = ? AND kind = ?"),
                             {recordId, kind}, 1);
    });
    if (!found)
        return found.error();
    if (!found.value())
        return std::optional<QString>();
    return std::optional<QString>(found.value()->at(0).toString());
}

QByteArray derivativeKeyInfo(const QString& objectId)
{
    return QByteArrayLiteral("chartinsight derivative key v1 ") + objectId.toLatin1();
}

Result<void> eraseDerivatives(storage::SqlDatabase& database, storage::FileStore& fileStore,
                              const QString& recordId)
{
    auto before = derivativeObjectIds(database, recordId);
    if (!before)
        return before.error();
    if (auto removed = removeObjects(fileStore, recordId, before.value()); !removed)
        return removed;

    QStringList storedMeanwhile;
    auto deleted = database.withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto again = derivativeObjectIds(db, recordId);
            if (!again)
                return again.error();
            for (const QString& objectId : std::as_const(again.value())) {
                if (!before->contains(objectId))
                    storedMeanwhile << objectId;
            }
            for (const QString& statement :
                 {QStringLiteral("DELETE FROM record_derivatives WHERE record_id = ?"),
                  // NOTE: FTS4 marks the text deleted but keeps its terms in older index
                  // segments of the encrypted database until a merge rewrites them.
                  QStringLiteral("DELETE FROM record_search WHERE record_id = ?"),
                  QStringLiteral("DELETE FROM derive_jobs WHERE record_id = ?")}) {
                if (auto done = sql::run(db, statement, {recordId}); !done)
                    return done.error();
            }
            return {};
        });
    });
    if (!deleted)
        return deleted;
    if (auto removed = removeObjects(fileStore, recordId, storedMeanwhile); !removed)
        return removed;
    qCInfo(lcRecords).noquote() << "erased generated content of record" << recordId << ":"
                                << before->size() + storedMeanwhile.size() << "objects";
    return {};
}

} // namespace chartinsight::server
