#include "RoleAdmin.h"

#include "AccessText.h"
#include "UiLogging.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QVariantMap>

#include <algorithm>

namespace chartinsight::ui {

namespace {

// Role names follow the rule of team names: 1 to 64 characters after trimming.
constexpr int kMaxRoleNameLength = 64;

} // namespace

RoleAdmin::RoleAdmin(QObject* parent) : AccessViewModel(parent) {}

void RoleAdmin::refresh()
{
    client::ClientSession* client = session();
    if (!client)
        return;
    track(client->roles(), "listing roles", tr("list the roles"), [this](const QJsonValue& result) {
        QList<QVariantMap> roles;
        const QJsonArray entries = AccessText::arrayOf(result, QStringLiteral("roles"));
        for (const QJsonValue& entry : entries) {
            const QJsonObject role = entry.toObject();
            const QStringList permissions =
                AccessText::stringsOf(role.value(QStringLiteral("permissions")));
            roles.append({
                {QStringLiteral("id"), role.value(QStringLiteral("id")).toString()},
                {QStringLiteral("name"), role.value(QStringLiteral("name")).toString()},
                {QStringLiteral("permissions"), permissions},
                {QStringLiteral("permissionsText"), AccessText::permissionsText(permissions)},
            });
        }
        std::sort(
            roles.begin(), roles.end(), [](const QVariantMap& left, const QVariantMap& right) {
                return left.value(QStringLiteral("name"))
                           .toString()
                           .localeAwareCompare(right.value(QStringLiteral("name")).toString()) < 0;
            });
        m_roles.clear();
        for (const QVariantMap& role : roles)
            m_roles.append(role);
        emit rolesChanged();
    });
}

QString RoleAdmin::checkName(const QString& name)
{
    const bool hasControl = std::any_of(
        name.begin(), name.end(), [](QChar c) { return c.category() == QChar::Other_Control; });
    if (name.isEmpty() || name.size() > kMaxRoleNameLength || hasControl) {
        return tr("Role name \"%1\" is not valid: use 1 to %2 characters without line breaks "
                  "or tabs.")
            .arg(name.left(kMaxRoleNameLength))
            .arg(kMaxRoleNameLength);
    }
    return {};
}

void RoleAdmin::createRole(const QString& name, const QStringList& permissions)
{
    client::ClientSession* client = session();
    if (!client)
        return;
    clearMessages();
    const QString trimmed = name.trimmed();
    if (const QString problem = checkName(trimmed); !problem.isEmpty()) {
        setErrorString(problem);
        return;
    }
    track(client->createRole(trimmed, permissions), "creating a role",
          tr("create the role \"%1\"").arg(trimmed), [this, trimmed](const QJsonValue& result) {
              qCInfo(lcUiAccess) << "created role"
                                 << result.toObject().value(QStringLiteral("id")).toString();
              setStatus(tr("Role \"%1\" created.").arg(trimmed));
              emit changed();
              refresh();
          });
}

void RoleAdmin::updateRole(const QString& roleId, const QString& name,
                           const QStringList& permissions)
{
    client::ClientSession* client = session();
    if (!client)
        return;
    clearMessages();
    const QString trimmed = name.trimmed();
    if (const QString problem = checkName(trimmed); !problem.isEmpty()) {
        setErrorString(problem);
        return;
    }
    track(client->updateRole(roleId, trimmed, permissions), "changing a role",
          tr("change the role \"%1\"").arg(trimmed), [this, roleId, trimmed](const QJsonValue&) {
              qCInfo(lcUiAccess) << "changed role" << roleId;
              setStatus(
                  tr("Role \"%1\" saved. Members keep the permissions they have.").arg(trimmed));
              emit changed();
              refresh();
          });
}

void RoleAdmin::deleteRole(const QString& roleId)
{
    client::ClientSession* client = session();
    if (!client)
        return;
    clearMessages();
    track(client->deleteRole(roleId), "deleting a role", tr("delete the role"),
          [this, roleId](const QJsonValue&) {
              qCInfo(lcUiAccess) << "deleted role" << roleId;
              setStatus(tr("Role deleted. Members keep the permissions they have."));
              emit changed();
              refresh();
          });
}

QStringList RoleAdmin::permissionsOf(const QString& roleId) const
{
    for (const QVariant& role : m_roles) {
        const QVariantMap map = role.toMap();
        if (map.value(QStringLiteral("id")).toString() == roleId)
            return map.value(QStringLiteral("permissions")).toStringList();
    }
    return {};
}

void RoleAdmin::reset()
{
    m_roles.clear();
    emit rolesChanged();
}

} // namespace chartinsight::ui
