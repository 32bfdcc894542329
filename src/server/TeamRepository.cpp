#include "TeamRepository.h"

#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {
namespace {

const QString kTeamColumns =
    QStringLiteral("t.id, t.organization_id, t.name, t.is_home, t.created_at, "
                   "(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id), "
                   "t.retention_days");
constexpr int kTeamColumnCount = 7;

TeamRow teamFromColumns(const QVariantList& columns)
{
    TeamRow team;
    team.id = columns.at(0).toString();
    team.organizationId = columns.at(1).toString();
    team.name = columns.at(2).toString();
    team.isHome = columns.at(3).toLongLong() != 0;
    team.createdAt = columns.at(4).toLongLong();
    team.memberCount = int(columns.at(5).toLongLong());
    if (!columns.at(6).isNull())
        team.retentionDays = int(columns.at(6).toLongLong());
    return team;
}

MemberRow memberFromColumns(const QVariantList& columns)
{
    return MemberRow{columns.at(0).toString(), columns.at(1).toString(),
                     PermissionSet(columns.at(2).toLongLong())};
}

RoleRow roleFromColumns(const QVariantList& columns)
{
    return RoleRow{columns.at(0).toString(), columns.at(1).toString(),
                   PermissionSet(columns.at(2).toLongLong())};
}

Error notFound(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kNotFound), message);
}

// Returns true when another name in `table` of the organization equals `name` when ASCII case is
// ignored. lower() is portable to PostgreSQL, unlike SQLite's COLLATE NOCASE.
Result<bool> nameTaken(storage::SqlDatabase& db, const QString& table,
                       const QString& organizationId, const QString& name,
                       const QString& exceptId = QString())
{
    auto row = sql::firstRow(db,
                             QStringLiteral("SELECT id FROM %1 WHERE organization_id = ? AND "
                                            "lower(name) = lower(?) AND id <> ?")
                                 .arg(table),
                             {organizationId, name, exceptId}, 1);
    if (!row)
        return row.error();
    return row->has_value();
}

Result<std::optional<TeamRow>> selectTeam(storage::SqlDatabase& db, const QString& organizationId,
                                          const QString& teamId)
{
    auto row = sql::firstRow(
        db,
        QStringLiteral("SELECT %1 FROM teams t WHERE t.id = ? AND t.organization_id = ?")
            .arg(kTeamColumns),
        {teamId, organizationId}, kTeamColumnCount);
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<TeamRow>();
    return std::optional<TeamRow>(teamFromColumns(*row.value()));
}

Result<std::optional<MemberRow>> selectMember(storage::SqlDatabase& db, const QString& teamId,
                                              const QString& userId)
{
    auto row = sql::firstRow(db,
                             QStringLiteral("SELECT m.user_id, u.email, m.permissions FROM "
                                            "team_members m JOIN users u ON u.id = m.user_id "
                                            "WHERE m.team_id = ? AND m.user_id = ?"),
                             {teamId, userId}, 3);
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<MemberRow>();
    return std::optional<MemberRow>(memberFromColumns(*row.value()));
}

// Fails with kLastOrganizationAdmin when `current` has manage_organization in the home team
// `teamId`, `remaining` lacks it and no other member has it. Call inside the transaction that
// makes the change.
Result<void> keepOrganizationAdmin(storage::SqlDatabase& db, const QString& teamId,
                                   const MemberRow& current, PermissionSet remaining)
{
    const PermissionSet manage = PermissionSet(Permission::ManageOrganization);
    if ((current.permissions & manage) == 0 || (remaining & manage) != 0)
        return {};
    auto row = sql::firstRow(
        db,
        QStringLiteral("SELECT t.is_home, (SELECT COUNT(*) FROM team_members m WHERE m.team_id = "
                       "t.id AND m.user_id <> ? AND (m.permissions & ?) <> 0) FROM teams t "
                       "WHERE t.id = ?"),
        {current.userId, qint64(manage), teamId}, 2);
    if (!row)
        return row.error();
    if (!row.value())
        return notFound(QStringLiteral("The team does not exist."));
    const bool isHome = row.value()->at(0).toLongLong() != 0;
    const qint64 otherHolders = row.value()->at(1).toLongLong();
    if (isHome && otherHolders == 0) {
        return makeError(QString::fromLatin1(accessc::kLastOrganizationAdmin),
                         QStringLiteral("This member is the last one with manage_organization in "
                                        "the home team General. Give it to another member first, "
                                        "then remove it here."));
    }
    return {};
}

} // namespace

