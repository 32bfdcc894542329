#include "RetentionText.h"

#include <QLocale>
#include <QRegularExpression>

namespace chartinsight::ui {

QString RetentionText::countdown(const QDateTime& expiresAt, bool legalHold,
                                 const QDateTime& now, const QTimeZone& zone)
{
    if (legalHold)
        return tr("On legal hold");
    if (!expiresAt.isValid())
        return {};
    if (expiresAt <= now)
        return tr("Erasure due");
    const QDateTime localExpiry = expiresAt.toTimeZone(zone);
    const qint64 days = now.toTimeZone(zone).date().daysTo(localExpiry.date());
    const QString time = QLocale().toString(localExpiry.time(), QLocale::ShortFormat);
    if (days == 0)
        return tr("Erased today at %1").arg(time);
    if (days == 1)
        return tr("Erased tomorrow at %1").arg(time);
    return tr("Erased in %1 days").arg(days);
}

QDateTime RetentionText::parseExpiry(const QString& text, const QDateTime& now, QString& error,
                                     const QTimeZone& zone)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(\\d{4}-\\d{2}-\\d{2})(?:[ T](\\d{1,2}):(\\d{2}))?$"));
    const QString trimmed = text.trimmed();
    const QRegularExpressionMatch match = pattern.match(trimmed);
    const QDate date = QDate::fromString(match.captured(1), Qt::ISODate);
    if (!match.hasMatch() || !date.isValid()) {
        error = tr("\"%1\" is not a date; type it as YYYY-MM-DD, for example %2, or add a time "
                   "as YYYY-MM-DD HH:MM.")
                    .arg(trimmed.left(40), now.toTimeZone(zone).date().addDays(30).toString(
                                               Qt::ISODate));
        return {};
    }
    QTime time(23, 59);
    if (!match.captured(2).isEmpty()) {
        time = QTime(match.captured(2).toInt(), match.captured(3).toInt());
        if (!time.isValid()) {
            error = tr("%1:%2 is not a time of day; use 00:00 to 23:59.")
                        .arg(match.captured(2), match.captured(3));
            return {};
        }
    }
    const QDateTime expiresAt(date, time, zone);
    if (expiresAt <= now) {
        error = tr("%1 has already passed; choose a later date.")
                    .arg(QLocale().toString(expiresAt, QLocale::ShortFormat));
        return {};
    }
    error.clear();
    return expiresAt.toUTC();
}

} // namespace chartinsight::ui
