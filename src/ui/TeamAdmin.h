#pragma once

#include "AccessViewModel.h"

#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// The administration screens of teams: the teams of the organization, the members of the
// current team with their permissions in it, and the team's invitations. Every change is sent
// to the server, which checks manage_organization in the team or in the home team; the lists
// change only after it accepts.
class TeamAdmin : public AccessViewModel
{
    Q_OBJECT
    QML_ELEMENT

    // Each {"id", "name", "isHome", "memberCount", "permissionsText"} (the caller's own set).
    Q_PROPERTY(QVariantList teams READ teams NOTIFY teamsChanged)
    // The team whose members and invitations show; the home team after the first listing.
    Q_PROPERTY(
        QString currentTeamId READ currentTeamId WRITE setCurrentTeamId NOTIFY currentTeamChanged)
    Q_PROPERTY(QString currentTeamName READ currentTeamName NOTIFY currentTeamChanged)
    // Each {"userId", "email", "permissions", "permissionsText"}, sorted by e-mail.
    Q_PROPERTY(QVariantList members READ members NOTIFY membersChanged)
    // Each {"id", "email", "permissions", "permissionsText", "state", "stateText",
    // "createdText", "expiresText", "canResend", "canRevoke"}, in the server's order.
    Q_PROPERTY(QVariantList invitations READ invitations NOTIFY invitationsChanged)

public:
    explicit TeamAdmin(QObject* parent = nullptr);

    QVariantList teams() const { return m_teams; }
    QString currentTeamId() const { return m_currentTeamId; }
    void setCurrentTeamId(const QString& teamId);
    QString currentTeamName() const;
    QVariantList members() const { return m_members; }
    QVariantList invitations() const { return m_invitations; }

    // Lists the teams, then the members and invitations of the current team.
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void createTeam(const QString& name);
    // Adds an existing user of the organization to the current team.
    Q_INVOKABLE void addMember(const QString& email, const QStringList& permissions);
    // Replaces a member's permission set in the current team, for example with a role's.
    Q_INVOKABLE void setMemberPermissions(const QString& userId, const QStringList& permissions);
    // Turns one permission of a member on or off, keeping the others.
    Q_INVOKABLE void setMemberPermission(const QString& userId, const QString& permission,
                                         bool granted);
    Q_INVOKABLE void removeMember(const QString& userId);
    Q_INVOKABLE void invite(const QString& email, const QStringList& permissions);
    Q_INVOKABLE void resendInvitation(const QString& invitationId);
    Q_INVOKABLE void revokeInvitation(const QString& invitationId);
    Q_INVOKABLE void refreshMembers();
    Q_INVOKABLE void refreshInvitations();

    // The permission names of the API, in its order, for checkbox columns.
    Q_INVOKABLE QStringList permissionNames() const;
    Q_INVOKABLE QString permissionLabel(const QString& permission) const;

signals:
    void teamsChanged();
    void currentTeamChanged();
    void membersChanged();
    void invitationsChanged();
    // A request changed something on the server; pages clear their input fields.
    void changed();

protected:
    void reset() override;

private:
    QStringList permissionsOf(const QString& userId) const;
    bool hasTeam() const;
    static QString stateText(const QString& state);
    static QString timeText(const QJsonValue& value);

    QVariantList m_teams;
    QVariantList m_members;
    QVariantList m_invitations;
    QString m_currentTeamId;
};

} // namespace chartinsight::ui
