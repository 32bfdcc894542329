#include "TemplateRepository.h"

#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

namespace chartinsight::server {
namespace {

const QString kColumns = QStringLiteral(
    "id, organization_id, name, category, retention_days, sharing, created_at, updated_at");
constexpr int kColumnCount = 8;

TemplateRow rowFromColumns(const QVariantList& columns)
{
    TemplateRow row;
    row.id = columns.at(0).toString();
    row.organizationId = columns.at(1).toString();
    row.name = columns.at(2).toString();
    row.category = columns.at(3).toString();
    if (!columns.at(4).isNull())
        row.retentionDays = int(columns.at(4).toLongLong());
    row.sharing = columns.at(5).toString();
    row.createdAt = columns.at(6).toLongLong();
    row.updatedAt = columns.at(7).toLongLong();
    return row;
}

QVariant retentionValue(const TemplateRow& row)
{
    return row.retentionDays ? QVariant(qint64(*row.retentionDays)) : QVariant();
}

Error notFound(const QString& id)
{
    return makeError(QString::fromLatin1(errc::kNotFound),
                     QStringLiteral("Your organization has no template with the id %1; list "
                                    "the templates with GET /api/v1/templates for their ids.")
                         .arg(id));
}

// Fails with "template_exists" when another template of the organization has `name`, ignoring
// ASCII case. lower() is portable to PostgreSQL, unlike SQLite's COLLATE NOCASE.
Result<void> checkNameFree(storage::SqlDatabase& db, const TemplateRow& row)
{
    auto taken = sql::firstRow(db,
                               QStringLiteral("SELECT id FROM record_templates WHERE "
                                              "organization_id = ? AND lower(name) = lower(?) "
                                              "AND id <> ?"),
                               {row.organizationId, row.name, row.id}, 1);
    if (!taken)
        return taken.error();
    if (taken->has_value()) {
        return makeError(QString::fromLatin1(errc::kTemplateExists),
                         QStringLiteral("Your organization already has a template named \"%1\"; "
                                        "choose another name or change that template.")
                             .arg(row.name));
    }
    return {};
}

Result<std::optional<TemplateRow>> selectTemplate(storage::SqlDatabase& db,
                                                  const QString& organizationId, const QString& id)
{
    auto found = sql::firstRow(db,
                               QStringLiteral("SELECT %1 FROM record_templates WHERE id = ? AND "
                                              "organization_id = ?")
                                   .arg(kColumns),
                               {id, organizationId}, kColumnCount);
    if (!found)
        return found.error();
    if (!found->has_value())
        return std::optional<TemplateRow>();
    return std::optional<TemplateRow>(rowFromColumns(**found));
}

} // namespace

Result<QList<TemplateRow>> TemplateRepository::list(const QString& organizationId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QList<TemplateRow>> {
        auto found = sql::rows(db,
                               QStringLiteral("SELECT %1 FROM record_templates WHERE "
                                              "organization_id = ? ORDER BY lower(name), id")
                                   .arg(kColumns),
                               {organizationId}, kColumnCount);
        if (!found)
            return found.error();
        QList<TemplateRow> templates;
        for (const QVariantList& columns : std::as_const(found.value()))
            templates << rowFromColumns(columns);
        return templates;
    });
}

Result<std::optional<TemplateRow>> TemplateRepository::find(const QString& organizationId,
                                                            const QString& id)
{
    return m_database.withLock(
        [&](storage::SqlDatabase& db) { return selectTemplate(db, organizationId, id); });
}

Result<TemplateRow> TemplateRepository::create(TemplateRow row)
{
    row.id = crypto::randomUuid();
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<TemplateRow> {
        auto done = db.transaction([&]() -> Result<void> {
            if (auto free = checkNameFree(db, row); !free)
                return free;
            auto inserted = sql::run(
                db,
                QStringLiteral("INSERT INTO record_templates (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .arg(kColumns),
                {row.id, row.organizationId, row.name, row.category, retentionValue(row),
                 row.sharing, row.createdAt, row.updatedAt});
            if (!inserted)
                return inserted.error();
            return {};
        });
        if (!done)
            return done.error();
        return row;
    });
}

Result<TemplateRow> TemplateRepository::update(const TemplateRow& row)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<TemplateRow> {
        std::optional<TemplateRow> stored;
        auto done = db.transaction([&]() -> Result<void> {
            auto existing = selectTemplate(db, row.organizationId, row.id);
            if (!existing)
                return existing.error();
            if (!existing->has_value())
                return notFound(row.id);
            if (auto free = checkNameFree(db, row); !free)
                return free;
            auto updated = sql::run(db,
                                    QStringLiteral("UPDATE record_templates SET name = ?, "
                                                   "category = ?, retention_days = ?, "
                                                   "sharing = ?, updated_at = ? WHERE id = ? AND "
                                                   "organization_id = ?"),
                                    {row.name, row.category, retentionValue(row), row.sharing,
                                     row.updatedAt, row.id, row.organizationId});
            if (!updated)
                return updated.error();
            stored = row;
            stored->createdAt = existing->value().createdAt;
            return {};
        });
        if (!done)
            return done.error();
        return *stored;
    });
}

Result<void> TemplateRepository::remove(const QString& organizationId, const QString& id)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto deleted = sql::run(db,
                                    QStringLiteral("DELETE FROM record_templates WHERE id = ? "
                                                   "AND organization_id = ?"),
                                    {id, organizationId});
            if (!deleted)
                return deleted.error();
            if (deleted.value() == 0)
                return notFound(id);
            auto cleared = sql::run(db,
                                    QStringLiteral("UPDATE records SET template_id = NULL WHERE "
                                                   "template_id = ? AND organization_id = ?"),
                                    {id, organizationId});
            if (!cleared)
                return cleared.error();
            return {};
        });
    });
}

} // namespace chartinsight::server
