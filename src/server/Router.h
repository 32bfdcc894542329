#pragma once

#include "Permissions.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <span>

namespace chartinsight::server {

// To add a route: add its RouteId above Count, add one row per method to kRoutes in
// Router.cpp with its access rule, dispatch it in ApiHandler::handle, and add its rows to the
// access matrix in tests/server/TestAccessMatrix.cpp. The server refuses to start while a
// RouteId has no row or a row has no access rule.
enum class RouteId
{
    None,                  // no route has this path
    Health,                // GET  /api/v1/health
    Login,                 // POST /api/v1/auth/login
    Logout,                // POST /api/v1/auth/logout
    Records,               // GET, POST /api/v1/records
    RecordContent,         // GET  /api/v1/records/{id}/content
    Refresh,               // POST /api/v1/auth/refresh
    LogoutAll,             // POST /api/v1/auth/logout-all
    Sessions,              // GET  /api/v1/auth/sessions
    SessionItem,           // DELETE /api/v1/auth/sessions/{id}
    MfaVerify,             // POST /api/v1/auth/mfa/verify
    MfaResend,             // POST /api/v1/auth/mfa/resend
    PasswordReset,         // POST /api/v1/auth/password-reset
    PasswordResetComplete, // POST /api/v1/auth/password-reset/complete
    PasswordPolicy,        // POST /api/v1/auth/password-policy
    ResetPage,             // GET, POST /reset-password (HTML form)
    Account,               // GET  /api/v1/account
    AccountPassword,       // POST /api/v1/account/password
    AccountMfa,            // POST /api/v1/account/mfa
    AdminUsers,            // GET  /api/v1/admin/users
    AdminUserUnlock,       // POST /api/v1/admin/users/{id}/unlock
    AdminUserPassword,     // POST /api/v1/admin/users/{id}/password
    Record,                // GET, PATCH, DELETE /api/v1/records/{id}
    RecordSharing,         // PUT  /api/v1/records/{id}/sharing
    RecordAccess,          // GET  /api/v1/records/{id}/access
    Users,                 // GET  /api/v1/users
    Teams,                 // GET, POST /api/v1/teams
    TeamItem,              // PUT  /api/v1/teams/{id}
    TeamMembers,           // GET, POST /api/v1/teams/{id}/members
    TeamMember,            // PUT, DELETE /api/v1/teams/{id}/members/{user_id}
    Roles,                 // GET, POST /api/v1/roles
    RoleItem,              // PUT, DELETE /api/v1/roles/{id}
    TeamInvitations,       // GET, POST /api/v1/teams/{id}/invitations
    InvitationResend,      // POST /api/v1/invitations/{id}/resend
    InvitationRevoke,      // POST /api/v1/invitations/{id}/revoke
    InvitationLookup,      // POST /api/v1/invitations/lookup
    InvitationAccept,      // POST /api/v1/invitations/accept
    InvitationPage,        // GET, POST /invitation (HTML form)
    RecordExpiry,          // PUT  /api/v1/records/{id}/expiry
    RecordHold,            // PUT  /api/v1/records/{id}/hold
    Templates,             // GET, POST /api/v1/templates
    TemplateItem,          // PUT, DELETE /api/v1/templates/{id}
    ReceiptKey,            // GET  /api/v1/receipt-key
    ExportOrganization,    // GET  /api/v1/export/organization
    ExportPersonal,        // GET  /api/v1/export/personal
    ReportAccess,          // GET  /api/v1/reports/access
    ReportActivity,        // GET  /api/v1/reports/activity
    ReportActivityChart,   // GET  /api/v1/reports/activity/chart
    ReportInvitations,     // GET  /api/v1/reports/invitations
    ReportLogins,          // GET  /api/v1/reports/logins
    AccountDisplayName,    // PATCH /api/v1/account
    RecordPreview,         // GET  /api/v1/records/{id}/preview
    RecordText,            // GET  /api/v1/records/{id}/text
    Count,                 // not a route: the number of RouteId values; stays last
};

// The access rule of a route, checked by ApiHandler before any handler runs. A handler may narrow
// the rule (record and team checks through AccessPolicy) but never widen it.
enum class AccessKind
{
    Missing,                // no rule declared: the server refuses to start
    Public,                 // anyone, signed in or not
    Token,                  // any signed-in user (valid access token)
    OrganizationPermission, // a signed-in user holding `permission` in the home team
};

struct AccessRule
{
    AccessKind kind = AccessKind::Missing;
    Permission permission = Permission::ManageOrganization; // OrganizationPermission only

    static constexpr AccessRule publicRoute() { return {AccessKind::Public}; }
    static constexpr AccessRule token() { return {AccessKind::Token}; }
    static constexpr AccessRule organizationPermission(Permission permission)
    {
        return {AccessKind::OrganizationPermission, permission};
    }
};

// One row of the route table: a method on a path pattern. The pattern contains fixed segments and
// "{name}" segments, each of which matches one non-empty path segment that should be an id.
struct RouteSpec
{
    const char* method;
    const char* pattern;
    RouteId route;
    AccessRule access;
};

struct RouteMatch
{
    RouteId route = RouteId::None;
    bool methodAllowed = false;
    QByteArray allowedMethods; // value of the Allow header, for example "GET, POST"
    AccessRule access;         // the rule of the matched method; Missing when not allowed
    QStringList ids;           // the {name} segments of the path, in order
    bool validIds = true;      // every id has the canonical UUID form (isValidRecordId)
    QString recordId;          // /api/v1/records/{id}... routes: ids[0]
    bool validRecordId = false;
    QString itemId; // ids[0] of the other routes with an id, for example SessionItem

    bool isUpload = false; // POST /api/v1/records: the body is streamed, not buffered
};

// Maps a method and a raw path (before '?') to a route. Paths match exactly: no trailing slash,
// no percent-decoding, so "/api/v1/%72ecords" is not a route.
class Router
{
public:
    static RouteMatch match(const QByteArray& method, const QByteArray& path);

    // Every row of the route table.
    static std::span<const RouteSpec> routes();

    // Checks that every RouteId has at least one row and every row an access rule. The server
    // calls this at start and refuses to serve when it fails.
    static Result<void> validate();

    // True for the routes that sign in, recover or manage accounts, which the per-IP rate limit
    // covers and AuthService handles.
    static bool isAuthRoute(RouteId route);

    // The path to write in the request log: the path of a matched route with valid ids (fixed
    // words and validated ids only), else a placeholder, because other paths are client text
    // that may carry personal data.
    static QByteArray pathForLog(const RouteMatch& match, const QByteArray& path);
};

} // namespace chartinsight::server
