#pragma once

#include "core/Result.h"

#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// An e-mail code sign-in that is still open: not finished and not expired.
struct MfaChallengeRow
{
    QString id; // random UUID
    QString userId;
    QString userEmail; // normalised address the codes go to
    QString organizationId; // the user's organization
    QString deviceName;
    int failedAttempts = 0;
    int resendCount = 0;
    qint64 lastSentAt = 0; // milliseconds since the Unix epoch, UTC, as every time below
    qint64 expiresAt = 0;
};

// An e-mailed code that was neither used nor replaced by a newer code.
struct MfaCodeRow
{
    QString id; // random UUID
    qint64 expiresAt = 0;
};

// The challenges of e-mail code sign-ins and their codes in the server database. Codes are
// stored only as an HMAC that the caller computes. Every method takes the database lock, so
// callers may run several of them inside one transaction of their own. The SQL is portable;
// a PostgreSQL backend replaces this class with one of the same interface.
class MfaRepository
{
public:
    explicit MfaRepository(storage::SqlDatabase& database) : m_database(database) {}

    // Inserts a challenge with a new random id and returns the id.
    Result<QString> insertChallenge(const QString& tokenSha256, const QString& userId,
                                    const QString& deviceName, qint64 createdAt, qint64 expiresAt);
    // Returns the open challenge of an mfa_token's SHA-256, or no value when the token is
    // unknown, its challenge finished or expired at `now`.
    Result<std::optional<MfaChallengeRow>> findOpenChallenge(const QString& tokenSha256,
                                                             qint64 now);
    // Counts one wrong code against the challenge.
    Result<void> addFailedAttempt(const QString& challengeId);
    // Records that a new code was sent: one more resend, sent at `sentAt`.
    Result<void> recordResend(const QString& challengeId, qint64 sentAt);
    // Ends the challenge at `finishedAt`. Returns false when it had already finished, so that
    // only one of two concurrent callers ends it.
    Result<bool> finishChallenge(const QString& challengeId, qint64 finishedAt);

    // Inserts a code of the challenge with a new random id.
    Result<void> insertCode(const QString& challengeId, const QString& codeHmac, qint64 createdAt,
                            qint64 expiresAt);
    // Returns the unused, not replaced code of the challenge whose HMAC is `codeHmac`,
    // expired or not, or no value.
    Result<std::optional<MfaCodeRow>> findActiveCode(const QString& challengeId,
                                                     const QString& codeHmac);
    // Marks the code used at `usedAt`. Returns false when it was used or replaced meanwhile,
    // so that exactly one of two concurrent verifications wins.
    Result<bool> markCodeUsed(const QString& codeId, qint64 usedAt);
    // Invalidates every active code of the challenge and returns how many there were.
    Result<qint64> invalidateCodes(const QString& challengeId, qint64 invalidatedAt);

private:
    storage::SqlDatabase& m_database;
};

} // namespace chartinsight::server
