#pragma once

#include <QByteArray>
#include <QString>

namespace chartinsight::server {

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
};

struct RouteMatch
{
    RouteId route = RouteId::None;
    bool methodAllowed = false;
    QByteArray allowedMethods; // value of the Allow header, for example "GET, POST"
    QString recordId;          // RecordContent only; may fail isValidRecordId
    bool validRecordId = false;
    QString itemId; // SessionItem and AdminUser* routes: the id in the path, a validated UUID

    bool isUpload = false; // POST /api/v1/records: the body is streamed, not buffered
};

// Maps a method and a raw path (before '?') to a route. Paths match exactly: no trailing slash,
// no percent-decoding, so "/api/v1/%72ecords" is not a route.
class Router
{
public:
    static RouteMatch match(const QByteArray& method, const QByteArray& path);

    // The path to write in the request log: the path of a matched route (which holds only
    // fixed words and a validated record id), else a placeholder, because an unmatched path is
    // client text that may carry personal data.
    // True for the routes that sign in, recover or manage accounts, which the per-IP rate limit
    // covers.
    static bool isAuthRoute(RouteId route);

    static QByteArray pathForLog(const RouteMatch& match, const QByteArray& path);
};

} // namespace chartinsight::server
