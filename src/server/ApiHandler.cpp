#include "ApiHandler.h"

#include "ApiResponse.h"
#include "AuditLog.h"
#include "AuthErrors.h"
#include "CommandLine.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "SqlHelpers.h"
#include "UploadSession.h"
#include "core/ErrorCodes.h"
#include "core/FileName.h"
#include "scan/Scanner.h"
#include "storage/SqlDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>
#include <QUrl>
#include <QUrlQuery>

namespace chartinsight::server {
namespace {

constexpr int kServerBusyRetrySeconds = 5;
constexpr int kPreflightMaxAgeSeconds = 600;

HttpResponse unauthorizedResponse(const Error& error)
{
    HttpResponse response = ApiResponse::error(error);
    response.setHeader("WWW-Authenticate", "Bearer");
    return response;
}

// RFC 6266 form for a UTF-8 filename: every byte outside the attr-char set percent-encoded.
QByteArray contentDisposition(const QString& filename)
{
    return "attachment; filename*=UTF-8''" + QUrl::toPercentEncoding(filename);
}

// The audit action of a content request, from its X-ChartInsight-Purpose header. Clients send
// "view" from the viewer and "sync" when they fill the offline cache. A missing or other value
// counts as a download, because that is the widest use of the bytes.
QString contentAuditAction(const HttpRequest& request)
{
    const QByteArray purpose = request.header("x-chartinsight-purpose").trimmed().toLower();
    if (purpose == "view")
        return QStringLiteral("record.viewed");
    if (purpose == "sync")
        return QStringLiteral("record.synced");
    return QStringLiteral("record.downloaded");
}

// The audited action that a request on a route with an organization-permission rule attempts,
// with its target, so that a caller who lacks the permission leaves a "denied" entry. Routes
// that only read, or create a target that has no id yet, have none.
struct DeniedAction
{
    QString action;
    QString targetKind;
};
std::optional<DeniedAction> deniedAction(const HttpRequest& request, const RouteMatch& match)
{
    const bool isPut = request.method == "PUT";
    switch (match.route) {
    case RouteId::AdminUserUnlock:
        return DeniedAction{QStringLiteral("account.unlocked"), QStringLiteral("user")};
    case RouteId::AdminUserPassword:
        return DeniedAction{QStringLiteral("account.password_set_by_admin"),
                            QStringLiteral("user")};
    case RouteId::TeamItem:
        return DeniedAction{QStringLiteral("team.renamed"), QStringLiteral("team")};
    case RouteId::RoleItem:
        return DeniedAction{isPut ? QStringLiteral("role.changed") : QStringLiteral("role.deleted"),
                            QStringLiteral("role")};
    default:
        return std::nullopt;
    }
}

} // namespace

ApiHandler::ApiHandler(ServerContext& context)
    : m_context(context), m_auth(context), m_records(context), m_policy(*context.database),
      m_teams(context), m_invitations(context), m_retention(context), m_derivatives(context),
      m_reportService(context), m_exports(context)
{
}

Result<void> ApiHandler::initialize()
{
    if (auto table = Router::validate(); !table)
        return table;
    return m_auth.initialize();
}

std::optional<HttpResponse> ApiHandler::answerDirectly(const HttpRequest& request,
                                                       const RouteMatch& match) const
{
    const bool isPreflight = request.method == "OPTIONS" && request.hasHeader("origin") &&
                             request.hasHeader("access-control-request-method");
    if (match.route == RouteId::None) {
        return ApiResponse::error(404, QString::fromLatin1(errc::kNotFound),
                                  QStringLiteral("No API route has this path; see the API "
                                                 "reference for the paths under /api/v1."));
    }
    if (isPreflight)
        return preflight(request, match);
    if (!match.methodAllowed) {
        HttpResponse response =
            ApiResponse::error(405, QString::fromLatin1(errc::kMethodNotAllowed),
                               QStringLiteral("This path does not accept the method %1; use %2.")
                                   .arg(QString::fromLatin1(request.method),
                                        QString::fromLatin1(match.allowedMethods)));
        response.setHeader("Allow", match.allowedMethods);
        return response;
    }
    if (match.route == RouteId::Health)
        return health();
    // The receipt key is public and kept in memory, so no worker is needed.
    if (match.route == RouteId::ReceiptKey)
        return m_retention.receiptKey();
    return std::nullopt;
}

HttpResponse ApiHandler::handle(const HttpRequest& request, const RouteMatch& match)
{
    // The per-IP bucket comes first, so that guessing tokens also spends it.
    if (Router::isAuthRoute(match.route) || InvitationService::isTokenRoute(match.route)) {
        if (auto limited = m_auth.limitClientAddress(request))
            return std::move(*limited);
    }
    AccessCheck access = checkAccess(request, match);
    if (access.rejection)
        return std::move(*access.rejection);
    if (!match.validIds) {
        HttpResponse response = ApiResponse::error(
            404, QString::fromLatin1(errc::kNotFound),
            QStringLiteral("The id in the path is not a valid id; ids are lower-case UUIDs as "
                           "the lists return them."));
        if (access.caller)
            response.userId = access.caller->userId;
        return response;
    }
    if (InvitationService::handles(match.route))
        return m_invitations.handle(request, match, access.caller, m_auth.clientAddress(request));
    if (Router::isAuthRoute(match.route)) {
        HttpResponse response = m_auth.handle(request, match);
        if (match.route == RouteId::Account && response.status == 200 && access.caller)
            addAccountTeams(request, response, *access.caller);
        return response;
    }
    if (match.route == RouteId::Health)
        return health();
    if (access.caller)
        return handleSignedIn(request, match, *access.caller);
    return ApiResponse::error(404, QString::fromLatin1(errc::kNotFound),
                              QStringLiteral("No API route has this path."));
}

ApiHandler::AccessCheck ApiHandler::checkAccess(const HttpRequest& request, const RouteMatch& match)
{
    AccessCheck check;
    switch (match.access.kind) {
    case AccessKind::Public:
        return check;
    case AccessKind::Token:
    case AccessKind::OrganizationPermission:
        break;
    case AccessKind::Missing:
        // Router::validate() stops the server from starting with such a route.
        check.rejection =
            failure(request, makeError(QString::fromLatin1(errc::kInternal),
                                       QStringLiteral("The route has no access rule.")));
        return check;
    }
    auto user = m_auth.authenticate(request.header("authorization"));
    if (!user) {
        check.rejection = ApiResponse::statusFor(user.error().code) == 401
                              ? unauthorizedResponse(user.error())
                              : failure(request, user.error());
        return check;
    }
    if (match.access.kind == AccessKind::OrganizationPermission) {
        if (auto allowed = m_policy.requireOrganization(user->userId, match.access.permission);
            !allowed) {
            qCInfo(lcAccess).noquote()
                << "denied request" << request.requestId << "to user" << user->userId << ": needs"
                << permissionName(match.access.permission);
            // An id that is not a valid id is client text, which never goes into the audit log.
            const auto denied = deniedAction(request, match);
            if (denied && match.validIds && !match.itemId.isEmpty() &&
                ApiResponse::statusFor(allowed.error().code) == 403) {
                user->clientIp = m_auth.clientAddress(request);
                AuditLog(*m_context.database)
                    .appendOrLog(userAuditEntry(*user, denied->action, denied->targetKind,
                                                match.itemId, QStringLiteral("denied")));
            }
            check.rejection = failure(request, allowed.error());
            check.rejection->userId = user->userId;
            return check;
        }
    }
    check.caller = std::move(user).value();
    check.caller->clientIp = m_auth.clientAddress(request);
    return check;
}

HttpResponse ApiHandler::handleSignedIn(const HttpRequest& request, const RouteMatch& match,
                                        const SessionUser& caller)
{
    switch (match.route) {
    case RouteId::Records:
        return listRecords(request, caller);
    case RouteId::RecordContent:
        return downloadRecord(request, match, caller);
    case RouteId::Record:
        if (request.method == "DELETE") {
            return retentionResponse(request, m_retention.deleteRecord(request, match, caller),
                                     caller);
        }
        return request.method == "PATCH" ? patchRecord(request, match, caller)
                                         : getRecord(request, match, caller);
    case RouteId::RecordSharing:
        return putSharing(request, match, caller);
    case RouteId::RecordAccess:
        return recordAccess(request, match, caller);
    case RouteId::RecordPreview:
    case RouteId::RecordText:
        return derivativeResponse(request, m_derivatives.handle(request, match, caller), caller);
    case RouteId::Users:
        return organizationUsers(request, caller);
    case RouteId::AccountDisplayName:
        return patchAccount(request, caller);
    case RouteId::ExportOrganization:
        return exportArchive(request, caller, ExportScope::Organization);
    case RouteId::ExportPersonal:
        return exportArchive(request, caller, ExportScope::Personal);
    default:
        break;
    }
    if (RetentionService::handles(match.route))
        return retentionResponse(request, m_retention.handle(request, match, caller), caller);
    if (TeamService::handles(match.route))
        return handleTeams(request, match, caller);
    if (ReportService::handles(match.route))
        return handleReports(request, match, caller);
    return ApiResponse::error(404, QString::fromLatin1(errc::kNotFound),
                              QStringLiteral("No API route has this path."));
}

HttpResponse ApiHandler::health() const
{
    const bool scannerReady = m_context.scanner != nullptr;
    QJsonObject body{
        {QStringLiteral("status"),
         scannerReady ? QStringLiteral("ok") : QStringLiteral("degraded")},
        {QStringLiteral("version"), QStringLiteral(CHARTINSIGHT_VERSION)},
        {QStringLiteral("demo_signatures"),
         scannerReady && m_context.scanner->usesDemoSignatures()},
        {QStringLiteral("scanner"),
         scannerReady ? QStringLiteral("ready") : QStringLiteral("unavailable")},
        // Clients compare a file's size with this before sending it, because a client that
        // does not send "Expect: 100-continue" cannot read the early 413 while it uploads.
        {QStringLiteral("max_upload_size"), double(m_context.maxUploadSize)},
    };
    return ApiResponse::json(200, body);
}

HttpResponse ApiHandler::listRecords(const HttpRequest& request, const SessionUser& caller)
{
    const QUrlQuery query(QString::fromLatin1(request.query));
    if (query.hasQueryItem(QStringLiteral("query"))) {
        const QString text = query.queryItemValue(QStringLiteral("query"), QUrl::FullyDecoded);
        return derivativeResponse(request, m_derivatives.search(text, caller, m_records), caller);
    }
    auto records = m_records.list(caller);
    if (!records) {
        HttpResponse response = failure(request, records.error());
        response.userId = caller.userId;
        return response;
    }
    QJsonArray array;
    for (const RecordInfo& record : std::as_const(records.value()))
        array.append(record.toJson());
    HttpResponse response = ApiResponse::json(200, QJsonObject{{QStringLiteral("records"), array}});
    response.userId = caller.userId;
    return response;
}

HttpResponse ApiHandler::downloadRecord(const HttpRequest& request, const RouteMatch& match,
                                        const SessionUser& caller)
{
    HttpResponse response;
    if (auto content = m_records.openContent(caller, match.recordId, contentAuditAction(request));
        !content) {
        response = failure(request, content.error());
    } else {
        response.status = 200;
        response.setHeader("Content-Type", "application/octet-stream");
        response.setHeader("Content-Disposition", contentDisposition(content->info.filename));
        response.bodySource = content->body;
    }
    response.userId = caller.userId;
    return response;
}

HttpResponse ApiHandler::derivativeResponse(const HttpRequest& request,
                                            Result<HttpResponse> response,
                                            const SessionUser& caller)
{
    if (!response) {
        HttpResponse failed = failure(request, response.error());
        failed.userId = caller.userId;
        return failed;
    }
    return std::move(response).value();
}

HttpResponse ApiHandler::retentionResponse(const HttpRequest& request,
                                           Result<HttpResponse> response,
                                           const SessionUser& caller)
{
    if (!response) {
        HttpResponse failed = failure(request, response.error());
        failed.userId = caller.userId;
        return failed;
    }
    return std::move(response).value();
}

HttpResponse ApiHandler::handleTeams(const HttpRequest& request, const RouteMatch& match,
                                     const SessionUser& caller)
{
    // A team's default retention is set through RetentionService, which passes a rename in
    // the same body on to TeamService.
    if (match.route == RouteId::TeamItem && request.method == "PUT" &&
        QJsonDocument::fromJson(request.body)
            .object()
            .contains(QStringLiteral("retention_days"))) {
        return retentionResponse(request, m_retention.updateTeam(request, match, caller, m_teams),
                                 caller);
    }
    auto response = m_teams.handle(request, match, caller);
    if (!response) {
        HttpResponse failed = failure(request, response.error());
        failed.userId = caller.userId;
        return failed;
    }
    return std::move(response).value();
}

HttpResponse ApiHandler::recordResponse(const HttpRequest& request,
                                        const Result<RecordInfo>& record,
                                        const SessionUser& caller) const
{
    HttpResponse response =
        record ? ApiResponse::json(200, record->toJson()) : failure(request, record.error());
    response.userId = caller.userId;
    return response;
}

HttpResponse ApiHandler::getRecord(const HttpRequest& request, const RouteMatch& match,
                                   const SessionUser& caller)
{
    return recordResponse(request, m_records.find(caller, match.recordId), caller);
}

HttpResponse ApiHandler::patchRecord(const HttpRequest& request, const RouteMatch& match,
                                     const SessionUser& caller)
{
    // Visibility first: a caller who cannot see the record gets the same 404 whatever the body.
    if (auto visible = m_records.requireVisible(caller, match.recordId,
                                                QStringLiteral("record.title_changed"));
        !visible)
        return recordResponse(request, visible.error(), caller);
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QJsonValue title = body.value(QStringLiteral("title"));
    if (!title.isString()) {
        return recordResponse(request,
                              makeError(QString::fromLatin1(errc::kInvalidRequest),
                                        QStringLiteral("The body must be a JSON object with the "
                                                       "string \"title\".")),
                              caller);
    }
    return recordResponse(request, m_records.setTitle(caller, match.recordId, title.toString()),
                          caller);
}

HttpResponse ApiHandler::putSharing(const HttpRequest& request, const RouteMatch& match,
                                    const SessionUser& caller)
{
    if (auto visible = m_records.requireVisible(caller, match.recordId,
                                                QStringLiteral("record.sharing_changed"));
        !visible)
        return recordResponse(request, visible.error(), caller);
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QJsonValue mode = body.value(QStringLiteral("mode"));
    const QJsonValue users = body.value(QStringLiteral("users"));
    const bool usersValid = users.isUndefined() || users.isNull() || users.isArray();
    QStringList userIds;
    bool allStrings = true;
    for (const QJsonValue& user : users.toArray()) {
        allStrings = allStrings && user.isString();
        userIds << user.toString();
    }
    if (!mode.isString() || !usersValid || !allStrings) {
        return recordResponse(request,
                              makeError(QString::fromLatin1(errc::kInvalidRequest),
                                        QStringLiteral("The body must be a JSON object with the "
                                                       "string \"mode\" (private, team or "
                                                       "users) and, for users, the array "
                                                       "\"users\" of user ids.")),
                              caller);
    }
    return recordResponse(
        request, m_records.setSharing(caller, match.recordId, mode.toString(), userIds), caller);
}

HttpResponse ApiHandler::recordAccess(const HttpRequest& request, const RouteMatch& match,
                                      const SessionUser& caller)
{
    auto entries = m_records.access(caller, match.recordId);
    HttpResponse response;
    if (!entries) {
        response = failure(request, entries.error());
    } else {
        QJsonArray array;
        for (const AccessEntry& entry : std::as_const(entries.value())) {
            array.append(QJsonObject{{QStringLiteral("user_id"), entry.userId},
                                     {QStringLiteral("email"), entry.email},
                                     {QStringLiteral("reason"), entry.reason}});
        }
        response = ApiResponse::json(200, QJsonObject{{QStringLiteral("entries"), array}});
    }
    response.userId = caller.userId;
    return response;
}

HttpResponse ApiHandler::handleReports(const HttpRequest& request, const RouteMatch& match,
                                       const SessionUser& caller)
{
    auto response = m_reportService.handle(request, match, caller);
    if (!response) {
        HttpResponse failed = failure(request, response.error());
        failed.userId = caller.userId;
        return failed;
    }
    return std::move(response).value();
}

HttpResponse ApiHandler::patchAccount(const HttpRequest& request, const SessionUser& caller)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    if (auto saved =
            m_reportService.setDisplayName(caller, body.value(QStringLiteral("display_name")));
        !saved) {
        HttpResponse failed = failure(request, saved.error());
        failed.userId = caller.userId;
        return failed;
    }
    // The response is the account as GET /api/v1/account returns it.
    HttpRequest read = request;
    read.method = "GET";
    read.body.clear();
    HttpResponse response = m_auth.handle(read, Router::match(read.method, read.path));
    if (response.status == 200)
        addAccountTeams(request, response, caller);
    response.userId = caller.userId;
    return response;
}

