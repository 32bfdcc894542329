#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "HttpMessage.h"
#include "Router.h"
#include "TeamRepository.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

struct ServerContext;

// The routes for teams, team members and roles: /api/v1/teams, /api/v1/teams/{id},
// /api/v1/teams/{id}/members, /api/v1/teams/{id}/members/{user_id}, /api/v1/roles and
// /api/v1/roles/{id}.
//
// Every access decision goes through AccessPolicy, which reads the database on each call, so a
// changed membership applies to the caller's very next request. Besides the route's declared
// rule, the service enforces two rules of the access model. First, a caller cannot grant a
// permission they lack both in the team concerned and in the home team. Second, the home team
// keeps at least one manage_organization holder. The methods block on the database, so callers
// run them on the worker pool.
class TeamService
{
public:
    explicit TeamService(ServerContext& context);

    // True for the routes this class handles.
    static bool handles(RouteId route);

    // Handles one request of a signed-in `caller`. Client errors (400, 403, 404, 409) are
    // returned as a response. A server-side failure is returned as an Error, which the caller
    // logs and reports to the client with a generic message.
    Result<HttpResponse> handle(const HttpRequest& request, const RouteMatch& match,
                                const SessionUser& caller);

private:
    // A successful outcome before it becomes an HttpResponse.
    struct Reply
    {
        int status = 200;
        QJsonObject body;
    };

    // The audited change a request attempts, filled in by the route method as soon as the
    // target is known. handle() appends a "denied" entry for it when the request ends in 403 or
    // 404. A method clears `action` before a 404 that no access rule caused.
    struct Attempt
    {
        QString action; // empty for requests that change nothing
        QString targetKind;
        QString targetId;
        QJsonObject details; // ids only
    };

    Result<Reply> listTeams(const SessionUser& caller);
    Result<Reply> createTeam(const HttpRequest& request, const SessionUser& caller,
                             Attempt& attempt);
    Result<Reply> renameTeam(const HttpRequest& request, const SessionUser& caller,
                             const QString& teamId, Attempt& attempt);
    Result<Reply> listMembers(const SessionUser& caller, const QString& teamId);
    Result<Reply> addMember(const HttpRequest& request, const SessionUser& caller,
                            const QString& teamId, Attempt& attempt);
    Result<Reply> setMember(const HttpRequest& request, const SessionUser& caller,
                            const QString& teamId, const QString& userId, Attempt& attempt);
    Result<Reply> removeMember(const SessionUser& caller, const QString& teamId,
                               const QString& userId, Attempt& attempt);
    Result<Reply> listRoles(const SessionUser& caller);
    Result<Reply> createRole(const HttpRequest& request, const SessionUser& caller,
                             Attempt& attempt);
    Result<Reply> updateRole(const HttpRequest& request, const SessionUser& caller,
                             const QString& roleId, Attempt& attempt);
    Result<Reply> deleteRole(const SessionUser& caller, const QString& roleId, Attempt& attempt);

    // Runs `change` and appends the "success" entry of `attempt` in one transaction, so the
    // change and its entry commit or roll back together. `change` may set attempt.targetId.
    Result<void> auditedChange(const SessionUser& caller, Attempt& attempt,
                               const std::function<Result<void>()>& change);

    // Returns the team when the caller is a member of it or has home-team manage_organization,
    // else fails with not_found.
    Result<TeamInfo> requireVisibleTeam(const SessionUser& caller, const QString& teamId);
    // Returns the team when the caller may manage its members: manage_organization in the team
    // or in the home team. Fails with not_found or forbidden.
    Result<TeamInfo> requireTeamManager(const SessionUser& caller, const QString& teamId);
    // Fails with forbidden when `granted` contains a permission that is in neither `teamHeld` nor
    // the caller's home-team set. `where` names the team or the role for the message.
    Result<void> requireHeld(const SessionUser& caller, PermissionSet granted,
                             PermissionSet teamHeld, const QString& where);

    storage::SqlDatabase& m_db;
    AccessPolicy m_policy;
    TeamRepository m_teams;
};

} // namespace chartinsight::server
