#include "ReportRepository.h"

#include "AccessPolicy.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "storage/SqlDatabase.h"

#include <QJsonDocument>

namespace chartinsight::server {
namespace {

// Names kept by one NameResolver before it starts over, so a long CSV export stays bounded.
constexpr qsizetype kMaxCachedNames = 20000;

const QString kEntryColumns = QStringLiteral(
    "sequence, created_at, actor_kind, actor_id, action, target_kind, target_id, outcome, "
    "client_ip, device_id, details, organization_id");
constexpr int kEntryColumnCount = 12;

// The upper bound of the actions that start with `prefix` (which ends in '.'): the same text
// with the final '.' replaced by '/', the next character in code-point order.
QString prefixEnd(const QString& prefix)
{
    return prefix.left(prefix.size() - 1) + QLatin1Char('/');
}

// The WHERE clause of `query` and its values, in order.
QString whereClause(const ReportQuery& query, QVariantList& values)
{
    QStringList terms;
    terms << QStringLiteral("organization_id = ?");
    values << query.organizationId;

    switch (query.kind) {
    case ReportKind::Access:
        terms << QStringLiteral("target_kind = 'record' AND target_id = ? AND action IN "
                                "('record.viewed', 'record.downloaded', 'record.previewed', "
                                "'record.synced')");
        values << query.recordId;
        break;
    case ReportKind::Invitations:
        // The unary + keeps SQLite from reading the action index, because its range would need
        // a sort of every invitation entry. Walking newest first stops after one page.
        terms << QStringLiteral("+action >= 'invitation.' AND +action < 'invitation/'");
        break;
    case ReportKind::Logins:
        terms << QStringLiteral("((+action >= 'login.' AND +action < 'login/') OR "
                                "+action = 'logout' OR (+action >= 'session.' AND "
                                "+action < 'session/') OR (+action >= 'sessions.' AND "
                                "+action < 'sessions/'))");
        // One user's entries are few, so SQLite reads them from the target and actor indexes
        // and sorts them, instead of walking the whole organization for a sparse match.
        terms << QStringLiteral("sequence IN (SELECT sequence FROM audit_log WHERE "
                                "organization_id = ? AND target_kind = 'user' AND target_id = ? "
                                "UNION ALL SELECT sequence FROM audit_log WHERE "
                                "organization_id = ? AND actor_id = ?)");
        values << query.organizationId << query.subjectUserId << query.organizationId
               << query.subjectUserId;
        break;
    case ReportKind::Activity:
        break;
    }

    if (!query.uploaderScope.isEmpty()) {
        terms << QStringLiteral(
            "target_kind = 'record' AND target_id IN (SELECT id FROM records WHERE owner_id = ? "
            "AND organization_id = ? UNION SELECT target_id FROM audit_log WHERE "
            "organization_id = ? AND actor_id = ? AND action = 'record.uploaded' AND "
            "target_kind = 'record')");
        values << query.uploaderScope << query.organizationId << query.organizationId
               << query.uploaderScope;
    }
    if (query.since) {
        terms << QStringLiteral("created_at >= ?");
        values << *query.since;
    }
    if (query.until) {
        terms << QStringLiteral("created_at < ?");
        values << *query.until;
    }
    if (!query.actorId.isEmpty()) {
        terms << QStringLiteral("actor_id = ?");
        values << query.actorId;
    }
    if (!query.teamId.isEmpty()) {
        // Entries by the team's current members, and entries about the team or its records.
        terms << QStringLiteral(
            "(actor_id IN (SELECT user_id FROM team_members WHERE team_id = ?) OR "
            "(target_kind = 'team' AND target_id = ?) OR (target_kind = 'record' AND "
            "target_id IN (SELECT id FROM records WHERE team_id = ?)))");
        values << query.teamId << query.teamId << query.teamId;
    }
    if (!query.recordId.isEmpty() && query.kind != ReportKind::Access) {
        terms << QStringLiteral("target_kind = 'record' AND target_id = ?");
        values << query.recordId;
    }
    if (!query.action.isEmpty()) {
        if (query.actionIsPrefix) {
            terms << QStringLiteral("+action >= ? AND +action < ?");
            values << query.action << prefixEnd(query.action);
        } else {
            terms << QStringLiteral("action = ?");
            values << query.action;
        }
    }
    if (!query.outcome.isEmpty()) {
        terms << QStringLiteral("outcome = ?");
        values << query.outcome;
    }
    if (query.beforeSequence > 0) {
        terms << QStringLiteral("sequence < ?");
        values << query.beforeSequence;
    }
    if (query.throughSequence) {
        terms << QStringLiteral("sequence <= ?");
        values << *query.throughSequence;
    }
    return terms.join(QStringLiteral(" AND "));
}

AuditEntry entryFromColumns(const QVariantList& columns)
{
    AuditEntry entry;
    entry.sequence = columns.at(0).toLongLong();
    entry.createdAt = columns.at(1).toLongLong();
    entry.actorKind = columns.at(2).toString();
    entry.actorId = columns.at(3).toString();
    entry.action = columns.at(4).toString();
    entry.targetKind = columns.at(5).toString();
    entry.targetId = columns.at(6).toString();
    entry.outcome = columns.at(7).toString();
    entry.clientIp = columns.at(8).toString();
    entry.deviceId = columns.at(9).toString();
    entry.details = QJsonDocument::fromJson(columns.at(10).toString().toUtf8()).object();
    entry.organizationId = columns.at(11).toString();
    return entry;
}

} // namespace

Result<QList<AuditEntry>> ReportRepository::page(const ReportQuery& query, int limit)
{
    QVariantList values;
    const QString where = whereClause(query, values);
    values << qint64(limit);
    auto found = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("SELECT %1 FROM audit_log WHERE %2 ORDER BY sequence DESC "
                                        "LIMIT ?")
                             .arg(kEntryColumns, where),
                         values, kEntryColumnCount);
    });
    if (!found)
        return found.error();
    QList<AuditEntry> entries;
    entries.reserve(found->size());
    for (const QVariantList& columns : std::as_const(found.value()))
        entries << entryFromColumns(columns);
    return entries;
}

