#include "AuthService.h"

#include "AccessPolicy.h"
#include "ApiResponse.h"
#include "AuthErrors.h"
#include "EmailAddress.h"
#include "PasswordPolicy.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "core/ErrorCodes.h"
#include "crypto/Hash.h"
#include "crypto/PasswordHash.h"
#include "crypto/Random.h"
#include "mail/Clock.h"
#include "mail/MailQueue.h"
#include "storage/SqlDatabase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>

namespace chartinsight::server {
namespace {

constexpr qsizetype kMaxTokenLength = 512; // far above the 43 characters randomToken returns
constexpr qsizetype kMaxDeviceNameLength = 100;
constexpr qint64 kLastUsedPrecisionMs = 60 * 1000; // last_used_at is updated at most this often
constexpr quint32 kCodeModulus = 1000000;          // six decimal digits
// Largest multiple of kCodeModulus below 2^32: values at or above it are drawn again, so every
// code is equally likely.
constexpr quint32 kCodeRejectionLimit = 4294000000U;

QString sha256Hex(const QString& token)
{
    return QString::fromLatin1(crypto::Sha256::hash(token.toUtf8()).toHex());
}

QString isoTime(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODateWithMs);
}

HttpResponse errorResponse(int status, const char* code, const QString& message,
                           const QJsonObject& extra = {})
{
    QJsonObject error = extra;
    error.insert(QStringLiteral("code"), QString::fromLatin1(code));
    error.insert(QStringLiteral("message"), message);
    return ApiResponse::json(status, QJsonObject{{QStringLiteral("error"), error}});
}

HttpResponse rateLimited(int retryAfterSeconds)
{
    HttpResponse response =
        errorResponse(429, authc::kRateLimited,
                      QStringLiteral("Too many requests; wait %1 seconds, then try again.")
                          .arg(retryAfterSeconds));
    response.setHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    return response;
}

HttpResponse invalidCredentials()
{
    HttpResponse response = errorResponse(
        401, errc::kInvalidCredentials,
        QStringLiteral("The e-mail address or the password is wrong. Check both and try again."));
    response.setHeader("WWW-Authenticate", "Bearer");
    return response;
}

HttpResponse invalidBody(const QString& expected)
{
    return errorResponse(400, errc::kInvalidRequest,
                         QStringLiteral("The body must be a JSON object with %1.").arg(expected));
}

HttpResponse lockedResponse(qint64 unlockAt, qint64 now)
{
    const qint64 seconds = std::max<qint64>(1, (unlockAt - now + 999) / 1000);
    HttpResponse response = errorResponse(
        423, authc::kAccountLocked,
        QStringLiteral("This account is locked after too many wrong passwords. Try again after "
                       "%1 (UTC), reset the password, or ask an administrator to unlock it.")
            .arg(isoTime(unlockAt)),
        QJsonObject{{QStringLiteral("unlock_at"), isoTime(unlockAt)}});
    response.setHeader("Retry-After", QByteArray::number(seconds));
    return response;
}

std::optional<QJsonObject> parseObject(const HttpRequest& request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

QString bearerToken(const QByteArray& authorizationHeader)
{
    const QByteArray header = authorizationHeader.trimmed();
    const qsizetype space = header.indexOf(' ');
    const QByteArray scheme = space > 0 ? header.left(space) : header;
    const QByteArray token = space > 0 ? header.mid(space + 1).trimmed() : QByteArray();
    static const QRegularExpression tokenCharacters(QStringLiteral("^[A-Za-z0-9._~+/=-]+$"));
    if (scheme.compare("Bearer", Qt::CaseInsensitive) != 0 || token.isEmpty() ||
        token.size() > kMaxTokenLength ||
        !tokenCharacters.match(QString::fromLatin1(token)).hasMatch()) {
        return {};
    }
    return QString::fromLatin1(token);
}

QString randomCode()
{
    for (;;) {
        const QByteArray bytes = crypto::randomBytes(4);
        quint32 value = 0;
        for (const char byte : bytes)
            value = (value << 8) | quint8(byte);
        if (value < kCodeRejectionLimit)
            return QStringLiteral("%1").arg(value % kCodeModulus, 6, 10, QLatin1Char('0'));
    }
}

QString htmlEscape(const QString& text)
{
    return text.toHtmlEscaped();
}

} // namespace

AuthService::AuthService(ServerContext& context)
    : m_context(context), m_db(*context.database), m_users(*context.database),
      m_mfa(*context.database), m_resetLinks(*context.database),
      m_ipLimiter(context.auth.ipRequestsPerMinute)
{
}

qint64 AuthService::now() const
{
    return m_context.clock ? m_context.clock->currentMSecsSinceEpoch()
                           : QDateTime::currentMSecsSinceEpoch();
}

Result<void> AuthService::initialize()
{
    auto hash = crypto::hashPassword(crypto::randomToken(), m_context.secrets.passwordPepper,
                                     m_context.bcryptCost);
    if (!hash)
        return hash.error();
    m_dummyHash = hash.value();
    return {};
}

QString AuthService::clientAddress(const HttpRequest& request) const
{
    QString client = request.peerAddress;
    if (!m_context.auth.trustedProxies.contains(client))
        return client;
    // X-Forwarded-For lists the original client first and each proxy appends the address it
    // received from, so the entries are read from the right, skipping trusted proxies.
    const QList<QByteArray> hops = request.header("x-forwarded-for").split(',');
    for (auto it = hops.crbegin(); it != hops.crend(); ++it) {
        const QString hop = QString::fromLatin1(it->trimmed());
        if (hop.isEmpty())
            break;
        client = hop;
        if (!m_context.auth.trustedProxies.contains(hop))
            break;
    }
    return client;
}

std::optional<HttpResponse> AuthService::limitClientAddress(const HttpRequest& request)
{
    const int wait = m_ipLimiter.take(clientAddress(request), now());
    if (wait == 0)
        return std::nullopt;
    qCInfo(lcAuth) << "request" << request.requestId << "rate-limited by client address";
    return rateLimited(wait);
}

Result<int> AuthService::takeAccountToken(const QString& key)
{
    return takeDatabaseToken(m_db, key, m_context.auth.accountRequestsPerMinute, now());
}

std::optional<HttpResponse> AuthService::limitAccount(const HttpRequest& request,
                                                      const QString& key)
{
    auto wait = takeAccountToken(key);
    if (!wait)
        return failure(request, wait.error());
    if (wait.value() == 0)
        return std::nullopt;
    qCInfo(lcAuth) << "request" << request.requestId << "rate-limited by account";
    return rateLimited(wait.value());
}

HttpResponse AuthService::failure(const HttpRequest& request, const Error& error) const
{
    const int status = ApiResponse::statusFor(error.code);
    if (status < 500)
        return ApiResponse::error(status, error.code, error.message);
    qCCritical(lcAuth).noquote() << "request" << request.requestId << "failed:" << error.code << "-"
                                 << error.message;
    return ApiResponse::error(status, error.code,
                              QStringLiteral("The server could not complete the request (request "
                                             "id %1). Try again later; if it keeps failing, give "
                                             "the administrator this id.")
                                  .arg(request.requestId));
}

HttpResponse AuthService::authFailure(const HttpRequest& request, const Error& error) const
{
    HttpResponse response = failure(request, error);
    if (response.status == 401)
        response.setHeader("WWW-Authenticate", "Bearer");
    return response;
}

QString AuthService::codeHmac(const QString& challengeId, const QString& code) const
{
    // Bound to the challenge, so a code row reveals nothing about codes of other sign-ins, and
    // keyed with the pepper, so a stolen database does not let anyone test the 10^6 codes.
    return QString::fromLatin1(
        crypto::hmacSha256(m_context.secrets.passwordPepper, (challengeId + u':' + code).toUtf8())
            .toHex());
}

Result<SessionUser> AuthService::signedInUser(const HttpRequest& request)
{
    auto user = authenticate(request.header("authorization"));
    if (user)
        user->clientIp = clientAddress(request);
    return user;
}

void AuthService::auditAnonymous(const HttpRequest& request, const QString& action,
                                 const QString& targetKind, const QString& targetId,
                                 const QString& outcome, const QString& organizationId)
{
    AuditLog(m_db).appendOrLog(anonymousAuditEntry(clientAddress(request), action, targetKind,
                                                   targetId, outcome, organizationId));
}

Result<void> AuthService::queueMail(const QString& to, const QString& subject, const QString& text)
{
    if (!m_context.mailQueue) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("No mail queue is configured."));
    }
    mail::MailMessage message;
    message.to = to;
    message.subject = subject;
    message.textBody = text;
    auto queued = m_context.mailQueue->enqueue(message);
    if (!queued)
        return queued.error();
    return {};
}

