#include "TeamService.h"

#include "ApiResponse.h"
#include "AuditLog.h"
#include "AuthErrors.h"
#include "EmailAddress.h"
#include "ServerContext.h"
#include "core/ErrorCodes.h"
#include "core/RecordInfo.h"
#include "storage/SqlDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <cstring>

namespace chartinsight::server {
namespace {

Q_LOGGING_CATEGORY(lcTeams, "chartinsight.server.teams", QtInfoMsg)

// Maximum length of a team or role name, in Unicode code points after trimming.
constexpr qsizetype kMaxNameLength = 64;

const QString kTeamNotFound =
    QStringLiteral("Your organization has no team with this id that you can see; list your "
                   "teams with GET /api/v1/teams for their ids.");

Error clientError(const char* code, const QString& message)
{
    return makeError(QString::fromLatin1(code), message);
}

Error invalidBody(const QString& expected)
{
    return clientError(errc::kInvalidRequest,
                       QStringLiteral("The body must be a JSON object with %1.").arg(expected));
}

Result<QJsonObject> parseObject(const HttpRequest& request, const QString& expected)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return invalidBody(expected);
    return document.object();
}

// True for characters a name may not contain: control and format characters (format includes
// the bidirectional overrides that make a name display as another), line and paragraph
// separators, and unpaired surrogates.
bool isForbiddenInName(char32_t codePoint)
{
    switch (QChar::category(codePoint)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

// Reads the team or role name in `value`: trimmed and in Unicode normalization form C, 1 to
// kMaxNameLength code points, with no control or format characters.
Result<QString> parseName(const QJsonValue& value, const QString& what)
{
    if (!value.isString())
        return invalidBody(QStringLiteral("the string \"name\" (the %1 name)").arg(what));
    const QString name = value.toString().trimmed().normalized(QString::NormalizationForm_C);
    const QList<uint> codePoints = name.toUcs4();
    if (codePoints.isEmpty() || codePoints.size() > kMaxNameLength) {
        return clientError(teamc::kInvalidName,
                           QStringLiteral("The %1 name must have 1 to %2 characters after "
                                          "leading and trailing spaces are removed; it has %3.")
                               .arg(what)
                               .arg(kMaxNameLength)
                               .arg(codePoints.size()));
    }
    for (qsizetype i = 0; i < codePoints.size(); ++i) {
        if (isForbiddenInName(char32_t(codePoints.at(i)))) {
            return clientError(teamc::kInvalidName,
                               QStringLiteral("The %1 name contains the control or format "
                                              "character U+%2 at position %3; remove it.")
                                   .arg(what)
                                   .arg(codePoints.at(i), 4, 16, QLatin1Char('0'))
                                   .arg(i + 1));
        }
    }
    return name;
}

QJsonArray namesOf(PermissionSet set)
{
    return QJsonArray::fromStringList(permissionNames(set));
}

QJsonObject teamJson(const TeamRow& team, PermissionSet callerPermissions)
{
    return QJsonObject{{QStringLiteral("id"), team.id},
                       {QStringLiteral("name"), team.name},
                       {QStringLiteral("is_home"), team.isHome},
                       {QStringLiteral("member_count"), team.memberCount},
                       {QStringLiteral("permissions"), namesOf(callerPermissions)},
                       {QStringLiteral("retention_days"), team.retentionDays
                                                              ? QJsonValue(*team.retentionDays)
                                                              : QJsonValue(QJsonValue::Null)}};
}

QJsonObject memberJson(const MemberRow& member)
{
    return QJsonObject{{QStringLiteral("user_id"), member.userId},
                       {QStringLiteral("email"), member.email},
                       {QStringLiteral("permissions"), namesOf(member.permissions)}};
}

QJsonObject roleJson(const RoleRow& role)
{
    return QJsonObject{{QStringLiteral("id"), role.id},
                       {QStringLiteral("name"), role.name},
                       {QStringLiteral("permissions"), namesOf(role.permissions)}};
}

// The HTTP status of the client errors these routes return, or 0 for any other code.
int clientStatus(const QString& code)
{
    const QByteArray latin1 = code.toLatin1();
    const auto is = [&](const char* candidate) {
        return std::strcmp(latin1.constData(), candidate) == 0;
    };
    if (is(errc::kInvalidRequest) || is(accessc::kInvalidPermission) ||
        is(accessc::kInvalidMember) || is(teamc::kInvalidName))
        return 400;
    if (is(authc::kForbidden))
        return 403;
    if (is(errc::kNotFound))
        return 404;
    if (is(accessc::kTeamExists) || is(teamc::kRoleExists) || is(teamc::kMemberExists) ||
        is(accessc::kLastOrganizationAdmin) || is(teamc::kHomeTeamProtected))
        return 409;
    return 0;
}

} // namespace

TeamService::TeamService(ServerContext& context)
    : m_db(*context.database), m_policy(*context.database), m_teams(*context.database)
{
}

bool TeamService::handles(RouteId route)
{
    switch (route) {
    case RouteId::Teams:
    case RouteId::TeamItem:
    case RouteId::TeamMembers:
    case RouteId::TeamMember:
    case RouteId::Roles:
    case RouteId::RoleItem:
        return true;
    default:
        return false;
    }
}

Result<HttpResponse> TeamService::handle(const HttpRequest& request, const RouteMatch& match,
                                         const SessionUser& caller)
{
    const bool isGet = request.method == "GET";
    const bool isPut = request.method == "PUT";
    Result<Reply> reply = makeError(QString::fromLatin1(errc::kNotFound),
                                    QStringLiteral("No API route has this path."));
    Attempt attempt;
    switch (match.route) {
    case RouteId::Teams:
        reply = isGet ? listTeams(caller) : createTeam(request, caller, attempt);
        break;
    case RouteId::TeamItem:
        reply = renameTeam(request, caller, match.itemId, attempt);
        break;
    case RouteId::TeamMembers:
        reply = isGet ? listMembers(caller, match.itemId)
                      : addMember(request, caller, match.itemId, attempt);
        break;
    case RouteId::TeamMember:
        reply = isPut ? setMember(request, caller, match.itemId, match.ids.value(1), attempt)
                      : removeMember(caller, match.itemId, match.ids.value(1), attempt);
        break;
    case RouteId::Roles:
        reply = isGet ? listRoles(caller) : createRole(request, caller, attempt);
        break;
    case RouteId::RoleItem:
        reply = isPut ? updateRole(request, caller, match.itemId, attempt)
                      : deleteRole(caller, match.itemId, attempt);
        break;
    default:
        break;
    }

    if (!reply) {
        const int status = clientStatus(reply.error().code);
        if (status == 0)
            return reply.error();
        if ((status == 403 || status == 404) && !attempt.action.isEmpty() &&
            !attempt.targetId.isEmpty()) {
            AuditEntry entry = userAuditEntry(caller, attempt.action, attempt.targetKind,
                                              attempt.targetId, QStringLiteral("denied"));
            entry.details = attempt.details;
            AuditLog(m_db).appendOrLog(std::move(entry));
        }
        qCInfo(lcTeams).noquote() << "request" << request.requestId << "of user" << caller.userId
                                  << "rejected:" << reply.error().code;
        HttpResponse response =
            ApiResponse::error(status, reply.error().code, reply.error().message);
        response.userId = caller.userId;
        return response;
    }
    HttpResponse response;
    if (reply->status == 204) {
        response.status = 204;
    } else {
        response = ApiResponse::json(reply->status, reply->body);
    }
    response.userId = caller.userId;
    return response;
}

Result<void> TeamService::auditedChange(const SessionUser& caller, Attempt& attempt,
                                        const std::function<Result<void>()>& change)
{
    return m_db.withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            if (auto changed = change(); !changed)
                return changed;
            AuditEntry entry = userAuditEntry(caller, attempt.action, attempt.targetKind,
                                              attempt.targetId, QStringLiteral("success"));
            entry.details = attempt.details;
            return AuditLog(db).append(std::move(entry));
        });
    });
}

