#pragma once

#include "core/Result.h"

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QLocale>
#include <QString>
#include <QVariantList>

namespace chartinsight::ui {

// Wording of the audit views: actions and outcomes in words, who acted, what was acted on, the
// time of an entry, and the dates typed into the period filter. Kept apart from the view models
// so that tests can check it without a server.
class AuditText
{
    Q_DECLARE_TR_FUNCTIONS(AuditText)

public:
    // An audit action in words, for example "Viewed" for "record.viewed". An action this
    // version does not know is shown as the API spells it.
    static QString actionText(const QString& action);
    // "Succeeded", "Denied" or "Failed"; another outcome as the API spells it.
    static QString outcomeText(const QString& outcome);
    // Who acted: the resolved name, else words for a non-user actor (the retention policy, the
    // system, someone not signed in), else the id.
    static QString actorText(const QJsonObject& entry);
    // What was acted on: the resolved name, else the target kind and id, else an empty string
    // for actions without a target (a search, a sign-in with an unknown account).
    static QString targetText(const QJsonObject& entry);
    // A point in time of an entry in the computer's time zone, with seconds, because entries
    // of one minute must stay apart: "2026-12-04 15:27:03".
    static QString localTime(const QDateTime& time);

    // Choices of the action filter: maps {"value", "text"}, "value" being an exact action, a
    // prefix ending in "." or empty for every action.
    static QVariantList actionChoices();
    // Choices of the outcome filter, the first one (empty value) meaning every outcome.
    static QVariantList outcomeChoices();

    // Parses a date typed into the period filter, "YYYY-MM-DD". Empty text is a null date.
    // `field` names the field in the error ("From", "To").
    static Result<QDate> parseFilterDate(const QString& text, const QString& field);
    // The start of local day `date` in UTC, as the reports API takes it: "2026-11-30T23:00:00Z".
    static QString startOfLocalDay(const QDate& date);
};

} // namespace chartinsight::ui