Result<std::optional<UserRow>> AuthService::findUserById(const QString& userId)
{
    return m_db.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<UserRow>> {
        auto row = sql::firstRow(db,
                                 QStringLiteral("SELECT id, organization_id, email, password_hash, "
                                                "is_admin, created_at FROM users WHERE id = ?"),
                                 {userId}, 6);
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<UserRow>();
        const QVariantList& columns = *row.value();
        UserRow user;
        user.id = columns.at(0).toString();
        user.organizationId = columns.at(1).toString();
        user.email = columns.at(2).toString();
        user.passwordHash = columns.at(3).toString();
        user.isAdmin = columns.at(4).toLongLong() != 0;
        user.createdAt = columns.at(5).toLongLong();
        return std::optional<UserRow>(user);
    });
}

Result<std::optional<qint64>> AuthService::lockedUntil(const QString& userId)
{
    return m_db.withLock([&](storage::SqlDatabase& db) -> Result<std::optional<qint64>> {
        auto row = sql::firstRow(
            db, QStringLiteral("SELECT locked_until FROM users WHERE id = ? AND locked_until > ?"),
            {userId, now()}, 1);
        if (!row)
            return row.error();
        if (!row.value())
            return std::optional<qint64>();
        return std::optional<qint64>(row.value()->at(0).toLongLong());
    });
}

HttpResponse AuthService::handle(const HttpRequest& request, const RouteMatch& match)
{
    switch (match.route) {
    case RouteId::Login:
        return login(request);
    case RouteId::Logout:
        return logout(request, false);
    case RouteId::LogoutAll:
        return logout(request, true);
    case RouteId::Refresh:
        return refresh(request);
    case RouteId::Sessions:
        return listSessions(request);
    case RouteId::SessionItem:
        return deleteSession(request, match.itemId);
    case RouteId::MfaVerify:
        return verifyCode(request);
    case RouteId::MfaResend:
        return resendCode(request);
    case RouteId::PasswordReset:
        return requestReset(request);
    case RouteId::PasswordResetComplete:
        return completeReset(request);
    case RouteId::PasswordPolicy:
        return passwordPolicy(request);
    case RouteId::ResetPage:
        return resetPage(request);
    case RouteId::Account:
        return account(request);
    case RouteId::AccountPassword:
        return changePassword(request);
    case RouteId::AccountMfa:
        return setMfa(request);
    case RouteId::AdminUsers:
        return adminUsers(request);
    case RouteId::AdminUserUnlock:
        return adminUnlock(request, match.itemId);
    case RouteId::AdminUserPassword:
        return adminPassword(request, match.itemId);
    default:
        break;
    }
    return errorResponse(404, errc::kNotFound, QStringLiteral("No API route has this path."));
}

// ---- Sessions ---------------------------------------------------------------------------------

Result<QJsonObject> AuthService::openSession(const QString& userId, const QString& deviceName,
                                             AuditEntry audit)
{
    const QString sessionId = crypto::randomUuid();
    const QString accessToken = crypto::randomToken();
    const QString refreshToken = crypto::randomToken();
    const qint64 time = now();
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto session = sql::run(
                db,
                QStringLiteral("INSERT INTO auth_sessions (id, user_id, device_name, created_at, "
                               "last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"),
                {sessionId, userId, deviceName, time, time, time + kSessionLifetimeMs});
            if (!session)
                return session.error();
            const QString insertToken =
                QStringLiteral("INSERT INTO auth_tokens (token_sha256, session_id, kind, "
                               "created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
            auto access = sql::run(db, insertToken,
                                   {sha256Hex(accessToken), sessionId, QStringLiteral("access"),
                                    time, time + kAccessTokenLifetimeMs});
            if (!access)
                return access.error();
            auto refresh = sql::run(db, insertToken,
                                    {sha256Hex(refreshToken), sessionId, QStringLiteral("refresh"),
                                     time, time + kSessionLifetimeMs});
            if (!refresh)
                return refresh.error();
            // Tokens of sessions that ended long ago are kept no longer than needed for reuse
            // detection, which ends with the session itself.
            auto removed = sql::run(
                db,
                QStringLiteral("DELETE FROM auth_tokens WHERE expires_at <= ? AND session_id IN "
                               "(SELECT id FROM auth_sessions WHERE expires_at <= ?)"),
                {time, time});
            if (!removed)
                return removed.error();
            audit.deviceId = sessionId;
            return AuditLog(db).append(std::move(audit));
        });
    });
    if (!done)
        return done.error();
    return QJsonObject{{QStringLiteral("access_token"), accessToken},
                       {QStringLiteral("refresh_token"), refreshToken},
                       {QStringLiteral("expires_in"), int(kAccessTokenLifetimeMs / 1000)},
                       {QStringLiteral("user_id"), userId}};
}

Result<SessionUser> AuthService::authenticate(const QByteArray& authorizationHeader)
{
    const auto unauthorized = [](const QString& message) {
        return makeError(QString::fromLatin1(errc::kUnauthorized), message);
    };
    if (authorizationHeader.trimmed().isEmpty()) {
        return unauthorized(QStringLiteral("This request needs a session: sign in, then send the "
                                           "access token as 'Authorization: Bearer TOKEN'."));
    }
    const QString token = bearerToken(authorizationHeader);
    if (token.isEmpty()) {
        return unauthorized(QStringLiteral("The Authorization header is not of the form 'Bearer "
                                           "TOKEN'; sign in and send the access token."));
    }
    const qint64 time = now();
    return m_db.withLock([&](storage::SqlDatabase& db) -> Result<SessionUser> {
        auto row = sql::firstRow(
            db,
            QStringLiteral("SELECT t.expires_at, s.revoked_at, s.expires_at, s.id, s.last_used_at, "
                           "u.id, u.organization_id, u.is_admin FROM auth_tokens t "
                           "JOIN auth_sessions s ON s.id = t.session_id "
                           "JOIN users u ON u.id = s.user_id "
                           "WHERE t.token_sha256 = ? AND t.kind = 'access'"),
            {sha256Hex(token)}, 8);
        if (!row)
            return row.error();
        if (!row.value() || !row.value()->at(1).isNull() ||
            row.value()->at(2).toLongLong() <= time) {
            return unauthorized(QStringLiteral("The access token is unknown or its session was "
                                               "signed out; sign in again."));
        }
        const QVariantList& columns = *row.value();
        if (columns.at(0).toLongLong() <= time) {
            return makeError(QString::fromLatin1(authc::kTokenExpired),
                             QStringLiteral("The access token has expired; get a new one with "
                                            "the refresh token."));
        }
        SessionUser user;
        user.sessionId = columns.at(3).toString();
        user.userId = columns.at(5).toString();
        user.organizationId = columns.at(6).toString();
        user.isAdmin = columns.at(7).toLongLong() != 0;
        if (time - columns.at(4).toLongLong() >= kLastUsedPrecisionMs) {
            auto touched = sql::run(
                db, QStringLiteral("UPDATE auth_sessions SET last_used_at = ? WHERE id = ?"),
                {time, user.sessionId});
            if (!touched)
                return touched.error();
        }
        return user;
    });
}

