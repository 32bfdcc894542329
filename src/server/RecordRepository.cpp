#include "RecordRepository.h"

#include "AccessPolicy.h"
#include "SqlHelpers.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {
namespace {

const QString kSelectColumns = QStringLiteral(
    "SELECT r.id, r.organization_id, r.owner_id, r.filename, r.size, r.sha256, r.object_id, "
    "r.wrapped_key, r.created_at, r.team_id, r.sharing, r.title, t.name, r.expires_at, "
    "r.legal_hold, r.template_id "
    "FROM records r LEFT JOIN teams t ON t.id = r.team_id ");

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
    record.teamId = statement.columnText(9);
    record.sharing = statement.columnText(10);
    record.title = statement.columnText(11);
    record.teamName = statement.columnText(12);
    if (!statement.columnIsNull(13))
        record.expiresAt = statement.columnInt64(13);
    record.legalHold = statement.columnInt64(14) != 0;
    record.templateId = statement.columnText(15);
    return record;
}

void bindValues(storage::SqlStatement& statement, const QVariantList& values)
{
    for (int i = 0; i < values.size(); ++i)
        statement.bind(i + 1, values.at(i).toString());
}

Result<void> insertShares(storage::SqlDatabase& db, const QString& recordId,
                          const QStringList& userIds)
{
    for (const QString& userId : userIds) {
        auto inserted = sql::run(
            db, QStringLiteral("INSERT INTO record_shares (record_id, user_id) VALUES (?, ?)"),
            {recordId, userId});
        if (!inserted)
            return inserted.error();
    }
    return {};
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
    info.teamId = teamId;
    info.teamName = teamName;
    info.sharing = sharing;
    info.title = title;
    info.ownerId = ownerId;
    if (expiresAt)
        info.expiresAt = QDateTime::fromMSecsSinceEpoch(*expiresAt, Qt::UTC);
    info.legalHold = legalHold;
    info.templateId = templateId;
    return info;
}

Result<void> RecordRepository::insert(const RecordRow& record, const QStringList& sharedWith)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto insert = db.prepare(QStringLiteral(
                "INSERT INTO records (id, organization_id, owner_id, filename, size, sha256, "
                "object_id, wrapped_key, created_at, team_id, sharing, title, expires_at, "
                "template_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
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
                .bind(9, record.createdAt)
                .bind(10, record.teamId)
                .bind(11, record.sharing)
                .bind(12, record.title);
            if (record.expiresAt)
                insert->bind(13, *record.expiresAt);
            else
                insert->bindNull(13);
            if (record.templateId.isEmpty())
                insert->bindNull(14);
            else
                insert->bind(14, record.templateId);
            if (auto done = insert->exec(); !done)
                return done;
            if (record.sharing != QLatin1String(kSharingUsers))
                return {};
            return insertShares(db, record.id, sharedWith);
        });
    });
}

Result<QList<RecordRow>> RecordRepository::listVisible(const QString& userId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QList<RecordRow>> {
        auto select = db.prepare(kSelectColumns + QStringLiteral("WHERE ") +
                                 AccessPolicy::visibleRecordsClause() +
                                 QStringLiteral(" ORDER BY r.created_at DESC, r.id"));
        if (!select)
            return select.error();
        bindValues(select.value(), AccessPolicy::visibleRecordsValues(userId));
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

Result<std::optional<RecordRow>> RecordRepository::findVisible(const QString& recordId,
                                                               const QString& userId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<RecordRow>> {
        auto select =
            db.prepare(kSelectColumns + QStringLiteral("WHERE ") +
                       AccessPolicy::visibleRecordsClause() + QStringLiteral(" AND r.id = ?"));
        if (!select)
            return select.error();
        QVariantList values = AccessPolicy::visibleRecordsValues(userId);
        values << recordId;
        bindValues(select.value(), values);
        auto row = select->step();
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<RecordRow>();
        return std::optional<RecordRow>(readRow(select.value()));
    });
}

Result<std::optional<RecordRow>>
RecordRepository::findInOrganization(const QString& recordId, const QString& organizationId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<RecordRow>> {
        auto select = db.prepare(kSelectColumns +
                                 QStringLiteral("WHERE r.id = ? AND r.organization_id = ?"));
        if (!select)
            return select.error();
        bindValues(select.value(), {recordId, organizationId});
        auto row = select->step();
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<RecordRow>();
        return std::optional<RecordRow>(readRow(select.value()));
    });
}

Result<QStringList> RecordRepository::sharedWith(const QString& recordId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QStringList> {
        auto found =
            sql::rows(db,
                      QStringLiteral(
                          "SELECT user_id FROM record_shares WHERE record_id = ? ORDER BY user_id"),
                      {recordId}, 1);
        if (!found)
            return found.error();
        QStringList ids;
        for (const QVariantList& columns : std::as_const(found.value()))
            ids << columns.at(0).toString();
        return ids;
    });
}

Result<void> RecordRepository::setTitle(const QString& recordId, const QString& title)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto updated = sql::run(db, QStringLiteral("UPDATE records SET title = ? WHERE id = ?"),
                                {title, recordId});
        if (!updated)
            return updated.error();
        return {};
    });
}

Result<void> RecordRepository::setSharing(const QString& recordId, const QString& mode,
                                          const QStringList& userIds)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto updated =
                sql::run(db, QStringLiteral("UPDATE records SET sharing = ? WHERE id = ?"),
                         {mode, recordId});
            if (!updated)
                return updated.error();
            auto cleared = sql::run(
                db, QStringLiteral("DELETE FROM record_shares WHERE record_id = ?"), {recordId});
            if (!cleared)
                return cleared.error();
            if (mode != QLatin1String(kSharingUsers))
                return {};
            return insertShares(db, recordId, userIds);
        });
    });
}

} // namespace chartinsight::server
