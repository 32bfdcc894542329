#include "ApiHandler.h"

#include "ApiResponse.h"
#include "AuthErrors.h"
#include "CommandLine.h"
#include "ServerContext.h"
#include "ServerLog.h"
#include "UploadSession.h"
#include "core/ErrorCodes.h"
#include "core/FileName.h"
#include "scan/Scanner.h"

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

} // namespace

ApiHandler::ApiHandler(ServerContext& context)
    : m_context(context), m_auth(context), m_records(context)
{
}

Result<void> ApiHandler::initialize()
{
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
    return std::nullopt;
}

HttpResponse ApiHandler::handle(const HttpRequest& request, const RouteMatch& match)
{
    if (Router::isAuthRoute(match.route)) {
        if (auto limited = m_auth.limitClientAddress(request))
            return std::move(*limited);
        return m_auth.handle(request, match);
    }
    switch (match.route) {
    case RouteId::Records:
        return listRecords(request);
    case RouteId::RecordContent:
        return downloadRecord(request, match);
    case RouteId::Health:
        return health();
    default:
        break;
    }
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

HttpResponse ApiHandler::listRecords(const HttpRequest& request)
{
    auto user = m_auth.authenticate(request.header("authorization"));
    if (!user)
        return ApiResponse::statusFor(user.error().code) == 401 ? unauthorizedResponse(user.error())
                                                                : failure(request, user.error());
    auto records = m_records.list(user.value());
    if (!records) {
        HttpResponse response = failure(request, records.error());
        response.userId = user->userId;
        return response;
    }
    QJsonArray array;
    for (const RecordInfo& record : std::as_const(records.value()))
        array.append(record.toJson());
    HttpResponse response = ApiResponse::json(200, QJsonObject{{QStringLiteral("records"), array}});
    response.userId = user->userId;
    return response;
}

HttpResponse ApiHandler::downloadRecord(const HttpRequest& request, const RouteMatch& match)
{
    auto user = m_auth.authenticate(request.header("authorization"));
    if (!user)
        return ApiResponse::statusFor(user.error().code) == 401 ? unauthorizedResponse(user.error())
                                                                : failure(request, user.error());
    HttpResponse response;
    if (!match.validRecordId) {
        response = ApiResponse::error(404, QString::fromLatin1(errc::kNotFound),
                                      QStringLiteral("The record id in the path is not a valid "
                                                     "id; list your records for their ids."));
    } else if (auto content = m_records.openContent(user.value(), match.recordId); !content) {
        response = failure(request, content.error());
    } else {
        response.status = 200;
        response.setHeader("Content-Type", "application/octet-stream");
        response.setHeader("Content-Disposition", contentDisposition(content->info.filename));
        response.bodySource = content->body;
    }
    response.userId = user->userId;
    return response;
}

ApiHandler::UploadStart ApiHandler::beginUpload(const HttpRequest& request)
{
    UploadStart start;
    auto user = m_auth.authenticate(request.header("authorization"));
    if (!user) {
        start.rejection = ApiResponse::statusFor(user.error().code) == 401
                              ? unauthorizedResponse(user.error())
                              : failure(request, user.error());
        return start;
    }
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

    auto session = m_records.beginUpload(user.value(), filename.value());
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
    response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
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
