#include "InvitationService.h"

#include "ApiResponse.h"
#include "AuditLog.h"
#include "AuthErrors.h"
#include "EmailAddress.h"
#include "PasswordPolicy.h"
#include "RateLimiter.h"
#include "ServerContext.h"
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
#include <QLoggingCategory>
#include <QUrlQuery>

#include <cstring>

namespace chartinsight::server {
namespace {

Q_LOGGING_CATEGORY(lcInvitations, "chartinsight.server.invitations", QtInfoMsg)

constexpr qsizetype kMaxTokenLength = 512; // far above the 43 characters randomToken returns

QString sha256Hex(const QString& text)
{
    return QString::fromLatin1(crypto::Sha256::hash(text.toUtf8()).toHex());
}

QString isoTime(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonValue optionalIsoTime(const std::optional<qint64>& msecs)
{
    return msecs ? QJsonValue(isoTime(*msecs)) : QJsonValue();
}

int secondsUntil(qint64 then, qint64 now)
{
    return int(std::max<qint64>(1, (then - now + 999) / 1000));
}

HttpResponse errorResponse(int status, const QString& code, const QString& message,
                           const QJsonObject& extra = {})
{
    QJsonObject error = extra;
    error.insert(QStringLiteral("code"), code);
    error.insert(QStringLiteral("message"), message);
    return ApiResponse::json(status, QJsonObject{{QStringLiteral("error"), error}});
}

HttpResponse invalidBody(const QString& expected)
{
    return errorResponse(400, QString::fromLatin1(errc::kInvalidRequest),
                         QStringLiteral("The body must be a JSON object with %1.").arg(expected));
}

std::optional<QJsonObject> parseObject(const HttpRequest& request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

// The HTTP status of the codes this service returns; the shared codes keep their usual one.
int statusFor(const QString& code)
{
    const QByteArray latin1 = code.toLatin1();
    const auto is = [&](const char* candidate) {
        return std::strcmp(latin1.constData(), candidate) == 0;
    };
    if (is(invitationc::kNotFound))
        return 404;
    if (is(invitationc::kUsed) || is(invitationc::kExpired) || is(invitationc::kRevoked))
        return 410;
    if (is(invitationc::kPending) || is(invitationc::kAlreadyMember) ||
        is(invitationc::kEmailInOtherOrganization) || is(kEmailTaken))
        return 409;
    if (is(accessc::kInvalidPermission))
        return 400;
    return ApiResponse::statusFor(code);
}

HttpResponse withUser(HttpResponse response, const SessionUser& user)
{
    response.userId = user.userId;
    return response;
}

} // namespace

InvitationService::InvitationService(ServerContext& context)
    : m_context(context), m_db(*context.database), m_policy(*context.database),
      m_teams(*context.database), m_invitations(*context.database), m_users(*context.database)
{
}

qint64 InvitationService::now() const
{
    return m_context.clock ? m_context.clock->currentMSecsSinceEpoch()
                           : QDateTime::currentMSecsSinceEpoch();
}

qint64 InvitationService::resendInterval(int sendCount)
{
    qint64 interval = kFirstResendIntervalMs;
    for (int sent = 1; sent < sendCount && interval < kMaxResendIntervalMs; ++sent)
        interval *= 2;
    return std::min(interval, kMaxResendIntervalMs);
}

bool InvitationService::handles(RouteId route)
{
    switch (route) {
    case RouteId::TeamInvitations:
    case RouteId::InvitationResend:
    case RouteId::InvitationRevoke:
        return true;
    default:
        return isTokenRoute(route);
    }
}

bool InvitationService::isTokenRoute(RouteId route)
{
    return route == RouteId::InvitationLookup || route == RouteId::InvitationAccept ||
           route == RouteId::InvitationPage;
}

HttpResponse InvitationService::handle(const HttpRequest& request, const RouteMatch& match,
                                       const std::optional<SessionUser>& caller,
                                       const QString& clientIp)
{
    switch (match.route) {
    case RouteId::InvitationLookup:
        return lookup(request);
    case RouteId::InvitationAccept:
        return accept(request, clientIp);
    case RouteId::InvitationPage:
        return page(request, clientIp);
    default:
        break;
    }
    if (!caller) {
        // The route table gives every other invitation route the Token rule.
        return failure(request, makeError(QString::fromLatin1(errc::kInternal),
                                          QStringLiteral("An invitation route was called without "
                                                         "a signed-in user.")));
    }
    const QString id = match.ids.value(0);
    switch (match.route) {
    case RouteId::TeamInvitations:
        return request.method == "POST" ? create(request, *caller, id) : list(request, *caller, id);
    case RouteId::InvitationResend:
        return resend(request, *caller, id);
    case RouteId::InvitationRevoke:
        return revoke(request, *caller, id);
    default:
        break;
    }
    return errorResponse(404, QString::fromLatin1(errc::kNotFound),
                         QStringLiteral("No API route has this path."));
}

// ---- Helpers ----------------------------------------------------------------------------------

HttpResponse InvitationService::failure(const HttpRequest& request, const Error& error) const
{
    const int status = statusFor(error.code);
    if (status < 500)
        return errorResponse(status, error.code, error.message);
    // The detail can name database internals, so it goes to the log only.
    qCCritical(lcInvitations).noquote()
        << "request" << request.requestId << "failed:" << error.code << "-" << error.message;
    return errorResponse(status, error.code,
                         QStringLiteral("The server could not complete the request (request id "
                                        "%1). Try again later; if it keeps failing, give the "
                                        "administrator this id.")
                             .arg(request.requestId));
}

HttpResponse InvitationService::outcomeResponse(const HttpRequest& request,
                                                const Outcome& outcome) const
{
    if (outcome.status == 200)
        return ApiResponse::json(200, outcome.body);
    if (outcome.status >= 500 && outcome.status != 503)
        return failure(request, makeError(outcome.code, outcome.message));
    HttpResponse response = errorResponse(outcome.status, outcome.code, outcome.message);
    if (outcome.retryAfterSeconds > 0)
        response.setHeader("Retry-After", QByteArray::number(outcome.retryAfterSeconds));
    return response;
}

Result<int> InvitationService::takeAccountToken(const QString& key)
{
    // The same table and key hashing as the authentication routes, so a password guessed here
    // and one guessed at the account settings share one bucket.
    return takeDatabaseToken(m_db, key, m_context.auth.accountRequestsPerMinute, now());
}

std::optional<HttpResponse> InvitationService::limitAccount(const HttpRequest& request,
                                                            const QString& key)
{
    auto wait = takeAccountToken(key);
    if (!wait)
        return failure(request, wait.error());
    if (wait.value() == 0)
        return std::nullopt;
    qCInfo(lcInvitations) << "request" << request.requestId << "rate-limited by account";
    HttpResponse response = errorResponse(
        429, QString::fromLatin1(authc::kRateLimited),
        QStringLiteral("Too many requests; wait %1 seconds, then try again.").arg(wait.value()));
    response.setHeader("Retry-After", QByteArray::number(wait.value()));
    return response;
}

Result<QString> InvitationService::organizationName(const QString& organizationId)
{
    return m_db.withLock([&](storage::SqlDatabase& db) -> Result<QString> {
        auto row = sql::firstRow(db, QStringLiteral("SELECT name FROM organizations WHERE id = ?"),
                                 {organizationId}, 1);
        if (!row)
            return row.error();
        if (!row.value())
            return makeError(QString::fromLatin1(errc::kInternal),
                             QStringLiteral("The organization row of an invitation is missing."));
        return row.value()->at(0).toString();
    });
}

Result<QString> InvitationService::userEmail(const QString& userId)
{
    return m_db.withLock([&](storage::SqlDatabase& db) -> Result<QString> {
        auto row =
            sql::firstRow(db, QStringLiteral("SELECT email FROM users WHERE id = ?"), {userId}, 1);
        if (!row)
            return row.error();
        if (!row.value())
            return makeError(QString::fromLatin1(errc::kInternal),
                             QStringLiteral("The user row is missing."));
        return row.value()->at(0).toString();
    });
}

QJsonObject InvitationService::invitationJson(const InvitationRow& row, qint64 time) const
{
    QJsonArray permissions;
    for (const QString& name : permissionNames(row.permissions))
        permissions.append(name);
    return QJsonObject{
        {QStringLiteral("id"), row.id},
        {QStringLiteral("team_id"), row.teamId},
        {QStringLiteral("email"), row.email},
        {QStringLiteral("permissions"), permissions},
        {QStringLiteral("state"), invitationStateName(row.stateAt(time))},
        {QStringLiteral("created_at"), isoTime(row.createdAt)},
        {QStringLiteral("expires_at"), isoTime(row.expiresAt)},
        {QStringLiteral("last_sent_at"), isoTime(row.lastSentAt)},
        {QStringLiteral("send_count"), row.sendCount},
        {QStringLiteral("invited_by"), row.invitedBy},
        {QStringLiteral("accepted_at"), optionalIsoTime(row.acceptedAt)},
        {QStringLiteral("accepted_user_id"),
         row.acceptedUserId.isEmpty() ? QJsonValue() : QJsonValue(row.acceptedUserId)},
        {QStringLiteral("revoked_at"), optionalIsoTime(row.revokedAt)},
        {QStringLiteral("revoked_by"),
         row.revokedBy.isEmpty() ? QJsonValue() : QJsonValue(row.revokedBy)},
    };
}

Result<void> InvitationService::requireGrantable(const SessionUser& user, const TeamInfo& team,
                                                 PermissionSet permissions)
{
    auto inTeam = m_policy.teamPermissions(user.userId, team.id);
    if (!inTeam)
        return inTeam.error();
    auto inHome = m_policy.homePermissions(user.userId);
    if (!inHome)
        return inHome.error();
    const PermissionSet missing = permissions & ~(inTeam.value() | inHome.value());
    if (missing == kNoPermissions)
        return {};
    return makeError(QString::fromLatin1(authc::kForbidden),
                     QStringLiteral("You cannot grant %1 in the team '%2', because you hold it "
                                    "neither there nor in the home team. Remove it from the "
                                    "invitation or ask an organization administrator.")
                         .arg(permissionNames(missing).join(QStringLiteral(", ")), team.name));
}

Result<InvitationRow> InvitationService::manageableInvitation(const SessionUser& user,
                                                              const QString& invitationId,
                                                              const QString& action)
{
    const auto denied = [&](const Error& error) {
        if (const int status = statusFor(error.code); status == 403 || status == 404) {
            AuditLog(m_db).appendOrLog(userAuditEntry(user, action, QStringLiteral("invitation"),
                                                      invitationId, QStringLiteral("denied")));
        }
        return error;
    };
    auto found = m_invitations.findById(invitationId);
    if (!found)
        return found.error();
    // Another organization's invitation is reported like an unknown id, so ids cannot be probed.
    if (!found.value() || found.value()->organizationId != user.organizationId) {
        return denied(makeError(QString::fromLatin1(errc::kNotFound),
                                QStringLiteral("No invitation of your organization has the id "
                                               "%1; list a team's invitations for their ids.")
                                    .arg(invitationId)));
    }
    auto team =
        m_policy.requireTeam(user.userId, found.value()->teamId, Permission::ManageOrganization);
    if (!team)
        return denied(team.error());
    if (auto grantable = requireGrantable(user, team.value(), found.value()->permissions);
        !grantable)
        return denied(grantable.error());
    return *found.value();
}

Result<void> InvitationService::queueInvitationMail(const InvitationRow& row, const QString& token,
                                                    const QString& teamName,
                                                    const QString& inviterEmail)
{
    if (!m_context.mailQueue) {
        return makeError(QString::fromLatin1(errc::kInternal),
                         QStringLiteral("No mail queue is configured."));
    }
    auto organization = organizationName(row.organizationId);
    if (!organization)
        return organization.error();
    // The link is built from the configured public URL, never from the request's Host header,
    // which a client chooses. Only the web page accepts invitations, so the mail offers no
    // chartinsight:// link.
    const QString link = m_context.publicUrl + QStringLiteral("/invitation?token=") + token;
    mail::MailMessage message;
    message.to = row.email;
    message.subject = QStringLiteral("Invitation to %1 on ChartInsight").arg(organization.value());
    message.textBody =
        QStringLiteral("%1 invited you to the team \"%2\" of %3 on ChartInsight.\n\nTo accept, "
                       "open this link before %4 (UTC):\n\n%5\n\nThe link works once. "
                       "If you did not expect this invitation, ignore this mail: no account is "
                       "created without you.\n")
            .arg(inviterEmail, teamName, organization.value(), isoTime(row.expiresAt), link);
    auto queued = m_context.mailQueue->enqueue(message);
    if (!queued)
        return queued.error();
    return {};
}

// ---- Team invitations (signed in) -------------------------------------------------------------

HttpResponse InvitationService::list(const HttpRequest& request, const SessionUser& user,
                                     const QString& teamId)
{
    auto team = m_policy.requireTeam(user.userId, teamId, Permission::ManageOrganization);
    if (!team)
        return withUser(failure(request, team.error()), user);
    auto rows = m_invitations.listForTeam(teamId);
    if (!rows)
        return withUser(failure(request, rows.error()), user);
    const qint64 time = now();
    QJsonArray invitations;
    for (const InvitationRow& row : std::as_const(rows.value()))
        invitations.append(invitationJson(row, time));
    return withUser(
        ApiResponse::json(200, QJsonObject{{QStringLiteral("invitations"), invitations}}), user);
}

HttpResponse InvitationService::create(const HttpRequest& request, const SessionUser& user,
                                       const QString& teamId)
{
    const auto body = parseObject(request);
    const QJsonValue email = body ? body->value(QStringLiteral("email")) : QJsonValue();
    const QJsonValue permissionsValue =
        body ? body->value(QStringLiteral("permissions")) : QJsonValue();
    if (!email.isString() || !(permissionsValue.isUndefined() || permissionsValue.isArray())) {
        return withUser(invalidBody(QStringLiteral("the string \"email\" and optionally the "
                                                   "array \"permissions\" of permission names")),
                        user);
    }
    const QString normalised = normaliseEmail(email.toString());
    if (!isValidEmail(normalised)) {
        return withUser(errorResponse(400, QString::fromLatin1(errc::kInvalidRequest),
                                      QStringLiteral("'%1' is not a valid e-mail address; enter "
                                                     "an address such as name@clinic.example.")
                                          .arg(email.toString().left(kMaxEmailLength))),
                        user);
    }
    auto permissions = permissionsValue.isUndefined() ? Result<PermissionSet>(kNoPermissions)
                                                      : parsePermissions(permissionsValue);
    if (!permissions)
        return withUser(failure(request, permissions.error()), user);
    if (auto limited = limitAccount(request, QStringLiteral("invitations:") + user.userId))
        return withUser(std::move(*limited), user);

    auto team = m_policy.requireTeam(user.userId, teamId, Permission::ManageOrganization);
    if (!team)
        return withUser(failure(request, team.error()), user);
    if (auto grantable = requireGrantable(user, team.value(), permissions.value()); !grantable)
        return withUser(failure(request, grantable.error()), user);
    auto inviterEmail = userEmail(user.userId);
    if (!inviterEmail)
        return withUser(failure(request, inviterEmail.error()), user);

    const QString token = crypto::randomToken();
    const qint64 time = now();
    InvitationRow row;
    row.id = crypto::randomUuid();
    row.tokenSha256 = sha256Hex(token);
    row.organizationId = user.organizationId;
    row.teamId = teamId;
    row.email = normalised;
    row.permissions = permissions.value();
    row.invitedBy = user.userId;
    row.createdAt = time;
    row.expiresAt = time + kLifetimeMs;
    row.lastSentAt = time;
    row.sendCount = 1;

    // The checks run inside the writing transaction, so two requests inviting one address
    // cannot both pass them.
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto existingUser = m_teams.findUserByEmail(user.organizationId, normalised);
            if (!existingUser)
                return existingUser.error();
            if (existingUser.value()) {
                auto member = m_teams.findMember(teamId, existingUser.value()->id);
                if (!member)
                    return member.error();
                if (member.value()) {
                    return makeError(QString::fromLatin1(invitationc::kAlreadyMember),
                                     QStringLiteral("%1 is already a member of the team '%2'; "
                                                    "change their permissions instead.")
                                         .arg(normalised, team->name));
                }
            }
            auto pending = m_invitations.findPending(teamId, normalised, time);
            if (!pending)
                return pending.error();
            if (pending.value()) {
                return makeError(QString::fromLatin1(invitationc::kPending),
                                 QStringLiteral("%1 already has a pending invitation (id %2) to "
                                                "the team '%3'; resend or revoke that one.")
                                     .arg(normalised, pending.value()->id, team->name));
            }
            if (auto inserted = m_invitations.insert(row); !inserted)
                return inserted;
            AuditEntry entry =
                userAuditEntry(user, QStringLiteral("invitation.sent"),
                               QStringLiteral("invitation"), row.id, QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("team_id"), teamId}};
            if (auto audited = AuditLog(db).append(std::move(entry)); !audited)
                return audited;
            return queueInvitationMail(row, token, team->name, inviterEmail.value());
        });
    });
    if (!done)
        return withUser(failure(request, done.error()), user);
    if (m_context.wakeMailWorker)
        m_context.wakeMailWorker();
    qCInfo(lcInvitations).noquote()
        << "user" << user.userId << "created invitation" << row.id << "into team" << teamId;
    return withUser(ApiResponse::json(201, invitationJson(row, time)), user);
}

