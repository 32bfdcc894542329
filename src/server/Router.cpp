#include "Router.h"

#include "core/RecordInfo.h"

namespace chartinsight::server {
namespace {

constexpr char kRecordsPrefix[] = "/api/v1/records/";
constexpr char kContentSuffix[] = "/content";
constexpr char kSessionsPrefix[] = "/api/v1/auth/sessions/";
constexpr char kAdminUsersPrefix[] = "/api/v1/admin/users/";

struct FixedRoute
{
    const char* path;
    RouteId route;
    const char* methods;
};

constexpr FixedRoute kFixedRoutes[] = {
    {"/api/v1/auth/refresh", RouteId::Refresh, "POST"},
    {"/api/v1/auth/logout-all", RouteId::LogoutAll, "POST"},
    {"/api/v1/auth/sessions", RouteId::Sessions, "GET"},
    {"/api/v1/auth/mfa/verify", RouteId::MfaVerify, "POST"},
    {"/api/v1/auth/mfa/resend", RouteId::MfaResend, "POST"},
    {"/api/v1/auth/password-reset", RouteId::PasswordReset, "POST"},
    {"/api/v1/auth/password-reset/complete", RouteId::PasswordResetComplete, "POST"},
    {"/api/v1/auth/password-policy", RouteId::PasswordPolicy, "POST"},
    {"/reset-password", RouteId::ResetPage, "GET, POST"},
    {"/api/v1/account", RouteId::Account, "GET"},
    {"/api/v1/account/password", RouteId::AccountPassword, "POST"},
    {"/api/v1/account/mfa", RouteId::AccountMfa, "POST"},
    {"/api/v1/admin/users", RouteId::AdminUsers, "GET"},
};

// Matches PREFIX{id}SUFFIX with a UUID id.
bool matchItem(const QByteArray& path, const char* prefix, const char* suffix, QString& id)
{
    if (!path.startsWith(prefix) || !path.endsWith(suffix))
        return false;
    const qsizetype start = qsizetype(qstrlen(prefix));
    const qsizetype length = path.size() - start - qsizetype(qstrlen(suffix));
    if (length <= 0)
        return false;
    const QString candidate = QString::fromLatin1(path.mid(start, length));
    if (!isValidRecordId(candidate))
        return false;
    id = candidate;
    return true;
}

} // namespace

RouteMatch Router::match(const QByteArray& method, const QByteArray& path)
{
    RouteMatch match;
    if (path == "/api/v1/health") {
        match.route = RouteId::Health;
        match.allowedMethods = "GET";
    } else if (path == "/api/v1/auth/login") {
        match.route = RouteId::Login;
        match.allowedMethods = "POST";
    } else if (path == "/api/v1/auth/logout") {
        match.route = RouteId::Logout;
        match.allowedMethods = "POST";
    } else if (path == "/api/v1/records") {
        match.route = RouteId::Records;
        match.allowedMethods = "GET, POST";
    } else if (matchItem(path, kSessionsPrefix, "", match.itemId)) {
        match.route = RouteId::SessionItem;
        match.allowedMethods = "DELETE";
    } else if (matchItem(path, kAdminUsersPrefix, "/unlock", match.itemId)) {
        match.route = RouteId::AdminUserUnlock;
        match.allowedMethods = "POST";
    } else if (matchItem(path, kAdminUsersPrefix, "/password", match.itemId)) {
        match.route = RouteId::AdminUserPassword;
        match.allowedMethods = "POST";
    } else if (path.startsWith(kRecordsPrefix) && path.endsWith(kContentSuffix)) {
        const qsizetype idStart = qsizetype(sizeof kRecordsPrefix - 1);
        const qsizetype idLength = path.size() - idStart - qsizetype(sizeof kContentSuffix - 1);
        if (idLength <= 0)
            return match;
        match.route = RouteId::RecordContent;
        match.allowedMethods = "GET";
        match.recordId = QString::fromLatin1(path.mid(idStart, idLength));
        match.validRecordId = isValidRecordId(match.recordId);
    } else {
        for (const FixedRoute& fixed : kFixedRoutes) {
            if (path == fixed.path) {
                match.route = fixed.route;
                match.allowedMethods = fixed.methods;
            }
        }
        if (match.route == RouteId::None)
            return match;
    }
    for (const QByteArray& allowed : match.allowedMethods.split(',')) {
        if (allowed.trimmed() == method)
            match.methodAllowed = true;
    }
    match.isUpload = match.route == RouteId::Records && method == "POST";
    return match;
}

bool Router::isAuthRoute(RouteId route)
{
    switch (route) {
    case RouteId::None:
    case RouteId::Health:
    case RouteId::Records:
    case RouteId::RecordContent:
        return false;
    default:
        return true;
    }
}

QByteArray Router::pathForLog(const RouteMatch& match, const QByteArray& path)
{
    if (match.route == RouteId::None)
        return QByteArrayLiteral("(unknown path)");
    if (match.route == RouteId::RecordContent && !match.validRecordId)
        return QByteArrayLiteral("/api/v1/records/(invalid id)/content");
    return path;
}

} // namespace chartinsight::server
