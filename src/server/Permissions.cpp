#include "Permissions.h"

#include <QJsonArray>

namespace chartinsight::server {
namespace {

constexpr Permission kPermissionOrder[] = {Permission::ManageFiles, Permission::ManageOrganization,
                                           Permission::ManageBilling, Permission::ManageApi};

Error invalidPermission(const QString& message)
{
    return makeError(QString::fromLatin1(accessc::kInvalidPermission), message);
}

} // namespace

QString permissionName(Permission permission)
{
    switch (permission) {
    case Permission::ManageFiles:
        return QStringLiteral("manage_files");
    case Permission::ManageOrganization:
        return QStringLiteral("manage_organization");
    case Permission::ManageBilling:
        return QStringLiteral("manage_billing");
    case Permission::ManageApi:
        return QStringLiteral("manage_api");
    }
    return QString();
}

QStringList permissionNames(PermissionSet set)
{
    QStringList names;
    for (const Permission permission : kPermissionOrder) {
        if (hasPermission(set, permission))
            names << permissionName(permission);
    }
    return names;
}

Result<PermissionSet> parsePermissions(const QJsonValue& value)
{
    if (!value.isArray()) {
        return invalidPermission(
            QStringLiteral("\"permissions\" must be an array of permission names, for example "
                           "[\"manage_files\"]; the names are manage_files, manage_organization, "
                           "manage_billing and manage_api."));
    }
    PermissionSet set = kNoPermissions;
    const QJsonArray array = value.toArray();
    for (const QJsonValue& item : array) {
        bool known = false;
        for (const Permission permission : kPermissionOrder) {
            if (item.isString() && item.toString() == permissionName(permission)) {
                set |= int(permission);
                known = true;
            }
        }
        if (!known) {
            const QString shown = item.isString()
                                      ? QStringLiteral("\"%1\"").arg(item.toString().left(64))
                                      : QStringLiteral("a value that is not a string");
            return invalidPermission(
                QStringLiteral("The permission %1 is unknown; use manage_files, "
                               "manage_organization, manage_billing or manage_api.")
                    .arg(shown));
        }
    }
    return set;
}

} // namespace chartinsight::server
