#include "RateLimiter.h"

#include "SqlHelpers.h"
#include "crypto/Hash.h"
#include "storage/SqlDatabase.h"

#include <algorithm>

namespace chartinsight::server {

int takeToken(qint64& milliTokens, qint64& updatedAt, int capacity, qint64 nowMs)
{
    const qint64 full = qint64(capacity) * 1000;
    // `capacity` tokens per 60,000 ms is capacity / 60 thousandths of a token per millisecond.
    const qint64 elapsed = std::max<qint64>(0, nowMs - updatedAt);
    milliTokens = std::min(full, milliTokens + elapsed * capacity / 60);
    updatedAt = nowMs;
    if (milliTokens >= 1000) {
        milliTokens -= 1000;
        return 0;
    }
    const qint64 waitMs = (1000 - milliTokens) * 60 / std::max(1, capacity);
    return int(std::max<qint64>(1, (waitMs + 999) / 1000));
}

int RateLimiter::take(const QString& key, qint64 nowMs)
{
    std::lock_guard lock(m_mutex);
    if (m_buckets.size() >= kMaxBuckets) {
        // Full buckets carry no state worth keeping, so dropping them bounds the memory.
        for (auto it = m_buckets.begin(); it != m_buckets.end();) {
            if (nowMs - it->updatedAt > 60000)
                it = m_buckets.erase(it);
            else
                ++it;
        }
    }
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{qint64(m_perMinute) * 1000, nowMs});
    return takeToken(it->milliTokens, it->updatedAt, m_perMinute, nowMs);
}

Result<int> takeDatabaseToken(storage::SqlDatabase& database, const QString& key, int capacity,
                              qint64 nowMs)
{
    const QString bucketKey = QString::fromLatin1(crypto::Sha256::hash(key.toUtf8()).toHex());
    return database.withLock([&](storage::SqlDatabase& db) -> Result<int> {
        int wait = 0;
        auto done = db.transaction([&]() -> Result<void> {
            auto row = sql::firstRow(
                db,
                QStringLiteral("SELECT milli_tokens, updated_at FROM rate_buckets WHERE "
                               "bucket_key = ?"),
                {bucketKey}, 2);
            if (!row)
                return row.error();
            qint64 milliTokens = qint64(capacity) * 1000;
            qint64 updatedAt = nowMs;
            if (row.value()) {
                milliTokens = row.value()->at(0).toLongLong();
                updatedAt = row.value()->at(1).toLongLong();
            }
            wait = takeToken(milliTokens, updatedAt, capacity, nowMs);
            auto stored =
                sql::run(db,
                         QStringLiteral("INSERT OR REPLACE INTO rate_buckets (bucket_key, "
                                        "milli_tokens, updated_at) VALUES (?, ?, ?)"),
                         {bucketKey, milliTokens, updatedAt});
            if (!stored)
                return stored.error();
            return {};
        });
        if (!done)
            return done.error();
        return wait;
    });
}

} // namespace chartinsight::server
