#include "AccessPolicy.h"

#include "AuthErrors.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "storage/SqlDatabase.h"

namespace chartinsight::server {
namespace {

Error teamNotFound(const QString& teamId)
{
    return makeError(
        QString::fromLatin1(errc::kNotFound),
        QStringLiteral("Team %1 was not found; list your teams for their ids.").arg(teamId));
}

Error forbidden(Permission permission, const QString& teamName, const QString& action)
{
    return makeError(QString::fromLatin1(authc::kForbidden),
                     QStringLiteral("You need the permission %1 in the team \"%2\" to %3; ask "
                                    "an administrator of your organization to grant it.")
                         .arg(permissionName(permission), teamName, action));
}

} // namespace

Error recordNotFound(const QString& recordId)
{
    return makeError(
        QString::fromLatin1(errc::kNotFound),
        QStringLiteral("Record %1 was not found; list your records for their ids.").arg(recordId));
}

Result<PermissionSet> AccessPolicy::teamPermissions(const QString& userId, const QString& teamId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<PermissionSet> {
        auto row = sql::firstRow(
            db,
            QStringLiteral(
                "SELECT permissions FROM team_members WHERE team_id = ? AND user_id = ?"),
            {teamId, userId}, 1);
        if (!row)
            return row.error();
        if (!row.value())
            return kNoPermissions;
        return PermissionSet(row.value()->at(0).toLongLong() & kAllPermissions);
    });
}

Result<PermissionSet> AccessPolicy::homePermissions(const QString& userId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<PermissionSet> {
        auto row = sql::firstRow(db,
                                 QStringLiteral("SELECT m.permissions FROM team_members m "
                                                "JOIN teams t ON t.id = m.team_id "
                                                "JOIN users u ON u.id = m.user_id "
                                                "WHERE m.user_id = ? AND t.is_home = 1 "
                                                "AND t.organization_id = u.organization_id"),
                                 {userId}, 1);
        if (!row)
            return row.error();
        if (!row.value())
            return kNoPermissions;
        return PermissionSet(row.value()->at(0).toLongLong() & kAllPermissions);
    });
}

Result<QHash<QString, PermissionSet>> AccessPolicy::memberships(const QString& userId)
{
    return m_database.withLock(
        [&](storage::SqlDatabase& db) -> Result<QHash<QString, PermissionSet>> {
            auto found = sql::rows(
                db,
                QStringLiteral("SELECT team_id, permissions FROM team_members WHERE user_id = ?"),
                {userId}, 2);
            if (!found)
                return found.error();
            QHash<QString, PermissionSet> result;
            for (const QVariantList& columns : std::as_const(found.value()))
                result.insert(columns.at(0).toString(),
                              PermissionSet(columns.at(1).toLongLong() & kAllPermissions));
            return result;
        });
}

Result<QString> AccessPolicy::homeTeamId(const QString& organizationId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QString> {
        auto row = sql::firstRow(
            db, QStringLiteral("SELECT id FROM teams WHERE organization_id = ? AND is_home = 1"),
            {organizationId}, 1);
        if (!row)
            return row.error();
        if (!row.value()) {
            return makeError(QString::fromLatin1(errc::kNotFound),
                             QStringLiteral("Organization %1 has no home team; restart the "
                                            "server so that it creates one.")
                                 .arg(organizationId));
        }
        return row.value()->at(0).toString();
    });
}

Result<TeamInfo> AccessPolicy::findTeam(const QString& userId, const QString& teamId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<TeamInfo> {
        auto row = sql::firstRow(db,
                                 QStringLiteral("SELECT t.id, t.organization_id, t.name, t.is_home "
                                                "FROM teams t JOIN users u "
                                                "ON u.organization_id = t.organization_id "
                                                "WHERE t.id = ? AND u.id = ?"),
                                 {teamId, userId}, 4);
        if (!row)
            return row.error();
        if (!row.value())
            return teamNotFound(teamId);
        const QVariantList& columns = *row.value();
        TeamInfo team;
        team.id = columns.at(0).toString();
        team.organizationId = columns.at(1).toString();
        team.name = columns.at(2).toString();
        team.isHome = columns.at(3).toLongLong() != 0;
        return team;
    });
}

