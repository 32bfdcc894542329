#pragma once

#include "AuditLog.h"
#include "core/Result.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

class AccessPolicy;

// The reports over the audit trail.
enum class ReportKind
{
    Access,      // record.viewed, .downloaded, .previewed and .synced entries of one record
    Activity,    // every entry
    Invitations, // invitation.* entries
    Logins,      // login.*, logout, session.* and sessions.* entries of one user
};

// One report query, already validated and resolved to ids. Empty strings and absent values
// mean "no filter".
struct ReportQuery
{
    ReportKind kind = ReportKind::Activity;
    QString organizationId;      // always set: reports never cross organizations
    QString uploaderScope;       // set: only entries about records this user uploaded
    QString subjectUserId;       // Logins: the user whose sign-ins are listed
    std::optional<qint64> since; // created_at >= since, milliseconds UTC
    std::optional<qint64> until; // created_at < until
    QString actorId;
    QString teamId;
    QString recordId;
    QString action;
    bool actionIsPrefix = false; // `action` ends in '.' and matches every action it starts
    QString outcome;
    qint64 beforeSequence = 0;  // keyset cursor: sequence < this; 0 for the newest page
    std::optional<qint64> throughSequence; // snapshot: sequence <= this
};

// The count of one action in one bucket of the activity chart.
struct ChartCount
{
    qint64 bucket = 0; // index of the bucket from the chart's start
    QString action;
    qint64 count = 0;
};

// SQL of the reports. Pages are read newest first by keyset on the sequence number, with
// indexes that end in sequence (reportMigrations()). A filter on one user, record or action
// therefore reads one page at any depth without sorting. Other filters walk the organization's
// entries newest first until a page is full, so their cost grows as matches get rarer.
class ReportRepository
{
public:
    explicit ReportRepository(storage::SqlDatabase& database) : m_database(database) {}

    // At most `limit` entries matching `query`, newest first.
    Result<QList<AuditEntry>> page(const ReportQuery& query, int limit);

    // The plan SQLite chooses for page(query, limit), one step per line, for benchmarks.
    Result<QString> explain(const ReportQuery& query, int limit);

    // The sequence number of the newest entry, 0 when the trail is empty.
    Result<qint64> lastSequence();

    // Entries matching `query` counted per bucket of `bucketMs` milliseconds from `startMs`
    // and per action. Buckets without entries are left out.
    Result<QList<ChartCount>> chart(const ReportQuery& query, qint64 startMs, qint64 bucketMs);

    // Whether `userId` uploaded `recordId`: the record row names them, or the trail has their
    // record.uploaded entry (which outlives the record).
    Result<bool> isUploader(const QString& organizationId, const QString& userId,
                            const QString& recordId);

    // The id of the user of `organizationId` with this normalised e-mail address.
    Result<std::optional<QString>> userIdByEmail(const QString& organizationId,
                                                 const QString& email);

    // Whether `teamId` is a team of `organizationId`.
    Result<bool> isTeamOf(const QString& organizationId, const QString& teamId);

private:
    storage::SqlDatabase& m_database;
};

// Names of the ids in report entries, looked up when a report is read. Only what the viewer may
// see gets a name: users of the viewer's organization (display name, else e-mail address),
// records the viewer can see (title, else file name), the organization's teams, roles and,
// for holders of manage_organization, invitations (the invited address). Everything else,
// deleted rows included, gets "". Answers are cached for the resolver's lifetime.
class NameResolver
{
public:
    NameResolver(storage::SqlDatabase& database, AccessPolicy& policy, QString viewerId,
                 QString organizationId, bool viewerManagesOrganization);

    Result<QString> actorName(const AuditEntry& entry);
    Result<QString> targetName(const AuditEntry& entry);

private:
    Result<QString> userName(const QString& userId);
    Result<QString> recordName(const QString& recordId);
    Result<QString> lookup(const QString& cacheKey, const QString& query,
                           const QVariantList& values);

    storage::SqlDatabase& m_database;
    AccessPolicy& m_policy;
    QString m_viewerId;
    QString m_organizationId;
    bool m_viewerManagesOrganization = false;
    QHash<QString, QString> m_cache;
};

} // namespace chartinsight::server
