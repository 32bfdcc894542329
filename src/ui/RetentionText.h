#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QString>
#include <QTimeZone>

namespace chartinsight::ui {

// Texts of the retention features for the records list and dialogs.
class RetentionText
{
    Q_DECLARE_TR_FUNCTIONS(RetentionText)

public:
    // The countdown to a record's erasure in the user's time zone `zone`: "Erased today at
    // 14:30", "Erased tomorrow at 09:00", "Erased in 6 days", or "Erasure due" once `now` has
    // passed `expiresAt`. Days are calendar days in `zone`, so a daylight-saving change does
    // not shift the count. Empty for an invalid `expiresAt` (the record does not expire), and
    // "On legal hold" while a hold suspends the erasure.
    static QString countdown(const QDateTime& expiresAt, bool legalHold, const QDateTime& now,
                             const QTimeZone& zone = QTimeZone::systemTimeZone());

    // Parses an expiration typed by the user, "YYYY-MM-DD" (the end of that day) or
    // "YYYY-MM-DD HH:MM", in `zone`. Returns an invalid date-time and sets `error` to the
    // reason when the text is not such a date or does not lie after `now`.
    static QDateTime parseExpiry(const QString& text, const QDateTime& now, QString& error,
                                 const QTimeZone& zone = QTimeZone::systemTimeZone());
};

} // namespace chartinsight::ui
