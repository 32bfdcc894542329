#include "AccountTeams.h"

#include "AccessText.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QVariantMap>

#include <algorithm>

namespace chartinsight::ui {

namespace {

const QString kManageFiles = QStringLiteral("manage_files");
const QString kManageOrganization = QStringLiteral("manage_organization");

} // namespace

AccountTeams::AccountTeams(QObject* parent) : AccessViewModel(parent) {}

QVariantList AccountTeams::teams() const
{
    QVariantList teams;
    for (const Team& team : m_teams) {
        teams.append(QVariantMap{
            {QStringLiteral("id"), team.id},
            {QStringLiteral("name"), team.name},
            {QStringLiteral("isHome"), team.isHome},
            {QStringLiteral("permissions"), team.permissions},
            {QStringLiteral("permissionsText"), AccessText::permissionsText(team.permissions)},
        });
    }
    return teams;
}

QVariantList AccountTeams::uploadTeams() const
{
    QVariantList teams;
    for (const Team& team : m_teams) {
        if (team.permissions.contains(kManageFiles)) {
            teams.append(
                QVariantMap{{QStringLiteral("id"), team.id}, {QStringLiteral("name"), team.name}});
        }
    }
    return teams;
}

QString AccountTeams::defaultUploadTeamId() const
{
    const QVariantList teams = uploadTeams();
    return teams.size() == 1 ? teams.first().toMap().value(QStringLiteral("id")).toString()
                             : QString();
}

bool AccountTeams::canManageOrganization() const
{
    return std::any_of(m_teams.begin(), m_teams.end(), [](const Team& team) {
        return team.permissions.contains(kManageOrganization);
    });
}

bool AccountTeams::hasPermission(const QString& teamId, const QString& permission) const
{
    return std::any_of(m_teams.begin(), m_teams.end(), [&](const Team& team) {
        return team.id == teamId && team.permissions.contains(permission);
    });
}

void AccountTeams::refresh()
{
    client::ClientSession* client = session();
    if (!client)
        return;
    track(client->account(), "reading the account's teams", tr("read your teams"),
          [this](const QJsonValue& result) {
              m_teams.clear();
              const QJsonArray entries = result.toObject().value(QStringLiteral("teams")).toArray();
              for (const QJsonValue& entry : entries) {
                  const QJsonObject object = entry.toObject();
                  m_teams.append(
                      {object.value(QStringLiteral("id")).toString(),
                       object.value(QStringLiteral("name")).toString(),
                       object.value(QStringLiteral("is_home")).toBool(),
                       AccessText::stringsOf(object.value(QStringLiteral("permissions")))});
              }
              std::stable_sort(m_teams.begin(), m_teams.end(),
                               [](const Team& left, const Team& right) {
                                   if (left.isHome != right.isHome)
                                       return left.isHome;
                                   return left.name.localeAwareCompare(right.name) < 0;
                               });
              m_loaded = true;
              emit teamsChanged();
          });
}

void AccountTeams::reset()
{
    m_teams.clear();
    m_loaded = false;
    emit teamsChanged();
}

} // namespace chartinsight::ui
