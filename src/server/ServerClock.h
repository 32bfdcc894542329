#pragma once

#include "mail/Clock.h"

#include <QString>

namespace chartinsight::server {

// Name of the environment variable that shifts the server's clock, for tests only.
inline constexpr char kTestClockOffsetVariable[] = "CHARTINSIGHT_TEST_CLOCK_OFFSET_FILE";

// The server's one clock: the system time plus a whole number of seconds read from a file on
// every call, so a test moves time forward by rewriting the file while the server runs. Without
// a file (the production case) it is the system clock. A missing, empty or unreadable file
// counts as an offset of 0.
class ServerClock final : public mail::Clock
{
public:
    explicit ServerClock(QString offsetFile = {});

    qint64 currentMSecsSinceEpoch() const override;

    bool isShifted() const { return !m_offsetFile.isEmpty(); }

private:
    QString m_offsetFile;
};

} // namespace chartinsight::server
