#include "RecordRepository.h"

#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {
namespace {

const QString kSelectColumns = QStringLiteral(
    "SELECT id, organization_id, owner_id, filename, size, sha256, object_id, wrapped_key, "
    "created_at FROM records ");

RecordRow readRow(const storage::SqlStatement& statement)
{
    RecordRow record;
    record.id = statement.columnText(0);
    record.organizationId = statement.columnText(1);
    record.ownerId = statement.columnText(2);
    record.filename = statement.columnText(3);
    record.size = statement.columnInt64(4);
    record.sha256 = statement.columnText(5);
    record.objectId = statement.columnText(6);
    record.wrappedKey = statement.columnBlob(7);
    record.createdAt = statement.columnInt64(8);
    return record;
}

} // namespace

RecordInfo RecordRow::toInfo() const
{
    RecordInfo info;
    info.id = id;
    info.filename = filename;
    info.size = size;
    info.sha256 = sha256;
    info.createdAt = QDateTime::fromMSecsSinceEpoch(createdAt, Qt::UTC);
    return info;
}

Result<void> RecordRepository::insert(const RecordRow& record)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto insert = db.prepare(
            QStringLiteral("INSERT INTO records (id, organization_id, owner_id, filename, size, "
                           "sha256, object_id, "
                           "wrapped_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        if (!insert)
            return insert.error();
        insert->bind(1, record.id)
            .bind(2, record.organizationId)
            .bind(3, record.ownerId)
            .bind(4, record.filename)
            .bind(5, record.size)
            .bind(6, record.sha256)
            .bind(7, record.objectId)
            .bind(8, record.wrappedKey)
            .bind(9, record.createdAt);
        return insert->exec();
    });
}

Result<QList<RecordRow>> RecordRepository::listForOwner(const QString& ownerId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QList<RecordRow>> {
        auto select = db.prepare(kSelectColumns +
                                 QStringLiteral("WHERE owner_id = ? ORDER BY created_at DESC, id"));
        if (!select)
            return select.error();
        select->bind(1, ownerId);
        QList<RecordRow> records;
        for (;;) {
            auto row = select->step();
            if (!row)
                return row.error();
            if (!row.value())
                break;
            records << readRow(select.value());
        }
        return records;
    });
}

Result<std::optional<RecordRow>> RecordRepository::findForOwner(const QString& recordId,
                                                                const QString& ownerId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<RecordRow>> {
        auto select = db.prepare(kSelectColumns + QStringLiteral("WHERE id = ? AND owner_id = ?"));
        if (!select)
            return select.error();
        select->bind(1, recordId).bind(2, ownerId);
        auto row = select->step();
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<RecordRow>();
        return std::optional<RecordRow>(readRow(select.value()));
    });
}

} // namespace chartinsight::server
