#pragma once

#include "core/Result.h"

#include <QHash>
#include <QString>

#include <mutex>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

// Token buckets in this process's memory, one per key (a client IP address). A bucket holds up
// to `perMinute` requests and refills at `perMinute` per minute. Used for the per-IP limit
// only: a limit kept per server lets a client that spreads its requests over N servers send
// N times as many, which is acceptable for this coarse flood guard. Thread-safe.
class RateLimiter
{
public:
    explicit RateLimiter(int perMinute) : m_perMinute(perMinute) {}

    // Takes one request from the bucket of `key`. Returns 0 when allowed, else the whole
    // seconds until the next request would be allowed.
    int take(const QString& key, qint64 nowMs);

private:
    struct Bucket
    {
        qint64 milliTokens = 0;
        qint64 updatedAt = 0;
    };
    static constexpr qsizetype kMaxBuckets = 100000;

    int m_perMinute;
    std::mutex m_mutex;
    QHash<QString, Bucket> m_buckets;
};

// Refills a bucket of `capacity` tokens per minute (stored in thousandths of a token) and takes
// one token. Returns 0 when allowed, else the seconds to wait. Shared by RateLimiter and the
// per-account buckets in the database.
int takeToken(qint64& milliTokens, qint64& updatedAt, int capacity, qint64 nowMs);

// Takes one request from the bucket of `key` in the rate_buckets table, which every server on
// the database shares. The key is stored as its SHA-256, because keys contain e-mail addresses
// and user ids. Returns 0 when allowed, else the seconds to wait.
Result<int> takeDatabaseToken(storage::SqlDatabase& database, const QString& key, int capacity,
                              qint64 nowMs);

} // namespace chartinsight::server
