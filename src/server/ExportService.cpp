#include "ExportService.h"

#include "AuditLog.h"
#include "ExportArchive.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "mail/Clock.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {
namespace {

QString auditAction(ExportScope scope)
{
    return scope == ExportScope::Organization ? QStringLiteral("export.organization")
                                              : QStringLiteral("export.personal");
}

// Adds the first column of each row to `ids`.
Result<void> collectIds(storage::SqlDatabase& db, const QString& query,
                        const QVariantList& values, QSet<QString>& ids)
{
    auto found = sql::rows(db, query, values, 1);
    if (!found)
        return found.error();
    for (const QVariantList& columns : std::as_const(found.value()))
        ids.insert(columns.at(0).toString());
    return {};
}

} // namespace

ExportService::ExportService(ServerContext& context)
    : m_context(context), m_policy(*context.database)
{
}

Result<ExportPlan> ExportService::plan(const SessionUser& user, ExportScope scope)
{
    ExportPlan plan;
    plan.scope = scope;
    plan.user = user;
    plan.createdAt = m_context.clock->currentMSecsSinceEpoch();
    const bool wholeOrganization = scope == ExportScope::Organization;

    auto done = m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto email = sql::firstRow(db, QStringLiteral("SELECT email FROM users WHERE id = ?"),
                                   {user.userId}, 1);
        if (!email)
            return email.error();
        if (email.value())
            plan.userEmail = email.value()->at(0).toString();

        // Oldest first, so an archive lists records in the order they arrived.
        QVariantList values;
        QString query;
        if (wholeOrganization) {
            query = QStringLiteral("SELECT r.id, r.owner_id FROM records r "
                                   "WHERE r.organization_id = ? ORDER BY r.created_at, r.id");
            values = {user.organizationId};
        } else {
            query = QStringLiteral("SELECT r.id, r.owner_id FROM records r WHERE ") +
                    AccessPolicy::visibleRecordsClause() +
                    QStringLiteral(" ORDER BY r.created_at, r.id");
            values = AccessPolicy::visibleRecordsValues(user.userId);
        }
        auto records = sql::rows(db, query, values, 2);
        if (!records)
            return records.error();
        for (const QVariantList& columns : std::as_const(records.value())) {
            const QString recordId = columns.at(0).toString();
            plan.recordIds << recordId;
            // A personal export carries the audit entries of the records the caller uploaded,
            // the same entries the activity report shows them; entries about records others
            // shared with them stay out.
            if (wholeOrganization || columns.at(1).toString() == user.userId)
                plan.auditTargetIds.insert(recordId);
        }

        plan.auditActorIds.insert(user.userId);
        plan.auditTargetIds.insert(user.userId);
        if (!wholeOrganization)
            return {};
        // Entries written before audit entries carried their organization are matched by the
        // organization's users, teams and records instead.
        plan.auditTargetIds.insert(user.organizationId);
        if (auto users = collectIds(db,
                                    QStringLiteral("SELECT id FROM users WHERE "
                                                   "organization_id = ?"),
                                    {user.organizationId}, plan.auditActorIds);
            !users)
            return users;
        plan.auditTargetIds.unite(plan.auditActorIds);
        return collectIds(db, QStringLiteral("SELECT id FROM teams WHERE organization_id = ?"),
                          {user.organizationId}, plan.auditTargetIds);
    });
    if (!done)
        return done.error();
    return plan;
}

Result<ExportService::Started> ExportService::begin(const SessionUser& user, ExportScope scope)
{
    if (scope == ExportScope::Organization) {
        if (auto allowed = m_policy.requireOrganization(user.userId,
                                                        Permission::ManageOrganization);
            !allowed)
            return allowed.error();
    }
    auto planned = plan(user, scope);
    if (!planned)
        return planned.error();
    ExportPlan& exportPlan = planned.value();

    // The entry of this export goes into its own audit.json: the range read ends at the
    // sequence the entry received, taken under the same lock.
    auto audited = m_context.database->withLock([&](storage::SqlDatabase& db) -> Result<qint64> {
        AuditEntry entry = userAuditEntry(
            user, auditAction(scope),
            scope == ExportScope::Organization ? QStringLiteral("organization")
                                               : QStringLiteral("user"),
            scope == ExportScope::Organization ? user.organizationId : user.userId,
            QStringLiteral("success"));
        entry.createdAt = exportPlan.createdAt;
        entry.details =
            QJsonObject{{QStringLiteral("records"), qint64(exportPlan.recordIds.size())}};
        if (auto appended = AuditLog(db).append(entry); !appended)
            return appended.error();
        auto head = sql::firstRow(db, QStringLiteral("SELECT sequence FROM audit_head"), {}, 1);
        if (!head)
            return head.error();
        return head.value() ? head.value()->at(0).toLongLong() : qint64(0);
    });
    if (!audited)
        return audited.error();
    exportPlan.lastAuditSequence = audited.value();

    qCInfo(lcRecords).noquote() << "user" << user.userId << "started"
                                << (scope == ExportScope::Organization ? "an organization"
                                                                       : "a personal")
                                << "export of" << exportPlan.recordIds.size() << "records";
    Started started;
    started.fileName =
        QStringLiteral("chartinsight-%1-export-%2.tar")
            .arg(scope == ExportScope::Organization ? QStringLiteral("organization")
                                                    : QStringLiteral("personal"),
                 QDateTime::fromMSecsSinceEpoch(exportPlan.createdAt, Qt::UTC)
                     .toString(QStringLiteral("yyyy-MM-dd")));
    started.body = std::make_shared<ExportArchive>(m_context, std::move(exportPlan));
    return started;
}

} // namespace chartinsight::server
