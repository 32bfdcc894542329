#include "AuditText.h"

#include <QHash>
#include <QRegularExpression>
#include <QVariantMap>

namespace chartinsight::ui {
namespace {

// The format of dates in the period filter and in the API: ISO 8601 calendar dates.
const QString kDateFormat = QStringLiteral("yyyy-MM-dd");

QVariantMap choice(const QString& value, const QString& text)
{
    return {{QStringLiteral("value"), value}, {QStringLiteral("text"), text}};
}

} // namespace

QString AuditText::actionText(const QString& action)
{
    // Built on first use, so that tr() uses the translator the app installed.
    static const QHash<QString, QString> texts = {
        {QStringLiteral("login.succeeded"), tr("Signed in")},
        {QStringLiteral("login.wrong_password"), tr("Sign-in: wrong password")},
        {QStringLiteral("login.unknown_account"), tr("Sign-in: unknown account")},
        {QStringLiteral("login.locked"), tr("Sign-in: account locked")},
        {QStringLiteral("login.mfa_sent"), tr("Sign-in code sent")},
        {QStringLiteral("login.mfa_failed"), tr("Sign-in code wrong")},
        {QStringLiteral("login.mfa_passed"), tr("Sign-in code accepted")},
        {QStringLiteral("logout"), tr("Signed out")},
        {QStringLiteral("session.revoked"), tr("Session ended")},
        {QStringLiteral("sessions.revoked_all"), tr("All sessions ended")},
        {QStringLiteral("password_reset.requested"), tr("Password reset requested")},
        {QStringLiteral("password_reset.completed"), tr("Password reset completed")},
        {QStringLiteral("password.changed"), tr("Password changed")},
        {QStringLiteral("mfa.enabled"), tr("E-mail codes turned on")},
        {QStringLiteral("mfa.disabled"), tr("E-mail codes turned off")},
        {QStringLiteral("account.unlocked"), tr("Account unlocked")},
        {QStringLiteral("account.password_set_by_admin"), tr("Password set by admin")},
        {QStringLiteral("account.display_name_changed"), tr("Display name changed")},
        {QStringLiteral("user.created"), tr("User created")},
        {QStringLiteral("record.uploaded"), tr("Uploaded")},
        {QStringLiteral("record.viewed"), tr("Viewed")},
        {QStringLiteral("record.downloaded"), tr("Downloaded")},
        {QStringLiteral("record.synced"), tr("Synced to a device")},
        {QStringLiteral("record.previewed"), tr("Preview shown")},
        {QStringLiteral("record.title_changed"), tr("Title changed")},
        {QStringLiteral("record.sharing_changed"), tr("Sharing changed")},
        {QStringLiteral("record.expiry_changed"), tr("Expiry changed")},
        {QStringLiteral("record.hold_set"), tr("Legal hold set")},
        {QStringLiteral("record.hold_cleared"), tr("Legal hold cleared")},
        {QStringLiteral("record.deleted"), tr("Deleted")},
        {QStringLiteral("record.searched"), tr("Searched records")},
        {QStringLiteral("team.created"), tr("Team created")},
        {QStringLiteral("team.renamed"), tr("Team renamed")},
        {QStringLiteral("team.retention_changed"), tr("Team retention changed")},
        {QStringLiteral("member.added"), tr("Member added")},
        {QStringLiteral("member.removed"), tr("Member removed")},
        {QStringLiteral("member.permissions_changed"), tr("Permissions changed")},
        {QStringLiteral("role.created"), tr("Role created")},
        {QStringLiteral("role.changed"), tr("Role changed")},
        {QStringLiteral("role.deleted"), tr("Role deleted")},
        {QStringLiteral("invitation.sent"), tr("Invitation sent")},
        {QStringLiteral("invitation.resent"), tr("Invitation sent again")},
        {QStringLiteral("invitation.accepted"), tr("Invitation accepted")},
        {QStringLiteral("invitation.revoked"), tr("Invitation revoked")},
        {QStringLiteral("template.created"), tr("Template created")},
        {QStringLiteral("template.changed"), tr("Template changed")},
        {QStringLiteral("template.deleted"), tr("Template deleted")},
        {QStringLiteral("export.organization"), tr("Organization exported")},
        {QStringLiteral("export.personal"), tr("Personal data exported")},
        {QStringLiteral("report.exported"), tr("Report exported as CSV")},
    };
    return texts.value(action, action);
}

QString AuditText::outcomeText(const QString& outcome)
{
    if (outcome == QLatin1String("success"))
        return tr("Succeeded");
    if (outcome == QLatin1String("denied"))
        return tr("Denied");
    if (outcome == QLatin1String("failed"))
        return tr("Failed");
    return outcome;
}

QString AuditText::actorText(const QJsonObject& entry)
{
    const QString name = entry.value(QStringLiteral("actor_name")).toString();
    if (!name.isEmpty())
        return name;
    const QString kind = entry.value(QStringLiteral("actor_kind")).toString();
    const QString id = entry.value(QStringLiteral("actor_id")).toString();
    if (kind == QLatin1String("policy"))
        return tr("Retention policy");
    if (kind == QLatin1String("system"))
        return tr("System");
    if (kind == QLatin1String("anonymous"))
        return tr("Not signed in");
    if (kind == QLatin1String("api_key"))
        return id.isEmpty() ? tr("API key") : tr("API key %1").arg(id);
    // A deleted user, or one the viewer may not see, keeps only the id.
    return id.isEmpty() ? tr("Unknown") : tr("User %1").arg(id);
}

QString AuditText::targetText(const QJsonObject& entry)
{
    const QString name = entry.value(QStringLiteral("target_name")).toString();
    if (!name.isEmpty())
        return name;
    const QString kind = entry.value(QStringLiteral("target_kind")).toString();
    const QString id = entry.value(QStringLiteral("target_id")).toString();
    if (id.isEmpty())
        return {};
    if (kind == QLatin1String("record"))
        return tr("Record %1").arg(id);
    if (kind == QLatin1String("user"))
        return tr("User %1").arg(id);
    if (kind == QLatin1String("team"))
        return tr("Team %1").arg(id);
    if (kind == QLatin1String("role"))
        return tr("Role %1").arg(id);
    if (kind == QLatin1String("invitation"))
        return tr("Invitation %1").arg(id);
    if (kind == QLatin1String("template"))
        return tr("Template %1").arg(id);
    if (kind == QLatin1String("session"))
        return tr("Session %1").arg(id);
    return kind.isEmpty() ? id : QStringLiteral("%1 %2").arg(kind, id);
}

QString AuditText::localTime(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QVariantList AuditText::actionChoices()
{
    return {
        choice({}, tr("All actions")),
        choice(QStringLiteral("record."), tr("Any record action")),
        choice(QStringLiteral("record.viewed"), tr("Viewed")),
        choice(QStringLiteral("record.downloaded"), tr("Downloaded")),
        choice(QStringLiteral("record.synced"), tr("Synced to a device")),
        choice(QStringLiteral("record.previewed"), tr("Preview shown")),
        choice(QStringLiteral("record.uploaded"), tr("Uploaded")),
        choice(QStringLiteral("record.title_changed"), tr("Title changed")),
        choice(QStringLiteral("record.sharing_changed"), tr("Sharing changed")),
        choice(QStringLiteral("record.expiry_changed"), tr("Expiry changed")),
        choice(QStringLiteral("record.deleted"), tr("Deleted")),
        choice(QStringLiteral("login."), tr("Sign-ins")),
        choice(QStringLiteral("invitation."), tr("Invitations")),
        choice(QStringLiteral("member."), tr("Team membership")),
        choice(QStringLiteral("team."), tr("Teams")),
        choice(QStringLiteral("role."), tr("Roles")),
        choice(QStringLiteral("export."), tr("Exports")),
    };
}

QVariantList AuditText::outcomeChoices()
{
    return {
        choice({}, tr("All outcomes")),
        choice(QStringLiteral("success"), tr("Succeeded")),
        choice(QStringLiteral("denied"), tr("Denied")),
        choice(QStringLiteral("failed"), tr("Failed")),
    };
}

Result<QDate> AuditText::parseFilterDate(const QString& text, const QString& field)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return QDate();
    static const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    const QDate date = shape.match(trimmed).hasMatch()
                           ? QDate::fromString(trimmed, kDateFormat)
                           : QDate();
    if (!date.isValid()) {
        return makeError(QStringLiteral("invalid_request"),
                         tr("'%1' in %2 is not a date: enter it as YYYY-MM-DD, for example %3.")
                             .arg(trimmed.left(32), field,
                                  QDate::currentDate().toString(kDateFormat)));
    }
    return date;
}

QString AuditText::startOfLocalDay(const QDate& date)
{
    return date.startOfDay().toUTC().toString(Qt::ISODate);
}

} // namespace chartinsight::ui