void ApiHandler::addAccountTeams(const HttpRequest& request, HttpResponse& response,
                                 const SessionUser& caller)
{
    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(db,
                         QStringLiteral("SELECT t.id, t.name, m.permissions, t.is_home FROM "
                                        "team_members m JOIN teams t ON t.id = m.team_id "
                                        "WHERE m.user_id = ? AND t.organization_id = ? "
                                        "ORDER BY t.is_home DESC, t.name"),
                         {caller.userId, caller.organizationId}, 4);
    });
    if (!found) {
        response = failure(request, found.error());
        response.userId = caller.userId;
        return;
    }
    QJsonArray teams;
    for (const QVariantList& columns : std::as_const(found.value())) {
        teams.append(QJsonObject{
            {QStringLiteral("id"), columns.at(0).toString()},
            {QStringLiteral("name"), columns.at(1).toString()},
            {QStringLiteral("permissions"),
             QJsonArray::fromStringList(permissionNames(int(columns.at(2).toLongLong())))},
            {QStringLiteral("is_home"), columns.at(3).toLongLong() != 0},
        });
    }
    auto profile = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::firstRow(db, QStringLiteral("SELECT display_name FROM users WHERE id = ?"),
                             {caller.userId}, 1);
    });
    if (!profile) {
        response = failure(request, profile.error());
        response.userId = caller.userId;
        return;
    }
    QJsonObject account = QJsonDocument::fromJson(response.body).object();
    account.insert(QStringLiteral("display_name"),
                   profile.value() ? profile.value()->at(0).toString() : QString());
    account.insert(QStringLiteral("teams"), teams);
    response.body = QJsonDocument(account).toJson(QJsonDocument::Compact);
}

