#include "Router.h"

#include "core/ErrorCodes.h"
#include "core/RecordInfo.h"

#include <QList>

namespace chartinsight::server {
namespace {

constexpr AccessRule kPublic = AccessRule::publicRoute();
constexpr AccessRule kToken = AccessRule::token();
constexpr AccessRule kOrganizationAdmin =
    AccessRule::organizationPermission(Permission::ManageOrganization);

// The route table. Rows with the same pattern form one resource; its Allow header lists their
// methods in this order.
constexpr RouteSpec kRoutes[] = {
    {"GET", "/api/v1/health", RouteId::Health, kPublic},
    {"POST", "/api/v1/auth/login", RouteId::Login, kPublic},
    {"POST", "/api/v1/auth/logout", RouteId::Logout, kToken},
    {"POST", "/api/v1/auth/refresh", RouteId::Refresh, kPublic},
    {"POST", "/api/v1/auth/logout-all", RouteId::LogoutAll, kToken},
    {"GET", "/api/v1/auth/sessions", RouteId::Sessions, kToken},
    {"DELETE", "/api/v1/auth/sessions/{id}", RouteId::SessionItem, kToken},
    {"POST", "/api/v1/auth/mfa/verify", RouteId::MfaVerify, kPublic},
    {"POST", "/api/v1/auth/mfa/resend", RouteId::MfaResend, kPublic},
    {"POST", "/api/v1/auth/password-reset", RouteId::PasswordReset, kPublic},
    {"POST", "/api/v1/auth/password-reset/complete", RouteId::PasswordResetComplete, kPublic},
    {"POST", "/api/v1/auth/password-policy", RouteId::PasswordPolicy, kPublic},
    {"GET", "/reset-password", RouteId::ResetPage, kPublic},
    {"POST", "/reset-password", RouteId::ResetPage, kPublic},
    {"GET", "/api/v1/account", RouteId::Account, kToken},
    {"PATCH", "/api/v1/account", RouteId::AccountDisplayName, kToken},
    {"POST", "/api/v1/account/password", RouteId::AccountPassword, kToken},
    {"POST", "/api/v1/account/mfa", RouteId::AccountMfa, kToken},
    {"GET", "/api/v1/admin/users", RouteId::AdminUsers, kOrganizationAdmin},
    {"POST", "/api/v1/admin/users/{id}/unlock", RouteId::AdminUserUnlock, kOrganizationAdmin},
    {"POST", "/api/v1/admin/users/{id}/password", RouteId::AdminUserPassword, kOrganizationAdmin},
    // Record routes check visibility and team permissions per record through AccessPolicy.
    {"GET", "/api/v1/records", RouteId::Records, kToken},
    {"POST", "/api/v1/records", RouteId::Records, kToken},
    {"GET", "/api/v1/records/{id}", RouteId::Record, kToken},
    {"PATCH", "/api/v1/records/{id}", RouteId::Record, kToken},
    {"DELETE", "/api/v1/records/{id}", RouteId::Record, kToken},
    {"GET", "/api/v1/records/{id}/content", RouteId::RecordContent, kToken},
    {"PUT", "/api/v1/records/{id}/sharing", RouteId::RecordSharing, kToken},
    {"GET", "/api/v1/records/{id}/access", RouteId::RecordAccess, kToken},
    // Expiration needs manage_files in the record's team and a legal hold manage_organization
    // in the home team; RetentionService checks the record through AccessPolicy.
    {"PUT", "/api/v1/records/{id}/expiry", RouteId::RecordExpiry, kToken},
    {"PUT", "/api/v1/records/{id}/hold", RouteId::RecordHold, kOrganizationAdmin},
    {"GET", "/api/v1/templates", RouteId::Templates, kToken},
    {"POST", "/api/v1/templates", RouteId::Templates, kOrganizationAdmin},
    {"PUT", "/api/v1/templates/{id}", RouteId::TemplateItem, kOrganizationAdmin},
    {"DELETE", "/api/v1/templates/{id}", RouteId::TemplateItem, kOrganizationAdmin},
    // The public key that verifies deletion receipts; anyone may fetch it.
    {"GET", "/api/v1/receipt-key", RouteId::ReceiptKey, kPublic},
    {"GET", "/api/v1/records/{id}/preview", RouteId::RecordPreview, kToken},
    {"GET", "/api/v1/records/{id}/text", RouteId::RecordText, kToken},
    {"GET", "/api/v1/users", RouteId::Users, kToken},
    // Member routes need manage_organization in the team or in the home team, and members may
    // read their own team, so TeamService checks those per team through AccessPolicy.
    {"GET", "/api/v1/teams", RouteId::Teams, kToken},
    {"POST", "/api/v1/teams", RouteId::Teams, kOrganizationAdmin},
    {"PUT", "/api/v1/teams/{id}", RouteId::TeamItem, kOrganizationAdmin},
    {"GET", "/api/v1/teams/{id}/members", RouteId::TeamMembers, kToken},
    {"POST", "/api/v1/teams/{id}/members", RouteId::TeamMembers, kToken},
    {"PUT", "/api/v1/teams/{id}/members/{user_id}", RouteId::TeamMember, kToken},
    {"DELETE", "/api/v1/teams/{id}/members/{user_id}", RouteId::TeamMember, kToken},
    {"GET", "/api/v1/roles", RouteId::Roles, kToken},
    {"POST", "/api/v1/roles", RouteId::Roles, kOrganizationAdmin},
    {"PUT", "/api/v1/roles/{id}", RouteId::RoleItem, kOrganizationAdmin},
    {"DELETE", "/api/v1/roles/{id}", RouteId::RoleItem, kOrganizationAdmin},
    // Invitations need manage_organization in the invitation's team or in the home team, so
    // InvitationService checks them per team. The token routes are public: the token is the
    // credential.
    {"GET", "/api/v1/teams/{id}/invitations", RouteId::TeamInvitations, kToken},
    {"POST", "/api/v1/teams/{id}/invitations", RouteId::TeamInvitations, kToken},
    {"POST", "/api/v1/invitations/{id}/resend", RouteId::InvitationResend, kToken},
    {"POST", "/api/v1/invitations/{id}/revoke", RouteId::InvitationRevoke, kToken},
    {"POST", "/api/v1/invitations/lookup", RouteId::InvitationLookup, kPublic},
    {"POST", "/api/v1/invitations/accept", RouteId::InvitationAccept, kPublic},
    {"GET", "/invitation", RouteId::InvitationPage, kPublic},
    {"POST", "/invitation", RouteId::InvitationPage, kPublic},
    // Exports stream a tar archive (ExportService); the personal one contains only records
    // the caller may see.
    {"GET", "/api/v1/export/organization", RouteId::ExportOrganization, kOrganizationAdmin},
    {"GET", "/api/v1/export/personal", RouteId::ExportPersonal, kToken},
    // Reports narrow their rows to the caller's scope (ReportService): the whole organization
    // for manage_organization in General, else entries about records the caller uploaded.
    {"GET", "/api/v1/reports/access", RouteId::ReportAccess, kToken},
    {"GET", "/api/v1/reports/activity", RouteId::ReportActivity, kToken},
    {"GET", "/api/v1/reports/activity/chart", RouteId::ReportActivityChart, kToken},
    {"GET", "/api/v1/reports/invitations", RouteId::ReportInvitations, kOrganizationAdmin},
    {"GET", "/api/v1/reports/logins", RouteId::ReportLogins, kOrganizationAdmin},
};

// Splits a path or pattern at '/'. A leading '/' gives an empty first segment.
QList<QByteArray> segmentsOf(const QByteArray& path)
{
    return path.split('/');
}

bool isPlaceholder(const QByteArray& segment)
{
    return segment.startsWith('{') && segment.endsWith('}');
}

// Matches `path` against `pattern`; on success fills `ids` and returns the number of
// placeholders, else returns -1.
int matchPattern(const QList<QByteArray>& path, const QByteArray& pattern, QStringList& ids)
{
    const QList<QByteArray> expected = segmentsOf(pattern);
    if (expected.size() != path.size())
        return -1;
    QStringList found;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        if (isPlaceholder(expected.at(i))) {
            if (path.at(i).isEmpty())
                return -1;
            found << QString::fromLatin1(path.at(i));
        } else if (expected.at(i) != path.at(i)) {
            return -1;
        }
    }
    ids = found;
    return int(found.size());
}

} // namespace