HttpResponse AuthService::refresh(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QString refreshToken =
        body ? body->value(QStringLiteral("refresh_token")).toString() : QString();
    if (refreshToken.isEmpty() || refreshToken.size() > kMaxTokenLength)
        return invalidBody(QStringLiteral("the string \"refresh_token\""));

    const qint64 time = now();
    const QString newAccess = crypto::randomToken();
    const QString newRefresh = crypto::randomToken();
    enum class Outcome
    {
        Rotated,
        Unknown,
        Revoked,
        Reused
    };
    Outcome outcome = Outcome::Unknown;
    QString userId;
    QString sessionId;
    const QString clientIp = clientAddress(request);
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto row = sql::firstRow(
                db,
                QStringLiteral("SELECT t.used_at, s.id, s.user_id, s.revoked_at, s.expires_at, "
                               "u.organization_id FROM auth_tokens t JOIN auth_sessions s ON "
                               "s.id = t.session_id JOIN users u ON u.id = s.user_id "
                               "WHERE t.token_sha256 = ? AND t.kind = 'refresh'"),
                {sha256Hex(refreshToken)}, 6);
            if (!row)
                return row.error();
            if (!row.value() || row.value()->at(4).toLongLong() <= time)
                return {}; // Unknown
            sessionId = row.value()->at(1).toString();
            userId = row.value()->at(2).toString();
            if (!row.value()->at(3).isNull()) {
                outcome = Outcome::Revoked;
                return {};
            }
            // The conditional UPDATE lets exactly one of two concurrent uses win; the loser is
            // treated as a reuse.
            auto used = sql::run(db,
                                 QStringLiteral("UPDATE auth_tokens SET used_at = ? WHERE "
                                                "token_sha256 = ? AND used_at IS NULL"),
                                 {time, sha256Hex(refreshToken)});
            if (!used)
                return used.error();
            if (used.value() != 1) {
                // A rotated refresh token came back: whoever holds it may have stolen it, so
                // the whole family ends and both holders must sign in again.
                outcome = Outcome::Reused;
                auto revoked = sql::run(
                    db, QStringLiteral("UPDATE auth_sessions SET revoked_at = ? WHERE id = ?"),
                    {time, sessionId});
                if (!revoked)
                    return revoked.error();
                AuditEntry entry = systemAuditEntry(
                    QStringLiteral("refresh-token-reuse"), QStringLiteral("session.revoked"),
                    QStringLiteral("session"), sessionId, QStringLiteral("success"),
                    row.value()->at(5).toString());
                entry.clientIp = clientIp;
                entry.details = QJsonObject{{QStringLiteral("user_id"), userId}};
                return AuditLog(db).append(std::move(entry));
            }
            const QString insertToken =
                QStringLiteral("INSERT INTO auth_tokens (token_sha256, session_id, kind, "
                               "created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
            auto access = sql::run(db, insertToken,
                                   {sha256Hex(newAccess), sessionId, QStringLiteral("access"), time,
                                    time + kAccessTokenLifetimeMs});
            if (!access)
                return access.error();
            auto rotated = sql::run(db, insertToken,
                                    {sha256Hex(newRefresh), sessionId, QStringLiteral("refresh"),
                                     time, row.value()->at(4).toLongLong()});
            if (!rotated)
                return rotated.error();
            auto touched = sql::run(
                db, QStringLiteral("UPDATE auth_sessions SET last_used_at = ? WHERE id = ?"),
                {time, sessionId});
            if (!touched)
                return touched.error();
            outcome = Outcome::Rotated;
            return {};
        });
    });
    if (!done)
        return failure(request, done.error());

    switch (outcome) {
    case Outcome::Unknown:
        return authFailure(request, makeError(QString::fromLatin1(errc::kUnauthorized),
                                              QStringLiteral("The refresh token is unknown or "
                                                             "expired; sign in again.")));
    case Outcome::Revoked:
        return authFailure(request, makeError(QString::fromLatin1(authc::kSessionRevoked),
                                              QStringLiteral("This session was signed out; sign "
                                                             "in again.")));
    case Outcome::Reused:
        qCWarning(lcAuth).noquote()
            << "refresh token reused: revoked session" << sessionId << "of user" << userId;
        return authFailure(request, makeError(QString::fromLatin1(authc::kSessionRevoked),
                                              QStringLiteral("This refresh token was already "
                                                             "used, so the session was signed out "
                                                             "everywhere for safety; sign in "
                                                             "again.")));
    case Outcome::Rotated:
        break;
    }
    HttpResponse response = ApiResponse::json(
        200, QJsonObject{{QStringLiteral("access_token"), newAccess},
                         {QStringLiteral("refresh_token"), newRefresh},
                         {QStringLiteral("expires_in"), int(kAccessTokenLifetimeMs / 1000)}});
    response.userId = userId;
    return response;
}

HttpResponse AuthService::logout(const HttpRequest& request, bool everySession)
{
    auto user = signedInUser(request);
    if (!user)
        return authFailure(request, user.error());
    qint64 revoked = 0;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto changed =
                everySession
                    ? sql::run(db,
                               QStringLiteral("UPDATE auth_sessions SET revoked_at = ? WHERE "
                                              "user_id = ? AND revoked_at IS NULL"),
                               {now(), user->userId})
                    : sql::run(
                          db,
                          QStringLiteral("UPDATE auth_sessions SET revoked_at = ? WHERE id = ?"),
                          {now(), user->sessionId});
            if (!changed)
                return changed.error();
            revoked = changed.value();
            AuditEntry entry =
                everySession
                    ? userAuditEntry(*user, QStringLiteral("sessions.revoked_all"),
                                     QStringLiteral("user"), user->userId,
                                     QStringLiteral("success"))
                    : userAuditEntry(*user, QStringLiteral("logout"), QStringLiteral("session"),
                                     user->sessionId, QStringLiteral("success"));
            if (everySession)
                entry.details = QJsonObject{{QStringLiteral("sessions"), revoked}};
            return AuditLog(db).append(std::move(entry));
        });
    });
    if (!done)
        return failure(request, done.error());
    qCInfo(lcAuth).noquote() << "signed out" << revoked << "sessions of user" << user->userId;
    HttpResponse response =
        ApiResponse::json(200, QJsonObject{{QStringLiteral("signed_out"), true},
                                           {QStringLiteral("sessions_revoked"), revoked}});
    response.userId = user->userId;
    return response;
}

HttpResponse AuthService::listSessions(const HttpRequest& request)
{
    auto user = authenticate(request.header("authorization"));
    if (!user)
        return authFailure(request, user.error());
    auto found = m_db.withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("SELECT id, device_name, created_at, last_used_at FROM "
                                        "auth_sessions WHERE user_id = ? AND revoked_at IS NULL "
                                        "AND expires_at > ? ORDER BY created_at"),
                         {user->userId, now()}, 4);
    });
    if (!found)
        return failure(request, found.error());
    QJsonArray sessions;
    for (const QVariantList& columns : std::as_const(found.value())) {
        sessions.append(QJsonObject{
            {QStringLiteral("id"), columns.at(0).toString()},
            {QStringLiteral("device_name"), columns.at(1).toString()},
            {QStringLiteral("created_at"), isoTime(columns.at(2).toLongLong())},
            {QStringLiteral("last_used_at"), isoTime(columns.at(3).toLongLong())},
            {QStringLiteral("current"), columns.at(0).toString() == user->sessionId},
        });
    }
    HttpResponse response =
        ApiResponse::json(200, QJsonObject{{QStringLiteral("sessions"), sessions}});
    response.userId = user->userId;
    return response;
}

HttpResponse AuthService::deleteSession(const HttpRequest& request, const QString& sessionId)
{
    auto user = signedInUser(request);
    if (!user)
        return authFailure(request, user.error());
    qint64 revoked = 0;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto changed = sql::run(db,
                                    QStringLiteral("UPDATE auth_sessions SET revoked_at = ? WHERE "
                                                   "id = ? AND user_id = ? AND revoked_at IS NULL"),
                                    {now(), sessionId, user->userId});
            if (!changed)
                return changed.error();
            revoked = changed.value();
            // Another user's session, or one already ended, is not the caller's to revoke.
            return AuditLog(db).append(userAuditEntry(
                *user, QStringLiteral("session.revoked"), QStringLiteral("session"), sessionId,
                revoked == 1 ? QStringLiteral("success") : QStringLiteral("denied")));
        });
    });
    if (!done)
        return failure(request, done.error());
    HttpResponse response =
        revoked == 1
            ? ApiResponse::json(200, QJsonObject{{QStringLiteral("revoked"), true}})
            : errorResponse(404, errc::kNotFound,
                            QStringLiteral("You have no active session with this id; list your "
                                           "sessions for their ids."));
    response.userId = user->userId;
    return response;
}

