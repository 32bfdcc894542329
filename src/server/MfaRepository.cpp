#include "MfaRepository.h"

#include "SqlHelpers.h"
#include "crypto/Random.h"
#include "storage/SqlDatabase.h"

namespace chartinsight::server {

Result<QString> MfaRepository::insertChallenge(const QString& tokenSha256, const QString& userId,
                                               const QString& deviceName, qint64 createdAt,
                                               qint64 expiresAt)
{
    const QString id = crypto::randomUuid();
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<QString> {
        auto inserted =
            sql::run(db,
                     QStringLiteral("INSERT INTO mfa_challenges (id, token_sha256, "
                                    "user_id, device_name, created_at, expires_at, "
                                    "last_sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                     {id, tokenSha256, userId, deviceName, createdAt, expiresAt, createdAt});
        if (!inserted)
            return inserted.error();
        return id;
    });
}

Result<std::optional<MfaChallengeRow>> MfaRepository::findOpenChallenge(const QString& tokenSha256,
                                                                        qint64 now)
{
    return m_database.withLock(
        [&](storage::SqlDatabase& db) -> Result<std::optional<MfaChallengeRow>> {
            auto row = sql::firstRow(
                db,
                QStringLiteral("SELECT c.id, c.user_id, u.email, c.device_name, "
                               "c.failed_attempts, c.resend_count, c.last_sent_at, c.expires_at, "
                               "u.organization_id FROM mfa_challenges c JOIN users u ON "
                               "u.id = c.user_id WHERE c.token_sha256 = ? AND "
                               "c.finished_at IS NULL AND c.expires_at > ?"),
                {tokenSha256, now}, 9);
            if (!row)
                return row.error();
            if (!row.value())
                return std::optional<MfaChallengeRow>();
            const QVariantList& columns = *row.value();
            MfaChallengeRow challenge;
            challenge.id = columns.at(0).toString();
            challenge.userId = columns.at(1).toString();
            challenge.userEmail = columns.at(2).toString();
            challenge.deviceName = columns.at(3).toString();
            challenge.failedAttempts = int(columns.at(4).toLongLong());
            challenge.resendCount = int(columns.at(5).toLongLong());
            challenge.lastSentAt = columns.at(6).toLongLong();
            challenge.expiresAt = columns.at(7).toLongLong();
            challenge.organizationId = columns.at(8).toString();
            return std::optional<MfaChallengeRow>(std::move(challenge));
        });
}

Result<void> MfaRepository::addFailedAttempt(const QString& challengeId)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto counted = sql::run(db,
                                QStringLiteral("UPDATE mfa_challenges SET failed_attempts = "
                                               "failed_attempts + 1 WHERE id = ?"),
                                {challengeId});
        if (!counted)
            return counted.error();
        return {};
    });
}

Result<void> MfaRepository::recordResend(const QString& challengeId, qint64 sentAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto counted = sql::run(db,
                                QStringLiteral("UPDATE mfa_challenges SET resend_count = "
                                               "resend_count + 1, last_sent_at = ? WHERE id = ?"),
                                {sentAt, challengeId});
        if (!counted)
            return counted.error();
        return {};
    });
}

Result<bool> MfaRepository::finishChallenge(const QString& challengeId, qint64 finishedAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<bool> {
        auto finished = sql::run(db,
                                 QStringLiteral("UPDATE mfa_challenges SET finished_at = ? WHERE "
                                                "id = ? AND finished_at IS NULL"),
                                 {finishedAt, challengeId});
        if (!finished)
            return finished.error();
        return finished.value() == 1;
    });
}

Result<void> MfaRepository::insertCode(const QString& challengeId, const QString& codeHmac,
                                       qint64 createdAt, qint64 expiresAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        auto stored = sql::run(db,
                               QStringLiteral("INSERT INTO mfa_codes (id, challenge_id, code_hmac, "
                                              "created_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
                               {crypto::randomUuid(), challengeId, codeHmac, createdAt, expiresAt});
        if (!stored)
            return stored.error();
        return {};
    });
}

Result<std::optional<MfaCodeRow>> MfaRepository::findActiveCode(const QString& challengeId,
                                                                const QString& codeHmac)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<MfaCodeRow>> {
        auto row = sql::firstRow(
            db,
            QStringLiteral("SELECT id, expires_at FROM mfa_codes WHERE challenge_id = ? AND "
                           "code_hmac = ? AND used_at IS NULL AND invalidated_at IS NULL"),
            {challengeId, codeHmac}, 2);
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<MfaCodeRow>();
        return std::optional<MfaCodeRow>(
            MfaCodeRow{row.value()->at(0).toString(), row.value()->at(1).toLongLong()});
    });
}

Result<bool> MfaRepository::markCodeUsed(const QString& codeId, qint64 usedAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) -> Result<bool> {
        auto used = sql::run(db,
                             QStringLiteral("UPDATE mfa_codes SET used_at = ? WHERE id = ? AND "
                                            "used_at IS NULL AND invalidated_at IS NULL"),
                             {usedAt, codeId});
        if (!used)
            return used.error();
        return used.value() == 1;
    });
}

Result<qint64> MfaRepository::invalidateCodes(const QString& challengeId, qint64 invalidatedAt)
{
    return m_database.withLock([&](storage::SqlDatabase& db) {
        return sql::run(db,
                        QStringLiteral("UPDATE mfa_codes SET invalidated_at = ? WHERE "
                                       "challenge_id = ? AND invalidated_at IS NULL"),
                        {invalidatedAt, challengeId});
    });
}

} // namespace chartinsight::server
