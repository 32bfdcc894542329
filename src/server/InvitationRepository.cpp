#include "InvitationRepository.h"

#include "SqlHelpers.h"
#include "storage/SqlDatabase.h"

namespace chartinsight::server {
namespace {

constexpr int kColumnCount = 15;

const QString& selectColumns()
{
    static const QString columns = QStringLiteral(
        "SELECT id, token_sha256, organization_id, team_id, email, permissions, invited_by, "
        "created_at, expires_at, last_sent_at, send_count, accepted_at, accepted_user_id, "
        "revoked_at, revoked_by FROM invitations ");
    return columns;
}

std::optional<qint64> optionalTime(const QVariant& value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

InvitationRow rowFrom(const QVariantList& columns)
{
    InvitationRow row;
    row.id = columns.at(0).toString();
    row.tokenSha256 = columns.at(1).toString();
    row.organizationId = columns.at(2).toString();
    row.teamId = columns.at(3).toString();
    row.email = columns.at(4).toString();
    row.permissions = PermissionSet(columns.at(5).toLongLong());
    row.invitedBy = columns.at(6).toString();
    row.createdAt = columns.at(7).toLongLong();
    row.expiresAt = columns.at(8).toLongLong();
    row.lastSentAt = columns.at(9).toLongLong();
    row.sendCount = int(columns.at(10).toLongLong());
    row.acceptedAt = optionalTime(columns.at(11));
    row.acceptedUserId = columns.at(12).toString();
    row.revokedAt = optionalTime(columns.at(13));
    row.revokedBy = columns.at(14).toString();
    return row;
}

Result<std::optional<InvitationRow>> findOne(storage::SqlDatabase& database, const QString& where,
                                             const QVariantList& values)
{
    return database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<InvitationRow>> {
        auto row = sql::firstRow(db, selectColumns() + where, values, kColumnCount);
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<InvitationRow>();
        return std::optional<InvitationRow>(rowFrom(*row.value()));
    });
}

Result<bool> changedOneRow(storage::SqlDatabase& database, const QString& statement,
                           const QVariantList& values)
{
    return database.withLock([&](storage::SqlDatabase& db) -> Result<bool> {
        auto changed = sql::run(db, statement, values);
        if (!changed)
            return changed.error();
        return changed.value() == 1;
    });
}

} // namespace

QString invitationStateName(InvitationState state)
{
    switch (state) {
    case InvitationState::Pending:
        return QStringLiteral("pending");
    case InvitationState::Accepted:
        return QStringLiteral("accepted");
    case InvitationState::Expired:
        return QStringLiteral("expired");
    case InvitationState::Revoked:
        return QStringLiteral("revoked");
    }
    return QStringLiteral("pending");
}

InvitationState InvitationRow::stateAt(qint64 now) const
{
    if (acceptedAt)
        return InvitationState::Accepted;
    if (revokedAt)
        return InvitationState::Revoked;
    if (expiresAt <= now)
        return InvitationState::Expired;
    return InvitationState::Pending;
}

Result<void> InvitationRepository::insert(const InvitationRow& row)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto inserted = sql::run(
            db,
            QStringLiteral("INSERT INTO invitations (id, token_sha256, organization_id, team_id, "
                           "email, permissions, invited_by, created_at, expires_at, last_sent_at, "
                           "send_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {row.id, row.tokenSha256, row.organizationId, row.teamId, row.email,
             qint64(row.permissions), row.invitedBy, row.createdAt, row.expiresAt, row.lastSentAt,
             qint64(row.sendCount)});
        if (!inserted)
            return inserted.error();
        return {};
    });
}

Result<std::optional<InvitationRow>> InvitationRepository::findById(const QString& id)
{
    return findOne(m_database, QStringLiteral("WHERE id = ?"), {id});
}

Result<std::optional<InvitationRow>>
InvitationRepository::findByTokenHash(const QString& tokenSha256)
{
    return findOne(m_database, QStringLiteral("WHERE token_sha256 = ?"), {tokenSha256});
}

Result<QList<InvitationRow>> InvitationRepository::listForTeam(const QString& teamId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QList<InvitationRow>> {
        auto found = sql::rows(
            db, selectColumns() + QStringLiteral("WHERE team_id = ? ORDER BY created_at DESC, id"),
            {teamId}, kColumnCount);
        if (!found)
            return found.error();
        QList<InvitationRow> result;
        for (const QVariantList& columns : std::as_const(found.value()))
            result.append(rowFrom(columns));
        return result;
    });
}

Result<std::optional<InvitationRow>>
InvitationRepository::findPending(const QString& teamId, const QString& email, qint64 now)
{
    return findOne(m_database,
                   QStringLiteral("WHERE team_id = ? AND email = ? AND accepted_at IS NULL AND "
                                  "revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC"),
                   {teamId, email, now});
}

Result<bool> InvitationRepository::renewToken(const QString& id, qint64 expectedLastSentAt,
                                              const QString& tokenSha256, qint64 now,
                                              qint64 expiresAt)
{
    return changedOneRow(
        m_database,
        QStringLiteral("UPDATE invitations SET token_sha256 = ?, expires_at = ?, last_sent_at = ?, "
                       "send_count = send_count + 1 WHERE id = ? AND last_sent_at = ? AND "
                       "accepted_at IS NULL AND revoked_at IS NULL"),
        {tokenSha256, expiresAt, now, id, expectedLastSentAt});
}

Result<bool> InvitationRepository::revoke(const QString& id, const QString& revokedBy, qint64 now)
{
    return changedOneRow(m_database,
                         QStringLiteral("UPDATE invitations SET revoked_at = ?, revoked_by = ? "
                                        "WHERE id = ? AND accepted_at IS NULL AND revoked_at IS "
                                        "NULL"),
                         {now, revokedBy, id});
}

Result<bool> InvitationRepository::markAccepted(const QString& tokenSha256, const QString& userId,
                                                qint64 now)
{
    return changedOneRow(m_database,
                         QStringLiteral("UPDATE invitations SET accepted_at = ?, accepted_user_id "
                                        "= ? WHERE token_sha256 = ? AND accepted_at IS NULL AND "
                                        "revoked_at IS NULL AND expires_at > ?"),
                         {now, userId, tokenSha256, now});
}

} // namespace chartinsight::server
