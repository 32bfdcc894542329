#include "SessionRepository.h"

#include "storage/SqlDatabase.h"

namespace chartinsight::server {

Result<void> SessionRepository::create(const QString& tokenSha256Hex, const QString& userId,
                                       qint64 createdAt, qint64 expiresAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto insert = db.prepare(QStringLiteral("INSERT INTO sessions (token_sha256, user_id, "
                                                "created_at, expires_at) VALUES (?, ?, ?, ?)"));
        if (!insert)
            return insert.error();
        insert->bind(1, tokenSha256Hex).bind(2, userId).bind(3, createdAt).bind(4, expiresAt);
        return insert->exec();
    });
}

Result<std::optional<SessionUser>> SessionRepository::findValid(const QString& tokenSha256Hex,
                                                                qint64 now)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<SessionUser>> {
        auto select = db.prepare(
            QStringLiteral("SELECT users.id, users.organization_id, users.is_admin "
                           "FROM sessions JOIN users ON users.id = sessions.user_id "
                           "WHERE sessions.token_sha256 = ? AND sessions.expires_at > ?"));
        if (!select)
            return select.error();
        select->bind(1, tokenSha256Hex).bind(2, now);
        auto row = select->step();
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<SessionUser>();
        SessionUser user;
        user.userId = select->columnText(0);
        user.organizationId = select->columnText(1);
        user.isAdmin = select->columnInt64(2) != 0;
        return std::optional<SessionUser>(std::move(user));
    });
}

Result<qint64> SessionRepository::deleteExpired(qint64 now)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<qint64> {
        auto remove = db.prepare(QStringLiteral("DELETE FROM sessions WHERE expires_at <= ?"));
        if (!remove)
            return remove.error();
        remove->bind(1, now);
        if (auto done = remove->exec(); !done)
            return done.error();
        return db.changes();
    });
}

Result<void> SessionRepository::remove(const QString& tokenSha256Hex)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto remove = db.prepare(QStringLiteral("DELETE FROM sessions WHERE token_sha256 = ?"));
        if (!remove)
            return remove.error();
        remove->bind(1, tokenSha256Hex);
        return remove->exec();
    });
}

} // namespace chartinsight::server