// ---- Teams ------------------------------------------------------------------------------------

Result<TeamService::Reply> TeamService::listTeams(const SessionUser& caller)
{
    auto home = m_policy.homePermissions(caller.userId);
    if (!home)
        return home.error();
    auto memberships = m_policy.memberships(caller.userId);
    if (!memberships)
        return memberships.error();
    auto teams = m_teams.listTeams(caller.organizationId);
    if (!teams)
        return teams.error();

    // A home-team manage_organization holder gets every team, other callers only their own.
    const bool seesAll = hasPermission(home.value(), Permission::ManageOrganization);
    QJsonArray array;
    for (const TeamRow& team : std::as_const(teams.value())) {
        const auto membership = memberships->constFind(team.id);
        const bool isMember = membership != memberships->cend();
        if (!seesAll && !isMember)
            continue;
        array.append(teamJson(team, isMember ? membership.value() : kNoPermissions));
    }
    return Reply{200, QJsonObject{{QStringLiteral("teams"), array}}};
}

Result<TeamService::Reply> TeamService::createTeam(const HttpRequest& request,
                                                   const SessionUser& caller, Attempt& attempt)
{
    auto allowed = m_policy.requireOrganization(caller.userId, Permission::ManageOrganization);
    if (!allowed)
        return allowed.error();
    auto body = parseObject(request, QStringLiteral("the string \"name\""));
    if (!body)
        return body.error();
    auto name = parseName(body->value(QStringLiteral("name")), QStringLiteral("team"));
    if (!name)
        return name.error();
    attempt = Attempt{QStringLiteral("team.created"), QStringLiteral("team"), QString(), {}};
    TeamRow team;
    auto done = auditedChange(caller, attempt, [&]() -> Result<void> {
        auto created = m_teams.createTeam(caller.organizationId, name.value());
        if (!created)
            return created.error();
        team = created.value();
        attempt.targetId = team.id;
        return {};
    });
    if (!done)
        return done.error();
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "created team" << team.id;
    return Reply{201, teamJson(team, kNoPermissions)};
}

