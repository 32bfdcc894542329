#pragma once

#include "AccessPolicy.h"
#include "AuthService.h"
#include "HttpMessage.h"
#include "Router.h"
#include "core/Result.h"

#include <QString>
#include <QStringList>

namespace chartinsight::server {

struct ServerContext;
class RecordService;

// The generated content of records as callers read it: GET /api/v1/records/{id}/preview,
// GET /api/v1/records/{id}/text and the search GET /api/v1/records?query=TEXT. Visibility goes
// through AccessPolicy like every other record route, so a record the caller cannot see is
// "not_found", and search matches only visible records. The methods block on the database and
// on decryption, so callers run them on the worker pool.
class DerivativeService
{
public:
    // Maximum search text length in characters, and maximum number of words used from it.
    static constexpr int kMaxQueryLength = 200;
    static constexpr int kMaxQueryWords = 16;
    // Most records a search returns, newest first.
    static constexpr int kMaxSearchResults = 200;

    explicit DerivativeService(ServerContext& context);

    static bool handles(RouteId route);

    // Returns the preview PNG or the text of a record the caller can see. Client errors are
    // returned as a response; a server-side failure as an Error.
    Result<HttpResponse> handle(const HttpRequest& request, const RouteMatch& match,
                                const SessionUser& caller);

    // Handles GET /api/v1/records?query=TEXT: the visible records whose extracted text, title or
    // file name contain every word of TEXT, as {"records": [...]}.
    Result<HttpResponse> search(const QString& query, const SessionUser& caller,
                                RecordService& records);

    // The caller's search text split into terms at white space (at most kMaxQueryWords), and
    // an FTS4 MATCH expression with one quoted phrase per term that keeps only the term's
    // letters and digits. So no operator, column filter, prefix star or quote of the input
    // reaches the FTS query parser. `match` is empty when no term has a letter or digit.
    struct ParsedQuery
    {
        QString match;     // for "body MATCH ?"
        QStringList terms; // lower case, for the title and file name match
    };
    static ParsedQuery parseQuery(const QString& text);

private:
    Result<HttpResponse> readDerivative(const HttpRequest& request, const RouteMatch& match,
                                        const SessionUser& caller, const QString& kind);

    ServerContext& m_context;
    AccessPolicy m_policy;
};

} // namespace chartinsight::server
