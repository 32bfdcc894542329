#include "ApiResponse.h"

#include "UserRepository.h"
#include "core/ErrorCodes.h"

#include <QJsonDocument>

#include <cstring>

namespace chartinsight::server {

HttpResponse ApiResponse::json(int status, const QJsonObject& object)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    response.setHeader("Content-Type", "application/json");
    return response;
}

HttpResponse ApiResponse::error(int status, const QString& code, const QString& message)
{
    const QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return json(status, QJsonObject{{QStringLiteral("error"), error}});
}

HttpResponse ApiResponse::error(const Error& error)
{
    return ApiResponse::error(statusFor(error.code), error.code, error.message);
}

int ApiResponse::statusFor(const QString& code)
{
    const QByteArray latin1 = code.toLatin1();
    const auto is = [&](const char* candidate) {
        return std::strcmp(latin1.constData(), candidate) == 0;
    };
    if (is(errc::kInvalidRequest) || is(errc::kInvalidFilename) || is(errc::kWeakPassword))
        return 400;
    if (is(errc::kInvalidCredentials) || is(errc::kUnauthorized))
        return 401;
    if (is(errc::kNotFound))
        return 404;
    if (is(errc::kMethodNotAllowed))
        return 405;
    if (is(kEmailTaken))
        return 409;
    if (is(errc::kPayloadTooLarge))
        return 413;
    if (is(errc::kMalwareDetected) || is(errc::kScanIncomplete) || is(errc::kEncryptedContent))
        return 422;
    if (is(errc::kScannerUnavailable) || is(errc::kServerBusy))
        return 503;
    return 500;
}

void ApiResponse::addSecurityHeaders(HttpResponse& response)
{
    response.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    response.setHeader("Content-Security-Policy", "default-src 'none'");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cache-Control", "no-store");
}

} // namespace chartinsight::server