Result<RecordRow> AccessPolicy::canSeeRecord(const QString& userId, const QString& recordId)
{
    RecordRepository records(m_database);
    auto row = records.findVisible(recordId, userId);
    if (!row)
        return row.error();
    if (!row.value())
        return recordNotFound(recordId);
    return std::move(*row.value());
}

Result<TeamInfo> AccessPolicy::requireTeam(const QString& userId, const QString& teamId,
                                           Permission permission)
{
    auto team = findTeam(userId, teamId);
    if (!team)
        return team.error();
    auto inTeam = teamPermissions(userId, teamId);
    if (!inTeam)
        return inTeam.error();
    if (hasPermission(inTeam.value(), permission))
        return team;
    if (permission != Permission::ManageFiles) {
        auto inHome = homePermissions(userId);
        if (!inHome)
            return inHome.error();
        if (hasPermission(inHome.value(), permission))
            return team;
    }
    return forbidden(permission, team->name, QStringLiteral("do this"));
}

Result<void> AccessPolicy::requireOrganization(const QString& userId, Permission permission)
{
    auto inHome = homePermissions(userId);
    if (!inHome)
        return inHome.error();
    if (hasPermission(inHome.value(), permission))
        return {};
    // The home team is named General when an organization is created and cannot be renamed.
    return forbidden(permission, QStringLiteral("General"),
                     QStringLiteral("do this for the whole organization"));
}

Result<RecordRow> AccessPolicy::requireRecord(const QString& userId, const QString& recordId,
                                              RecordAction action)
{
    auto record = canSeeRecord(userId, recordId);
    if (!record || action == RecordAction::View)
        return record;
    auto inTeam = teamPermissions(userId, record->teamId);
    if (!inTeam)
        return inTeam.error();
    if (action == RecordAction::EditMetadata && !canEdit(inTeam.value())) {
        return forbidden(Permission::ManageFiles, record->teamName,
                         QStringLiteral("change the title of record %1").arg(recordId));
    }
    if (action == RecordAction::ChangeSharing &&
        !canShare(record.value(), userId, inTeam.value())) {
        return forbidden(Permission::ManageFiles, record->teamName,
                         QStringLiteral("change the sharing of record %1, which you did not "
                                        "upload")
                             .arg(recordId));
    }
    if (action == RecordAction::ChangeExpiry && !canEdit(inTeam.value())) {
        return forbidden(Permission::ManageFiles, record->teamName,
                         QStringLiteral("change the expiration of record %1").arg(recordId));
    }
    if (action == RecordAction::Erase && !canShare(record.value(), userId, inTeam.value())) {
        return forbidden(Permission::ManageFiles, record->teamName,
                         QStringLiteral("erase record %1, which you did not upload")
                             .arg(recordId));
    }
    return record;
}

bool AccessPolicy::canEdit(PermissionSet teamPermissions)
{
    return hasPermission(teamPermissions, Permission::ManageFiles);
}

bool AccessPolicy::canShare(const RecordRow& record, const QString& userId,
                            PermissionSet teamPermissions)
{
    return record.ownerId == userId || hasPermission(teamPermissions, Permission::ManageFiles);
}

bool AccessPolicy::canErase(const RecordRow& record, const QString& userId,
                            PermissionSet teamPermissions)
{
    return !record.legalHold && canShare(record, userId, teamPermissions);
}

QString AccessPolicy::visibleRecordsClause()
{
    // The uploader always sees the record. Anyone else must be of the record's organization
    // and either a current member of its team (mode "team") or listed in record_shares (mode
    // "users"). A record being erased is hidden at once, before its file and rows are gone.
    return QStringLiteral(
        "(NOT EXISTS (SELECT 1 FROM record_erasures ve WHERE ve.record_id = r.id) AND "
        "(r.owner_id = ? OR (r.organization_id = (SELECT vu.organization_id FROM users vu "
        "WHERE vu.id = ?) AND ((r.sharing = 'team' AND EXISTS (SELECT 1 FROM team_members vm "
        "WHERE vm.team_id = r.team_id AND vm.user_id = ?)) OR (r.sharing = 'users' AND EXISTS "
        "(SELECT 1 FROM record_shares vs WHERE vs.record_id = r.id AND vs.user_id = ?))))))");
}

QVariantList AccessPolicy::visibleRecordsValues(const QString& userId)
{
    return {userId, userId, userId, userId};
}

} // namespace chartinsight::server
