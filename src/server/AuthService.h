#pragma once

#include "AuditLog.h"
#include "HttpMessage.h"
#include "MfaRepository.h"
#include "RateLimiter.h"
#include "ResetLinkRepository.h"
#include "Router.h"
#include "UserRepository.h"
#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace chartinsight::storage {
class SqlDatabase;
}

namespace chartinsight::server {

struct ServerContext;

// The user behind a valid access token.
struct SessionUser
{
    QString userId;
    QString organizationId;
    bool isAdmin = false;
    QString sessionId; // the session family the token belongs to
    QString clientIp;  // the request's client address (X-Forwarded-For from a trusted proxy)
};

// Sign-in, sessions, lockout, e-mail codes, password reset and account settings. Each route
// method builds the whole HTTP response, because several outcomes carry more than a code and
// a message (unlock_at, attempts_left, Retry-After). Every method blocks (bcrypt, database), so
// callers run them on the worker pool. All state is in the database, except the per-IP request
// buckets.
class AuthService
{
public:
    static constexpr qint64 kAccessTokenLifetimeMs = 15LL * 60 * 1000;
    static constexpr qint64 kSessionLifetimeMs = 30LL * 24 * 60 * 60 * 1000; // refresh limit
    static constexpr qint64 kMfaChallengeLifetimeMs = 30LL * 60 * 1000;
    static constexpr qint64 kMfaCodeLifetimeMs = 10LL * 60 * 1000;
    static constexpr int kMfaMaxFailures = 5;
    static constexpr qint64 kMfaResendIntervalMs = 60LL * 1000;
    static constexpr int kMfaMaxResends = 5;
    static constexpr qint64 kResetLinkLifetimeMs = 60LL * 60 * 1000;

    explicit AuthService(ServerContext& context);

    // Computes the hash that unknown e-mail addresses are checked against, so a login for an
    // unknown address costs one bcrypt run like a login for a known one. Call once at start.
    Result<void> initialize();

    // Returns the user of a valid "Authorization: Bearer TOKEN" header value, or
    // "token_expired" for an expired access token, or "unauthorized" for a missing, malformed,
    // unknown or revoked one.
    Result<SessionUser> authenticate(const QByteArray& authorizationHeader);

    // Returns a 429 response when the client's IP address has used up its bucket, else nothing.
    std::optional<HttpResponse> limitClientAddress(const HttpRequest& request);

    // Handles every route for which Router::isAuthRoute is true, and logout.
    HttpResponse handle(const HttpRequest& request, const RouteMatch& match);

    // The client's address: the TCP peer, or for a --trusted-proxy peer the nearest address in
    // X-Forwarded-For that is not itself a trusted proxy.
    QString clientAddress(const HttpRequest& request) const;

private:
    HttpResponse login(const HttpRequest& request);
    HttpResponse refresh(const HttpRequest& request);
    HttpResponse logout(const HttpRequest& request, bool everySession);
    HttpResponse listSessions(const HttpRequest& request);
    HttpResponse deleteSession(const HttpRequest& request, const QString& sessionId);
    HttpResponse verifyCode(const HttpRequest& request);
    HttpResponse resendCode(const HttpRequest& request);
    HttpResponse requestReset(const HttpRequest& request);
    HttpResponse completeReset(const HttpRequest& request);
    HttpResponse resetPage(const HttpRequest& request);
    HttpResponse passwordPolicy(const HttpRequest& request);
    HttpResponse account(const HttpRequest& request);
    HttpResponse changePassword(const HttpRequest& request);
    HttpResponse setMfa(const HttpRequest& request);
    HttpResponse adminUsers(const HttpRequest& request);
    HttpResponse adminUnlock(const HttpRequest& request, const QString& userId);
    HttpResponse adminPassword(const HttpRequest& request, const QString& userId);

    struct ResetOutcome
    {
        int status = 200;
        QString code;
        QString message;
    };
    ResetOutcome applyReset(const QString& token, const QString& newPassword,
                            const QString& clientIp);

    // Issues a new session family with its first access and refresh tokens, and appends
    // `audit` with the new session as its device in the same transaction.
    Result<QJsonObject> openSession(const QString& userId, const QString& deviceName,
                                    AuditEntry audit);
    // Starts an e-mail code sign-in and returns the mfa_token.
    Result<QString> startMfa(const UserRow& user, const QString& deviceName,
                             const QString& clientIp);
    // Records a wrong password and locks the account at the threshold. Returns the new
    // locked-until time when this failure locked it.
    Result<std::optional<qint64>> recordFailure(const UserRow& user, const QString& clientIp);
    // Stores a new password hash, invalidates every outstanding reset link, revokes the user's
    // sessions except `keepSessionId` and appends `audit`. Runs inside the caller's transaction.
    Result<void> replacePassword(const QString& userId, const QString& passwordHash,
                                 const QString& keepSessionId, const AuditEntry& audit);
    // Confirms the signed-in user's own password before a settings change: takes a token from
    // the account's password bucket, then checks the hash. Fills `user` and returns nothing when
    // the password is right, else the response to send (429, 403 with `wrongPasswordMessage`).
    std::optional<HttpResponse> confirmPassword(const HttpRequest& request,
                                                const SessionUser& session, const QString& password,
                                                const QString& wrongPasswordMessage, UserRow& user);
    // authenticate() with the request's Authorization header, and the client's address set.
    Result<SessionUser> signedInUser(const HttpRequest& request);
    // Appends an entry with actor_kind "anonymous" for a request without a session, logging a
    // failure to write it.
    void auditAnonymous(const HttpRequest& request, const QString& action,
                        const QString& targetKind, const QString& targetId, const QString& outcome,
                        const QString& organizationId);
    Result<void> queueMail(const QString& to, const QString& subject, const QString& text);
    Result<std::optional<UserRow>> findUserById(const QString& userId);
    Result<std::optional<qint64>> lockedUntil(const QString& userId);

    // Takes one request from the database bucket `key`; returns 0 or the seconds to wait.
    Result<int> takeAccountToken(const QString& key);
    std::optional<HttpResponse> limitAccount(const HttpRequest& request, const QString& key);

    HttpResponse failure(const HttpRequest& request, const Error& error) const;
    HttpResponse authFailure(const HttpRequest& request, const Error& error) const;
    qint64 now() const;
    QString codeHmac(const QString& challengeId, const QString& code) const;

    ServerContext& m_context;
    storage::SqlDatabase& m_db;
    UserRepository m_users;
    MfaRepository m_mfa;
    ResetLinkRepository m_resetLinks;
    RateLimiter m_ipLimiter;
    QString m_dummyHash;
};

} // namespace chartinsight::server
