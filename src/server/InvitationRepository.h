#pragma once

#include "Permissions.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// The state of an invitation. A used or revoked invitation keeps that state forever; a pending
// one becomes expired when its expiry passes.
enum class InvitationState
{
    Pending,
    Accepted,
    Expired,
    Revoked,
};

// The JSON name of a state: "pending", "accepted", "expired" or "revoked".
QString invitationStateName(InvitationState state);

// One row of the invitations table. Times are milliseconds since the Unix epoch, UTC.
struct InvitationRow
{
    QString id; // random UUID
    QString tokenSha256;
    QString organizationId;
    QString teamId;
    QString email; // normalised like users.email
    PermissionSet permissions = kNoPermissions;
    QString invitedBy;
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
    qint64 lastSentAt = 0;
    int sendCount = 1;
    std::optional<qint64> acceptedAt;
    QString acceptedUserId;
    std::optional<qint64> revokedAt;
    QString revokedBy;

    // Accepted and revoked come first, because a used or revoked link stays so after its
    // expiry passes.
    InvitationState stateAt(qint64 now) const;
};

// The invitations table. Rows are never deleted, so a team's list keeps its history. Every
// change that ends or renews an invitation is one conditional UPDATE whose WHERE clause repeats
// the state it expects, and callers check the returned flag: two servers racing on one row
// cannot both succeed. Callable inside SqlDatabase::transaction().
class InvitationRepository
{
public:
    explicit InvitationRepository(storage::SqlDatabase& database) : m_database(database) {}

    Result<void> insert(const InvitationRow& row);

    Result<std::optional<InvitationRow>> findById(const QString& id);
    Result<std::optional<InvitationRow>> findByTokenHash(const QString& tokenSha256);

    // Every invitation into the team, newest first.
    Result<QList<InvitationRow>> listForTeam(const QString& teamId);

    // The pending invitation of `email` into the team, if one exists at `now`.
    Result<std::optional<InvitationRow>> findPending(const QString& teamId, const QString& email,
                                                     qint64 now);

    // Replaces the token of a pending or expired invitation, so the old link stops working,
    // and renews its expiry. `expectedLastSentAt` is the value the caller read, so two resends
    // racing on one row cannot both pass the resend interval check. Returns false when the
    // row was accepted, revoked or resent in the meantime.
    Result<bool> renewToken(const QString& id, qint64 expectedLastSentAt,
                            const QString& tokenSha256, qint64 now, qint64 expiresAt);

    // Marks an invitation revoked unless it was accepted or revoked before. Returns false then.
    Result<bool> revoke(const QString& id, const QString& revokedBy, qint64 now);

    // Marks the invitation with this token accepted by `userId`, only while it is pending at
    // `now`. Returns false when another request used it first, or it expired or was revoked.
    Result<bool> markAccepted(const QString& tokenSha256, const QString& userId, qint64 now);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
