#include "AccessCommands.h"

#include "CliOutput.h"
#include "core/ErrorCodes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace chartinsight::cli {
namespace {

using client::ClientSession;

Error lookupError(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kNotFound), message);
}

QString permissionList(const QJsonValue& permissions)
{
    QStringList names;
    for (const QJsonValue& name : permissions.toArray())
        names.append(printable(name.toString()));
    return names.isEmpty() ? QStringLiteral("-") : names.join(QLatin1Char(','));
}

// Formats a time of the API (ISO 8601 text, or seconds since 1970 as a number) as UTC minutes;
// "-" when it is absent.
QString formatTime(const QJsonValue& value)
{
    QDateTime time;
    if (value.isDouble())
        time = QDateTime::fromSecsSinceEpoch(qint64(value.toDouble()), Qt::UTC);
    else if (value.isString())
        time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!time.isValid())
        return QStringLiteral("-");
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

void printJson(const QJsonArray& array)
{
    std::fputs(QJsonDocument(array).toJson(QJsonDocument::Indented).constData(), stdout);
}

class AccessCommands
{
public:
    AccessCommands(const CommandLine& line, ClientSession& session)
        : m_line(line), m_session(session)
    {
    }

    int run()
    {
        const QString& command = m_line.command;
        const QString subcommand = m_line.arguments.value(0);
        if (command == QLatin1String("team"))
            return subcommand == QLatin1String("create") ? createTeam() : listTeams();
        if (command == QLatin1String("member")) {
            if (subcommand == QLatin1String("list"))
                return listMembers();
            if (subcommand == QLatin1String("add"))
                return addMember();
            if (subcommand == QLatin1String("remove"))
                return removeMember();
            return setMemberPermissions();
        }
        if (command == QLatin1String("invite"))
            return invite();
        if (command == QLatin1String("invitation")) {
            if (subcommand == QLatin1String("list"))
                return listInvitations();
            return changeInvitation();
        }
        if (command == QLatin1String("share"))
            return share();
        return listAccess();
    }

    // Returns the team called `name`: an exact match, else the only match that ignores case.
    Result<QJsonObject> findTeam(const QString& name)
    {
        auto listed = waitFor(m_session.teams());
        if (!listed)
            return listed.error();
        QList<QJsonObject> caseInsensitive;
        for (const QJsonValue& value : listed->toArray()) {
            const QJsonObject team = value.toObject();
            const QString teamName = team.value(QStringLiteral("name")).toString();
            if (teamName == name)
                return team;
            if (teamName.compare(name, Qt::CaseInsensitive) == 0)
                caseInsensitive.append(team);
        }
        if (caseInsensitive.size() == 1)
            return caseInsensitive.first();
        return lookupError(QStringLiteral("no team named '%1' among the teams you can see; run "
                                          "'chartinsight-cli team list' for their names")
                               .arg(printable(name)));
    }

    Result<QString> findTeamId(const QString& name)
    {
        auto team = findTeam(name);
        if (!team)
            return team.error();
        return team->value(QStringLiteral("id")).toString();
    }

    // Returns the ids of users of the caller's organization, by e-mail address.
    Result<QStringList> findUserIds(const QStringList& emails)
    {
        auto listed = waitFor(m_session.organizationUsers());
        if (!listed)
            return listed.error();
        const QJsonArray users = listed->toArray();
        QStringList ids;
        for (const QString& email : emails) {
            QString id;
            for (const QJsonValue& value : users) {
                const QJsonObject user = value.toObject();
                if (user.value(QStringLiteral("email"))
                        .toString()
                        .compare(email.trimmed(), Qt::CaseInsensitive) == 0)
                    id = user.value(QStringLiteral("id")).toString();
            }
            if (id.isEmpty())
                return lookupError(QStringLiteral("no user %1 in your organization; check the "
                                                  "address, or invite the user first")
                                       .arg(printable(email)));
            if (!ids.contains(id))
                ids.append(id);
        }
        return ids;
    }

private:
    // Returns the user id of the member of `teamId` with `email`.
    Result<QString> findMemberId(const QString& teamId, const QString& email)
    {
        auto listed = waitFor(m_session.teamMembers(teamId));
        if (!listed)
            return listed.error();
        for (const QJsonValue& value : listed->toArray()) {
            const QJsonObject member = value.toObject();
            if (member.value(QStringLiteral("email"))
                    .toString()
                    .compare(email.trimmed(), Qt::CaseInsensitive) == 0)
                return member.value(QStringLiteral("user_id")).toString();
        }
        return lookupError(QStringLiteral("%1 is not a member of team %2; run 'chartinsight-cli "
                                          "member list --team NAME' for the members")
                               .arg(printable(email), printable(m_line.team)));
    }

    QString teamOperation(const QString& action) const
    {
        return QStringLiteral("%1 (team %2)").arg(action, printable(m_line.team));
    }

