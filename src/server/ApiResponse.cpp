#include "ApiResponse.h"

#include "AuthErrors.h"
#include "Permissions.h"
#include "UserRepository.h"
#include "core/ErrorCodes.h"

#include <QChar>
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

QString ApiResponse::quoted(const QString& value)
{
    const QList<uint> codePoints = value.toUcs4();
    QString text = QStringLiteral("\"");
    for (qsizetype i = 0; i < codePoints.size(); ++i) {
        if (i == kMaxQuotedChars) {
            text += QStringLiteral("...");
            break;
        }
        const uint c = codePoints[i];
        switch (c) {
        case '\n':
            text += QStringLiteral("\\n");
            continue;
        case '\r':
            text += QStringLiteral("\\r");
            continue;
        case '\t':
            text += QStringLiteral("\\t");
            continue;
        case '"':
            text += QStringLiteral("\\\"");
            continue;
        case '\\':
            text += QStringLiteral("\\\\");
            continue;
        default:
            break;
        }
        const QChar::Category category = QChar::category(char32_t(c));
        const bool invisible =
            category == QChar::Other_Control || category == QChar::Other_Format ||
            category == QChar::Other_Surrogate || category == QChar::Other_NotAssigned ||
            category == QChar::Separator_Line || category == QChar::Separator_Paragraph;
        if (invisible) {
            text += QStringLiteral("\\u{") +
                    QString::number(c, 16).toUpper().rightJustified(4, u'0') + u'}';
        } else {
            const char32_t character = c;
            text += QString::fromUcs4(&character, 1);
        }
    }
    return text + u'"';
}

int ApiResponse::statusFor(const QString& code)
{
    const QByteArray latin1 = code.toLatin1();
    const auto is = [&](const char* candidate) {
        return std::strcmp(latin1.constData(), candidate) == 0;
    };
    if (is(errc::kInvalidRequest) || is(errc::kInvalidFilename) || is(errc::kWeakPassword))
        return 400;
    if (is(accessc::kInvalidPermission) || is(accessc::kTeamRequired) ||
        is(accessc::kInvalidShareUser) || is(accessc::kInvalidSharing) ||
        is(accessc::kInvalidMember))
        return 400;
    if (is(accessc::kTeamExists) || is(accessc::kLastOrganizationAdmin))
        return 409;
    if (is(errc::kInvalidExpiry) || is(errc::kInvalidTemplate))
        return 400;
    if (is(errc::kLegalHold) || is(errc::kTemplateExists))
        return 409;
    if (is(errc::kInvalidCredentials) || is(errc::kUnauthorized) || is(authc::kTokenExpired) ||
        is(authc::kSessionRevoked) || is(authc::kInvalidCode) || is(authc::kMfaFailed))
        return 401;
    if (is(authc::kForbidden))
        return 403;
    if (is(authc::kCodeExpired) || is(authc::kResetLinkInvalid))
        return 410;
    if (is(authc::kAccountLocked))
        return 423;
    if (is(authc::kRateLimited))
        return 429;
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
    // A page that needs a looser policy (the reset-password form) sets its own first.
    bool hasPolicy = false;
    for (const HttpHeader& field : response.headers)
        hasPolicy =
            hasPolicy || field.name.compare("Content-Security-Policy", Qt::CaseInsensitive) == 0;
    if (!hasPolicy)
        response.setHeader("Content-Security-Policy", "default-src 'none'");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cache-Control", "no-store");
}

} // namespace chartinsight::server