// ---- Sign-in and lockout ----------------------------------------------------------------------

Result<std::optional<qint64>> AuthService::recordFailure(const UserRow& user,
                                                         const QString& clientIp)
{
    const qint64 time = now();
    const AuthSettings& settings = m_context.auth;
    std::optional<qint64> lockedAt;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto logged = sql::run(db,
                                   QStringLiteral("INSERT INTO auth_audit (id, user_id, event, "
                                                  "created_at) VALUES (?, ?, 'login_failed', ?)"),
                                   {crypto::randomUuid(), user.id, time});
            if (!logged)
                return logged.error();
            // Failures count per account id, whatever spelling of the address was typed, since
            // the later of the window start and the last lock or successful sign-in.
            auto counted = sql::firstRow(
                db,
                QStringLiteral("SELECT COUNT(*) FROM auth_audit a JOIN users u ON u.id = a.user_id "
                               "WHERE a.user_id = ? AND a.event = 'login_failed' AND "
                               "a.created_at > ? AND a.created_at > u.failures_cleared_at"),
                {user.id, time - settings.lockoutWindowMs}, 1);
            if (!counted)
                return counted.error();
            // The attempt that locks the account is still a wrong password, with the lock in
            // its details; attempts while the account is locked are "login.locked".
            AuditEntry entry = anonymousAuditEntry(clientIp, QStringLiteral("login.wrong_password"),
                                                   QStringLiteral("user"), user.id,
                                                   QStringLiteral("failed"), user.organizationId);
            if (counted.value()->at(0).toLongLong() < settings.lockoutThreshold)
                return AuditLog(db).append(std::move(entry));
            const qint64 until = time + settings.lockoutDurationMs;
            // Only the request that moves the account from unlocked to locked sends the mail.
            auto locked = sql::run(
                db,
                QStringLiteral("UPDATE users SET locked_until = ?, failures_cleared_at = ? WHERE "
                               "id = ? AND (locked_until IS NULL OR locked_until <= ?)"),
                {until, time, user.id, time});
            if (!locked)
                return locked.error();
            if (locked.value() != 1)
                return AuditLog(db).append(std::move(entry));
            lockedAt = until;
            entry.details = QJsonObject{{QStringLiteral("account_locked"), true}};
            if (auto appended = AuditLog(db).append(std::move(entry)); !appended)
                return appended;
            auto lockAudit =
                sql::run(db,
                         QStringLiteral("INSERT INTO auth_audit (id, user_id, event, "
                                        "created_at) VALUES (?, ?, 'account_locked', ?)"),
                         {crypto::randomUuid(), user.id, time});
            if (!lockAudit)
                return lockAudit.error();
            return queueMail(
                user.email, QStringLiteral("Was this you? Your ChartInsight account is locked"),
                QStringLiteral("Someone entered a wrong password for your ChartInsight account %1 "
                               "times, so the account is locked until %2 (UTC).\n\n"
                               "If this was you, wait until then or reset your password. If it "
                               "was not you, reset your password and tell your administrator.\n")
                    .arg(settings.lockoutThreshold)
                    .arg(isoTime(until)));
        });
    });
    if (!done)
        return done.error();
    if (lockedAt) {
        qCWarning(lcAuth).noquote() << "locked user" << user.id << "after"
                                    << settings.lockoutThreshold << "failed sign-ins";
        if (m_context.wakeMailWorker)
            m_context.wakeMailWorker();
    }
    return lockedAt;
}

HttpResponse AuthService::login(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QJsonValue email = body ? body->value(QStringLiteral("email")) : QJsonValue();
    const QJsonValue password = body ? body->value(QStringLiteral("password")) : QJsonValue();
    const QJsonValue device = body ? body->value(QStringLiteral("device_name")) : QJsonValue();
    if (!email.isString() || !password.isString() || !(device.isUndefined() || device.isString()))
        return invalidBody(QStringLiteral("the strings \"email\" and \"password\" (and optionally "
                                          "\"device_name\")"));
    const QString deviceName = device.toString().trimmed().left(kMaxDeviceNameLength);
    const QString normalised = normaliseEmail(email.toString());
    if (auto limited = limitAccount(request, QStringLiteral("login:") + normalised))
        return std::move(*limited);

    std::optional<UserRow> user;
    if (isValidEmail(normalised)) {
        auto found = m_users.findByEmail(normalised);
        if (!found)
            return failure(request, found.error());
        user = std::move(found.value());
    }
    if (!user) {
        // Same bcrypt work as for a known address, so the response time does not reveal
        // whether an account exists. The result is ignored: the login fails either way.
        (void)crypto::verifyPassword(password.toString(), m_context.secrets.passwordPepper,
                                     m_dummyHash);
        qCInfo(lcAuth) << "login failed: unknown e-mail address";
        auditAnonymous(request, QStringLiteral("login.unknown_account"), QString(), QString(),
                       QStringLiteral("failed"), QString());
        return invalidCredentials();
    }

    auto verified = crypto::verifyPassword(password.toString(), m_context.secrets.passwordPepper,
                                           user->passwordHash);
    auto locked = lockedUntil(user->id);
    if (!locked)
        return failure(request, locked.error());
    if (locked.value()) {
        // The right password is rejected too while the account is locked.
        qCInfo(lcAuth).noquote() << "login rejected: user" << user->id << "is locked";
        auditAnonymous(request, QStringLiteral("login.locked"), QStringLiteral("user"), user->id,
                       QStringLiteral("denied"), user->organizationId);
        return lockedResponse(*locked.value(), now());
    }
    if (!verified || !verified.value()) {
        if (!verified)
            qCWarning(lcAuth).noquote() << "the stored password hash of user" << user->id
                                        << "cannot be read:" << verified.error().message;
        qCInfo(lcAuth).noquote() << "login failed: wrong password for user" << user->id;
        auto lockedNow = recordFailure(*user, clientAddress(request));
        if (!lockedNow)
            return failure(request, lockedNow.error());
        if (lockedNow.value())
            return lockedResponse(*lockedNow.value(), now());
        return invalidCredentials();
    }

    auto cleared = m_db.withLock([&](storage::SqlDatabase& db) {
        return sql::run(db, QStringLiteral("UPDATE users SET failures_cleared_at = ? WHERE id = ?"),
                        {now(), user->id});
    });
    if (!cleared)
        return failure(request, cleared.error());

    // Hashes made with a lower cost than configured are upgraded while the password is known.
    if (crypto::bcryptCost(user->passwordHash) < m_context.bcryptCost) {
        auto rehashed = crypto::hashPassword(password.toString(), m_context.secrets.passwordPepper,
                                             m_context.bcryptCost);
        if (rehashed && m_users.updatePasswordHash(user->id, rehashed.value()).ok())
            qCInfo(lcAuth).noquote() << "raised the bcrypt cost of user" << user->id;
    }

    auto mfa = m_db.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db, QStringLiteral("SELECT mfa_enabled FROM users WHERE id = ?"),
                             {user->id}, 1);
    });
    if (!mfa)
        return failure(request, mfa.error());
    if (mfa.value() && mfa.value()->at(0).toLongLong() != 0) {
        auto mfaToken = startMfa(*user, deviceName, clientAddress(request));
        if (!mfaToken)
            return failure(request, mfaToken.error());
        qCInfo(lcAuth).noquote() << "password accepted for user" << user->id
                                 << "- e-mail code sent";
        return ApiResponse::json(200, QJsonObject{{QStringLiteral("mfa_required"), true},
                                                  {QStringLiteral("mfa_token"), mfaToken.value()}});
    }

    auto tokens =
        openSession(user->id, deviceName,
                    accountAuditEntry(user->id, user->organizationId, clientAddress(request),
                                      QStringLiteral("login.succeeded"), QStringLiteral("user"),
                                      user->id, QStringLiteral("success")));
    if (!tokens)
        return failure(request, tokens.error());
    qCInfo(lcAuth).noquote() << "login succeeded for user" << user->id;
    HttpResponse response = ApiResponse::json(200, tokens.value());
    response.userId = user->id;
    return response;
}

