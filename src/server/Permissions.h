#pragma once

#include "core/Result.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace chartinsight::server {

// One right that a team membership grants. The values are bits of a PermissionSet and are
// stored in team_members.permissions and roles.permissions, so they never change.
enum class Permission : int
{
    ManageFiles = 1,        // upload into the team, edit its records' metadata and sharing
    ManageOrganization = 2, // manage members and invitations; in the home team, the organization
    ManageBilling = 4,
    ManageApi = 8,
};

// A bit mask of Permission values.
using PermissionSet = int;

inline constexpr PermissionSet kNoPermissions = 0;
inline constexpr PermissionSet kAllPermissions = 15;

// Error codes of the access model, beside the shared ones in core/ErrorCodes.h.
namespace accessc {
inline constexpr char kInvalidPermission[] = "invalid_permission";          // 400
inline constexpr char kTeamRequired[] = "team_required";                    // 400
inline constexpr char kInvalidShareUser[] = "invalid_share_user";           // 400
inline constexpr char kInvalidSharing[] = "invalid_sharing";                // 400
inline constexpr char kInvalidMember[] = "invalid_member";                  // 400
inline constexpr char kTeamExists[] = "team_exists";                        // 409
inline constexpr char kLastOrganizationAdmin[] = "last_organization_admin"; // 409
} // namespace accessc

constexpr bool hasPermission(PermissionSet set, Permission permission)
{
    return (set & int(permission)) != 0;
}

// The JSON name of one permission, for example "manage_files".
QString permissionName(Permission permission);

// The names of the permissions in `set`, in bit order (manage_files, manage_organization,
// manage_billing, manage_api). Bits outside kAllPermissions are ignored.
QStringList permissionNames(PermissionSet set);

// Parses a JSON array of permission names. Duplicates are allowed. Fails with
// "invalid_permission" naming the first value that is not a string or not a known name.
Result<PermissionSet> parsePermissions(const QJsonValue& value);

} // namespace chartinsight::server