Result<QString> ReportRepository::explain(const ReportQuery& query, int limit)
{
    QVariantList values;
    const QString where = whereClause(query, values);
    values << qint64(limit);
    auto found = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("EXPLAIN QUERY PLAN SELECT %1 FROM audit_log WHERE %2 "
                                        "ORDER BY sequence DESC LIMIT ?")
                             .arg(kEntryColumns, where),
                         values, 4);
    });
    if (!found)
        return found.error();
    QStringList steps;
    for (const QVariantList& columns : std::as_const(found.value()))
        steps << columns.at(3).toString();
    return steps.join(QStringLiteral("; "));
}

Result<qint64> ReportRepository::lastSequence()
{
    auto row = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db, QStringLiteral("SELECT sequence FROM audit_head"), {}, 1);
    });
    if (!row)
        return row.error();
    return row.value() ? row.value()->at(0).toLongLong() : 0;
}

Result<QList<ChartCount>> ReportRepository::chart(const ReportQuery& query, qint64 startMs,
                                                  qint64 bucketMs)
{
    QVariantList values{startMs, bucketMs};
    const QString where = whereClause(query, values);
    auto found = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("SELECT (created_at - ?) / ? AS bucket, action, COUNT(*) "
                                        "FROM audit_log WHERE %1 GROUP BY bucket, action "
                                        "ORDER BY bucket, action")
                             .arg(where),
                         values, 3);
    });
    if (!found)
        return found.error();
    QList<ChartCount> counts;
    for (const QVariantList& columns : std::as_const(found.value()))
        counts << ChartCount{columns.at(0).toLongLong(), columns.at(1).toString(),
                             columns.at(2).toLongLong()};
    return counts;
}

Result<bool> ReportRepository::isUploader(const QString& organizationId, const QString& userId,
                                          const QString& recordId)
{
    auto row = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(
            db,
            QStringLiteral("SELECT 1 FROM records WHERE id = ? AND owner_id = ? AND "
                           "organization_id = ? UNION ALL SELECT 1 FROM audit_log WHERE "
                           "organization_id = ? AND actor_id = ? AND action = 'record.uploaded' "
                           "AND target_kind = 'record' AND target_id = ? LIMIT 1"),
            {recordId, userId, organizationId, organizationId, userId, recordId}, 1);
    });
    if (!row)
        return row.error();
    return row.value().has_value();
}

Result<std::optional<QString>> ReportRepository::userIdByEmail(const QString& organizationId,
                                                               const QString& email)
{
    auto row = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(
            db, QStringLiteral("SELECT id FROM users WHERE email = ? AND organization_id = ?"),
            {email, organizationId}, 1);
    });
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<QString>();
    return std::optional<QString>(row.value()->at(0).toString());
}