HttpResponse ApiHandler::organizationUsers(const HttpRequest& request, const SessionUser& caller)
{
    auto found = m_context.database->withLock([&](storage::SqlDatabase& db) {
        return sql::rows(
            db,
            QStringLiteral("SELECT id, email, display_name FROM users WHERE organization_id = ? "
                           "ORDER BY email"),
            {caller.organizationId}, 3);
    });
    HttpResponse response;
    if (!found) {
        response = failure(request, found.error());
    } else {
        QJsonArray users;
        for (const QVariantList& columns : std::as_const(found.value())) {
            users.append(QJsonObject{{QStringLiteral("id"), columns.at(0).toString()},
                                     {QStringLiteral("email"), columns.at(1).toString()},
                                     {QStringLiteral("display_name"), columns.at(2).toString()}});
        }
        response = ApiResponse::json(200, QJsonObject{{QStringLiteral("users"), users}});
    }
    response.userId = caller.userId;
    return response;
}

HttpResponse ApiHandler::exportArchive(const HttpRequest& request, const SessionUser& caller,
                                       ExportScope scope)
{
    HttpResponse response;
    if (auto started = m_exports.begin(caller, scope); !started) {
        response = failure(request, started.error());
    } else {
        response.status = 200;
        response.setHeader("Content-Type", "application/x-tar");
        response.setHeader("Content-Disposition", contentDisposition(started->fileName));
        response.bodySource = started->body;
    }
    response.userId = caller.userId;
    return response;
}

