#pragma once

#include "SessionRepository.h"
#include "UserRepository.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace chartinsight::server {

struct ServerContext;

struct LoginResult
{
    QString accessToken;
    QString userId;
};

// Password sign-in and bearer-token checks. Every method blocks (bcrypt, database), so callers
// run them on the worker pool.
class AuthService
{
public:
    static constexpr qint64 kSessionLifetimeMs = 12LL * 60 * 60 * 1000; // 12 hours

    explicit AuthService(ServerContext& context);

    // Computes the hash that unknown e-mail addresses are checked against, so a login for an
    // unknown address costs one bcrypt run like a login for a known one. Call once at start.
    Result<void> initialize();

    // Checks the e-mail address and password and opens a session. A wrong password and an
    // unknown address both fail with the same "invalid_credentials" error.
    Result<LoginResult> login(const QString& email, const QString& password);

    // Returns the user of a valid "Authorization: Bearer TOKEN" header value, or an
    // "unauthorized" error for a missing, malformed, unknown or expired token.
    Result<SessionUser> authenticate(const QByteArray& authorizationHeader);

    // Deletes the session of a bearer token, so the token stops working on every server at
    // once. Call after authenticate() accepted the same header.
    Result<void> revoke(const QByteArray& authorizationHeader);

private:
    ServerContext& m_context;
    UserRepository m_users;
    SessionRepository m_sessions;
    QString m_dummyHash;
};

} // namespace chartinsight::server