Result<QList<TeamRow>> TeamRepository::listTeams(const QString& organizationId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QList<TeamRow>> {
        auto found = sql::rows(db,
                               QStringLiteral("SELECT %1 FROM teams t WHERE t.organization_id = ? "
                                              "ORDER BY t.is_home DESC, t.name, t.id")
                                   .arg(kTeamColumns),
                               {organizationId}, kTeamColumnCount);
        if (!found)
            return found.error();
        QList<TeamRow> teams;
        for (const QVariantList& columns : std::as_const(found.value()))
            teams << teamFromColumns(columns);
        return teams;
    });
}

Result<std::optional<TeamRow>> TeamRepository::findTeam(const QString& organizationId,
                                                        const QString& teamId)
{
    return m_database.withLock(
        [&](storage::SqlDatabase& db) { return selectTeam(db, organizationId, teamId); });
}

Result<TeamRow> TeamRepository::createTeam(const QString& organizationId, const QString& name)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<TeamRow> {
        TeamRow team;
        team.id = crypto::randomUuid();
        team.organizationId = organizationId;
        team.name = name;
        team.createdAt = QDateTime::currentMSecsSinceEpoch();
        // Checked inside the transaction, so two requests with one name cannot both pass.
        auto done = db.transaction([&]() -> Result<void> {
            auto taken = nameTaken(db, QStringLiteral("teams"), organizationId, name);
            if (!taken)
                return taken.error();
            if (taken.value()) {
                return makeError(QString::fromLatin1(accessc::kTeamExists),
                                 QStringLiteral("Your organization already has a team named "
                                                "\"%1\"; choose another name.")
                                     .arg(name));
            }
            auto inserted = sql::run(db,
                                     QStringLiteral("INSERT INTO teams (id, organization_id, name, "
                                                    "is_home, created_at) VALUES (?, ?, ?, 0, ?)"),
                                     {team.id, organizationId, name, team.createdAt});
            if (!inserted)
                return inserted.error();
            return {};
        });
        if (!done)
            return done.error();
        return team;
    });
}

Result<TeamRow> TeamRepository::renameTeam(const QString& organizationId, const QString& teamId,
                                           const QString& name)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<TeamRow> {
        TeamRow team;
        auto done = db.transaction([&]() -> Result<void> {
            auto existing = selectTeam(db, organizationId, teamId);
            if (!existing)
                return existing.error();
            if (!existing.value())
                return notFound(QStringLiteral("Your organization has no team with this id."));
            if (existing.value()->isHome) {
                return makeError(QString::fromLatin1(teamc::kHomeTeamProtected),
                                 QStringLiteral("The home team General cannot be renamed."));
            }
            auto taken = nameTaken(db, QStringLiteral("teams"), organizationId, name, teamId);
            if (!taken)
                return taken.error();
            if (taken.value()) {
                return makeError(QString::fromLatin1(accessc::kTeamExists),
                                 QStringLiteral("Your organization already has a team named "
                                                "\"%1\"; choose another name.")
                                     .arg(name));
            }
            auto updated = sql::run(db, QStringLiteral("UPDATE teams SET name = ? WHERE id = ?"),
                                    {name, teamId});
            if (!updated)
                return updated.error();
            team = *existing.value();
            team.name = name;
            return {};
        });
        if (!done)
            return done.error();
        return team;
    });
}

Result<QList<MemberRow>> TeamRepository::listMembers(const QString& teamId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QList<MemberRow>> {
        auto found = sql::rows(db,
                               QStringLiteral("SELECT m.user_id, u.email, m.permissions FROM "
                                              "team_members m JOIN users u ON u.id = m.user_id "
                                              "WHERE m.team_id = ? ORDER BY u.email"),
                               {teamId}, 3);
        if (!found)
            return found.error();
        QList<MemberRow> members;
        for (const QVariantList& columns : std::as_const(found.value()))
            members << memberFromColumns(columns);
        return members;
    });
}

