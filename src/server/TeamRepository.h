#pragma once

#include "Permissions.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// Error codes of the team, member and role routes, beside those in Permissions.h.
namespace teamc {
inline constexpr char kRoleExists[] = "role_exists";                // 409
inline constexpr char kMemberExists[] = "member_exists";            // 409
inline constexpr char kInvalidName[] = "invalid_name";              // 400
inline constexpr char kHomeTeamProtected[] = "home_team_protected"; // 409
} // namespace teamc

struct TeamRow
{
    QString id; // random UUID
    QString organizationId;
    QString name;
    bool isHome = false;
    qint64 createdAt = 0; // milliseconds since the Unix epoch, UTC
    int memberCount = 0;
    std::optional<int> retentionDays; // default expiration of new uploads, in days
};

struct MemberRow
{
    QString userId;
    QString email;
    PermissionSet permissions = 0;
};

struct RoleRow
{
    QString id; // random UUID
    QString name;
    PermissionSet permissions = 0;
};

struct OrganizationUser
{
    QString id;
    QString email; // normalised: trimmed, lower-case
};

// Teams, memberships and roles of an organization in the server database.
// Lookups of teams, roles and users take the organization id, so an id from another
// organization is not found. Member calls take a team id that the caller has already resolved
// in its own organization. Access decisions are not made here: callers check them through
// AccessPolicy first. The one
// rule this class enforces is that the home team keeps at least one manage_organization holder,
// because only a check inside the writing transaction stays true when two requests race.
class TeamRepository
{
public:
    explicit TeamRepository(storage::SqlDatabase& database) : m_database(database) {}

    // Every team of the organization, home team first, then by name.
    Result<QList<TeamRow>> listTeams(const QString& organizationId);
    Result<std::optional<TeamRow>> findTeam(const QString& organizationId, const QString& teamId);
    // Inserts a team. Fails with accessc::kTeamExists when the organization has a team of this
    // name, compared without regard to ASCII case.
    Result<TeamRow> createTeam(const QString& organizationId, const QString& name);
    // Renames a team. Fails with accessc::kTeamExists like createTeam, errc::kNotFound for an
    // unknown team and teamc::kHomeTeamProtected for the home team.
    Result<TeamRow> renameTeam(const QString& organizationId, const QString& teamId,
                               const QString& name);

    // Members of a team, by e-mail address.
    Result<QList<MemberRow>> listMembers(const QString& teamId);
    Result<std::optional<MemberRow>> findMember(const QString& teamId, const QString& userId);
    // Inserts a membership. Fails with teamc::kMemberExists when the user already belongs to
    // the team.
    Result<MemberRow> addMember(const QString& teamId, const QString& userId,
                                PermissionSet permissions);
    // Checks the member's current row in the writing transaction before a change, so that a
    // check and the write it permits see the same row.
    using MemberCheck = std::function<Result<void>(const MemberRow& current)>;

    // Replaces a member's permission set after `check` accepts the current row. Fails with
    // errc::kNotFound when the user is not a member, with the error of `check`, and with
    // accessc::kLastOrganizationAdmin when the change would leave the home team without a
    // manage_organization holder.
    Result<MemberRow> setMemberPermissions(const QString& teamId, const QString& userId,
                                           PermissionSet permissions, const MemberCheck& check);
    // Deletes a membership, with the same errors as setMemberPermissions.
    Result<void> removeMember(const QString& teamId, const QString& userId);

    // Roles of the organization, by name.
    Result<QList<RoleRow>> listRoles(const QString& organizationId);
    Result<std::optional<RoleRow>> findRole(const QString& organizationId, const QString& roleId);
    // Inserts a role. Fails with teamc::kRoleExists when the name is taken (ASCII case ignored).
    Result<RoleRow> createRole(const QString& organizationId, const QString& name,
                               PermissionSet permissions);
    // Replaces a role's name and permission set. Fails with errc::kNotFound or
    // teamc::kRoleExists.
    Result<RoleRow> updateRole(const QString& organizationId, const RoleRow& role);
    // Deletes a role. Fails with errc::kNotFound for an unknown role.
    Result<void> deleteRole(const QString& organizationId, const QString& roleId);

    Result<std::optional<OrganizationUser>> findUserById(const QString& organizationId,
                                                         const QString& userId);
    Result<std::optional<OrganizationUser>> findUserByEmail(const QString& organizationId,
                                                            const QString& normalisedEmail);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
