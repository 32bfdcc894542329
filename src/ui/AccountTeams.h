#pragma once

#include "AccessViewModel.h"

#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The signed-in user's teams and permission sets, from the "teams" of GET /api/v1/account.
// It decides what the desktop app offers: the teams an upload can go to (manage_files) and
// whether the administration screens show (manage_organization in any team). The server
// checks every request again, whatever this shows.
class AccountTeams : public AccessViewModel
{
    Q_OBJECT
    QML_ELEMENT

    // Each {"id", "name", "isHome", "permissions", "permissionsText"}, home team first.
    Q_PROPERTY(QVariantList teams READ teams NOTIFY teamsChanged)
    // The teams with manage_files, each {"id", "name"}: where the user can upload.
    Q_PROPERTY(QVariantList uploadTeams READ uploadTeams NOTIFY teamsChanged)
    // The upload team to preselect: the only team with manage_files, else empty.
    Q_PROPERTY(QString defaultUploadTeamId READ defaultUploadTeamId NOTIFY teamsChanged)
    Q_PROPERTY(bool canManageOrganization READ canManageOrganization NOTIFY teamsChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY teamsChanged)

public:
    explicit AccountTeams(QObject* parent = nullptr);

    QVariantList teams() const;
    QVariantList uploadTeams() const;
    QString defaultUploadTeamId() const;
    bool canManageOrganization() const;
    bool isLoaded() const { return m_loaded; }

    // Reads the account again. QML calls it after sign-in.
    Q_INVOKABLE void refresh();
    // Whether the user has `permission` (an API name) in team `teamId`.
    Q_INVOKABLE bool hasPermission(const QString& teamId, const QString& permission) const;

signals:
    void teamsChanged();

protected:
    void reset() override;

private:
    struct Team
    {
        QString id;
        QString name;
        bool isHome = false;
        QStringList permissions;
    };

    QList<Team> m_teams;
    bool m_loaded = false;
};

} // namespace chartinsight::ui
