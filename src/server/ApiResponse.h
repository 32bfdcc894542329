#pragma once

#include "HttpMessage.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QString>

namespace chartinsight::server {

// Builders for the API's JSON responses. Errors have the form
// {"error": {"code": "...", "message": "..."}} with a code from core/ErrorCodes.h.
class ApiResponse
{
public:
    static HttpResponse json(int status, const QJsonObject& object);
    static HttpResponse error(int status, const QString& code, const QString& message);
    // An error with the HTTP status that belongs to its code (see statusFor).
    static HttpResponse error(const Error& error);

    // The HTTP status for an error code: 400 for invalid input, 401, 404, 413, 422 for a
    // rejected scan, 503 for an unusable scanner or a full queue, 500 for anything else.
    static int statusFor(const QString& code);

    // Returns `value` in double quotes for an error message: at most kMaxQuotedChars
    // characters (then "..."), with control, format and bidi characters, quotes and
    // backslashes escaped as \n, \t, \", \\ or \u{XXXX}, so a client-sent value cannot forge
    // lines or reorder the text around it.
    static QString quoted(const QString& value);
    static constexpr int kMaxQuotedChars = 80;

    // Adds the headers every response carries: HSTS, a CSP that allows nothing, nosniff,
    // framing denied, no referrer and no caching (responses hold health data).
    static void addSecurityHeaders(HttpResponse& response);
};

} // namespace chartinsight::server
