#pragma once

#include "core/Result.h"

#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// A password reset link as stored: only the SHA-256 of its token is kept.
struct ResetLinkRow
{
    QString id; // random UUID
    QString userId;
    QString userEmail;    // normalised address of the account
    QString organizationId; // the account's organization
    qint64 expiresAt = 0; // milliseconds since the Unix epoch, UTC, as every time below
    std::optional<qint64> usedAt;
    std::optional<qint64> invalidatedAt; // replaced by a newer link or a password change
};

// Password reset links in the server database. Every method takes the database lock, so
// callers may run several of them inside one transaction of their own. The SQL is portable;
// a PostgreSQL backend replaces this class with one of the same interface.
class ResetLinkRepository
{
public:
    explicit ResetLinkRepository(storage::SqlDatabase& database) : m_database(database) {}

    // Inserts a link with a new random id.
    Result<void> insert(const QString& tokenSha256, const QString& userId, qint64 createdAt,
                        qint64 expiresAt);
    // Returns the link of a token's SHA-256 in whatever state, or no value when none has it.
    Result<std::optional<ResetLinkRow>> findByTokenHash(const QString& tokenSha256);
    // Whether a link with this token hash is unused, not replaced and not expired at `now`.
    Result<bool> isUsable(const QString& tokenSha256, qint64 now);
    // Marks the link used at `usedAt` when it is still usable then. Returns false when it was
    // not, so that only one of two concurrent uses sets a password.
    Result<bool> markUsed(const QString& linkId, qint64 usedAt);
    // Invalidates every outstanding link of the user and returns how many there were.
    Result<qint64> invalidateForUser(const QString& userId, qint64 invalidatedAt);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
