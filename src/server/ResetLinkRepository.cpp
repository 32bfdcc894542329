#include "ResetLinkRepository.h"

#include "SqlHelpers.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

namespace chartinsight::server {

Result<void> ResetLinkRepository::insert(const QString& tokenSha256, const QString& userId,
                                         qint64 createdAt, qint64 expiresAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto stored = sql::run(db,
                               QStringLiteral("INSERT INTO password_resets (id, token_sha256, "
                                              "user_id, created_at, expires_at) VALUES (?, ?, ?, "
                                              "?, ?)"),
                               {crypto::randomUuid(), tokenSha256, userId, createdAt, expiresAt});
        if (!stored)
            return stored.error();
        return {};
    });
}

Result<std::optional<ResetLinkRow>> ResetLinkRepository::findByTokenHash(const QString& tokenSha256)
{
    return m_database.withLock(
        [&](storage::SqlDatabase& db) -> Result<std::optional<ResetLinkRow>> {
            auto row =
                sql::firstRow(db,
                              QStringLiteral("SELECT r.id, r.user_id, r.expires_at, r.used_at, "
                                             "r.invalidated_at, u.email, u.organization_id "
                                             "FROM password_resets r JOIN users u ON "
                                             "u.id = r.user_id WHERE r.token_sha256 = ?"),
                              {tokenSha256}, 7);
            if (!row)
                return row.error();
            if (!row.value())
                return std::optional<ResetLinkRow>();
            const QVariantList& columns = *row.value();
            const auto optionalTime = [](const QVariant& value) {
                return value.isNull() ? std::optional<qint64>() : value.toLongLong();
            };
            ResetLinkRow link;
            link.id = columns.at(0).toString();
            link.userId = columns.at(1).toString();
            link.expiresAt = columns.at(2).toLongLong();
            link.usedAt = optionalTime(columns.at(3));
            link.invalidatedAt = optionalTime(columns.at(4));
            link.userEmail = columns.at(5).toString();
            link.organizationId = columns.at(6).toString();
            return std::optional<ResetLinkRow>(std::move(link));
        });
}

Result<bool> ResetLinkRepository::isUsable(const QString& tokenSha256, qint64 now)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<bool> {
        auto row = sql::firstRow(db,
                                 QStringLiteral("SELECT user_id FROM password_resets WHERE "
                                                "token_sha256 = ? AND used_at IS NULL AND "
                                                "invalidated_at IS NULL AND expires_at > ?"),
                                 {tokenSha256, now}, 1);
        if (!row)
            return row.error();
        return row.value().has_value();
    });
}

Result<bool> ResetLinkRepository::markUsed(const QString& linkId, qint64 usedAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<bool> {
        auto used = sql::run(db,
                             QStringLiteral("UPDATE password_resets SET used_at = ? WHERE id = ? "
                                            "AND used_at IS NULL AND invalidated_at IS NULL AND "
                                            "expires_at > ?"),
                             {usedAt, linkId, usedAt});
        if (!used)
            return used.error();
        return used.value() == 1;
    });
}

Result<qint64> ResetLinkRepository::invalidateForUser(const QString& userId, qint64 invalidatedAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::run(db,
                        QStringLiteral("UPDATE password_resets SET invalidated_at = ? WHERE "
                                       "user_id = ? AND used_at IS NULL AND invalidated_at IS "
                                       "NULL"),
                        {invalidatedAt, userId});
    });
}

} // namespace chartinsight::server
