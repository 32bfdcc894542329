#include "TeamAdmin.h"

#include "AccessText.h"
#include "DisplayFormat.h"
#include "UiLogging.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QVariantMap>

#include <algorithm>

namespace chartinsight::ui {

namespace {

// Team names as the server accepts them: 1 to 64 characters after trimming.
constexpr int kMaxTeamNameLength = 64;

bool containsControlCharacter(const QString& text)
{
    return std::any_of(text.begin(), text.end(),
                       [](QChar c) { return c.category() == QChar::Other_Control; });
}

} // namespace

TeamAdmin::TeamAdmin(QObject* parent) : AccessViewModel(parent) {}

void TeamAdmin::setCurrentTeamId(const QString& teamId)
{
    if (teamId == m_currentTeamId)
        return;
    m_currentTeamId = teamId;
    m_members.clear();
    m_invitations.clear();
    emit currentTeamChanged();
    emit membersChanged();
    emit invitationsChanged();
    refreshMembers();
    refreshInvitations();
}

QString TeamAdmin::currentTeamName() const
{
    for (const QVariant& team : m_teams) {
        const QVariantMap map = team.toMap();
        if (map.value(QStringLiteral("id")).toString() == m_currentTeamId)
            return map.value(QStringLiteral("name")).toString();
    }
    return {};
}

bool TeamAdmin::hasTeam() const
{
    return session() && !m_currentTeamId.isEmpty();
}

void TeamAdmin::refresh()
{
    client::ClientSession* client = session();
    if (!client)
        return;
    track(client->teams(), "listing teams", tr("list the teams"), [this](const QJsonValue& result) {
        m_teams.clear();
        QString homeTeamId;
        bool currentListed = false;
        const QJsonArray entries = AccessText::arrayOf(result, QStringLiteral("teams"));
        for (const QJsonValue& entry : entries) {
            const QJsonObject team = entry.toObject();
            const QString id = team.value(QStringLiteral("id")).toString();
            const bool isHome = team.value(QStringLiteral("is_home")).toBool();
            const QStringList permissions =
                AccessText::stringsOf(team.value(QStringLiteral("permissions")));
            if (isHome)
                homeTeamId = id;
            currentListed = currentListed || id == m_currentTeamId;
            m_teams.append(QVariantMap{
                {QStringLiteral("id"), id},
                {QStringLiteral("name"), team.value(QStringLiteral("name")).toString()},
                {QStringLiteral("isHome"), isHome},
                {QStringLiteral("memberCount"), team.value(QStringLiteral("member_count")).toInt()},
                // Empty both for a member without permissions and for a team the caller is
                // not in, so "none" rather than "view only".
                {QStringLiteral("permissionsText"), permissions.isEmpty()
                                                        ? tr("none")
                                                        : AccessText::permissionsText(permissions)},
            });
        }
        emit teamsChanged();
        if (currentListed) {
            emit currentTeamChanged();
            refreshMembers();
            refreshInvitations();
        } else {
            const QString first =
                m_teams.isEmpty() ? QString()
                                  : m_teams.first().toMap().value(QStringLiteral("id")).toString();
            setCurrentTeamId(homeTeamId.isEmpty() ? first : homeTeamId);
        }
    });
}

void TeamAdmin::createTeam(const QString& name)
{
    client::ClientSession* client = session();
    if (!client)
        return;
    clearMessages();
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > kMaxTeamNameLength ||
        containsControlCharacter(trimmed)) {
        setErrorString(tr("Team name \"%1\" is not valid: use 1 to %2 characters without line "
                          "breaks or tabs.")
                           .arg(trimmed.left(kMaxTeamNameLength))
                           .arg(kMaxTeamNameLength));
        return;
    }
    track(client->createTeam(trimmed), "creating a team", tr("create the team \"%1\"").arg(trimmed),
          [this, trimmed](const QJsonValue& result) {
              const QString id = result.toObject().value(QStringLiteral("id")).toString();
              qCInfo(lcUiAccess) << "created team" << id;
              setStatus(tr("Team \"%1\" created.").arg(trimmed));
              emit changed();
              // Show the new team once the list contains it.
              m_currentTeamId = id;
              m_members.clear();
              m_invitations.clear();
              emit membersChanged();
              emit invitationsChanged();
              refresh();
          });
}