HttpResponse InvitationService::resend(const HttpRequest& request, const SessionUser& user,
                                       const QString& invitationId)
{
    if (auto limited = limitAccount(request, QStringLiteral("invitations:") + user.userId))
        return withUser(std::move(*limited), user);
    auto row = manageableInvitation(user, invitationId, QStringLiteral("invitation.resent"));
    if (!row)
        return withUser(failure(request, row.error()), user);
    const qint64 time = now();
    const InvitationState state = row->stateAt(time);
    if (state == InvitationState::Accepted) {
        return withUser(errorResponse(410, QString::fromLatin1(invitationc::kUsed),
                                      QStringLiteral("This invitation was already accepted, so "
                                                     "it cannot be sent again.")),
                        user);
    }
    if (state == InvitationState::Revoked) {
        return withUser(errorResponse(410, QString::fromLatin1(invitationc::kRevoked),
                                      QStringLiteral("This invitation was revoked; create a new "
                                                     "invitation instead.")),
                        user);
    }
    const qint64 allowedAt = row->lastSentAt + resendInterval(row->sendCount);
    if (time < allowedAt) {
        const int wait = secondsUntil(allowedAt, time);
        HttpResponse response = errorResponse(
            429, QString::fromLatin1(authc::kRateLimited),
            QStringLiteral("This invitation was sent recently; it can be sent again in %1 "
                           "seconds. The wait doubles with every resend.")
                .arg(wait),
            QJsonObject{{QStringLiteral("resend_available_at"), isoTime(allowedAt)}});
        response.setHeader("Retry-After", QByteArray::number(wait));
        return withUser(std::move(response), user);
    }
    auto inviterEmail = userEmail(user.userId);
    if (!inviterEmail)
        return withUser(failure(request, inviterEmail.error()), user);
    auto team = m_policy.findTeam(user.userId, row->teamId);
    if (!team)
        return withUser(failure(request, team.error()), user);

    const QString token = crypto::randomToken();
    InvitationRow renewed = row.value();
    renewed.tokenSha256 = sha256Hex(token);
    renewed.expiresAt = time + kLifetimeMs;
    renewed.lastSentAt = time;
    renewed.sendCount = row->sendCount + 1;
    bool changed = false;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto updated = m_invitations.renewToken(row->id, row->lastSentAt, renewed.tokenSha256,
                                                    time, renewed.expiresAt);
            if (!updated)
                return updated.error();
            changed = updated.value();
            if (!changed)
                return {};
            AuditEntry entry =
                userAuditEntry(user, QStringLiteral("invitation.resent"),
                               QStringLiteral("invitation"), row->id, QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("team_id"), row->teamId},
                                        {QStringLiteral("send_count"), renewed.sendCount}};
            if (auto audited = AuditLog(db).append(std::move(entry)); !audited)
                return audited;
            return queueInvitationMail(renewed, token, team->name, inviterEmail.value());
        });
    });
    if (!done)
        return withUser(failure(request, done.error()), user);
    if (!changed) {
        // Another request accepted, revoked or resent it between the read and the update.
        HttpResponse response =
            errorResponse(409, QString::fromLatin1(errc::kInvalidRequest),
                          QStringLiteral("This invitation changed while it was being resent; "
                                         "list the team's invitations and try again."));
        return withUser(std::move(response), user);
    }
    if (m_context.wakeMailWorker)
        m_context.wakeMailWorker();
    qCInfo(lcInvitations).noquote()
        << "user" << user.userId << "resent invitation" << row->id << "- mail" << renewed.sendCount;
    return withUser(ApiResponse::json(200, invitationJson(renewed, time)), user);
}

