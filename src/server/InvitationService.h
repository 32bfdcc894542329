#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "HttpMessage.h"
#include "InvitationRepository.h"
#include "Router.h"
#include "TeamRepository.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

struct ServerContext;

// Error codes of the invitation routes, beside the shared ones in core/ErrorCodes.h.
namespace invitationc {
inline constexpr char kNotFound[] = "invitation_not_found";                        // 404
inline constexpr char kUsed[] = "invitation_used";                                 // 410
inline constexpr char kExpired[] = "invitation_expired";                           // 410
inline constexpr char kRevoked[] = "invitation_revoked";                           // 410
inline constexpr char kPending[] = "invitation_pending";                           // 409
inline constexpr char kAlreadyMember[] = "already_member";                         // 409
inline constexpr char kEmailInOtherOrganization[] = "email_in_other_organization"; // 409
} // namespace invitationc

// Invitations into a team: create and mail a single-use link, list, resend, revoke, look up
// and accept, plus the HTML page behind the link. Every method blocks (bcrypt, database), so
// callers run them on the worker pool. All state is in the database.
//
// The link's token has 256 bits and only its SHA-256 is stored. Accepting marks the row used
// with one conditional UPDATE inside the transaction that creates the account or membership,
// so of two concurrent accepts exactly one succeeds. The inviter never sees the token: it goes
// only to the invited mailbox.
class InvitationService
{
public:
    static constexpr qint64 kLifetimeMs = 7LL * 24 * 60 * 60 * 1000;
    // A resend waits this long after the first mail; the wait doubles with every further
    // mail of the same invitation, up to kMaxResendIntervalMs.
    static constexpr qint64 kFirstResendIntervalMs = 60LL * 1000;
    static constexpr qint64 kMaxResendIntervalMs = 24LL * 60 * 60 * 1000;

    explicit InvitationService(ServerContext& context);

    // True for the invitation routes, which handle() serves.
    static bool handles(RouteId route);
    // True for the routes that take an invitation token instead of a session, which the per-IP
    // rate limit covers like the sign-in routes.
    static bool isTokenRoute(RouteId route);
    // Serves an invitation route. `caller` is set for the routes with a Token access rule,
    // which ApiHandler checked before. `clientIp` is the client's address for the audit entries
    // of the token routes (AuthService::clientAddress).
    HttpResponse handle(const HttpRequest& request, const RouteMatch& match,
                        const std::optional<SessionUser>& caller, const QString& clientIp);

    // GET /api/v1/teams/{id}/invitations
    HttpResponse list(const HttpRequest& request, const SessionUser& user, const QString& teamId);
    // POST /api/v1/teams/{id}/invitations
    HttpResponse create(const HttpRequest& request, const SessionUser& user, const QString& teamId);
    // POST /api/v1/invitations/{id}/resend
    HttpResponse resend(const HttpRequest& request, const SessionUser& user,
                        const QString& invitationId);
    // POST /api/v1/invitations/{id}/revoke
    HttpResponse revoke(const HttpRequest& request, const SessionUser& user,
                        const QString& invitationId);
    // POST /api/v1/invitations/lookup, without a session.
    HttpResponse lookup(const HttpRequest& request);
    // POST /api/v1/invitations/accept, without a session.
    HttpResponse accept(const HttpRequest& request, const QString& clientIp);
    // GET and POST /invitation: the HTML form behind the mailed link.
    HttpResponse page(const HttpRequest& request, const QString& clientIp);

    // The wait before invitation mail number `sendCount + 1` may go out.
    static qint64 resendInterval(int sendCount);

private:
    // Result of looking up or accepting a token. `status` is 200 on success; otherwise `code`
    // and `message` describe the error and `retryAfter` is set for 429 and 423.
    struct Outcome
    {
        int status = 200;
        QString code;
        QString message;
        int retryAfterSeconds = 0;
        QJsonObject body;

        static Outcome failed(int status, const QString& code, const QString& message,
                              int retryAfterSeconds = 0)
        {
            Outcome outcome;
            outcome.status = status;
            outcome.code = code;
            outcome.message = message;
            outcome.retryAfterSeconds = retryAfterSeconds;
            return outcome;
        }
    };
    struct TokenInvitation
    {
        InvitationRow row;
        QString teamName;
        QString organizationName;
        std::optional<UserRow> existingUser;
    };

    Outcome findUsableInvitation(const QString& token, TokenInvitation& found);
    // Accepts the invitation of `token`, appending "invitation.accepted" with the accepting user
    // as actor, or with outcome "failed" when the link or the password is rejected.
    Outcome acceptToken(const QString& token, const QString& password, const QString& clientIp);
    Outcome acceptAsExistingUser(const TokenInvitation& invitation, const QString& tokenHash,
                                 const QString& password, const QString& clientIp);
    Outcome acceptAsNewUser(const TokenInvitation& invitation, const QString& tokenHash,
                            const QString& password, const QString& clientIp);
    // Appends a failed "invitation.accepted" for `token`, naming its invitation when the token
    // belongs to one.
    void auditFailedAccept(const QString& token, const QString& clientIp);
    // The reason a token's invitation cannot be used (its state at `now`), after a
    // conditional update changed nothing.
    Outcome unusableOutcome(const QString& tokenHash);

    // Loads an invitation of the caller's organization and checks that the caller may manage
    // invitations into its team and grant its permissions. A 403 or 404 appends a "denied"
    // entry for `action`.
    Result<InvitationRow> manageableInvitation(const SessionUser& user, const QString& invitationId,
                                               const QString& action);
    // Fails with "forbidden" when `permissions` contains a permission the caller has neither in
    // the team nor in the home team.
    Result<void> requireGrantable(const SessionUser& user, const TeamInfo& team,
                                  PermissionSet permissions);
    Result<void> queueInvitationMail(const InvitationRow& row, const QString& token,
                                     const QString& teamName, const QString& inviterEmail);
    Result<QString> organizationName(const QString& organizationId);
    Result<QString> userEmail(const QString& userId);

    // Takes one request from the per-account bucket `key` in the database; returns 0 or the
    // seconds to wait. The buckets are the ones the authentication routes use.
    Result<int> takeAccountToken(const QString& key);
    std::optional<HttpResponse> limitAccount(const HttpRequest& request, const QString& key);

    QJsonObject invitationJson(const InvitationRow& row, qint64 now) const;
    HttpResponse failure(const HttpRequest& request, const Error& error) const;
    HttpResponse outcomeResponse(const HttpRequest& request, const Outcome& outcome) const;
    qint64 now() const;

    ServerContext& m_context;
    storage::SqlDatabase& m_db;
    AccessPolicy m_policy;
    TeamRepository m_teams;
    InvitationRepository m_invitations;
    UserRepository m_users;
};

} // namespace chartinsight::server
