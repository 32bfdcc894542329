#include "ServerClock.h"

#include <QDateTime>
#include <QFile>

namespace chartinsight::server {
namespace {

constexpr qint64 kMaxOffsetFileBytes = 64;

} // namespace

ServerClock::ServerClock(QString offsetFile) : m_offsetFile(std::move(offsetFile)) {}

qint64 ServerClock::currentMSecsSinceEpoch() const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_offsetFile.isEmpty())
        return now;
    QFile file(m_offsetFile);
    if (!file.open(QIODevice::ReadOnly))
        return now;
    bool ok = false;
    const qint64 seconds = file.read(kMaxOffsetFileBytes).trimmed().toLongLong(&ok);
    return ok ? now + seconds * 1000 : now;
}

} // namespace chartinsight::server