HttpResponse InvitationService::revoke(const HttpRequest& request, const SessionUser& user,
                                       const QString& invitationId)
{
    if (auto limited = limitAccount(request, QStringLiteral("invitations:") + user.userId))
        return withUser(std::move(*limited), user);
    auto row = manageableInvitation(user, invitationId, QStringLiteral("invitation.revoked"));
    if (!row)
        return withUser(failure(request, row.error()), user);
    const qint64 time = now();
    // Revoking an invitation that is already revoked or accepted changes nothing and writes no
    // entry. The first succeeds again; the second is rejected below.
    bool revoked = false;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto changed = m_invitations.revoke(row->id, user.userId, time);
            if (!changed)
                return changed.error();
            revoked = changed.value();
            if (!revoked)
                return {};
            AuditEntry entry =
                userAuditEntry(user, QStringLiteral("invitation.revoked"),
                               QStringLiteral("invitation"), row->id, QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("team_id"), row->teamId}};
            return AuditLog(db).append(std::move(entry));
        });
    });
    if (!done)
        return withUser(failure(request, done.error()), user);
    auto current = m_invitations.findById(row->id);
    if (!current || !current.value()) {
        return withUser(failure(request, current ? makeError(QString::fromLatin1(errc::kInternal),
                                                             QStringLiteral("The invitation row "
                                                                            "is missing."))
                                                 : current.error()),
                        user);
    }
    if (current.value()->acceptedAt) {
        return withUser(errorResponse(410, QString::fromLatin1(invitationc::kUsed),
                                      QStringLiteral("This invitation was already accepted, so "
                                                     "it cannot be revoked. Remove the member "
                                                     "from the team instead.")),
                        user);
    }
    if (revoked) {
        qCInfo(lcInvitations).noquote() << "user" << user.userId << "revoked invitation" << row->id;
    }
    return withUser(ApiResponse::json(200, invitationJson(*current.value(), time)), user);
}