// ---- E-mail codes -----------------------------------------------------------------------------

Result<QString> AuthService::startMfa(const UserRow& user, const QString& deviceName,
                                      const QString& clientIp)
{
    const QString mfaToken = crypto::randomToken();
    const QString code = randomCode();
    const qint64 time = now();
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto challengeId = m_mfa.insertChallenge(sha256Hex(mfaToken), user.id, deviceName, time,
                                                     time + kMfaChallengeLifetimeMs);
            if (!challengeId)
                return challengeId.error();
            auto stored = m_mfa.insertCode(challengeId.value(), codeHmac(challengeId.value(), code),
                                           time, time + kMfaCodeLifetimeMs);
            if (!stored)
                return stored.error();
            auto audited = AuditLog(db).append(accountAuditEntry(
                user.id, user.organizationId, clientIp, QStringLiteral("login.mfa_sent"),
                QStringLiteral("user"), user.id, QStringLiteral("success")));
            if (!audited)
                return audited;
            return queueMail(user.email, QStringLiteral("Your ChartInsight sign-in code"),
                             QStringLiteral("Your sign-in code is %1\n\nIt is valid for 10 minutes "
                                            "and only for the sign-in that requested it. If you "
                                            "did not try to sign in, change your password.\n")
                                 .arg(code));
        });
    });
    if (!done)
        return done.error();
    if (m_context.wakeMailWorker)
        m_context.wakeMailWorker();
    return mfaToken;
}

HttpResponse AuthService::verifyCode(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QString mfaToken = body ? body->value(QStringLiteral("mfa_token")).toString() : QString();
    const QString code =
        body ? body->value(QStringLiteral("code")).toString().trimmed() : QString();
    static const QRegularExpression sixDigits(QStringLiteral("^[0-9]{6}$"));
    if (mfaToken.isEmpty() || mfaToken.size() > kMaxTokenLength)
        return invalidBody(QStringLiteral("the strings \"mfa_token\" and \"code\""));
    if (!sixDigits.match(code).hasMatch()) {
        return errorResponse(400, errc::kInvalidRequest,
                             QStringLiteral("The code must be the 6 digits from the e-mail."));
    }

    enum class Outcome
    {
        Accepted,
        DeadToken,
        Expired,
        Wrong,
        Failed
    };
    Outcome outcome = Outcome::DeadToken;
    int attemptsLeft = 0;
    QString userId;
    QString organizationId;
    QString deviceName;
    const qint64 time = now();
    const QString clientIp = clientAddress(request);
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto challenge = m_mfa.findOpenChallenge(sha256Hex(mfaToken), time);
            if (!challenge)
                return challenge.error();
            if (!challenge.value())
                return {}; // DeadToken
            const QString challengeId = challenge.value()->id;
            userId = challenge.value()->userId;
            organizationId = challenge.value()->organizationId;
            deviceName = challenge.value()->deviceName;
            const auto codeFailed = [&](const QJsonObject& details) {
                AuditEntry entry = accountAuditEntry(
                    userId, organizationId, clientIp, QStringLiteral("login.mfa_failed"),
                    QStringLiteral("user"), userId, QStringLiteral("failed"));
                entry.details = details;
                return AuditLog(db).append(std::move(entry));
            };

            auto codeRow = m_mfa.findActiveCode(challengeId, codeHmac(challengeId, code));
            if (!codeRow)
                return codeRow.error();
            if (codeRow.value() && codeRow.value()->expiresAt <= time) {
                outcome = Outcome::Expired;
                return codeFailed(QJsonObject{{QStringLiteral("code_expired"), true}});
            }
            if (codeRow.value()) {
                // Exactly one of two concurrent verifications changes the row.
                auto used = m_mfa.markCodeUsed(codeRow.value()->id, time);
                if (!used)
                    return used.error();
                auto finished = m_mfa.finishChallenge(challengeId, time);
                if (!finished)
                    return finished.error();
                outcome = used.value() && finished.value() ? Outcome::Accepted : Outcome::DeadToken;
                return {};
            }

            if (auto counted = m_mfa.addFailedAttempt(challengeId); !counted)
                return counted.error();
            const int failures = challenge.value()->failedAttempts + 1;
            attemptsLeft = kMfaMaxFailures - failures;
            if (auto audited = codeFailed(
                    QJsonObject{{QStringLiteral("attempts_left"), std::max(attemptsLeft, 0)}});
                !audited) {
                return audited;
            }
            if (attemptsLeft > 0) {
                outcome = Outcome::Wrong;
                return {};
            }
            outcome = Outcome::Failed;
            auto killed = m_mfa.finishChallenge(challengeId, time);
            if (!killed)
                return killed.error();
            return {};
        });
    });
    if (!done)
        return failure(request, done.error());

    switch (outcome) {
    case Outcome::DeadToken:
        auditAnonymous(request, QStringLiteral("login.mfa_failed"), QString(), QString(),
                       QStringLiteral("failed"), QString());
        return errorResponse(401, authc::kMfaFailed,
                             QStringLiteral("This sign-in attempt has ended (used, expired or too "
                                            "many wrong codes); sign in again."));
    case Outcome::Failed:
        qCWarning(lcAuth).noquote() << "e-mail code sign-in of user" << userId << "ended after"
                                    << kMfaMaxFailures << "wrong codes";
        return errorResponse(401, authc::kMfaFailed,
                             QStringLiteral("Too many wrong codes; sign in again."));
    case Outcome::Expired:
        return errorResponse(410, authc::kCodeExpired,
                             QStringLiteral("The code has expired; request a new code."));
    case Outcome::Wrong:
        qCInfo(lcAuth).noquote() << "wrong e-mail code for user" << userId;
        return errorResponse(401, authc::kInvalidCode,
                             QStringLiteral("The code is wrong or was replaced by a newer one; "
                                            "enter the code from the latest e-mail (%1 attempts "
                                            "left).")
                                 .arg(attemptsLeft),
                             QJsonObject{{QStringLiteral("attempts_left"), attemptsLeft}});
    case Outcome::Accepted:
        break;
    }
    auto tokens = openSession(
        userId, deviceName,
        accountAuditEntry(userId, organizationId, clientIp, QStringLiteral("login.mfa_passed"),
                          QStringLiteral("user"), userId, QStringLiteral("success")));
    if (!tokens)
        return failure(request, tokens.error());
    qCInfo(lcAuth).noquote() << "login with e-mail code succeeded for user" << userId;
    HttpResponse response = ApiResponse::json(200, tokens.value());
    response.userId = userId;
    return response;
}

