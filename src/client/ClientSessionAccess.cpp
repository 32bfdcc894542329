// ClientSession: teams, members, roles, record sharing and invitations (the access model).

#include "ClientLogging.h"
#include "ClientSessionImpl.h"
#include "OfflineCache.h"
#include "core/ErrorCodes.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace chartinsight::client {
namespace {

// Maximum length of a team name, in characters after trimming (the server's limit).
constexpr qsizetype kMaxTeamNameChars = 64;

const QStringList kPermissionNames = {
    QStringLiteral("manage_files"),
    QStringLiteral("manage_organization"),
    QStringLiteral("manage_billing"),
    QStringLiteral("manage_api"),
};

const QStringList kSharingModes = {
    QStringLiteral("private"),
    QStringLiteral("team"),
    QStringLiteral("users"),
};

Error invalidInput(const QString& message)
{
    return makeError(QString::fromLatin1(errc::kInvalidRequest), message);
}

// Returns the value shown in an error about `value`: at most 64 characters, anything outside
// the id alphabet replaced by '?', so that a pasted secret or control character is not echoed.
QString shownId(const QString& value)
{
    QString shown = value.left(64);
    shown.replace(QRegularExpression(QStringLiteral("[^0-9A-Za-z_-]")), QStringLiteral("?"));
    return shown;
}

// Returns an error when `id` cannot be a server id, so that it never changes the request path.
std::optional<Error> checkId(const QString& id, const QString& what)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9A-Za-z_-]{1,64}\\z"));
    if (pattern.match(id).hasMatch())
        return std::nullopt;
    return invalidInput(QStringLiteral("'%1' is not a valid %2 id: use an id from the %2 list.")
                            .arg(shownId(id), what));
}

std::optional<Error> checkRecordId(const QString& id)
{
    if (isValidRecordId(id))
        return std::nullopt;
    return invalidInput(QStringLiteral("'%1' is not a record id: ids look like "
                                       "123e4567-e89b-42d3-a456-426614174000 (see the list "
                                       "command).")
                            .arg(shownId(id)));
}

std::optional<Error> checkPermissions(const QStringList& permissions)
{
    for (const QString& name : permissions) {
        if (!kPermissionNames.contains(name)) {
            return invalidInput(
                QStringLiteral("'%1' is not a permission: use %2.")
                    .arg(name.left(64), kPermissionNames.join(QStringLiteral(", "))));
        }
    }
    return std::nullopt;
}

std::optional<Error> checkEmail(const QString& email)
{
    const QString trimmed = email.trimmed();
    if (trimmed.isEmpty())
        return invalidInput(QStringLiteral("Enter the e-mail address."));
    if (!trimmed.contains(QLatin1Char('@')) || trimmed.size() > 254)
        return invalidInput(QStringLiteral("'%1' is not an e-mail address: enter it as "
                                           "name@example.org.")
                                .arg(trimmed.left(64)));
    return std::nullopt;
}

// Returns `permissions` in the API's order (manage_files, manage_organization,
// manage_billing, manage_api), without repeats.
QJsonArray permissionArray(const QStringList& permissions)
{
    QJsonArray array;
    for (const QString& name : kPermissionNames) {
        if (permissions.contains(name))
            array.append(name);
    }
    return array;
}

QString encoded(const QString& id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

std::function<QJsonValue(const QJsonObject&)> arrayOf(const QString& field)
{
    return [field](const QJsonObject& body) { return QJsonValue(body.value(field).toArray()); };
}

} // namespace

ClientTask* ClientSession::Impl::failedTask(Error error)
{
    return startTask([error = std::move(error)](ClientTask* task) { task->failWith(error); },
                     false);
}

ClientTask* ClientSession::Impl::startRecordRequest(Verb verb, const QString& recordId,
                                                    const QString& suffix, const QJsonObject& body,
                                                    const QString& arrayField)
{
    if (auto invalid = checkRecordId(recordId))
        return failedTask(*invalid);
    const QString path = QStringLiteral("/api/v1/records/") + encoded(recordId) + suffix;
    return startTask(
        [this, verb, path, body, recordId, arrayField](ClientTask* task) {
            sendJson(
                task, verb, path, body,
                [this, task, recordId, arrayField](Result<QJsonObject> response) {
                    if (!response) {
                        finishRecordFailure(task, recordId, response.error());
                        return;
                    }
                    if (!arrayField.isEmpty()) {
                        task->finishWith(response->value(arrayField).toArray());
                        return;
                    }
                    auto record = RecordInfo::fromJson(*response);
                    if (!record) {
                        task->failWith(record.error());
                        return;
                    }
                    withOptionalCache(task, [this, task, record = *record](OfflineCache* cache) {
                        if (cache) {
                            if (auto kept = cache->updateRecord(server, record); !kept)
                                qCWarning(lcSession) << "could not update cached record"
                                                     << record.id << ":" << kept.error().code;
                        }
                        task->finishWith(record.toJson());
                    });
                });
        },
        true);
}