    int listTeams()
    {
        auto listed = waitFor(m_session.teams());
        if (!listed)
            return fail(QStringLiteral("team list"), listed.error().message);
        const QJsonArray teams = listed->toArray();
        if (m_line.json) {
            printJson(teams);
            return kExitSuccess;
        }
        printLine(stdout, QStringLiteral("%1  %2  %3  %4")
                              .arg(QStringLiteral("ID"), -36)
                              .arg(QStringLiteral("MEMBERS"), 7)
                              .arg(QStringLiteral("YOUR PERMISSIONS"), -40)
                              .arg(QStringLiteral("NAME")));
        for (const QJsonValue& value : teams) {
            const QJsonObject team = value.toObject();
            QString name = printable(team.value(QStringLiteral("name")).toString());
            if (team.value(QStringLiteral("is_home")).toBool())
                name += QStringLiteral(" (home team)");
            printLine(stdout,
                      QStringLiteral("%1  %2  %3  %4")
                          .arg(printable(team.value(QStringLiteral("id")).toString()), -36)
                          .arg(team.value(QStringLiteral("member_count")).toInteger(), 7)
                          .arg(permissionList(team.value(QStringLiteral("permissions"))), -40)
                          .arg(name));
        }
        return kExitSuccess;
    }

    int createTeam()
    {
        auto created = waitFor(m_session.createTeam(m_line.arguments.at(1)));
        if (!created)
            return fail(QStringLiteral("team create"), created.error().message);
        printLine(stdout, printable(created->toObject().value(QStringLiteral("id")).toString()));
        return kExitSuccess;
    }

    int listMembers()
    {
        const QString operation = teamOperation(QStringLiteral("member list"));
        auto teamId = findTeamId(m_line.team);
        if (!teamId)
            return fail(operation, teamId.error().message);
        auto listed = waitFor(m_session.teamMembers(*teamId));
        if (!listed)
            return fail(operation, listed.error().message);
        const QJsonArray members = listed->toArray();
        if (m_line.json) {
            printJson(members);
            return kExitSuccess;
        }
        printLine(stdout, QStringLiteral("%1  %2  %3")
                              .arg(QStringLiteral("USER ID"), -36)
                              .arg(QStringLiteral("PERMISSIONS"), -40)
                              .arg(QStringLiteral("EMAIL")));
        for (const QJsonValue& value : members) {
            const QJsonObject member = value.toObject();
            printLine(stdout,
                      QStringLiteral("%1  %2  %3")
                          .arg(printable(member.value(QStringLiteral("user_id")).toString()), -36)
                          .arg(permissionList(member.value(QStringLiteral("permissions"))), -40)
                          .arg(printable(member.value(QStringLiteral("email")).toString())));
        }
        return kExitSuccess;
    }

    int addMember()
    {
        const QString operation = teamOperation(QStringLiteral("member add"));
        const QString email = m_line.arguments.at(1);
        auto teamId = findTeamId(m_line.team);
        if (!teamId)
            return fail(operation, teamId.error().message);
        auto added = waitFor(m_session.addMember(*teamId, email, m_line.permissions));
        if (!added)
            return fail(operation, added.error().message);
        printLine(stdout,
                  QStringLiteral("Added %1 to team %2 with permissions: %3.")
                      .arg(printable(email), printable(m_line.team),
                           permissionList(added->toObject().value(QStringLiteral("permissions")))));
        return kExitSuccess;
    }

    int removeMember()
    {
        const QString operation = teamOperation(QStringLiteral("member remove"));
        const QString email = m_line.arguments.at(1);
        auto teamId = findTeamId(m_line.team);
        if (!teamId)
            return fail(operation, teamId.error().message);
        auto userId = findMemberId(*teamId, email);
        if (!userId)
            return fail(operation, userId.error().message);
        auto removed = waitFor(m_session.removeMember(*teamId, *userId));
        if (!removed)
            return fail(operation, removed.error().message);
        printLine(stdout, QStringLiteral("Removed %1 from team %2.")
                              .arg(printable(email), printable(m_line.team)));
        return kExitSuccess;
    }

    int setMemberPermissions()
    {
        const QString operation = teamOperation(QStringLiteral("member set-permissions"));
        const QString email = m_line.arguments.at(1);
        auto teamId = findTeamId(m_line.team);
        if (!teamId)
            return fail(operation, teamId.error().message);
        auto userId = findMemberId(*teamId, email);
        if (!userId)
            return fail(operation, userId.error().message);
        auto changed =
            waitFor(m_session.setMemberPermissions(*teamId, *userId, m_line.permissions));
        if (!changed)
            return fail(operation, changed.error().message);
        printLine(stdout, QStringLiteral("%1 in team %2 now has permissions: %3.")
                              .arg(printable(email), printable(m_line.team),
                                   permissionList(
                                       changed->toObject().value(QStringLiteral("permissions")))));
        return kExitSuccess;
    }

    int invite()
    {
        const QString operation = teamOperation(QStringLiteral("invite"));
        auto teamId = findTeamId(m_line.team);
        if (!teamId)
            return fail(operation, teamId.error().message);
        auto invited =
            waitFor(m_session.invite(*teamId, m_line.arguments.first(), m_line.permissions));
        if (!invited)
            return fail(operation, invited.error().message);
        printLine(stdout, printable(invited->toObject().value(QStringLiteral("id")).toString()));
        return kExitSuccess;
    }