HttpResponse AuthService::resendCode(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QString mfaToken = body ? body->value(QStringLiteral("mfa_token")).toString() : QString();
    if (mfaToken.isEmpty() || mfaToken.size() > kMaxTokenLength)
        return invalidBody(QStringLiteral("the string \"mfa_token\""));

    enum class Outcome
    {
        Sent,
        DeadToken,
        TooSoon,
        TooMany
    };
    Outcome outcome = Outcome::DeadToken;
    qint64 waitMs = 0;
    QString userId;
    const qint64 time = now();
    const QString code = randomCode();
    const QString clientIp = clientAddress(request);
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto challenge = m_mfa.findOpenChallenge(sha256Hex(mfaToken), time);
            if (!challenge)
                return challenge.error();
            if (!challenge.value())
                return {};
            const MfaChallengeRow& row = *challenge.value();
            userId = row.userId;
            const qint64 nextAllowed = row.lastSentAt + kMfaResendIntervalMs;
            if (row.resendCount >= kMfaMaxResends) {
                outcome = Outcome::TooMany;
                waitMs = row.expiresAt - time;
                return {};
            }
            if (time < nextAllowed) {
                outcome = Outcome::TooSoon;
                waitMs = nextAllowed - time;
                return {};
            }
            // A new code replaces every earlier code of this sign-in.
            if (auto invalidated = m_mfa.invalidateCodes(row.id, time); !invalidated)
                return invalidated.error();
            auto stored =
                m_mfa.insertCode(row.id, codeHmac(row.id, code), time, time + kMfaCodeLifetimeMs);
            if (!stored)
                return stored.error();
            if (auto counted = m_mfa.recordResend(row.id, time); !counted)
                return counted.error();
            AuditEntry entry = accountAuditEntry(
                row.userId, row.organizationId, clientIp, QStringLiteral("login.mfa_sent"),
                QStringLiteral("user"), row.userId, QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("resends"), row.resendCount + 1}};
            if (auto audited = AuditLog(db).append(std::move(entry)); !audited)
                return audited;
            outcome = Outcome::Sent;
            return queueMail(row.userEmail, QStringLiteral("Your new ChartInsight sign-in code"),
                             QStringLiteral("Your new sign-in code is %1\n\nIt replaces every "
                                            "earlier code and is valid for 10 minutes.\n")
                                 .arg(code));
        });
    });
    if (!done)
        return failure(request, done.error());
    switch (outcome) {
    case Outcome::DeadToken:
        return errorResponse(401, authc::kMfaFailed,
                             QStringLiteral("This sign-in attempt has ended; sign in again."));
    case Outcome::TooSoon:
    case Outcome::TooMany: {
        HttpResponse response = rateLimited(int(std::max<qint64>(1, (waitMs + 999) / 1000)));
        if (outcome == Outcome::TooMany)
            response = errorResponse(429, authc::kRateLimited,
                                     QStringLiteral("No more codes can be sent for this sign-in; "
                                                    "sign in again later."));
        response.setHeader("Retry-After",
                           QByteArray::number(std::max<qint64>(1, (waitMs + 999) / 1000)));
        return response;
    }
    case Outcome::Sent:
        break;
    }
    if (m_context.wakeMailWorker)
        m_context.wakeMailWorker();
    qCInfo(lcAuth).noquote() << "sent a new e-mail code to user" << userId;
    return ApiResponse::json(202, QJsonObject{{QStringLiteral("resend_available_in"),
                                               int(kMfaResendIntervalMs / 1000)}});
}

// ---- Password reset and password changes ------------------------------------------------------

Result<void> AuthService::replacePassword(const QString& userId, const QString& passwordHash,
                                          const QString& keepSessionId, const AuditEntry& audit)
{
    const qint64 time = now();
    storage::SqlDatabase& db = m_db;
    auto updated = sql::run(db, QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                            {passwordHash, userId});
    if (!updated)
        return updated.error();
    auto links = m_resetLinks.invalidateForUser(userId, time);
    if (!links)
        return links.error();
    auto sessions = sql::run(db,
                             QStringLiteral("UPDATE auth_sessions SET revoked_at = ? WHERE "
                                            "user_id = ? AND revoked_at IS NULL AND id <> ?"),
                             {time, userId, keepSessionId});
    if (!sessions)
        return sessions.error();
    AuditEntry entry = audit;
    entry.details.insert(QStringLiteral("sessions_revoked"), sessions.value());
    if (auto logged = AuditLog(db).append(std::move(entry)); !logged)
        return logged;
    qCInfo(lcAuth).noquote() << "replaced the password of user" << userId << "- revoked"
                             << sessions.value() << "sessions and" << links.value()
                             << "reset links";
    return {};
}

HttpResponse AuthService::requestReset(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QJsonValue email = body ? body->value(QStringLiteral("email")) : QJsonValue();
    if (!email.isString())
        return invalidBody(QStringLiteral("the string \"email\""));
    const QString normalised = normaliseEmail(email.toString());
    if (auto limited = limitAccount(request, QStringLiteral("reset:") + normalised))
        return std::move(*limited);

    // The token and its hash are made for unknown addresses too, so both paths do similar work.
    const QString token = crypto::randomToken();
    const QString tokenHash = sha256Hex(token);
    std::optional<UserRow> user;
    if (isValidEmail(normalised)) {
        auto found = m_users.findByEmail(normalised);
        if (!found)
            return failure(request, found.error());
        user = std::move(found.value());
    }
    // NOTE: a known address also writes two rows and a mail, so its response may take a few
    // milliseconds longer than an unknown one's; the body and status are identical.
    if (user) {
        const qint64 time = now();
        const QString link = m_context.publicUrl + QStringLiteral("/reset-password?token=") + token;
        auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
            return db.transaction([&]() -> Result<void> {
                // The newest request replaces every older link.
                if (auto older = m_resetLinks.invalidateForUser(user->id, time); !older)
                    return older.error();
                auto stored =
                    m_resetLinks.insert(tokenHash, user->id, time, time + kResetLinkLifetimeMs);
                if (!stored)
                    return stored.error();
                auto audited = AuditLog(db).append(anonymousAuditEntry(
                    clientAddress(request), QStringLiteral("password_reset.requested"),
                    QStringLiteral("user"), user->id, QStringLiteral("success"),
                    user->organizationId));
                if (!audited)
                    return audited;
                return queueMail(
                    user->email, QStringLiteral("Reset your ChartInsight password"),
                    QStringLiteral("Someone asked to reset the password of your ChartInsight "
                                   "account. To choose a new password, open this link within 60 "
                                   "minutes:\n\n%1\n\nIn the ChartInsight desktop app, open:\n\n"
                                   "chartinsight://reset-password?token=%2\n\nIf you did not ask "
                                   "for this, ignore this mail: your password stays the same.\n")
                        .arg(link, token));
            });
        });
        if (!done)
            return failure(request, done.error());
        qCInfo(lcAuth).noquote() << "password reset link sent to user" << user->id;
        if (m_context.wakeMailWorker)
            m_context.wakeMailWorker();
    } else {
        qCInfo(lcAuth) << "password reset requested for an unknown e-mail address";
        auditAnonymous(request, QStringLiteral("password_reset.requested"), QString(), QString(),
                       QStringLiteral("failed"), QString());
    }
    return ApiResponse::json(
        202, QJsonObject{{QStringLiteral("status"), QStringLiteral("sent_if_registered")}});
}

AuthService::ResetOutcome AuthService::applyReset(const QString& token, const QString& newPassword,
                                                  const QString& clientIp)
{
    const auto invalidLink = [] {
        return ResetOutcome{410, QString::fromLatin1(authc::kResetLinkInvalid),
                            QStringLiteral("This reset link is no longer valid: it was used, it "
                                           "expired, or a newer link or a password change "
                                           "replaced it. Request a new link.")};
    };
    const auto rejected = [&](const QString& linkUserId, const QString& organizationId) {
        AuditLog(m_db).appendOrLog(
            anonymousAuditEntry(clientIp, QStringLiteral("password_reset.completed"),
                                linkUserId.isEmpty() ? QString() : QStringLiteral("user"),
                                linkUserId, QStringLiteral("failed"), organizationId));
        return invalidLink();
    };
    if (token.isEmpty() || token.size() > kMaxTokenLength)
        return rejected(QString(), QString());
    const qint64 time = now();
    auto row = m_resetLinks.findByTokenHash(sha256Hex(token));
    if (!row)
        return ResetOutcome{500, row.error().code, row.error().message};
    if (!row.value())
        return rejected(QString(), QString());
    const ResetLinkRow link = *row.value();
    const QString userId = link.userId;
    if (link.expiresAt <= time || link.usedAt || link.invalidatedAt) {
        qCInfo(lcAuth).noquote() << "rejected a reset link of user" << userId;
        return rejected(userId, link.organizationId);
    }
    if (auto checked = PasswordPolicy::check(newPassword, link.userEmail); !checked)
        return ResetOutcome{400, checked.error().code, checked.error().message};
    auto hash =
        crypto::hashPassword(newPassword, m_context.secrets.passwordPepper, m_context.bcryptCost);
    if (!hash)
        return ResetOutcome{500, hash.error().code, hash.error().message};

    bool applied = false;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto used = m_resetLinks.markUsed(link.id, time);
            if (!used)
                return used.error();
            if (!used.value())
                return {};
            applied = true;
            // The link proves control of the account's mailbox, so the user is the actor.
            const AuditEntry entry = accountAuditEntry(
                userId, link.organizationId, clientIp, QStringLiteral("password_reset.completed"),
                QStringLiteral("user"), userId, QStringLiteral("success"));
            if (auto replaced = replacePassword(userId, hash.value(), QString(), entry);
                !replaced) {
                return replaced;
            }
            // A reset proves control of the mailbox, so it also ends a lockout.
            auto unlocked = sql::run(db,
                                     QStringLiteral("UPDATE users SET locked_until = NULL, "
                                                    "failures_cleared_at = ? WHERE id = ?"),
                                     {time, userId});
            if (!unlocked)
                return unlocked.error();
            return queueMail(link.userEmail,
                             QStringLiteral("Your ChartInsight password was changed"),
                             QStringLiteral("The password of your ChartInsight account was reset "
                                            "and every device was signed out.\n\nIf you did not "
                                            "do this, tell your administrator at once.\n"));
        });
    });
    if (!done)
        return ResetOutcome{500, done.error().code, done.error().message};
    if (!applied)
        return rejected(userId, link.organizationId);
    if (m_context.wakeMailWorker)
        m_context.wakeMailWorker();
    return ResetOutcome{200, {}, {}};
}