std::span<const RouteSpec> Router::routes()
{
    return kRoutes;
}

RouteMatch Router::match(const QByteArray& method, const QByteArray& path)
{
    RouteMatch match;
    const QList<QByteArray> segments = segmentsOf(path);

    // The matching pattern with the fewest placeholders wins, so "/x/lookup" beats "/x/{id}".
    const char* bestPattern = nullptr;
    int bestPlaceholders = -1;
    for (const RouteSpec& spec : kRoutes) {
        QStringList ids;
        const int placeholders = matchPattern(segments, spec.pattern, ids);
        if (placeholders < 0)
            continue;
        if (!bestPattern || placeholders < bestPlaceholders) {
            bestPattern = spec.pattern;
            bestPlaceholders = placeholders;
            match.ids = ids;
        }
    }
    if (!bestPattern)
        return match;

    QList<QByteArray> methods;
    for (const RouteSpec& spec : kRoutes) {
        if (qstrcmp(spec.pattern, bestPattern) != 0)
            continue;
        if (match.route == RouteId::None)
            match.route = spec.route;
        if (!methods.contains(QByteArray(spec.method)))
            methods << QByteArray(spec.method);
        if (method == spec.method) {
            match.route = spec.route;
            match.methodAllowed = true;
            match.access = spec.access;
        }
    }
    match.allowedMethods = methods.join(", ");

    for (const QString& id : std::as_const(match.ids)) {
        if (!isValidRecordId(id))
            match.validIds = false;
    }
    if (QByteArray(bestPattern).startsWith("/api/v1/records/")) {
        match.recordId = match.ids.value(0);
        match.validRecordId = match.validIds;
    } else {
        match.itemId = match.ids.value(0);
    }
    match.isUpload = match.route == RouteId::Records && method == "POST";
    return match;
}