// ---- Token routes (no session) ----------------------------------------------------------------

InvitationService::Outcome InvitationService::unusableOutcome(const QString& tokenHash)
{
    auto found = m_invitations.findByTokenHash(tokenHash);
    if (!found)
        return Outcome::failed(500, found.error().code, found.error().message);
    if (!found.value()) {
        return Outcome::failed(
            404, QString::fromLatin1(invitationc::kNotFound),
            QStringLiteral("This invitation link is unknown. It may have been replaced "
                           "by a newer invitation mail: open the newest one, or ask "
                           "the person who invited you to send it again."));
    }
    switch (found.value()->stateAt(now())) {
    case InvitationState::Accepted:
        return Outcome::failed(
            410, QString::fromLatin1(invitationc::kUsed),
            QStringLiteral("This invitation link was already used. Sign in with the "
                           "account it created, or ask for a new invitation."));
    case InvitationState::Revoked:
        return Outcome::failed(
            410, QString::fromLatin1(invitationc::kRevoked),
            QStringLiteral("This invitation was revoked by the team's administrator. "
                           "Ask them for a new invitation if you still need access."));
    case InvitationState::Expired:
        return Outcome::failed(
            410, QString::fromLatin1(invitationc::kExpired),
            QStringLiteral("This invitation link expired on %1 (UTC); invitations are "
                           "valid for 7 days. Ask the person who invited you to send "
                           "it again.")
                .arg(isoTime(found.value()->expiresAt)));
    case InvitationState::Pending:
        break;
    }
    return Outcome::failed(
        409, QString::fromLatin1(errc::kInvalidRequest),
        QStringLiteral("The invitation changed while it was being accepted; open the "
                       "link again."));
}

