#include "AccessText.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace chartinsight::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("AccessText", text);
}

} // namespace

QStringList AccessText::permissionNames()
{
    return {QStringLiteral("manage_files"), QStringLiteral("manage_organization"),
            QStringLiteral("manage_billing"), QStringLiteral("manage_api")};
}

QString AccessText::permissionLabel(const QString& name)
{
    if (name == QLatin1String("manage_files"))
        return tr("Manage files");
    if (name == QLatin1String("manage_organization"))
        return tr("Manage organization");
    if (name == QLatin1String("manage_billing"))
        return tr("Manage billing");
    if (name == QLatin1String("manage_api"))
        return tr("Manage API");
    return name;
}

QString AccessText::permissionsText(const QStringList& names)
{
    if (names.isEmpty())
        return tr("View only");
    QStringList labels;
    for (const QString& name : names)
        labels.append(permissionLabel(name));
    return labels.join(QStringLiteral(", "));
}

QString AccessText::sharingText(const QString& mode, const QString& teamName)
{
    if (mode == QLatin1String("team"))
        return teamName.isEmpty() ? tr("Everyone in the team") : tr("Everyone in %1").arg(teamName);
    if (mode == QLatin1String("users"))
        return tr("Selected people");
    if (mode == QLatin1String("private"))
        return tr("Private");
    return mode;
}

QString AccessText::reasonText(const QString& reason)
{
    if (reason == QLatin1String("uploader"))
        return tr("Uploaded it");
    if (reason == QLatin1String("team"))
        return tr("Member of the team");
    if (reason == QLatin1String("shared"))
        return tr("Shared with them");
    return reason;
}

QString AccessText::errorText(const Error& error, const QString& action)
{
    if (error.code == QLatin1String("forbidden")) {
        // The server's message names the missing permission and the team.
        return tr("You are not allowed to %1. %2 Ask an administrator of the team if you need "
                  "this permission.")
            .arg(action, error.message);
    }
    if (error.code == QLatin1String("not_found")) {
        return tr("Could not %1: it was not found, or you no longer have access to it. Refresh "
                  "to see the current list.")
            .arg(action);
    }
    if (error.code == QLatin1String("last_organization_admin")) {
        return tr("Could not %1: the organization needs at least one person who can manage it. "
                  "Give that permission to someone else first.")
            .arg(action);
    }
    return tr("Could not %1: %2").arg(action, error.message);
}

QJsonArray AccessText::arrayOf(const QJsonValue& value, const QString& key)
{
    return value.isArray() ? value.toArray() : value.toObject().value(key).toArray();
}

QStringList AccessText::stringsOf(const QJsonValue& value)
{
    QStringList strings;
    const QJsonArray array = value.toArray();
    for (const QJsonValue& entry : array)
        strings.append(entry.toString());
    return strings;
}

} // namespace chartinsight::ui