ApiHandler::UploadStart ApiHandler::beginUpload(const HttpRequest& request)
{
    UploadStart start;
    AccessCheck access = checkAccess(request, Router::match(request.method, request.path));
    if (access.rejection) {
        start.rejection = std::move(*access.rejection);
        return start;
    }
    if (!access.caller) {
        start.rejection = failure(request, makeError(QString::fromLatin1(errc::kInternal),
                                                     QStringLiteral("Uploads need a signed-in "
                                                                    "route rule.")));
        return start;
    }
    const std::optional<SessionUser>& user = access.caller;
    start.userId = user->userId;

    const QUrlQuery query(QString::fromLatin1(request.query));
    if (!query.hasQueryItem(QStringLiteral("filename"))) {
        start.rejection = ApiResponse::error(400, QString::fromLatin1(errc::kInvalidFilename),
                                             QStringLiteral("The upload has no file name; add "
                                                            "?filename=NAME (percent-encoded) to "
                                                            "the URL."));
        return start;
    }
    // Decoded strictly: QUrlQuery would turn invalid UTF-8 into U+FFFD and store a mangled name.
    const QByteArray nameBytes = QByteArray::fromPercentEncoding(
        query.queryItemValue(QStringLiteral("filename"), QUrl::FullyEncoded).toLatin1());
    QStringDecoder decodeUtf8(QStringDecoder::Utf8);
    const QString rawName = decodeUtf8(nameBytes);
    if (decodeUtf8.hasError()) {
        start.rejection = ApiResponse::error(
            400, QString::fromLatin1(errc::kInvalidFilename),
            QStringLiteral("The file name %1 (shown percent-encoded) is not valid UTF-8; "
                           "percent-encode the name's UTF-8 bytes in ?filename=NAME.")
                .arg(ApiResponse::quoted(QString::fromLatin1(nameBytes.toPercentEncoding()))));
        return start;
    }
    auto filename = sanitizeFileName(rawName);
    if (!filename) {
        start.rejection =
            ApiResponse::error(400, filename.error().code,
                               QStringLiteral("Rejected the file name %1. %2")
                                   .arg(ApiResponse::quoted(rawName), filename.error().message));
        return start;
    }

    if (request.contentLength && *request.contentLength > m_context.maxUploadSize) {
        start.rejection = payloadTooLarge();
        return start;
    }

    QStringList shareUsers;
    for (const QString& value :
         query.allQueryItemValues(QStringLiteral("user"), QUrl::FullyDecoded))
        shareUsers << value;
    // A template's sharing applies when the upload names none; its retention applies when the
    // upload gives no expiration.
    auto chosenTemplate = m_retention.uploadTemplate(
        *user, query.queryItemValue(QStringLiteral("template"), QUrl::FullyDecoded));
    if (!chosenTemplate) {
        start.rejection = failure(request, chosenTemplate.error());
        return start;
    }
    QString sharing = query.queryItemValue(QStringLiteral("sharing"), QUrl::FullyDecoded);
    if (sharing.isEmpty() && chosenTemplate.value())
        sharing = chosenTemplate.value()->sharing;
    auto target = m_records.resolveUploadTarget(
        *user, query.queryItemValue(QStringLiteral("team"), QUrl::FullyDecoded), sharing,
        shareUsers);
    if (!target) {
        start.rejection = failure(request, target.error());
        return start;
    }
    if (auto applied = m_retention.applyUploadRetention(
            chosenTemplate.value(),
            query.queryItemValue(QStringLiteral("expires_at"), QUrl::FullyDecoded), target.value());
        !applied) {
        start.rejection = failure(request, applied.error());
        return start;
    }

    auto session = m_records.beginUpload(*user, filename.value(), target.value());
    if (!session) {
        start.rejection = failure(request, session.error());
        return start;
    }
    start.session = std::move(session).value();
    return start;
}