Result<TeamService::Reply> TeamService::renameTeam(const HttpRequest& request,
                                                   const SessionUser& caller, const QString& teamId,
                                                   Attempt& attempt)
{
    attempt = Attempt{QStringLiteral("team.renamed"), QStringLiteral("team"), teamId, {}};
    auto allowed = m_policy.requireOrganization(caller.userId, Permission::ManageOrganization);
    if (!allowed)
        return allowed.error();
    auto body = parseObject(request, QStringLiteral("the string \"name\""));
    if (!body)
        return body.error();
    auto name = parseName(body->value(QStringLiteral("name")), QStringLiteral("team"));
    if (!name)
        return name.error();
    TeamRow team;
    auto done = auditedChange(caller, attempt, [&]() -> Result<void> {
        auto renamed = m_teams.renameTeam(caller.organizationId, teamId, name.value());
        if (!renamed)
            return renamed.error();
        team = renamed.value();
        return {};
    });
    if (!done) {
        // Another organization's team is reported like an unknown id.
        if (done.error().code == QLatin1String(errc::kNotFound))
            return clientError(errc::kNotFound, kTeamNotFound);
        return done.error();
    }
    auto permissions = m_policy.teamPermissions(caller.userId, teamId);
    if (!permissions)
        return permissions.error();
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "renamed team" << teamId;
    return Reply{200, teamJson(team, permissions.value())};
}

// ---- Members ----------------------------------------------------------------------------------

Result<TeamInfo> TeamService::requireVisibleTeam(const SessionUser& caller, const QString& teamId)
{
    // Members of the team see it, and so do home-team manage_organization holders. To anyone
    // else it does not exist, as in the team list.
    auto team = m_policy.findTeam(caller.userId, teamId);
    if (!team) {
        if (team.error().code == QLatin1String(errc::kNotFound))
            return clientError(errc::kNotFound, kTeamNotFound);
        return team.error();
    }
    auto memberships = m_policy.memberships(caller.userId);
    if (!memberships)
        return memberships.error();
    if (memberships->contains(teamId))
        return team;
    auto home = m_policy.homePermissions(caller.userId);
    if (!home)
        return home.error();
    if (!hasPermission(home.value(), Permission::ManageOrganization))
        return clientError(errc::kNotFound, kTeamNotFound);
    return team;
}