void TeamAdmin::refreshMembers()
{
    if (!hasTeam())
        return;
    const QString teamId = m_currentTeamId;
    track(
        session()->teamMembers(teamId), "listing team members", tr("list the team's members"),
        [this, teamId](const QJsonValue& result) {
            if (teamId != m_currentTeamId)
                return;
            QList<QVariantMap> members;
            const QJsonArray entries = AccessText::arrayOf(result, QStringLiteral("members"));
            for (const QJsonValue& entry : entries) {
                const QJsonObject member = entry.toObject();
                const QStringList permissions =
                    AccessText::stringsOf(member.value(QStringLiteral("permissions")));
                members.append({
                    {QStringLiteral("userId"), member.value(QStringLiteral("user_id")).toString()},
                    {QStringLiteral("email"), member.value(QStringLiteral("email")).toString()},
                    {QStringLiteral("permissions"), permissions},
                    {QStringLiteral("permissionsText"), AccessText::permissionsText(permissions)},
                });
            }
            std::sort(members.begin(), members.end(),
                      [](const QVariantMap& left, const QVariantMap& right) {
                          return left.value(QStringLiteral("email"))
                                     .toString()
                                     .compare(right.value(QStringLiteral("email")).toString(),
                                              Qt::CaseInsensitive) < 0;
                      });
            m_members.clear();
            for (const QVariantMap& member : members)
                m_members.append(member);
            emit membersChanged();
        });
}

QStringList TeamAdmin::permissionsOf(const QString& userId) const
{
    for (const QVariant& member : m_members) {
        const QVariantMap map = member.toMap();
        if (map.value(QStringLiteral("userId")).toString() == userId)
            return map.value(QStringLiteral("permissions")).toStringList();
    }
    return {};
}

void TeamAdmin::addMember(const QString& email, const QStringList& permissions)
{
    if (!hasTeam())
        return;
    clearMessages();
    const QString trimmed = email.trimmed();
    if (!trimmed.contains(QLatin1Char('@'))) {
        setErrorString(tr("\"%1\" is not an e-mail address. Enter the address the person signs "
                          "in with.")
                           .arg(trimmed));
        return;
    }
    track(session()->addMember(m_currentTeamId, trimmed, permissions), "adding a team member",
          tr("add %1 to the team").arg(trimmed), [this, trimmed](const QJsonValue&) {
              qCInfo(lcUiAccess) << "added a member to team" << m_currentTeamId;
              setStatus(tr("%1 was added to the team.").arg(trimmed));
              emit changed();
              refreshMembers();
          });
}

void TeamAdmin::setMemberPermissions(const QString& userId, const QStringList& permissions)
{
    if (!hasTeam())
        return;
    clearMessages();
    // The API lists permissions in a fixed order; sending them the same way keeps sets equal.
    QStringList ordered;
    for (const QString& name : AccessText::permissionNames()) {
        if (permissions.contains(name))
            ordered.append(name);
    }
    const QString teamId = m_currentTeamId;
    track(
        session()->setMemberPermissions(teamId, userId, ordered), "changing a member's permissions",
        tr("change this member's permissions"),
        [this, teamId, userId](const QJsonValue&) {
            qCInfo(lcUiAccess) << "changed the permissions of user" << userId << "in team"
                               << teamId;
            setStatus(tr("Permissions saved."));
            emit changed();
            refreshMembers();
        },
        // The checkboxes show what the user clicked: list again to show the stored set.
        [this](const Error&) { refreshMembers(); });
}

void TeamAdmin::setMemberPermission(const QString& userId, const QString& permission, bool granted)
{
    QStringList permissions = permissionsOf(userId);
    permissions.removeAll(permission);
    if (granted)
        permissions.append(permission);
    setMemberPermissions(userId, permissions);
}

void TeamAdmin::removeMember(const QString& userId)
{
    if (!hasTeam())
        return;
    clearMessages();
    const QString teamId = m_currentTeamId;
    track(session()->removeMember(teamId, userId), "removing a team member",
          tr("remove this member from the team"), [this, teamId, userId](const QJsonValue&) {
              qCInfo(lcUiAccess) << "removed user" << userId << "from team" << teamId;
              setStatus(tr("Member removed from the team."));
              emit changed();
              refreshMembers();
          });
}