HttpResponse ApiHandler::finishUpload(const HttpRequest& request, UploadSession& session)
{
    auto record = session.finish();
    if (!record)
        return failure(request, record.error());
    if (m_context.wakeDeriveRunner)
        m_context.wakeDeriveRunner();
    return ApiResponse::json(201, record->toJson());
}

HttpResponse ApiHandler::failure(const HttpRequest& request, const Error& error) const
{
    const int status = ApiResponse::statusFor(error.code);
    if (status < 500 || status == 503)
        return ApiResponse::error(status, error.code, error.message);
    // The detail can name files and database internals, so it goes to the log only.
    qCCritical(lcHttp).noquote() << "request" << request.requestId << "failed:" << error.code << "-"
                                 << error.message;
    // This message names only the record id, which the caller sent.
    if (error.code == QLatin1String(errc::kRecordDamaged))
        return ApiResponse::error(status, error.code, error.message);
    return ApiResponse::error(status, error.code,
                              QStringLiteral("The server could not complete the request (request "
                                             "id %1). Try again later; if it keeps failing, give "
                                             "the administrator this id.")
                                  .arg(request.requestId));
}

HttpResponse ApiHandler::serverBusy()
{
    HttpResponse response = ApiResponse::error(503, QString::fromLatin1(errc::kServerBusy),
                                               QStringLiteral("The server is busy; try again in a "
                                                              "few seconds."));
    response.setHeader("Retry-After", QByteArray::number(kServerBusyRetrySeconds));
    return response;
}

