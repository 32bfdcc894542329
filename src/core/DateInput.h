#pragma once

#include "Result.h"

#include <QDateTime>
#include <QString>
#include <QTimeZone>

namespace chartinsight {

// How parseDateInput() reads a date or date-time without a UTC offset.
enum class LocalTimeRule
{
    // A date means the start of that day in the given zone, and a date-time without an offset
    // is a wall-clock time in that zone. People type dates like this.
    InZone,
    // A date means the start of that day in UTC, and a date-time must carry "Z" or an offset.
    // The API reads dates like this, because a server cannot know the sender's time zone.
    UtcDatesOnly,
};

// Parses an ISO 8601 date ("2027-03-28") or date-time ("2027-03-28T02:30:00+01:00",
// "2027-03-28T01:30Z", seconds and milliseconds optional) and returns it in UTC.
//
// With LocalTimeRule::InZone, a wall-clock time that does not exist in `zone` (skipped by a
// daylight-saving change) is rejected, because it names no instant. A time that exists twice
// (the hour repeated when clocks go back) is accepted and resolved as Qt's QDateTime resolves
// it. Fails with "invalid_request" and a message that quotes the value and shows the accepted
// forms.
Result<QDateTime> parseDateInput(const QString& text, LocalTimeRule rule,
                                 const QTimeZone& zone = QTimeZone::utc());

} // namespace chartinsight