void TeamAdmin::refreshInvitations()
{
    if (!hasTeam())
        return;
    const QString teamId = m_currentTeamId;
    track(
        session()->invitations(teamId), "listing invitations", tr("list the team's invitations"),
        [this, teamId](const QJsonValue& result) {
            if (teamId != m_currentTeamId)
                return;
            m_invitations.clear();
            const QJsonArray entries = AccessText::arrayOf(result, QStringLiteral("invitations"));
            for (const QJsonValue& entry : entries) {
                const QJsonObject invitation = entry.toObject();
                const QString state = invitation.value(QStringLiteral("state")).toString();
                const QStringList permissions =
                    AccessText::stringsOf(invitation.value(QStringLiteral("permissions")));
                const bool open =
                    state == QLatin1String("pending") || state == QLatin1String("expired");
                m_invitations.append(QVariantMap{
                    {QStringLiteral("id"), invitation.value(QStringLiteral("id")).toString()},
                    {QStringLiteral("email"), invitation.value(QStringLiteral("email")).toString()},
                    {QStringLiteral("permissions"), permissions},
                    {QStringLiteral("permissionsText"), AccessText::permissionsText(permissions)},
                    {QStringLiteral("state"), state},
                    {QStringLiteral("stateText"), stateText(state)},
                    {QStringLiteral("createdText"),
                     timeText(invitation.value(QStringLiteral("created_at")))},
                    {QStringLiteral("expiresText"),
                     timeText(invitation.value(QStringLiteral("expires_at")))},
                    {QStringLiteral("canResend"), open},
                    {QStringLiteral("canRevoke"), state == QLatin1String("pending")},
                });
            }
            emit invitationsChanged();
        });
}

void TeamAdmin::invite(const QString& email, const QStringList& permissions)
{
    if (!hasTeam())
        return;
    clearMessages();
    const QString trimmed = email.trimmed();
    if (!trimmed.contains(QLatin1Char('@'))) {
        setErrorString(tr("\"%1\" is not an e-mail address. Enter the address to send the "
                          "invitation to.")
                           .arg(trimmed));
        return;
    }
    track(session()->invite(m_currentTeamId, trimmed, permissions), "sending an invitation",
          tr("invite %1").arg(trimmed), [this, trimmed](const QJsonValue&) {
              qCInfo(lcUiAccess) << "sent an invitation into team" << m_currentTeamId;
              setStatus(tr("Invitation sent to %1.").arg(trimmed));
              emit changed();
              refreshInvitations();
          });
}

void TeamAdmin::resendInvitation(const QString& invitationId)
{
    if (!hasTeam())
        return;
    clearMessages();
    track(session()->resendInvitation(invitationId), "resending an invitation",
          tr("resend the invitation"), [this, invitationId](const QJsonValue&) {
              qCInfo(lcUiAccess) << "resent invitation" << invitationId;
              setStatus(tr("Invitation sent again. The earlier link no longer works."));
              refreshInvitations();
          });
}

void TeamAdmin::revokeInvitation(const QString& invitationId)
{
    if (!hasTeam())
        return;
    clearMessages();
    track(session()->revokeInvitation(invitationId), "revoking an invitation",
          tr("revoke the invitation"), [this, invitationId](const QJsonValue&) {
              qCInfo(lcUiAccess) << "revoked invitation" << invitationId;
              setStatus(tr("Invitation revoked. Its link no longer works."));
              refreshInvitations();
          });
}

QStringList TeamAdmin::permissionNames() const
{
    return AccessText::permissionNames();
}

QString TeamAdmin::permissionLabel(const QString& permission) const
{
    return AccessText::permissionLabel(permission);
}

QString TeamAdmin::stateText(const QString& state)
{
    if (state == QLatin1String("pending"))
        return tr("Waiting for an answer");
    if (state == QLatin1String("accepted"))
        return tr("Accepted");
    if (state == QLatin1String("expired"))
        return tr("Expired");
    if (state == QLatin1String("revoked"))
        return tr("Revoked");
    return state;
}

QString TeamAdmin::timeText(const QJsonValue& value)
{
    // The API sends times as ISO 8601 text; seconds since 1970 are accepted as well.
    QDateTime when;
    if (value.isDouble())
        when = QDateTime::fromSecsSinceEpoch(qint64(value.toDouble()), Qt::UTC);
    else if (value.isString())
        when = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return when.isValid() ? DisplayFormat::localDateTime(when) : QString();
}

void TeamAdmin::reset()
{
    m_teams.clear();
    m_members.clear();
    m_invitations.clear();
    m_currentTeamId.clear();
    emit teamsChanged();
    emit currentTeamChanged();
    emit membersChanged();
    emit invitationsChanged();
}

} // namespace chartinsight::ui
