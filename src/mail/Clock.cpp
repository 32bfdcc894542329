#include "Clock.h"

#include <QDateTime>

namespace chartinsight::mail {

qint64 SystemClock::currentMSecsSinceEpoch() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

ManualClock::ManualClock(qint64 startMSecsSinceEpoch) : m_msecs(startMSecsSinceEpoch) {}

qint64 ManualClock::currentMSecsSinceEpoch() const
{
    return m_msecs.load();
}

void ManualClock::setCurrentMSecsSinceEpoch(qint64 msecs)
{
    m_msecs.store(msecs);
}

void ManualClock::advance(std::chrono::milliseconds duration)
{
    m_msecs.fetch_add(qint64(duration.count()));
}

} // namespace chartinsight::mail