Result<TeamInfo> TeamService::requireTeamManager(const SessionUser& caller, const QString& teamId)
{
    auto visible = requireVisibleTeam(caller, teamId);
    if (!visible)
        return visible.error();
    auto team = m_policy.requireTeam(caller.userId, teamId, Permission::ManageOrganization);
    if (!team && team.error().code == QLatin1String(errc::kNotFound))
        return clientError(errc::kNotFound, kTeamNotFound);
    return team;
}

Result<void> TeamService::requireHeld(const SessionUser& caller, PermissionSet granted,
                                      PermissionSet teamHeld, const QString& where)
{
    if (granted == kNoPermissions)
        return {};
    auto home = m_policy.homePermissions(caller.userId);
    if (!home)
        return home.error();
    const PermissionSet missing = granted & ~(teamHeld | home.value());
    if (missing == kNoPermissions)
        return {};
    return clientError(authc::kForbidden,
                       QStringLiteral("You cannot grant %1 in %2 because you do not hold it "
                                      "yourself, in that team or in the home team.")
                           .arg(permissionNames(missing).join(QStringLiteral(", ")), where));
}

Result<TeamService::Reply> TeamService::listMembers(const SessionUser& caller,
                                                    const QString& teamId)
{
    auto team = requireVisibleTeam(caller, teamId);
    if (!team)
        return team.error();
    auto members = m_teams.listMembers(teamId);
    if (!members)
        return members.error();
    QJsonArray array;
    for (const MemberRow& member : std::as_const(members.value()))
        array.append(memberJson(member));
    return Reply{200, QJsonObject{{QStringLiteral("members"), array}}};
}

Result<TeamService::Reply> TeamService::addMember(const HttpRequest& request,
                                                  const SessionUser& caller, const QString& teamId,
                                                  Attempt& attempt)
{
    const QString expected = QStringLiteral(
        "either the string \"email\" or the string \"user_id\", and the array \"permissions\"");
    auto body = parseObject(request, expected);
    const QJsonValue email = body ? body->value(QStringLiteral("email")) : QJsonValue();
    const QJsonValue userId = body ? body->value(QStringLiteral("user_id")) : QJsonValue();
    // The target is known before the access check only when the body names the user by a
    // valid id, because an e-mail address never goes into the audit log.
    attempt = Attempt{QStringLiteral("member.added"), QStringLiteral("user"),
                      isValidRecordId(userId.toString()) ? userId.toString() : QString(),
                      QJsonObject{{QStringLiteral("team_id"), teamId}}};
    auto team = requireTeamManager(caller, teamId);
    if (!team)
        return team.error();
    if (!body)
        return body.error();
    if (email.isUndefined() == userId.isUndefined())
        return invalidBody(expected);
    if (!email.isUndefined() && !email.isString())
        return invalidBody(expected);
    if (!userId.isUndefined() && !userId.isString())
        return invalidBody(expected);
    auto permissions = parsePermissions(body->value(QStringLiteral("permissions")));
    if (!permissions)
        return permissions.error();

    // Unknown users and users of other organizations get the same error, so the route cannot
    // be used to learn which addresses have accounts elsewhere.
    auto user = email.isString() ? m_teams.findUserByEmail(caller.organizationId,
                                                           normaliseEmail(email.toString()))
                                 : m_teams.findUserById(caller.organizationId, userId.toString());
    if (!user)
        return user.error();
    if (!user.value()) {
        return clientError(accessc::kInvalidMember,
                           QStringLiteral("Your organization has no user with this %1; add the "
                                          "person to the organization first, or invite them.")
                               .arg(email.isString() ? QStringLiteral("e-mail address")
                                                     : QStringLiteral("user id")));
    }
    attempt.targetId = user.value()->id;

    auto held = m_policy.teamPermissions(caller.userId, teamId);
    if (!held)
        return held.error();
    const QString where = QStringLiteral("the team \"%1\"").arg(team->name);
    if (auto granted = requireHeld(caller, permissions.value(), held.value(), where); !granted)
        return granted.error();

    MemberRow member;
    auto done = auditedChange(caller, attempt, [&]() -> Result<void> {
        auto added = m_teams.addMember(teamId, user.value()->id, permissions.value());
        if (!added)
            return added.error();
        member = added.value();
        return {};
    });
    if (!done)
        return done.error();
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "added user" << member.userId
                              << "to team" << teamId << "with permissions" << member.permissions;
    return Reply{201, memberJson(member)};
}