InvitationService::Outcome InvitationService::findUsableInvitation(const QString& token,
                                                                   TokenInvitation& found)
{
    if (token.isEmpty() || token.size() > kMaxTokenLength) {
        return Outcome::failed(
            404, QString::fromLatin1(invitationc::kNotFound),
            QStringLiteral("The invitation link has no valid token; open the link "
                           "from the invitation mail in full."));
    }
    const QString tokenHash = sha256Hex(token);
    auto row = m_invitations.findByTokenHash(tokenHash);
    if (!row)
        return Outcome::failed(500, row.error().code, row.error().message);
    if (!row.value() || row.value()->stateAt(now()) != InvitationState::Pending) {
        if (row.value())
            qCInfo(lcInvitations).noquote()
                << "rejected the link of invitation" << row.value()->id << "-"
                << invitationStateName(row.value()->stateAt(now()));
        return unusableOutcome(tokenHash);
    }
    found.row = *row.value();

    auto team = m_teams.findTeam(found.row.organizationId, found.row.teamId);
    if (!team)
        return Outcome::failed(500, team.error().code, team.error().message);
    if (!team.value()) {
        return Outcome::failed(500, QString::fromLatin1(errc::kInternal),
                               QStringLiteral("The team row of an invitation is missing."));
    }
    found.teamName = team.value()->name;
    auto organization = organizationName(found.row.organizationId);
    if (!organization)
        return Outcome::failed(500, organization.error().code, organization.error().message);
    found.organizationName = organization.value();

    auto user = m_users.findByEmail(found.row.email);
    if (!user)
        return Outcome::failed(500, user.error().code, user.error().message);
    found.existingUser = user.value();
    // The mailbox owner learns that their address has an account elsewhere; the inviter does
    // not, because creating an invitation behaves the same for every address.
    if (found.existingUser && found.existingUser->organizationId != found.row.organizationId) {
        return Outcome::failed(
            409, QString::fromLatin1(invitationc::kEmailInOtherOrganization),
            QStringLiteral("The address %1 already has a ChartInsight account in "
                           "another organization, and an account belongs to one "
                           "organization. Ask the person who invited you to invite "
                           "another address.")
                .arg(found.row.email));
    }
    return {};
}

