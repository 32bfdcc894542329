#pragma once

#include "AccessViewModel.h"

#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The organization's roles: named permission presets (Admin, Clinician, Viewer and any the
// organization adds). Applying a role copies its set into one membership through TeamAdmin;
// editing a role later changes no membership. The server lets only holders of
// manage_organization in the home team change roles.
class RoleAdmin : public AccessViewModel
{
    Q_OBJECT
    QML_ELEMENT

    // Each {"id", "name", "permissions", "permissionsText"}, sorted by name.
    Q_PROPERTY(QVariantList roles READ roles NOTIFY rolesChanged)

public:
    explicit RoleAdmin(QObject* parent = nullptr);

    QVariantList roles() const { return m_roles; }

    Q_INVOKABLE void refresh();
    Q_INVOKABLE void createRole(const QString& name, const QStringList& permissions);
    Q_INVOKABLE void updateRole(const QString& roleId, const QString& name,
                                const QStringList& permissions);
    Q_INVOKABLE void deleteRole(const QString& roleId);
    // The permission set of a listed role, or an empty list.
    Q_INVOKABLE QStringList permissionsOf(const QString& roleId) const;

signals:
    void rolesChanged();
    // A request changed something on the server; pages clear their input fields.
    void changed();

protected:
    void reset() override;

private:
    // Returns an error message for an invalid role name, or an empty string.
    static QString checkName(const QString& name);

    QVariantList m_roles;
};

} // namespace chartinsight::ui