void ClientSession::Impl::finishRecordFailure(ClientTask* task, const QString& recordId,
                                              const Error& error)
{
    if (error.code != QLatin1String(errc::kNotFound)) {
        task->failWith(error);
        return;
    }
    // The server returns "not_found" alike for a deleted record and one the user may no longer
    // see. Either way no copy of it may stay on this computer.
    const Error noAccess = makeError(
        QString::fromLatin1(errc::kNotFound),
        QStringLiteral("Record %1 was not found on the server, or you have no access to it. Ask "
                       "its uploader to share it with you if you need it.")
            .arg(recordId));
    withOptionalCache(task, [this, task, recordId, noAccess](OfflineCache* cache) {
        if (cache) {
            if (auto forgotten = cache->forgetRecord(server, recordId); !forgotten)
                qCWarning(lcSession) << "could not remove record" << recordId
                                     << "from this computer:" << forgotten.error().code;
        }
        task->failWith(noAccess);
    });
}

ClientTask* ClientSession::teams()
{
    return d->startRequest(Impl::Verb::Get, QStringLiteral("/api/v1/teams"), {},
                           arrayOf(QStringLiteral("teams")));
}

ClientTask* ClientSession::createTeam(const QString& name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return d->failedTask(invalidInput(QStringLiteral("Enter the team name.")));
    if (trimmed.size() > kMaxTeamNameChars) {
        return d->failedTask(
            invalidInput(QStringLiteral("The team name has %1 characters; use at most %2.")
                             .arg(trimmed.size())
                             .arg(kMaxTeamNameChars)));
    }
    return d->startRequest(
        Impl::Verb::Post, QStringLiteral("/api/v1/teams"),
        QJsonObject{{QStringLiteral("name"), trimmed}}, [](const QJsonObject& team) {
            qCInfo(lcSession) << "created team" << team.value(QStringLiteral("id")).toString();
            return QJsonValue(team);
        });
}

ClientTask* ClientSession::teamMembers(const QString& teamId)
{
    if (auto invalid = checkId(teamId, QStringLiteral("team")))
        return d->failedTask(*invalid);
    return d->startRequest(Impl::Verb::Get,
                           QStringLiteral("/api/v1/teams/%1/members").arg(encoded(teamId)), {},
                           arrayOf(QStringLiteral("members")));
}

ClientTask* ClientSession::addMember(const QString& teamId, const QString& email,
                                     const QStringList& permissions)
{
    if (auto invalid = checkId(teamId, QStringLiteral("team")))
        return d->failedTask(*invalid);
    if (auto invalid = checkEmail(email))
        return d->failedTask(*invalid);
    if (auto invalid = checkPermissions(permissions))
        return d->failedTask(*invalid);
    return d->startRequest(
        Impl::Verb::Post, QStringLiteral("/api/v1/teams/%1/members").arg(encoded(teamId)),
        QJsonObject{{QStringLiteral("email"), email.trimmed()},
                    {QStringLiteral("permissions"), permissionArray(permissions)}},
        [teamId](const QJsonObject& member) {
            qCInfo(lcSession) << "added user" << member.value(QStringLiteral("user_id")).toString()
                              << "to team" << teamId;
            return QJsonValue(member);
        });
}

ClientTask* ClientSession::setMemberPermissions(const QString& teamId, const QString& userId,
                                                const QStringList& permissions)
{
    if (auto invalid = checkId(teamId, QStringLiteral("team")))
        return d->failedTask(*invalid);
    if (auto invalid = checkId(userId, QStringLiteral("user")))
        return d->failedTask(*invalid);
    if (auto invalid = checkPermissions(permissions))
        return d->failedTask(*invalid);
    return d->startRequest(
        Impl::Verb::Put,
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(encoded(teamId), encoded(userId)),
        QJsonObject{{QStringLiteral("permissions"), permissionArray(permissions)}},
        [teamId, userId](const QJsonObject& member) {
            qCInfo(lcSession) << "changed the permissions of user" << userId << "in team" << teamId;
            return QJsonValue(member);
        });
}

ClientTask* ClientSession::removeMember(const QString& teamId, const QString& userId)
{
    if (auto invalid = checkId(teamId, QStringLiteral("team")))
        return d->failedTask(*invalid);
    if (auto invalid = checkId(userId, QStringLiteral("user")))
        return d->failedTask(*invalid);
    return d->startRequest(
        Impl::Verb::Delete,
        QStringLiteral("/api/v1/teams/%1/members/%2").arg(encoded(teamId), encoded(userId)), {},
        [teamId, userId](const QJsonObject&) {
            qCInfo(lcSession) << "removed user" << userId << "from team" << teamId;
            return QJsonValue(QJsonObject{});
        });
}