HttpResponse AuthService::completeReset(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QJsonValue token = body ? body->value(QStringLiteral("token")) : QJsonValue();
    const QJsonValue password = body ? body->value(QStringLiteral("new_password")) : QJsonValue();
    if (!token.isString() || !password.isString())
        return invalidBody(QStringLiteral("the strings \"token\" and \"new_password\""));
    const ResetOutcome outcome =
        applyReset(token.toString(), password.toString(), clientAddress(request));
    if (outcome.status == 200)
        return ApiResponse::json(200, QJsonObject{{QStringLiteral("password_changed"), true}});
    return failure(request, makeError(outcome.code, outcome.message));
}

HttpResponse AuthService::resetPage(const HttpRequest& request)
{
    const auto page = [](const QString& title, const QString& content) {
        HttpResponse response;
        response.status = 200;
        response.setHeader("Content-Type", "text/html; charset=utf-8");
        // No script, style or third-party content: the form posts only to this origin.
        response.setHeader("Content-Security-Policy",
                           "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
        response.body = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                                       "charset=\"utf-8\"><meta name=\"viewport\" "
                                       "content=\"width=device-width\"><title>%1</title></head>"
                                       "<body><h1>%1</h1>%2</body></html>\n")
                            .arg(htmlEscape(title), content)
                            .toUtf8();
        return response;
    };
    const QString invalidText =
        QStringLiteral("<p>This reset link is no longer valid: it was used, it expired, or a "
                       "newer link or a password change replaced it. Request a new link in the "
                       "ChartInsight app.</p>");

    if (request.method == "GET") {
        const QUrlQuery query(QString::fromLatin1(request.query));
        const QString token = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
        auto valid = m_resetLinks.isUsable(sha256Hex(token), now());
        if (!valid)
            return failure(request, valid.error());
        if (token.isEmpty() || !valid.value()) {
            HttpResponse response = page(QStringLiteral("Reset link not valid"), invalidText);
            response.status = 410;
            return response;
        }
        return page(QStringLiteral("Choose a new password"),
                    QStringLiteral("<form method=\"post\" action=\"/reset-password\">"
                                   "<input type=\"hidden\" name=\"token\" value=\"%1\">"
                                   "<p><label>New password (at least 12 characters)<br>"
                                   "<input type=\"password\" name=\"new_password\" "
                                   "autocomplete=\"new-password\" required minlength=\"12\">"
                                   "</label></p><p><button type=\"submit\">Set password</button>"
                                   "</p></form>")
                        .arg(htmlEscape(token)));
    }

    const QUrlQuery form(QString::fromUtf8(request.body).replace(u'+', u' '));
    const ResetOutcome outcome =
        applyReset(form.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded),
                   form.queryItemValue(QStringLiteral("new_password"), QUrl::FullyDecoded),
                   clientAddress(request));
    if (outcome.status == 200) {
        return page(QStringLiteral("Password changed"),
                    QStringLiteral("<p>Your password was changed and every device was signed "
                                   "out. Sign in with the new password.</p>"));
    }
    HttpResponse response =
        outcome.status == 410
            ? page(QStringLiteral("Reset link not valid"), invalidText)
            : page(QStringLiteral("Password not accepted"),
                   QStringLiteral("<p>%1</p><p>Go back and choose another password.</p>")
                       .arg(htmlEscape(outcome.status == 400 ? outcome.message
                                                             : QStringLiteral("The server could "
                                                                              "not change the "
                                                                              "password."))));
    response.status = outcome.status;
    return response;
}

HttpResponse AuthService::passwordPolicy(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QJsonValue password = body ? body->value(QStringLiteral("password")) : QJsonValue();
    const QJsonValue email = body ? body->value(QStringLiteral("email")) : QJsonValue();
    if (!password.isString() || !(email.isUndefined() || email.isString()))
        return invalidBody(QStringLiteral("the string \"password\" and optionally \"email\""));
    const QString normalised = normaliseEmail(email.toString());
    const auto checked = PasswordPolicy::check(password.toString(), normalised);
    QJsonObject result{
        {QStringLiteral("acceptable"), checked.ok()},
        {QStringLiteral("score"), PasswordPolicy::score(password.toString(), normalised)}};
    result.insert(QStringLiteral("reason"), checked ? QString() : checked.error().message);
    result.insert(QStringLiteral("suggestion"),
                  checked ? QString()
                          : QStringLiteral("Use four or more unrelated words, or a longer "
                                           "password without names, dates or patterns."));
    return ApiResponse::json(200, result);
}

// ---- Account and administration ---------------------------------------------------------------

HttpResponse AuthService::account(const HttpRequest& request)
{
    auto user = authenticate(request.header("authorization"));
    if (!user)
        return authFailure(request, user.error());
    auto row = m_db.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db,
                             QStringLiteral("SELECT email, organization_id, is_admin, mfa_enabled "
                                            "FROM users WHERE id = ?"),
                             {user->userId}, 4);
    });
    if (!row || !row.value())
        return failure(request, row ? makeError(QString::fromLatin1(errc::kInternal),
                                                QStringLiteral("The user row is missing."))
                                    : row.error());
    HttpResponse response = ApiResponse::json(
        200, QJsonObject{{QStringLiteral("user_id"), user->userId},
                         {QStringLiteral("email"), row.value()->at(0).toString()},
                         {QStringLiteral("organization_id"), row.value()->at(1).toString()},
                         {QStringLiteral("is_admin"), row.value()->at(2).toLongLong() != 0},
                         {QStringLiteral("mfa_enabled"), row.value()->at(3).toLongLong() != 0}});
    response.userId = user->userId;
    return response;
}

std::optional<HttpResponse> AuthService::confirmPassword(const HttpRequest& request,
                                                         const SessionUser& session,
                                                         const QString& password,
                                                         const QString& wrongPasswordMessage,
                                                         UserRow& user)
{
    if (auto limited = limitAccount(request, QStringLiteral("password:") + session.userId))
        return limited;
    auto found = findUserById(session.userId);
    if (!found || !found.value())
        return failure(request, found ? makeError(QString::fromLatin1(errc::kInternal),
                                                  QStringLiteral("The user row is missing."))
                                      : found.error());
    auto verified = crypto::verifyPassword(password, m_context.secrets.passwordPepper,
                                           found.value()->passwordHash);
    if (!verified || !verified.value())
        return errorResponse(403, errc::kInvalidCredentials, wrongPasswordMessage);
    user = std::move(*found.value());
    return std::nullopt;
}