InvitationService::Outcome InvitationService::acceptToken(const QString& token,
                                                          const QString& password,
                                                          const QString& clientIp)
{
    TokenInvitation invitation;
    Outcome outcome = findUsableInvitation(token, invitation);
    if (outcome.status == 200) {
        const QString tokenHash = sha256Hex(token);
        outcome = invitation.existingUser
                      ? acceptAsExistingUser(invitation, tokenHash, password, clientIp)
                      : acceptAsNewUser(invitation, tokenHash, password, clientIp);
    }
    // A rejected link or password counts as a failed attempt. A rate limit, a password that
    // the policy rejects and a server failure do not.
    const bool rejected = outcome.status == 401 || outcome.status == 404 || outcome.status == 409 ||
                          outcome.status == 410 || outcome.status == 423;
    if (rejected)
        auditFailedAccept(token, clientIp);
    return outcome;
}

void InvitationService::auditFailedAccept(const QString& token, const QString& clientIp)
{
    QString invitationId;
    QString organizationId;
    if (!token.isEmpty() && token.size() <= kMaxTokenLength) {
        auto found = m_invitations.findByTokenHash(sha256Hex(token));
        if (found && found.value()) {
            invitationId = found.value()->id;
            organizationId = found.value()->organizationId;
        }
    }
    AuditLog(m_db).appendOrLog(
        anonymousAuditEntry(clientIp, QStringLiteral("invitation.accepted"),
                            invitationId.isEmpty() ? QString() : QStringLiteral("invitation"),
                            invitationId, QStringLiteral("failed"), organizationId));
}

InvitationService::Outcome
InvitationService::acceptAsExistingUser(const TokenInvitation& invitation, const QString& tokenHash,
                                        const QString& password, const QString& clientIp)
{
    const UserRow& user = *invitation.existingUser;
    // The bucket of the account's other password checks, so the link adds no guesses.
    auto wait = takeAccountToken(QStringLiteral("password:") + user.id);
    if (!wait)
        return Outcome::failed(500, wait.error().code, wait.error().message);
    if (wait.value() > 0) {
        return Outcome::failed(
            429, QString::fromLatin1(authc::kRateLimited),
            QStringLiteral("Too many attempts; wait %1 seconds, then try again.").arg(wait.value()),
            wait.value());
    }
    const qint64 time = now();
    auto locked = m_db.withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(
            db, QStringLiteral("SELECT locked_until FROM users WHERE id = ? AND locked_until > ?"),
            {user.id, time}, 1);
    });
    if (!locked)
        return Outcome::failed(500, locked.error().code, locked.error().message);
    if (locked.value()) {
        const qint64 unlockAt = locked.value()->at(0).toLongLong();
        return Outcome::failed(
            423, QString::fromLatin1(authc::kAccountLocked),
            QStringLiteral("Your account is locked after too many wrong passwords. "
                           "Try again after %1 (UTC) or reset the password.")
                .arg(isoTime(unlockAt)),
            secondsUntil(unlockAt, time));
    }
    auto verified =
        crypto::verifyPassword(password, m_context.secrets.passwordPepper, user.passwordHash);
    if (!verified)
        return Outcome::failed(500, verified.error().code, verified.error().message);
    if (!verified.value()) {
        // NOTE: this wrong password is limited by the shared per-account bucket only; it does
        // not count toward the sign-in lockout threshold.
        qCInfo(lcInvitations).noquote()
            << "wrong password for invitation" << invitation.row.id << "of user" << user.id;
        return Outcome::failed(401, QString::fromLatin1(errc::kInvalidCredentials),
                               QStringLiteral("The password is wrong. Enter the password of your "
                                              "existing ChartInsight account, or reset it first."));
    }

    bool claimed = false;
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto marked = m_invitations.markAccepted(tokenHash, user.id, time);
            if (!marked)
                return marked.error();
            claimed = marked.value();
            if (!claimed)
                return {};
            // A user who joined the team some other way keeps the permissions they have.
            auto added =
                sql::run(db,
                         QStringLiteral("INSERT INTO team_members (team_id, user_id, "
                                        "permissions, added_at) SELECT ?, ?, ?, ? WHERE "
                                        "NOT EXISTS (SELECT 1 FROM team_members WHERE "
                                        "team_id = ? AND user_id = ?)"),
                         {invitation.row.teamId, user.id, qint64(invitation.row.permissions), time,
                          invitation.row.teamId, user.id});
            if (!added)
                return added.error();
            AuditEntry entry = accountAuditEntry(user.id, invitation.row.organizationId, clientIp,
                                                 QStringLiteral("invitation.accepted"),
                                                 QStringLiteral("invitation"), invitation.row.id,
                                                 QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("team_id"), invitation.row.teamId},
                                        {QStringLiteral("account_created"), false}};
            return AuditLog(db).append(std::move(entry));
        });
    });
    if (!done)
        return Outcome::failed(500, done.error().code, done.error().message);
    if (!claimed)
        return unusableOutcome(tokenHash);
    qCInfo(lcInvitations).noquote() << "user" << user.id << "accepted invitation"
                                    << invitation.row.id << "into team" << invitation.row.teamId;
    Outcome outcome;
    outcome.body = QJsonObject{{QStringLiteral("user_id"), user.id},
                               {QStringLiteral("team_id"), invitation.row.teamId},
                               {QStringLiteral("account_created"), false}};
    return outcome;
}