ClientTask* ClientSession::roles()
{
    return d->startRequest(Impl::Verb::Get, QStringLiteral("/api/v1/roles"), {},
                           arrayOf(QStringLiteral("roles")));
}

ClientTask* ClientSession::organizationUsers()
{
    return d->startRequest(Impl::Verb::Get, QStringLiteral("/api/v1/users"), {},
                           arrayOf(QStringLiteral("users")));
}

ClientTask* ClientSession::recordDetails(const QString& recordId)
{
    return d->startRecordRequest(Impl::Verb::Get, recordId, {}, {});
}

ClientTask* ClientSession::recordAccess(const QString& recordId)
{
    return d->startRecordRequest(Impl::Verb::Get, recordId, QStringLiteral("/access"), {},
                                 QStringLiteral("entries"));
}

ClientTask* ClientSession::setSharing(const QString& recordId, const QString& mode,
                                      const QStringList& userIds)
{
    if (!kSharingModes.contains(mode)) {
        return d->failedTask(invalidInput(QStringLiteral("'%1' is not a sharing mode: use "
                                                         "private, team or users.")
                                              .arg(mode.left(64))));
    }
    if (mode != QLatin1String("users") && !userIds.isEmpty()) {
        return d->failedTask(invalidInput(QStringLiteral("Users can only be named with the "
                                                         "sharing mode \"users\", not \"%1\".")
                                              .arg(mode)));
    }
    for (const QString& userId : userIds) {
        if (auto invalid = checkId(userId, QStringLiteral("user")))
            return d->failedTask(*invalid);
    }
    const QJsonObject body{{QStringLiteral("mode"), mode},
                           {QStringLiteral("users"), QJsonArray::fromStringList(userIds)}};
    return d->startRecordRequest(Impl::Verb::Put, recordId, QStringLiteral("/sharing"), body);
}

ClientTask* ClientSession::setRecordTitle(const QString& recordId, const QString& title)
{
    return d->startRecordRequest(Impl::Verb::Patch, recordId, {},
                                 QJsonObject{{QStringLiteral("title"), title.trimmed()}});
}

ClientTask* ClientSession::invitations(const QString& teamId)
{
    if (auto invalid = checkId(teamId, QStringLiteral("team")))
        return d->failedTask(*invalid);
    return d->startRequest(Impl::Verb::Get,
                           QStringLiteral("/api/v1/teams/%1/invitations").arg(encoded(teamId)), {},
                           arrayOf(QStringLiteral("invitations")));
}

ClientTask* ClientSession::invite(const QString& teamId, const QString& email,
                                  const QStringList& permissions)
{
    if (auto invalid = checkId(teamId, QStringLiteral("team")))
        return d->failedTask(*invalid);
    if (auto invalid = checkEmail(email))
        return d->failedTask(*invalid);
    if (auto invalid = checkPermissions(permissions))
        return d->failedTask(*invalid);
    return d->startRequest(
        Impl::Verb::Post, QStringLiteral("/api/v1/teams/%1/invitations").arg(encoded(teamId)),
        QJsonObject{{QStringLiteral("email"), email.trimmed()},
                    {QStringLiteral("permissions"), permissionArray(permissions)}},
        [teamId](const QJsonObject& invitation) {
            qCInfo(lcSession) << "sent invitation"
                              << invitation.value(QStringLiteral("id")).toString() << "into team"
                              << teamId;
            return QJsonValue(invitation);
        });
}

ClientTask* ClientSession::resendInvitation(const QString& invitationId)
{
    if (auto invalid = checkId(invitationId, QStringLiteral("invitation")))
        return d->failedTask(*invalid);
    return d->startRequest(
        Impl::Verb::Post,
        QStringLiteral("/api/v1/invitations/%1/resend").arg(encoded(invitationId)), {},
        [invitationId](const QJsonObject& invitation) {
            qCInfo(lcSession) << "resent invitation" << invitationId;
            return QJsonValue(invitation);
        });
}

ClientTask* ClientSession::revokeInvitation(const QString& invitationId)
{
    if (auto invalid = checkId(invitationId, QStringLiteral("invitation")))
        return d->failedTask(*invalid);
    return d->startRequest(
        Impl::Verb::Post,
        QStringLiteral("/api/v1/invitations/%1/revoke").arg(encoded(invitationId)), {},
        [invitationId](const QJsonObject& invitation) {
            qCInfo(lcSession) << "revoked invitation" << invitationId;
            return QJsonValue(invitation);
        });
}

} // namespace chartinsight::client