Result<void> Router::validate()
{
    for (int value = int(RouteId::None) + 1; value < int(RouteId::Count); ++value) {
        bool declared = false;
        for (const RouteSpec& spec : kRoutes) {
            if (int(spec.route) == value)
                declared = true;
        }
        if (!declared) {
            return makeError(QString::fromLatin1(errc::kInternal),
                             QStringLiteral("Route number %1 has no row in the route table; "
                                            "declare its path, methods and access rule.")
                                 .arg(value));
        }
    }
    for (const RouteSpec& spec : kRoutes) {
        if (spec.access.kind == AccessKind::Missing || spec.route == RouteId::None ||
            spec.route == RouteId::Count) {
            return makeError(
                QString::fromLatin1(errc::kInternal),
                QStringLiteral("The route %1 %2 has no access rule; declare Public, "
                               "Token or an organization permission.")
                    .arg(QString::fromLatin1(spec.method), QString::fromLatin1(spec.pattern)));
        }
    }
    return {};
}

bool Router::isAuthRoute(RouteId route)
{
    switch (route) {
    case RouteId::Login:
    case RouteId::Logout:
    case RouteId::Refresh:
    case RouteId::LogoutAll:
    case RouteId::Sessions:
    case RouteId::SessionItem:
    case RouteId::MfaVerify:
    case RouteId::MfaResend:
    case RouteId::PasswordReset:
    case RouteId::PasswordResetComplete:
    case RouteId::PasswordPolicy:
    case RouteId::ResetPage:
    case RouteId::Account:
    case RouteId::AccountPassword:
    case RouteId::AccountMfa:
    case RouteId::AdminUsers:
    case RouteId::AdminUserUnlock:
    case RouteId::AdminUserPassword:
        return true;
    default:
        return false;
    }
}

QByteArray Router::pathForLog(const RouteMatch& match, const QByteArray& path)
{
    if (match.route == RouteId::None)
        return QByteArrayLiteral("(unknown path)");
    if (!match.validIds) {
        for (const RouteSpec& spec : kRoutes) {
            if (spec.route != match.route)
                continue;
            QList<QByteArray> segments = segmentsOf(spec.pattern);
            for (QByteArray& segment : segments) {
                if (isPlaceholder(segment))
                    segment = QByteArrayLiteral("(invalid id)");
            }
            return segments.join('/');
        }
    }
    return path;
}

} // namespace chartinsight::server