InvitationService::Outcome InvitationService::acceptAsNewUser(const TokenInvitation& invitation,
                                                              const QString& tokenHash,
                                                              const QString& password,
                                                              const QString& clientIp)
{
    auto wait = takeAccountToken(QStringLiteral("invitation:") + invitation.row.id);
    if (!wait)
        return Outcome::failed(500, wait.error().code, wait.error().message);
    if (wait.value() > 0) {
        return Outcome::failed(
            429, QString::fromLatin1(authc::kRateLimited),
            QStringLiteral("Too many attempts; wait %1 seconds, then try again.").arg(wait.value()),
            wait.value());
    }
    if (auto checked = PasswordPolicy::check(password, invitation.row.email); !checked)
        return Outcome::failed(400, checked.error().code, checked.error().message);
    auto hash =
        crypto::hashPassword(password, m_context.secrets.passwordPepper, m_context.bcryptCost);
    if (!hash)
        return Outcome::failed(500, hash.error().code, hash.error().message);

    const QString userId = crypto::randomUuid();
    const qint64 time = now();
    bool claimed = false;
    // Claiming the invitation, creating the account and adding the membership commit
    // together: a failed step leaves the invitation pending and creates nothing.
    auto done = m_db.withLock([&](storage::SqlDatabase& db) -> Result<void> {
        return db.transaction([&]() -> Result<void> {
            auto marked = m_invitations.markAccepted(tokenHash, userId, time);
            if (!marked)
                return marked.error();
            claimed = marked.value();
            if (!claimed)
                return {};
            auto existing = m_users.findByEmail(invitation.row.email);
            if (!existing)
                return existing.error();
            if (existing.value()) {
                return makeError(QString::fromLatin1(kEmailTaken),
                                 QStringLiteral("An account with the address %1 was created "
                                                "meanwhile; open the link again to join with "
                                                "that account's password.")
                                     .arg(invitation.row.email));
            }
            auto user = sql::run(
                db,
                QStringLiteral("INSERT INTO users (id, organization_id, email, "
                               "password_hash, is_admin, created_at) VALUES (?, "
                               "?, ?, ?, 0, ?)"),
                {userId, invitation.row.organizationId, invitation.row.email, hash.value(), time});
            if (!user)
                return user.error();
            auto member =
                sql::run(db,
                         QStringLiteral("INSERT INTO team_members (team_id, user_id, "
                                        "permissions, added_at) VALUES (?, ?, ?, ?)"),
                         {invitation.row.teamId, userId, qint64(invitation.row.permissions), time});
            if (!member)
                return member.error();
            // One entry for the whole action: the new account is named by actor_id.
            AuditEntry entry = accountAuditEntry(userId, invitation.row.organizationId, clientIp,
                                                 QStringLiteral("invitation.accepted"),
                                                 QStringLiteral("invitation"), invitation.row.id,
                                                 QStringLiteral("success"));
            entry.details = QJsonObject{{QStringLiteral("team_id"), invitation.row.teamId},
                                        {QStringLiteral("account_created"), true}};
            return AuditLog(db).append(std::move(entry));
        });
    });
    if (!done) {
        if (done.error().code == QLatin1String(kEmailTaken))
            return Outcome::failed(409, done.error().code, done.error().message);
        return Outcome::failed(500, done.error().code, done.error().message);
    }
    if (!claimed)
        return unusableOutcome(tokenHash);
    qCInfo(lcInvitations).noquote() << "invitation" << invitation.row.id << "created user" << userId
                                    << "in team" << invitation.row.teamId;
    Outcome outcome;
    outcome.body = QJsonObject{{QStringLiteral("user_id"), userId},
                               {QStringLiteral("team_id"), invitation.row.teamId},
                               {QStringLiteral("account_created"), true}};
    return outcome;
}

HttpResponse InvitationService::lookup(const HttpRequest& request)
{
    const auto body = parseObject(request);
    const QJsonValue token = body ? body->value(QStringLiteral("token")) : QJsonValue();
    if (!token.isString())
        return invalidBody(QStringLiteral("the string \"token\""));
    TokenInvitation invitation;
    Outcome outcome = findUsableInvitation(token.toString(), invitation);
    if (outcome.status == 200) {
        QJsonArray permissions;
        for (const QString& name : permissionNames(invitation.row.permissions))
            permissions.append(name);
        outcome.body = QJsonObject{
            {QStringLiteral("organization"), invitation.organizationName},
            {QStringLiteral("team"), invitation.teamName},
            {QStringLiteral("email"), invitation.row.email},
            {QStringLiteral("account_exists"), invitation.existingUser.has_value()},
            {QStringLiteral("permissions"), permissions},
            {QStringLiteral("expires_at"), isoTime(invitation.row.expiresAt)},
        };
    }
    return outcomeResponse(request, outcome);
}