Result<TeamService::Reply> TeamService::setMember(const HttpRequest& request,
                                                  const SessionUser& caller, const QString& teamId,
                                                  const QString& userId, Attempt& attempt)
{
    attempt = Attempt{QStringLiteral("member.permissions_changed"), QStringLiteral("user"), userId,
                      QJsonObject{{QStringLiteral("team_id"), teamId}}};
    auto team = requireTeamManager(caller, teamId);
    if (!team)
        return team.error();
    auto body = parseObject(request, QStringLiteral("the array \"permissions\""));
    if (!body)
        return body.error();
    auto permissions = parsePermissions(body->value(QStringLiteral("permissions")));
    if (!permissions)
        return permissions.error();

    // Only the permissions the change adds count as granted: keeping or removing one that the
    // caller lacks grants nothing. The check runs inside the update's transaction, and the
    // policy shares the database's recursive lock, so no other change lands between the two.
    const QString where = QStringLiteral("the team \"%1\"").arg(team->name);
    const auto grantsOnlyHeld = [&](const MemberRow& current) -> Result<void> {
        auto held = m_policy.teamPermissions(caller.userId, teamId);
        if (!held)
            return held.error();
        const PermissionSet added = permissions.value() & ~current.permissions;
        return requireHeld(caller, added, held.value(), where);
    };
    MemberRow member;
    auto done = auditedChange(caller, attempt, [&]() -> Result<void> {
        auto changed =
            m_teams.setMemberPermissions(teamId, userId, permissions.value(), grantsOnlyHeld);
        if (!changed)
            return changed.error();
        member = changed.value();
        return {};
    });
    if (!done) {
        if (done.error().code == QLatin1String(errc::kNotFound)) {
            attempt.action.clear();
            return clientError(errc::kNotFound,
                               QStringLiteral("This user is not a member of the team; add them "
                                              "with POST /api/v1/teams/{id}/members."));
        }
        return done.error();
    }
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "set the permissions of user" << userId
                              << "in team" << teamId << "to" << member.permissions;
    return Reply{200, memberJson(member)};
}

Result<TeamService::Reply> TeamService::removeMember(const SessionUser& caller,
                                                     const QString& teamId, const QString& userId,
                                                     Attempt& attempt)
{
    attempt = Attempt{QStringLiteral("member.removed"), QStringLiteral("user"), userId,
                      QJsonObject{{QStringLiteral("team_id"), teamId}}};
    auto team = requireTeamManager(caller, teamId);
    if (!team)
        return team.error();
    auto removed =
        auditedChange(caller, attempt, [&] { return m_teams.removeMember(teamId, userId); });
    if (!removed) {
        if (removed.error().code == QLatin1String(errc::kNotFound)) {
            attempt.action.clear();
            return clientError(errc::kNotFound,
                               QStringLiteral("This user is not a member of the team."));
        }
        return removed.error();
    }
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "removed user" << userId << "from team"
                              << teamId;
    return Reply{204, {}};
}

// ---- Roles ------------------------------------------------------------------------------------

Result<TeamService::Reply> TeamService::listRoles(const SessionUser& caller)
{
    auto roles = m_teams.listRoles(caller.organizationId);
    if (!roles)
        return roles.error();
    QJsonArray array;
    for (const RoleRow& role : std::as_const(roles.value()))
        array.append(roleJson(role));
    return Reply{200, QJsonObject{{QStringLiteral("roles"), array}}};
}