HttpResponse ApiHandler::payloadTooLarge() const
{
    HttpResponse response = ApiResponse::error(
        413, QString::fromLatin1(errc::kPayloadTooLarge),
        QStringLiteral("The request body is larger than this server accepts (uploads: %1 bytes; "
                       "other requests: 64 KiB). Send a smaller file or ask the administrator to "
                       "raise --max-upload-size.")
            .arg(m_context.maxUploadSize));
    // The unread rest of the body cannot be skipped safely, so the connection ends here.
    response.closeConnection = true;
    return response;
}

HttpResponse ApiHandler::preflight(const HttpRequest& request, const RouteMatch& match) const
{
    if (!isAllowedOrigin(request.header("origin"))) {
        return ApiResponse::error(403, QString::fromLatin1(kOriginNotAllowed),
                                  QStringLiteral("Web pages from this origin may not call the API; "
                                                 "the administrator can allow it with "
                                                 "--allowed-origin."));
    }
    HttpResponse response;
    response.status = 204;
    response.setHeader("Access-Control-Allow-Methods", match.allowedMethods);
    response.setHeader("Access-Control-Allow-Headers",
                       "Authorization, Content-Type, X-ChartInsight-Purpose");
    response.setHeader("Access-Control-Max-Age", QByteArray::number(kPreflightMaxAgeSeconds));
    return response;
}

bool ApiHandler::isAllowedOrigin(const QByteArray& origin) const
{
    if (origin.isEmpty() || m_context.allowedOrigins.isEmpty())
        return false;
    return m_context.allowedOrigins.contains(
        CommandLine::normaliseOrigin(QString::fromLatin1(origin)));
}

void ApiHandler::finalize(const HttpRequest* request, HttpResponse& response) const
{
    ApiResponse::addSecurityHeaders(response);
    if (!request)
        return;
    response.setHeader("X-Request-Id", request->requestId.toLatin1());
    const QByteArray origin = request->header("origin");
    if (isAllowedOrigin(origin)) {
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Expose-Headers", "X-Request-Id, Content-Disposition");
        response.setHeader("Vary", "Origin");
    }
}

} // namespace chartinsight::server