HttpResponse InvitationService::accept(const HttpRequest& request, const QString& clientIp)
{
    const auto body = parseObject(request);
    const QJsonValue token = body ? body->value(QStringLiteral("token")) : QJsonValue();
    const QJsonValue password = body ? body->value(QStringLiteral("password")) : QJsonValue();
    if (!token.isString() || !password.isString())
        return invalidBody(QStringLiteral("the strings \"token\" and \"password\""));
    HttpResponse response =
        outcomeResponse(request, acceptToken(token.toString(), password.toString(), clientIp));
    if (response.status == 200) {
        const QJsonObject result = QJsonDocument::fromJson(response.body).object();
        response.userId = result.value(QStringLiteral("user_id")).toString();
    }
    return response;
}

// ---- HTML page --------------------------------------------------------------------------------

HttpResponse InvitationService::page(const HttpRequest& request, const QString& clientIp)
{
    const auto html = [](int status, const QString& title, const QString& content) {
        HttpResponse response;
        response.status = status;
        response.setHeader("Content-Type", "text/html; charset=utf-8");
        // No script, style or third-party content: the form posts only to this origin.
        response.setHeader("Content-Security-Policy",
                           "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
        response.body = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                                       "charset=\"utf-8\"><meta name=\"viewport\" "
                                       "content=\"width=device-width\"><title>%1</title></head>"
                                       "<body><h1>%1</h1>%2</body></html>\n")
                            .arg(title.toHtmlEscaped(), content)
                            .toUtf8();
        return response;
    };
    const auto errorPage = [&](const Outcome& outcome) {
        const bool internal = outcome.status >= 500;
        if (internal) {
            qCCritical(lcInvitations).noquote()
                << "request" << request.requestId << "failed:" << outcome.code << "-"
                << outcome.message;
        }
        const QString message =
            internal ? QStringLiteral("The server could not complete the request (request id "
                                      "%1). Try again later.")
                           .arg(request.requestId)
                     : outcome.message;
        HttpResponse response = html(outcome.status, QStringLiteral("Invitation not accepted"),
                                     QStringLiteral("<p>%1</p>").arg(message.toHtmlEscaped()));
        if (outcome.retryAfterSeconds > 0)
            response.setHeader("Retry-After", QByteArray::number(outcome.retryAfterSeconds));
        return response;
    };

    if (request.method == "POST") {
        // A browser marks a form posted from another site; such a post is rejected even though
        // it would also need the secret token, so no other site can drive this form.
        const QByteArray site = request.header("sec-fetch-site");
        if (!site.isEmpty() && site != "same-origin" && site != "none") {
            return errorPage(
                Outcome::failed(403, QString::fromLatin1(authc::kForbidden),
                                QStringLiteral("This form can only be sent from the "
                                               "invitation page itself. Open the link from "
                                               "the invitation mail again.")));
        }
        const QUrlQuery form(QString::fromUtf8(request.body).replace(u'+', u' '));
        const Outcome outcome = acceptToken(
            form.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded),
            form.queryItemValue(QStringLiteral("password"), QUrl::FullyDecoded), clientIp);
        if (outcome.status != 200)
            return errorPage(outcome);
        const bool created = outcome.body.value(QStringLiteral("account_created")).toBool();
        return html(200, QStringLiteral("Invitation accepted"),
                    created ? QStringLiteral("<p>Your account was created. Sign in to "
                                             "ChartInsight with your e-mail address and the "
                                             "password you chose.</p>")
                            : QStringLiteral("<p>You joined the team. Sign in to ChartInsight as "
                                             "usual to see it.</p>"));
    }

    const QUrlQuery query(QString::fromLatin1(request.query));
    const QString token = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    TokenInvitation invitation;
    const Outcome outcome = findUsableInvitation(token, invitation);
    if (outcome.status != 200)
        return errorPage(outcome);
    const QString intro =
        QStringLiteral("<p>You are invited to the team <strong>%1</strong> of "
                       "<strong>%2</strong> as %3.</p>")
            .arg(invitation.teamName.toHtmlEscaped(), invitation.organizationName.toHtmlEscaped(),
                 invitation.row.email.toHtmlEscaped());
    const QString passwordField =
        invitation.existingUser
            ? QStringLiteral("<p><label>Password of your existing ChartInsight account<br>"
                             "<input type=\"password\" name=\"password\" "
                             "autocomplete=\"current-password\" required></label></p>"
                             "<p><button type=\"submit\">Join the team</button></p>")
            : QStringLiteral("<p><label>Choose a password (at least 12 characters)<br>"
                             "<input type=\"password\" name=\"password\" "
                             "autocomplete=\"new-password\" required minlength=\"12\"></label>"
                             "</p><p><button type=\"submit\">Create account</button></p>");
    return html(200, QStringLiteral("Join %1").arg(invitation.organizationName),
                intro +
                    QStringLiteral("<form method=\"post\" action=\"/invitation\">"
                                   "<input type=\"hidden\" name=\"token\" value=\"%1\">%2</form>")
                        .arg(token.toHtmlEscaped(), passwordField));
}

} // namespace chartinsight::server