Result<bool> ReportRepository::isTeamOf(const QString& organizationId, const QString& teamId)
{
    auto row = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(
            db, QStringLiteral("SELECT 1 FROM teams WHERE id = ? AND organization_id = ?"),
            {teamId, organizationId}, 1);
    });
    if (!row)
        return row.error();
    return row.value().has_value();
}

NameResolver::NameResolver(storage::SqlDatabase& database, AccessPolicy& policy,
                           QString viewerId, QString organizationId,
                           bool viewerManagesOrganization)
    : m_database(database), m_policy(policy), m_viewerId(std::move(viewerId)),
      m_organizationId(std::move(organizationId)),
      m_viewerManagesOrganization(viewerManagesOrganization)
{
}

Result<QString> NameResolver::actorName(const AuditEntry& entry)
{
    if (entry.actorKind == QLatin1String("user") && !entry.actorId.isEmpty())
        return userName(entry.actorId);
    return QString();
}

Result<QString> NameResolver::targetName(const AuditEntry& entry)
{
    const QString& id = entry.targetId;
    if (id.isEmpty())
        return QString();
    const QString& kind = entry.targetKind;
    if (kind == QLatin1String("user"))
        return userName(id);
    if (kind == QLatin1String("record"))
        return recordName(id);
    if (kind == QLatin1String("team")) {
        return lookup(QStringLiteral("team:") + id,
                      QStringLiteral("SELECT name FROM teams WHERE id = ? AND organization_id = ?"),
                      {id, m_organizationId});
    }
    if (kind == QLatin1String("role")) {
        return lookup(QStringLiteral("role:") + id,
                      QStringLiteral("SELECT name FROM roles WHERE id = ? AND organization_id = ?"),
                      {id, m_organizationId});
    }
    if (kind == QLatin1String("organization") && id == m_organizationId) {
        return lookup(QStringLiteral("organization:") + id,
                      QStringLiteral("SELECT name FROM organizations WHERE id = ?"), {id});
    }
    if (kind == QLatin1String("invitation") && m_viewerManagesOrganization) {
        return lookup(
            QStringLiteral("invitation:") + id,
            QStringLiteral("SELECT email FROM invitations WHERE id = ? AND organization_id = ?"),
            {id, m_organizationId});
    }
    return QString();
}

Result<QString> NameResolver::userName(const QString& userId)
{
    const QString key = QStringLiteral("user:") + userId;
    if (auto cached = m_cache.constFind(key); cached != m_cache.constEnd())
        return cached.value();
    auto row = m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db,
                             QStringLiteral("SELECT display_name, email FROM users WHERE id = ? "
                                            "AND organization_id = ?"),
                             {userId, m_organizationId}, 2);
    });
    if (!row)
        return row.error();
    QString name;
    if (row.value()) {
        name = row.value()->at(0).toString();
        if (name.isEmpty())
            name = row.value()->at(1).toString();
    }
    if (m_cache.size() >= kMaxCachedNames)
        m_cache.clear();
    m_cache.insert(key, name);
    return name;
}

Result<QString> NameResolver::recordName(const QString& recordId)
{
    const QString key = QStringLiteral("record:") + recordId;
    if (auto cached = m_cache.constFind(key); cached != m_cache.constEnd())
        return cached.value();
    QString name;
    auto row = m_policy.canSeeRecord(m_viewerId, recordId);
    if (row) {
        name = row->title.isEmpty() ? row->filename : row->title;
    } else if (row.error().code != QLatin1String(errc::kNotFound)) {
        return row.error();
    }
    if (m_cache.size() >= kMaxCachedNames)
        m_cache.clear();
    m_cache.insert(key, name);
    return name;
}

Result<QString> NameResolver::lookup(const QString& cacheKey, const QString& query,
                                     const QVariantList& values)
{
    if (auto cached = m_cache.constFind(cacheKey); cached != m_cache.constEnd())
        return cached.value();
    auto row = m_database.withLock(
        [&](storage::SqlDatabase& db) { return sql::firstRow(db, query, values, 1); });
    if (!row)
        return row.error();
    const QString name = row.value() ? row.value()->at(0).toString() : QString();
    if (m_cache.size() >= kMaxCachedNames)
        m_cache.clear();
    m_cache.insert(cacheKey, name);
    return name;
}

} // namespace chartinsight::server