Result<std::optional<MemberRow>> TeamRepository::findMember(const QString& teamId,
                                                            const QString& userId)
{
    return m_database.withLock(
        [&](storage::SqlDatabase& db) { return selectMember(db, teamId, userId); });
}

Result<MemberRow> TeamRepository::addMember(const QString& teamId, const QString& userId,
                                            PermissionSet permissions)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<MemberRow> {
        MemberRow member;
        auto done = db.transaction([&]() -> Result<void> {
            auto existing = selectMember(db, teamId, userId);
            if (!existing)
                return existing.error();
            if (existing.value()) {
                return makeError(QString::fromLatin1(teamc::kMemberExists),
                                 QStringLiteral("This user is already a member of the team; "
                                                "change their permissions with PUT instead."));
            }
            auto inserted = sql::run(
                db,
                QStringLiteral("INSERT INTO team_members (team_id, user_id, "
                               "permissions, added_at) VALUES (?, ?, ?, ?)"),
                {teamId, userId, qint64(permissions), QDateTime::currentMSecsSinceEpoch()});
            if (!inserted)
                return inserted.error();
            auto added = selectMember(db, teamId, userId);
            if (!added)
                return added.error();
            if (!added.value())
                return makeError(QString::fromLatin1(errc::kStorage),
                                 QStringLiteral("The new membership row was not found."));
            member = *added.value();
            return {};
        });
        if (!done)
            return done.error();
        return member;
    });
}

Result<MemberRow> TeamRepository::setMemberPermissions(const QString& teamId, const QString& userId,
                                                       PermissionSet permissions,
                                                       const MemberCheck& check)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<MemberRow> {
        MemberRow member;
        auto done = db.transaction([&]() -> Result<void> {
            auto existing = selectMember(db, teamId, userId);
            if (!existing)
                return existing.error();
            if (!existing.value())
                return notFound(QStringLiteral("This user is not a member of the team."));
            if (auto accepted = check(*existing.value()); !accepted)
                return accepted.error();
            if (auto kept = keepOrganizationAdmin(db, teamId, *existing.value(), permissions);
                !kept)
                return kept.error();
            auto updated = sql::run(
                db,
                QStringLiteral(
                    "UPDATE team_members SET permissions = ? WHERE team_id = ? AND user_id = ?"),
                {qint64(permissions), teamId, userId});
            if (!updated)
                return updated.error();
            member = *existing.value();
            member.permissions = permissions;
            return {};
        });
        if (!done)
            return done.error();
        return member;
    });
}

Result<void> TeamRepository::removeMember(const QString& teamId, const QString& userId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto existing = selectMember(db, teamId, userId);
            if (!existing)
                return existing.error();
            if (!existing.value())
                return notFound(QStringLiteral("This user is not a member of the team."));
            if (auto kept = keepOrganizationAdmin(db, teamId, *existing.value(), 0); !kept)
                return kept.error();
            auto removed = sql::run(
                db, QStringLiteral("DELETE FROM team_members WHERE team_id = ? AND user_id = ?"),
                {teamId, userId});
            if (!removed)
                return removed.error();
            return {};
        });
    });
}

Result<QList<RoleRow>> TeamRepository::listRoles(const QString& organizationId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QList<RoleRow>> {
        auto found = sql::rows(db,
                               QStringLiteral("SELECT id, name, permissions FROM roles WHERE "
                                              "organization_id = ? ORDER BY name, id"),
                               {organizationId}, 3);
        if (!found)
            return found.error();
        QList<RoleRow> roles;
        for (const QVariantList& columns : std::as_const(found.value()))
            roles << roleFromColumns(columns);
        return roles;
    });
}

