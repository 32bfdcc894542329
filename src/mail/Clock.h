#pragma once

#include <QtGlobal>

#include <atomic>
#include <chrono>

namespace chartinsight::mail {

// Wall-clock time in milliseconds since the Unix epoch (UTC), the unit of the queue's time
// columns. Code that schedules work reads a Clock instead of the system time, so tests can move
// time forward without sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 currentMSecsSinceEpoch() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock
{
public:
    qint64 currentMSecsSinceEpoch() const override;
};

// A clock whose time changes only through advance() and setCurrentMSecsSinceEpoch(). Safe to
// read and change from several threads.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMSecsSinceEpoch);

    qint64 currentMSecsSinceEpoch() const override;
    void setCurrentMSecsSinceEpoch(qint64 msecs);
    void advance(std::chrono::milliseconds duration);

private:
    std::atomic<qint64> m_msecs;
};

} // namespace chartinsight::mail