Result<TeamService::Reply> TeamService::createRole(const HttpRequest& request,
                                                   const SessionUser& caller, Attempt& attempt)
{
    auto allowed = m_policy.requireOrganization(caller.userId, Permission::ManageOrganization);
    if (!allowed)
        return allowed.error();
    auto body =
        parseObject(request, QStringLiteral("the string \"name\" and the array \"permissions\""));
    if (!body)
        return body.error();
    auto name = parseName(body->value(QStringLiteral("name")), QStringLiteral("role"));
    if (!name)
        return name.error();
    auto permissions = parsePermissions(body->value(QStringLiteral("permissions")));
    if (!permissions)
        return permissions.error();
    // A role is a preset that managers copy into memberships, so it may not carry a
    // permission its author could not grant directly.
    if (auto granted =
            requireHeld(caller, permissions.value(), kNoPermissions, QStringLiteral("a role"));
        !granted)
        return granted.error();

    attempt = Attempt{QStringLiteral("role.created"), QStringLiteral("role"), QString(), {}};
    RoleRow role;
    auto done = auditedChange(caller, attempt, [&]() -> Result<void> {
        auto created = m_teams.createRole(caller.organizationId, name.value(), permissions.value());
        if (!created)
            return created.error();
        role = created.value();
        attempt.targetId = role.id;
        return {};
    });
    if (!done)
        return done.error();
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "created role" << role.id;
    return Reply{201, roleJson(role)};
}

Result<TeamService::Reply> TeamService::updateRole(const HttpRequest& request,
                                                   const SessionUser& caller, const QString& roleId,
                                                   Attempt& attempt)
{
    attempt = Attempt{QStringLiteral("role.changed"), QStringLiteral("role"), roleId, {}};
    auto allowed = m_policy.requireOrganization(caller.userId, Permission::ManageOrganization);
    if (!allowed)
        return allowed.error();
    const QString expected =
        QStringLiteral("the string \"name\", the array \"permissions\", or both");
    auto body = parseObject(request, expected);
    if (!body)
        return body.error();
    const QJsonValue nameValue = body->value(QStringLiteral("name"));
    const QJsonValue permissionsValue = body->value(QStringLiteral("permissions"));
    if (nameValue.isUndefined() && permissionsValue.isUndefined())
        return invalidBody(expected);

    auto existing = m_teams.findRole(caller.organizationId, roleId);
    if (!existing)
        return existing.error();
    if (!existing.value()) {
        return clientError(errc::kNotFound,
                           QStringLiteral("Your organization has no role with this id; list the "
                                          "roles with GET /api/v1/roles for their ids."));
    }
    RoleRow role = *existing.value();
    if (!nameValue.isUndefined()) {
        auto name = parseName(nameValue, QStringLiteral("role"));
        if (!name)
            return name.error();
        role.name = name.value();
    }
    if (!permissionsValue.isUndefined()) {
        auto permissions = parsePermissions(permissionsValue);
        if (!permissions)
            return permissions.error();
        role.permissions = permissions.value();
    }
    const PermissionSet added = role.permissions & ~existing.value()->permissions;
    if (auto granted = requireHeld(caller, added, kNoPermissions, QStringLiteral("a role"));
        !granted)
        return granted.error();

    RoleRow updated;
    auto done = auditedChange(caller, attempt, [&]() -> Result<void> {
        auto changed = m_teams.updateRole(caller.organizationId, role);
        if (!changed)
            return changed.error();
        updated = changed.value();
        return {};
    });
    if (!done)
        return done.error();
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "updated role" << roleId;
    return Reply{200, roleJson(updated)};
}

Result<TeamService::Reply> TeamService::deleteRole(const SessionUser& caller, const QString& roleId,
                                                   Attempt& attempt)
{
    attempt = Attempt{QStringLiteral("role.deleted"), QStringLiteral("role"), roleId, {}};
    auto allowed = m_policy.requireOrganization(caller.userId, Permission::ManageOrganization);
    if (!allowed)
        return allowed.error();
    auto removed = auditedChange(caller, attempt,
                                 [&] { return m_teams.deleteRole(caller.organizationId, roleId); });
    if (!removed)
        return removed.error();
    qCInfo(lcTeams).noquote() << "user" << caller.userId << "deleted role" << roleId;
    return Reply{204, {}};
}

} // namespace chartinsight::server
