#include "AccessSetup.h"

#include "ServerLog.h"
#include "SqlHelpers.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>

namespace chartinsight::server {
namespace {

struct RolePreset
{
    const char* name;
    PermissionSet permissions;
};

constexpr RolePreset kRolePresets[] = {
    {"Admin", kAllPermissions},
    {"Clinician", int(Permission::ManageFiles)},
    {"Viewer", kNoPermissions},
};

Result<QString> findHomeTeam(storage::SqlDatabase& db, const QString& organizationId)
{
    auto row = sql::firstRow(
        db, QStringLiteral("SELECT id FROM teams WHERE organization_id = ? AND is_home = 1"),
        {organizationId}, 1);
    if (!row)
        return row.error();
    return row.value() ? row.value()->at(0).toString() : QString();
}

} // namespace

PermissionSet AccessSetup::initialHomePermissions(bool admin)
{
    return admin ? kAllPermissions : int(Permission::ManageFiles);
}

Result<QString> AccessSetup::ensureOrganization(storage::SqlDatabase& database,
                                                const QString& organizationId, qint64 nowMs)
{
    return database.withLock([&](storage::SqlDatabase& db) -> Result<QString> {
        QString homeTeamId;
        auto done = db.transaction([&]() -> Result<void> {
            auto existing = findHomeTeam(db, organizationId);
            if (!existing)
                return existing.error();
            if (!existing->isEmpty()) {
                homeTeamId = existing.value();
                return {};
            }
            homeTeamId = crypto::randomUuid();
            auto team =
                sql::run(db,
                         QStringLiteral("INSERT INTO teams (id, organization_id, name, "
                                        "is_home, created_at) VALUES (?, ?, ?, 1, ?)"),
                         {homeTeamId, organizationId, QString::fromLatin1(kHomeTeamName), nowMs});
            if (!team)
                return team.error();
            for (const RolePreset& preset : kRolePresets) {
                const QString name = QString::fromLatin1(preset.name);
                auto role = sql::run(
                    db,
                    QStringLiteral("INSERT INTO roles (id, organization_id, name, permissions) "
                                   "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM roles "
                                   "WHERE organization_id = ? AND name = ?)"),
                    {crypto::randomUuid(), organizationId, name, qint64(preset.permissions),
                     organizationId, name});
                if (!role)
                    return role.error();
            }
            qCInfo(lcAccess).noquote()
                << "created home team" << homeTeamId << "of organization" << organizationId;
            return {};
        });
        if (!done)
            return done.error();
        return homeTeamId;
    });
}

Result<void> AccessSetup::addMember(storage::SqlDatabase& database, const QString& teamId,
                                    const QString& userId, PermissionSet permissions, qint64 nowMs)
{
    return database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto added = sql::run(
            db,
            QStringLiteral("INSERT INTO team_members (team_id, user_id, permissions, added_at) "
                           "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM team_members "
                           "WHERE team_id = ? AND user_id = ?)"),
            {teamId, userId, qint64(permissions), nowMs, teamId, userId});
        if (!added)
            return added.error();
        return {};
    });
}

Result<void> AccessSetup::backfill(storage::SqlDatabase& database)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        const QString organizationsWithoutHome = QStringLiteral(
            "SELECT o.id FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE "
            "t.organization_id = o.id AND t.is_home = 1) ORDER BY o.id");
        auto pending = sql::rows(db, organizationsWithoutHome, {}, 1);
        if (!pending)
            return pending.error();
        auto orphans = sql::firstRow(
            db, QStringLiteral("SELECT COUNT(*) FROM records WHERE team_id IS NULL"), {}, 1);
        if (!orphans)
            return orphans.error();
        const qint64 orphanCount = orphans.value() ? orphans.value()->at(0).toLongLong() : 0;
        if (pending->isEmpty() && orphanCount == 0)
            return {};

        return db.transaction([&]() -> Result<void> {
            // Read again inside the transaction, because another process may have filled them in.
            auto organizations = sql::rows(db, organizationsWithoutHome, {}, 1);
            if (!organizations)
                return organizations.error();
            for (const QVariantList& columns : std::as_const(organizations.value())) {
                const QString organizationId = columns.at(0).toString();
                auto homeTeamId = ensureOrganization(db, organizationId, now);
                if (!homeTeamId)
                    return homeTeamId.error();
                auto users = sql::rows(
                    db, QStringLiteral("SELECT id, is_admin FROM users WHERE organization_id = ?"),
                    {organizationId}, 2);
                if (!users)
                    return users.error();
                for (const QVariantList& user : std::as_const(users.value())) {
                    const bool admin = user.at(1).toLongLong() != 0;
                    if (auto added = addMember(db, homeTeamId.value(), user.at(0).toString(),
                                               initialHomePermissions(admin), now);
                        !added)
                        return added;
                }
                qCInfo(lcAccess).noquote() << "backfill: organization" << organizationId << "has"
                                           << users->size() << "home-team members";
            }
            auto moved = sql::run(
                db,
                QStringLiteral("UPDATE records SET team_id = (SELECT t.id FROM teams t WHERE "
                               "t.organization_id = records.organization_id AND t.is_home = 1) "
                               "WHERE team_id IS NULL"),
                {});
            if (!moved)
                return moved.error();
            if (moved.value() > 0)
                qCInfo(lcAccess).noquote()
                    << "backfill: moved" << moved.value() << "records into home teams";
            return {};
        });
    });
}

} // namespace chartinsight::server
