#include "RateLimiter.h"

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

} // namespace chartinsight::server
