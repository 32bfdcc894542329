#pragma once

#include "Permissions.h"
#include "RecordRepository.h"
#include "core/Result.h"

#include <QHash>
#include <QString>
#include <QVariantList>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// An action a caller requests on one record.
enum class RecordAction
{
    View,          // see it in the list, read its metadata, download its content
    EditMetadata,  // change the title: can see it and has manage_files in its team
    ChangeSharing, // can see it and is the uploader or has manage_files in its team
    ChangeExpiry,  // change the expiration: can see it and has manage_files in its team
    Erase,         // erase it permanently: as ChangeSharing
};

// A team as the policy reads it.
struct TeamInfo
{
    QString id;
    QString organizationId;
    QString name;
    bool isHome = false;
};

// The "not_found" error for a record id, the same whether the record does not exist or the
// caller may not see it.
Error recordNotFound(const QString& recordId);

// The one module that decides access to teams, records and organization-wide actions. Every
// call reads the database, so a changed membership or sharing mode applies to the very next
// request: no permission lives in a token or a cache.
//
// Errors: a record or team the caller may not see is "not_found" with the same message as an
// id that does not exist. A visible record or team whose action needs a permission the caller
// lacks is "forbidden" with a message naming the permission and the team.
//
// Each method takes the database's lock itself. The lock is recursive, so callers may call
// them inside their own withLock() and transaction() to check and write atomically.
class AccessPolicy
{
public:
    explicit AccessPolicy(storage::SqlDatabase& database) : m_database(database) {}

    // The caller's permission set in one team: kNoPermissions when not a member.
    Result<PermissionSet> teamPermissions(const QString& userId, const QString& teamId);

    // The caller's permission set in the home team of their organization, which governs
    // organization-wide actions.
    Result<PermissionSet> homePermissions(const QString& userId);

    // Every membership of the caller: team id to permission set.
    Result<QHash<QString, PermissionSet>> memberships(const QString& userId);

    // The id of the organization's home team ("General"), or "not_found" when it has none.
    Result<QString> homeTeamId(const QString& organizationId);

    // A team of the caller's organization; "not_found" for unknown ids and for teams of other
    // organizations.
    Result<TeamInfo> findTeam(const QString& userId, const QString& teamId);

    // The record row when the caller can see it, else "not_found".
    Result<RecordRow> canSeeRecord(const QString& userId, const QString& recordId);

    // Checks a team-level action on a team of the caller's organization. manage_files must be
    // held in the team itself. Every other permission may come from the team or from the home
    // team. Returns the team, or "not_found" / "forbidden".
    Result<TeamInfo> requireTeam(const QString& userId, const QString& teamId,
                                 Permission permission);

    // Checks an organization-wide action: `permission` held in the home team.
    Result<void> requireOrganization(const QString& userId, Permission permission);

    // Checks one action on a record and returns its row, or "not_found" / "forbidden".
    Result<RecordRow> requireRecord(const QString& userId, const QString& recordId,
                                    RecordAction action);

    // Whether a caller with `teamPermissions` in the record's team may change its title or
    // its sharing. The caller must already be able to see the record.
    static bool canEdit(PermissionSet teamPermissions);
    static bool canShare(const RecordRow& record, const QString& userId,
                         PermissionSet teamPermissions);
    // Whether the caller may erase the record: the uploader or manage_files in its team, and
    // the record is not under legal hold.
    static bool canErase(const RecordRow& record, const QString& userId,
                         PermissionSet teamPermissions);

    // The SQL condition that the record list and canSeeRecord() share, so the two can never
    // disagree. A record whose erasure has started (a record_erasures row) is visible to no one. It refers to the records table as `r` and contains four positional parameters,
    // bound from visibleRecordsValues(userId) in order.
    static QString visibleRecordsClause();
    static QVariantList visibleRecordsValues(const QString& userId);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
