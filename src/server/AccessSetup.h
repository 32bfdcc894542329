#pragma once

#include "Permissions.h"
#include "core/Result.h"

#include <QString>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// Creates the access rows that every organization and user must have: the home team
// "General", the role presets Admin, Clinician and Viewer, and a home-team membership per user.
// The functions take the database's lock themselves and may run inside a caller's transaction.
class AccessSetup
{
public:
    // The home team's name. It cannot be renamed, so code may name it in messages.
    static constexpr char kHomeTeamName[] = "General";

    // The home-team permissions of a user created by add-user or found by backfill(): all four
    // for an administrator (legacy users.is_admin = 1), else manage_files.
    static PermissionSet initialHomePermissions(bool admin);

    // Creates the home team and the three role presets of an organization when it has no home
    // team yet, and returns the home team's id. `nowMs` is milliseconds since the Unix epoch.
    static Result<QString> ensureOrganization(storage::SqlDatabase& database,
                                              const QString& organizationId, qint64 nowMs);

    // Adds a user to a team with a permission set; does nothing when they are a member already.
    static Result<void> addMember(storage::SqlDatabase& database, const QString& teamId,
                                  const QString& userId, PermissionSet permissions, qint64 nowMs);

    // Brings databases created before the access model up to date, in one transaction: every
    // organization without a home team gets one and the role presets, all its users join the
    // home team with initialHomePermissions(users.is_admin), and every record without a team
    // moves into its organization's home team. Idempotent: an organization that has a home team
    // is left alone, so a user later removed from General is not added back.
    static Result<void> backfill(storage::SqlDatabase& database);
};

} // namespace chartinsight::server
