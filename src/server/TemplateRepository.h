#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// A record template: presets that an upload may choose, managed per organization.
struct TemplateRow
{
    QString id; // random UUID
    QString organizationId;
    QString name;                     // unique in the organization, ignoring ASCII case
    QString category;                 // free text, may be empty
    std::optional<int> retentionDays; // records uploaded with it expire this many days later
    QString sharing;                  // "private" or "team"
    qint64 createdAt = 0;             // milliseconds since the Unix epoch, UTC
    qint64 updatedAt = 0;
};

// Record templates in the server database (table record_templates). Every method is scoped to
// one organization, so a template of another organization is "not_found" like a missing id.
class TemplateRepository
{
public:
    explicit TemplateRepository(storage::SqlDatabase& database) : m_database(database) {}

    // The organization's templates ordered by name.
    Result<QList<TemplateRow>> list(const QString& organizationId);
    Result<std::optional<TemplateRow>> find(const QString& organizationId, const QString& id);
    // Inserts `row` with a new id and returns it. Fails with "template_exists" when the
    // organization has a template of that name.
    Result<TemplateRow> create(TemplateRow row);
    // Replaces name, category, retention and sharing. Fails with "not_found" or
    // "template_exists".
    Result<TemplateRow> update(const TemplateRow& row);
    // Deletes the template and clears records.template_id where it was chosen; the records
    // keep the expiration and sharing it gave them. Fails with "not_found".
    Result<void> remove(const QString& organizationId, const QString& id);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