    int listInvitations()
    {
        const QString operation = teamOperation(QStringLiteral("invitation list"));
        auto teamId = findTeamId(m_line.team);
        if (!teamId)
            return fail(operation, teamId.error().message);
        auto listed = waitFor(m_session.invitations(*teamId));
        if (!listed)
            return fail(operation, listed.error().message);
        const QJsonArray invitations = listed->toArray();
        if (m_line.json) {
            printJson(invitations);
            return kExitSuccess;
        }
        printLine(stdout, QStringLiteral("%1  %2  %3  %4  %5")
                              .arg(QStringLiteral("ID"), -36)
                              .arg(QStringLiteral("STATE"), -8)
                              .arg(QStringLiteral("EXPIRES (UTC)"), -16)
                              .arg(QStringLiteral("PERMISSIONS"), -40)
                              .arg(QStringLiteral("EMAIL")));
        for (const QJsonValue& value : invitations) {
            const QJsonObject invitation = value.toObject();
            printLine(stdout,
                      QStringLiteral("%1  %2  %3  %4  %5")
                          .arg(printable(invitation.value(QStringLiteral("id")).toString()), -36)
                          .arg(printable(invitation.value(QStringLiteral("state")).toString()), -8)
                          .arg(formatTime(invitation.value(QStringLiteral("expires_at"))), -16)
                          .arg(permissionList(invitation.value(QStringLiteral("permissions"))), -40)
                          .arg(printable(invitation.value(QStringLiteral("email")).toString())));
        }
        return kExitSuccess;
    }

    int changeInvitation()
    {
        const bool resend = m_line.arguments.first() == QLatin1String("resend");
        const QString id = m_line.arguments.at(1);
        const QString operation =
            QStringLiteral("invitation %1 %2").arg(m_line.arguments.first(), printable(id));
        auto changed =
            waitFor(resend ? m_session.resendInvitation(id) : m_session.revokeInvitation(id));
        if (!changed)
            return fail(operation, changed.error().message);
        printLine(stdout, resend ? QStringLiteral("Sent a new invitation link; the old one no "
                                                  "longer works.")
                                 : QStringLiteral("Revoked the invitation."));
        return kExitSuccess;
    }

    int share()
    {
        const QString id = m_line.arguments.first();
        const QString operation = QStringLiteral("share %1").arg(printable(id));
        QStringList userIds;
        if (!m_line.users.isEmpty()) {
            auto found = findUserIds(m_line.users);
            if (!found)
                return fail(operation, found.error().message);
            userIds = *found;
        }
        auto shared = waitFor(m_session.setSharing(id, m_line.mode, userIds));
        if (!shared)
            return fail(operation, shared.error().message);
        const QString mode = shared->toObject().value(QStringLiteral("sharing")).toString();
        printLine(
            stdout,
            QStringLiteral("Record %1 is now shared: %2.").arg(printable(id), printable(mode)));
        return kExitSuccess;
    }

    int listAccess()
    {
        const QString id = m_line.arguments.first();
        auto listed = waitFor(m_session.recordAccess(id));
        if (!listed)
            return fail(QStringLiteral("access %1").arg(printable(id)), listed.error().message);
        const QJsonArray entries = listed->toArray();
        if (m_line.json) {
            printJson(entries);
            return kExitSuccess;
        }
        printLine(stdout, QStringLiteral("%1  %2  %3")
                              .arg(QStringLiteral("USER ID"), -36)
                              .arg(QStringLiteral("REASON"), -8)
                              .arg(QStringLiteral("EMAIL")));
        for (const QJsonValue& value : entries) {
            const QJsonObject entry = value.toObject();
            printLine(stdout,
                      QStringLiteral("%1  %2  %3")
                          .arg(printable(entry.value(QStringLiteral("user_id")).toString()), -36)
                          .arg(printable(entry.value(QStringLiteral("reason")).toString()), -8)
                          .arg(printable(entry.value(QStringLiteral("email")).toString())));
        }
        return kExitSuccess;
    }

    const CommandLine& m_line;
    ClientSession& m_session;
};

} // namespace

bool isAccessCommand(const QString& command)
{
    static const QStringList commands = {
        QStringLiteral("team"),       QStringLiteral("member"), QStringLiteral("invite"),
        QStringLiteral("invitation"), QStringLiteral("share"),  QStringLiteral("access"),
    };
    return commands.contains(command);
}

int runAccessCommand(const CommandLine& line, ClientSession& session)
{
    return AccessCommands(line, session).run();
}

Result<client::UploadOptions> resolveUploadOptions(const CommandLine& line, ClientSession& session)
{
    client::UploadOptions options;
    options.sharing = line.share;
    AccessCommands commands(line, session);
    if (!line.team.isEmpty()) {
        auto teamId = commands.findTeamId(line.team);
        if (!teamId)
            return teamId.error();
        options.teamId = *teamId;
    }
    if (!line.users.isEmpty()) {
        auto userIds = commands.findUserIds(line.users);
        if (!userIds)
            return userIds.error();
        options.userIds = *userIds;
    }
    return options;
}

} // namespace chartinsight::cli