HttpResponse AuthService::changePassword(const HttpRequest& request)
{
    auto session = signedInUser(request);
    if (!session)
        return authFailure(request, session.error());
    const auto body = parseObject(request);
    const QJsonValue current =
        body ? body->value(QStringLiteral("current_password")) : QJsonValue();
    const QJsonValue next = body ? body->value(QStringLiteral("new_password")) : QJsonValue();
    if (!current.isString() || !next.isString())
        return invalidBody(QStringLiteral("the strings \"current_password\" and \"new_password\""));
    UserRow user;
    if (auto rejected = confirmPassword(request, *session, current.toString(),
                                        QStringLiteral("The current password is wrong; enter it "
                                                       "again."),
                                        user)) {
        if (rejected->status == 403) {
            AuditLog(m_db).appendOrLog(userAuditEntry(*session, QStringLiteral("password.changed"),
                                                      QStringLiteral("user"), session->userId,
                                                      QStringLiteral("failed")));
        }
        return std::move(*rejected);
    }
    if (auto checked = PasswordPolicy::check(next.toString(), user.email); !checked)
        return failure(request, checked.error());
    auto hash = crypto::hashPassword(next.toString(), m_context.secrets.passwordPepper,
                                     m_context.bcryptCost);
    if (!hash)
        return failure(request, hash.error());
    auto done = m_db.withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            return replacePassword(session->userId, hash.value(), session->sessionId,
                                   userAuditEntry(*session, QStringLiteral("password.changed"),
                                                  QStringLiteral("user"), session->userId,
                                                  QStringLiteral("success")));
        });
    });
    if (!done)
        return failure(request, done.error());
    HttpResponse response =
        ApiResponse::json(200, QJsonObject{{QStringLiteral("password_changed"), true}});
    response.userId = session->userId;
    return response;
}

HttpResponse AuthService::setMfa(const HttpRequest& request)
{
    auto session = signedInUser(request);
    if (!session)
        return authFailure(request, session.error());
    const auto body = parseObject(request);
    const QJsonValue enabled = body ? body->value(QStringLiteral("enabled")) : QJsonValue();
    const QJsonValue password = body ? body->value(QStringLiteral("password")) : QJsonValue();
    if (!enabled.isBool() || !password.isString())
        return invalidBody(QStringLiteral("the boolean \"enabled\" and the string \"password\""));
    const QString action =
        enabled.toBool() ? QStringLiteral("mfa.enabled") : QStringLiteral("mfa.disabled");
    UserRow user;
    if (auto rejected =
            confirmPassword(request, *session, password.toString(),
                            QStringLiteral("The password is wrong; enter it again."), user)) {
        if (rejected->status == 403) {
            AuditLog(m_db).appendOrLog(userAuditEntry(*session, action, QStringLiteral("user"),
                                                      session->userId, QStringLiteral("failed")));
        }
        return std::move(*rejected);
    }
    auto updated = m_db.withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto changed =
                sql::run(db, QStringLiteral("UPDATE users SET mfa_enabled = ? WHERE id = ?"),
                         {qint64(enabled.toBool() ? 1 : 0), session->userId});
            if (!changed)
                return changed.error();
            return AuditLog(db).append(userAuditEntry(*session, action, QStringLiteral("user"),
                                                      session->userId, QStringLiteral("success")));
        });
    });
    if (!updated)
        return failure(request, updated.error());
    HttpResponse response =
        ApiResponse::json(200, QJsonObject{{QStringLiteral("mfa_enabled"), enabled.toBool()}});
    response.userId = session->userId;
    return response;
}

HttpResponse AuthService::adminUsers(const HttpRequest& request)
{
    auto admin = authenticate(request.header("authorization"));
    if (!admin)
        return authFailure(request, admin.error());
    if (auto allowed =
            AccessPolicy(m_db).requireOrganization(admin->userId, Permission::ManageOrganization);
        !allowed)
        return failure(request, allowed.error());
    auto found = m_db.withLock([&](storage::SqlDatabase& db) {
        return sql::rows(
            db,
            QStringLiteral("SELECT id, email, is_admin, mfa_enabled, locked_until FROM "
                           "users WHERE organization_id = ? ORDER BY email"),
            {admin->organizationId}, 5);
    });
    if (!found)
        return failure(request, found.error());
    const qint64 time = now();
    QJsonArray users;
    for (const QVariantList& columns : std::as_const(found.value())) {
        const bool locked = !columns.at(4).isNull() && columns.at(4).toLongLong() > time;
        users.append(QJsonObject{
            {QStringLiteral("id"), columns.at(0).toString()},
            {QStringLiteral("email"), columns.at(1).toString()},
            {QStringLiteral("is_admin"), columns.at(2).toLongLong() != 0},
            {QStringLiteral("mfa_enabled"), columns.at(3).toLongLong() != 0},
            {QStringLiteral("locked_until"),
             locked ? QJsonValue(isoTime(columns.at(4).toLongLong())) : QJsonValue()},
        });
    }
    HttpResponse response = ApiResponse::json(200, QJsonObject{{QStringLiteral("users"), users}});
    response.userId = admin->userId;
    return response;
}

HttpResponse AuthService::adminUnlock(const HttpRequest& request, const QString& userId)
{
    auto admin = signedInUser(request);
    if (!admin)
        return authFailure(request, admin.error());
    const auto entry = [&](const QString& outcome) {
        return userAuditEntry(*admin, QStringLiteral("account.unlocked"), QStringLiteral("user"),
                              userId, outcome);
    };
    if (auto allowed =
            AccessPolicy(m_db).requireOrganization(admin->userId, Permission::ManageOrganization);
        !allowed) {
        if (ApiResponse::statusFor(allowed.error().code) == 403)
            AuditLog(m_db).appendOrLog(entry(QStringLiteral("denied")));
        return failure(request, allowed.error());
    }
    qint64 updated = 0;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            auto changed = sql::run(db,
                                    QStringLiteral("UPDATE users SET locked_until = NULL, "
                                                   "failures_cleared_at = ? WHERE id = ? AND "
                                                   "organization_id = ?"),
                                    {now(), userId, admin->organizationId});
            if (!changed)
                return changed.error();
            updated = changed.value();
            // A user of another organization is reported like an unknown id.
            return AuditLog(db).append(
                entry(updated == 1 ? QStringLiteral("success") : QStringLiteral("denied")));
        });
    });
    if (!done)
        return failure(request, done.error());
    if (updated != 1)
        return errorResponse(404, errc::kNotFound,
                             QStringLiteral("Your organization has no user with this id."));
    qCInfo(lcAuth).noquote() << "admin" << admin->userId << "unlocked user" << userId;
    HttpResponse response = ApiResponse::json(200, QJsonObject{{QStringLiteral("unlocked"), true}});
    response.userId = admin->userId;
    return response;
}

HttpResponse AuthService::adminPassword(const HttpRequest& request, const QString& userId)
{
    auto admin = signedInUser(request);
    if (!admin)
        return authFailure(request, admin.error());
    const auto entry = [&](const QString& outcome) {
        return userAuditEntry(*admin, QStringLiteral("account.password_set_by_admin"),
                              QStringLiteral("user"), userId, outcome);
    };
    if (auto allowed =
            AccessPolicy(m_db).requireOrganization(admin->userId, Permission::ManageOrganization);
        !allowed) {
        if (ApiResponse::statusFor(allowed.error().code) == 403)
            AuditLog(m_db).appendOrLog(entry(QStringLiteral("denied")));
        return failure(request, allowed.error());
    }
    const auto body = parseObject(request);
    const QJsonValue next = body ? body->value(QStringLiteral("new_password")) : QJsonValue();
    if (!next.isString())
        return invalidBody(QStringLiteral("the string \"new_password\""));
    auto user = findUserById(userId);
    if (!user)
        return failure(request, user.error());
    if (!user.value() || user.value()->organizationId != admin->organizationId) {
        AuditLog(m_db).appendOrLog(entry(QStringLiteral("denied")));
        return errorResponse(404, errc::kNotFound,
                             QStringLiteral("Your organization has no user with this id."));
    }
    if (auto checked = PasswordPolicy::check(next.toString(), user.value()->email); !checked)
        return failure(request, checked.error());
    auto hash = crypto::hashPassword(next.toString(), m_context.secrets.passwordPepper,
                                     m_context.bcryptCost);
    if (!hash)
        return failure(request, hash.error());
    auto done = m_db.withLock([&](storage::SqlDatabase& db) {
        return db.transaction([&]() -> Result<void> {
            return replacePassword(userId, hash.value(), QString(),
                                   entry(QStringLiteral("success")));
        });
    });
    if (!done)
        return failure(request, done.error());
    HttpResponse response =
        ApiResponse::json(200, QJsonObject{{QStringLiteral("password_changed"), true}});
    response.userId = admin->userId;
    return response;
}

} // namespace chartinsight::server
