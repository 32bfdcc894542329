#pragma once

#include "core/Result.h"

#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// The user behind a valid session token.
struct SessionUser
{
    QString userId;
    QString organizationId;
    bool isAdmin = false;
};

// Sign-in sessions as database rows, so every server sharing the database accepts a token.
// Only the SHA-256 of a token is stored: a copy of the database yields no usable token.
class SessionRepository
{
public:
    explicit SessionRepository(storage::SqlDatabase& database) : m_database(database) {}

    // Stores a session; times are milliseconds since the Unix epoch, UTC.
    Result<void> create(const QString& tokenSha256Hex, const QString& userId, qint64 createdAt,
                        qint64 expiresAt);

    // Returns the session's user when the token hash exists and has not expired at `now`.
    Result<std::optional<SessionUser>> findValid(const QString& tokenSha256Hex, qint64 now);

    // Deletes one session. Deleting a session that does not exist is not an error.
    Result<void> remove(const QString& tokenSha256Hex);

    // Deletes sessions that expired before `now`; returns how many.
    Result<qint64> deleteExpired(qint64 now);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
