#include "DateInput.h"

#include "ErrorCodes.h"

#include <QRegularExpression>

namespace chartinsight {
namespace {

// Maximum characters of the input quoted back in an error message.
constexpr qsizetype kMaxQuotedChars = 64;

// Largest UTC offset ISO 8601 allows in practice; real zones use -12:00 to +14:00.
constexpr int kMaxOffsetSeconds = 18 * 60 * 60;

Error invalidDate(const QString& text, const QString& reason)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest),
                     QStringLiteral("The date \"%1\" is invalid: %2. Use a date such as "
                                    "2027-03-28 or a date and time with its UTC offset such as "
                                    "2027-03-28T14:30:00+02:00.")
                         .arg(text.left(kMaxQuotedChars), reason));
}

// Parses "Z", "+hh:mm", "+hhmm" or "-hh:mm" into seconds east of UTC.
std::optional<int> offsetSeconds(const QString& designator)
{
    if (designator.compare(QLatin1String("Z"), Qt::CaseInsensitive) == 0)
        return 0;
    const int sign = designator.startsWith(QLatin1Char('-')) ? -1 : 1;
    QString digits = designator.mid(1);
    digits.remove(QLatin1Char(':'));
    const int hours = digits.left(2).toInt();
    const int minutes = digits.mid(2, 2).toInt();
    if (minutes > 59)
        return std::nullopt;
    const int seconds = hours * 3600 + minutes * 60;
    if (seconds > kMaxOffsetSeconds)
        return std::nullopt;
    return sign * seconds;
}

} // namespace

Result<QDateTime> parseDateInput(const QString& text, LocalTimeRule rule, const QTimeZone& zone)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^(\\d{4})-(\\d{2})-(\\d{2})"
        "(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,3}))?)?(Z|z|[+-]\\d{2}:?\\d{2})?)?\\z"));
    const QString trimmed = text.trimmed();
    const QRegularExpressionMatch match = pattern.match(trimmed);
    if (!match.hasMatch())
        return invalidDate(trimmed, QStringLiteral("it is not an ISO 8601 date or date-time"));

    const QDate date(match.captured(1).toInt(), match.captured(2).toInt(),
                     match.captured(3).toInt());
    if (!date.isValid())
        return invalidDate(trimmed, QStringLiteral("no such day exists"));

    const bool hasTime = match.hasCaptured(4);
    if (!hasTime) {
        // A date alone is the start of that day.
        if (rule == LocalTimeRule::UtcDatesOnly)
            return QDateTime(date, QTime(0, 0), Qt::UTC);
        const QDateTime start = QDateTime(date, QTime(0, 0), zone);
        if (!start.isValid())
            return invalidDate(trimmed, QStringLiteral("the start of that day cannot be "
                                                       "computed in the time zone %1")
                                            .arg(QString::fromUtf8(zone.id())));
        // NOTE: where a daylight-saving change skips midnight itself, Qt moves the start to
        // the first minute after the gap; no zone in the IANA database does this today.
        return start.toUTC();
    }

    const QString fraction = match.captured(7);
    const int milliseconds = fraction.isEmpty() ? 0 : fraction.leftJustified(3, u'0').toInt();
    const QTime time(match.captured(4).toInt(), match.captured(5).toInt(),
                     match.hasCaptured(6) ? match.captured(6).toInt() : 0, milliseconds);
    if (!time.isValid())
        return invalidDate(trimmed, QStringLiteral("no such time of day exists"));

    if (match.hasCaptured(8)) {
        const auto offset = offsetSeconds(match.captured(8));
        if (!offset)
            return invalidDate(trimmed, QStringLiteral("the UTC offset is out of range"));
        return QDateTime(date, time, QTimeZone(*offset)).toUTC();
    }
    if (rule == LocalTimeRule::UtcDatesOnly) {
        return invalidDate(trimmed, QStringLiteral("a date and time needs its UTC offset, for "
                                                   "example Z for UTC or +01:00"));
    }
    const QDateTime local(date, time, zone);
    // A wall-clock time skipped by a daylight-saving change names no instant: Qt returns an
    // invalid value or moves it past the gap, and either way the fields differ.
    if (!local.isValid() || local.date() != date || local.time() != time) {
        return invalidDate(trimmed, QStringLiteral("this time does not exist in the time zone "
                                                   "%1 because the clocks skip it for "
                                                   "daylight saving")
                                        .arg(QString::fromUtf8(zone.id())));
    }
    return local.toUTC();
}

} // namespace chartinsight