Result<std::optional<RoleRow>> TeamRepository::findRole(const QString& organizationId,
                                                        const QString& roleId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<RoleRow>> {
        auto row = sql::firstRow(db,
                                 QStringLiteral("SELECT id, name, permissions FROM roles WHERE "
                                                "id = ? AND organization_id = ?"),
                                 {roleId, organizationId}, 3);
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<RoleRow>();
        return std::optional<RoleRow>(roleFromColumns(*row.value()));
    });
}

Result<RoleRow> TeamRepository::createRole(const QString& organizationId, const QString& name,
                                           PermissionSet permissions)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<RoleRow> {
        RoleRow role{crypto::randomUuid(), name, permissions};
        auto done = db.transaction([&]() -> Result<void> {
            auto taken = nameTaken(db, QStringLiteral("roles"), organizationId, name);
            if (!taken)
                return taken.error();
            if (taken.value()) {
                return makeError(QString::fromLatin1(teamc::kRoleExists),
                                 QStringLiteral("Your organization already has a role named "
                                                "\"%1\"; choose another name.")
                                     .arg(name));
            }
            auto inserted = sql::run(db,
                                     QStringLiteral("INSERT INTO roles (id, organization_id, name, "
                                                    "permissions) VALUES (?, ?, ?, ?)"),
                                     {role.id, organizationId, name, qint64(permissions)});
            if (!inserted)
                return inserted.error();
            return {};
        });
        if (!done)
            return done.error();
        return role;
    });
}

Result<RoleRow> TeamRepository::updateRole(const QString& organizationId, const RoleRow& role)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<RoleRow> {
        auto done = db.transaction([&]() -> Result<void> {
            auto taken = nameTaken(db, QStringLiteral("roles"), organizationId, role.name, role.id);
            if (!taken)
                return taken.error();
            if (taken.value()) {
                return makeError(QString::fromLatin1(teamc::kRoleExists),
                                 QStringLiteral("Your organization already has a role named "
                                                "\"%1\"; choose another name.")
                                     .arg(role.name));
            }
            auto updated = sql::run(db,
                                    QStringLiteral("UPDATE roles SET name = ?, permissions = ? "
                                                   "WHERE id = ? AND organization_id = ?"),
                                    {role.name, qint64(role.permissions), role.id, organizationId});
            if (!updated)
                return updated.error();
            if (updated.value() != 1)
                return notFound(QStringLiteral("Your organization has no role with this id."));
            return {};
        });
        if (!done)
            return done.error();
        return role;
    });
}

Result<void> TeamRepository::deleteRole(const QString& organizationId, const QString& roleId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto removed =
            sql::run(db, QStringLiteral("DELETE FROM roles WHERE id = ? AND organization_id = ?"),
                     {roleId, organizationId});
        if (!removed)
            return removed.error();
        if (removed.value() != 1)
            return notFound(QStringLiteral("Your organization has no role with this id."));
        return {};
    });
}

Result<std::optional<OrganizationUser>> TeamRepository::findUserById(const QString& organizationId,
                                                                     const QString& userId)
{
    return m_database.withLock(
        [&](storage::SqlDatabase& db) -> Result<std::optional<OrganizationUser>> {
            auto row = sql::firstRow(
                db,
                QStringLiteral("SELECT id, email FROM users WHERE id = ? AND organization_id = ?"),
                {userId, organizationId}, 2);
            if (!row)
                return row.error();
            if (!row.value())
                return std::optional<OrganizationUser>();
            return std::optional<OrganizationUser>(
                OrganizationUser{row.value()->at(0).toString(), row.value()->at(1).toString()});
        });
}

Result<std::optional<OrganizationUser>>
TeamRepository::findUserByEmail(const QString& organizationId, const QString& normalisedEmail)
{
    return m_database.withLock([&](storage::SqlDatabase& db)
                                   -> Result<std::optional<OrganizationUser>> {
        auto row = sql::firstRow(
            db,
            QStringLiteral("SELECT id, email FROM users WHERE email = ? AND organization_id = ?"),
            {normalisedEmail, organizationId}, 2);
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<OrganizationUser>();
        return std::optional<OrganizationUser>(
            OrganizationUser{row.value()->at(0).toString(), row.value()->at(1).toString()});
    });
}

} // namespace chartinsight::server
